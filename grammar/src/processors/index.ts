/**
 * The registry of processors: one declaration file each, one line here.
 * Everything that knows about a processor's syntax (tokens and parser,
 * analysis, keyword docs, hover, completion, the TextMate grammar) reads it
 * from here, so a new processor is its file, its line below, its docs and
 * its tests.
 */
import type { ProcessorModel } from '../model.js';
import { comp } from './comp.js';
import { eq } from './eq.js';
import { limit } from './limit.js';
import { defaultSettings } from './settings.js';
import type { ModelOf, ParamDecl, ParamSyntax, ProcessorDecl, ProcessorType, SettingsOf } from './types.js';

export type * from './types.js';
export { BANDS, DEFAULT_SLOPE, SLOPES } from './eq.js';

/** Every processor, keyed by its type (= its keyword). */
export const PROCESSORS: { readonly [T in ProcessorType]: ProcessorDecl<T> } = {
  eq,
  comp,
  limit,
};

/** In the order the language lists them (docs, completion, keyword table). */
export const PROCESSOR_LIST: readonly ProcessorDecl[] = Object.values(PROCESSORS) as ProcessorDecl[];
export const PROCESSOR_TYPES: readonly ProcessorType[] = PROCESSOR_LIST.map((p) => p.type);

export function isProcessorType(word: string): word is ProcessorType {
  return Object.prototype.hasOwnProperty.call(PROCESSORS, word);
}

/** The declaration a block keyword opens, or undefined for a word that opens none. */
export function processorByKeyword(word: string): ProcessorDecl | undefined {
  return isProcessorType(word) ? (PROCESSORS[word] as ProcessorDecl) : undefined;
}

/** The parameter `keyword` of processor `type`, if it has one. */
export function paramOf(type: ProcessorType, keyword: string): ParamDecl | undefined {
  return (PROCESSORS[type].params as readonly ParamDecl[]).find((p) => p.keyword === keyword);
}

/** Every declaration of a parameter keyword, in registry order (`release` is the comp's and the limit's). */
export function declarationsOf(keyword: string): { readonly processor: ProcessorType; readonly param: ParamDecl }[] {
  const out: { processor: ProcessorType; param: ParamDecl }[] = [];
  for (const p of PROCESSOR_LIST) for (const param of p.params as readonly ParamDecl[]) if (param.keyword === keyword) out.push({ processor: p.type, param });
  return out;
}

/** The processors whose blocks take the parameter `keyword`. */
export function ownersOf(keyword: string): ProcessorType[] {
  return declarationsOf(keyword).map((d) => d.processor);
}

/** The first declaration of a parameter keyword: what the parser and completion go by. */
export function paramByKeyword(keyword: string): ParamDecl | undefined {
  return declarationsOf(keyword)[0]?.param;
}

/** Every parameter keyword once, in registry order. */
export const PARAM_KEYWORDS: readonly string[] = [...new Set(PROCESSOR_LIST.flatMap((p) => (p.params as readonly ParamDecl[]).map((x) => x.keyword)))];

/** Fixed words a parameter's syntax accepts as its value (`ratio inf`). */
export const SYNTAX_WORDS: { readonly [S in ParamSyntax]: readonly string[] } = { quantity: [], ratio: ['inf'], channel: [] };

/** Every word a processor adds to the language, after its block keyword: bands and their clauses, parameters, the words of their syntax. */
export function processorWords(p: ProcessorDecl): string[] {
  const params = p.params as readonly ParamDecl[];
  return [
    ...(p.bands ? [...p.bands.types.map((b) => b.type), ...p.bands.clauses.map((c) => c.keyword)] : []),
    ...params.map((x) => x.keyword),
    ...params.flatMap((x) => SYNTAX_WORDS[x.syntax]),
  ];
}

/** Clause words inside EQ bands (`slope`, `q`). */
export const BAND_CLAUSE_KEYWORDS: readonly string[] = PROCESSOR_LIST.flatMap((p) => p.bands?.clauses.map((c) => c.keyword) ?? []);
/** Every EQ band type (`highpass`, `bell`, …). */
export const BAND_KEYWORDS: readonly string[] = PROCESSOR_LIST.flatMap((p) => p.bands?.types.map((b) => b.type) ?? []);

/** The model field naming the channel that keys a processor type, or null when it cannot be keyed. */
function sidechainField(type: ProcessorType): string | null {
  return (PROCESSORS[type].params as readonly ParamDecl[]).find((p) => p.syntax === 'channel')?.field ?? null;
}

/** Whether a block of this type may be keyed by another channel (`sidechain NAME`). */
export function takesSidechain(type: ProcessorType): boolean {
  return sidechainField(type) !== null;
}

/** The channel keying a processor, or null when it is keyed by its own channel or cannot be keyed. */
export function sidechainOf(p: ProcessorModel): string | null {
  const field = sidechainField(p.type);
  return field ? ((p as unknown as Record<string, string | null>)[field] ?? null) : null;
}

/** The same processor keyed by its own channel. */
export function withoutSidechain<M extends ProcessorModel>(p: M): M {
  const field = sidechainField(p.type);
  return field ? { ...p, [field]: null } : p;
}

/** `p` keyed by the same channel under another name (a diff compares two versions under one set of names). */
export function withSidechainRenamed<M extends ProcessorModel>(p: M, rename: (name: string) => string): M {
  const field = sidechainField(p.type);
  const key = sidechainOf(p);
  return field && key ? { ...p, [field]: rename(key) } : p;
}

/** The parameters automation may move, for a processor type. */
export function automatableParams(type: ProcessorType): ParamDecl[] {
  return (PROCESSORS[type].params as readonly ParamDecl[]).filter((p) => p.automatable);
}

/** The model fields of a processor type with nothing written. */
export function defaultsOf<T extends ProcessorType>(type: T): SettingsOf<ModelOf<T>> {
  return defaultSettings(PROCESSORS[type].params as readonly ParamDecl<ModelOf<T>>[]);
}
