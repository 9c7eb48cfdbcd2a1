/**
 * True-peak level after Recommendation ITU-R BS.1770-4 (10/2015), "Algorithms
 * to measure audio programme loudness and true-peak audio level", Annex 2
 * "Guidelines for accurate measurement of 'true-peak' level": oversample by
 * four with a polyphase FIR interpolator and take the largest absolute value.
 *
 * The interpolator is a Kaiser-windowed sinc (J. F. Kaiser, "Nonrecursive
 * digital filter design using the I0-sinh window function", IEEE ISCAS 1974;
 * the window method of Oppenheim & Schafer, "Discrete-Time Signal Processing"):
 *     k(t) = sinc(t) · I0(β·√(1 − (t/16)²)) / I0(β)   for |t| < 16, else 0,
 * with t in input samples and β = 4.5: 32 taps per phase, 128 in the 4×
 * prototype, each phase scaled to unit gain at DC. Its response, computed from
 * the taps (f relative to the input rate fs): each interpolating phase is
 * within −0.02/+0.04 dB of unity up to 0.417 fs (20 kHz at 48 kHz) and within
 * ±0.07 dB up to 0.454 fs (20 kHz at 44.1 kHz); the prototype is
 * −6.02 dB at fs/2, at least 48.7 dB down from 0.55 fs and 54.3 dB down from
 * 0.6 fs up to the oversampled Nyquist (2 fs).
 *
 * It stands in for the order-48 example filter that Annex 2 prints (12 taps
 * per phase), whose phases are within only −0.24/+0.22 dB of unity up to
 * 0.4 fs and whose prototype is 1.3 dB down at 0.45 fs: that filter reads
 * steady sines up to 0.22 dB high and wide-band material low (full-band white
 * noise 0.5 to 0.9 dB below this one). Steady sines read within ±0.04 dB here
 * up to 0.417 fs, apart from the spacing of the points (a quarter sample).
 *
 * Because sinc(t) vanishes at the non-zero integers, phase 0 is exactly the
 * input delayed by 16 samples, and the four points of one input step are
 * that sample and the signal a quarter, a half and three quarters of a sample
 * after it. The kernel is even, so phase 2 is symmetric and phase 3 is
 * phase 1 reversed. With the window w[k] = x[n − 31 + k], s_k = w[31−k] + w[k]
 * and d_k = w[31−k] − w[k] (k < 16):
 *     y_2 = Σ_k c_2[k]·s_k,   y_1, y_3 = e ± o,
 *     e = Σ_k ½(c_1[k] + c_1[31−k])·s_k,   o = Σ_k ½(c_1[k] − c_1[31−k])·d_k,
 * and max(|e + o|, |e − o|) = |e| + |o| — 48 multiplies per input sample.
 *
 * The same kernel serves every sample rate (4× oversampling throughout). The
 * detector starts from silence: a stream that begins at a high level reads the
 * overshoot of that step, as a converter started from silence would make.
 */
import { psin } from './portable-math.js';

/**
 * The order-48 example interpolator printed in BS.1770-4 Annex 2, one row per
 * phase, as printed (row q, tap j weighs x[n − j]). The detector does not use
 * it (see above); it is kept as the standard's reference, for comparisons.
 */
export const BS1770_TRUE_PEAK_PHASES: readonly (readonly number[])[] = [
  [
    0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
    0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500,
  ],
  [
    -0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
    0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375,
  ],
  [
    -0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
    0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875,
  ],
  [
    -0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
    0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750,
  ],
];

/** Half the kernel's length, in input samples: the interpolator's delay (a multiple of 4, for the loop). */
const HALF = 16;
/** Taps per phase. */
const TAPS = 2 * HALF;
/** Kaiser window shape. */
const BETA = 4.5;

/** The zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; term > 1e-17 * sum; k++) {
    const h = x / (2 * k);
    term *= h * h;
    sum += term;
  }
  return sum;
}

/** The Kaiser-windowed sinc k(t). */
function kernel(t: number): number {
  if (Math.abs(t) >= HALF) return 0;
  if (Number.isInteger(t)) return t === 0 ? 1 : 0; // sinc's zeros, exactly
  const u = t / HALF;
  const window = besselI0(BETA * Math.sqrt(1 - u * u)) / besselI0(BETA);
  return (window * psin(Math.PI * t)) / (Math.PI * t);
}

/**
 * The four phases: c_q[j] weighs x[n − j] for the point at n − 16 + q/4,
 * so c_q[j] = k(j − 16 + q/4), scaled so that the phase sums to 1.
 */
function designPhases(): Float64Array[] {
  return [0, 1, 2, 3].map((q) => {
    const c = new Float64Array(TAPS);
    for (let j = 0; j < TAPS; j++) c[j] = kernel(j - HALF + q / 4);
    const dc = c.reduce((a, b) => a + b, 0);
    return c.map((v) => v / dc);
  });
}

const PHASES = designPhases();

/** The interpolator's four phases (copies): `[q][j]` weighs x[n − j] for the point at n − latency + q/4. */
export function truePeakInterpolator(): Float64Array[] {
  return PHASES.map((c) => Float64Array.from(c));
}

/** Taps of phase 2 and the even and odd parts of phase 1, as the loop reads them (k < 16). */
const MIDDLE = PHASES[2]!.subarray(0, HALF);
const EVEN = new Float64Array(HALF).map((_, k) => 0.5 * (PHASES[1]![k]! + PHASES[1]![TAPS - 1 - k]!));
const ODD = new Float64Array(HALF).map((_, k) => 0.5 * (PHASES[1]![k]! - PHASES[1]![TAPS - 1 - k]!));

/**
 * Streaming 4× true-peak detector, one interpolator per channel. Allocation
 * free after construction.
 */
export class TruePeakDetector {
  /**
   * Delay of the interpolator in input samples: the points reported while
   * sample n is fed are x[n − 16] and the three points after it, at
   * n − 16 + ¼, + ½ and + ¾.
   */
  readonly latency = HALF;

  /** The interpolator's delay, known before any detector is built. */
  static readonly LATENCY = HALF;

  private readonly channels: number;
  /**
   * Per channel, the last 32 inputs written twice (at p and p + 32), so the
   * window oldest-to-newest is always the contiguous run [p, p + 32).
   */
  private readonly history: Float64Array;
  private readonly position: Int32Array;

  constructor(channels: number) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be a positive integer, not ${channels}`);
    this.channels = channels;
    this.history = new Float64Array(channels * 2 * TAPS);
    this.position = new Int32Array(channels);
  }

  /**
   * Feeds `frames` samples of channel `ch` (call for each channel per block);
   * returns the max |x| over the oversampled points of this block for that
   * channel (0 for an empty block).
   */
  process(ch: number, input: Float64Array | Float32Array, frames: number): number {
    if (ch < 0 || ch >= this.channels) throw new RangeError(`channel ${ch} out of range 0..${this.channels - 1}`);
    if (frames > input.length) throw new RangeError(`${frames} frames asked of a buffer of ${input.length}`);
    const h = this.history;
    const base = ch * 2 * TAPS;
    let p = this.position[ch]!;
    let peak = 0;
    // The 48 taps in locals, and the 32-sample window loaded once per step:
    // written out, the sums cost their multiplies and adds and little else.
    const E = EVEN;
    const O = ODD;
    const M = MIDDLE;
    const ce0 = E[0]!, ce1 = E[1]!, ce2 = E[2]!, ce3 = E[3]!, ce4 = E[4]!, ce5 = E[5]!, ce6 = E[6]!, ce7 = E[7]!;
    const ce8 = E[8]!, ce9 = E[9]!, ce10 = E[10]!, ce11 = E[11]!, ce12 = E[12]!, ce13 = E[13]!, ce14 = E[14]!, ce15 = E[15]!;
    const co0 = O[0]!, co1 = O[1]!, co2 = O[2]!, co3 = O[3]!, co4 = O[4]!, co5 = O[5]!, co6 = O[6]!, co7 = O[7]!;
    const co8 = O[8]!, co9 = O[9]!, co10 = O[10]!, co11 = O[11]!, co12 = O[12]!, co13 = O[13]!, co14 = O[14]!, co15 = O[15]!;
    const cm0 = M[0]!, cm1 = M[1]!, cm2 = M[2]!, cm3 = M[3]!, cm4 = M[4]!, cm5 = M[5]!, cm6 = M[6]!, cm7 = M[7]!;
    const cm8 = M[8]!, cm9 = M[9]!, cm10 = M[10]!, cm11 = M[11]!, cm12 = M[12]!, cm13 = M[13]!, cm14 = M[14]!, cm15 = M[15]!;
    for (let i = 0; i < frames; i++) {
      const x = input[i]!;
      h[base + p] = x;
      h[base + p + TAPS] = x;
      if (++p === TAPS) p = 0;
      // The window w[k] = x[n − 31 + k] is h[w + k]; pairs s_k = w[31−k] + w[k], d_k = w[31−k] − w[k].
      const w = base + p;
      const n0 = h[w + 31]!, o0 = h[w + 0]!;
      const n1 = h[w + 30]!, o1 = h[w + 1]!;
      const n2 = h[w + 29]!, o2 = h[w + 2]!;
      const n3 = h[w + 28]!, o3 = h[w + 3]!;
      const n4 = h[w + 27]!, o4 = h[w + 4]!;
      const n5 = h[w + 26]!, o5 = h[w + 5]!;
      const n6 = h[w + 25]!, o6 = h[w + 6]!;
      const n7 = h[w + 24]!, o7 = h[w + 7]!;
      const n8 = h[w + 23]!, o8 = h[w + 8]!;
      const n9 = h[w + 22]!, o9 = h[w + 9]!;
      const n10 = h[w + 21]!, o10 = h[w + 10]!;
      const n11 = h[w + 20]!, o11 = h[w + 11]!;
      const n12 = h[w + 19]!, o12 = h[w + 12]!;
      const n13 = h[w + 18]!, o13 = h[w + 13]!;
      const n14 = h[w + 17]!, o14 = h[w + 14]!;
      const n15 = h[w + 16]!, o15 = h[w + 15]!;
      const s0 = n0 + o0, s1 = n1 + o1, s2 = n2 + o2, s3 = n3 + o3;
      const s4 = n4 + o4, s5 = n5 + o5, s6 = n6 + o6, s7 = n7 + o7;
      const s8 = n8 + o8, s9 = n9 + o9, s10 = n10 + o10, s11 = n11 + o11;
      const s12 = n12 + o12, s13 = n13 + o13, s14 = n14 + o14, s15 = n15 + o15;
      const d0 = n0 - o0, d1 = n1 - o1, d2 = n2 - o2, d3 = n3 - o3;
      const d4 = n4 - o4, d5 = n5 - o5, d6 = n6 - o6, d7 = n7 - o7;
      const d8 = n8 - o8, d9 = n9 - o9, d10 = n10 - o10, d11 = n11 - o11;
      const d12 = n12 - o12, d13 = n13 - o13, d14 = n14 - o14, d15 = n15 - o15;
      // Summed in groups of four, in the order of the taps.
      const even = (ce0 * s0 + ce1 * s1 + ce2 * s2 + ce3 * s3)
        + (ce4 * s4 + ce5 * s5 + ce6 * s6 + ce7 * s7)
        + (ce8 * s8 + ce9 * s9 + ce10 * s10 + ce11 * s11)
        + (ce12 * s12 + ce13 * s13 + ce14 * s14 + ce15 * s15);
      const odd = (co0 * d0 + co1 * d1 + co2 * d2 + co3 * d3)
        + (co4 * d4 + co5 * d5 + co6 * d6 + co7 * d7)
        + (co8 * d8 + co9 * d9 + co10 * d10 + co11 * d11)
        + (co12 * d12 + co13 * d13 + co14 * d14 + co15 * d15);
      const middle = (cm0 * s0 + cm1 * s1 + cm2 * s2 + cm3 * s3)
        + (cm4 * s4 + cm5 * s5 + cm6 * s6 + cm7 * s7)
        + (cm8 * s8 + cm9 * s9 + cm10 * s10 + cm11 * s11)
        + (cm12 * s12 + cm13 * s13 + cm14 * s14 + cm15 * s15);
      const quarters = Math.abs(even) + Math.abs(odd); // max(|y_1|, |y_3|)
      const half = Math.abs(middle); // |y_2|
      const sample = Math.abs(h[w + HALF - 1]!); // |y_0| = |x[n − 16]|
      if (quarters > peak) peak = quarters;
      if (half > peak) peak = half;
      if (sample > peak) peak = sample;
    }
    this.position[ch] = p;
    return peak;
  }

  reset(): void {
    this.history.fill(0);
    this.position.fill(0);
  }
}

/**
 * The true peak (linear) of whole channel buffers, the largest of any channel.
 * Silence is assumed before the buffers but not after them: the interpolated
 * points the last `latency` samples would owe are not invented, those samples
 * count by their own value.
 */
export function truePeakOfBuffers(channels: Float64Array[] | Float32Array[]): number {
  if (channels.length === 0) return 0;
  const detector = new TruePeakDetector(channels.length);
  let peak = 0;
  for (let ch = 0; ch < channels.length; ch++) {
    const data = channels[ch]!;
    peak = Math.max(peak, detector.process(ch, data, data.length));
    for (let i = Math.max(0, data.length - detector.latency); i < data.length; i++) peak = Math.max(peak, Math.abs(data[i]!));
  }
  return peak;
}
