/**
 * Band-limited sample-rate conversion by windowed-sinc interpolation.
 *
 * Sources:
 * - J. O. Smith III, "Digital Audio Resampling Home Page" (CCRMA,
 *   https://ccrma.stanford.edu/~jos/resample/): bandlimited interpolation of
 *   the input at arbitrary times with a windowed sinc kept in a table, the
 *   cutoff scaled to the lower of the two rates when downsampling, and linear
 *   interpolation between table entries.
 * - J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh
 *   window function", Proc. IEEE ISCAS 1974: the window and the design
 *   formulas for β and the filter length, as given in Oppenheim & Schafer,
 *   "Discrete-Time Signal Processing", 3rd ed., §7.5.3, eqs. (7.62)-(7.63).
 * - R. E. Crochiere, L. R. Rabiner, "Multirate Digital Signal Processing"
 *   (1983), ch. 3: polyphase structure for a rational ratio L/M.
 *
 * Design. Let fl = min(inRate, outRate) / 2 be the lower Nyquist frequency.
 * The passband ends at 0.9·fl and the stopband starts at fl, so images (up)
 * and aliases (down) land in a band attenuated by at least 95 dB. Kaiser's
 * formulas for A = 95 dB and a transition Δω = 0.1π rad per low-rate sample
 * give β = 0.1102(A − 8.7) ≈ 9.51 and an order ⌈(A − 8)/(2.285 Δω)⌉ = 122
 * low-rate samples; the cutoff sits mid-transition at 0.95·fl. The kernel is
 * symmetric and centred on the output instant, so output frame n is the
 * band-limited input at time n·inRate/outRate: no delay to compensate
 * downstream.
 *
 * Phases. Output frame n needs the kernel at fractional offset
 * φ = frac(n·inRate/outRate). Two ways to have it:
 * - Exact rational polyphase. With integer rates and outRate/inRate = L/M in
 *   lowest terms, φ only takes the values p/L, so one table row per p holds
 *   the exact kernel, and integer stepping keeps the position exact forever.
 *   The only error is double rounding of the coefficients (~1e-16). Used when
 *   the table (L rows × taps) has at most 2^18 coefficients: 44.1↔48 kHz,
 *   22.05→48, 96→48, 8→44.1, 11.025→96 and the like.
 * - Interpolated table (Smith). Otherwise (non-integer rates, ratios with
 *   large terms) the table holds P + 1 rows at φ = p/P and the kernel at φ is
 *   the linear interpolation of the two neighbouring rows, which is the same
 *   as interpolating the two rows' outputs. P = 512 per input sample when
 *   upsampling, scaled by outRate/inRate when downsampling (the kernel is
 *   wider and smoother there; at least 16). For a tone at f, interpolating
 *   between rows a fraction a apart stands in for a delay of a/P samples, and
 *   the chord of the phasor misses its arc by a(1 − a)·(2πf / (P·inRate))² / 2
 *   of the tone's amplitude: at most 4·10⁻⁶ (−108 dB) at the top of the
 *   passband, less below (measured against the exact table: −111 dB for a
 *   full-scale tone at 0.9 of the lower Nyquist frequency, −124 dB for white
 *   noise). That is below the −95 dB stopband, so both paths meet the same
 *   limits.
 *
 * Equal rates pass the input straight through.
 *
 * Each row is normalised to sum to 1, so DC passes at exactly its level
 * (to double rounding) at every phase.
 *
 * Streaming. The resampler pulls input through a callback into a window of
 * `taps + 4096` frames per channel and fills output frames [outStart,
 * outStart + frames). Output depends only on the output frame index and the
 * input, never on how reads were split, so chunked reads are bit-identical to
 * one read and seeking is just reading elsewhere. Nothing is allocated after
 * construction. Input before frame 0 is silence; the resampler never asks for
 * it.
 */
import { ppow, psin } from './portable-math.js';

/** Stopband attenuation the Kaiser design aims at (dB). */
export const STOPBAND_ATTENUATION_DB = 95;
/** Passband edge and stopband edge as fractions of the lower Nyquist frequency. */
export const PASSBAND_EDGE = 0.9;
export const STOPBAND_EDGE = 1.0;
/** Rows per input sample of the interpolated table when upsampling. */
export const INTERPOLATED_PHASES = 512;
/** Largest exact polyphase table (coefficients) before the interpolated table is used instead. */
export const MAX_EXACT_TABLE = 1 << 18;
/** Largest supported ratio between the two rates (192 kHz / 8 kHz is 24). */
export const MAX_RATIO = 256;
/** Input frames fetched per refill beyond the filter's length. */
const FETCH_FRAMES = 4096;

// ---------------------------------------------------------------------------
// Design maths (Kaiser 1974; Oppenheim & Schafer §7.5.3)

/** Modified Bessel function of the first kind, order 0, by its power series. */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** Kaiser's β for a stopband attenuation of `attenuationDb` (O&S eq. 7.62). */
export function kaiserBeta(attenuationDb: number): number {
  const a = attenuationDb;
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * ppow(a - 21, 0.4) + 0.07886 * (a - 21);
  return 0;
}

/** Kaiser's filter order (length − 1) for an attenuation and a transition width in rad/sample (O&S eq. 7.63). */
export function kaiserOrder(attenuationDb: number, transitionRad: number): number {
  return Math.ceil((attenuationDb - 8) / (2.285 * transitionRad));
}

/** sin(πx)/(πx). */
function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return psin(px) / px;
}

/** The lowpass prototype, in units of low-rate samples. */
export interface KaiserLowpass {
  readonly attenuationDb: number;
  readonly beta: number;
  /** Order in low-rate samples; the kernel spans ±order/2. */
  readonly order: number;
  /** Cutoff as a fraction of the lower Nyquist frequency (mid-transition). */
  readonly cutoff: number;
}

export function kaiserLowpass(
  attenuationDb = STOPBAND_ATTENUATION_DB,
  passbandEdge = PASSBAND_EDGE,
  stopbandEdge = STOPBAND_EDGE,
): KaiserLowpass {
  return {
    attenuationDb,
    beta: kaiserBeta(attenuationDb),
    order: kaiserOrder(attenuationDb, Math.PI * (stopbandEdge - passbandEdge)),
    cutoff: (passbandEdge + stopbandEdge) / 2,
  };
}

/**
 * The continuous kernel at `u` low-rate samples from its centre:
 * cutoff·sinc(cutoff·u) · I0(β√(1 − (u/W)²)) / I0(β), W = order/2, zero for |u| ≥ W.
 * Its integer-spaced samples sum to about 1 (unit DC gain at the low rate).
 */
export function kernelAt(lp: KaiserLowpass, u: number): number {
  const w = lp.order / 2;
  const x = u / w;
  if (x <= -1 || x >= 1) return 0;
  return lp.cutoff * sinc(lp.cutoff * u) * (besselI0(lp.beta * Math.sqrt(1 - x * x)) / besselI0(lp.beta));
}

/** Everything the per-sample loop needs, computed once per rate pair. */
export interface ResamplerDesign {
  readonly inRate: number;
  readonly outRate: number;
  readonly lowpass: KaiserLowpass;
  /** Input frames read per output frame: even, or 1 for equal rates (a plain copy). */
  readonly taps: number;
  /** Of those, how many lie before the output instant's integer input frame. */
  readonly lead: number;
  /** Exact: L (output step); interpolated: P (rows per input sample). */
  readonly phases: number;
  /** Exact rational polyphase (`true`) or linear interpolation between table rows (`false`). */
  readonly exact: boolean;
  /** Exact: input frames advanced per L output frames (M in L/M). */
  readonly step: number;
  /** Rows of `taps` coefficients: L rows (exact) or P + 1 rows (interpolated). */
  readonly table: Float64Array;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Fills row `row` of `table` with the kernel at fractional input offset `phi`
 * (0 ≤ phi ≤ 1) and normalises it to unit sum. Tap j multiplies input frame
 * i0 − lead + j, at distance phi + lead − j input samples before the output
 * instant i0 + phi.
 */
function fillRow(table: Float64Array, row: number, taps: number, lead: number, phi: number, lp: KaiserLowpass, scale: number): void {
  const at = row * taps;
  let sum = 0;
  for (let j = 0; j < taps; j++) {
    const v = scale * kernelAt(lp, scale * (phi + lead - j));
    table[at + j] = v;
    sum += v;
  }
  for (let j = 0; j < taps; j++) table[at + j] = table[at + j]! / sum;
}

export function designResampler(inRate: number, outRate: number): ResamplerDesign {
  if (!(inRate > 0) || !(outRate > 0) || !Number.isFinite(inRate) || !Number.isFinite(outRate)) {
    throw new RangeError(`sample rates must be positive and finite (got ${inRate} and ${outRate})`);
  }
  const ratio = Math.max(inRate / outRate, outRate / inRate);
  if (ratio > MAX_RATIO) {
    throw new RangeError(`cannot resample ${inRate} Hz to ${outRate} Hz: the ratio is above ${MAX_RATIO}`);
  }
  const lowpass = kaiserLowpass();
  if (inRate === outRate) {
    return { inRate, outRate, lowpass, taps: 1, lead: 0, phases: 1, exact: true, step: 1, table: Float64Array.of(1) };
  }
  // Input samples → low-rate samples: 1 when upsampling, outRate/inRate when downsampling.
  const scale = Math.min(1, outRate / inRate);
  const halfWidth = lowpass.order / 2 / scale; // input samples
  const k = Math.ceil(halfWidth);
  const taps = 2 * k;
  const lead = k - 1;

  if (Number.isInteger(inRate) && Number.isInteger(outRate)) {
    const g = gcd(inRate, outRate);
    const l = outRate / g;
    const m = inRate / g;
    if (l * taps <= MAX_EXACT_TABLE) {
      const table = new Float64Array(l * taps);
      for (let p = 0; p < l; p++) fillRow(table, p, taps, lead, p / l, lowpass, scale);
      return { inRate, outRate, lowpass, taps, lead, phases: l, exact: true, step: m, table };
    }
  }
  const phases = Math.max(16, Math.ceil(INTERPOLATED_PHASES * scale));
  const table = new Float64Array((phases + 1) * taps);
  for (let p = 0; p <= phases; p++) fillRow(table, p, taps, lead, p / phases, lowpass, scale);
  return { inRate, outRate, lowpass, taps, lead, phases, exact: false, step: 0, table };
}

// ---------------------------------------------------------------------------
// Streaming

/**
 * Supplies input frames [start, start + count) into out[ch][0..count).
 * `start` is never negative; frames past the end of the source must be zeros.
 */
export type ReadInput = (start: number, count: number, out: Float64Array[]) => void;

export class Resampler {
  readonly design: ResamplerDesign;
  /** Input frames [winStart, winEnd) per channel, at window[ch][0..). */
  private readonly window: Float64Array[];
  private readonly staging: Float64Array[];
  private readonly capacity: number;
  private winStart = 0;
  private winEnd = 0;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    readonly channels: number,
    private readonly readInput: ReadInput,
  ) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be a positive integer (got ${channels})`);
    this.design = designResampler(inRate, outRate);
    this.capacity = this.design.taps + FETCH_FRAMES;
    this.window = [];
    this.staging = [];
    for (let ch = 0; ch < channels; ch++) {
      this.window.push(new Float64Array(this.capacity));
      this.staging.push(new Float64Array(this.capacity));
    }
  }

  /** Output frames covering `inFrames` input frames: those whose time n·inRate/outRate falls before the input's end. */
  static outputLength(inFrames: number, inRate: number, outRate: number): number {
    return Math.ceil((inFrames * outRate) / inRate);
  }

  /**
   * Fills out[ch][0..frames) with output frames [outStart, outStart + frames).
   * Reads are normally sequential; any other `outStart` is a seek.
   */
  read(outStart: number, frames: number, out: Float64Array[]): void {
    if (!Number.isSafeInteger(outStart) || outStart < 0) throw new RangeError(`outStart must be a non-negative integer (got ${outStart})`);
    if (frames <= 0) return;
    if (this.design.taps === 1) this.readInput(outStart, frames, out); // equal rates
    else if (this.design.exact) this.readExact(outStart, frames, out);
    else this.readInterpolated(outStart, frames, out);
  }

  private readExact(outStart: number, frames: number, out: Float64Array[]): void {
    const { taps, lead, table, phases: l, step: m } = this.design;
    // Output n sits at input time n·M/L: integer frame i0 and phase (n·M) mod L, exactly.
    const pos = outStart * m;
    if (!Number.isSafeInteger(pos)) throw new RangeError(`output frame ${outStart} is out of range`);
    let i0 = Math.floor(pos / l);
    let phase = pos - i0 * l;
    if (phase < 0) {
      i0 -= 1;
      phase += l;
    } else if (phase >= l) {
      i0 += 1;
      phase -= l;
    }
    const whole = Math.floor(m / l);
    const rest = m - whole * l;
    const channels = this.channels;
    for (let f = 0; f < frames; f++) {
      const first = i0 - lead;
      if (first < this.winStart || first + taps > this.winEnd) this.fill(first);
      const base = first - this.winStart;
      const row = phase * taps;
      // Even and odd taps go to separate sums: two independent addition chains run about twice as fast.
      if (channels === 2) {
        const xl = this.window[0]!;
        const xr = this.window[1]!;
        let l0 = 0;
        let l1 = 0;
        let r0 = 0;
        let r1 = 0;
        for (let j = 0; j < taps; j += 2) {
          const c0 = table[row + j]!;
          const c1 = table[row + j + 1]!;
          l0 += c0 * xl[base + j]!;
          r0 += c0 * xr[base + j]!;
          l1 += c1 * xl[base + j + 1]!;
          r1 += c1 * xr[base + j + 1]!;
        }
        out[0]![f] = l0 + l1;
        out[1]![f] = r0 + r1;
      } else {
        for (let ch = 0; ch < channels; ch++) {
          const x = this.window[ch]!;
          let y0 = 0;
          let y1 = 0;
          for (let j = 0; j < taps; j += 2) {
            y0 += table[row + j]! * x[base + j]!;
            y1 += table[row + j + 1]! * x[base + j + 1]!;
          }
          out[ch]![f] = y0 + y1;
        }
      }
      i0 += whole;
      phase += rest;
      if (phase >= l) {
        phase -= l;
        i0 += 1;
      }
    }
  }

  private readInterpolated(outStart: number, frames: number, out: Float64Array[]): void {
    const { taps, lead, table, phases } = this.design;
    const inRate = this.inRate;
    const outRate = this.outRate;
    const channels = this.channels;
    for (let f = 0; f < frames; f++) {
      // Position from the frame index alone, so it never drifts and never depends on how reads were split.
      const t = ((outStart + f) * inRate) / outRate;
      const i0 = Math.floor(t);
      const at = (t - i0) * phases;
      let p = Math.floor(at);
      let a = at - p;
      if (p >= phases) {
        p = phases - 1;
        a = 1;
      }
      const first = i0 - lead;
      if (first < this.winStart || first + taps > this.winEnd) this.fill(first);
      const base = first - this.winStart;
      const row0 = p * taps;
      const row1 = row0 + taps;
      if (channels === 2) {
        const xl = this.window[0]!;
        const xr = this.window[1]!;
        let l0 = 0;
        let l1 = 0;
        let r0 = 0;
        let r1 = 0;
        for (let j = 0; j < taps; j++) {
          const c0 = table[row0 + j]!;
          const c1 = table[row1 + j]!;
          const vl = xl[base + j]!;
          const vr = xr[base + j]!;
          l0 += c0 * vl;
          l1 += c1 * vl;
          r0 += c0 * vr;
          r1 += c1 * vr;
        }
        out[0]![f] = l0 + a * (l1 - l0);
        out[1]![f] = r0 + a * (r1 - r0);
      } else {
        for (let ch = 0; ch < channels; ch++) {
          const x = this.window[ch]!;
          let y0 = 0;
          let y1 = 0;
          for (let j = 0; j < taps; j++) {
            const v = x[base + j]!;
            y0 += table[row0 + j]! * v;
            y1 += table[row1 + j]! * v;
          }
          out[ch]![f] = y0 + a * (y1 - y0);
        }
      }
    }
  }

  /** Makes the window start at input frame `first` and fills it to capacity. */
  private fill(first: number): void {
    if (first < this.winStart || first > this.winEnd) {
      this.winStart = first;
      this.winEnd = first;
    } else if (first > this.winStart) {
      const from = first - this.winStart;
      const to = this.winEnd - this.winStart;
      for (let ch = 0; ch < this.channels; ch++) this.window[ch]!.copyWithin(0, from, to);
      this.winStart = first;
    }
    let start = this.winEnd;
    let offset = start - this.winStart;
    let count = this.capacity - offset;
    if (start < 0) {
      const zeros = Math.min(count, -start);
      for (let ch = 0; ch < this.channels; ch++) this.window[ch]!.fill(0, offset, offset + zeros);
      start += zeros;
      offset += zeros;
      count -= zeros;
    }
    if (count > 0) {
      this.readInput(start, count, this.staging);
      for (let ch = 0; ch < this.channels; ch++) {
        const src = this.staging[ch]!;
        const dst = this.window[ch]!;
        for (let i = 0; i < count; i++) dst[offset + i] = src[i]!;
      }
    }
    this.winEnd = this.winStart + this.capacity;
  }
}
