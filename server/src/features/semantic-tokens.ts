/**
 * Semantic tokens: what the TextMate grammar cannot know, chiefly that a
 * word is a channel, marker, processor or band name (even a keyword used as
 * one: `bus comp`), and whether it is defined or used there.
 */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { BAND_CLAUSE_KEYWORDS, BAND_KEYWORDS, lanesOf, PARAM_KEYWORDS, PROCESSOR_TYPES, tokens as T, type MixSymbol } from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';

const TYPES = ['keyword', 'class', 'interface', 'namespace', 'event', 'variable', 'number', 'string', 'type', 'function', 'property', 'method', 'enumMember'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary'] as const;

export const semanticTokensLegend: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const type = (t: (typeof TYPES)[number]) => TYPES.indexOf(t);
const DECLARATION = 1 << MODIFIERS.indexOf('declaration');

// From the processor registry: block keywords and band types, then parameters and band clauses.
const PROCESSORS = new Set<string>([...PROCESSOR_TYPES, ...BAND_KEYWORDS]);
const PARAMS = new Set<string>([...PARAM_KEYWORDS, ...BAND_CLAUSE_KEYWORDS]);

function symbolType(s: MixSymbol): number {
  switch (s.kind) {
    case 'track': return type('class');
    case 'bus': return type('interface');
    case 'master': return type('namespace');
    case 'marker': return type('event');
    case 'reference': return type('variable');
    case 'processor': return type('method');
    case 'band': return type('enumMember');
  }
}

export function semanticTokens(doc: DocState): SemanticTokens {
  const names = new Map<number, { type: number; modifiers: number }>();
  for (const s of doc.checked.symbols) if (!s.implicit && s.kind !== 'master') names.set(s.nameSpan.start, { type: symbolType(s), modifiers: DECLARATION });
  for (const u of doc.checked.uses) if (u.target) names.set(u.span.start, { type: symbolType(u.target), modifiers: 0 });
  // Automation targets: `glue.threshold`, `presence.freq`, `comp#2.ratio`. A part named is a use (above);
  // a processor by type and position is a processor too; the parameter is a property, the position a number.
  for (const { lane } of lanesOf(doc.checked.document)) {
    const t = lane.target;
    if (t?.kind !== 'part') continue;
    if (t.index) {
      names.set(t.part.span.start, { type: type('method'), modifiers: 0 });
      names.set(t.index.span.start, { type: type('number'), modifiers: 0 });
    }
    if (t.param.name) names.set(t.param.span.start, { type: type('property'), modifiers: 0 });
  }

  const builder = new SemanticTokensBuilder();
  for (const t of doc.checked.tokens) {
    let kind: number;
    let modifiers = 0;
    const named = names.get(t.startOffset);
    if (named) {
      kind = named.type;
      modifiers = named.modifiers;
    } else if (t.tokenType.name.startsWith('Kw_')) {
      kind = PROCESSORS.has(t.image) ? type('function') : PARAMS.has(t.image) ? type('property') : type('keyword');
    } else if (t.tokenType === T.NumberLit || t.tokenType === T.NegInf || t.tokenType === T.Clock) {
      kind = type('number');
    } else if (t.tokenType === T.StringLit || t.tokenType === T.UnterminatedString) {
      kind = type('string');
    } else if (t.tokenType.name.startsWith('Unit_')) {
      kind = type('type');
    } else {
      continue;
    }
    // Tokens never span lines here (strings stop at a line break).
    builder.push((t.startLine ?? 1) - 1, (t.startColumn ?? 1) - 1, t.image.length, kind, modifiers);
  }
  return builder.build();
}
