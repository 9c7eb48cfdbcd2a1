/**
 * The magnitude response a channel's EQ processors apply, for drawing. It is
 * computed from the very sections the renderer runs (`bandSections`), so
 * the curve shown is the filter heard, with the same bilinear-transform
 * cramping near Nyquist.
 */
import type { EqModel } from '../../../grammar/src/model.js';
import { bandSections, magnitudeDb, type BiquadCoefficients } from './biquad.js';
import { pexp, plog } from './portable-math.js';

/**
 * Summed response in dB at each of `freqs` (Hz) of the EQs in order
 * (bypassed ones skipped); 0 dB when none is active. Frequencies above
 * Nyquist give NaN (the response there is an alias, not a property of the
 * filter); at a notch's centre the value is very
 * large and negative, or -Infinity.
 */
export function eqCurveDb(eqs: readonly EqModel[], sampleRate: number, freqs: Float64Array | readonly number[]): Float64Array {
  const sections: BiquadCoefficients[] = [];
  for (const eq of eqs) {
    if (eq.bypass) continue;
    for (const band of eq.bands) sections.push(...bandSections(band, sampleRate));
  }
  const nyquist = sampleRate / 2;
  const out = new Float64Array(freqs.length);
  for (let i = 0; i < freqs.length; i++) {
    const f = freqs[i]!;
    out[i] = f > nyquist || !(f >= 0) ? Number.NaN : magnitudeDb(sections, f, sampleRate);
  }
  return out;
}

/** `count` frequencies spaced evenly in log frequency from `lo` to `hi`, both included. */
export function logFrequencies(count: number, lo = 20, hi = 20_000): Float64Array {
  const n = Math.max(0, Math.floor(count));
  const out = new Float64Array(n);
  if (n === 1) out[0] = lo;
  const ratio = plog(hi / lo);
  for (let i = 0; i < n && n > 1; i++) out[i] = lo * pexp((ratio * i) / (n - 1));
  if (n > 1) out[n - 1] = hi; // exactly, not lo * e^(ln(hi/lo))
  return out;
}
