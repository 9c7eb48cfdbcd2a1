/**
 * The EQ curve the preview draws, against the filter formulas.
 *
 * Oracles: the Audio EQ Cookbook (R. Bristow-Johnson) written out again
 * here with its unnormalised coefficients and H(e^jw) evaluated in complex
 * arithmetic, and for the Butterworth high/low passes the analytic response
 * of a bilinear-transformed Butterworth filter of order N with its cutoff
 * prewarped: |H(f)|² = 1 / (1 + (tan(πfc/fs) / tan(πf/fs))^(2N)) (high pass).
 */
import { describe, expect, it } from 'vitest';
import type { BandModel, EqModel } from '../../grammar/src/model.js';
import { eqCurveDb, logFrequencies } from '../../engine/src/index.js';

const FS = 48_000;

function band(type: BandModel['type'], freq: number, opts: { gainDb?: number; q?: number; slope?: number } = {}): BandModel {
  const pass = type === 'highpass' || type === 'lowpass';
  return { type, freq, gainDb: opts.gainDb ?? 0, q: opts.q ?? Math.SQRT1_2, slope: pass ? opts.slope ?? 12 : null };
}

function eq(bands: BandModel[], bypass = false): EqModel {
  return { type: 'eq', bypass, bands };
}

function at(eqs: EqModel[], freq: number, fs = FS): number {
  return eqCurveDb(eqs, fs, [freq])[0]!;
}

/** The cookbook's b0..b2, a0..a2 for one band, unnormalised. */
function cookbook(b: BandModel, fs: number): [number[], number[]] {
  const w0 = (2 * Math.PI * b.freq) / fs;
  const cs = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * b.q);
  const A = 10 ** (b.gainDb / 40);
  const sq = 2 * Math.sqrt(A) * alpha;
  switch (b.type) {
    case 'bell':
      return [[1 + alpha * A, -2 * cs, 1 - alpha * A], [1 + alpha / A, -2 * cs, 1 - alpha / A]];
    case 'lowshelf':
      return [
        [A * ((A + 1) - (A - 1) * cs + sq), 2 * A * ((A - 1) - (A + 1) * cs), A * ((A + 1) - (A - 1) * cs - sq)],
        [(A + 1) + (A - 1) * cs + sq, -2 * ((A - 1) + (A + 1) * cs), (A + 1) + (A - 1) * cs - sq],
      ];
    case 'highshelf':
      return [
        [A * ((A + 1) + (A - 1) * cs + sq), -2 * A * ((A - 1) + (A + 1) * cs), A * ((A + 1) + (A - 1) * cs - sq)],
        [(A + 1) - (A - 1) * cs + sq, 2 * ((A - 1) - (A + 1) * cs), (A + 1) - (A - 1) * cs - sq],
      ];
    case 'notch':
      return [[1, -2 * cs, 1], [1 + alpha, -2 * cs, 1 - alpha]];
    case 'bandpass':
      return [[alpha, 0, -alpha], [1 + alpha, -2 * cs, 1 - alpha]];
    case 'lowpass':
      return [[(1 - cs) / 2, 1 - cs, (1 - cs) / 2], [1 + alpha, -2 * cs, 1 - alpha]];
    case 'highpass':
      return [[(1 + cs) / 2, -(1 + cs), (1 + cs) / 2], [1 + alpha, -2 * cs, 1 - alpha]];
  }
}

/** |H(e^jw)| in dB of b(z)/a(z), by complex sums of c_k e^{-jwk}. */
function responseDb([b, a]: [number[], number[]], freq: number, fs: number): number {
  const w = (2 * Math.PI * freq) / fs;
  const mag2 = (c: number[]) => {
    let re = 0;
    let im = 0;
    c.forEach((ck, k) => {
      re += ck * Math.cos(w * k);
      im -= ck * Math.sin(w * k);
    });
    return re * re + im * im;
  };
  return 10 * Math.log10(mag2(b) / mag2(a));
}

/** The prewarped bilinear Butterworth of order n. */
function butterworthDb(type: 'highpass' | 'lowpass', n: number, fc: number, f: number, fs: number): number {
  const r = Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * fc) / fs);
  const x = type === 'lowpass' ? r : 1 / r;
  return -10 * Math.log10(1 + x ** (2 * n));
}

describe('eqCurveDb', () => {
  it('gives a bell its gain at its centre frequency', () => {
    for (const [freq, gainDb, q] of [[3000, 2.5, 1], [120, -9, 4], [12_000, 6, 0.5]] as const) {
      expect(at([eq([band('bell', freq, { gainDb, q })])], freq)).toBeCloseTo(gainDb, 10);
    }
  });

  it('gives a low shelf its gain far below and 0 dB far above, a high shelf the reverse', () => {
    const low = [eq([band('lowshelf', 200, { gainDb: 4 })])];
    expect(at(low, 5)).toBeCloseTo(4, 2);
    expect(at(low, 20_000)).toBeCloseTo(0, 2);
    // At the corner, the cookbook shelf is at half its gain in dB.
    expect(at(low, 200)).toBeCloseTo(2, 10);
    const high = [eq([band('highshelf', 2000, { gainDb: -6 })])];
    expect(at(high, 10)).toBeCloseTo(0, 3);
    expect(at(high, 23_500)).toBeCloseTo(-6, 1);
    expect(at(high, 2000)).toBeCloseTo(-3, 10);
  });

  it('puts a Butterworth pass of order n at -3.01 dB at its corner, falling 6n dB per octave well beyond', () => {
    for (const slope of [6, 12, 18, 24, 36, 48]) {
      const n = slope / 6;
      const hp = [eq([band('highpass', 2000, { slope })])];
      expect(at(hp, 2000)).toBeCloseTo(-3.0103, 4);
      // "6 dB/oct" per order is 20·log10(2) = 6.02 dB.
      const perOrder = 20 * Math.log10(2);
      expect(at(hp, 125) - at(hp, 62.5)).toBeCloseTo(perOrder * n, 1);
      expect(at(hp, 20_000)).toBeCloseTo(0, 1);
      const lp = [eq([band('lowpass', 1000, { slope })])];
      expect(at(lp, 1000)).toBeCloseTo(-3.0103, 4);
      // Above the corner the bilinear transform steepens the fall towards Nyquist; an octave well under it is near 6n.
      expect(at(lp, 4000) - at(lp, 8000)).toBeGreaterThan(perOrder * n - 0.1);
      expect(at(lp, 20)).toBeCloseTo(0, 2);
    }
  });

  it('matches the analytic bilinear Butterworth response at every slope', () => {
    const freqs = logFrequencies(61, 20, 23_000);
    for (const type of ['highpass', 'lowpass'] as const) {
      for (const slope of [6, 12, 18, 24, 36, 48]) {
        const curve = eqCurveDb([eq([band(type, 700, { slope })])], FS, freqs);
        freqs.forEach((f, i) => {
          const want = butterworthDb(type, slope / 6, 700, f, FS);
          expect(Math.abs(curve[i]! - want), `${type} ${slope} dB/oct at ${f.toFixed(1)} Hz`).toBeLessThan(1e-7 * Math.max(1, Math.abs(want)));
        });
      }
    }
  });

  it('matches H(e^jw) from the cookbook formulas for every RBJ band', () => {
    const bands = [
      band('bell', 3000, { gainDb: 2.5, q: 1.4 }),
      band('bell', 80, { gainDb: -12, q: 8 }),
      band('lowshelf', 150, { gainDb: 5, q: 0.9 }),
      band('highshelf', 9000, { gainDb: -4, q: 0.6 }),
      band('notch', 60, { q: 10 }),
      band('bandpass', 1500, { q: 2 }),
      band('lowpass', 5000, { q: 1.2 }),
      band('highpass', 40, { q: 0.5 }),
    ];
    for (const fs of [44_100, 48_000, 96_000]) {
      const freqs = [21, 63, 250, 999, 1500, 4321, 9000, 15_000, 19_999];
      for (const b of bands) {
        const curve = eqCurveDb([eq([b])], fs, freqs);
        freqs.forEach((f, i) => {
          expect(curve[i], `${b.type} ${b.freq} Hz at ${f} Hz, ${fs} Hz`).toBeCloseTo(responseDb(cookbook(b, fs), f, fs), 7);
        });
      }
    }
  });

  it('sums the bands of one EQ and the EQs of a channel in dB', () => {
    const a = band('bell', 400, { gainDb: -3, q: 2 });
    const b = band('highshelf', 8000, { gainDb: 2 });
    const c = band('highpass', 90, { slope: 24 });
    const freqs = logFrequencies(25);
    const each = [a, b, c].map((x) => eqCurveDb([eq([x])], FS, freqs));
    const oneEq = eqCurveDb([eq([a, b, c])], FS, freqs);
    const twoEqs = eqCurveDb([eq([a]), eq([b, c])], FS, freqs);
    freqs.forEach((_, i) => {
      const sum = each[0]![i]! + each[1]![i]! + each[2]![i]!;
      expect(oneEq[i]).toBeCloseTo(sum, 9);
      expect(twoEqs[i]).toBeCloseTo(sum, 9);
    });
  });

  it('ignores a bypassed EQ and is flat with no active EQ', () => {
    const freqs = logFrequencies(10);
    const active = eq([band('bell', 1000, { gainDb: 6 })]);
    const bypassed = eq([band('lowshelf', 100, { gainDb: -10 })], true);
    expect([...eqCurveDb([active, bypassed], FS, freqs)]).toEqual([...eqCurveDb([active], FS, freqs)]);
    expect([...eqCurveDb([bypassed], FS, freqs)]).toEqual(new Array(10).fill(0));
    expect([...eqCurveDb([], FS, freqs)]).toEqual(new Array(10).fill(0));
  });

  it('gives NaN above Nyquist and a very deep value at a notch', () => {
    const curve = eqCurveDb([eq([band('notch', 1000, { q: 4 })])], 32_000, [1000, 15_999, 16_001, 20_000]);
    expect(curve[0]).toBeLessThan(-100);
    expect(Number.isFinite(curve[1])).toBe(true);
    expect(curve[2]).toBeNaN();
    expect(curve[3]).toBeNaN();
  });
});

describe('logFrequencies', () => {
  it('spaces frequencies evenly in log frequency, ends included', () => {
    const f = logFrequencies(4);
    expect([...f]).toEqual([20, expect.closeTo(200, 9), expect.closeTo(2000, 9), 20_000]);
    const g = logFrequencies(31, 10, 1000);
    for (let i = 1; i < g.length; i++) expect(g[i]! / g[i - 1]!).toBeCloseTo(100 ** (1 / 30), 12);
  });

  it('handles 0 and 1 points', () => {
    expect(logFrequencies(0).length).toBe(0);
    expect([...logFrequencies(1, 50)]).toEqual([50]);
  });
});
