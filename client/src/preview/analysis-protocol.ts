/**
 * Messages between the extension host and its analysis worker
 * (analysis-worker.ts), which renders whole mixes off the host's thread.
 */
import type { Analysis } from '../../../media/preview/protocol.js';
import type { MixModel } from '../../../grammar/src/model.js';
import type { FrozenStem } from './frozen-stems.js';

export type ToWorker = AnalyseRequest | RenderRequest;

/** Measure the `trim auto` gains, then render the whole mix for the preview's overview and loudness. */
export interface AnalyseRequest {
  readonly type: 'analyse';
  readonly file: string;
  /** The session as the panel's check of the text found it (valid): checked once, not again here. */
  readonly model: MixModel;
  readonly generation: number;
  /** Min/max pairs in the overview. */
  readonly buckets: number;
  /** Reference loudness already measured, by absolute path and version ("path\nversion"). */
  readonly knownReferences: Readonly<Record<string, number | null>>;
  readonly references: readonly { readonly name: string; readonly absolute: string; readonly version: string }[];
  /** Where to write the frozen stems, and the audio files' versions by path as written (their signatures name them). */
  readonly freeze: { readonly folder: string; readonly versions: Readonly<Record<string, string>> } | null;
}

/** "Render to WAV", or another version of the mix for the preview's A/B: the CLI's render, to a file. */
export interface RenderRequest {
  readonly type: 'render';
  /** Where the mix file is: its audio paths are relative to its folder. */
  readonly file: string;
  readonly text: string;
  /** For another version than the editor's: its name in messages (`HEAD`). */
  readonly version?: string;
  readonly out: string;
  readonly bits: '16' | '24' | '32f';
}

export type FromWorker =
  | { readonly type: 'trims'; readonly generation: number; readonly trims: Readonly<Record<string, number>> }
  | { readonly type: 'analysis'; readonly analysis: Analysis; readonly referenceLoudness: Readonly<Record<string, number | null>>; readonly frozen: readonly FrozenStem[] }
  | { readonly type: 'progress'; readonly fraction: number }
  | { readonly type: 'rendered'; readonly out: string; readonly summary: string; readonly integratedLufs: number }
  | { readonly type: 'failed'; readonly generation: number | null; readonly message: string };
