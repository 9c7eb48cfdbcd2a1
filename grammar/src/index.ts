/**
 * The mix language: one entry point for every host (language server, CLI,
 * tests, and later the preview). Pure TypeScript: no Node, DOM or vscode.
 */
import { analyze, type Analysis, type AnalyzeOptions } from './analysis/index.js';
import type { MixDocument } from './ast.js';
import { CODES, type Diagnostic } from './diagnostics.js';
import { parse, type SyntaxProblem } from './parser.js';
import type { IToken } from 'chevrotain';

export * from './ast.js';
export * from './diagnostics.js';
export * from './facts.js';
export * from './model.js';
export { analyze, CHECKS, type Analysis, type AnalyzeOptions, type CheckContext, type MixSymbol, type ModelCheck, type NameUse, type SymbolKind } from './analysis/index.js';
export { targetText, targetValueText } from './automation-text.js';
export { TempoMap, type TempoMapModel, type TempoChangeModel, type MeterChangeModel } from './tempo-map.js';
export { parse, nextTokenTypes, tokenLabel, parseClock, type AssistRule, type ParseResult, type SyntaxProblem } from './parser.js';
export * from './walk.js';
export { KEYWORDS, UNIT_IMAGES, type Keyword, type UnitImage } from './tokens.js';
export * as tokens from './tokens.js';
export {
  automatableParams, BAND_CLAUSE_KEYWORDS, BAND_KEYWORDS, declarationsOf, defaultsOf, isProcessorType, ownersOf, PARAM_KEYWORDS, paramByKeyword,
  paramOf, PROCESSOR_LIST, PROCESSOR_TYPES, processorByKeyword, PROCESSORS, sidechainOf, SYNTAX_WORDS, takesSidechain, withoutSidechain,
  type BandDecl, type ParamDecl, type ParamSyntax, type ProcessorDecl, type ProcessorType, type ValueContext,
} from './processors/index.js';
export { KEYWORD_DOCS, statementKeywords, type KeywordDoc, type Level } from './keyword-docs.js';
export type { IToken } from 'chevrotain';
export { closestNames, editDistance } from './names.js';
export { UNIT_RULES, unitsOf, showValue, type ValueKind } from './units.js';
export { LineIndex, type Position, type Range } from './lines.js';

export interface CheckedDocument extends Analysis {
  readonly text: string;
  readonly document: MixDocument;
  /** The lexer's tokens (comments excluded), for editor features. */
  readonly tokens: readonly IToken[];
  /** Syntax problems first, then everything analysis found, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  readonly hasErrors: boolean;
}

export function syntaxDiagnostic(p: SyntaxProblem): Diagnostic {
  return { code: CODES.syntax, severity: 'error', message: p.message, span: p.span };
}

/** Parse and analyze a whole document. Never throws. */
export function check(text: string, options: AnalyzeOptions = {}): CheckedDocument {
  const parsed = parse(text);
  const analysis = analyze(parsed.document, options);
  const diagnostics = [...parsed.problems.map(syntaxDiagnostic), ...analysis.diagnostics].sort(
    (a, b) => a.span.start - b.span.start || a.span.end - b.span.end,
  );
  return {
    ...analysis,
    text,
    document: parsed.document,
    tokens: parsed.tokens,
    diagnostics,
    hasErrors: diagnostics.some((d) => d.severity === 'error'),
  };
}
export { format, type FormatResult } from './format.js';
export * from './diff/index.js';
