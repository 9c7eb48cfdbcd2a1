/**
 * Messages between the page and the engine's AudioWorkletProcessor, over the
 * worklet node's MessagePort. Sample data is transferred, never copied: the
 * webview has no SharedArrayBuffer, so the port is the only way in.
 */
import type { MixModel } from '../../grammar/src/model.js';
import type { MeterSnapshot } from './player.js';

/** The name the processor registers under (`new AudioWorkletNode(context, PROCESSOR_NAME)`). */
export const PROCESSOR_NAME = 'mixdown-engine';

/**
 * An audio file decoded in the page by our own WAV code, at the file's own
 * rate, in the smallest arrays that hold its samples exactly: Int16Array
 * for 16-bit PCM, Float32Array for 24-bit PCM and 32-bit float,
 * Float64Array for 32-bit PCM and 64-bit float. So the engine reads the same
 * values as the CLI, and a session in memory takes no more than its files.
 */
export interface DecodedAudio {
  /** As written in the mix file, relative to its folder. */
  readonly path: string;
  readonly sampleRate: number;
  readonly frames: number;
  /** One array per channel (1 or 2), each `frames` long; 16-bit PCM as integers (scaled by 1/32768 on reading). */
  readonly channels: readonly (Int16Array | Float32Array | Float64Array)[];
}

/**
 * Frames (at the file's own rate) in one chunk of a streamed file: about
 * 0.34 s at 48 kHz, 64 KB of 16-bit stereo, so a seek waits for little more
 * than it needs. Chunk k holds frames [k * STREAM_CHUNK_FRAMES,
 * (k + 1) * STREAM_CHUNK_FRAMES).
 */
export const STREAM_CHUNK_FRAMES = 16384;

/** A file the page streams: its shape, as its header says. */
export interface StreamHeader {
  /** As written in the mix file (the key the engine opens it by). */
  readonly path: string;
  /** Changes when the file does: chunks of another version are not mixed in. */
  readonly version: string;
  readonly sampleRate: number;
  readonly frames: number;
  readonly channels: 1 | 2;
}

/** One chunk of a streamed file, decoded as DecodedAudio's channels are. */
export interface StreamChunk {
  readonly path: string;
  readonly version: string;
  readonly index: number;
  readonly channels: readonly (Int16Array | Float32Array | Float64Array)[];
}

/** Page → processor. */
export type ToProcessor =
  | LoadMessage
  | RetainMessage
  | { readonly type: 'stream'; readonly headers: readonly StreamHeader[] }
  | { readonly type: 'chunks'; readonly chunks: readonly StreamChunk[] }
  | { readonly type: 'drop'; readonly chunks: readonly { readonly path: string; readonly index: number }[] }
  | SessionToProcessor
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  | { readonly type: 'seek'; readonly frame: number }
  | { readonly type: 'loop'; readonly span: { readonly from: number; readonly to: number } | null }
  | ListenMessage
  | WarmMessage
  | { readonly type: 'resetMeters' };

/**
 * The frozen groups about to be edited (by signature): their tracks run
 * unheard beside their stems, so an edit that makes one live is heard at
 * once (MixGraph.setWarm). Stands for every session that follows, until the
 * next such message.
 */
export interface WarmMessage {
  readonly type: 'warm';
  readonly signatures: readonly string[];
}

/** The session as the player needs it: the model and what the page measured for it. */
export interface SessionSpec {
  readonly model: MixModel;
  /** `trim auto` gains (linear), by track. */
  readonly autoTrims: ReadonlyMap<string, number>;
  /** Gain at the head of the master chain (dB), the result of the `target` search; 0 when there is none. */
  readonly headGainDb: number;
  /** Names this session in the processor's replies and meter snapshots, so the page maps strips to channels. */
  readonly generation: number;
  /**
   * Frozen stems: a summing group whose signature is here plays from the
   * streamed file at `path` instead of running its tracks (none: all live).
   */
  readonly frozen?: readonly { readonly signature: string; readonly path: string }[];
  /** Versions of the session's audio files by path (groups' signatures name them, as the stems' render did). */
  readonly fileVersions?: Readonly<Record<string, string>>;
}

/**
 * For offline renders (the parity test): the sources and the session in one
 * message, played at once from timeline frame 0 with no fade in, so the
 * output is the CLI's render sample for sample.
 */
export interface LoadMessage extends SessionSpec {
  readonly type: 'load';
  readonly sources: readonly DecodedAudio[];
}

/** Forget every file not named here. */
export interface RetainMessage {
  readonly type: 'retain';
  readonly paths: readonly string[];
}

/** Play this session from now on: crossfaded in while playing, at once when stopped. */
export interface SessionToProcessor extends SessionSpec {
  readonly type: 'session';
}

/** A/B: hear a reference file (loaded like any source) at a gain, or the mix again (null). */
export interface ListenMessage {
  readonly type: 'listen';
  readonly reference: { readonly name: string; readonly path: string; readonly gainDb: number } | null;
}

/** Processor → page. */
export type FromProcessor = LoadedMessage | ErrorMessage | MetersMessage | FreedMessage;

/** Buffers of streamed chunks the processor let go of, given back for the page to fill again. */
export interface FreedMessage {
  readonly type: 'freed';
  readonly buffers: readonly ArrayBuffer[];
}

export interface LoadedMessage {
  readonly type: 'loaded';
  readonly generation: number;
  /** Frames the master output lags the timeline (compensated by the processor). */
  readonly latency: number;
  /** Frames of timeline the session lasts. */
  readonly length: number;
  /** Summing groups the session plays from frozen stems. */
  readonly frozenGroups: number;
}

export interface ErrorMessage {
  readonly type: 'error';
  /** The audio file at fault, when a source is. */
  readonly path: string | null;
  readonly message: string;
}

/** About 30 times a second while playing: what the meters saw, and how hard the audio thread works. */
export interface MetersMessage {
  readonly type: 'meters';
  readonly meters: MeterSnapshot;
  /** Share of the real-time budget the engine used since the last report (1 = all of it). */
  readonly load: number;
  /** When the newest session heard began to be heard (Date.now() in the audio thread, milliseconds). */
  readonly heardAt: number;
  /** Frames of streamed files read before they had arrived (played as silence) since the last report. */
  readonly missingFrames: number;
  /** Chunks of streamed files the processor holds. */
  readonly heldChunks: number;
}

/** The buffers to transfer with a load message (each once). */
export function transferList(sources: readonly DecodedAudio[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const s of sources) for (const c of s.channels) buffers.add(c.buffer as ArrayBuffer);
  return [...buffers];
}
