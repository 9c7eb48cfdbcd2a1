/**
 * The canonical layout of a mix file: one statement a line, two-space
 * indent, `{` on the line that opens the block, comments kept where they
 * were (own-line comments stay on their own line, trailing ones stay at the
 * end of their statement), at most one blank line kept between statements.
 *
 * Formatting works from the tokens within each statement's span, so it never
 * changes what a statement says; it refuses a file with syntax errors rather
 * than guess (nothing is ever lost). Formatting is idempotent.
 */
import type { IToken } from 'chevrotain';
import type * as ast from './ast.js';
import { LineIndex } from './lines.js';
import { parse, type SyntaxProblem } from './parser.js';
import { Colon, Dot, LCurly, PartIndex, Semicolon, Slash, unitToken } from './tokens.js';

export type FormatResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problems: readonly SyntaxProblem[] };

const INDENT = '  ';
const Percent = unitToken('%');

/**
 * The canonical form of `text`. Its line breaks are the file's own: a file
 * written with CRLF (its first line break) stays CRLF, so formatting does
 * not turn every line into a change on Windows.
 */
export function format(text: string): FormatResult {
  const parsed = parse(text);
  if (parsed.problems.length > 0) return { ok: false, problems: parsed.problems };
  const printed = new Printer(text, parsed.document, parsed.tokens).print();
  const firstBreak = text.indexOf('\n');
  const crlf = firstBreak > 0 && text[firstBreak - 1] === '\r';
  return { ok: true, text: crlf ? printed.replace(/\n/g, '\r\n') : printed };
}

class Printer {
  private readonly lines: string[] = [];
  private readonly index: LineIndex;
  private commentAt = 0;
  /** Source line of the last thing printed, to keep one blank line where the author left some. */
  private lastSourceLine = -1;

  constructor(
    text: string,
    private readonly doc: ast.MixDocument,
    private readonly tokens: readonly IToken[],
  ) {
    this.index = new LineIndex(text);
  }

  print(): string {
    const top = this.doc.statements;
    top.forEach((s, i) => this.item(s, 0, top[i + 1]?.span.start ?? Infinity));
    this.commentsBefore(Infinity, 0);
    while (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    return this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
  }

  private line(n: number): number {
    return this.index.position(n).line;
  }

  /** True right after a block's opening line: no blank line goes there. */
  private justOpened = false;

  private emit(depth: number, content: string, sourceLine: number, opens = false): void {
    if (this.lines.length > 0 && sourceLine > this.lastSourceLine + 1 && !this.justOpened && !content.startsWith('}')) {
      this.lines.push('');
    }
    this.lines.push(INDENT.repeat(depth) + content);
    this.lastSourceLine = sourceLine;
    this.justOpened = opens;
  }

  /** Own-line comments that start before `offset`. */
  private commentsBefore(offset: number, depth: number): void {
    const comments = this.doc.comments;
    while (this.commentAt < comments.length && comments[this.commentAt]!.span.start < offset) {
      const c = comments[this.commentAt++]!;
      this.emit(depth, c.text.trimEnd(), this.line(c.span.start));
    }
  }

  /** A comment that starts on `line` (after what was printed): appended to that line. */
  private trailingComment(line: number, before: number): string {
    const c = this.doc.comments[this.commentAt];
    if (c && this.line(c.span.start) === line && c.span.start < before) {
      this.commentAt++;
      return ' ' + c.text.trimEnd();
    }
    return '';
  }

  private tokensIn(start: number, end: number): IToken[] {
    // Binary search for the first token at or after `start`.
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < start) lo = mid + 1;
      else hi = mid;
    }
    const out: IToken[] = [];
    for (let i = lo; i < this.tokens.length && this.tokens[i]!.startOffset < end; i++) {
      if (this.tokens[i]!.tokenType !== Semicolon) out.push(this.tokens[i]!);
    }
    return out;
  }

  private joined(tokens: readonly IToken[]): string {
    let out = '';
    let prev: IToken | undefined;
    for (const t of tokens) {
      // `-3 dB` but `30%`, `4:1`, `4/4`, `glue.threshold` and `comp#2`.
      const tight = prev && (t.tokenType === Percent || t.tokenType === Colon || prev.tokenType === Colon || t.tokenType === Slash || prev.tokenType === Slash
        || t.tokenType === Dot || prev.tokenType === Dot || t.tokenType === PartIndex);
      out += (prev && !tight ? ' ' : '') + t.image;
      prev = t;
    }
    return out;
  }

  /** Prints a statement that has no block: its tokens on one line. */
  private simple(span: ast.Span, depth: number, nextStart: number): void {
    this.commentsBefore(span.start, depth);
    // Comments written inside a statement that spans lines go above it.
    const within: string[] = [];
    while (this.commentAt < this.doc.comments.length && this.doc.comments[this.commentAt]!.span.start < span.end) {
      within.push(this.doc.comments[this.commentAt++]!.text.trimEnd());
    }
    for (const c of within) this.emit(depth, c, this.line(span.start));
    const endLine = this.line(span.end);
    const text = this.joined(this.tokensIn(span.start, span.end));
    this.emit(depth, text + this.trailingComment(endLine, nextStart), this.line(span.start));
    this.lastSourceLine = endLine;
  }

  /** A statement with a `{ … }` block: header line, items one level deeper, closing brace. */
  private block(s: ast.ChannelStatement | ast.ProcessorStatement | ast.AutomateStatement, items: readonly { span: ast.Span }[], depth: number, nextStart: number): void {
    this.commentsBefore(s.span.start, depth);
    // Comments written inside the header (`track # note` newline `kick {`) go above it.
    while (this.commentAt < this.doc.comments.length && this.doc.comments[this.commentAt]!.span.start < s.bodySpan.start) {
      this.emit(depth, this.doc.comments[this.commentAt++]!.text.trimEnd(), this.line(s.span.start));
    }
    const open = this.tokensIn(s.bodySpan.start, s.bodySpan.start + 1)[0];
    const header = this.tokensIn(s.span.start, s.bodySpan.start);
    if (open && open.tokenType === LCurly) header.push(open);
    const headerLine = this.line(s.bodySpan.start);
    const closeAt = s.bodySpan.end - 1;
    const next = this.doc.comments[this.commentAt];
    if (items.length === 0 && !(next && next.span.start < closeAt)) {
      // An empty block stays on one line: `bus fx {}`.
      this.emit(depth, this.joined(header) + '}' + this.trailingComment(this.line(closeAt), nextStart), this.line(s.span.start));
      this.lastSourceLine = this.line(closeAt);
      return;
    }
    const firstItem = items[0]?.span.start ?? s.bodySpan.end - 1;
    this.emit(depth, this.joined(header) + this.trailingComment(headerLine, firstItem), this.line(s.span.start), true);
    this.lastSourceLine = headerLine;
    items.forEach((item, i) => {
      const next = items[i + 1]?.span.start ?? s.bodySpan.end - 1;
      // An automation point is printed like a statement without a block: its tokens on one line.
      if (s.kind === 'automate') this.simple(item.span, depth + 1, next);
      else this.item(item as ast.AnyStatement, depth + 1, next);
    });
    this.commentsBefore(closeAt, depth + 1);
    const closeLine = this.line(closeAt);
    this.emit(depth, '}' + this.trailingComment(closeLine, nextStart), this.lastSourceLine);
    this.lastSourceLine = closeLine;
  }

  private item(s: ast.AnyStatement, depth: number, nextStart: number): void {
    if (s.kind === 'channel') this.block(s, s.body, depth, nextStart);
    else if (s.kind === 'processor') this.block(s, s.body, depth, nextStart);
    else if (s.kind === 'automate') this.block(s, s.points, depth, nextStart);
    else this.simple(s.span, depth, nextStart);
  }

}
