/**
 * Quick fixes, looked up by diagnostic code: add or correct a unit, take the
 * name that was probably meant, create a missing bus, delete an empty track
 * or a setting that does not belong, sort an automation lane's points.
 */
import { CodeActionKind, type CodeAction, type Range, type TextEdit } from 'vscode-languageserver';
import { lanesOf, type AutomationPoint, type CommentNode, type Diagnostic, type DiagnosticData, type Span } from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';
import { toLspDiagnostic } from './diagnostics.js';

export function codeActions(doc: DocState, range: Range): CodeAction[] {
  const start = doc.lines.offset(range.start);
  const end = doc.lines.offset(range.end);
  const actions: CodeAction[] = [];
  const relevant = doc.checked.diagnostics.filter((d) => d.span.start <= end && d.span.end >= start);
  for (const d of relevant) actions.push(...fixesFor(doc, d));

  const empty = doc.checked.diagnostics.filter((d) => d.code === 'track-no-sources' && d.data?.kind === 'deleteStatement');
  if (empty.length > 1 && relevant.some((d) => d.code === 'track-no-sources')) {
    actions.push({
      title: `Delete all ${empty.length} empty tracks`,
      kind: CodeActionKind.QuickFix,
      diagnostics: empty.map((d) => toLspDiagnostic(doc, d)),
      edit: { changes: { [doc.uri]: empty.map((d) => deletion(doc, (d.data as { span: Span }).span)) } },
    });
  }
  return actions;
}

function fixesFor(doc: DocState, d: Diagnostic): CodeAction[] {
  const diagnostic = toLspDiagnostic(doc, d);
  const fix = (title: string, edits: TextEdit[], isPreferred = false): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred,
    edit: { changes: { [doc.uri]: edits } },
  });
  const data = d.data;
  switch (d.code) {
    case 'missing-unit': {
      if (data?.kind !== 'units') return [];
      const at = doc.lines.position(d.span.end);
      return data.units.map((u, i) => fix(`Add unit '${u}'`, [{ range: { start: at, end: at }, newText: u === '%' ? '%' : ` ${u}` }], i === 0));
    }
    case 'wrong-unit': {
      if (data?.kind !== 'units' || !data.unitSpan) return [];
      // Replace from the end of the number, so `10dB` and `10 dB` both become `10%`.
      let start = data.unitSpan.start;
      while (start > d.span.start && /\s/.test(doc.text[start - 1]!)) start--;
      const range = doc.lines.range({ start, end: data.unitSpan.end });
      const unit = doc.text.slice(data.unitSpan.start, data.unitSpan.end);
      if (data.units.length === 0) return [fix(`Remove the unit '${unit}'`, [{ range, newText: '' }], true)];
      return data.units.map((u, i) => fix(`Change unit to '${u}'`, [{ range, newText: u === '%' ? '%' : ` ${u}` }], i === 0));
    }
    case 'unknown-name': {
      if (data?.kind !== 'didYouMean') return [];
      const range = doc.lines.range(d.span);
      const actions = data.candidates.map((c, i) => fix(`Change to '${c}'`, [{ range, newText: c }], i === 0));
      if (data.expects === 'bus') {
        const name = doc.text.slice(d.span.start, d.span.end);
        actions.push(fix(`Create bus '${name}'`, [createBus(doc, name)], data.candidates.length === 0));
      }
      return actions;
    }
    case 'track-no-sources': {
      if (data?.kind !== 'deleteStatement') return [];
      const name = doc.text.slice(d.span.start, d.span.end);
      return [fix(`Delete empty track '${name}'`, [deletion(doc, data.span)], true)];
    }
    case 'duplicate-setting':
    case 'not-allowed-here': {
      if (data?.kind !== 'deleteStatement') return [];
      const word = doc.text.slice(data.span.start, data.span.end).split(/\s/)[0];
      return [fix(`Delete '${word}'`, [deletion(doc, data.span)], true)];
    }
    case 'points-out-of-order': {
      if (data?.kind !== 'sortPoints') return [];
      const edit = sortPoints(doc, data);
      return edit ? [fix('Sort points by time', [edit], true)] : [];
    }
    default:
      return [];
  }
}

/**
 * Rewrites a lane's body with its points in time order (`sorted`, from the
 * diagnostic), one a line, each with its own text. A comment at the end of
 * a point's line stays with that point, own-line comments with the point
 * below them, a comment on the `{` line on it, and comments after the last
 * point at the end. Points analysis could not place (not in `sorted`) follow
 * the sorted ones in written order. Nothing is offered when the body holds
 * anything else (skipped junk), which the rewrite would lose.
 */
function sortPoints(doc: DocState, data: Extract<DiagnosticData, { kind: 'sortPoints' }>): TextEdit | null {
  const { text } = doc;
  const { body, sorted } = data;
  if (body.end - body.start < 2 || text[body.start] !== '{' || text[body.end - 1] !== '}') return null;
  const lane = lanesOf(doc.checked.document).map((l) => l.lane).find((l) => l.bodySpan.start === body.start && l.bodySpan.end === body.end);
  if (!lane) return null;
  const inner = { start: body.start + 1, end: body.end - 1 };
  const comments = doc.checked.document.comments.filter((c) => c.span.start >= inner.start && c.span.end <= inner.end);

  // Everything in the body must be a point, a comment, `;` or white space.
  const left = text.slice(inner.start, inner.end).split(''); // UTF-16 units, as spans count
  for (const s of [...lane.points.map((p) => p.span), ...comments.map((c) => c.span)]) left.fill(' ', s.start - inner.start, s.end - inner.start);
  if (/[^\s;]/.test(left.join(''))) return null;

  const lineOf = (offset: number) => doc.lines.position(offset).line;
  const braceLine = lineOf(body.start);
  const units = new Map<AutomationPoint, { lead: string[]; trail: string | null }>();
  let braceComment: string | null = null;
  let pending: string[] = [];
  let previous: AutomationPoint | null = null;
  const items: ({ point: AutomationPoint; start: number } | { comment: CommentNode; start: number })[] = [
    ...lane.points.map((point) => ({ point, start: point.span.start })),
    ...comments.map((comment) => ({ comment, start: comment.span.start })),
  ].sort((a, b) => a.start - b.start);
  for (const item of items) {
    if ('point' in item) {
      units.set(item.point, { lead: pending, trail: null });
      pending = [];
      previous = item.point;
      continue;
    }
    const c = item.comment;
    const line = lineOf(c.span.start);
    const unit = previous ? units.get(previous)! : null;
    if (unit && previous && lineOf(previous.span.end) === line && unit.trail === null) unit.trail = c.text;
    else if (!previous && line === braceLine && braceComment === null) braceComment = c.text;
    else pending.push(c.text);
  }

  const bySpan = (s: Span) => lane.points.find((p) => p.span.start === s.start && p.span.end === s.end);
  const order = sorted.map(bySpan).filter((p): p is AutomationPoint => !!p);
  for (const p of lane.points) if (!order.includes(p)) order.push(p);

  const indentOf = (offset: number) => /^[ \t]*/.exec(text.slice(doc.lines.lineStart(lineOf(offset))))![0];
  const outer = indentOf(lane.span.start);
  const ownLine = lane.points.find((p) => text.slice(doc.lines.lineStart(lineOf(p.span.start)), p.span.start).trim() === '');
  const indent = ownLine ? indentOf(ownLine.span.start) : outer + (outer.includes('\t') ? '\t' : '  ');
  const lines: string[] = [];
  for (const p of order) {
    const unit = units.get(p)!;
    for (const c of unit.lead) lines.push(indent + c);
    lines.push(indent + text.slice(p.span.start, p.span.end) + (unit.trail ? ` ${unit.trail}` : ''));
  }
  for (const c of pending) lines.push(indent + c);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const newText = `${braceComment ? ` ${braceComment}` : ''}${eol}${lines.join(eol)}${eol}${outer}`;
  return { range: doc.lines.range(inner), newText };
}

/** A new bus, placed before master (the usual place for buses) or at the end. */
function createBus(doc: DocState, name: string): TextEdit {
  const master = doc.checked.document.statements.find((s) => s.kind === 'channel' && s.channelKind === 'master');
  if (master) {
    const at = doc.lines.position(doc.lines.lineStart(doc.lines.position(master.span.start).line));
    return { range: { start: at, end: at }, newText: `bus ${name} {\n}\n\n` };
  }
  const end = doc.lines.position(doc.text.length);
  const sep = doc.text.length === 0 || doc.text.endsWith('\n\n') ? '' : doc.text.endsWith('\n') ? '\n' : '\n\n';
  return { range: { start: end, end }, newText: `${sep}bus ${name} {\n}\n` };
}

/** Deletes a statement; when it is alone on its lines, the lines go too. */
export function deletion(doc: DocState, span: Span): TextEdit {
  const first = doc.lines.position(span.start).line;
  const last = doc.lines.position(span.end).line;
  const lineStart = doc.lines.lineStart(first);
  const nextLine = last + 1 < doc.lines.lineCount ? doc.lines.lineStart(last + 1) : doc.text.length;
  const before = doc.text.slice(lineStart, span.start);
  const after = doc.text.slice(span.end, nextLine);
  if (before.trim() === '' && (after.trim() === '' || after.trim() === ';')) {
    return { range: doc.lines.range({ start: lineStart, end: nextLine }), newText: '' };
  }
  let end = span.end;
  while (end < doc.text.length && (doc.text[end] === ' ' || doc.text[end] === '\t' || doc.text[end] === ';')) end++;
  return { range: doc.lines.range({ start: span.start, end }), newText: '' };
}
