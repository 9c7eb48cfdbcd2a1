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
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/** The Kaiser-windowed sinc k(t). */
function kernel(t: number): number {
  if (Math.abs(t) >= HALF) return 0;
  if (Number.isInteger(t)) return t === 0 ? 1 : 0; // sinc's zeros, exactly
  const window = besselI0(BETA * Math.sqrt(1 - (t / HALF) ** 2)) / besselI0(BETA);
  return (window * Math.sin(Math.PI * t)) / (Math.PI * t);
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
    for (let i = 0; i < frames; i++) {
      const x = input[i]!;
      h[base + p] = x;
      h[base + p + TAPS] = x;
      if (++p === TAPS) p = 0;
      // The window w[k] = x[n − 31 + k] is h[w + k].
      const w = base + p;
      let even = 0;
      let odd = 0;
      let middle = 0;
      // Pairs (w[31−k], w[k]), four at a time.
      for (let k = 0; k < HALF; k += 4) {
        const n0 = h[w + TAPS - 1 - k]!, o0 = h[w + k]!;
        const n1 = h[w + TAPS - 2 - k]!, o1 = h[w + k + 1]!;
        const n2 = h[w + TAPS - 3 - k]!, o2 = h[w + k + 2]!;
        const n3 = h[w + TAPS - 4 - k]!, o3 = h[w + k + 3]!;
        const s0 = n0 + o0, s1 = n1 + o1, s2 = n2 + o2, s3 = n3 + o3;
        even += EVEN[k]! * s0 + EVEN[k + 1]! * s1 + EVEN[k + 2]! * s2 + EVEN[k + 3]! * s3;
        odd += ODD[k]! * (n0 - o0) + ODD[k + 1]! * (n1 - o1) + ODD[k + 2]! * (n2 - o2) + ODD[k + 3]! * (n3 - o3);
        middle += MIDDLE[k]! * s0 + MIDDLE[k + 1]! * s1 + MIDDLE[k + 2]! * s2 + MIDDLE[k + 3]! * s3;
      }
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
