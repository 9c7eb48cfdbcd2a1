/**
 * The syntax tree of a `.mix` file: plain, immutable data with source spans.
 *
 * The parser is fault tolerant, so any node may be incomplete: a missing name
 * has `name === ''`, a missing number has `value === NaN` and `recovered`
 * set. Code after the parser (validation, model, editor features) must accept
 * such partial trees.
 */
import type { ProcessorType } from './processors/types.js';
import type { UnitImage } from './tokens.js';

/** Offsets into the document text; `end` is exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface NameRef {
  readonly name: string;
  readonly span: Span;
}

export interface StringValue {
  /** The unescaped text between the quotes. */
  readonly value: string;
  readonly span: Span;
  /** False when the closing quote is missing (already reported by the parser). */
  readonly terminated: boolean;
}

/** A number with its unit as written. `-inf` and `inf` are ±Infinity. */
export interface Quantity {
  readonly value: number;
  /** The number as written, e.g. `+2.5`. */
  readonly text: string;
  readonly unit: UnitImage | null;
  readonly span: Span;
  readonly numberSpan: Span;
  /** Set when the number was missing and the parser made one up to recover. */
  readonly recovered?: boolean;
}

export type TimeExpr =
  | { readonly kind: 'duration'; readonly quantity: Quantity; readonly span: Span }
  | { readonly kind: 'clock'; readonly text: string; readonly seconds: number; readonly span: Span }
  | { readonly kind: 'bar'; readonly bar: Quantity; readonly beat: Quantity | null; readonly span: Span }
  | { readonly kind: 'marker'; readonly ref: NameRef; readonly span: Span };

interface StatementBase {
  /** The statement's keyword as written (`gain`, `bell`, `track`, ...). */
  readonly keyword: string;
  readonly keywordSpan: Span;
  readonly span: Span;
}

// ---- top level -----------------------------------------------------------------

export interface TitleStatement extends StatementBase { readonly kind: 'title'; readonly value: StringValue | null }
export interface SampleRateStatement extends StatementBase { readonly kind: 'samplerate'; readonly value: Quantity | null }
/** `at bar N` of a tempo or meter change. */
export interface ChangeAt {
  readonly keywordSpan: Span;
  readonly time: TimeExpr | null;
  readonly span: Span;
}
export interface TempoStatement extends StatementBase {
  readonly kind: 'tempo';
  readonly value: Quantity | null;
  /** `tempo 96 bpm at bar 33`: a change; null for the tempo the song starts with. */
  readonly at: ChangeAt | null;
  /** `… ramp`: the tempo ramps to this one from the change before. */
  readonly ramp: { readonly span: Span } | null;
}
export interface MeterStatement extends StatementBase {
  readonly kind: 'meter';
  readonly beats: Quantity | null;
  readonly unit: Quantity | null;
  /** `meter 7/8 at bar 49`: a change; null for the meter the song starts with. */
  readonly at: ChangeAt | null;
}
export interface OutputStatement extends StatementBase {
  readonly kind: 'output';
  readonly layout: 'stereo' | 'mono' | null;
  readonly layoutSpan: Span | null;
}
export interface LengthStatement extends StatementBase { readonly kind: 'length'; readonly time: TimeExpr | null }
export interface ReferenceStatement extends StatementBase {
  readonly kind: 'reference';
  readonly name: NameRef;
  readonly path: StringValue | null;
  readonly gain: Quantity | null;
}
export interface MarkerStatement extends StatementBase {
  readonly kind: 'marker';
  readonly name: NameRef;
  readonly time: TimeExpr | null;
}

export type ChannelKind = 'track' | 'bus' | 'master';

export interface ChannelStatement extends StatementBase {
  readonly kind: 'channel';
  readonly channelKind: ChannelKind;
  /** For `master` the name is `master` and spans the keyword. */
  readonly name: NameRef;
  readonly body: readonly ChannelItem[];
  /** From `{` to `}` (or to the end of what was parsed when `}` is missing). */
  readonly bodySpan: Span;
}

export type TopStatement =
  | TitleStatement
  | SampleRateStatement
  | TempoStatement
  | MeterStatement
  | OutputStatement
  | LengthStatement
  | ReferenceStatement
  | MarkerStatement
  | ChannelStatement;

// ---- channel statements -------------------------------------------------------------

/** `hidden`, `mute`, `solo`, `bypass`: a keyword alone. */
export interface FlagStatement extends StatementBase {
  readonly kind: 'flag';
  readonly flag: 'hidden' | 'mute' | 'solo' | 'bypass';
}
export interface StringSetting extends StatementBase {
  readonly kind: 'label' | 'color' | 'file';
  readonly value: StringValue | null;
}
/** `gain`, `pan`, `target` — a keyword and one quantity. */
export interface ValueSetting extends StatementBase {
  readonly kind: 'gain' | 'pan' | 'target';
  readonly value: Quantity | null;
}

export type ClipClauseKind = 'at' | 'from' | 'to' | 'fade' | 'fadein' | 'fadeout';
export type FadeShape = 'equal' | 'linear' | 's' | 'exp';

export interface ClipTimeClause {
  readonly clause: ClipClauseKind;
  readonly keywordSpan: Span;
  readonly time: TimeExpr | null;
  /** `fade 20 ms linear`: a fade clause's shape, or null (equal-power). */
  readonly shape: { readonly shape: FadeShape; readonly span: Span } | null;
  readonly span: Span;
}
export interface ClipGainClause {
  readonly clause: 'gain';
  readonly keywordSpan: Span;
  readonly gain: Quantity | null;
  readonly span: Span;
}
export type ClipClause = ClipTimeClause | ClipGainClause;

export interface ClipStatement extends StatementBase {
  readonly kind: 'clip';
  readonly path: StringValue | null;
  readonly clauses: readonly ClipClause[];
}
export interface CutStatement extends StatementBase {
  readonly kind: 'cut';
  readonly from: TimeExpr | null;
  readonly to: TimeExpr | null;
  /** `cut 1:00 to 1:02 linear`: the shape of its edge fades, or null (equal-power). */
  readonly shape: { readonly shape: FadeShape; readonly span: Span } | null;
}
export interface TrimStatement extends StatementBase {
  readonly kind: 'trim';
  readonly auto: boolean;
  readonly value: Quantity | null;
  /** Only for `trim auto`: `peak` (default) or `rms`. */
  readonly mode: 'peak' | 'rms' | null;
}
export interface PolarityStatement extends StatementBase {
  readonly kind: 'polarity';
  readonly invert: boolean;
}
export interface RouteStatement extends StatementBase {
  readonly kind: 'to';
  readonly target: NameRef;
}
export interface SendStatement extends StatementBase {
  readonly kind: 'send';
  readonly target: NameRef;
  readonly level: Quantity | null;
  readonly pre: boolean;
}

export type BandType = 'highpass' | 'lowpass' | 'lowshelf' | 'highshelf' | 'bell' | 'notch' | 'bandpass';
export interface BandStatement extends StatementBase {
  readonly kind: 'band';
  readonly band: BandType;
  /** `bell presence 3 kHz …`: the band's name, or null. */
  readonly name: NameRef | null;
  readonly freq: Quantity | null;
  readonly gain: Quantity | null;
  readonly slope: Quantity | null;
  readonly q: Quantity | null;
  /** `slope` or `q` clauses written a second time (the first counts). */
  readonly repeated: readonly { readonly keyword: string; readonly keywordSpan: Span; readonly span: Span }[];
}

/** A parameter keyword a processor declares (processors/): `threshold`, `ratio`, `ceiling`, …. */
export type ParamKeyword = string;
/** One setting of a processor block (a compressor, a limiter, …). */
export interface ParamStatement extends StatementBase {
  readonly kind: 'param';
  readonly param: ParamKeyword;
  readonly value: Quantity | null;
  /** `ratio 4:1` keeps the `1`; anything else is an error the validator reports. */
  readonly denominator?: Quantity | null;
}
export interface SidechainStatement extends StatementBase {
  readonly kind: 'sidechain';
  readonly target: NameRef;
}

export type EqItem = BandStatement | FlagStatement;
export type DynamicsItem = ParamStatement | SidechainStatement | FlagStatement;

export interface ProcessorStatement extends StatementBase {
  readonly kind: 'processor';
  readonly processor: ProcessorType;
  /** `comp glue { … }`: the processor's name, or null. */
  readonly name: NameRef | null;
  readonly body: readonly (EqItem | DynamicsItem)[];
  readonly bodySpan: Span;
}

/** What an automation lane moves. */
export type AutomationTargetNode =
  /** `gain`, `pan`, `trim`, `mute`: the channel's own settings. */
  | { readonly kind: 'setting'; readonly setting: 'gain' | 'pan' | 'trim' | 'mute'; readonly span: Span }
  /** `send verb`: the level of the channel's send to a bus. */
  | { readonly kind: 'send'; readonly bus: NameRef; readonly span: Span }
  /**
   * `glue.threshold`, `presence.gain`, `comp#2.ratio`: a parameter of a
   * processor or band, by name, or a processor by type and position.
   */
  | {
      readonly kind: 'part';
      readonly part: NameRef;
      /** `comp#2`: the position among the channel's blocks of that type (from 1), or null for a name. */
      readonly index: { readonly value: number; readonly span: Span } | null;
      readonly param: NameRef;
      readonly span: Span;
    }
  /** A word that is none of these (reported by analysis). */
  | { readonly kind: 'unknown'; readonly word: NameRef; readonly span: Span };

export type SegmentShape = 'linear' | 'hold' | 'smooth';

/** One point of a lane: `bar 13 +1 dB hold`, `verse on`. */
export interface AutomationPoint {
  readonly time: TimeExpr | null;
  /** A number with its unit; null for a switch or when missing. */
  readonly value: Quantity | null;
  /** `4:1` for a ratio lane keeps the `1`. */
  readonly denominator: Quantity | null;
  /** `on`/`off` of a mute lane. */
  readonly switch: { readonly on: boolean; readonly span: Span } | null;
  /** The shape of the segment that follows this point; null means `linear`. */
  readonly shape: { readonly shape: SegmentShape; readonly span: Span } | null;
  readonly span: Span;
}

/** `automate TARGET { POINTS }`. */
export interface AutomateStatement extends StatementBase {
  readonly kind: 'automate';
  readonly target: AutomationTargetNode | null;
  readonly points: readonly AutomationPoint[];
  readonly bodySpan: Span;
}

export type ChannelItem =
  | AutomateStatement
  | FlagStatement
  | StringSetting
  | ValueSetting
  | ClipStatement
  | CutStatement
  | TrimStatement
  | PolarityStatement
  | RouteStatement
  | SendStatement
  | ProcessorStatement;

export type AnyStatement = TopStatement | ChannelItem | EqItem | DynamicsItem;

export interface CommentNode {
  readonly text: string;
  readonly span: Span;
}

export interface MixDocument {
  readonly statements: readonly TopStatement[];
  readonly comments: readonly CommentNode[];
  readonly span: Span;
}
