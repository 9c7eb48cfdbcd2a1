/** Small helpers to find things in the syntax tree. */
import type * as ast from './ast.js';
import type { ProcessorType } from './processors/types.js';

export type BlockLevel = 'top' | 'channel' | ProcessorType;

export interface BlockContext {
  readonly level: BlockLevel;
  readonly channel: ast.ChannelStatement | null;
  readonly processor: ast.ProcessorStatement | null;
}

const inside = (span: ast.Span, offset: number) => offset > span.start && offset < span.end;

/**
 * The block the offset is in. A block whose `}` is missing extends to the end
 * of what was parsed for it, so typing at the end of an unclosed block still
 * counts as inside it.
 */
export function blockAt(doc: ast.MixDocument, offset: number, text: string): BlockContext {
  for (const s of doc.statements) {
    if (s.kind !== 'channel') continue;
    const closed = text[s.bodySpan.end - 1] === '}';
    const body = closed ? s.bodySpan : { start: s.bodySpan.start, end: nextTopStart(doc, s, text.length) };
    if (text[s.bodySpan.start] !== '{' || !inside(body, offset)) continue;
    for (const p of s.body) {
      if (p.kind !== 'processor' || text[p.bodySpan.start] !== '{') continue;
      const pClosed = text[p.bodySpan.end - 1] === '}';
      const pBody = pClosed ? p.bodySpan : { start: p.bodySpan.start, end: nextItemStart(s, p, body.end) };
      if (inside(pBody, offset)) return { level: p.processor, channel: s, processor: p };
    }
    return { level: 'channel', channel: s, processor: null };
  }
  return { level: 'top', channel: null, processor: null };
}

/** An automation lane and the channel it is in. */
export interface LaneContext {
  readonly channel: ast.ChannelStatement;
  readonly lane: ast.AutomateStatement;
}

/**
 * The automation lane whose body (`{ … }`) the offset is in, or null. As in
 * `blockAt`, a lane whose `}` is missing extends to the channel's next item,
 * so typing the first point of a new lane counts as inside it.
 */
export function laneAt(doc: ast.MixDocument, offset: number, text: string): LaneContext | null {
  const block = blockAt(doc, offset, text);
  const c = block.channel;
  if (!c || block.level !== 'channel') return null;
  const channelEnd = text[c.bodySpan.end - 1] === '}' ? c.bodySpan.end : nextTopStart(doc, c, text.length);
  for (const item of c.body) {
    if (item.kind !== 'automate' || text[item.bodySpan.start] !== '{') continue;
    const closed = item.bodySpan.end - item.bodySpan.start >= 2 && text[item.bodySpan.end - 1] === '}';
    const body = closed ? item.bodySpan : { start: item.bodySpan.start, end: nextItemStart(c, item, channelEnd) };
    if (inside(body, offset)) return { channel: c, lane: item };
  }
  return null;
}

/** Every automation lane of the file, with its channel. */
export function lanesOf(doc: ast.MixDocument): LaneContext[] {
  const out: LaneContext[] = [];
  for (const s of doc.statements) {
    if (s.kind !== 'channel') continue;
    for (const item of s.body) if (item.kind === 'automate') out.push({ channel: s, lane: item });
  }
  return out;
}

function nextTopStart(doc: ast.MixDocument, s: ast.TopStatement, end: number): number {
  const i = doc.statements.indexOf(s);
  return doc.statements[i + 1]?.span.start ?? end + 1;
}

function nextItemStart(c: ast.ChannelStatement, p: ast.ChannelItem, end: number): number {
  const i = c.body.indexOf(p);
  return c.body[i + 1]?.span.start ?? end;
}

/** Every time expression in the file, with the statement it belongs to. */
export function forEachTime(doc: ast.MixDocument, visit: (t: ast.TimeExpr) => void): void {
  for (const s of doc.statements) {
    if (s.kind === 'marker' && s.time) visit(s.time);
    else if (s.kind === 'length' && s.time) visit(s.time);
    else if ((s.kind === 'tempo' || s.kind === 'meter') && s.at?.time) visit(s.at.time);
    else if (s.kind === 'channel') {
      for (const item of s.body) {
        if (item.kind === 'clip') for (const c of item.clauses) if (c.clause !== 'gain' && c.time) visit(c.time);
        if (item.kind === 'cut') {
          if (item.from) visit(item.from);
          if (item.to) visit(item.to);
        }
        if (item.kind === 'automate') for (const p of item.points) if (p.time) visit(p.time);
      }
    }
  }
}
