/**
 * The engine's mixing semantics, each checked against an expectation
 * computed here from the design's formulas (mix-language design §4-5,
 * docs/language.md §4-5): pan law and balance, dB gains, trim and polarity,
 * sends, mute, solo, routing, mono output, clip placement, fades and cuts,
 * `trim auto`, latency compensation, determinism and block-size
 * independence. Every mix is rendered end to end: mix text → check() →
 * MixGraph over in-memory files → renderSpan.
 */
import { describe, expect, test } from 'vitest';
import { MixGraph, measureAutoTrims, renderSpan } from '../../engine/src/index.js';
import { dbToGain, memoryProvider, modelOf, noise, renderMix, rms, sine } from './fixtures.js';

const FS = 48000;
/** Frames of the 2 s test sources. */
const LEN = 2 * FS;

// ---------------------------------------------------------------------------
// Helpers

const g = dbToGain;
/** The design's mono pan law. */
const panLaw = (p: number) => {
  const theta = ((p + 1) * Math.PI) / 4;
  return { l: Math.cos(theta), r: Math.sin(theta) };
};
/** The design's stereo balance. */
const balance = (p: number) => ({ l: p > 0 ? 1 - p : 1, r: p < 0 ? 1 + p : 1 });

function scaled(x: Float64Array, k: number): Float64Array {
  return x.map((v) => v * k);
}
function sum(...xs: Float64Array[]): Float64Array {
  const out = new Float64Array(Math.max(...xs.map((x) => x.length)));
  for (const x of xs) for (let i = 0; i < x.length; i++) out[i]! += x[i]!;
  return out;
}
function zeros(n: number): Float64Array {
  return new Float64Array(n);
}
function peak(x: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p = Math.max(p, Math.abs(x[i]!));
  return p;
}

/** Largest |actual − expected| over the whole array, and where it is. */
function worst(actual: Float64Array, expected: Float64Array): { diff: number; at: number } {
  let diff = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d > diff || Number.isNaN(d)) {
      diff = d;
      at = i;
    }
  }
  return { diff, at };
}

/** Same length, and every sample within `tol` of the expectation. */
function expectSamples(actual: Float64Array | undefined, expected: Float64Array, tol = 1e-13, what = 'samples'): void {
  expect(actual, what).toBeDefined();
  expect(actual!.length, `${what}: length`).toBe(expected.length);
  const w = worst(actual!, expected);
  expect(w.diff, `${what}: worst difference at frame ${w.at} (actual ${actual![w.at]}, expected ${expected[w.at]})`).toBeLessThanOrEqual(tol);
}

/** Bit-for-bit equality of two planar renders. */
function sameBits(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((x, c) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(b[c]!.buffer, b[c]!.byteOffset, b[c]!.byteLength)));
}

// Test sources (2 s each unless stated).
const X = noise(LEN, 1, 0.5); // mono
const Y: [Float64Array, Float64Array] = [noise(LEN, 2, 0.5), noise(LEN, 3, 0.5)]; // stereo
const A: [Float64Array, Float64Array] = [noise(LEN, 4, 0.3), noise(LEN, 5, 0.3)];
const B: [Float64Array, Float64Array] = [noise(LEN, 6, 0.3), noise(LEN, 7, 0.3)];
const C: [Float64Array, Float64Array] = [noise(LEN, 8, 0.3), noise(LEN, 9, 0.3)];
const D: [Float64Array, Float64Array] = [noise(LEN, 10, 0.3), noise(LEN, 11, 0.3)];
const FILES = { 'x.wav': [X], 'y.wav': Y, 'a.wav': A, 'b.wav': B, 'c.wav': C, 'd.wav': D };

// ---------------------------------------------------------------------------

describe('pan law (mono) and balance (stereo)', () => {
  test.each([-1, -0.6, 0, 0.35, 1])('a mono track at pan %s: L = cos θ·x, R = sin θ·x with θ = (p+1)π/4', async (p) => {
    const [L, R] = await renderMix(`track t { file "x.wav"  pan ${p * 100}% }`, FILES);
    const { l, r } = panLaw(p);
    expectSamples(L, scaled(X, l), 1e-15, 'L');
    expectSamples(R, scaled(X, r), 1e-15, 'R');
  });

  test('centre is -3 dB on each side (cos π/4), and the power is the same at every position', async () => {
    const [L, R] = await renderMix(`track t { file "x.wav" }`, FILES);
    expect(20 * Math.log10(rms(L!) / rms(X))).toBeCloseTo(-3.0103, 4);
    expect(20 * Math.log10(rms(R!) / rms(X))).toBeCloseTo(-3.0103, 4);
    for (const p of [-0.8, 0.45]) {
      const [l, r] = await renderMix(`track t { file "x.wav"  pan ${p * 100}% }`, FILES);
      const power = sum(l!.map((v) => v * v), r!.map((v) => v * v));
      expectSamples(power, X.map((v) => v * v), 1e-15, `L² + R² at pan ${p}`);
    }
  });

  test('hard left puts everything left: R is exactly silent', async () => {
    const [L, R] = await renderMix(`track t { file "x.wav"  pan -100% }`, FILES);
    expectSamples(L, X, 0, 'L');
    expectSamples(R, zeros(LEN), 0, 'R');
  });

  test('hard right puts everything right', async () => {
    const [L, R] = await renderMix(`track t { file "x.wav"  pan 100% }`, FILES);
    expectSamples(R, X, 0, 'R');
    expect(peak(L!)).toBeLessThan(1e-15); // cos(π/2) rounds to 6e-17
  });

  test.each([-1, -0.5, 0, 0.25, 1])('a stereo track at pan %s is balanced: one side scaled by 1 − |p|', async (p) => {
    const [L, R] = await renderMix(`track t { file "y.wav"  pan ${p * 100}% }`, FILES);
    const { l, r } = balance(p);
    expectSamples(L, scaled(Y[0], l), 0, 'L');
    expectSamples(R, scaled(Y[1], r), 0, 'R');
  });

  test('a track with a mono and a stereo file is stereo: the mono file sits equally on both sides, then balance applies', async () => {
    const [L, R] = await renderMix(`track t { file "x.wav"  file "y.wav"  pan -50% }`, FILES);
    expectSamples(L, sum(X, Y[0]), 1e-15, 'L');
    expectSamples(R, scaled(sum(X, Y[1]), 0.5), 1e-15, 'R');
  });
});

describe('levels: fader, trim, polarity, clip gain', () => {
  test.each([3.5, -12.25, 24])('gain %s dB multiplies by 10^(dB/20)', async (db) => {
    const [L, R] = await renderMix(`track t { file "y.wav"  gain ${db} dB }`, FILES);
    expectSamples(L, scaled(Y[0], g(db)), 1e-14, 'L');
    expectSamples(R, scaled(Y[1], g(db)), 1e-14, 'R');
  });

  test('gain -inf dB silences the channel', async () => {
    const [L, R] = await renderMix(`track t { file "y.wav"  gain -inf dB }\ntrack u { file "a.wav" }`, FILES);
    expectSamples(L, A[0], 0, 'L');
    expectSamples(R, A[1], 0, 'R');
  });

  test('trim -4 dB with polarity invert gives -10^(-4/20)·x, and trim multiplies with the fader', async () => {
    const [L, R] = await renderMix(`track t { file "y.wav"  trim -4 dB  polarity invert }`, FILES);
    expectSamples(L, scaled(Y[0], -g(-4)), 1e-15, 'L');
    expectSamples(R, scaled(Y[1], -g(-4)), 1e-15, 'R');
    const [L2] = await renderMix(`track t { file "y.wav"  trim +7 dB  gain -3 dB }`, FILES);
    expectSamples(L2, scaled(Y[0], g(7) * g(-3)), 1e-14, 'trim and fader');
  });

  test('trim -inf dB silences the channel', async () => {
    const [L] = await renderMix(`track t { file "y.wav"  trim -inf dB }\ntrack u { file "a.wav" }`, FILES);
    expectSamples(L, A[0], 0, 'L');
  });

  test('polarity invert on a bus flips what passes through it', async () => {
    const [L, R] = await renderMix(`track t { file "y.wav"  to grp }\nbus grp { polarity invert  gain -2 dB }`, FILES);
    expectSamples(L, scaled(Y[0], -g(-2)), 1e-15, 'L');
    expectSamples(R, scaled(Y[1], -g(-2)), 1e-15, 'R');
  });

  test('a clip\'s gain scales that clip', async () => {
    const [L] = await renderMix(`track t { clip "y.wav" gain -6 dB\nclip "a.wav" }`, FILES);
    expectSamples(L, sum(scaled(Y[0], g(-6)), A[0]), 1e-15, 'L');
  });
});

describe('sends', () => {
  // The track's own output goes to a muted bus, so the master hears only the send.
  const sendMix = (send: string, fader = '-6 dB', pan = '-50%') => `
    track t { file "x.wav"  gain ${fader}  pan ${pan}  to sink  send fx ${send} }
    bus sink { mute }
    bus fx { }`;

  test('a send is post-fader and post-pan: fader, pan and send level all apply', async () => {
    const [L, R] = await renderMix(sendMix('-10 dB'), FILES);
    const { l, r } = panLaw(-0.5);
    expectSamples(L, scaled(X, g(-6) * l * g(-10)), 1e-15, 'L');
    expectSamples(R, scaled(X, g(-6) * r * g(-10)), 1e-15, 'R');
  });

  test('a pre-fader send ignores the fader and the pan (a mono track spreads to both sides like a centred pan)', async () => {
    const expected = scaled(X, Math.SQRT1_2 * g(-10));
    for (const [fader, pan] of [['-6 dB', '-50%'], ['+12 dB', '100%'], ['-40 dB', '-100%']] as const) {
      const [L, R] = await renderMix(sendMix('-10 dB pre', fader, pan), FILES);
      expectSamples(L, expected, 1e-15, `L with fader ${fader} pan ${pan}`);
      expectSamples(R, expected, 1e-15, `R with fader ${fader} pan ${pan}`);
    }
  });

  test('a pre-fader send still sounds when the fader is at -inf dB', async () => {
    // Design §4: `pre` taps before the fader; only mute silences sends.
    const [L, R] = await renderMix(sendMix('-10 dB pre', '-inf dB'), FILES);
    const expected = scaled(X, Math.SQRT1_2 * g(-10));
    expectSamples(L, expected, 1e-15, 'L');
    expectSamples(R, expected, 1e-15, 'R');
  });

  test('a stereo track\'s pre-fader send carries both sides unbalanced', async () => {
    const [L, R] = await renderMix(`
      track t { file "y.wav"  gain -20 dB  pan 100%  to sink  send fx 0 dB pre }
      bus sink { mute }
      bus fx { }`, FILES);
    expectSamples(L, Y[0], 0, 'L');
    expectSamples(R, Y[1], 0, 'R');
  });

  test('a send at -inf dB is silent; the track\'s own output is unaffected', async () => {
    const [L, R] = await renderMix(`track t { file "y.wav"  send fx -inf dB }\nbus fx { }`, FILES);
    expectSamples(L, Y[0], 0, 'L');
    expectSamples(R, Y[1], 0, 'R');
  });

  test('a channel may both route and send to the same bus: the two add', async () => {
    const [L] = await renderMix(`track t { file "y.wav"  to grp  send grp -6 dB }\nbus grp { }`, FILES);
    expectSamples(L, scaled(Y[0], 1 + g(-6)), 1e-15, 'L');
  });
});

// ---------------------------------------------------------------------------
// A reference compressor: Giannoulis, Massberg & Reiss (JAES 2012), log domain,
// smooth branching peak detector, exactly as design §5 writes it.

interface CompSettings {
  readonly threshold: number;
  readonly ratio: number;
  readonly knee: number;
  readonly attack: number;
  readonly release: number;
  readonly makeup: number;
  readonly mix: number;
}

function staticCurve(x: number, T: number, R: number, W: number): number {
  if (2 * (x - T) < -W) return x;
  if (W > 0 && Math.abs(2 * (x - T)) <= W) return x + ((1 / R - 1) * (x - T + W / 2) ** 2) / (2 * W);
  return T + (x - T) / R;
}

/** The per-sample factor the compressor applies, from the key's channels. */
function compressorFactors(key: readonly Float64Array[], s: CompSettings): Float64Array {
  const aA = Math.exp(-1 / (s.attack * FS));
  const aR = Math.exp(-1 / (s.release * FS));
  const out = new Float64Array(key[0]!.length);
  let y = 0;
  for (let n = 0; n < out.length; n++) {
    let a = 0;
    for (const k of key) a = Math.max(a, Math.abs(k[n]!));
    const x = a > 0 ? Math.max(-200, 20 * Math.log10(a)) : -200;
    const gr = x - staticCurve(x, s.threshold, s.ratio, s.knee);
    y = gr > y ? aA * y + (1 - aA) * gr : aR * y + (1 - aR) * gr;
    out[n] = 1 - s.mix + s.mix * g(-y + s.makeup);
  }
  return out;
}

/** Decaying 60 Hz bursts, four a second, peaking near 0.9: a kick. */
const KICK = (() => {
  const out = new Float64Array(LEN);
  for (let i = 0; i < LEN; i++) {
    const t = (i % (FS / 4)) / FS;
    out[i] = 0.9 * Math.exp(-t / 0.05) * Math.sin(2 * Math.PI * 60 * t);
  }
  return out;
})();
const TONE = sine(LEN, 1000, FS, 0.25);
const COMP: CompSettings = { threshold: -20, ratio: 4, knee: 6, attack: 0.001, release: 0.05, makeup: 0, mix: 1 };
const COMP_TEXT = 'comp { threshold -20 dB  ratio 4:1  knee 6 dB  attack 1 ms  release 50 ms  sidechain kick }';

describe('mute', () => {
  test('a muted track is silent, and so are its post- and pre-fader sends', async () => {
    const [L, R] = await renderMix(`
      track m { file "y.wav"  mute  send fx 0 dB  send fx2 0 dB pre }
      track u { file "a.wav" }
      bus fx { }
      bus fx2 { }`, FILES);
    expectSamples(L, A[0], 0, 'L');
    expectSamples(R, A[1], 0, 'R');
  });

  test('a muted bus silences everything routed through it', async () => {
    const [L] = await renderMix(`
      track a { file "a.wav"  to grp }
      track b { file "b.wav" }
      bus grp { mute }`, FILES);
    expectSamples(L, B[0], 0, 'L');
  });

  test('a muted track still keys a side-chain: the tone ducks under the kick exactly as the design\'s compressor does', async () => {
    const files = { 'kick.wav': [KICK], 'tone.wav': [TONE] };
    const [L, R] = await renderMix(`
      track kick { file "kick.wav"  mute }
      track tone { file "tone.wav"  ${COMP_TEXT} }`, files);
    const factors = compressorFactors([KICK], COMP);
    const expected = TONE.map((v, i) => v * factors[i]! * Math.SQRT1_2);
    expectSamples(L, expected, 1e-9 * peak(expected), 'L');
    expectSamples(R, expected, 1e-9 * peak(expected), 'R');
    // It really ducks: more than 6 dB of gain reduction under each kick.
    expect(Math.min(...factors)).toBeLessThan(g(-6));
  });

  test('the key is taken after trim and polarity and before the fader and pan of the keying channel', async () => {
    const files = { 'kick.wav': [KICK], 'tone.wav': [TONE] };
    const [L, R] = await renderMix(`
      track kick { file "kick.wav"  trim -6 dB  polarity invert  gain -12 dB  pan 80% }
      track tone { file "tone.wav"  ${COMP_TEXT} }`, files);
    const factors = compressorFactors([scaled(KICK, -g(-6))], COMP);
    const tone = TONE.map((v, i) => v * factors[i]! * Math.SQRT1_2);
    const kick = panLaw(0.8);
    const kickOut = scaled(KICK, -g(-6) * g(-12));
    expectSamples(L, sum(tone, scaled(kickOut, kick.l)), 1e-9, 'L');
    expectSamples(R, sum(tone, scaled(kickOut, kick.r)), 1e-9, 'R');
  });

  test('a stereo key through a limiter\'s lookahead stays aligned with the signal it compresses', async () => {
    // The key is the louder of the kick's two sides, frame by frame; the
    // kick's limiter delays it by 5 ms, and the compressed track is delayed
    // to match, so the result is the same as with no limiter at all.
    const kickR = KICK.map((_, i) => 0.7 * (KICK[(i + 3000) % LEN] ?? 0));
    const files = { 'kick.wav': [KICK, kickR], 'tone.wav': [TONE] };
    const [L] = await renderMix(`
      track kick { file "kick.wav"  limit { ceiling 0 dBFS  lookahead 5 ms }  mute }
      track tone { file "tone.wav"  ${COMP_TEXT} }`, files);
    const factors = compressorFactors([KICK, kickR], COMP);
    const expected = TONE.map((v, i) => v * factors[i]! * Math.SQRT1_2);
    expectSamples(L, expected, 1e-9 * peak(expected), 'L');
  });

  test('a track silenced by another channel\'s solo still keys a side-chain', async () => {
    const files = { 'kick.wav': [KICK], 'tone.wav': [TONE] };
    const [L] = await renderMix(`
      track kick { file "kick.wav" }
      track tone { file "tone.wav"  solo  ${COMP_TEXT} }`, files);
    const factors = compressorFactors([KICK], COMP);
    const expected = TONE.map((v, i) => v * factors[i]! * Math.SQRT1_2);
    expectSamples(L, expected, 1e-9 * peak(expected), 'L');
  });
});

describe('solo', () => {
  test('only soloed tracks sound, each through its usual path (the buses on the way pass it on)', async () => {
    const [L, R] = await renderMix(`
      track a { file "a.wav"  solo  to grp  send fx -6 dB }
      track d { file "d.wav"  to grp }
      track b { file "b.wav" }
      track c { file "c.wav"  send fx 0 dB }
      bus grp { gain -3 dB }
      bus fx { }`, FILES);
    expectSamples(L, sum(scaled(A[0], g(-3)), scaled(A[0], g(-6))), 1e-15, 'L');
    expectSamples(R, sum(scaled(A[1], g(-3)), scaled(A[1], g(-6))), 1e-15, 'R');
  });

  test('two soloed tracks both sound; the rest is silent', async () => {
    const [L] = await renderMix(`
      track a { file "a.wav"  solo }
      track b { file "b.wav"  solo }
      track c { file "c.wav" }`, FILES);
    expectSamples(L, sum(A[0], B[0]), 1e-15, 'L');
  });

  test('soloing a bus lets its inputs through, routed and sent, and nothing else', async () => {
    const [L, R] = await renderMix(`
      track a { file "a.wav"  to grp }
      track d { file "d.wav"  to grp }
      track c { file "c.wav"  to grp  send grp -6 dB }
      track b { file "b.wav" }
      bus grp { solo  gain -2 dB }`, FILES);
    const expect2 = (side: 0 | 1) => scaled(sum(A[side], D[side], C[side], scaled(C[side], g(-6))), g(-2));
    expectSamples(L, expect2(0), 1e-15, 'L');
    expectSamples(R, expect2(1), 1e-15, 'R');
  });

  test('soloing a bus lets through what reaches it via another bus', async () => {
    const [L] = await renderMix(`
      track t { file "a.wav"  to sub }
      track u { file "b.wav" }
      bus sub { gain -1 dB  to grp }
      bus grp { solo }`, FILES);
    expectSamples(L, scaled(A[0], g(-1)), 1e-15, 'L');
  });

  test('a soloed bus is heard through the buses after it; their other inputs are silent', async () => {
    const [L] = await renderMix(`
      track a { file "a.wav"  to grp }
      track e { file "b.wav"  to out }
      bus grp { solo  to out }
      bus out { gain -4 dB }`, FILES);
    expectSamples(L, scaled(A[0], g(-4)), 1e-15, 'L');
  });
});

describe('routing', () => {
  test('track → bus → bus → master: every fader, pan, balance and polarity on the way applies', async () => {
    const [L, R] = await renderMix(`
      track t { file "x.wav"  gain -3 dB  pan 40%  to b1 }
      bus b1 { gain -2 dB  pan -20%  to b2 }
      bus b2 { gain +1 dB  pan 50%  polarity invert }
      master { gain -0.5 dB }`, FILES);
    const mono = panLaw(0.4);
    const b1 = balance(-0.2);
    const b2 = balance(0.5);
    const common = g(-3) * g(-2) * -g(1) * g(-0.5);
    expectSamples(L, scaled(X, common * mono.l * b1.l * b2.l), 1e-15, 'L');
    expectSamples(R, scaled(X, common * mono.r * b1.r * b2.r), 1e-15, 'R');
  });

  test('several inputs of a bus add up', async () => {
    const [L] = await renderMix(`
      track a { file "a.wav"  to grp }
      track b { file "b.wav"  gain -6 dB  to grp }
      track c { file "c.wav" }
      bus grp { gain -1 dB }`, FILES);
    expectSamples(L, sum(scaled(sum(A[0], scaled(B[0], g(-6))), g(-1)), C[0]), 1e-15, 'L');
  });
});

describe('output mono', () => {
  test('the render is one channel, (L + R)/2 of the stereo master, with pan ignored', async () => {
    const out = await renderMix(`
      output mono
      track m { file "x.wav"  pan 70% }
      track s { file "y.wav"  pan -50%  gain -2 dB }`, FILES);
    expect(out.length).toBe(1);
    // Pan ignored: the mono track sits at the centre, the stereo track unbalanced.
    const L = sum(scaled(X, Math.SQRT1_2), scaled(Y[0], g(-2)));
    const R = sum(scaled(X, Math.SQRT1_2), scaled(Y[1], g(-2)));
    expectSamples(out[0], sum(L, R).map((v) => v / 2), 1e-15, 'mono');
  });
});

// ---------------------------------------------------------------------------
// Clips, fades and cuts. A stereo ramp makes each sample's identity visible:
// at pan 0 and 0 dB a stereo track passes its samples through unchanged.

const RAMP_FRAMES = 3 * FS;
const RAMP: [Float64Array, Float64Array] = [
  Float64Array.from({ length: RAMP_FRAMES }, (_, i) => (i + 1) * 2 ** -18),
  Float64Array.from({ length: RAMP_FRAMES }, (_, i) => -(i + 1) * 2 ** -19),
];
const ONES_L: [Float64Array, Float64Array] = [new Float64Array(RAMP_FRAMES).fill(1), new Float64Array(RAMP_FRAMES)];
const ONES_R: [Float64Array, Float64Array] = [new Float64Array(RAMP_FRAMES), new Float64Array(RAMP_FRAMES).fill(1)];
const ONES: [Float64Array, Float64Array] = [new Float64Array(RAMP_FRAMES).fill(1), new Float64Array(RAMP_FRAMES).fill(1)];
const CLIP_FILES = { 'r.wav': RAMP, 'left.wav': ONES_L, 'right.wav': ONES_R, 'ones.wav': ONES };

/** The design's equal-power fades: length D frames centred on edge E, u from 0 to 1 across it. */
function fadeIn(t: number, edge: number, d: number): number {
  const u = (t - (edge - d / 2)) / d;
  return u <= 0 ? 0 : u >= 1 ? 1 : Math.sin((Math.PI / 2) * u);
}
function fadeOut(t: number, edge: number, d: number): number {
  const u = (t - (edge - d / 2)) / d;
  return u <= 0 ? 1 : u >= 1 ? 0 : Math.cos((Math.PI / 2) * u);
}
/** Expected output: the ramp placed at `at`, times gain(t), over `frames` timeline frames. */
function placed(side: 0 | 1, at: number, frames: number, gain: (t: number) => number): Float64Array {
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const i = t - at;
    out[t] = i >= 0 && i < RAMP_FRAMES ? RAMP[side][i]! * gain(t) : 0;
  }
  return out;
}

const EDIT_FADE = 0.005 * FS; // 240 frames

describe('clips: placement', () => {
  test('`file` plays the whole file from timeline 0, unfaded, sample for sample', async () => {
    const [L, R] = await renderMix(`track t { file "r.wav" }`, CLIP_FILES);
    expectSamples(L, RAMP[0], 0, 'L');
    expectSamples(R, RAMP[1], 0, 'R');
  });

  test('`at` puts the file\'s first sample at that time; the render runs to the end of the clip', async () => {
    const [L, R] = await renderMix(`track t { clip "r.wav" at 0.5 s }`, CLIP_FILES);
    expectSamples(L, placed(0, 24000, 24000 + RAMP_FRAMES, () => 1), 0, 'L');
    expectSamples(R, placed(1, 24000, 24000 + RAMP_FRAMES, () => 1), 0, 'R');
  });

  test('`from` and `to` are timeline times: with no fades exactly frames [from, to) sound', async () => {
    const [L] = await renderMix(`length 4 s\ntrack t { clip "r.wav" at 0.5 s from 1 s to 2 s fade 0 ms }`, CLIP_FILES);
    expectSamples(L, placed(0, 24000, 4 * FS, (t) => (t >= FS && t < 2 * FS ? 1 : 0)), 0, 'L');
  });

  test('`at` in bars and beats and `from` at a marker land on the right frames', async () => {
    // tempo 120, 4/4: bar 2 = 2 s, bar 1 beat 3 = 1 s.
    const [L] = await renderMix(`tempo 120\nmarker go bar 1 beat 3\nlength 3 s\ntrack t { clip "r.wav" at bar 1 beat 2 from go fade 0 ms to bar 2 }`, CLIP_FILES);
    expectSamples(L, placed(0, 24000, 3 * FS, (t) => (t >= FS && t < 2 * FS ? 1 : 0)), 0, 'L');
  });
});

describe('clips: fades', () => {
  test('edges cut by `from`/`to` inside the audio get 5 ms equal-power fades centred on them', async () => {
    const [L] = await renderMix(`length 3 s\ntrack t { clip "r.wav" from 1 s to 2 s }`, CLIP_FILES);
    const gain = (t: number) => fadeIn(t, FS, EDIT_FADE) * fadeOut(t, 2 * FS, EDIT_FADE);
    expectSamples(L, placed(0, 0, 3 * FS, gain), 1e-15, 'L');
    // Spot checks of the curve: silent before E − 2.5 ms, cos(π/4) at the edge, full after E + 2.5 ms.
    expect(L![FS - 121]).toBe(0);
    expect(L![FS]! / RAMP[0][FS]!).toBeCloseTo(Math.SQRT1_2, 14);
    expect(L![FS + 120]).toBe(RAMP[0][FS + 120]);
    expect(L![2 * FS]! / RAMP[0][2 * FS]!).toBeCloseTo(Math.SQRT1_2, 14);
    expect(L![2 * FS + 120]).toBe(0);
  });

  test('the file\'s own start and end get no default fade', async () => {
    // No `from`: full level from the file's first sample. No `to`: full level to its last.
    const [L] = await renderMix(`length 4 s\ntrack t { clip "r.wav" at 0.5 s to 1 s\nclip "r.wav" at 1 s from 2 s }`, CLIP_FILES);
    const first = placed(0, 24000, 4 * FS, (t) => fadeOut(t, FS, EDIT_FADE));
    const second = placed(0, FS, 4 * FS, (t) => fadeIn(t, 2 * FS, EDIT_FADE));
    expectSamples(L, sum(first, second), 1e-15, 'L');
    expect(L![24000]).toBe(RAMP[0][0]);
    expect(L![FS + RAMP_FRAMES - 1]).toBe(RAMP[0][RAMP_FRAMES - 1]);
  });

  test('a `to` at or past the file\'s end is not an edit inside the audio: the file\'s own end stays unfaded', async () => {
    // Docs §5.3: only an edge that `from`/`to` places inside the audio gets the
    // 5 ms default; here the edge is the file's own end (and the rest is silence).
    for (const to of ['3 s', '5 s']) {
      const [L] = await renderMix(`length 4 s\ntrack t { clip "r.wav" to ${to} }`, CLIP_FILES);
      expectSamples(L, placed(0, 0, 4 * FS, () => 1), 0, `L with to ${to}`);
    }
  });

  test('a written fade at the file\'s own start or end lies inside the file', async () => {
    const [L] = await renderMix(`length 4 s\ntrack t { clip "r.wav" at 0.5 s fadein 20 ms fadeout 10 ms }`, CLIP_FILES);
    const end = 24000 + RAMP_FRAMES;
    const gain = (t: number) => fadeIn(t, 24000 + 480, 960) * fadeOut(t, end - 240, 480);
    expectSamples(L, placed(0, 24000, 4 * FS, gain), 1e-15, 'L');
    expect(L![24000]).toBe(0); // the fade starts at the file's first sample
    expect(L![24000 + 960]).toBe(RAMP[0][960]);
  });

  test('two clips meeting at an edge with the same fade crossfade with constant power', async () => {
    const [L, R] = await renderMix(`track t { clip "left.wav" to 1 s fadeout 20 ms\nclip "right.wav" from 1 s fadein 20 ms }`, CLIP_FILES);
    const D = 0.02 * FS;
    // Left carries the outgoing clip's gain, right the incoming one's.
    for (let t = FS - D; t <= FS + D; t++) {
      expect(L![t]).toBeCloseTo(fadeOut(t, FS, D), 14);
      expect(R![t]).toBeCloseTo(fadeIn(t, FS, D), 14);
      expect(L![t]! ** 2 + R![t]! ** 2).toBeCloseTo(1, 14);
    }
    expect(L![FS]).toBeCloseTo(Math.cos(Math.PI / 4), 15);
    expect(R![FS]).toBeCloseTo(Math.cos(Math.PI / 4), 15);
    expect(L![FS - D / 2 - 1]).toBe(1);
    expect(R![FS - D / 2 - 1]).toBe(0);
    expect(L![FS + D / 2]).toBe(0);
    expect(R![FS + D / 2]).toBe(1);
  });

  test('`cut` silences its span with 5 ms equal-power fades centred on both edges', async () => {
    const [L, R] = await renderMix(`track t { file "ones.wav"\ncut 1 s to 1.5 s }`, CLIP_FILES);
    const expected = Float64Array.from({ length: RAMP_FRAMES }, (_, t) => fadeOut(t, FS, EDIT_FADE) + fadeIn(t, 1.5 * FS, EDIT_FADE));
    expectSamples(L, expected, 1e-15, 'L');
    expectSamples(R, expected, 1e-15, 'R');
    expect(L![FS]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(L![FS + 121]).toBe(0);
    expect(L![1.5 * FS - 121]).toBe(0);
    expect(L![1.5 * FS + 120]).toBe(1);
  });
});

describe('trim auto', () => {
  test('peak: the track\'s summed sources peak exactly at the level', async () => {
    const [L, R] = await renderMix(`track t { file "y.wav"  trim auto -6 dBFS peak }`, FILES);
    const k = g(-6) / Math.max(peak(Y[0]), peak(Y[1]));
    expectSamples(L, scaled(Y[0], k), 1e-15, 'L');
    expectSamples(R, scaled(Y[1], k), 1e-15, 'R');
    expect(Math.max(peak(L!), peak(R!))).toBeCloseTo(g(-6), 14);
  });

  test('rms: the whole file\'s RMS reads the level', async () => {
    const [L] = await renderMix(`track t { file "x.wav"  trim auto -20 dBFS rms }`, FILES);
    expect(20 * Math.log10(rms(L!) / Math.SQRT1_2)).toBeCloseTo(-20, 10);
  });

  test('rms of a clip placed later on the timeline is measured over the clip, not the silence before it', async () => {
    const [L] = await renderMix(`track t { clip "x.wav" at 1 s  trim auto -20 dBFS rms }`, FILES);
    expect(20 * Math.log10(rms(L!, FS, FS + LEN) / Math.SQRT1_2)).toBeCloseTo(-20, 10);
  });

  test('the trim acts before the fader', async () => {
    const [L] = await renderMix(`track t { file "y.wav"  trim auto -6 dBFS  gain -3 dB }`, FILES);
    expect(peak(L!)).toBeLessThanOrEqual(g(-9) * (1 + 1e-14));
    expectSamples(L, scaled(Y[0], (g(-6) / Math.max(peak(Y[0]), peak(Y[1]))) * g(-3)), 1e-15, 'L');
  });
});

describe('latency compensation', () => {
  const IMPULSE_AT = 1000;
  const impulse = (amp: number) => {
    const x = new Float64Array(FS / 2);
    x[IMPULSE_AT] = amp;
    return x;
  };
  const files = { 'a.wav': [impulse(0.5)], 'b.wav': [impulse(0.25)] };
  /** The frames of x that are not silent (above 1e-15: a hard pan's cos(π/2) leaks 6e-17). */
  const onlyNonZero = (x: Float64Array) => [...x.keys()].filter((i) => Math.abs(x[i]!) > 1e-15);

  test('a limiter\'s lookahead on one of two tracks into a bus: the impulses coincide, at the sources\' timeline frame', async () => {
    const [L, R] = await renderMix(`
      track a { file "a.wav"  limit { ceiling 0 dBFS  lookahead 5 ms }  pan -100%  to grp }
      track b { file "b.wav"  pan 100%  to grp }
      bus grp { }`, files);
    expect(L!.length).toBe(FS / 2);
    expect(onlyNonZero(L!)).toEqual([IMPULSE_AT]);
    expect(onlyNonZero(R!)).toEqual([IMPULSE_AT]);
    // The limiter is transparent below its ceiling: the impulse keeps its size.
    expect(L![IMPULSE_AT]).toBe(0.5);
    expect(R![IMPULSE_AT]).toBe(0.25);
  });

  test('sends, pre-fader sends and a limiter on the master and a bus are all aligned at timeline 0', async () => {
    const [L, R] = await renderMix(`
      track a { file "a.wav"  limit { ceiling 0 dBFS  lookahead 5 ms }  pan -100%  to grp  send fx -6 dB  send fx2 -6 dB pre }
      track b { file "b.wav"  pan 100%  to grp  send fx -6 dB }
      bus grp { limit { ceiling 0 dBFS  lookahead 2 ms } }
      bus fx { }
      bus fx2 { limit { ceiling 0 dBFS  lookahead 10 ms } }
      master { limit { ceiling 0 dBFS  lookahead 3 ms } }`, files);
    expect(onlyNonZero(L!)).toEqual([IMPULSE_AT]);
    expect(onlyNonZero(R!)).toEqual([IMPULSE_AT]);
    const pre = 0.5 * Math.SQRT1_2 * g(-6);
    expect(L![IMPULSE_AT]).toBeCloseTo(0.5 + 0.5 * g(-6) + pre, 15);
    expect(R![IMPULSE_AT]).toBeCloseTo(0.25 + 0.25 * g(-6) + pre, 15);
  });

  test('a span starting mid-timeline starts exactly there', async () => {
    const [L] = await renderMix(
      `track a { file "a.wav"  limit { ceiling 0 dBFS  lookahead 5 ms }  pan -100% }\nmaster { limit { ceiling 0 dBFS  lookahead 1 ms } }`,
      files,
      { start: 600, frames: 1000 },
    );
    expect(onlyNonZero(L!)).toEqual([IMPULSE_AT - 600]);
  });
});

// ---------------------------------------------------------------------------

const RICH = `
title "everything at once"
tempo 120
length 2 s
track kick { file "kick.wav"  eq { highpass 30 Hz  bell 60 Hz +3 dB q 1.2 }  to drums }
track tone {
  clip "tone.wav" to 1 s fade 20 ms
  clip "x.wav" from 1 s fade 20 ms
  cut 1.5 s to 1.6 s
  trim auto -12 dBFS rms
  ${COMP_TEXT}
  gain -2 dB
  pan -25%
  send verb -8 dB
  send verb2 -12 dB pre
}
track pad { file "y.wav"  eq { lowpass 6 kHz slope 48 dB/oct }  limit { ceiling -12 dBTP }  gain -6 dB  pan 30% }
bus drums { comp { threshold -18 dB  ratio 3:1  attack 5 ms  release 80 ms  mix 60% } }
bus verb { eq { bandpass 2 kHz q 0.7 } }
bus verb2 { limit { ceiling -20 dBFS  lookahead 4 ms } }
master { eq { lowshelf 100 Hz +1 dB }  comp { threshold -16 dB  ratio 2:1 }  limit { ceiling -1 dBTP  release 40 ms }  gain +6 dB }
`;
const RICH_FILES = { 'kick.wav': [KICK], 'tone.wav': [TONE], 'x.wav': [X], 'y.wav': Y };

describe('determinism and block size', () => {
  test('two renders of the same mix are bit-identical', async () => {
    const a = await renderMix(RICH, RICH_FILES);
    const b = await renderMix(RICH, RICH_FILES);
    expect(peak(a[0]!)).toBeGreaterThan(0.1);
    expect(sameBits(a, b)).toBe(true);
  });

  test('block sizes 128, 1000, 1024 and 4096 give bit-identical renders (also 128-frame blocks through a graph built for 1024)', async () => {
    const ref = await renderMix(RICH, RICH_FILES, { blockSize: 1024 });
    for (const [blockSize, maxBlock] of [[128, 128], [128, 1024], [1000, 1000], [4096, 4096]] as const) {
      const other = await renderMix(RICH, RICH_FILES, { blockSize, maxBlock });
      expect(sameBits(other, ref), `block size ${blockSize} (graph built for ${maxBlock})`).toBe(true);
    }
  });

  test('a span rendered with preroll equals the same span of the full render', async () => {
    const full = await renderMix(RICH, RICH_FILES);
    const model = modelOf(RICH);
    const provider = memoryProvider(RICH_FILES);
    const graph = new MixGraph(model, provider, { autoTrims: measureAutoTrims(model, provider) });
    const start = 30000;
    const frames = 20000;
    const got = [new Float64Array(frames), new Float64Array(frames)];
    let at = 0;
    // A preroll that reaches back to timeline 0 replays everything before the span.
    renderSpan(graph, { start, frames, preroll: start }, {
      write(chunk, n) {
        got.forEach((side, c) => side.set(chunk[c]!.subarray(0, n), at));
        at += n;
      },
    });
    expect(sameBits(got, full.map((x) => x.slice(start, start + frames)))).toBe(true);
  });
});
