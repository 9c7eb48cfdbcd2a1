/**
 * Messages between the page and the engine's AudioWorkletProcessor, over the
 * worklet node's MessagePort. Sample data is transferred, never copied: the
 * webview has no SharedArrayBuffer, so the port is the only way in.
 */
import type { MixModel } from '../../grammar/src/model.js';

/** The name the processor registers under (`new AudioWorkletNode(context, PROCESSOR_NAME)`). */
export const PROCESSOR_NAME = 'mixdown-engine';

/**
 * An audio file decoded in the page by our own WAV code, at the file's own
 * rate. Channels are Float32Array where that holds the file's samples
 * exactly (16/24-bit PCM, 32-bit float), Float64Array otherwise (32-bit PCM,
 * 64-bit float), so the engine reads the same values as the CLI.
 */
export interface DecodedAudio {
  /** As written in the mix file, relative to its folder. */
  readonly path: string;
  readonly sampleRate: number;
  readonly frames: number;
  /** One array per channel (1 or 2), each `frames` long. */
  readonly channels: readonly (Float32Array | Float64Array)[];
}

/** Page → processor. */
export type ToProcessor = LoadMessage;

/**
 * Build the graph for `model` and play from timeline frame `start`. Like the
 * CLI, the processor first renders `preroll` frames before `start` (so
 * dynamics have settled) and the graph's latency, and discards them, so the
 * first output frame is timeline frame `start`.
 */
export interface LoadMessage {
  readonly type: 'load';
  readonly model: MixModel;
  /** Every file the model's clips name, once each. */
  readonly sources: readonly DecodedAudio[];
  /** `trim auto` gains (linear), measured in the page with `measureAutoTrims`. */
  readonly autoTrims: ReadonlyMap<string, number>;
  /** Gain at the head of the master chain (dB), the result of the `target` search; 0 when there is none. */
  readonly headGainDb: number;
  readonly start: number;
  readonly preroll: number;
}

/** Processor → page. */
export type FromProcessor = LoadedMessage | ErrorMessage;

export interface LoadedMessage {
  readonly type: 'loaded';
  /** Frames the master output lags the timeline (compensated by the processor). */
  readonly latency: number;
  /** Frames of timeline the session lasts. */
  readonly length: number;
}

export interface ErrorMessage {
  readonly type: 'error';
  /** The audio file at fault, when a source is. */
  readonly path: string | null;
  readonly message: string;
}

/** The buffers to transfer with a load message (each once). */
export function transferList(sources: readonly DecodedAudio[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const s of sources) for (const c of s.channels) buffers.add(c.buffer as ArrayBuffer);
  return [...buffers];
}
