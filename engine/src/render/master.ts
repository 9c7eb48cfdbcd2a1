/**
 * The master chain alone, fed from a cache of the master's input. Finding
 * the gain for `target` runs the master many times; re-rendering every track
 * each time would waste all but the last step. Given the same input, this
 * gives exactly the samples the full graph gives.
 */
import type { MixModel } from '../../../grammar/src/model.js';
import { stripOptionsFor, writeRenderOutput } from './graph.js';
import { Strip } from './strip.js';
import { dbToGain } from '../dsp/portable-math.js';

export class MasterChain {
  private readonly strip: Strip;
  private readonly headGain: number;
  private readonly mono: boolean;
  /** Frames the output lags the input (the master's own inserts). */
  readonly latency: number;

  constructor(model: MixModel, headGainDb: number, maxBlock: number) {
    const master = model.channels.find((c) => c.kind === 'master')!;
    this.mono = model.output === 'mono';
    // The same options the graph builds master with (its trim included).
    this.strip = new Strip(master, null, model.sampleRate, maxBlock, stripOptionsFor(model, undefined)(master));
    this.headGain = dbToGain(headGainDb);
    this.latency = this.strip.latency;
  }

  /** `input` is the master's input as the graph gave it (2 channels); `out` gets 2, or 1 for mono output. */
  process(input: readonly Float64Array[], n: number, out: Float64Array[]): void {
    const g = this.headGain;
    for (let c = 0; c < 2; c++) {
      const src = input[c]!;
      const dst = this.strip.input[c]!;
      if (g === 1) for (let i = 0; i < n; i++) dst[i] = src[i]!;
      else for (let i = 0; i < n; i++) dst[i] = src[i]! * g;
    }
    this.strip.process(0, n);
    writeRenderOutput(this.strip.out, n, out, this.mono);
  }
}
