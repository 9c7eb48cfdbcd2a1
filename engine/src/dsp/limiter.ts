/**
 * Lookahead brickwall limiter, stereo-linked, with a sample-peak (dBFS) or a
 * true-peak (dBTP: ITU-R BS.1770-4 Annex 2, 4× oversampled, through
 * TruePeakDetector) ceiling. The usual lookahead design: the gain each input
 * frame needs is known as it arrives, the audio is delayed, a sliding minimum
 * holds that gain over the lookahead, and a moving average over the lookahead
 * turns the hold into a ramp that is down by the time the peak comes out.
 *
 * Per input frame k (L = round(lookahead·fs) frames, c = ceiling):
 *   p_k = max over channels of |x_k|                 (dBFS)
 *         max over channels of the true-peak points  (dBTP; the points the
 *         detector reports for frame k, which depend on the inputs
 *         k − S + 1 .. k, S = 2·detector.latency)
 *   r_k = min(1, c / p_k)                           required gain
 *   m_k = min(r_{k−H+1} .. r_k),  H = L + S         sliding minimum (monotonic deque)
 *   s_k = m_k                  if m_k ≤ s_{k−1}      instant attack ...
 *         m_k + α·(s_{k−1} − m_k) otherwise,        ... exponential release,
 *         α = exp(−1/(release·fs))                   in linear gain (snapped to
 *                                                    m_k within 1e-12 of it)
 *   g_k = (s_{k−L} + … + s_k) / (L + 1)              moving average: a linear ramp
 *   y_k = clip_c(g_k · x_{k−D}),  D = L + S − 1      delayed audio (latency D)
 * with S = 1 for dBFS. Why it holds: s ≤ m, and for every input frame k the
 * L + 1 values averaged into g_n for n in k + L .. k + L + S − 1 all lie in
 * the H-frame hold of r_k, so g_n ≤ r_k; those n are exactly the output times
 * of the S input frames that r_k was computed from. Hence |g·x| ≤ c for every
 * sample (up to one rounding, which the final clip at c removes: no output
 * sample ever exceeds c), and in dBTP mode the gain is at most c/p across the
 * whole interpolator window of every true-peak point. The output's true peak
 * can still pass c slightly where the gain changes inside such a window and
 * where another meter's interpolator differs from the detector's; measured
 * with ffmpeg's ebur128 and with a near-ideal 4× interpolator, it stays within
 * ceiling + 0.04 dB on the tests' signals (the design allows + 0.1 dB).
 *
 * Below the ceiling every r is exactly 1, so g is exactly 1 and the output is
 * the input delayed by `latency` frames, bit for bit.
 *
 * `ceilingDb` and `release` change live (setParams between blocks keeps all
 * state; gains already in the lookahead pipe were worked out for the old
 * ceiling, and the final clip holds the new one meanwhile). `lookahead` and
 * `ceilingMode` set the latency: changing either reallocates the delay line
 * and starts from silence (as `reset()`), and `latency` reports the new
 * value, so the host must re-align (treat it as a new processor).
 *
 * All state advances per frame, so any split into blocks gives the same
 * output; the per-block path allocates nothing.
 */
import { TruePeakDetector } from './true-peak.js';
import { dbToGain, pexp, plog10 } from './portable-math.js';

/** Settings of one limiter; times in seconds. */
export interface LimiterParams {
  ceilingDb: number;
  ceilingMode: 'dBFS' | 'dBTP';
  release: number;
  lookahead: number;
}

/**
 * The release stops this close to its goal gain. Without it, 1 + α·(s − 1)
 * rounds back to the same double once s is within an ulp of 1, the gain
 * would never return to exactly 1, and the limiter would stay a hair short
 * of transparent after its first reduction.
 */
const RELEASE_END = 1e-12;

/** Frames per inner pass (the per-frame values of a pass live in a fixed scratch buffer). */
const CHUNK = 256;

export class Limiter {
  private params: LimiterParams;

  // Coefficients.
  private ceiling = 1;
  private alphaR = 0;

  // Structure (set by lookahead and ceilingMode).
  private lookaheadFrames = 0;
  /** Input frames each detector reading depends on (1 for sample peak). */
  private span = 1;
  private delayFrames = 0;
  private holdLength = 1;
  private boxLength = 1;
  private detector: TruePeakDetector | null = null;
  private readonly one = new Float64Array(1);
  /** Per-frame scratch of one chunk: peaks, then gains. */
  private readonly work = new Float64Array(CHUNK);

  // State.
  /** Per channel, the last delayFrames + 1 inputs (rings; `delayPos` is the newest). */
  private delay: Float64Array[] = [];
  private delayPos = 0;
  /** Monotonic deque of (value, frame index) for the sliding minimum. */
  private dequeValue = new Float64Array(1);
  private dequeIndex = new Float64Array(1);
  private dequeHead = 0;
  private dequeCount = 0;
  /** Frames seen since reset. */
  private frame = 0;
  private released = 1;
  private box = new Float64Array(1);
  private boxPos = 0;
  private boxSum = 1;
  private gain = 1;

  constructor(
    private readonly channels: number,
    private readonly sampleRate: number,
    params: LimiterParams,
  ) {
    if (!(channels >= 1)) throw new RangeError(`Limiter: channels must be at least 1, got ${channels}`);
    this.params = { ...params };
    this.setCoefficients(params);
    this.build();
  }

  /**
   * Frames of delay between input and output for these settings: the
   * look-ahead, plus for a true-peak ceiling the frames the detector's
   * interpolator looks past the sample it reports on.
   */
  static latencyFor(p: Pick<LimiterParams, 'lookahead' | 'ceilingMode'>, sampleRate: number): number {
    return Math.max(0, Math.round(p.lookahead * sampleRate)) + Limiter.spanFor(p.ceilingMode) - 1;
  }

  /** Input frames each detector reading depends on. */
  private static spanFor(mode: LimiterParams['ceilingMode']): number {
    return mode === 'dBTP' ? 2 * TruePeakDetector.LATENCY : 1;
  }

  /** Frames of delay between input and output. */
  get latency(): number {
    return this.delayFrames;
  }

  /** The gain reduction applied to the latest output frame, in dB (≥ 0), for meters. */
  get gainReductionDb(): number {
    return this.gain < 1 ? -20 * plog10(this.gain) : 0;
  }

  /**
   * New settings between blocks. Ceiling and release apply from the next
   * frame with the state kept; a new lookahead or ceiling mode rebuilds the
   * delay line (see the file comment).
   */
  setParams(p: LimiterParams): void {
    const structural =
      Math.max(0, Math.round(p.lookahead * this.sampleRate)) !== this.lookaheadFrames || p.ceilingMode !== this.params.ceilingMode;
    this.params = { ...p };
    this.setCoefficients(p);
    if (structural) this.build();
  }

  reset(): void {
    for (const ring of this.delay) ring.fill(0);
    this.delayPos = 0;
    this.dequeHead = 0;
    this.dequeCount = 0;
    this.frame = 0;
    this.released = 1;
    this.box.fill(1);
    this.boxPos = 0;
    this.boxSum = this.boxLength;
    this.gain = 1;
    this.detector?.reset();
  }

  private setCoefficients(p: LimiterParams): void {
    this.ceiling = dbToGain(p.ceilingDb);
    this.alphaR = pexp(-1 / (p.release * this.sampleRate));
  }

  private build(): void {
    const p = this.params;
    this.lookaheadFrames = Math.max(0, Math.round(p.lookahead * this.sampleRate));
    this.detector = p.ceilingMode === 'dBTP' ? new TruePeakDetector(this.channels) : null;
    this.span = Limiter.spanFor(p.ceilingMode);
    this.delayFrames = Limiter.latencyFor(p, this.sampleRate);
    this.holdLength = this.lookaheadFrames + this.span;
    this.boxLength = this.lookaheadFrames + 1;
    this.delay = Array.from({ length: this.channels }, () => new Float64Array(this.delayFrames + 1));
    this.dequeValue = new Float64Array(this.holdLength);
    this.dequeIndex = new Float64Array(this.holdLength);
    this.box = new Float64Array(this.boxLength);
    this.reset();
  }

  /** Limits frames offset … offset+frames−1 of `buffers` in place (output delayed by `latency`). */
  process(buffers: Float64Array[], frames: number, offset = 0): void {
    const end = offset + frames;
    for (let start = offset; start < end; start += CHUNK) this.processChunk(buffers, start, Math.min(CHUNK, end - start));
  }

  /**
   * Frames start .. start+n−1, in passes over the `work` scratch: the
   * required gain of each frame, then hold, release and moving average (the
   * recursion), then per channel the delay line, the gain and the clip.
   */
  private processChunk(buffers: Float64Array[], start: number, n: number): void {
    const nch = this.channels;
    const ceiling = this.ceiling;
    const work = this.work;

    // 1. Peak of each input frame over the channels (sample or true peak).
    const detector = this.detector;
    if (detector === null) {
      const x0 = buffers[0]!;
      for (let i = 0; i < n; i++) work[i] = Math.abs(x0[start + i]!);
      for (let c = 1; c < nch; c++) {
        const x = buffers[c]!;
        for (let i = 0; i < n; i++) work[i] = Math.max(work[i]!, Math.abs(x[start + i]!));
      }
    } else {
      const one = this.one;
      work.fill(0, 0, n);
      for (let c = 0; c < nch; c++) {
        const x = buffers[c]!;
        for (let i = 0; i < n; i++) {
          one[0] = x[start + i]!;
          const v = detector.process(c, one, 1);
          if (v > work[i]!) work[i] = v;
        }
      }
    }

    // 2. Required gain → sliding minimum → attack/release → moving average.
    const alpha = this.alphaR;
    const releaseEnd = RELEASE_END;
    const dqv = this.dequeValue;
    const dqi = this.dequeIndex;
    const hold = this.holdLength;
    const box = this.box;
    const boxLen = this.boxLength;
    let head = this.dequeHead;
    let count = this.dequeCount;
    let frame = this.frame;
    let s = this.released;
    let bpos = this.boxPos;
    let sum = this.boxSum;
    let g = this.gain;
    for (let i = 0; i < n; i++) {
      const peak = work[i]!;
      const r = peak > ceiling ? ceiling / peak : 1;

      // Sliding minimum over the last `hold` frames: drop what has left the
      // window (so at most hold − 1 entries remain), then every entry not
      // smaller than r, then append r. The front is the minimum.
      while (count > 0 && dqi[head]! <= frame - hold) {
        if (++head === hold) head = 0;
        count--;
      }
      while (count > 0) {
        const back = head + count - 1;
        if (dqv[back >= hold ? back - hold : back]! >= r) count--;
        else break;
      }
      const slot = head + count >= hold ? head + count - hold : head + count;
      dqv[slot] = r;
      dqi[slot] = frame;
      count++;
      const m = dqv[head]!;
      frame++;

      // Instant attack, exponential release (ended once within RELEASE_END of the goal).
      if (m <= s) s = m;
      else {
        s = m + alpha * (s - m);
        if (m - s < releaseEnd) s = m;
      }

      // Moving average over boxLen frames; the sum is recomputed exactly each lap.
      sum += s - box[bpos]!;
      box[bpos] = s;
      if (++bpos === boxLen) {
        bpos = 0;
        sum = 0;
        for (let j = 0; j < boxLen; j++) sum += box[j]!;
      }
      g = sum / boxLen;
      if (g > 1) g = 1;
      work[i] = g;
    }
    this.dequeHead = head;
    this.dequeCount = count;
    this.frame = frame;
    this.released = s;
    this.boxPos = bpos;
    this.boxSum = sum;
    this.gain = g;

    // 3. Each channel through its delay line, times the gain, clipped at the ceiling.
    const ringLen = this.delayFrames + 1;
    const pos = this.delayPos;
    for (let c = 0; c < nch; c++) {
      const x = buffers[c]!;
      const ring = this.delay[c]!;
      let w = pos;
      for (let i = 0; i < n; i++) {
        if (++w === ringLen) w = 0;
        ring[w] = x[start + i]!;
        let y = ring[w + 1 === ringLen ? 0 : w + 1]! * work[i]!;
        if (y > ceiling) y = ceiling;
        else if (y < -ceiling) y = -ceiling;
        x[start + i] = y;
      }
    }
    this.delayPos = (pos + n) % ringLen;
  }
}
