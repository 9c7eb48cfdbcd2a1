/**
 * `eq { … }`: the bands in written order as one cascade of biquad sections
 * (RBJ Audio EQ Cookbook; Butterworth cascades for steep passes), see
 * dsp/biquad.ts.
 */
import type { EqModel } from '../../../grammar/src/model.js';
import { BiquadChain, bandSections, rbjInto, type BiquadCoefficients } from '../dsp/biquad.js';
import type { EngineProcessor } from './types.js';
import { dbToGain, plog } from '../dsp/portable-math.js';

/** −90 dB as a factor of amplitude: where a tail counts as gone. */
const TAIL_FLOOR = plog(dbToGain(-90));

/**
 * Seconds for a section's impulse response to fall by 90 dB: its slowest
 * pole's radius r shrinks the response by r per sample. The poles are the
 * roots of z² + a1·z + a2.
 */
function sectionTail(s: BiquadCoefficients, sampleRate: number): number {
  const disc = s.a1 * s.a1 - 4 * s.a2;
  const r = disc < 0 ? Math.sqrt(s.a2) : Math.max(Math.abs((-s.a1 + Math.sqrt(disc)) / 2), Math.abs((-s.a1 - Math.sqrt(disc)) / 2));
  if (r <= 0) return 2 / sampleRate; // FIR section: two samples of memory
  if (r >= 1) return Infinity; // not a stable filter (cannot happen for valid bands)
  return TAIL_FLOOR / plog(r) / sampleRate;
}

export const eqProcessor: EngineProcessor<EqModel> = {
  type: 'eq',
  reportsGainReduction: false,
  create(model, { channels, sampleRate }) {
    const perBand = model.bands.map((b) => bandSections(b, sampleRate));
    const sections = perBand.flat();
    const chain = new BiquadChain(sections, channels);
    const designer = new BandDesigner(model, perBand, sampleRate);
    const scratch = new Float64Array(sections.length * 5);
    return {
      latency: 0,
      gainReductionDb: 0,
      structure: `eq ${model.bypass} ${channels} ${sections.length}`,
      state: chain,
      process: (buffers, frames, _key, offset) => chain.process(buffers, frames, offset),
      reset: () => chain.reset(),
      reapply: () => chain.setCoefficients(sections),
      // Automation moves an EQ through `design`; a retune is one design made current.
      retune: (m) => {
        designer.designInto(m as EqModel, scratch);
        chain.setAll(scratch);
      },
      design: {
        size: sections.length * 5,
        designInto: (m, out) => designer.designInto(m as EqModel, out),
        processRamp: (buffers, frames, offset, t, from, to, d0, d1, step) => {
          for (let s = 0; s < chain.length; s++) chain.processSectionRamp(s, buffers, frames, offset, t, from, to, s * 5, d0, d1, step);
        },
      },
    };
  },
  latency: () => 0,
  // A cascade rings for about the sum of its sections' tails (an upper bound).
  tailSeconds: (model, sampleRate) =>
    model.bands.flatMap((b) => bandSections(b, sampleRate)).reduce((sum, s) => sum + sectionTail(s, sampleRate), 0),
  keyChannelOf: () => null,
  // Two units a band: kept as the thread split has always weighed an eq.
  cost: (model) => model.bands.length * 2,
};

/**
 * An EQ's coefficients for automated values of its bands, as one vector
 * (b0 b1 b2 a1 a2 a section): each band moved from its written values is
 * designed again (its own sections only, a one-section band in place, its
 * 10^(G/40) kept while its gain holds still); a band as written is copied
 * from the written design. Called every 128 frames while a lane moves.
 */
class BandDesigner {
  private readonly first: Int32Array;
  private readonly count: Int32Array;
  /** The written model's coefficients and band values. */
  private readonly written: Float64Array;
  private readonly writtenFreq: Float64Array;
  private readonly writtenGain: Float64Array;
  private readonly writtenQ: Float64Array;
  /** The gain 10^(G/40) was last worked out for, per band, and its value. */
  private readonly designGain: Float64Array;
  private readonly designA: Float64Array;

  constructor(model: EqModel, perBand: readonly (readonly BiquadCoefficients[])[], private readonly sampleRate: number) {
    const n = model.bands.length;
    this.first = new Int32Array(n);
    this.count = Int32Array.from(perBand, (s) => s.length);
    for (let i = 1; i < n; i++) this.first[i] = this.first[i - 1]! + this.count[i - 1]!;
    this.written = Float64Array.from(perBand.flat().flatMap((s) => [s.b0, s.b1, s.b2, s.a1, s.a2]));
    this.writtenFreq = Float64Array.from(model.bands, (b) => b.freq);
    this.writtenGain = Float64Array.from(model.bands, (b) => b.gainDb);
    this.writtenQ = Float64Array.from(model.bands, (b) => b.q);
    this.designGain = this.writtenGain.slice();
    this.designA = Float64Array.from(model.bands, (b) => dbToGain(b.gainDb / 2));
  }

  designInto(model: EqModel, out: Float64Array): void {
    const written = this.written;
    const bands = model.bands;
    for (let i = 0; i < bands.length; i++) {
      const b = bands[i]!;
      const at = this.first[i]! * 5;
      if (b.freq === this.writtenFreq[i] && b.gainDb === this.writtenGain[i] && b.q === this.writtenQ[i]) {
        for (let c = 0; c < this.count[i]! * 5; c++) out[at + c] = written[at + c]!;
        continue;
      }
      if (b.gainDb !== this.designGain[i]) {
        this.designGain[i] = b.gainDb;
        this.designA[i] = dbToGain(b.gainDb / 2);
      }
      // A band of one RBJ section (bells, shelves, notch, band-pass, a 12 dB/oct pass) is designed in place.
      const single = this.count[i] === 1 && !((b.type === 'highpass' || b.type === 'lowpass') && b.slope !== 12);
      if (single) rbjInto(out, at, b.type, b.freq, b.q, this.sampleRate, this.designA[i]!);
      else bandSections(b, this.sampleRate, this.designA[i]).forEach((s, j) => out.set([s.b0, s.b1, s.b2, s.a1, s.a2], at + j * 5));
    }
  }
}
