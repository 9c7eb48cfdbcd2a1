/**
 * The semantic model of a mix: what the engine renders, the preview
 * hot-swaps and the semantic diff compares.
 *
 * Plain, immutable, JSON-safe data (apart from `-Infinity` gains and
 * `Infinity` ratios, which survive structured clone): names resolved, units
 * converted to base units (seconds, hertz, decibels, fractions), times in
 * seconds, defaults filled in. Source positions are not part of it; they are
 * kept beside it in a `SourceMap`, so two models of differently formatted
 * files compare equal.
 */
import type { Span, BandType, ChannelKind, FadeShape } from './ast.js';
import type { TempoMapModel } from './tempo-map.js';

export interface MixModel {
  readonly title: string;
  /** Render rate in Hz. */
  readonly sampleRate: number;
  /** Beats per minute at bar 1, or null when the file sets no tempo. */
  readonly tempo: number | null;
  /** The meter at bar 1. */
  readonly meter: { readonly beats: number; readonly unit: number };
  /**
   * Tempo and meter changes after bar 1 (tempo-map.ts); absent when the
   * tempo and meter never change, so such a model is what it always was.
   */
  readonly tempoMap?: TempoMapModel;
  readonly output: 'stereo' | 'mono';
  /** Render length in seconds; null means "to the end of the last clip". */
  readonly length: number | null;
  readonly references: readonly ReferenceModel[];
  /** In time order. */
  readonly markers: readonly MarkerModel[];
  /**
   * Every channel in processing order: a channel comes after every channel
   * that feeds it (by `to`, `send` or `sidechain`); `master` is last.
   */
  readonly channels: readonly ChannelModel[];
}

export interface ReferenceModel {
  readonly name: string;
  readonly path: string;
  readonly gainDb: number;
}

export interface MarkerModel {
  readonly name: string;
  readonly time: number;
}

export interface ChannelModel {
  readonly kind: ChannelKind;
  readonly name: string;
  readonly label: string | null;
  /** `#rrggbb`, lower case. */
  readonly color: string | null;
  readonly hidden: boolean;
  readonly mute: boolean;
  readonly solo: boolean;
  /** Tracks only: clips in written order. */
  readonly clips: readonly ClipModel[];
  readonly cuts: readonly CutModel[];
  readonly trim: TrimModel;
  /** `eq`, `comp` and `limit` blocks in written order. */
  readonly inserts: readonly ProcessorModel[];
  /** Fader, dB; `-Infinity` is silence. */
  readonly gainDb: number;
  /** -1 (left) .. +1 (right). */
  readonly pan: number;
  readonly polarityInvert: boolean;
  /** The bus this channel feeds; null for master. */
  readonly output: string | null;
  readonly sends: readonly SendModel[];
  /** Master only: the integrated loudness to reach, LUFS. */
  readonly targetLufs: number | null;
  /**
   * Automation lanes in written order; absent when the channel has none
   * (so a model without automation is what it always was).
   */
  readonly automation?: readonly AutomationModel[];
}

/** What a lane moves (design §10.2). */
export type AutomationTarget =
  | { readonly kind: 'gain' | 'pan' | 'trim' | 'mute' }
  | { readonly kind: 'send'; readonly bus: string }
  /**
   * A processor's parameter (`band` null) or an EQ band's: `insert` and
   * `band` index the channel's inserts and the EQ's bands; `field` is the
   * model field it moves (`thresholdDb`, `freq`).
   */
  | { readonly kind: 'param'; readonly insert: number; readonly band: number | null; readonly field: string };

/**
 * How a lane moves between points: `db` is linear in decibels (through
 * amplitude when one end is -inf), `octave` linear in log2 of the value
 * (frequencies), `linear` linear in the value itself.
 */
export type AutomationScale = 'db' | 'octave' | 'linear';

export interface AutomationModel {
  readonly target: AutomationTarget;
  readonly scale: AutomationScale;
  /** In time order (equal times make a jump). */
  readonly points: readonly AutomationPointModel[];
}

export interface AutomationPointModel {
  /** Seconds on the timeline. */
  readonly time: number;
  /** In the target's base unit (dB, a fraction for pan and mix, Hz, seconds); a mute lane's 1 is muted, 0 is not. */
  readonly value: number;
  /** The shape of the segment from this point to the next. */
  readonly shape: 'linear' | 'hold' | 'smooth';
}

export interface ClipModel {
  /** `file` is a clip with every default. */
  readonly source: 'file' | 'clip';
  /** As written, relative to the mix file's folder, `/`-separated. */
  readonly path: string;
  /** Timeline position of the file's first sample, seconds. */
  readonly at: number;
  /** Timeline span that plays; `to` null means "to the end of the file". */
  readonly from: number;
  readonly to: number | null;
  /**
   * Fade lengths in seconds, centred on the edge. Written fades are kept; an
   * edge cut by `from`/`to` gets the 5 ms default; the file's own start and
   * end get no default fade.
   */
  readonly fadeIn: number;
  readonly fadeOut: number;
  /**
   * Whether each fade was written. A default fade is dropped where the edge
   * turns out to be the file's own start or end (only the audio file knows).
   */
  readonly fadeInWritten: boolean;
  readonly fadeOutWritten: boolean;
  /** The fades' shapes (design §10.4); absent for `equal`, the equal-power default. */
  readonly fadeInShape?: FadeShape;
  readonly fadeOutShape?: FadeShape;
  readonly gainDb: number;
}

export interface CutModel {
  readonly from: number;
  readonly to: number;
  /** Each edge is faded over this many seconds, centred on the edge. */
  readonly fade: number;
  /** The edges' fade shape; absent for `equal`. */
  readonly shape?: FadeShape;
}

export type TrimModel =
  | { readonly mode: 'fixed'; readonly gainDb: number }
  | { readonly mode: 'auto'; readonly levelDbfs: number; readonly detector: 'peak' | 'rms' };

export interface SendModel {
  readonly bus: string;
  readonly gainDb: number;
  readonly pre: boolean;
}

export type ProcessorModel = EqModel | CompModel | LimitModel;

export interface EqModel {
  readonly type: 'eq';
  /** `eq NAME { … }`: absent when the block has no name. */
  readonly name?: string;
  readonly bypass: boolean;
  readonly bands: readonly BandModel[];
}

export interface BandModel {
  readonly type: BandType;
  /** `bell NAME 3 kHz …`: absent when the band has no name. */
  readonly name?: string;
  readonly freq: number;
  /** dB; 0 for bands without gain. */
  readonly gainDb: number;
  readonly q: number;
  /** dB/oct for highpass and lowpass, null for the others. */
  readonly slope: number | null;
}

export interface CompModel {
  readonly type: 'comp';
  /** `comp NAME { … }`: absent when the block has no name. */
  readonly name?: string;
  readonly bypass: boolean;
  readonly thresholdDb: number;
  /** `Infinity` for `ratio inf`. */
  readonly ratio: number;
  readonly kneeDb: number;
  /** Seconds. */
  readonly attack: number;
  readonly release: number;
  readonly makeupDb: number;
  /** Wet fraction, 0..1. */
  readonly mix: number;
  /** Channel whose post-insert, pre-fader signal keys the detector, or null for self. */
  readonly sidechain: string | null;
}

export interface LimitModel {
  readonly type: 'limit';
  /** `limit NAME { … }`: absent when the block has no name. */
  readonly name?: string;
  readonly bypass: boolean;
  readonly ceilingDb: number;
  /** `dBTP`: true-peak ceiling (4x oversampled); `dBFS`: sample peak. */
  readonly ceilingMode: 'dBFS' | 'dBTP';
  readonly release: number;
  readonly lookahead: number;
}

/**
 * Where each part of the model was written. Keys are model paths joined with
 * `/`: `channel:vox`, `channel:vox/insert:0`, `channel:vox/insert:0/band:1`,
 * `channel:vox/clip:2`, `channel:vox/send:crush`, `channel:vox/gain`,
 * `marker:chorus`, `reference:pro`, `session/tempo`.
 */
export type SourceMap = Readonly<Record<string, Span>>;

/**
 * Defaults of the session and channel settings, in base units (design §3-4).
 * A processor's defaults are declared with its parameters (processors/).
 */
export const DEFAULTS = {
  sampleRate: 48000,
  meter: { beats: 4, unit: 4 },
  output: 'stereo' as const,
  gainDb: 0,
  pan: 0,
  editFade: 0.005,
  trimAutoDetector: 'peak' as const,
};

/**
 * Seconds from the start of the song to `bar N beat B` (both from 1) at a
 * constant tempo: ((N-1)·beats per bar + (B-1)) · 60 / tempo (design §2).
 */
export function barSeconds(bar: number, beat: number, tempo: number, beatsPerBar: number): number {
  return ((bar - 1) * beatsPerBar + (beat - 1)) * 60 / tempo;
}
