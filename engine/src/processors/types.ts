/**
 * What the engine needs to know about a processor, declared once per
 * processor in this folder (eq.ts, comp.ts, limit.ts, …) and read by the
 * channel strip, the graph, the render's thread split, the preview's player
 * and meters. The shape follows JUCE's dsp processors (prepare for a channel
 * count and rate, reset, process; `getTailLengthSeconds`) and web-audio-api's
 * parameter descriptors.
 *
 * The syntax side of each processor (keyword, parameters, units, ranges,
 * defaults) is declared in grammar/src/processors/; the two meet at the
 * processor's model type (`EqModel`, `CompModel`, …).
 */
import type { ProcessorModel } from '../../../grammar/src/model.js';

/** What a processor is prepared for. */
export interface ProcessorSpec {
  /** 1 for a track of mono files, 2 otherwise. */
  readonly channels: number;
  readonly sampleRate: number;
}

/** A running processor: one per insert of a channel strip. */
export interface ProcessorInstance {
  /**
   * Processes `frames` frames of `buffers` in place, from index `offset`
   * (0 unless automation splits the block). `key` is the side-chain signal
   * when the processor is keyed by another channel (see `keyChannelOf`),
   * otherwise null; it is read at the same indices.
   */
  process(buffers: Float64Array[], frames: number, key: readonly Float64Array[] | null, offset?: number): void;
  /** Back to the state of a new instance with the same settings (silence in, nothing remembered). */
  reset(): void;
  /** Frames of delay between input and output. */
  readonly latency: number;
  /** The latest gain reduction, dB (≥ 0); 0 for processors that do not report one. */
  readonly gainReductionDb: number;
  /**
   * What must match for another instance's running state to carry over to
   * this one on a live edit (filter sections, look-ahead length, detector):
   * instances with equal structure keep their state in the same shapes.
   */
  readonly structure: string;
  /** The DSP object whose fields are the running state (copied by render/state.ts). */
  readonly state: object;
  /** Applies this instance's settings again after its state was overwritten by a carry-over. */
  reapply(): void;
  /**
   * New values for its automatable parameters (automation, between cells of
   * at most 32 frames): `model` has the same structure as the one it was
   * created with. The running state is kept, so nothing jumps but the
   * parameters themselves.
   */
  retune(model: ProcessorModel): void;
  /**
   * Optional, for a processor whose retune is a costly design (an EQ's
   * filters): its coefficients as one vector, so automation can design
   * exactly every 128 frames and move the coefficients linearly in between
   * (render/automation.ts, DESIGN_CELL). `designInto` writes the vector for
   * `model` (of the same structure) into `out`. `processRamp` processes
   * frames offset … offset+frames−1 (timeline frames t …) inside the design
   * cell [d0, d1) with coefficients from + (to − from)·(s − d0)/(d1 − d0)
   * for each step of `step` frames from d0 starting at s, state kept.
   */
  readonly design?: RampedDesign;
}

/** See ProcessorInstance.design. */
export interface RampedDesign {
  readonly size: number;
  designInto(model: ProcessorModel, out: Float64Array): void;
  processRamp(buffers: Float64Array[], frames: number, offset: number, t: number, from: Float64Array, to: Float64Array, d0: number, d1: number, step: number): void;
}

export interface EngineProcessor<M extends ProcessorModel = ProcessorModel> {
  /** The model type this declaration renders. */
  readonly type: M['type'];
  /** Whether meters show its gain reduction (compressors, limiters, gates; not filters). */
  readonly reportsGainReduction: boolean;
  /** Builds the processor for a channel count and sample rate. */
  create(model: M, spec: ProcessorSpec): ProcessorInstance;
  /** Frames of delay it adds when not bypassed; must equal `create(...).latency`. */
  latency(model: M, sampleRate: number): number;
  /**
   * Seconds its output goes on after its input falls silent, to −90 dBFS
   * (filter ringing, a look-ahead). Declared, and held to by the contract
   * test, for the time-based processors to come: a render will last until
   * the last tail has decayed (design §10.5).
   */
  tailSeconds(model: M, sampleRate: number): number;
  /** The channel whose signal keys it, or null (a bypassed processor needs no key). */
  keyChannelOf(model: M): string | null;
  /**
   * Relative cost per frame and channel, in units of about one biquad
   * section, for sharing tracks between threads. Only the speed of a render
   * depends on it, never its samples.
   */
  cost(model: M): number;
}
