/**
 * Quick fixes, looked up by diagnostic code: add or correct a unit, take the
 * name that was probably meant, create a missing bus, delete an empty track
 * or a setting that does not belong.
 */
import { CodeActionKind, type CodeAction, type Range, type TextEdit } from 'vscode-languageserver';
import type { Diagnostic, Span } from '../../../grammar/src/index.js';
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
    default:
      return [];
  }
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
