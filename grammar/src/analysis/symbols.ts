/**
 * Names: every track, bus, reference and marker defined once (duplicates and
 * reserved names reported), `master` always there, and the "did you mean"
 * diagnostic for a name that is not defined.
 */
import type * as ast from '../ast.js';
import { CODES, type NameExpectation } from '../diagnostics.js';
import { closestNames } from '../names.js';
import { KEYWORDS, UNIT_IMAGES } from '../tokens.js';
import type { AnalysisContext } from './context.js';
import type { MixSymbol } from './types.js';

const KEYWORD_SET = new Set<string>([...KEYWORDS, ...UNIT_IMAGES]);

/** A keyword or unit spelling: no marker, processor or band may be called that. */
export function isLanguageWord(name: string): boolean {
  return KEYWORD_SET.has(name);
}

export function defineNames(ctx: AnalysisContext): void {
  const byName = ctx.symbolsByName;
  let hasMaster = false;
  for (const s of ctx.doc.statements) {
    let symbol: MixSymbol | null = null;
    if (s.kind === 'channel') {
      if (s.channelKind === 'master') {
        if (hasMaster) {
          ctx.report(CODES.duplicateName, s.keywordSpan, `there is already a master block; put all master settings in one`);
          continue;
        }
        hasMaster = true;
      } else if (s.name.name === 'master') {
        ctx.report(CODES.reservedName, s.name.span, `'master' is reserved for the master bus`);
        continue;
      }
      if (!s.name.name) continue;
      symbol = { name: s.name.name, kind: s.channelKind, nameSpan: s.name.span, span: s.span };
    } else if (s.kind === 'reference' || s.kind === 'marker') {
      if (!s.name.name) continue;
      if (s.name.name === 'master') {
        ctx.report(CODES.reservedName, s.name.span, `'master' is reserved for the master bus`);
        continue;
      }
      if (s.kind === 'marker' && isLanguageWord(s.name.name)) {
        ctx.report(CODES.reservedName, s.name.span, `a marker cannot be called '${s.name.name}': it is a keyword of the language, so times could not name it`);
        continue;
      }
      symbol = { name: s.name.name, kind: s.kind, nameSpan: s.name.span, span: s.span };
    }
    if (!symbol) continue;
    const before = byName.get(symbol.name);
    if (before) {
      ctx.report(CODES.duplicateName, symbol.nameSpan, `the name '${symbol.name}' is already used by a ${before.kind}; names must be unique across tracks, buses, references and markers`);
      continue;
    }
    byName.set(symbol.name, symbol);
    ctx.symbols.push(symbol);
    if (symbol.kind === 'marker') ctx.markerStatements.set(symbol.name, s as ast.MarkerStatement);
    if (symbol.kind === 'track' || symbol.kind === 'bus' || symbol.kind === 'master') ctx.channelSymbols.set(symbol.name, symbol);
  }
  if (!hasMaster) {
    const implicit: MixSymbol = { name: 'master', kind: 'master', nameSpan: { start: 0, end: 0 }, span: { start: 0, end: 0 }, implicit: true };
    ctx.symbols.push(implicit);
    ctx.channelSymbols.set('master', implicit);
  }
}

/** A name that is not defined, with the closest ones that are. */
export function unknownName(ctx: AnalysisContext, ref: ast.NameRef, expects: NameExpectation, hint = ''): void {
  const close = closestNames(ref.name, candidates(ctx, expects));
  const what = expects === 'marker' ? 'marker' : expects === 'bus' ? 'bus' : 'channel';
  const suggestion = close.length > 0 ? `; did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
  ctx.report(CODES.unknownName, ref.span, `there is no ${what} named '${ref.name}'${suggestion}${hint}`, 'error', {
    kind: 'didYouMean',
    candidates: close,
    expects,
  });
}

function candidates(ctx: AnalysisContext, expects: NameExpectation): string[] {
  switch (expects) {
    case 'marker': return [...ctx.markerStatements.keys()];
    case 'bus': return ctx.symbols.filter((s) => s.kind === 'bus' || s.kind === 'master').map((s) => s.name);
    case 'channel': return ctx.symbols.filter((s) => s.kind === 'track' || s.kind === 'bus').map((s) => s.name);
    case 'part': return []; // a channel's own parts: automation.ts names the candidates
  }
}
