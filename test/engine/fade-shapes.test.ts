/**
 * Fade shapes (design §10.4, docs/language.md §5.3): each curve sample for
 * sample against its formula, and the crossfade rule the docs give — two
 * takes of the same performance meeting with `linear` or `s` sum to the
 * performance itself; different performances meeting with `equal` keep
 * their power.
 */
import { describe, expect, test } from 'vitest';
import { noise, renderMix } from './fixtures.js';

const FS = 48000;
const LEN = 4 * FS;
const ONE = new Float64Array(LEN).fill(0.5);
const TAKE_A = noise(LEN, 21);
const TAKE_B = noise(LEN, 22);
const FILES = { 'dc.wav': [ONE], 'same1.wav': [TAKE_A], 'same2.wav': [TAKE_A], 'other.wav': [TAKE_B] };

/** The fade-in curve of each shape at u in [0, 1], from docs/engine.md §8. */
const CURVES: Record<string, (u: number) => number> = {
  equal: (u) => Math.sin((Math.PI / 2) * u),
  linear: (u) => u,
  s: (u) => (1 - Math.cos(Math.PI * u)) / 2,
  exp: (u) => (Math.pow(10, -3 * (1 - u)) - 1e-3) / (1 - 1e-3),
};

describe('fade shapes', () => {
  test.each(Object.keys(CURVES))('%s: a fade-in and a fade-out follow the curve, centred on their edges', async (shape) => {
    // A mono track panned centre: each side carries 0.5·cos(π/4) times the fade gain.
    const [L] = await renderMix(`track t { clip "dc.wav" from 1 s to 3 s fadein 100 ms ${shape} fadeout 200 ms ${shape} }`, FILES);
    const centre = 0.5 * Math.SQRT1_2;
    const f = CURVES[shape]!;
    expect(L!.length).toBe(3.1 * FS); // to the end of the fade-out, centred on 3 s
    let worst = 0;
    for (let n = 0.9 * FS; n < L!.length; n++) {
      const inU = (n - (FS - 0.05 * FS)) / (0.1 * FS);
      const outU = (n - (3 * FS - 0.1 * FS)) / (0.2 * FS);
      const g = (inU <= 0 ? 0 : inU >= 1 ? 1 : f(inU)) * (outU <= 0 ? 1 : outU >= 1 ? 0 : f(1 - outU));
      worst = Math.max(worst, Math.abs(L![n]! - centre * g));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  test.each(['linear', 's'])('%s: two takes of one performance crossfade to the performance itself', async (shape) => {
    const [L] = await renderMix(`track t {
      clip "same1.wav" to 2 s fadeout 50 ms ${shape}
      clip "same2.wav" from 2 s fadein 50 ms ${shape}
    }`, FILES);
    let worst = 0;
    for (let n = 1.9 * FS; n < 2.1 * FS; n++) worst = Math.max(worst, Math.abs(L![n]! - TAKE_A[n]! * Math.SQRT1_2));
    expect(worst).toBeLessThan(1e-12);
  });

  test('equal (the default): different performances crossfade at constant power; linear would dip 3 dB', async () => {
    const power = async (shape: string) => {
      const [L] = await renderMix(`track t {
        clip "same1.wav" to 2 s fadeout 400 ms ${shape}
        clip "other.wav" from 2 s fadein 400 ms ${shape}
      }`, FILES);
      let p = 0;
      for (let n = 1.95 * FS; n < 2.05 * FS; n++) p += L![n]! ** 2;
      return p / (0.1 * FS);
    };
    let ref = 0;
    for (let n = 0.5 * FS; n < 1.5 * FS; n++) ref += (TAKE_A[n]! * Math.SQRT1_2) ** 2;
    ref /= FS;
    // At the middle of the crossfade: equal power keeps the level; straight lines lose half the power.
    expect(Math.abs(10 * Math.log10((await power('equal')) / ref))).toBeLessThan(0.3);
    expect(10 * Math.log10((await power('linear')) / ref)).toBeLessThan(-2.5);
    // Written or not, equal-power is the same thing.
    const [written] = await renderMix(`track t { clip "same1.wav" to 2 s fadeout 400 ms equal }`, FILES);
    const [plain] = await renderMix(`track t { clip "same1.wav" to 2 s fadeout 400 ms }`, FILES);
    expect(written).toEqual(plain);
  });

  test('a cut fades its edges with its shape', async () => {
    const [L] = await renderMix(`track t { file "dc.wav"\n cut 1 s to 2 s linear }`, FILES);
    const centre = 0.5 * Math.SQRT1_2;
    // 5 ms linear fades centred on 1 s and 2 s: half way down at the edge itself.
    expect(L![FS]!).toBeCloseTo(centre * 0.5, 12);
    expect(L![FS + 0.0025 * FS]!).toBeCloseTo(0, 12);
    expect(L![2 * FS]!).toBeCloseTo(centre * 0.5, 12);
  });
});
