/**
 * `eq { … }`: the bands in written order as one cascade of biquad sections
 * (RBJ Audio EQ Cookbook; Butterworth cascades for steep passes), see
 * dsp/biquad.ts.
 */
import type { BandModel, EqModel } from '../../../grammar/src/model.js';
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
    const retuner = new BandRetuner(model, perBand, chain, sampleRate);
    return {
      latency: 0,
      gainReductionDb: 0,
      structure: `eq ${model.bypass} ${channels} ${sections.length}`,
      state: chain,
      process: (buffers, frames, _key, offset) => chain.process(buffers, frames, offset),
      reset: () => chain.reset(),
      reapply: () => {
        chain.setCoefficients(sections);
        retuner.designedFor(model);
      },
      retune: (m) => retuner.retune(m as EqModel),
      design: {
        size: sections.length * 5,
        designInto: (m, out) => retuner.designInto(m as EqModel, out),
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
 * Retunes an EQ's bands for automation: each band whose frequency, gain or
 * q moved is redesigned (its own sections only) with the chain's state
 * kept. Called every 32 frames while a lane moves, so it keeps its numbers
 * in typed arrays and writes coefficients in place.
 */
class BandRetuner {
  private readonly first: Int32Array;
  private readonly count: Int32Array;
  private readonly freq: Float64Array;
  private readonly gainDb: Float64Array;
  private readonly q: Float64Array;
  /** 10^(G/40) of each band's gain: a frequency sweep keeps it. */
  private readonly A: Float64Array;
  /** The written model's coefficients and band values (designInto copies bands as written). */
  private readonly written: Float64Array;
  private readonly writtenFreq: Float64Array;
  private readonly writtenGain: Float64Array;
  private readonly writtenQ: Float64Array;
  /** The gain designInto last worked out 10^(G/40) for, per band. */
  private readonly designGain: Float64Array;
  private readonly designA: Float64Array;

  constructor(model: EqModel, perBand: readonly (readonly BiquadCoefficients[])[], private readonly chain: BiquadChain, private readonly sampleRate: number) {
    const n = model.bands.length;
    this.first = new Int32Array(n);
    this.count = Int32Array.from(perBand, (s) => s.length);
    for (let i = 1; i < n; i++) this.first[i] = this.first[i - 1]! + this.count[i - 1]!;
    this.freq = new Float64Array(n);
    this.gainDb = new Float64Array(n);
    this.q = new Float64Array(n);
    this.A = new Float64Array(n);
    this.designedFor(model);
    this.written = new Float64Array(perBand.reduce((sum, s) => sum + s.length, 0) * 5);
    chain.getAll(this.written);
    this.writtenFreq = this.freq.slice();
    this.writtenGain = this.gainDb.slice();
    this.writtenQ = this.q.slice();
    this.designGain = this.gainDb.slice();
    this.designA = this.A.slice();
  }

  /** The chain now has `model`'s coefficients (as made, or re-applied after a carry-over). */
  designedFor(model: EqModel): void {
    model.bands.forEach((b, i) => {
      this.freq[i] = b.freq;
      this.gainDb[i] = b.gainDb;
      this.q[i] = b.q;
      this.A[i] = dbToGain(b.gainDb / 2);
    });
  }

  /**
   * The whole chain's coefficients for `model` into `out` without touching
   * the chain: each band designed for its values (bands as written are
   * copied from the chain's design for the written model).
   */
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
      if (this.isSingle(b, i)) rbjInto(out, at, b.type, b.freq, b.q, this.sampleRate, this.designA[i]!);
      else bandSections(b, this.sampleRate, this.designA[i]).forEach((s, j) => out.set([s.b0, s.b1, s.b2, s.a1, s.a2], at + j * 5));
    }
  }

  /** A band of one RBJ section (bells, shelves, notch, band-pass, a 12 dB/oct pass): redesigned in place. */
  private isSingle(b: BandModel, i: number): boolean {
    return this.count[i] === 1 && !((b.type === 'highpass' || b.type === 'lowpass') && b.slope !== 12);
  }

  retune(model: EqModel): void {
    const bands = model.bands;
    for (let i = 0; i < bands.length; i++) {
      const b = bands[i]!;
      if (b.freq === this.freq[i] && b.gainDb === this.gainDb[i] && b.q === this.q[i]) continue;
      if (b.gainDb !== this.gainDb[i]) this.A[i] = dbToGain(b.gainDb / 2);
      this.freq[i] = b.freq;
      this.gainDb[i] = b.gainDb;
      this.q[i] = b.q;
      if (this.isSingle(b, i)) this.chain.setRbj(this.first[i]!, b.type, b.freq, b.q, this.sampleRate, this.A[i]!);
      else bandSections(b, this.sampleRate, this.A[i]).forEach((s, j) => this.chain.setSection(this.first[i]! + j, s));
    }
  }
}
