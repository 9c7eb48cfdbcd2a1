/**
 * Programme loudness after Recommendation ITU-R BS.1770-4 (10/2015),
 * "Algorithms to measure audio programme loudness and true-peak audio level",
 * read as the 'EBU Mode' meter of EBU R 128: EBU Tech 3341 (momentary,
 * short-term and integrated loudness, true peak) and EBU Tech 3342 (loudness
 * range).
 *
 * BS.1770-4 Annex 1, per channel i:
 *   1. K-weighting: the pre-filter (a high shelf, +4 dB at high frequencies,
 *      for the acoustic effect of the head) and then the RLB high-pass (about
 *      38 Hz), both biquads.
 *   2. The mean square z_i of the weighted signal over a window; the loudness
 *      of the window is L = −0.691 + 10·log10(Σ_i G_i·z_i) LUFS, with channel
 *      weights G_i (Table 3: 1.0 for L, R and C, 1.41 for the surrounds, the
 *      LFE left out). Mono and stereo have G = 1.0 per channel; mono is
 *      measured as its one channel.
 *   3. Integrated loudness: gating blocks of 400 ms every 100 ms (75 %
 *      overlap). Blocks at or below the absolute gate of −70 LUFS are dropped;
 *      the relative gate is 10 LU under the loudness of the blocks that are
 *      left, and the blocks above it are averaged (in energy).
 * Tech 3341 §2.1: momentary loudness over 400 ms, short-term over 3 s.
 * Tech 3342: short-term loudness taken every 100 ms, absolute gate −70 LUFS,
 * relative gate 20 LU under the loudness of those values; the loudness range
 * is the 95th minus the 10th percentile of what is left.
 *
 * K-weighting coefficients: at 48 kHz, BS.1770-4 Tables 1 and 2 verbatim. At
 * other rates both biquads are recomputed by the bilinear transform, with the
 * frequency prewarped, from the analogue prototypes that reproduce those tables
 * — a shelf at f0 = 1681.974450955533 Hz, G = 3.999843853973347 dB,
 * Q = 0.7071752369554196 and a high-pass at f0 = 38.13547087602444 Hz,
 * Q = 0.5003270373238773 — the parameters and formulas libebur128 uses
 * (ebur128.c, ebur128_init_filter); at 48 kHz they give Tables 1 and 2 to
 * 1e-15. Like the 48 kHz table, the high-pass keeps the numerator 1, −2, 1.
 *
 * Time: the stream is cut into hops of H = round(fs/10) samples (100 ms) and
 * each hop into 20 sub-blocks of ⌊(k+1)·H/20⌋ − ⌊k·H/20⌋ samples (5 ms).
 * A sub-block holds Σ_i G_i·Σ y_i², so any 80 consecutive sub-blocks span
 * exactly 4·H samples and any 600 exactly 30·H. Gating blocks and the
 * short-term values for the loudness range are taken on the 100 ms grid from
 * the start of the stream; the maximum momentary and short-term loudness are
 * looked for at every sub-block, so a 400 ms burst is caught within 2.5 ms of
 * wherever it lies. Only complete windows count towards the maxima; the live
 * readings treat the time before the stream as silence.
 *
 * Memory does not grow with the duration: gated values go into histograms
 * (as in libebur128) of 0.02 LU bins from −70 to +30 LUFS, each bin keeping
 * its count and the sum of its blocks' mean squares. The integrated loudness is
 * then exact except for the blocks in the one bin the relative gate cuts
 * through (that bin is taken whole or not at all, by its mean); a percentile is
 * the mean loudness of the bin it falls in.
 */
import { TruePeakDetector } from '../dsp/true-peak.js';
import { dbToGain, plog10, ppow, ptan } from '../dsp/portable-math.js';

export interface LoudnessReport {
  integratedLufs: number;
  loudnessRangeLu: number;
  maxMomentaryLufs: number;
  maxShortTermLufs: number;
  samplePeakDbfs: number;
  truePeakDbtp: number;
  durationS: number;
  sampleRate: number;
  channels: number;
}

/** A biquad normalised to a0 = 1: y = b0·x + b1·x₋₁ + b2·x₋₂ − a1·y₋₁ − a2·y₋₂. */
export interface SectionCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

export interface KWeighting {
  /** Stage 1, the pre-filter (high shelf). */
  readonly shelf: SectionCoefficients;
  /** Stage 2, the RLB high-pass. */
  readonly highpass: SectionCoefficients;
}

/** BS.1770-4 Table 1 (pre-filter) and Table 2 (RLB), for 48 kHz. */
export const K_WEIGHTING_48K: KWeighting = {
  shelf: { b0: 1.53512485958697, b1: -2.69169618940638, b2: 1.19839281085285, a1: -1.69065929318241, a2: 0.73248077421585 },
  highpass: { b0: 1.0, b1: -2.0, b2: 1.0, a1: -1.99004745483398, a2: 0.99007225036621 },
};

const SHELF_F0 = 1681.974450955533;
const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_Q = 0.7071752369554196;
/** Vb = Vh^VB_EXPONENT sets the shelf's mid-band gain, as fitted to Table 1. */
const SHELF_VB_EXPONENT = 0.4996667741545416;
const HIGHPASS_F0 = 38.13547087602444;
const HIGHPASS_Q = 0.5003270373238773;

/** The K-weighting biquads for `sampleRate`, derived from the analogue prototypes. */
export function deriveKWeighting(sampleRate: number): KWeighting {
  let K = ptan((Math.PI * SHELF_F0) / sampleRate);
  const Vh = dbToGain(SHELF_GAIN_DB);
  const Vb = ppow(Vh, SHELF_VB_EXPONENT);
  let a0 = 1 + K / SHELF_Q + K * K;
  const shelf = {
    b0: (Vh + (Vb * K) / SHELF_Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / SHELF_Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / SHELF_Q + K * K) / a0,
  };
  K = ptan((Math.PI * HIGHPASS_F0) / sampleRate);
  a0 = 1 + K / HIGHPASS_Q + K * K;
  const highpass = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / HIGHPASS_Q + K * K) / a0,
  };
  return { shelf, highpass };
}

/** The K-weighting the meter uses: the standard's table at 48 kHz, derived elsewhere. */
export function kWeighting(sampleRate: number): KWeighting {
  return sampleRate === 48000 ? K_WEIGHTING_48K : deriveKWeighting(sampleRate);
}

/** BS.1770-4 Table 3 by channel count: 5 is L R C Ls Rs, 6 is L R C LFE Ls Rs; otherwise 1.0 each. */
export function channelWeights(channels: number): Float64Array {
  const w = new Float64Array(channels).fill(1);
  if (channels === 5) w.set([1, 1, 1, 1.41, 1.41]);
  if (channels === 6) w.set([1, 1, 1, 0, 1.41, 1.41]);
  return w;
}

const LOUDNESS_OFFSET = -0.691;
const ABSOLUTE_GATE_LUFS = -70;
const INTEGRATED_RELATIVE_GATE_LU = -10;
const LRA_RELATIVE_GATE_LU = -20;
const LRA_LOW_PERCENTILE = 0.1;
const LRA_HIGH_PERCENTILE = 0.95;

/** Sub-blocks per 100 ms hop, and hops per momentary / short-term window. */
const SUBS_PER_HOP = 20;
const MOMENTARY_HOPS = 4;
const SHORT_TERM_HOPS = 30;

/** L = −0.691 + 10·log10(z); −Infinity for z = 0. */
function loudnessOf(meanSquare: number): number {
  return LOUDNESS_OFFSET + 10 * plog10(meanSquare);
}

const HISTOGRAM_LOW_LUFS = ABSOLUTE_GATE_LUFS;
const HISTOGRAM_HIGH_LUFS = 30;
const HISTOGRAM_STEP_LU = 0.02;
const HISTOGRAM_BINS = Math.round((HISTOGRAM_HIGH_LUFS - HISTOGRAM_LOW_LUFS) / HISTOGRAM_STEP_LU);

/**
 * Values (mean squares) that passed the absolute gate, binned by loudness;
 * values above the top bin's range are kept in the top bin.
 */
class GatedHistogram {
  private readonly counts = new Uint32Array(HISTOGRAM_BINS);
  private readonly energies = new Float64Array(HISTOGRAM_BINS);
  private count = 0;
  private energy = 0;

  add(meanSquare: number): void {
    const l = loudnessOf(meanSquare);
    if (!(l > ABSOLUTE_GATE_LUFS)) return;
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.floor((l - HISTOGRAM_LOW_LUFS) / HISTOGRAM_STEP_LU));
    this.counts[bin]!++;
    this.energies[bin]! += meanSquare;
    this.count++;
    this.energy += meanSquare;
  }

  clear(): void {
    this.counts.fill(0);
    this.energies.fill(0);
    this.count = 0;
    this.energy = 0;
  }

  /**
   * The first bin above the relative gate (`relativeLu` under the loudness of
   * all values): bins above the gate's bin count, the gate's own bin counts if
   * its mean is above the gate. −1 when there are no values.
   */
  private firstBinAboveGate(relativeLu: number): number {
    if (this.count === 0) return -1;
    const gate = loudnessOf(this.energy / this.count) + relativeLu;
    const bin = Math.floor((gate - HISTOGRAM_LOW_LUFS) / HISTOGRAM_STEP_LU);
    if (bin < 0) return 0;
    const c = this.counts[bin]!;
    return c > 0 && loudnessOf(this.energies[bin]! / c) > gate ? bin : bin + 1;
  }

  /** Loudness of the values above the relative gate, averaged in energy (BS.1770-4 eq. 7). */
  gatedLoudness(relativeLu: number): number {
    const first = this.firstBinAboveGate(relativeLu);
    if (first < 0) return -Infinity;
    let count = 0;
    let energy = 0;
    for (let b = first; b < HISTOGRAM_BINS; b++) {
      count += this.counts[b]!;
      energy += this.energies[b]!;
    }
    return count === 0 ? -Infinity : loudnessOf(energy / count);
  }

  /** Tech 3342: the spread between two percentiles of the values above the relative gate. */
  percentileSpread(relativeLu: number, low: number, high: number): number {
    const first = this.firstBinAboveGate(relativeLu);
    if (first < 0) return -Infinity;
    let count = 0;
    for (let b = first; b < HISTOGRAM_BINS; b++) count += this.counts[b]!;
    if (count === 0) return -Infinity;
    return this.valueAtRank(first, Math.round((count - 1) * high)) - this.valueAtRank(first, Math.round((count - 1) * low));
  }

  /** Mean loudness of the bin holding the value of rank `rank` (0-based, ascending) from bin `first` on. */
  private valueAtRank(first: number, rank: number): number {
    let seen = 0;
    for (let b = first; b < HISTOGRAM_BINS; b++) {
      const c = this.counts[b]!;
      seen += c;
      if (seen > rank) return loudnessOf(this.energies[b]! / c);
    }
    return -Infinity;
  }
}

/**
 * K-weights `n` samples of one channel from `x[from]`, carrying the filter
 * state in `state[at..at+3]` (transposed direct form II, shelf then
 * high-pass). Returns Σ y²; raises `peak[0]` to the largest |x| seen.
 */
function kWeightedEnergy(
  x: Float64Array | Float32Array,
  from: number,
  n: number,
  c: Float64Array,
  state: Float64Array,
  at: number,
  peak: Float64Array,
): number {
  const b0 = c[0]!, b1 = c[1]!, b2 = c[2]!, a1 = c[3]!, a2 = c[4]!;
  const hb0 = c[5]!, hb1 = c[6]!, hb2 = c[7]!, ha1 = c[8]!, ha2 = c[9]!;
  let s1 = state[at]!, s2 = state[at + 1]!, h1 = state[at + 2]!, h2 = state[at + 3]!;
  let sum = 0;
  let top = peak[0]!;
  const end = from + n;
  for (let i = from; i < end; i++) {
    const v = x[i]!;
    const a = v < 0 ? -v : v;
    if (a > top) top = a;
    const u = b0 * v + s1;
    s1 = b1 * v - a1 * u + s2;
    s2 = b2 * v - a2 * u;
    const y = hb0 * u + h1;
    h1 = hb1 * u - ha1 * y + h2;
    h2 = hb2 * u - ha2 * y;
    sum += y * y;
  }
  // Let decayed state reach zero rather than linger in subnormal numbers (far below any gate).
  state[at] = Math.abs(s1) < 1e-30 ? 0 : s1;
  state[at + 1] = Math.abs(s2) < 1e-30 ? 0 : s2;
  state[at + 2] = Math.abs(h1) < 1e-30 ? 0 : h1;
  state[at + 3] = Math.abs(h2) < 1e-30 ? 0 : h2;
  peak[0] = top;
  return sum;
}

export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channels: number;

  private readonly weights: Float64Array;
  /** Shelf b0 b1 b2 a1 a2, then high-pass b0 b1 b2 a1 a2. */
  private readonly coefficients: Float64Array;
  /** Per channel: shelf s1 s2, high-pass s1 s2. */
  private readonly filterState: Float64Array;
  /** Samples per 100 ms hop, and the lengths of the sub-blocks in one hop. */
  private readonly hop: number;
  private readonly subsPerHop: number;
  private readonly subLengths: Int32Array;
  /** Energies of the last short-term window's worth of sub-blocks, a ring. */
  private readonly ring: Float64Array;
  private readonly truePeak: TruePeakDetector;
  private readonly integrated = new GatedHistogram();
  private readonly shortTerms = new GatedHistogram();
  private readonly peakScratch = new Float64Array(1);

  private ringAt = 0;
  private subBlocks = 0;
  private subInHop = 0;
  private subRemaining = 0;
  private subEnergy = 0;
  private maxMomentaryEnergy = -1;
  private maxShortTermEnergy = -1;
  private truePeakMax = 0;
  private frames = 0;

  constructor(sampleRate: number, channels: number) {
    if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be positive, not ${sampleRate}`);
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be a positive integer, not ${channels}`);
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.weights = channelWeights(channels);
    const k = kWeighting(sampleRate);
    this.coefficients = Float64Array.of(
      k.shelf.b0, k.shelf.b1, k.shelf.b2, k.shelf.a1, k.shelf.a2,
      k.highpass.b0, k.highpass.b1, k.highpass.b2, k.highpass.a1, k.highpass.a2,
    );
    this.filterState = new Float64Array(4 * channels);
    this.hop = Math.max(1, Math.round(sampleRate / 10));
    this.subsPerHop = Math.min(SUBS_PER_HOP, this.hop);
    this.subLengths = new Int32Array(this.subsPerHop);
    for (let k = 0; k < this.subsPerHop; k++) {
      this.subLengths[k] = Math.floor(((k + 1) * this.hop) / this.subsPerHop) - Math.floor((k * this.hop) / this.subsPerHop);
    }
    this.ring = new Float64Array(SHORT_TERM_HOPS * this.subsPerHop);
    this.truePeak = new TruePeakDetector(channels);
    this.subRemaining = this.subLengths[0]!;
  }

  /** Feed planar samples. */
  process(channels: readonly (Float64Array | Float32Array)[], frames: number): void {
    if (channels.length < this.channels) throw new RangeError(`expected ${this.channels} channels, got ${channels.length}`);
    for (let ch = 0; ch < this.channels; ch++) {
      if (channels[ch]!.length < frames) throw new RangeError(`channel ${ch} holds ${channels[ch]!.length} samples, fewer than ${frames}`);
    }
    let done = 0;
    while (done < frames) {
      const n = Math.min(frames - done, this.subRemaining);
      let energy = 0;
      for (let ch = 0; ch < this.channels; ch++) {
        const sum = kWeightedEnergy(channels[ch]!, done, n, this.coefficients, this.filterState, 4 * ch, this.peakScratch);
        energy += this.weights[ch]! * sum;
      }
      this.subEnergy += energy;
      done += n;
      this.subRemaining -= n;
      if (this.subRemaining === 0) this.closeSubBlock();
    }
    for (let ch = 0; ch < this.channels; ch++) {
      const p = this.truePeak.process(ch, channels[ch]!, frames);
      if (p > this.truePeakMax) this.truePeakMax = p;
    }
    this.frames += frames;
  }

  /** Current momentary loudness (last 400 ms), LUFS; −Infinity when silent. */
  momentaryLufs(): number {
    return loudnessOf(this.lastSubBlocks(MOMENTARY_HOPS * this.subsPerHop) / (MOMENTARY_HOPS * this.hop));
  }

  /** Current short-term loudness (last 3 s), LUFS; −Infinity when silent. */
  shortTermLufs(): number {
    return loudnessOf(this.lastSubBlocks(SHORT_TERM_HOPS * this.subsPerHop) / (SHORT_TERM_HOPS * this.hop));
  }

  /** Everything measured so far; −Infinity where undefined (silence, or too short). */
  report(): LoudnessReport {
    const samplePeak = this.peakScratch[0]!;
    return {
      integratedLufs: this.integrated.gatedLoudness(INTEGRATED_RELATIVE_GATE_LU),
      loudnessRangeLu: this.shortTerms.percentileSpread(LRA_RELATIVE_GATE_LU, LRA_LOW_PERCENTILE, LRA_HIGH_PERCENTILE),
      maxMomentaryLufs: this.maxMomentaryEnergy < 0 ? -Infinity : loudnessOf(this.maxMomentaryEnergy / (MOMENTARY_HOPS * this.hop)),
      maxShortTermLufs: this.maxShortTermEnergy < 0 ? -Infinity : loudnessOf(this.maxShortTermEnergy / (SHORT_TERM_HOPS * this.hop)),
      samplePeakDbfs: 20 * plog10(samplePeak),
      // The detector owes the last few samples' points; they count by their own value.
      truePeakDbtp: 20 * plog10(Math.max(this.truePeakMax, samplePeak)),
      durationS: this.frames / this.sampleRate,
      sampleRate: this.sampleRate,
      channels: this.channels,
    };
  }

  reset(): void {
    this.filterState.fill(0);
    this.ring.fill(0);
    this.truePeak.reset();
    this.integrated.clear();
    this.shortTerms.clear();
    this.peakScratch[0] = 0;
    this.ringAt = 0;
    this.subBlocks = 0;
    this.subInHop = 0;
    this.subRemaining = this.subLengths[0]!;
    this.subEnergy = 0;
    this.maxMomentaryEnergy = -1;
    this.maxShortTermEnergy = -1;
    this.truePeakMax = 0;
    this.frames = 0;
  }

  /** A sub-block is complete: store it, update the maxima, and on a hop boundary add the gated values. */
  private closeSubBlock(): void {
    this.ring[this.ringAt] = this.subEnergy;
    this.ringAt = this.ringAt + 1 === this.ring.length ? 0 : this.ringAt + 1;
    this.subEnergy = 0;
    this.subBlocks++;
    this.subInHop++;
    if (this.subInHop === this.subsPerHop) this.subInHop = 0;
    this.subRemaining = this.subLengths[this.subInHop]!;

    const momentarySubs = MOMENTARY_HOPS * this.subsPerHop;
    const shortTermSubs = SHORT_TERM_HOPS * this.subsPerHop;
    const momentary = this.subBlocks >= momentarySubs ? this.lastSubBlocks(momentarySubs) : -1;
    const shortTerm = this.subBlocks >= shortTermSubs ? this.lastSubBlocks(shortTermSubs) : -1;
    if (momentary > this.maxMomentaryEnergy) this.maxMomentaryEnergy = momentary;
    if (shortTerm > this.maxShortTermEnergy) this.maxShortTermEnergy = shortTerm;
    if (this.subInHop === 0) {
      if (momentary >= 0) this.integrated.add(momentary / (MOMENTARY_HOPS * this.hop));
      if (shortTerm >= 0) this.shortTerms.add(shortTerm / (SHORT_TERM_HOPS * this.hop));
    }
  }

  /** Sum of the energies of the last `count` sub-blocks (fewer at the start of the stream). */
  private lastSubBlocks(count: number): number {
    const ring = this.ring;
    const n = Math.min(count, this.subBlocks);
    let sum = 0;
    let i = this.ringAt - n;
    if (i < 0) {
      for (let j = i + ring.length; j < ring.length; j++) sum += ring[j]!;
      i = 0;
    }
    for (let j = i; j < this.ringAt; j++) sum += ring[j]!;
    return sum;
  }
}
