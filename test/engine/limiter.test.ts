/**
 * The lookahead limiter: no output sample above a dBFS ceiling (exactly), the
 * true peak of the output within ceiling + 0.1 dB for a dBTP ceiling (measured
 * by ffmpeg's ebur128 and by a near-ideal oversampler written here), bit-exact
 * transparency below the ceiling, and the release time constant.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noise as fixtureNoise } from './fixtures.js';
import { BiquadChain, butterworthQs, rbj, Limiter, type LimiterParams, TruePeakDetector } from '../../engine/src/index.js';

const FS = 48000;
const amp = (d: number): number => Math.pow(10, d / 20);
const db = (a: number): number => 20 * Math.log10(a);

// ---------------------------------------------------------------------------
// Signals

/** Deterministic uniform noise in [-1, 1) (mulberry32), shared with the other engine tests. */
const noise = (frames: number, seed: number): Float64Array => fixtureNoise(frames, seed, 1);

const CONTENT = FS / 2;
const FADE = 96;
/** Silence after the content, longer than any latency, so the output holds the whole limited signal. */
const TAIL = 2400;

/**
 * CONTENT frames of f(i) with 2 ms raised-cosine fades at both ends, then
 * TAIL frames of silence: no true-peak meter sees a cut-off edge.
 */
function signal(f: (i: number) => number): Float64Array {
  const out = new Float64Array(CONTENT + TAIL);
  for (let i = 0; i < CONTENT; i++) {
    const edge = Math.min(i, CONTENT - 1 - i);
    const w = edge < FADE ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / FADE) : 1;
    out[i] = w * f(i);
  }
  return out;
}

/** An 8th-order Butterworth low pass (the band limit of "audio-band" test signals), then a gain. */
function lowpass(x: Float64Array, freq: number, gain: number): Float64Array {
  const y = x.slice();
  new BiquadChain(butterworthQs(8).qs.map((q) => rbj('lowpass', freq, q, 0, FS)), 1).process([y], y.length);
  for (let i = 0; i < y.length; i++) y[i] = y[i]! * gain;
  return y;
}

const N = Array.from({ length: 23 }, (_, seed) => noise(CONTENT, seed));
const sine = (freq: number, a: number, phase = 0) => signal((i) => a * Math.sin((2 * Math.PI * freq * i) / FS + phase));

/**
 * Signals whose content stays in the audio band (to 20 kHz), plus steady
 * sines up to just under fs/2: every true-peak meter should agree on these.
 */
const AUDIO_BAND: [string, Float64Array[]][] = [
  ['noise to 20 kHz, peaks ≈ +4 dBFS', [lowpass(signal((i) => N[1]![i]!), 20000, 1.5), lowpass(signal((i) => N[2]![i]!), 20000, 1.5)]],
  ['noise to 20 kHz, peaks ≈ +12 dBFS', [lowpass(signal((i) => N[3]![i]!), 20000, 4), lowpass(signal((i) => N[4]![i]!), 20000, 4)]],
  ['sines at +6 dBFS (1 kHz, 10 kHz)', [sine(1000, 2), sine(10000, 2, 1)]],
  ['sine at fs/4, 45°, 0 dBFS sample peak (+3 dBTP)', [sine(FS / 4, Math.SQRT2, Math.PI / 4), sine(FS / 4, Math.SQRT2, Math.PI / 4)]],
  ['sines near fs/2 (21, 23, 23.9 kHz)', [sine(21000, 1, 0.3), signal((i) => Math.sin((2 * Math.PI * 23000 * i) / FS) + 0.5 * Math.sin((2 * Math.PI * 23900 * i) / FS + 1))]],
  ['square wave, band-limited to 20 kHz', [lowpass(signal((i) => (Math.floor(i / 48) % 2 ? 1.5 : -1.5)), 20000, 1), lowpass(signal((i) => (Math.floor(i / 61) % 2 ? 1.2 : -1.2)), 20000, 1)]],
  ['drum-like bursts to 20 kHz', [lowpass(signal((i) => (i % 4800 < 480 ? 3 * N[5]![i]! * Math.exp(-(i % 4800) / 100) : 0)), 20000, 1), signal(() => 0)]],
  ['single-sample impulses and doublets', [signal((i) => (i % 4800 === 100 ? 4 : i % 4800 === 2500 ? -3 : 0)), signal((i) => (i % 3000 === 7 ? 4 : i % 3000 === 8 ? -4 : 0.01 * Math.sin(i / 10)))]],
];

/**
 * Signals with strong content all the way to fs/2. True-peak interpolators
 * differ there: the detector's is 6 dB down at fs/2 (like ffmpeg's
 * resampler, near enough), while the near-ideal one below passes content to
 * about 0.49 fs and reads full-band noise after the limiter up to 0.9 dB
 * higher. These are checked against ffmpeg only.
 */
const FULL_BAND: [string, Float64Array[]][] = [
  ['full-scale white noise', [signal((i) => N[6]![i]!), signal((i) => N[7]![i]!)]],
  ['white noise at +12 dBFS', [signal((i) => 4 * N[8]![i]!), signal((i) => 4 * N[9]![i]!)]],
  ['naive square wave', [signal((i) => (Math.floor(i / 48) % 2 ? 1.5 : -1.5)), signal((i) => (Math.floor(i / 61) % 2 ? 1.5 : -1.5))]],
  ['Nyquist bursts (3, −3, 3)', [signal((i) => (i % 3000 < 3 ? (i % 2 ? -3 : 3) : 0)), signal((i) => [1, 1, -1, -1][i % 4]!)]],
  ['sharp transients over noise', [signal((i) => (i % 4800 === 100 ? 4 : i % 4800 === 101 ? -4 : 0.1 * N[10]![i]!)), signal((i) => (i % 4800 < 480 ? 3 * N[11]![i]! : 0.05 * N[12]![i]!))]],
];

// ---------------------------------------------------------------------------
// Running and measuring

function run(params: LimiterParams, input: readonly Float64Array[], block = 128): { out: Float64Array[]; limiter: Limiter } {
  const limiter = new Limiter(input.length, FS, params);
  const out = input.map((x) => x.slice());
  const frames = out[0]!.length;
  for (let s = 0; s < frames; s += block) {
    const n = Math.min(block, frames - s);
    limiter.process(out.map((x) => x.subarray(s, s + n)), n);
  }
  return { out, limiter };
}

function identical(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((x, c) => x.length === b[c]!.length && x.every((v, i) => Object.is(v, b[c]![i])));
}

function samplePeak(chs: readonly Float64Array[]): number {
  let p = 0;
  for (const x of chs) for (const v of x) p = Math.max(p, Math.abs(v));
  return p;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 60; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/**
 * 4× true peak through a near-ideal interpolator: Kaiser-windowed sinc
 * (β = 10), 128 taps per phase, flat to well beyond 20 kHz at 48 kHz. Points
 * at n + p/4 for p = 0..3.
 */
function truePeakSinc(chs: readonly Float64Array[]): number {
  const Q = 64;
  const phases: Float64Array[] = [];
  for (let p = 0; p < 4; p++) {
    const taps = new Float64Array(2 * Q);
    for (let j = 0; j < 2 * Q; j++) {
      const d = j - Q + 1 - p / 4;
      const w = besselI0(10 * Math.sqrt(Math.max(0, 1 - (d / Q) ** 2))) / besselI0(10);
      taps[j] = (d === 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d)) * w;
    }
    phases.push(taps);
  }
  let peak = 0;
  for (const x of chs) {
    for (let n = 0; n < x.length; n++) {
      for (const taps of phases) {
        let acc = 0;
        const lo = Math.max(0, Q - 1 - n);
        const hi = Math.min(2 * Q, x.length - n + Q - 1);
        for (let j = lo; j < hi; j++) acc += taps[j]! * x[n - Q + 1 + j]!;
        peak = Math.max(peak, Math.abs(acc));
      }
    }
  }
  return peak;
}

const scratch = mkdtempSync(join(tmpdir(), 'mixdown-limiter-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A 64-bit float WAV, from the RIFF/WAVE layout. */
function writeWav(path: string, chs: readonly Float64Array[]): void {
  const nch = chs.length;
  const frames = chs[0]!.length;
  const h = Buffer.alloc(58);
  let o = 0;
  o += h.write('RIFF', o, 'ascii');
  o = h.writeUInt32LE(50 + frames * nch * 8, o);
  o += h.write('WAVEfmt ', o, 'ascii');
  o = h.writeUInt32LE(18, o);
  o = h.writeUInt16LE(3, o); // IEEE float
  o = h.writeUInt16LE(nch, o);
  o = h.writeUInt32LE(FS, o);
  o = h.writeUInt32LE(FS * nch * 8, o);
  o = h.writeUInt16LE(nch * 8, o);
  o = h.writeUInt16LE(64, o);
  o = h.writeUInt16LE(0, o);
  o += h.write('fact', o, 'ascii');
  o = h.writeUInt32LE(4, o);
  o = h.writeUInt32LE(frames, o);
  o += h.write('data', o, 'ascii');
  h.writeUInt32LE(frames * nch * 8, o);
  const data = Buffer.alloc(frames * nch * 8);
  for (let i = 0; i < frames; i++) for (let c = 0; c < nch; c++) data.writeDoubleLE(chs[c]![i]!, (i * nch + c) * 8);
  writeFileSync(path, Buffer.concat([h, data]));
}

/** ffmpeg's ebur128 true peak (linear; ffmpeg prints it to 0.001). */
function truePeakFfmpeg(chs: readonly Float64Array[]): number {
  const file = join(scratch, 'out.wav');
  writeWav(file, chs);
  const text = execFileSync(
    '/usr/bin/ffmpeg',
    ['-hide_banner', '-nostdin', '-i', file, '-af', 'ebur128=peak=true:metadata=1,ametadata=print:file=-', '-f', 'null', '-'],
    { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 },
  ).toString();
  const values = [...text.matchAll(/lavfi\.r128\.true_peak=([\d.]+)/g)].map((m) => Number(m[1]));
  if (values.length === 0) throw new Error('ffmpeg printed no true peak');
  return Math.max(...values);
}

// ---------------------------------------------------------------------------

const dbfs = (ceilingDb: number, lookahead = 0.0015, release = 0.05): LimiterParams => ({ ceilingDb, ceilingMode: 'dBFS', release, lookahead });
const dbtp = (ceilingDb: number, lookahead = 0.0015, release = 0.05): LimiterParams => ({ ceilingDb, ceilingMode: 'dBTP', release, lookahead });

describe('sample-peak ceiling (dBFS)', () => {
  const all = [...AUDIO_BAND, ...FULL_BAND];

  it('no output sample is above the ceiling, and the signals do reach it', () => {
    for (const ceilingDb of [0, -0.1, -1, -6]) {
      for (const lookahead of [0.0005, 0.0015, 0.01]) {
        const c = amp(ceilingDb);
        for (const [name, x] of all) {
          const { out } = run(dbfs(ceilingDb, lookahead), x);
          const peak = samplePeak(out);
          expect(peak, `${name}, ${ceilingDb} dBFS, ${lookahead * 1000} ms`).toBeLessThanOrEqual(c);
          expect(peak, name).toBeGreaterThan(c * amp(-1.5));
        }
      }
    }
  });

  it('limits by a smooth gain, not by clipping', () => {
    for (const [name, x] of all) {
      const params = dbfs(-1);
      const { out, limiter } = run(params, x);
      const box = Math.round(params.lookahead * FS) + 1;
      const d = limiter.latency;
      let steps = 0;
      let widest = 0;
      let lowest = Infinity;
      let highest = 0;
      for (let c = 0; c < x.length; c++) {
        let prev = NaN;
        for (let i = d; i < out[c]!.length; i++) {
          const xin = x[c]![i - d]!;
          if (Math.abs(xin) < 1e-3) {
            prev = NaN;
            continue;
          }
          const g = out[c]![i]! / xin;
          lowest = Math.min(lowest, g);
          highest = Math.max(highest, g);
          if (!Number.isNaN(prev)) {
            widest = Math.max(widest, Math.abs(g - prev));
            steps++;
          }
          prev = g;
        }
      }
      expect(lowest, name).toBeGreaterThan(0);
      expect(highest, name).toBeLessThanOrEqual(1);
      // A moving average over `box` frames of values in (0, 1] moves by at most 1/box a frame.
      expect(widest, name).toBeLessThanOrEqual(1 / box + 1e-12);
      expect(steps, name).toBeGreaterThan(1000);
    }
  });

  it('an isolated peak: the gain ramps down over the lookahead, holds, then releases', () => {
    // A +12 dBFS spike in a quiet tone. Its required gain r = c/4 is held for
    // L + 1 frames, averaged over L + 1 frames (a linear ramp that ends on the
    // spike), then released exponentially: 1 − g decays by α a frame.
    const k0 = 10000;
    const x = [signal((i) => (i === k0 ? 4 : 0.01 * Math.sin(i / 7)))];
    const params = dbfs(-1, 0.0015, 0.05);
    const { out, limiter } = run(params, x);
    const L = Math.round(params.lookahead * FS);
    expect(limiter.latency).toBe(L);
    const r = amp(-1) / 4;
    const alpha = Math.exp(-1 / (params.release * FS));
    const s = (j: number) => (j < k0 ? 1 : j <= k0 + L ? r : 1 - (1 - r) * alpha ** (j - k0 - L));
    let worst = 0;
    for (let n = k0 - 20; n < k0 + 3 * L + 2000; n++) {
      let g = 0;
      for (let j = n - L; j <= n; j++) g += s(j);
      g /= L + 1;
      const y = out[0]![n]!;
      const expected = g * x[0]![n - L]!;
      worst = Math.max(worst, Math.abs(y - expected));
    }
    expect(worst).toBeLessThan(1e-14);
    expect(out[0]![k0 + L]).toBeCloseTo(amp(-1), 14);
  });
});

describe('true-peak ceiling (dBTP)', () => {
  const ceilingDb = -1;
  const limit = amp(ceilingDb + 0.1);

  it('ffmpeg’s ebur128 true peak of the output ≤ ceiling + 0.1 dB, on every signal', () => {
    for (const [name, x] of [...AUDIO_BAND, ...FULL_BAND]) {
      const { out } = run(dbtp(ceilingDb), x);
      const tp = truePeakFfmpeg(out);
      expect(tp, `${name}: ${db(tp).toFixed(3)} dBTP`).toBeLessThanOrEqual(limit);
      // It limits to the ceiling, not far below it; and no sample is above it.
      expect(tp, name).toBeGreaterThan(amp(ceilingDb - 0.5));
      expect(samplePeak(out), name).toBeLessThanOrEqual(amp(ceilingDb));
    }
  });

  it('a near-ideal 4× interpolator agrees on the audio-band signals', () => {
    for (const [name, x] of AUDIO_BAND) {
      const { out } = run(dbtp(ceilingDb), x);
      const tp = truePeakSinc(out);
      expect(tp, `${name}: ${db(tp).toFixed(3)} dBTP`).toBeLessThanOrEqual(limit);
      expect(tp, name).toBeGreaterThan(amp(ceilingDb - 0.5));
    }
  });

  it('holds other ceilings and lookaheads too', () => {
    const [, noisy] = AUDIO_BAND[1]!;
    const [, isp] = AUDIO_BAND[3]!;
    for (const c of [0, -3]) {
      for (const lookahead of [0.0005, 0.005]) {
        for (const x of [noisy, isp]) {
          const { out } = run(dbtp(c, lookahead), x);
          expect(truePeakSinc(out)).toBeLessThanOrEqual(amp(c + 0.1));
          expect(samplePeak(out)).toBeLessThanOrEqual(amp(c));
        }
      }
    }
  });
});

describe('transparency and latency', () => {
  it('latency is the lookahead in frames (dBFS), plus the true-peak interpolator’s window (dBTP)', () => {
    expect(new Limiter(2, FS, dbfs(-1, 0.0015)).latency).toBe(72);
    expect(new Limiter(2, FS, dbfs(-1, 0.01)).latency).toBe(480);
    expect(new Limiter(2, 44100, dbfs(-1, 0.0015)).latency).toBe(66);
    // The detector's points for input frame n depend on frames n − 2·latency + 1 .. n.
    const window = 2 * new TruePeakDetector(1).latency;
    expect(new Limiter(2, FS, dbtp(-1, 0.0015)).latency).toBe(72 + window - 1);
  });

  it('below the ceiling the output is the input delayed by `latency`, bit for bit', () => {
    const cases: [LimiterParams, Float64Array[]][] = [
      [dbfs(-1), [sine(997, amp(-1.01)), signal((i) => 0.5 * N[20]![i]!)]],
      [dbfs(0), [signal((i) => N[21]![i]! * 0.999), sine(50, 1)]],
      [dbtp(-1), [sine(997, amp(-3)), lowpass(signal((i) => N[22]![i]!), 16000, amp(-6))]],
    ];
    for (const [params, x] of cases) {
      const { out, limiter } = run(params, x);
      const d = limiter.latency;
      for (let c = 0; c < x.length; c++) {
        for (let i = 0; i < d; i++) expect(out[c]![i]).toBe(0);
        for (let i = d; i < out[c]!.length; i++) if (out[c]![i] !== x[c]![i - d]) expect.fail(`ch ${c} frame ${i}`);
      }
      expect(limiter.gainReductionDb).toBe(0);
    }
  });
});

describe('release', () => {
  it('the gain recovers exponentially with the release time', () => {
    for (const release of [0.02, 0.05, 0.2]) {
      const burst = FS / 5;
      const frames = burst + FS * 2;
      // A square wave at +6 dBFS, then a quiet constant whose samples show the gain.
      const x = [Float64Array.from({ length: frames }, (_, i) => (i < burst ? (Math.floor(i / 24) % 2 ? 2 : -2) : 0.1))];
      const params = dbfs(-1, 0.0015, release);
      const { out, limiter } = run(params, x);
      const d = limiter.latency;
      const deficit = (t: number) => {
        const i = burst + d + Math.round(t * FS);
        return 1 - out[0]![i]! / x[0]![i - d]!;
      };
      // Once the held peak has left the window (hold + ramp), 1 − gain decays as exp(−t/τ).
      const t0 = 0.005;
      expect(deficit(t0)).toBeGreaterThan(0.1);
      const ratio = deficit(t0 + release) / deficit(t0);
      expect(Math.abs(ratio * Math.E - 1), `release ${release}`).toBeLessThan(0.01);
      // And the gain reduction meter shows the gain of the latest output frame.
      const last = out[0]!.length - 1;
      expect(limiter.gainReductionDb).toBeCloseTo(-db(out[0]![last]! / x[0]![last - d]!), 9);
    }
  });

  it('reports the gain reduction for meters', () => {
    const x = [Float64Array.from({ length: FS / 10 }, (_, i) => (Math.floor(i / 24) % 2 ? 2 : -2))];
    const { limiter } = run(dbfs(-1), x);
    expect(limiter.gainReductionDb).toBeCloseTo(db(2) + 1, 9);
    limiter.process([new Float64Array(2 * FS)], 2 * FS); // 40 release times
    expect(limiter.gainReductionDb).toBe(0);
  });

  it('after a long enough quiet stretch the limiter is exactly transparent again', () => {
    const burst = FS / 10;
    const x = [Float64Array.from({ length: FS * 3 }, (_, i) => (i < burst ? 3 * Math.sin(i / 5) : 0.3 * Math.sin(i / 13)))];
    const { out, limiter } = run(dbfs(-1, 0.0015, 0.05), x);
    const d = limiter.latency;
    for (let i = FS * 2 + d; i < out[0]!.length; i++) if (out[0]![i] !== x[0]![i - d]) expect.fail(`frame ${i}`);
  });
});

describe('determinism', () => {
  const x = [AUDIO_BAND[1]![1][0]!, FULL_BAND[0]![1][1]!];

  it('block size does not change a single bit (128, 1000, whole, irregular), in both modes', () => {
    for (const params of [dbfs(-1), dbtp(-1)]) {
      const whole = run(params, x, x[0]!.length).out;
      expect(identical(run(params, x, 128).out, whole)).toBe(true);
      expect(identical(run(params, x, 1000).out, whole)).toBe(true);
      const limiter = new Limiter(2, FS, params);
      const out = x.map((v) => v.slice());
      const sizes = [1, 5, 128, 77, 4000, 3];
      for (let s = 0, k = 0; s < out[0]!.length; k++) {
        const n = Math.min(sizes[k % sizes.length]!, out[0]!.length - s);
        limiter.process(out.map((v) => v.subarray(s, s + n)), n);
        s += n;
      }
      expect(identical(out, whole)).toBe(true);
    }
  });

  it('two runs are bit-identical; reset() starts over', () => {
    const a = run(dbtp(-1), x).out;
    expect(identical(a, run(dbtp(-1), x).out)).toBe(true);
    const limiter = new Limiter(2, FS, dbtp(-1));
    const first = x.map((v) => v.slice());
    limiter.process(first, first[0]!.length);
    limiter.reset();
    const second = x.map((v) => v.slice());
    limiter.process(second, second[0]!.length);
    expect(identical(first, a)).toBe(true);
    expect(identical(second, a)).toBe(true);
  });

  it('setParams: ceiling and release keep the state; a new lookahead rebuilds with a new latency', () => {
    const whole = run(dbfs(-1), x).out;
    const limiter = new Limiter(2, FS, dbfs(-1));
    const out = x.map((v) => v.slice());
    limiter.process(out.map((v) => v.subarray(0, 5000)), 5000);
    limiter.setParams(dbfs(-1, 0.0015 + 1e-7)); // the same lookahead in frames: nothing to rebuild
    limiter.process(out.map((v) => v.subarray(5000)), out[0]!.length - 5000);
    expect(identical(out, whole)).toBe(true);

    // A lower ceiling mid-stream still holds at once (the final clip covers the pipe).
    const lower = new Limiter(2, FS, dbfs(-1));
    const y = x.map((v) => v.slice());
    lower.process(y.map((v) => v.subarray(0, 5000)), 5000);
    lower.setParams(dbfs(-3));
    lower.process(y.map((v) => v.subarray(5000)), y[0]!.length - 5000);
    expect(samplePeak(y.map((v) => v.subarray(5000)))).toBeLessThanOrEqual(amp(-3));

    limiter.setParams(dbfs(-1, 0.005));
    expect(limiter.latency).toBe(240);
    limiter.setParams(dbtp(-1, 0.005));
    expect(limiter.latency).toBe(240 + 2 * new TruePeakDetector(1).latency - 1);
  });
});
