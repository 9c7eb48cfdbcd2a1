/**
 * The compressor against Giannoulis, Massberg & Reiss (JAES 2012): the static
 * curve computed here from the paper's formula (and a few values worked by
 * hand), the smoothing detector's time constants measured on the output, and
 * a plain per-sample implementation with Math.log10 and Math.pow as the
 * oracle for the fast log/exp path.
 */
import { describe, expect, it } from 'vitest';
import { noise as fixtureNoise } from './fixtures.js';
import { Compressor, type CompressorParams, fastAmplitudeToDb, fastDbToAmplitude, staticCurveDb } from '../../engine/src/index.js';

const FS = 48000;

const base: CompressorParams = {
  thresholdDb: -20,
  ratio: 4,
  kneeDb: 0,
  attack: 0.01,
  release: 0.1,
  makeupDb: 0,
  mix: 1,
};

/** The static curve of the paper (eq. 4), written out here on its own. */
function curve(x: number, T: number, R: number, W: number): number {
  if (2 * (x - T) < -W) return x;
  if (2 * Math.abs(x - T) <= W && W > 0) return x + ((1 / R - 1) * (x - T + W / 2) ** 2) / (2 * W);
  return T + (x - T) / R;
}

const db = (a: number): number => 20 * Math.log10(a);
const amp = (d: number): number => Math.pow(10, d / 20);

/** Constant |x| with alternating sign (period 2·half samples). */
function square(frames: number, amplitude: number, half = 24): Float64Array {
  const out = new Float64Array(frames);
  for (let i = 0; i < frames; i++) out[i] = Math.floor(i / half) % 2 === 0 ? amplitude : -amplitude;
  return out;
}

function concat(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic uniform noise in [-1, 1) (mulberry32), shared with the other engine tests. */
const noise = (frames: number, seed: number): Float64Array => fixtureNoise(frames, seed, 1);

/** Music-like test material: noise and tones under a slow, deep envelope (−50 .. +3 dBFS). */
function material(frames: number, seed: number): Float64Array {
  const n = noise(frames, seed);
  const out = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    const env = amp(-50 + 53 * (0.5 + 0.5 * Math.sin((2 * Math.PI * 1.3 * i) / FS + seed)));
    out[i] = env * (0.6 * Math.sin((2 * Math.PI * (97 + seed) * i) / FS) + 0.4 * n[i]!);
  }
  return out;
}

/** Runs a fresh compressor over copies of `input`, in blocks of `block` frames. */
function run(
  params: CompressorParams,
  input: readonly Float64Array[],
  block = 128,
  key?: readonly Float64Array[],
): Float64Array[] {
  const c = new Compressor(input.length, FS, params);
  const out = input.map((x) => x.slice());
  const frames = out[0]!.length;
  for (let start = 0; start < frames; start += block) {
    const n = Math.min(block, frames - start);
    c.process(
      out.map((x) => x.subarray(start, start + n)),
      n,
      key ? key.map((k) => k.subarray(start, start + n)) : null,
    );
  }
  return out;
}

/** The paper's compressor, sample by sample with Math.log10 and Math.pow (the oracle). */
function reference(params: CompressorParams, input: readonly Float64Array[]): Float64Array[] {
  const { thresholdDb: T, ratio: R, kneeDb: W, attack, release, makeupDb, mix } = params;
  const aA = Math.exp(-1 / (attack * FS));
  const aR = Math.exp(-1 / (release * FS));
  const out = input.map((x) => x.slice());
  let s = 0;
  for (let i = 0; i < out[0]!.length; i++) {
    let peak = 0;
    for (const x of input) peak = Math.max(peak, Math.abs(x[i]!));
    const x = Math.max(-200, 20 * Math.log10(peak));
    const g = x - curve(x, T, R, W);
    s = g > s ? aA * s + (1 - aA) * g : aR * s + (1 - aR) * g;
    const gain = Math.pow(10, (makeupDb - s) / 20);
    for (const ch of out) ch[i] = (1 - mix) * ch[i]! + mix * gain * ch[i]!;
  }
  return out;
}

function identical(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((x, c) => x.length === b[c]!.length && x.every((v, i) => Object.is(v, b[c]![i])));
}

describe('static curve', () => {
  it('matches values worked by hand', () => {
    // T = −20, R = 4, hard knee: 12 dB over the threshold comes out 3 dB over.
    expect(staticCurveDb(-8, -20, 4, 0)).toBeCloseTo(-17, 12);
    expect(staticCurveDb(-30, -20, 4, 0)).toBe(-30);
    // Infinite ratio: everything above the threshold comes out at the threshold.
    expect(staticCurveDb(-5, -20, Infinity, 0)).toBe(-20);
    // 6 dB knee: at its centre y = T + (1/4 − 1)·3²/12 = −20.5625; its edges meet the straight parts.
    expect(staticCurveDb(-20, -20, 4, 6)).toBeCloseTo(-20.5625, 12);
    expect(staticCurveDb(-23, -20, 4, 6)).toBeCloseTo(-23, 12);
    expect(staticCurveDb(-17, -20, 4, 6)).toBeCloseTo(-19.25, 12);
    // 12 dB knee, ratio 2, 2 dB into the knee: y = −24 + (−½)·2²/24 = −24.083333…
    expect(staticCurveDb(-24, -20, 2, 12)).toBeCloseTo(-24 - 1 / 12, 12);
  });

  it('follows the paper’s formula across the knee', () => {
    for (const W of [0, 6, 12]) {
      for (const R of [1, 2, 4, 10, Infinity]) {
        for (let x = -60; x <= 10; x += 0.25) {
          expect(Math.abs(staticCurveDb(x, -20, R, W) - curve(x, -20, R, W))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('a square wave settles exactly on the curve (knee 0/6/12 dB, ratio 2/4/∞)', () => {
    const levels = [-40, -30, -27, -26, -24, -22, -21, -20, -19, -18, -16, -14, -12, -8, -3, 0, 6];
    let worst = 0;
    for (const kneeDb of [0, 6, 12]) {
      for (const ratio of [2, 4, Infinity]) {
        const params = { ...base, kneeDb, ratio, attack: 0.002, release: 0.02 };
        for (const level of levels) {
          const a = amp(level);
          const [y] = run(params, [square(FS / 2, a)]);
          const out = db(Math.abs(y![y!.length - 1]!));
          const expected = curve(level, -20, ratio, kneeDb); // gain = −(x − y) → output level y
          worst = Math.max(worst, Math.abs(out - expected));
          expect(Math.abs(out - expected), `W ${kneeDb}, R ${ratio}, ${level} dB`).toBeLessThan(0.001);
        }
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('reports the settled gain reduction for meters', () => {
    const c = new Compressor(1, FS, { ...base, kneeDb: 6 });
    c.process([square(FS, amp(-8))], FS);
    expect(c.gainReductionDb).toBeCloseTo(-8 - curve(-8, -20, 4, 6), 6);
    c.process([new Float64Array(FS * 2)], FS * 2);
    expect(c.gainReductionDb).toBeGreaterThanOrEqual(0);
    expect(c.gainReductionDb).toBeLessThan(1e-6);
  });
});

describe('time constants (one-pole in dB)', () => {
  /** Gain reduction in dB of each output sample of a square wave input (makeup 0, mix 1). */
  const reduction = (y: Float64Array, x: Float64Array) => Array.from(y, (v, i) => db(Math.abs(x[i]!) / Math.abs(v)));

  /**
   * Samples until the reduction has covered 1 − 1/e of its way from `start`
   * (its value before sample `from`) to `end`, interpolated between samples.
   * Sample from + n has been smoothed n + 1 times, so it stands at time n + 1.
   */
  function timeToCover(gr: number[], from: number, start: number, end: number): number {
    const goal = start + (1 - 1 / Math.E) * (end - start);
    for (let i = from; i < gr.length; i++) {
      if (end > start ? gr[i]! >= goal : gr[i]! <= goal) {
        const prev = i === from ? start : gr[i - 1]!;
        return i - from + (goal - prev) / (gr[i]! - prev);
      }
    }
    return Infinity;
  }

  it('attack: a step up reaches 1 − 1/e of the final reduction after τ_A', () => {
    for (const attack of [0.001, 0.01, 0.03]) {
      const quiet = FS / 4;
      const x = concat(square(quiet, amp(-40)), square(FS, 1));
      const [y] = run({ ...base, attack, release: 0.1 }, [x]);
      const gr = reduction(y!, x);
      const final = 0 - curve(0, -20, 4, 0); // 15 dB
      expect(gr[quiet - 1]).toBeCloseTo(0, 12);
      expect(gr[gr.length - 1]).toBeCloseTo(final, 6);
      const t = timeToCover(gr, quiet, 0, final) / FS;
      expect(Math.abs(t - attack) / attack, `attack ${attack}`).toBeLessThan(0.02);
    }
  });

  it('release: a step down recovers 1 − 1/e of the reduction after τ_R', () => {
    for (const release of [0.05, 0.1, 0.5]) {
      const loud = FS / 2;
      const x = concat(square(loud, 1), square(FS * 3, amp(-40)));
      const [y] = run({ ...base, attack: 0.005, release }, [x]);
      const gr = reduction(y!, x);
      expect(gr[loud - 1]).toBeCloseTo(15, 6);
      const t = timeToCover(gr, loud, 15, 0) / FS;
      expect(Math.abs(t - release) / release, `release ${release}`).toBeLessThan(0.02);
    }
  });

  it('a partial step (15 → 7.5 dB) releases and (7.5 → 15 dB) attacks with the same constants', () => {
    const seg = FS;
    // Square at 0 dBFS: 15 dB of reduction; at −10 dBFS: 7.5 dB.
    const x = concat(square(seg, 1), square(seg, amp(-10)), square(seg, 1));
    const [y] = run({ ...base, attack: 0.02, release: 0.2 }, [x]);
    const gr = reduction(y!, x);
    const tr = timeToCover(gr, seg, 15, 7.5) / FS;
    const ta = timeToCover(gr, 2 * seg, gr[2 * seg - 1]!, 15) / FS;
    expect(Math.abs(tr - 0.2) / 0.2).toBeLessThan(0.02);
    expect(Math.abs(ta - 0.02) / 0.02).toBeLessThan(0.02);
  });
});

describe('makeup and mix', () => {
  it('below the knee the output is the input times the makeup gain', () => {
    const x = material(FS, 1).map((v) => v * amp(-40)); // peaks ≤ −37 dBFS, knee starts at −23
    const [y] = run({ ...base, kneeDb: 6, makeupDb: 6 }, [x]);
    for (let i = 0; i < x.length; i++) expect(Math.abs(y![i]! - x[i]! * amp(6))).toBeLessThanOrEqual(Math.abs(x[i]!) * 1e-12);
  });

  it('mix 0 returns the input bit for bit, even while compressing', () => {
    const x = [material(FS, 2), material(FS, 3)];
    expect(identical(run({ ...base, mix: 0, makeupDb: 4 }, x), x)).toBe(true);
  });

  it('mix blends dry and compressed signal linearly, makeup on the wet part only', () => {
    for (const [mix, makeupDb] of [
      [0.5, 0],
      [0.25, 3],
      [0.8, -2],
    ] as const) {
      const x = square(FS / 2, amp(-4));
      const [y] = run({ ...base, mix, makeupDb }, [x]);
      const g = -4 - curve(-4, -20, 4, 0); // 12 dB
      const expected = amp(-4) * (1 - mix + mix * amp(makeupDb - g));
      expect(Math.abs(Math.abs(y![y!.length - 1]!) / expected - 1)).toBeLessThan(1e-9);
    }
  });
});

describe('side-chain', () => {
  // A steady tone well below the knee, keyed by bursts of a loud square wave.
  const frames = FS * 2;
  const tone = Float64Array.from({ length: frames }, (_, i) => amp(-30) * Math.sin((2 * Math.PI * 440 * i) / FS));
  const burstOn = (i: number) => Math.floor(i / (0.4 * FS)) % 2 === 0;
  const burst = Float64Array.from(square(frames, 1, 24), (v, i) => (burstOn(i) ? v : 0));
  const params = { ...base, kneeDb: 6, attack: 0.005, release: 0.05 };

  /** Gain reduction per 128-frame block, read from the meter output. */
  function meter(key: readonly Float64Array[] | null): number[] {
    const c = new Compressor(1, FS, params);
    const y = tone.slice();
    const out: number[] = [];
    for (let s = 0; s < frames; s += 128) {
      c.process([y.subarray(s, s + 128)], 128, key ? key.map((k) => k.subarray(s, s + 128)) : null);
      out.push(c.gainReductionDb);
    }
    return out;
  }

  it('the tone alone is not compressed', () => {
    expect(meter(null).every((g) => g === 0)).toBe(true);
    expect(identical(run(params, [tone]), [tone])).toBe(true);
  });

  it('the gain reduction follows the key, not the input', () => {
    const gr = meter([burst]);
    const expected = 0 - curve(0, -20, 4, 6); // 15 dB
    const blockEnd = (t: number) => Math.round((t * FS) / 128) - 1;
    for (const t of [0.4, 1.2]) expect(gr[blockEnd(t)]).toBeCloseTo(expected, 6); // end of a burst
    for (const t of [0.8, 1.6]) expect(gr[blockEnd(t)]).toBeLessThan(expected * Math.exp(-7)); // end of a gap (8 τ_R)
    // And the tone carries exactly that gain: output/input is one factor per sample, 15 dB down in a burst.
    const [y] = run(params, [tone], 128, [burst]);
    const i = Math.round(0.39 * FS) + 7;
    expect(db(y![i]! / tone[i]!)).toBeCloseTo(-expected, 6);
  });

  it('a loud input keyed by silence passes unchanged', () => {
    const loud = square(FS / 2, 1);
    expect(identical(run(params, [loud], 128, [new Float64Array(loud.length)]), [loud])).toBe(true);
  });

  it('a two-channel key is detected by its louder channel', () => {
    const silent = new Float64Array(frames);
    const a = run(params, [tone], 128, [silent, burst]);
    const b = run(params, [tone], 128, [burst]);
    expect(identical(a, b)).toBe(true);
  });
});

describe('stereo link', () => {
  it('both channels get the same gain, set by the louder one', () => {
    const l = material(FS, 4);
    const r = material(FS, 5).map((v) => v * 0.1);
    const [yl, yr] = run({ ...base, kneeDb: 6 }, [l, r]);
    let compressed = 0;
    for (let i = 0; i < l.length; i++) {
      if (Math.abs(l[i]!) < 1e-6 || Math.abs(r[i]!) < 1e-6) continue;
      const gl = yl![i]! / l[i]!;
      const gr = yr![i]! / r[i]!;
      expect(Math.abs(gl / gr - 1)).toBeLessThan(1e-12);
      if (gl < 0.5) compressed++;
    }
    expect(compressed).toBeGreaterThan(1000);
    // Each channel equals a mono compressor keyed by both channels.
    const [monoL] = run({ ...base, kneeDb: 6 }, [l], 128, [l, r]);
    expect(identical([yl!], [monoL!])).toBe(true);
    // Swapping the channels swaps the outputs.
    const [sr, sl] = run({ ...base, kneeDb: 6 }, [r, l]);
    expect(identical([sl!, sr!], [yl!, yr!])).toBe(true);
  });
});

describe('exactness of the fast path', () => {
  it('fastAmplitudeToDb is within 1e-11 dB of 20·log10', () => {
    let worst = 0;
    const rnd = noise(200000, 9);
    for (let k = 0; k < rnd.length; k++) {
      const a = Math.pow(10, 10 * rnd[k]!); // 1e-10 .. 1e10, any mantissa
      worst = Math.max(worst, Math.abs(fastAmplitudeToDb(a) - 20 * Math.log10(a)));
    }
    for (let e = -33; e < 34; e++) {
      for (const m of [1, 1 + 2 ** -52, 1.0078125, Math.SQRT2, 1.5, 2 - 2 ** -52]) {
        const a = m * 2 ** e;
        if (a >= 1e-10) worst = Math.max(worst, Math.abs(fastAmplitudeToDb(a) - 20 * Math.log10(a)));
      }
    }
    expect(worst).toBeLessThan(1e-11);
    expect(fastAmplitudeToDb(0)).toBeCloseTo(-200, 9);
    expect(fastAmplitudeToDb(1e-300)).toBeCloseTo(-200, 9);
    expect(Math.abs(fastAmplitudeToDb(1))).toBeLessThan(1e-11);
  });

  it('fastDbToAmplitude is within 2e-13 (relative) of 10^(d/20)', () => {
    let worst = 0;
    for (let d = -2000; d <= 2000; d += 0.0137) worst = Math.max(worst, Math.abs(fastDbToAmplitude(d) / Math.pow(10, d / 20) - 1));
    for (let d = -1; d <= 1; d += 1e-5) worst = Math.max(worst, Math.abs(fastDbToAmplitude(d) / Math.pow(10, d / 20) - 1));
    expect(worst).toBeLessThan(2e-13);
    expect(fastDbToAmplitude(0)).toBe(1);
  });

  it('the output stays within 2e-9 dB of the formula evaluated with Math.log10 and Math.pow', () => {
    const x = [material(FS * 4, 6), material(FS * 4, 7), material(FS * 4, 8).map((v) => v * 0.5)];
    for (const params of [
      { ...base, kneeDb: 6, makeupDb: 3 },
      { ...base, thresholdDb: -40, ratio: Infinity, kneeDb: 12, attack: 0.0005, release: 0.02 },
      { ...base, thresholdDb: -10, ratio: 2, attack: 0.05, release: 1, mix: 0.6 },
    ]) {
      const fast = run(params, x);
      const ref = reference(params, x);
      let worst = 0;
      for (let c = 0; c < x.length; c++) {
        for (let i = 0; i < x[0]!.length; i++) {
          if (Math.abs(ref[c]![i]!) > 1e-12) worst = Math.max(worst, Math.abs(db(fast[c]![i]! / ref[c]![i]!)));
        }
      }
      expect(worst).toBeLessThan(2e-9);
    }
  });
});

describe('the −200 dB floor', () => {
  it('a knee reaching under −200 dB reduces silence by the curve at −200 dB', () => {
    const params = { ...base, thresholdDb: -199, kneeDb: 4, attack: 0.001 };
    const c = new Compressor(1, FS, params);
    const x = new Float64Array(FS / 10);
    c.process([x], x.length);
    // −200 dB is 1 dB into the 4 dB knee: x − y = (1 − 1/4)·1²/(2·4).
    expect(c.gainReductionDb).toBeCloseTo(0.09375, 9);
    expect(-200 - curve(-200, -199, 4, 4)).toBeCloseTo(0.09375, 12);
  });
});

describe('determinism', () => {
  const x = [material(FS * 3, 10), material(FS * 3, 11)];
  const params = { ...base, kneeDb: 6, makeupDb: 2, mix: 0.9 };

  it('two runs give bit-identical output; reset() starts over', () => {
    expect(identical(run(params, x), run(params, x))).toBe(true);
    const c = new Compressor(2, FS, params);
    const first = x.map((v) => v.slice());
    c.process(first, first[0]!.length);
    c.reset();
    const second = x.map((v) => v.slice());
    c.process(second, second[0]!.length);
    expect(identical(first, second)).toBe(true);
  });

  it('block size does not change a single bit (128, 1000, whole, irregular)', () => {
    const whole = run(params, x, x[0]!.length);
    expect(identical(run(params, x, 128), whole)).toBe(true);
    expect(identical(run(params, x, 1000), whole)).toBe(true);
    expect(identical(run(params, x, 1), whole)).toBe(true);
    // Irregular blocks, with an external key too.
    const key = [material(FS * 3, 12)];
    const ref = run(params, x, x[0]!.length, key);
    const c = new Compressor(2, FS, params);
    const out = x.map((v) => v.slice());
    const sizes = [1, 7, 128, 333, 4096, 2, 999];
    for (let s = 0, k = 0; s < out[0]!.length; k++) {
      const n = Math.min(sizes[k % sizes.length]!, out[0]!.length - s);
      c.process(
        out.map((v) => v.subarray(s, s + n)),
        n,
        key.map((v) => v.subarray(s, s + n)),
      );
      s += n;
    }
    expect(identical(out, ref)).toBe(true);
  });

  it('setParams keeps the envelope', () => {
    const whole = run(params, x, x[0]!.length);
    const c = new Compressor(2, FS, params);
    const out = x.map((v) => v.slice());
    const half = FS;
    c.process(out.map((v) => v.subarray(0, half)), half);
    c.setParams({ ...params });
    c.process(out.map((v) => v.subarray(half)), out[0]!.length - half);
    expect(identical(out, whole)).toBe(true);

    // A higher threshold mid-compression: the reduction releases from where it was.
    const d = new Compressor(1, FS, base);
    d.process([square(FS / 2, 1)], FS / 2);
    const before = d.gainReductionDb;
    expect(before).toBeCloseTo(15, 6);
    d.setParams({ ...base, thresholdDb: 0 });
    d.process([square(1, 1)], 1);
    expect(d.gainReductionDb).toBeCloseTo(before * Math.exp(-1 / (base.release * FS)), 9);
  });
});
