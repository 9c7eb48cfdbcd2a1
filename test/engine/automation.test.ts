/**
 * Automation lanes (design §10.2, docs/engine.md "Automation"), rendered end
 * to end (mix text → check() → MixGraph → renderSpan) and held to
 * references computed here from the formulas: the analytic envelope of a
 * dB ramp, the exact sample of a step, an RBJ bell swept per the
 * documented 32-frame cells in float64, the pan law and the S-curve.
 */
import { describe, expect, test } from 'vitest';
import { dbToGain, noise, renderMix, sine } from './fixtures.js';

const FS = 48000;
const LEN = 4 * FS;
const TONE = sine(LEN, 997, FS, 0.5);
const NOISE_L = noise(LEN, 7);
const NOISE_R = noise(LEN, 8);
const FILES = {
  'tone.wav': [TONE, TONE],
  'mono.wav': [TONE],
  'noise.wav': [NOISE_L, NOISE_R],
};

/** |20·log10(actual/expected)| in dB where the expected sample is far from zero. */
function worstDb(actual: Float64Array, input: Float64Array, gainAt: (n: number) => number, from: number, to: number): number {
  let worst = 0;
  for (let n = from; n < to; n++) {
    const want = input[n]! * gainAt(n);
    if (Math.abs(want) < 1e-3) continue;
    worst = Math.max(worst, Math.abs(20 * Math.log10(actual[n]! / want)));
  }
  return worst;
}

describe('gain lanes', () => {
  test('a linear ramp from -20 dB to 0 dB over 2 s follows the analytic envelope within 0.01 dB, sample by sample', async () => {
    const [L, R] = await renderMix(`track t { file "tone.wav"  gain -20 dB
      automate gain { 0.5 s -20 dB; 2.5 s 0 dB } }`, FILES);
    const f0 = 0.5 * FS;
    const f1 = 2.5 * FS;
    const db = (n: number) => (n < f0 ? -20 : n >= f1 ? 0 : -20 + (20 * (n - f0)) / (f1 - f0));
    const gain = (n: number) => dbToGain(db(n));
    expect(worstDb(L!, TONE, gain, 0, LEN)).toBeLessThan(0.01);
    expect(worstDb(R!, TONE, gain, 0, LEN)).toBeLessThan(0.01);
    // Not a constant gain that happens to pass: the middle of the ramp is at -10 dB.
    expect(worstDb(L!, TONE, () => dbToGain(-10), 1.5 * FS - 4, 1.5 * FS + 4)).toBeLessThan(0.01);
  });

  test('a hold step lands on the exact sample of its point, off the 32-frame grid', async () => {
    // 1.0002 s is frame 48009.6: the point lands on frame 48010.
    const [L] = await renderMix(`track t { file "tone.wav"
      automate gain { 0 s 0 dB hold; 1.0002 s -6 dB } }`, FILES);
    const step = Math.round(1.0002 * FS);
    expect(step % 32).not.toBe(0);
    for (let n = step - 40; n < step; n++) expect(L![n]).toBe(TONE[n]);
    const g = dbToGain(-6);
    for (let n = step; n < step + 40; n++) expect(L![n]).toBeCloseTo(TONE[n]! * g, 12);
  });

  test('a segment to -inf dB fades in amplitude: half way is half the level', async () => {
    const [L] = await renderMix(`track t { file "tone.wav"
      automate gain { 1 s 0 dB; 2 s -inf dB } }`, FILES);
    expect(worstDb(L!, TONE, (n) => (n < FS ? 1 : n >= 2 * FS ? 0 : 1 - (n - FS) / FS), 0, 2 * FS - 480)).toBeLessThan(0.01);
    expect(L!.subarray(2 * FS).every((v) => v === 0)).toBe(true);
  });

  test('smooth follows the cosine S-curve in dB; the written gain holds before the first point', async () => {
    const [L] = await renderMix(`track t { file "tone.wav"  gain -3 dB
      automate gain { 1 s -12 dB smooth; 3 s 0 dB } }`, FILES);
    const db = (n: number) => {
      if (n < FS) return -3;
      if (n >= 3 * FS) return 0;
      const x = (n - FS) / (2 * FS);
      return -12 + 12 * (1 - Math.cos(Math.PI * x)) / 2;
    };
    expect(worstDb(L!, TONE, (n) => dbToGain(db(n)), 0, LEN)).toBeLessThan(0.01);
  });

  test('trim and a post-fader send move with their lanes; the written settings hold before the first point', async () => {
    const [L] = await renderMix(`track t { file "tone.wav"  trim -6 dB
      automate trim { 1 s -6 dB; 2 s 0 dB } }`, FILES);
    expect(worstDb(L!, TONE, (n) => dbToGain(n < FS ? -6 : n >= 2 * FS ? 0 : -6 + (6 * (n - FS)) / FS), 0, LEN)).toBeLessThan(0.01);
    const [S] = await renderMix(`track t { file "tone.wav"  gain -inf dB  send fx -30 dB pre
      automate send fx { 1 s -30 dB; 3 s -10 dB } }
      bus fx { }`, FILES);
    expect(worstDb(S!, TONE, (n) => dbToGain(n < FS ? -30 : n >= 3 * FS ? -10 : -30 + (20 * (n - FS)) / (2 * FS)), 0, LEN)).toBeLessThan(0.01);
  });
});

describe('pan and mute lanes', () => {
  test('a pan lane on a mono source follows the constant-power law along its ramp', async () => {
    const [L, R] = await renderMix(`track t { file "mono.wav"
      pan -100%
      automate pan { 1 s -100%; 3 s +100% } }`, FILES);
    const pan = (n: number) => (n < FS ? -1 : n >= 3 * FS ? 1 : -1 + (2 * (n - FS)) / (2 * FS));
    const theta = (n: number) => ((pan(n) + 1) * Math.PI) / 4;
    let worst = 0;
    for (let n = 0; n < LEN; n++) {
      worst = Math.max(worst, Math.abs(L![n]! - TONE[n]! * Math.cos(theta(n))), Math.abs(R![n]! - TONE[n]! * Math.sin(theta(n))));
    }
    // Between nodes 128 frames apart the law is interpolated linearly: within 10⁻⁶ of full scale (−120 dB).
    expect(worst).toBeLessThan(1e-6);
    expect(worst).toBeGreaterThan(0); // and it is an interpolation, not the law at every sample
  });

  test('a mute lane switches over 5 ms from its points, and mutes pre-fader sends too', async () => {
    const [L] = await renderMix(`track t { file "tone.wav"  send fx -inf dB
      automate mute { 1 s on; 2 s off } }
      bus fx { }`, FILES);
    const ramp = 0.005 * FS;
    for (let n = FS - 50; n <= FS; n++) expect(L![n]).toBe(TONE[n]);
    expect(Math.abs(L![FS + ramp / 2]!)).toBeLessThanOrEqual(Math.abs(TONE[FS + ramp / 2]!) * 0.5 + 1e-12);
    expect(L!.subarray(FS + ramp, 2 * FS).every((v) => v === 0)).toBe(true);
    for (let n = 2 * FS + ramp; n < 2 * FS + ramp + 100; n++) expect(L![n]).toBe(TONE[n]);
    const [P] = await renderMix(`track t { file "tone.wav"  gain -inf dB  send fx 0 dB pre
      automate mute { 1 s on } }
      bus fx { }`, FILES);
    expect(P![FS - 10]).toBe(TONE[FS - 10]);
    expect(P!.subarray(FS + ramp).every((v) => v === 0)).toBe(true);
  });
});

/** RBJ peaking EQ in float64, after the cookbook, independent of the engine's own code. */
function bellCoefficients(f: number, gainDb: number, q: number) {
  const w0 = (2 * Math.PI * f) / FS;
  const A = Math.pow(10, gainDb / 40);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha / A;
  return { b0: (1 + alpha * A) / a0, b1: (-2 * Math.cos(w0)) / a0, b2: (1 - alpha * A) / a0, a1: (-2 * Math.cos(w0)) / a0, a2: (1 - alpha / A) / a0 };
}

describe('processor lanes', () => {
  test('a swept bell band matches a float64 reference of the documented scheme within -90 dB, and an ideal per-sample redesign within -60 dB', async () => {
    const [L, R] = await renderMix(`track t { file "noise.wav"
      eq { bell sweep 200 Hz +9 dB q 2 }
      automate sweep.freq { 0.5 s 200 Hz; 3.5 s 8 kHz } }`, FILES);
    const f0 = 0.5 * FS;
    const f1 = 3.5 * FS;
    // The frequency moves in octaves.
    const freqAt = (n: number) => (n < f0 ? 200 : n >= f1 ? 8000 : 200 * Math.pow(8000 / 200, (n - f0) / (f1 - f0)));
    type C = ReturnType<typeof bellCoefficients>;
    const lerp = (a: C, b: C, x: number): C => ({
      b0: a.b0 + (b.b0 - a.b0) * x, b1: a.b1 + (b.b1 - a.b1) * x, b2: a.b2 + (b.b2 - a.b2) * x, a1: a.a1 + (b.a1 - a.a1) * x, a2: a.a2 + (b.a2 - a.a2) * x,
    });
    /**
     * docs/engine.md §20: exact designs at the points and every 128 frames of the timeline between them; in between, the
     * coefficients move in straight lines, one step every 32 frames from the design before.
     */
    const scheme = (n: number): C => {
      if (n < f0 || n >= f1) return bellCoefficients(freqAt(n), 9, 2);
      const d0 = Math.max(f0, Math.floor(n / 128) * 128);
      const d1 = Math.min(f1, Math.floor(n / 128) * 128 + 128);
      const s = d0 + Math.floor((n - d0) / 32) * 32;
      return lerp(bellCoefficients(freqAt(d0), 9, 2), bellCoefficients(d1 === f1 ? 8000 : freqAt(d1), 9, 2), (s - d0) / (d1 - d0));
    };
    const filter = (x: Float64Array, coefficientsAt: (n: number) => C) => {
      const y = new Float64Array(LEN);
      let z1 = 0;
      let z2 = 0;
      for (let n = 0; n < LEN; n++) {
        const c = coefficientsAt(n);
        const v = c.b0 * x[n]! + z1;
        z1 = c.b1 * x[n]! - c.a1 * v + z2;
        z2 = c.b2 * x[n]! - c.a2 * v;
        y[n] = v;
      }
      return y;
    };
    const residualDb = (a: Float64Array, b: Float64Array) => {
      let diff = 0;
      let power = 0;
      for (let n = 0; n < LEN; n++) {
        diff += (a[n]! - b[n]!) ** 2;
        power += b[n]! ** 2;
      }
      return 10 * Math.log10(diff / power);
    };
    for (const [out, x] of [[L!, NOISE_L], [R!, NOISE_R]] as const) {
      expect(residualDb(out, filter(x, scheme))).toBeLessThan(-90);
      expect(residualDb(out, filter(x, (n) => bellCoefficients(freqAt(n), 9, 2)))).toBeLessThan(-60);
    }
  });

  test('a lane that holds the written value sounds exactly like no lane', async () => {
    const text = (lane: string) => `track t { file "noise.wav"
      eq tone { bell mid 1 kHz -4 dB; highpass low 80 Hz }
      comp glue { threshold -30 dB; ratio 4:1; attack 5 ms }
      ${lane} }`;
    const [a] = await renderMix(text(''), FILES);
    const [b] = await renderMix(text('automate glue.threshold { 1 s -30 dB }\nautomate mid.gain { 1 s -4 dB }'), FILES);
    expect(b).toEqual(a);
  });

  test('a compressor retuned by its lane keeps its envelope and settles where a static one would', async () => {
    const text = (settings: string, lane = '') => `track t { file "noise.wav"
      comp glue { ${settings}; ratio 8:1; attack 1 ms; release 20 ms } ${lane} }`;
    const [moved] = await renderMix(text('threshold -40 dB', 'automate glue.threshold { 1 s -40 dB; 1.5 s -10 dB }'), FILES);
    const [low] = await renderMix(text('threshold -40 dB'), FILES);
    const [high] = await renderMix(text('threshold -10 dB'), FILES);
    // Before the lane moves: the written threshold; long after its last point: the new one.
    for (let n = 0; n < FS; n++) expect(moved![n]).toBe(low![n]);
    let worst = 0;
    for (let n = 2 * FS; n < LEN; n++) worst = Math.max(worst, Math.abs(moved![n]! - high![n]!));
    expect(worst).toBeLessThan(1e-9);
    // In between, no step: no sample-to-sample change larger than the signal's own.
    let jump = 0;
    let own = 0;
    for (let n = FS; n < 1.5 * FS; n++) {
      jump = Math.max(jump, Math.abs(moved![n]! - moved![n - 1]!));
      own = Math.max(own, Math.abs(NOISE_L[n]! - NOISE_L[n - 1]!));
    }
    expect(jump).toBeLessThanOrEqual(own);
  });
});

describe('determinism', () => {
  const MIX = `tempo 120 bpm
    track a { file "noise.wav"  gain -3 dB  send fx -12 dB
      eq tone { bell mid 1 kHz -4 dB q 1.4; highpass low 80 Hz }
      comp glue { threshold -24 dB }
      automate gain { bar 1 -3 dB linear; bar 2 beat 3 +2 dB smooth; bar 5 -6 dB hold; bar 6 0 dB }
      automate pan { 0.3 s -40% smooth; 3.1 s +60% }
      automate send fx { 1 s -12 dB; 2 s -3 dB; 2.5 s -inf dB }
      automate mid.freq { 0.2 s 300 Hz; 3 s 3 kHz }
      automate glue.threshold { 1 s -24 dB; 3 s -10 dB }
      automate mute { 3.3 s on; 3.6 s off } }
    track b { file "mono.wav"  limit { ceiling -3 dBFS }  automate limit#1.ceiling { 1 s -3 dBFS; 2 s -12 dBFS } }
    bus fx { eq { lowpass 5 kHz } }`;

  test('block sizes 37, 128 and 4096 give the same samples', async () => {
    const a = await renderMix(MIX, FILES, { blockSize: 128 });
    const b = await renderMix(MIX, FILES, { blockSize: 37 });
    const c = await renderMix(MIX, FILES, { blockSize: 4096 });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  test('lanes are functions of the timeline: a render started mid-song, off the grid, matches the whole one there', async () => {
    // Nothing with memory here (no filter, no compressor), so the only thing a cold start could change is the automation.
    const stateless = `track a { file "noise.wav"  send fx -12 dB
        automate gain { 0.5 s 0 dB; 2 s -9 dB smooth; 3 s +3 dB }
        automate pan { 0.3 s -40%; 3.1 s +60% }
        automate send fx { 1 s -12 dB; 2.5 s -inf dB } }
      bus fx { }`;
    const whole = await renderMix(stateless, FILES, { blockSize: 1000 });
    const start = 1.7 * FS + 13;
    const part = await renderMix(stateless, FILES, { blockSize: 128, start, frames: FS });
    expect(part[0]).toEqual(whole[0]!.subarray(start, start + FS));
    expect(part[1]).toEqual(whole[1]!.subarray(start, start + FS));
  });
});
