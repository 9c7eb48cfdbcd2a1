/** Go to definition, find references, rename: all from the analysis' symbols and name uses. */
import { ResponseError, ErrorCodes, type Location, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { KEYWORDS, UNIT_IMAGES, type MixSymbol, type Span } from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';

const within = (span: Span, offset: number) => offset >= span.start && offset <= span.end;

/** The symbol named at `offset`, by its definition or by a use of it. */
export function symbolAt(doc: DocState, offset: number): { symbol: MixSymbol; span: Span } | null {
  for (const s of doc.checked.symbols) {
    if (!s.implicit && within(s.nameSpan, offset)) return { symbol: s, span: s.nameSpan };
  }
  for (const u of doc.checked.uses) {
    if (u.target && within(u.span, offset)) return { symbol: u.target, span: u.span };
  }
  return null;
}

/** Every span that names the symbol: its definition (unless implicit) and each use. */
export function occurrences(doc: DocState, symbol: MixSymbol, includeDeclaration = true): Span[] {
  const spans: Span[] = [];
  if (includeDeclaration && !symbol.implicit) spans.push(symbol.nameSpan);
  for (const u of doc.checked.uses) if (u.target === symbol) spans.push(u.span);
  return spans;
}

export function definition(doc: DocState, position: Position): Location | null {
  const hit = symbolAt(doc, doc.lines.offset(position));
  if (!hit || hit.symbol.implicit) return null;
  return { uri: doc.uri, range: doc.lines.range(hit.symbol.nameSpan) };
}

export function references(doc: DocState, position: Position, includeDeclaration: boolean): Location[] {
  const hit = symbolAt(doc, doc.lines.offset(position));
  if (!hit) return [];
  return occurrences(doc, hit.symbol, includeDeclaration).map((s) => ({ uri: doc.uri, range: doc.lines.range(s) }));
}

export function prepareRename(doc: DocState, position: Position): Range | null {
  const hit = symbolAt(doc, doc.lines.offset(position));
  if (!hit) return null;
  if (hit.symbol.kind === 'master') throw new ResponseError(ErrorCodes.InvalidRequest, 'master cannot be renamed');
  return doc.lines.range(hit.span);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WORDS = new Set<string>([...KEYWORDS, ...UNIT_IMAGES]);

export function rename(doc: DocState, position: Position, newName: string): WorkspaceEdit | null {
  const hit = symbolAt(doc, doc.lines.offset(position));
  if (!hit) return null;
  const { symbol } = hit;
  if (symbol.kind === 'master') throw new ResponseError(ErrorCodes.InvalidRequest, 'master cannot be renamed');
  if (!NAME.test(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a name: use letters, digits and _, not starting with a digit`);
  if (newName === 'master') throw new ResponseError(ErrorCodes.InvalidParams, `'master' is reserved for the master bus`);
  const part = symbol.kind === 'processor' || symbol.kind === 'band';
  if ((symbol.kind === 'marker' || part) && WORDS.has(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `a ${symbol.kind} cannot be called '${newName}': it is a keyword`);
  // Channels, references and markers share one set of names; a processor's or band's is its channel's own.
  const clash = doc.checked.symbols.find((s) => s.name === newName && s !== symbol && s.channel === symbol.channel);
  if (clash) throw new ResponseError(ErrorCodes.InvalidParams, `the name '${newName}' is already used by a ${clash.kind}${part ? ` of ${symbol.channel}` : ''}`);
  const edits: TextEdit[] = occurrences(doc, symbol).map((s) => ({ range: doc.lines.range(s), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}
