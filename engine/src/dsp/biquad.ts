/**
 * EQ filters after Robert Bristow-Johnson, "Cookbook formulae for audio EQ
 * biquad filter coefficients" (the Audio EQ Cookbook, W3C Audio WG note).
 *
 * Coefficient design is kept apart from the per-sample loop. Filters run in
 * transposed direct form II with double-precision state. Steeper high/low
 * passes are Butterworth cascades: an order-N Butterworth is N/2 biquads
 * with Q_k = 1 / (2 cos((2k-1)π / 2N)), plus one first-order section when
 * N is odd (Q_k = 1 / (2 cos(kπ / N)) for the biquads then).
 */
import type { BandModel } from '../../../grammar/src/model.js';
import { dbToGain, pcos, plog10, psin, ptan } from './portable-math.js';

/** Normalised coefficients (a0 = 1). A first-order section has b2 = a2 = 0. */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}


export type RbjType = 'lowpass' | 'highpass' | 'bandpass' | 'notch' | 'bell' | 'lowshelf' | 'highshelf';

/**
 * One RBJ biquad. `gainDb` is used by bell and shelves only; `A`, its
 * 10^(gainDb/40), may be passed when it is known already (automation
 * retunes a band's frequency many times at one gain).
 */
export function rbj(type: RbjType, freq: number, q: number, gainDb: number, sampleRate: number, A = dbToGain(gainDb / 2)): BiquadCoefficients {
  const c = RBJ_SCRATCH;
  rbjInto(c, 0, type, freq, q, sampleRate, A);
  return { b0: c[0]!, b1: c[1]!, b2: c[2]!, a1: c[3]!, a2: c[4]! };
}

const RBJ_SCRATCH = new Float64Array(5);

/**
 * `rbj`'s normalised b0, b1, b2, a1, a2 written to out[at … at+4], without
 * making an object: how automation retunes a band every 32 frames.
 */
export function rbjInto(out: Float64Array, at: number, type: RbjType, freq: number, q: number, sampleRate: number, A: number): void {
  const w0 = (2 * Math.PI * freq) / sampleRate;
  const cos = pcos(w0);
  const sin = psin(w0);
  const alpha = sin / (2 * q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (type) {
    case 'lowpass':
      b0 = (1 - cos) / 2; b1 = 1 - cos; b2 = (1 - cos) / 2; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'highpass':
      b0 = (1 + cos) / 2; b1 = -(1 + cos); b2 = (1 + cos) / 2; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'bandpass': // constant 0 dB peak gain
      b0 = alpha; b1 = 0; b2 = -alpha; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'notch':
      b0 = 1; b1 = -2 * cos; b2 = 1; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'bell':
      b0 = 1 + alpha * A; b1 = -2 * cos; b2 = 1 - alpha * A; a0 = 1 + alpha / A; a1 = -2 * cos; a2 = 1 - alpha / A;
      break;
    case 'lowshelf': {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + k);
      b1 = 2 * A * (A - 1 - (A + 1) * cos);
      b2 = A * (A + 1 - (A - 1) * cos - k);
      a0 = A + 1 + (A - 1) * cos + k;
      a1 = -2 * (A - 1 + (A + 1) * cos);
      a2 = A + 1 + (A - 1) * cos - k;
      break;
    }
    case 'highshelf': {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + k);
      b1 = -2 * A * (A - 1 + (A + 1) * cos);
      b2 = A * (A + 1 + (A - 1) * cos - k);
      a0 = A + 1 - (A - 1) * cos + k;
      a1 = 2 * (A - 1 - (A + 1) * cos);
      a2 = A + 1 - (A - 1) * cos - k;
      break;
    }
  }
  out[at] = b0 / a0;
  out[at + 1] = b1 / a0;
  out[at + 2] = b2 / a0;
  out[at + 3] = a1 / a0;
  out[at + 4] = a2 / a0;
}

/**
 * First-order low or high pass by the bilinear transform with prewarping, so
 * the response is exactly -3 dB at `freq` (6 dB/oct).
 */
export function onePole(type: 'lowpass' | 'highpass', freq: number, sampleRate: number): BiquadCoefficients {
  const k = ptan((Math.PI * freq) / sampleRate);
  const a1 = (k - 1) / (k + 1);
  if (type === 'lowpass') {
    const b = k / (k + 1);
    return { b0: b, b1: b, b2: 0, a1, a2: 0 };
  }
  const b = 1 / (k + 1);
  return { b0: b, b1: -b, b2: 0, a1, a2: 0 };
}

/** The Q of each biquad in an order-`order` Butterworth filter (and whether a first-order section is needed). */
export function butterworthQs(order: number): { qs: number[]; firstOrder: boolean } {
  const qs: number[] = [];
  if (order % 2 === 0) {
    for (let k = 1; k <= order / 2; k++) qs.push(1 / (2 * pcos(((2 * k - 1) * Math.PI) / (2 * order))));
    return { qs, firstOrder: false };
  }
  for (let k = 1; k <= (order - 1) / 2; k++) qs.push(1 / (2 * pcos((k * Math.PI) / order)));
  return { qs, firstOrder: true };
}

/** The sections that implement one EQ band of the model (`A` as for `rbj`, for a bell or shelf). */
export function bandSections(band: BandModel, sampleRate: number, A?: number): BiquadCoefficients[] {
  if (band.type === 'highpass' || band.type === 'lowpass') {
    const slope = band.slope ?? 12;
    if (slope === 6) return [onePole(band.type, band.freq, sampleRate)];
    if (slope === 12) return [rbj(band.type, band.freq, band.q, 0, sampleRate)];
    const { qs, firstOrder } = butterworthQs(slope / 6);
    const sections = qs.map((q) => rbj(band.type as 'highpass' | 'lowpass', band.freq, q, 0, sampleRate));
    if (firstOrder) sections.unshift(onePole(band.type, band.freq, sampleRate));
    return sections;
  }
  return [rbj(band.type, band.freq, band.q, band.gainDb, sampleRate, A)];
}

/** Magnitude response in dB of a chain of sections at `freq` (for EQ curves and tests). */
export function magnitudeDb(sections: readonly BiquadCoefficients[], freq: number, sampleRate: number): number {
  const w = (2 * Math.PI * freq) / sampleRate;
  const c1 = pcos(w);
  const s1 = psin(w);
  const c2 = pcos(2 * w);
  const s2 = psin(2 * w);
  let db = 0;
  for (const { b0, b1, b2, a1, a2 } of sections) {
    // H(e^jw) = (b0 + b1 e^-jw + b2 e^-2jw) / (1 + a1 e^-jw + a2 e^-2jw)
    const nr = b0 + b1 * c1 + b2 * c2;
    const ni = -(b1 * s1 + b2 * s2);
    const dr = 1 + a1 * c1 + a2 * c2;
    const di = -(a1 * s1 + a2 * s2);
    db += 10 * plog10((nr * nr + ni * ni) / (dr * dr + di * di));
  }
  return db;
}

/**
 * A cascade of sections over 1 or 2 channels, transposed direct form II.
 * State is kept per section and channel in one Float64Array (no allocation
 * while processing).
 */
export class BiquadChain {
  private coeffs: Float64Array;
  private state: Float64Array;
  private sections: number;

  constructor(sections: readonly BiquadCoefficients[], private readonly channels: number) {
    this.sections = sections.length;
    this.coeffs = new Float64Array(sections.length * 5);
    this.state = new Float64Array(sections.length * channels * 2);
    this.setCoefficients(sections);
  }

  /** New coefficients, keeping the filter state (used for live parameter changes). */
  setCoefficients(sections: readonly BiquadCoefficients[]): void {
    if (sections.length !== this.sections) {
      this.sections = sections.length;
      this.coeffs = new Float64Array(sections.length * 5);
      this.state = new Float64Array(sections.length * this.channels * 2);
    }
    sections.forEach((s, i) => this.coeffs.set([s.b0, s.b1, s.b2, s.a1, s.a2], i * 5));
  }

  /** Every section's coefficients at once, b0 b1 b2 a1 a2 a section, state kept (automation). */
  setAll(coefficients: Float64Array): void {
    this.coeffs.set(coefficients);
  }

  reset(): void {
    this.state.fill(0);
  }

  /** Filters frames offset … offset+frames−1 of `buffers` in place. */
  process(buffers: readonly Float64Array[], frames: number, offset = 0): void {
    const end = offset + frames;
    const c = this.coeffs;
    for (let s = 0; s < this.sections; s++) {
      this.runSection(s, c[s * 5]!, c[s * 5 + 1]!, c[s * 5 + 2]!, c[s * 5 + 3]!, c[s * 5 + 4]!, buffers, offset, end);
    }
  }

  /**
   * Filters frames offset … offset+frames−1 with section s moving between
   * two designs (automation, docs/engine.md §20): `from` and `to` hold the
   * section's b0 b1 b2 a1 a2 at `at`; the design cell is [d0, d1) of the
   * timeline and t is the timeline frame of `offset`. Each step of `step`
   * frames from d0, starting at timeline frame s, runs with
   * from + (to − from)·(s − d0)/(d1 − d0).
   */
  processSectionRamp(
    s: number, buffers: readonly Float64Array[], frames: number, offset: number, t: number,
    from: Float64Array, to: Float64Array, at: number, d0: number, d1: number, step: number,
  ): void {
    const f0 = from[at]!, f1 = from[at + 1]!, f2 = from[at + 2]!, f3 = from[at + 3]!, f4 = from[at + 4]!;
    const e0 = to[at]! - f0, e1 = to[at + 1]! - f1, e2 = to[at + 2]! - f2, e3 = to[at + 3]! - f3, e4 = to[at + 4]! - f4;
    const end = offset + frames;
    if (e0 === 0 && e1 === 0 && e2 === 0 && e3 === 0 && e4 === 0) {
      // Not moving (a band no lane touches): one run, no steps.
      this.runSection(s, f0, f1, f2, f3, f4, buffers, offset, end);
      return;
    }
    let i = offset;
    while (i < end) {
      const first = d0 + Math.floor((t + i - offset - d0) / step) * step;
      const stop = Math.min(end, offset + Math.min(first + step, d1) - t);
      if (first === d0) this.runSection(s, f0, f1, f2, f3, f4, buffers, i, stop);
      else {
        const x = (first - d0) / (d1 - d0);
        this.runSection(s, f0 + e0 * x, f1 + e1 * x, f2 + e2 * x, f3 + e3 * x, f4 + e4 * x, buffers, i, stop);
      }
      i = stop;
    }
  }

  /** One section over frames from … to−1, transposed direct form II, its state carried. */
  private runSection(s: number, b0: number, b1: number, b2: number, a1: number, a2: number, buffers: readonly Float64Array[], from: number, to: number): void {
    const st = this.state;
    if (this.channels === 2) {
      // Both channels in one loop: two independent recursions run side by
      // side, which the CPU overlaps (one alone waits on its own feedback).
      const L = buffers[0]!;
      const R = buffers[1]!;
      const k = s * 4;
      let l1 = st[k]!, l2 = st[k + 1]!, r1 = st[k + 2]!, r2 = st[k + 3]!;
      for (let i = from; i < to; i++) {
        const xl = L[i]!;
        const xr = R[i]!;
        const yl = b0 * xl + l1;
        const yr = b0 * xr + r1;
        l1 = b1 * xl - a1 * yl + l2;
        r1 = b1 * xr - a1 * yr + r2;
        l2 = b2 * xl - a2 * yl;
        r2 = b2 * xr - a2 * yr;
        L[i] = yl;
        R[i] = yr;
      }
      st[k] = Math.abs(l1) < 1e-300 ? 0 : l1;
      st[k + 1] = Math.abs(l2) < 1e-300 ? 0 : l2;
      st[k + 2] = Math.abs(r1) < 1e-300 ? 0 : r1;
      st[k + 3] = Math.abs(r2) < 1e-300 ? 0 : r2;
      return;
    }
    for (let ch = 0; ch < this.channels; ch++) {
      const buf = buffers[ch]!;
      const k = (s * this.channels + ch) * 2;
      let z1 = st[k]!;
      let z2 = st[k + 1]!;
      for (let i = from; i < to; i++) {
        const x = buf[i]!;
        const y = b0 * x + z1;
        z1 = b1 * x - a1 * y + z2;
        z2 = b2 * x - a2 * y;
        buf[i] = y;
      }
      // Flush state that has decayed to nothing (far below anything a
      // float32 or 24-bit output can show): subnormal doubles are slow.
      st[k] = Math.abs(z1) < 1e-300 ? 0 : z1;
      st[k + 1] = Math.abs(z2) < 1e-300 ? 0 : z2;
    }
  }

  /** Sections in the chain. */
  get length(): number {
    return this.sections;
  }
}
