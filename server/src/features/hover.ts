/**
 * Hover: what a keyword means (unit, range, default); for a channel, its
 * routing and its source files' length, rate, channels and peak; for a
 * named processor or band, where it is and its settings; for a bar time or
 * a marker, the clock time; for an automation lane's target, what it moves
 * and its points, and for a point, its time, value and the segment after it.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import {
  bandText, durationOf, TempoMap, forEachTime, KEYWORD_DOCS, laneAt, lanesOf, processorText, tokens as T, type AudioFact, type AutomateStatement,
  type AutomationModel, type ChannelModel, type ChannelStatement, type Keyword, type MixSymbol, type ProcessorModel, type Span,
} from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';
import { barBeat, clockMs, laneModel, modelPointIndexes, showTargetValue, targetOf, writtenTarget, type TargetInfo } from './automation.js';
import { docMarkdown } from './completion.js';
import { clockTime } from './inlay-hints.js';
import { symbolAt } from './navigation.js';
import { endOf, firstTokenFrom, tokenAt } from './tokens-at.js';

export interface AudioInfoSource {
  fact(folder: string, path: string): AudioFact | undefined;
  peakDbfs(folder: string, path: string): Promise<number | null>;
}

export async function hover(doc: DocState, position: Position, audio: AudioInfoSource): Promise<Hover | null> {
  const offset = doc.lines.offset(position);
  // In a lane, its target and its points say what they do before any name they contain.
  const lane = laneHover(doc, offset);
  if (lane) return { contents: { kind: MarkupKind.Markdown, value: lane.value }, range: doc.lines.range(lane.span) };
  const hit = symbolAt(doc, offset);
  if (hit) {
    return { contents: { kind: MarkupKind.Markdown, value: await symbolMarkdown(doc, hit.symbol, audio) }, range: doc.lines.range(hit.span) };
  }
  const token = tokenAt(doc.checked.tokens, offset);
  if (!token) return null;
  const range = doc.lines.range({ start: token.startOffset, end: endOf(token) });
  if (token.tokenType.name.startsWith('Kw_')) {
    const d = KEYWORD_DOCS[token.image as Keyword];
    if (token.image === 'bar') {
      const hit = barTimeAt(doc, token.startOffset);
      if (hit) return { contents: { kind: MarkupKind.Markdown, value: `\`${hit.text}\` = **${clockTime(hit.seconds)}** (${hit.seconds.toFixed(3)} s)` }, range };
    }
    if (d) return { contents: { kind: MarkupKind.Markdown, value: `\`${d.syntax}\`\n\n${docMarkdown(d)}` }, range };
  }
  if (token.tokenType === T.StringLit && doc.folder) {
    const i = firstTokenFrom(doc.checked.tokens, token.startOffset);
    const before = doc.checked.tokens[i - 1]?.image;
    if (before === 'file' || before === 'clip' || doc.checked.tokens[i - 2]?.image === 'reference') {
      const path = token.image.slice(1, -1).replace(/\\(["\\])/g, '$1');
      return { contents: { kind: MarkupKind.Markdown, value: await fileMarkdown(doc.folder, path, audio) }, range };
    }
  }
  return null;
}

/** The `bar N [beat B]` time starting at `offset`, as written and in seconds (needs a tempo). */
function barTimeAt(doc: DocState, offset: number): { text: string; seconds: number } | null {
  const map = TempoMap.of(doc.checked.model);
  if (!map) return null;
  let hit: { text: string; seconds: number } | null = null;
  forEachTime(doc.checked.document, (t) => {
    if (t.kind !== 'bar' || t.span.start !== offset || Number.isNaN(t.bar.value)) return;
    const beat = t.beat && !Number.isNaN(t.beat.value) ? t.beat.value : 1;
    hit = { text: doc.text.slice(t.span.start, t.span.end), seconds: map.seconds(t.bar.value, beat) };
  });
  return hit;
}

async function symbolMarkdown(doc: DocState, symbol: MixSymbol, audio: AudioInfoSource): Promise<string> {
  const model = doc.checked.model;
  if (symbol.kind === 'marker') {
    const m = model.markers.find((x) => x.name === symbol.name);
    const map = TempoMap.of(model);
    return `**marker ${symbol.name}**` + (m ? ` at ${clockTime(m.time)}` + (map ? ` (bar ${barOf(m.time, map)})` : '') : '');
  }
  if (symbol.kind === 'reference') {
    const r = model.references.find((x) => x.name === symbol.name);
    const head = `**reference ${symbol.name}**: for A/B in the preview, never mixed in`;
    return r && doc.folder ? `${head}\n\n${await fileMarkdown(doc.folder, r.path, audio)}` : head;
  }
  if (symbol.kind === 'processor' || symbol.kind === 'band') return partMarkdown(doc, symbol);
  const c = model.channels.find((x) => x.name === symbol.name);
  if (!c) return `**${symbol.kind} ${symbol.name}**`;
  const title = c.kind === 'master' ? '**master**' : `**${c.kind} ${c.name}**`;
  const lines = [`${title}${c.label ? ` — ${c.label}` : ''}`];
  lines.push(routing(c, model.channels));
  if (c.inserts.length > 0) lines.push(`Inserts: ${c.inserts.map((p) => insertLabel(p)).join(' → ')}`);
  if (c.kind === 'track' && doc.folder) {
    const unique = [...new Set(c.clips.map((x) => x.path))];
    for (const path of unique) lines.push(await fileMarkdown(doc.folder, path, audio));
  }
  return lines.join('\n\n');
}

/** `comp glue`, struck through when bypassed. */
function insertLabel(p: ProcessorModel): string {
  const label = p.name ? `${p.type} ${p.name}` : p.type;
  return p.bypass ? `~~${label}~~` : label;
}

/** A named processor or EQ band: where it is in its channel, and its settings as they read. */
function partMarkdown(doc: DocState, symbol: MixSymbol): string {
  const c = doc.checked.model.channels.find((x) => x.name === symbol.channel);
  const where = !c ? symbol.channel ?? '' : c.kind === 'master' ? 'master' : `${c.kind} ${c.name}`;
  if (symbol.kind === 'processor') {
    const index = c?.inserts.findIndex((p) => p.name === symbol.name) ?? -1;
    const p = index >= 0 ? c!.inserts[index]! : null;
    if (!p) return `**processor ${symbol.name}** in ${where}`;
    return [
      `**${p.type} ${symbol.name}** in ${where}, insert ${index + 1} of ${c!.inserts.length}${p.bypass ? ' (bypassed)' : ''}`,
      `\`${processorText(p)}\``,
    ].join('\n\n');
  }
  const eq = c?.inserts.find((p) => p.type === 'eq' && p.bands.some((b) => b.name === symbol.name));
  const band = eq?.type === 'eq' ? eq.bands.find((b) => b.name === symbol.name) : undefined;
  if (!band || !eq) return `**band ${symbol.name}** in ${where}`;
  const owner = eq.name ? `eq ${eq.name}` : 'eq';
  return [`**${band.type} band ${symbol.name}** of the ${owner} of ${where}`, `\`${bandText(band)}\``].join('\n\n');
}

function routing(c: ChannelModel, all: readonly ChannelModel[]): string {
  const feeders = all.filter((x) => x.output === c.name).map((x) => x.name);
  const senders = all.filter((x) => x.sends.some((s) => s.bus === c.name)).map((x) => x.name);
  const parts: string[] = [];
  if (c.kind !== 'track') parts.push(`Input: ${[...feeders, ...senders.map((s) => `${s} (send)`)].join(', ') || 'nothing'}`);
  if (c.output) parts.push(`Output: ${c.output}`);
  if (c.sends.length > 0) parts.push(`Sends: ${c.sends.map((s) => `${s.bus} ${s.gainDb} dB${s.pre ? ' pre' : ''}`).join(', ')}`);
  parts.push(`Fader ${c.gainDb === -Infinity ? '-inf' : c.gainDb} dB, pan ${Math.round(c.pan * 100)}%${c.mute ? ', muted' : ''}${c.solo ? ', solo' : ''}`);
  return parts.join(' · ');
}

async function fileMarkdown(folder: string, path: string, audio: AudioInfoSource): Promise<string> {
  const fact = audio.fact(folder, path);
  const name = `\`${path}\``;
  if (!fact) return `${name}: not read yet`;
  switch (fact.status) {
    case 'missing': return `${name}: **not found**`;
    case 'unreadable': return `${name}: cannot be read (${fact.reason})`;
    case 'unsupported': return `${name}: not supported (${fact.reason})`;
    case 'ok': {
      const i = fact.info;
      const peak = await audio.peakDbfs(folder, path);
      const peakText = peak === null ? '' : `, peak ${peak === -Infinity ? '-inf' : peak.toFixed(1)} dBFS`;
      return `${name}: ${clockTime(durationOf(i))}, ${i.sampleRate} Hz, ${i.channels === 1 ? 'mono' : 'stereo'}, ${i.encoding}${peakText}`;
    }
  }
}

function barOf(seconds: number, map: TempoMap): string {
  const { bar, beat } = map.position(seconds);
  return Math.abs(beat - 1) < 1e-9 ? `${bar}` : `${bar} beat ${Number(beat.toFixed(2))}`;
}

// ---- automation lanes ----------------------------------------------------------------------

/** The hover of a lane's target, or of the point on the cursor's line in a lane's body. */
function laneHover(doc: DocState, offset: number): { value: string; span: Span } | null {
  for (const { channel, lane } of lanesOf(doc.checked.document)) {
    if (lane.target && lane.target.span.start <= offset && offset <= lane.target.span.end) {
      return { value: targetMarkdown(doc, channel, lane), span: lane.target.span };
    }
  }
  const inLane = laneAt(doc.checked.document, offset, doc.text);
  if (!inLane) return null;
  const { channel, lane } = inLane;
  // The point on the cursor's line: the one under the cursor, else the last one before it, else the first.
  const line = doc.lines.position(offset).line;
  const onLine = lane.points.filter((p) => doc.lines.position(p.span.start).line <= line && line <= doc.lines.position(p.span.end).line);
  const point = onLine.find((p) => p.span.start <= offset && offset <= p.span.end) ?? onLine.filter((p) => p.span.start <= offset).at(-1) ?? onLine[0];
  if (!point) return null;
  return { value: pointMarkdown(doc, channel, lane, lane.points.indexOf(point)), span: point.span };
}

interface LaneFacts {
  readonly target: TargetInfo | null;
  readonly model: AutomationModel | null;
  readonly title: string;
}

function laneFacts(doc: DocState, channel: ChannelStatement, lane: AutomateStatement): LaneFacts {
  const model = doc.checked.model;
  const c = model.channels.find((x) => x.name === channel.name.name);
  const target = c && lane.target ? targetOf(c, lane.target, model.sampleRate) : null;
  const where = channel.channelKind === 'master' ? 'master' : `${channel.channelKind} ${channel.name.name}`;
  return { target, model: laneModel(doc, channel.name.name, lane), title: `\`automate ${writtenTarget(doc, lane)}\` in ${where}` };
}

/** `0:32.000 (bar 17.1)`: the clock time, and the bar and beat when the session has a tempo. */
function timeText(doc: DocState, seconds: number): string {
  const map = TempoMap.of(doc.checked.model);
  return `${clockMs(seconds)}${map && seconds >= 0 ? ` (bar ${barBeat(seconds, map)})` : ''}`;
}

function targetMarkdown(doc: DocState, channel: ChannelStatement, lane: AutomateStatement): string {
  const { target, model, title } = laneFacts(doc, channel, lane);
  if (!target) return `**${title}**\n\nThis target moves nothing (see its problem).`;
  const rows = [`**${title}**: moves ${target.moves}`];
  if (target.summary) rows.push(target.summary);
  rows.push(`**Unit and range:** ${target.range}`);
  if (!model) {
    rows.push(`No usable points: the lane does nothing.`);
  } else {
    const values = model.points.map((p) => p.value);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const count = `${model.points.length} point${model.points.length === 1 ? '' : 's'}`;
    const span = `from ${clockMs(model.points[0]!.time)} to ${clockMs(model.points.at(-1)!.time)}`;
    const range = lo === hi ? `all at ${showTargetValue(target.format, lo)}` : `${showTargetValue(target.format, lo)} to ${showTargetValue(target.format, hi)}`;
    rows.push(`**${count}** ${span}; values ${range}`);
  }
  return rows.join('\n\n');
}

const SHAPE_WORDS = {
  linear: 'a straight line',
  hold: 'holds, then steps',
  smooth: 'an S-curve',
} as const;

function pointMarkdown(doc: DocState, channel: ChannelStatement, lane: AutomateStatement, index: number): string {
  const { target, model, title } = laneFacts(doc, channel, lane);
  const written = lane.points[index]!;
  const head = `**\`${doc.text.slice(written.span.start, written.span.end).replace(/\s+/g, ' ')}\`**: a point of ${title}`;
  const k = model ? modelPointIndexes(doc, lane, model)[index] ?? null : null;
  if (!model || !target || k === null) return `${head}\n\nThis point is not part of the lane (see its problems).`;
  const p = model.points[k]!;
  const next = model.points[k + 1];
  const rows = [head];
  rows.push(`**Time:** ${timeText(doc, p.time)}`);
  rows.push(`**Value:** ${showTargetValue(target.format, p.value)}${target.format.kind === 'switch' ? (p.value >= 0.5 ? ' (muted)' : ' (not muted)') : ''}`);
  if (!next) {
    rows.push(`**After it:** the last point: ${showTargetValue(target.format, p.value)} holds to the end`);
  } else if (target.format.kind === 'switch') {
    rows.push(`**After it:** \`hold\` until ${clockMs(next.time)}, where it switches ${showTargetValue(target.format, next.value)}`);
  } else {
    // A dB segment with a -inf end moves linearly in amplitude, so a fade to silence sounds like one.
    const silent = p.value === -Infinity || next.value === -Infinity;
    const scale = model.scale === 'db' ? (silent ? ' in amplitude' : ' in dB') : model.scale === 'octave' ? ' in octaves' : '';
    rows.push(`**After it:** \`${p.shape}\`: ${SHAPE_WORDS[p.shape]}${p.shape === 'linear' ? scale : ''} to ${showTargetValue(target.format, next.value)} at ${clockMs(next.time)}`);
  }
  return rows.join('\n\n');
}
