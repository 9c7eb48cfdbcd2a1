/**
 * The engine's own sin, cos, tan, exp, log, log10 and pow
 * (engine/src/dsp/portable-math.ts): built from the operations IEEE 754
 * fixes, so every JavaScript engine gives the same bits, and close to the
 * true values. The reference here is Node's Math (itself within an ulp or
 * so of the true values) and, at points known in closed form, the exact
 * values.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dbToGain, pcos, pexp, plog, plog10, ppow, psin, ptan } from '../../engine/src/dsp/portable-math.js';

/** |a − b| in units of b's last place. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const ulp = Math.max(Number.MIN_VALUE, Math.abs(b) * Number.EPSILON);
  return Math.abs(a - b) / ulp;
}

const worst = (f: (x: number) => number, g: (x: number) => number, xs: readonly number[]) => Math.max(...xs.map((x) => ulps(f(x), g(x))));
const spread = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe('portable math', () => {
  it('sin, cos and tan over the arguments the engine uses (filter angles, fades, pans, sinc kernels) within 2 ulps of Math', () => {
    const xs = [...spread(-200, 200, 20001), ...spread(-1e-3, 1e-3, 1001)];
    expect(worst(psin, Math.sin, xs.filter((x) => Math.abs(Math.sin(x)) > 1e-3))).toBeLessThanOrEqual(2);
    expect(worst(pcos, Math.cos, xs.filter((x) => Math.abs(Math.cos(x)) > 1e-3))).toBeLessThanOrEqual(2);
    // Near a zero the result is absolutely, not relatively, accurate (as any reduction by π/2 in doubles is).
    for (const x of xs) {
      expect(Math.abs(psin(x) - Math.sin(x))).toBeLessThan(1e-15 * Math.max(1, Math.abs(x)));
      expect(Math.abs(pcos(x) - Math.cos(x))).toBeLessThan(1e-15 * Math.max(1, Math.abs(x)));
    }
    // tan of a filter's half angle πf/fs, f up to Nyquist.
    expect(worst(ptan, Math.tan, spread(1e-6, 1.57, 20001))).toBeLessThanOrEqual(4);
    expect([psin(0), pcos(0), ptan(0), Object.is(psin(-0), -0)]).toEqual([0, 1, 0, true]);
    expect(psin(Math.PI / 6)).toBeCloseTo(0.5, 15);
    expect([psin(Infinity), pcos(NaN)]).toEqual([NaN, NaN]);
  });

  it('exp, log, log10 and pow within 2 ulps of Math, and exact where the value is', () => {
    const xs = [...spread(-740, 709, 30001), ...spread(-1, 1, 10001)];
    expect(worst(pexp, Math.exp, xs)).toBeLessThanOrEqual(2);
    const positives = [...spread(1e-300, 1e-290, 101), ...spread(1e-12, 1e-8, 1001), ...spread(0.5, 2, 10001), ...spread(2, 1e6, 10001), 5e-324, 1.7e308];
    expect(worst(plog, Math.log, positives.filter((x) => Math.abs(Math.log(x)) > 1e-3))).toBeLessThanOrEqual(2);
    expect(worst(plog10, Math.log10, positives.filter((x) => Math.abs(Math.log10(x)) > 1e-3))).toBeLessThanOrEqual(3);
    expect([pexp(0), plog(1), plog10(1), ppow(7, 0), ppow(0, 2), ppow(1, 1e9)]).toEqual([1, 0, 0, 1, 0, 1]);
    expect([pexp(800), pexp(-800), plog(0), plog(-1), plog(Infinity)]).toEqual([Infinity, 0, -Infinity, NaN, Infinity]);
    expect(plog10(1000)).toBeCloseTo(3, 14);
  });

  it('dB to gain: 0 dB is 1, −∞ dB is 0, −6.0206 dB is a half, and any level is within a few ulps of 10^(dB/20)', () => {
    expect([dbToGain(0), dbToGain(-Infinity)]).toEqual([1, 0]);
    expect(dbToGain(-20 * Math.log10(2))).toBeCloseTo(0.5, 15);
    // Against 10^(dB/20) worked out to 40 digits (Python's decimal), rounded to the nearest double.
    const exact: [number, number][] = [
      [-118.37613932294136, 1.2055716700283691e-06], [-96, 1.5848931924611134e-05], [-60, 0.001], [-24.5, 0.05956621435290105],
      [-6, 0.5011872336272722], [-3, 0.7079457843841379], [-0.1, 0.9885530946569389], [0.5, 1.0592537251772889],
      [6, 1.9952623149688795], [12, 3.9810717055349727], [24, 15.848931924611135], [48, 251.188643150958],
    ];
    for (const [db, gain] of exact) expect(ulps(dbToGain(db), gain), `${db} dB`).toBeLessThanOrEqual(3);
    // Math.pow(10, db/20) rounds db/20 first, which costs it up to |db·ln10/20| half-ulps: the two agree within that.
    fc.assert(fc.property(fc.double({ min: -200, max: 48, noNaN: true }), (db) => ulps(dbToGain(db), Math.pow(10, db / 20)) <= 2 + Math.abs((db * Math.LN10) / 20)));
    // A general power is e^(e·ln b): the rounding of e·ln b (half an ulp of it) becomes |e·ln b| half-ulps of the result.
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true }), (b, e) => ulps(ppow(b, e), Math.pow(b, e)) <= 4 + Math.abs(e * Math.log(b))));
  });

  it("is what the engine uses: no engine module calls Math's engine-dependent functions", () => {
    const root = join(import.meta.dirname, '../../engine/src');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const calls = files.flatMap((f) => {
      // Comments may name them (the compressor's notes do).
      const code = readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      return [...code.matchAll(/\bMath\.(sin|cos|tan|exp|expm1|log|log10|log2|log1p|pow|sinh|cosh|tanh|asin|acos|atan|atan2|cbrt|hypot)\b|\*\*/g)].map((m) => `${f}: ${m[0]}`);
    });
    expect(calls).toEqual([]);
  });
});
