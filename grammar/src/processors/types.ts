/**
 * What a processor of the language declares about itself, once: its keyword,
 * its parameters (unit, range, default, example, summary, whether it can be
 * automated) and how a written block becomes its model. The parser, the
 * analysis, keyword docs, hover, completion and the TextMate grammar all read
 * these declarations (Faust's `buildUserInterface` and web-audio-api-rs's
 * `AudioParamDescriptor` are the models: parameters described once, as data).
 */
import type * as ast from '../ast.js';
import type { DiagnosticCode, DiagnosticData, Severity } from '../diagnostics.js';
import type { BandModel, ProcessorModel } from '../model.js';
import type { UnitImage } from '../tokens.js';
import type { ValueKind } from '../units.js';

export type ProcessorType = ProcessorModel['type'];

/** The model of one processor type. */
export type ModelOf<T extends ProcessorType> = Extract<ProcessorModel, { readonly type: T }>;

/**
 * How the parser reads a parameter's value: a number with its unit
 * (`threshold -18 dB`), a ratio (`ratio 4:1`, `ratio inf`), or the name of a
 * channel (`sidechain kick`).
 */
export type ParamSyntax = 'quantity' | 'ratio' | 'channel';

/** What analysis lends a declaration to convert a value and report what is wrong with it. */
export interface ValueContext {
  /** The session's sample rate, Hz (an EQ band's highest frequency depends on it). */
  readonly sampleRate: number;
  /** A quantity in base units after checking its number and unit; undefined when it has no usable value. */
  value(q: ast.Quantity | null | undefined, kind: ValueKind): number | undefined;
  /** Reports `v` outside `min..max` (base units) in the unit written; true when inside. */
  inRange(q: ast.Quantity, v: number, min: number, max: number, what: string, unit: string | null, kind?: ValueKind): boolean;
  /** A checked value within its range, or `fallback`. */
  ranged(q: ast.Quantity | null | undefined, kind: ValueKind, min: number, max: number, what: string, fallback: number): number;
  report(code: DiagnosticCode, span: ast.Span, message: string, severity?: Severity, data?: DiagnosticData): void;
}

/** The model fields of a processor type other than `type` and `bypass`. */
export type SettingsOf<M extends ProcessorModel> = Omit<M, 'type' | 'bypass'>;
/** The names of those fields; for a union of models, every name any of them has. */
export type FieldOf<M extends ProcessorModel> = M extends ProcessorModel ? keyof SettingsOf<M> & string : never;
/** Some of those fields with their values; for a union of models, those of any one of them. */
export type SomeSettingsOf<M extends ProcessorModel> = M extends ProcessorModel ? Partial<SettingsOf<M>> : never;

/** One parameter of a processor, declared once. */
export interface ParamDecl<M extends ProcessorModel = ProcessorModel> {
  readonly keyword: string;
  readonly syntax: ParamSyntax;
  /** The unit rules of its value (units.ts); null for a channel name. */
  readonly kind: ValueKind | null;
  /** The unit docs and snippets show it in (attack in `ms`, though `s` is accepted too). */
  readonly unit: UnitImage | null;
  /** The accepted range in base units (seconds, dB, fractions); null for a channel name. */
  readonly range: { readonly min: number; readonly max: number } | null;
  /** The value when not written, in base units; null means "none" (a compressor keyed by itself). */
  readonly default: number | null;
  /** A complete statement: `threshold -18 dB`. */
  readonly example: string;
  /** One line for hover and completion. */
  readonly summary: string;
  /** How it is written, for hover: `threshold DB`. */
  readonly usage: string;
  /** Whether automation may move it over time: numeric parameters that do not change the processor's latency; not channel names or modes. */
  readonly automatable: boolean;
  /** The model field it sets. */
  readonly field: FieldOf<M>;
  /** Further fields it sets, with their defaults (a limiter's ceiling also sets its mode), in model order after `field`. */
  readonly alsoSets?: SomeSettingsOf<M>;
  /** What the parser says is missing when only the keyword is written: `a value` unless said otherwise. */
  readonly needs?: string;
  /** Docs text where the one generated from unit, range and default would not read well. */
  readonly docs?: { readonly unit?: string; readonly range?: string; readonly default?: string };
  /**
   * The model fields for a written statement. Absent: the value is checked
   * against `kind` and `range` and goes to `field`, or the default stays.
   */
  convert?(item: ast.ParamStatement, ctx: ValueContext): SomeSettingsOf<M>;
}

/** An EQ band type: written `bell F G [q Q]`, not as a parameter. */
export interface BandDecl {
  readonly type: ast.BandType;
  readonly usage: string;
  readonly summary: string;
  readonly unit?: string;
  readonly range?: string;
  readonly default?: string;
  readonly example: string;
  readonly snippet: string;
  /** The q when none is written. */
  readonly defaultQ: number;
}

/** A band's parameter that automation can move: `presence.freq`, `presence.gain`, `presence.q`. */
export interface BandParamDecl {
  readonly keyword: string;
  readonly field: 'freq' | 'gainDb' | 'q';
  readonly kind: ValueKind;
  readonly unit: UnitImage | null;
  /** The accepted range in base units at a sample rate (a frequency's top depends on it). */
  range(sampleRate: number): { readonly min: number; readonly max: number };
  /** Whether a band has it: a highpass has no gain, and q only at 12 dB/oct. */
  appliesTo(band: BandModel): boolean;
  /** Why a band does not have it, for the diagnostic. */
  readonly absentWhy: string;
  readonly summary: string;
}

/** Keyword docs of a word that belongs to a processor but is not a parameter (`slope`, `q`). */
export interface ClauseDoc {
  readonly keyword: string;
  readonly usage: string;
  readonly summary: string;
  readonly range?: string;
  readonly default?: string;
}

/**
 * A processor's declaration: `ProcessorDecl<'comp'>` for one type, plain
 * `ProcessorDecl` for any of them.
 */
export type ProcessorDecl<T extends ProcessorType = ProcessorType> = { readonly [K in T]: ProcessorDeclOf<K> }[T];

/** Everything a block of one processor type may contain, and how it becomes its model. */
export interface ProcessorDeclOf<T extends ProcessorType> {
  /** The keyword that opens the block, also the model's `type`. */
  readonly type: T;
  readonly usage: string;
  readonly summary: string;
  readonly example: string;
  /** Completion's snippet for a new block (LSP snippet syntax). */
  readonly snippet: string;
  /** Parameters in model order. */
  readonly params: readonly ParamDecl<ModelOf<T>>[];
  /** A processor whose body is EQ bands (`bell 300 Hz -3 dB`) rather than parameters. */
  readonly bands?: {
    readonly types: readonly BandDecl[];
    /** Clause words inside a band (`slope`, `q`). */
    readonly clauses: readonly ClauseDoc[];
    /** What automation can move in a band. */
    readonly params: readonly BandParamDecl[];
    readonly convert: (b: ast.BandStatement, ctx: ValueContext) => BandModel;
  };
  /**
   * How a setting of another processor written in this block is reported:
   * by naming the block it belongs to, or (for a processor with few settings)
   * by listing the ones this block takes.
   */
  readonly misplaced: 'name-owner' | 'list-own';
  /** The block's model from its bypass flag, its written settings and its bands. */
  model(parts: { readonly bypass: boolean; readonly settings: SomeSettingsOf<ModelOf<T>>; readonly bands: readonly BandModel[] }): ModelOf<T>;
}
