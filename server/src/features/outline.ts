/** Document symbols (the outline) and folding ranges. */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import type { AnyStatement, AutomateStatement, ChannelStatement, ProcessorStatement, Span } from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';
import { writtenTarget } from './automation.js';

const CHANNEL_KIND = { track: SymbolKind.Class, bus: SymbolKind.Interface, master: SymbolKind.Module } as const;

export function documentSymbols(doc: DocState): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const sym = (name: string, kind: SymbolKind, span: Span, selection: Span, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => ({
    name: name || '(unnamed)',
    kind,
    range: doc.lines.range(span),
    selectionRange: doc.lines.range(selection.end >= selection.start && selection.start >= span.start ? selection : span),
    ...(detail ? { detail } : {}),
    ...(children ? { children } : {}),
  });
  for (const s of doc.checked.document.statements) {
    switch (s.kind) {
      case 'channel':
        out.push(sym(s.name.name, CHANNEL_KIND[s.channelKind], s.span, s.name.span, channelDetail(doc, s), s.body
          .filter((i): i is ProcessorStatement | AutomateStatement => i.kind === 'processor' || i.kind === 'automate')
          .map((i) => (i.kind === 'processor' ? processorSymbol(doc, i, sym) : laneSymbol(doc, i, sym)))));
        break;
      case 'marker':
        out.push(sym(s.name.name, SymbolKind.Event, s.span, s.name.span, 'marker'));
        break;
      case 'reference':
        out.push(sym(s.name.name, SymbolKind.File, s.span, s.name.span, s.path?.value));
        break;
      default:
        out.push(sym(s.keyword, SymbolKind.Property, s.span, s.keywordSpan, doc.text.slice(s.keywordSpan.end, s.span.end).trim()));
    }
  }
  return out;
}

function channelDetail(doc: DocState, s: ChannelStatement): string {
  const c = doc.checked.model.channels.find((x) => x.name === s.name.name);
  const label = c?.label ?? '';
  return [s.channelKind, label].filter(Boolean).join(' · ');
}

function processorSymbol(doc: DocState, p: ProcessorStatement, sym: (n: string, k: SymbolKind, s: Span, sel: Span, d?: string, c?: DocumentSymbol[]) => DocumentSymbol): DocumentSymbol {
  const children = p.body.map((item) => sym(doc.text.slice(item.span.start, item.span.end).replace(/\s+/g, ' '), SymbolKind.Property, item.span, item.keywordSpan));
  return sym(p.name?.name ? `${p.processor} ${p.name.name}` : p.processor, SymbolKind.Function, p.span, p.name?.name ? p.name.span : p.keywordSpan, p.body.some((i) => i.kind === 'flag') ? 'bypassed' : undefined, children);
}

/** `automate glue.threshold`, with its number of points written. */
function laneSymbol(doc: DocState, lane: AutomateStatement, sym: (n: string, k: SymbolKind, s: Span, sel: Span, d?: string) => DocumentSymbol): DocumentSymbol {
  const n = lane.points.length;
  return sym(`automate ${writtenTarget(doc, lane)}`.trim(), SymbolKind.Field, lane.span, lane.target?.span ?? lane.keywordSpan, `${n} point${n === 1 ? '' : 's'}`);
}

export function foldingRanges(doc: DocState): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const block = (s: ChannelStatement | ProcessorStatement | AutomateStatement) => {
    const start = doc.lines.position(s.bodySpan.start).line;
    const end = doc.lines.position(s.bodySpan.end).line;
    if (end > start) ranges.push({ startLine: start, endLine: end - 1 });
  };
  const visit = (s: AnyStatement) => {
    if (s.kind === 'channel') {
      block(s);
      s.body.forEach(visit);
    } else if (s.kind === 'processor' || s.kind === 'automate') block(s);
  };
  doc.checked.document.statements.forEach(visit);
  // Runs of two or more own-line comments fold together.
  const comments = doc.checked.document.comments;
  let runStart = -1;
  let prevLine = -2;
  for (const c of comments) {
    const line = doc.lines.position(c.span.start).line;
    const ownLine = doc.text.slice(doc.lines.lineStart(line), c.span.start).trim() === '';
    if (ownLine && line === prevLine + 1) {
      prevLine = line;
      continue;
    }
    if (runStart >= 0 && prevLine > runStart) ranges.push({ startLine: runStart, endLine: prevLine, kind: FoldingRangeKind.Comment });
    runStart = ownLine ? line : -1;
    prevLine = ownLine ? line : -2;
  }
  if (runStart >= 0 && prevLine > runStart) ranges.push({ startLine: runStart, endLine: prevLine, kind: FoldingRangeKind.Comment });
  return ranges;
}
