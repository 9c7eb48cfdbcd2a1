/**
 * The resampler measured with test signals whose ideal output is known in
 * closed form: a sine (or a log sweep, a Gaussian tone burst, DC) evaluated
 * at the input rate goes in, and the same function evaluated at the output
 * times n/outRate is what a perfect band-limited converter gives back.
 *
 * Limits are the requirement: passband flat within 0.1 dB up to 0.9 of the
 * lower Nyquist frequency, images and aliases below −90 dB, a passband sweep
 * within −80 dB of the ideal, time alignment within half an output sample.
 */
import { describe, expect, it } from 'vitest';
import { designResampler, Resampler, type ReadInput } from '../../engine/src/index.js';
import { fitSine as fitSineParts } from './fixtures.js';

interface Case {
  readonly name: string;
  readonly inRate: number;
  readonly outRate: number;
}

const MAIN: Case[] = [
  { name: '44.1 → 48 kHz', inRate: 44100, outRate: 48000 },
  { name: '22.05 → 48 kHz', inRate: 22050, outRate: 48000 },
  { name: '96 → 48 kHz', inRate: 96000, outRate: 48000 },
  { name: '48 → 44.1 kHz', inRate: 48000, outRate: 44100 },
];

/** Ratios that take the interpolated table (large terms, irrational) and the extremes of the supported range. */
const OTHER: Case[] = [
  { name: '44.056 → 48 kHz (L/M = 6000/5507)', inRate: 44056, outRate: 48000 },
  { name: '32 kHz → 32·√2 kHz', inRate: 32000, outRate: 32000 * Math.SQRT2 },
  { name: '96 kHz → 96/√5 kHz', inRate: 96000, outRate: 96000 / Math.sqrt(5) },
  { name: '8 → 192 kHz', inRate: 8000, outRate: 192000 },
  { name: '192 → 8 kHz', inRate: 192000, outRate: 8000 },
];

const ALL = [...MAIN, ...OTHER];

const lowNyquist = (c: Case): number => Math.min(c.inRate, c.outRate) / 2;
const dB = (powerRatio: number): number => 10 * Math.log10(powerRatio);

/** A source defined by a function of time in seconds (the same function is the ideal output). */
function signalSource(rate: number, channels: number, x: (t: number, ch: number) => number): ReadInput {
  return (start, count, out) => {
    for (let ch = 0; ch < channels; ch++) {
      const o = out[ch]!;
      for (let i = 0; i < count; i++) o[i] = x((start + i) / rate, ch);
    }
  };
}

/** Output frames [0, frames) in one read. */
function resample(c: Case, channels: number, readInput: ReadInput, frames: number): Float64Array[] {
  const r = new Resampler(c.inRate, c.outRate, channels, readInput);
  const out = Array.from({ length: channels }, () => new Float64Array(frames));
  r.read(0, frames, out);
  return out;
}

/** Output frames to skip at the start: the kernel reaches back before input frame 0 (silence) there. */
function settle(c: Case): number {
  const d = designResampler(c.inRate, c.outRate);
  return Math.ceil(((d.lead + 1) * c.outRate) / c.inRate) + 8;
}

/** The sine fit (fixtures.ts): amplitude and the power of what is left. */
function fitSine(y: Float64Array, omega: number, from: number, to: number): { amplitude: number; residualPower: number } {
  const { a, b } = fitSineParts(y, omega, from, to);
  let r = 0;
  for (let n = from; n < to; n++) {
    const e = y[n]! - a * Math.sin(omega * n) - b * Math.cos(omega * n);
    r += e * e;
  }
  return { amplitude: Math.hypot(a, b), residualPower: r / (to - from) };
}

function meanSquare(y: Float64Array, from: number, to: number): number {
  let p = 0;
  for (let n = from; n < to; n++) p += y[n]! * y[n]!;
  return p / (to - from);
}

/** Half a second of output (at least 4000 frames) after the start-up region. */
function span(c: Case): { from: number; to: number } {
  const from = settle(c);
  return { from, to: from + Math.max(4000, Math.round(c.outRate / 2)) };
}

/** A sine of amplitude `amp` at `freq` on both channels (the right one shifted in phase), through the resampler. */
function sineThrough(c: Case, freq: number, amp: number): { y: Float64Array[]; from: number; to: number; omega: number } {
  const { from, to } = span(c);
  const w = 2 * Math.PI * freq;
  const y = resample(c, 2, signalSource(c.inRate, 2, (t, ch) => amp * Math.sin(w * t + ch * 1.1)), to);
  return { y, from, to, omega: w / c.outRate };
}

describe.each(ALL)('resampling $name', (c) => {
  const fl = lowNyquist(c);

  it('passes sines up to 0.9 of the lower Nyquist frequency within 0.1 dB, with nothing else above −90 dB', () => {
    const amp = 0.5;
    for (const freq of [20, 100, 1000, 0.25 * fl, 0.5 * fl, 0.75 * fl, 0.85 * fl, 0.9 * fl]) {
      const { y, from, to, omega } = sineThrough(c, freq, amp);
      for (const ch of [0, 1]) {
        const fit = fitSine(y[ch]!, omega, from, to);
        expect(Math.abs(20 * Math.log10(fit.amplitude / amp)), `${freq.toFixed(1)} Hz gain (dB)`).toBeLessThan(0.1);
        expect(dB(fit.residualPower / (amp * amp / 2)), `${freq.toFixed(1)} Hz residual (dB)`).toBeLessThan(-90);
      }
    }
  });

  if (c.outRate > c.inRate) {
    it('keeps the images of sines up to the input Nyquist frequency below −90 dB', () => {
      // The image of f sits at inRate − f: just above the lower Nyquist frequency for these.
      for (const freq of [0.92 * fl, 0.95 * fl, 0.98 * fl, 0.995 * fl]) {
        const { y, from, to, omega } = sineThrough(c, freq, 1);
        const fit = fitSine(y[0]!, omega, from, to);
        expect(dB(fit.residualPower / 0.5), `${freq.toFixed(1)} Hz`).toBeLessThan(-90);
      }
    });
  } else {
    it('keeps the aliases of sines above the output Nyquist frequency below −90 dB', () => {
      const inNyquist = c.inRate / 2;
      for (const x of [0, 0.01, 0.05, 0.2, 0.5, 0.9, 0.99]) {
        const freq = fl + x * (inNyquist - fl);
        const { y, from, to } = sineThrough(c, freq, 1);
        expect(dB(meanSquare(y[0]!, from, to) / 0.5), `${freq.toFixed(1)} Hz`).toBeLessThan(-90);
        expect(dB(meanSquare(y[1]!, from, to) / 0.5), `${freq.toFixed(1)} Hz`).toBeLessThan(-90);
      }
    });
  }

  it('follows a log sweep through the passband within −80 dB of the ideal sweep', () => {
    // 20 Hz up to the lower Nyquist frequency, judged where the sweep is below 0.9 of it. The sweep takes
    // 4 s per 22.05 kHz of lower Nyquist frequency, so that its spread around the instantaneous frequency is
    // the same fraction of the transition band at every rate.
    const f1 = 20;
    const f2 = fl;
    const seconds = (4 * 22050) / fl;
    const k = seconds / Math.log(f2 / f1);
    const sweep = (t: number): number => Math.sin(2 * Math.PI * f1 * k * (Math.exp(t / k) - 1));
    const tEnd = k * Math.log((0.9 * fl) / f1);
    const from = settle(c);
    const to = Math.floor(tEnd * c.outRate);
    const y = resample(c, 1, signalSource(c.inRate, 1, sweep), to)[0]!;
    const block = Math.max(256, Math.round(c.outRate / 50));
    let worst = -Infinity;
    let total = 0;
    for (let b = from; b < to; b += block) {
      const end = Math.min(to, b + block);
      let e = 0;
      for (let n = b; n < end; n++) {
        const d = y[n]! - sweep(n / c.outRate);
        e += d * d;
      }
      total += e;
      worst = Math.max(worst, dB(e / (end - b) / 0.5));
    }
    expect(dB(total / (to - from) / 0.5), 'whole passband').toBeLessThan(-80);
    expect(worst, 'worst 20 ms block').toBeLessThan(-80);
  });

  it('puts an impulse and a tone burst at the right output time', () => {
    const k0 = 1237; // input frame of the impulse
    const impulse = resample(c, 1, (start, count, out) => {
      const o = out[0]!;
      for (let i = 0; i < count; i++) o[i] = start + i === k0 ? 1 : 0;
    }, Math.ceil(((k0 + 200) * c.outRate) / c.inRate) + 400)[0]!;
    let peak = 0;
    for (let n = 1; n < impulse.length; n++) if (Math.abs(impulse[n]!) > Math.abs(impulse[peak]!)) peak = n;
    const expected = (k0 * c.outRate) / c.inRate;
    expect(Math.abs(peak - expected)).toBeLessThanOrEqual(0.5);

    // A Gaussian burst inside the passband, centred between input samples: estimate its delay from the
    // cross-correlation with the ideal burst, refined by a parabola through the best three lags.
    const f0 = 0.3 * fl;
    const sigma = 1 / (2 * Math.PI * 0.08 * fl);
    const t0 = 0.0503;
    const burst = (t: number): number => Math.exp(-0.5 * ((t - t0) / sigma) ** 2) * Math.sin(2 * Math.PI * f0 * (t - t0));
    const to = Math.ceil((t0 + 12 * sigma) * c.outRate);
    const y = resample(c, 1, signalSource(c.inRate, 1, burst), to)[0]!;
    const lo = Math.max(0, Math.floor((t0 - 12 * sigma) * c.outRate));
    const corr = (lag: number): number => {
      let s = 0;
      for (let n = lo; n < to; n++) s += y[n]! * burst((n - lag) / c.outRate);
      return s;
    };
    let best = 0;
    let bestValue = -Infinity;
    for (let lag = -100; lag <= 100; lag++) {
      const v = corr(lag);
      if (v > bestValue) [best, bestValue] = [lag, v];
    }
    const a = corr(best - 1);
    const b = corr(best + 1);
    const lag = best + (0.5 * (a - b)) / (a - 2 * bestValue + b);
    expect(Math.abs(lag), 'burst delay (output samples)').toBeLessThan(0.5);
    // Aligned and band-limited, the output is the ideal burst itself.
    let err = 0;
    for (let n = lo; n < to; n++) err = Math.max(err, Math.abs(y[n]! - burst(n / c.outRate)));
    expect(20 * Math.log10(err)).toBeLessThan(-80);
  });

  it('keeps DC exactly at its level', () => {
    const { from, to } = span(c);
    const y = resample(c, 2, (_start, count, out) => {
      out[0]!.fill(0.7, 0, count);
      out[1]!.fill(-0.3, 0, count);
    }, to);
    let worst = 0;
    for (let n = from; n < to; n++) worst = Math.max(worst, Math.abs(y[0]![n]! - 0.7), Math.abs(y[1]![n]! + 0.3));
    expect(worst).toBeLessThan(1e-13);
  });
});

/** Deterministic white noise in [−1, 1) (mulberry32). */
function noise(seed: number, frames: number): Float64Array {
  const x = new Float64Array(frames);
  let s = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    x[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return x;
}

/** A finite source in memory: zeros past its end, as the contract asks. Records the requests it gets. */
function bufferSource(data: Float64Array[], requests: Array<[number, number]>): ReadInput {
  return (start, count, out) => {
    requests.push([start, count]);
    data.forEach((d, ch) => {
      const o = out[ch]!;
      for (let i = 0; i < count; i++) o[i] = start + i < d.length ? d[start + i]! : 0;
    });
  };
}

function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe.each([
  { ...MAIN[0]!, channels: 2 },
  { ...MAIN[2]!, channels: 1 },
  { ...MAIN[3]!, channels: 3 },
  { ...OTHER[1]!, channels: 2 },
  { ...OTHER[2]!, channels: 1 },
])('streaming $name, $channels channel(s)', (c) => {
  const inFrames = 30000;
  const data = Array.from({ length: c.channels }, (_, ch) => noise(17 + ch, inFrames));
  const total = Resampler.outputLength(inFrames, c.inRate, c.outRate);

  const whole = (): Float64Array[] => {
    const out = Array.from({ length: c.channels }, () => new Float64Array(total));
    new Resampler(c.inRate, c.outRate, c.channels, bufferSource(data, [])).read(0, total, out);
    return out;
  };

  it('gives bit-identical output for reads of any sizes', () => {
    const reference = whole();
    const requests: Array<[number, number]> = [];
    const r = new Resampler(c.inRate, c.outRate, c.channels, bufferSource(data, requests));
    const sizes = [0, 1, 2, 3, 7, 64, 127, 128, 1000, 4095, 4097, 9000];
    const got = Array.from({ length: c.channels }, () => new Float64Array(total));
    const block = Array.from({ length: c.channels }, () => new Float64Array(9000));
    let at = 0;
    for (let i = 0; at < total; i++) {
      const n = Math.min(sizes[(i * 7) % sizes.length]!, total - at);
      r.read(at, n, block);
      for (let ch = 0; ch < c.channels; ch++) got[ch]!.set(block[ch]!.subarray(0, n), at);
      at += n;
    }
    for (let ch = 0; ch < c.channels; ch++) expect(firstDifference(got[ch]!, reference[ch]!)).toBe(-1);
    expect(requests.every(([start, count]) => start >= 0 && count > 0)).toBe(true);
  });

  it('gives the same output after seeking back and forth', () => {
    const reference = whole();
    const r = new Resampler(c.inRate, c.outRate, c.channels, bufferSource(data, []));
    const out = Array.from({ length: c.channels }, () => new Float64Array(3000));
    for (const [start, n] of [[0, 500], [20000, 3000], [100, 3000], [103, 10], [total - 700, 700], [5000, 1]] as const) {
      if (start + n > total) continue;
      r.read(start, n, out);
      for (let ch = 0; ch < c.channels; ch++) {
        expect(firstDifference(out[ch]!.subarray(0, n), reference[ch]!.subarray(start, start + n)), `at ${start}`).toBe(-1);
      }
    }
  });

  it('is deterministic: two resamplers, the same output bit for bit', () => {
    const a = whole();
    const b = whole();
    for (let ch = 0; ch < c.channels; ch++) expect(firstDifference(a[ch]!, b[ch]!)).toBe(-1);
  });
});

describe('resampler design', () => {
  it('uses the exact rational polyphase table for common rates and the interpolated table otherwise', () => {
    const d = designResampler(44100, 48000);
    expect([d.exact, d.phases, d.step]).toEqual([true, 160, 147]);
    expect(designResampler(48000, 44100).exact).toBe(true);
    expect(designResampler(44056, 48000).exact).toBe(false);
    expect(designResampler(32000, 32000 * Math.SQRT2).exact).toBe(false);
  });

  it('follows Kaiser: β = 0.1102(A − 8.7) and order ⌈(A − 8) / (2.285 Δω)⌉ for 95 dB over 0.1π', () => {
    const { lowpass } = designResampler(44100, 48000);
    expect(lowpass.beta).toBeCloseTo(0.1102 * (95 - 8.7), 12);
    expect(lowpass.order).toBe(Math.ceil(87 / (2.285 * 0.1 * Math.PI)));
  });

  it('passes equal rates through untouched', () => {
    const x = noise(3, 5000);
    const out = [new Float64Array(5000)];
    new Resampler(48000, 48000, 1, bufferSource([x], [])).read(0, 5000, out);
    expect(firstDifference(out[0]!, x)).toBe(-1);
  });

  it('counts the output frames that cover an input', () => {
    expect(Resampler.outputLength(44100, 44100, 48000)).toBe(48000);
    expect(Resampler.outputLength(1, 44100, 48000)).toBe(2);
    expect(Resampler.outputLength(3, 96000, 48000)).toBe(2);
    expect(Resampler.outputLength(0, 96000, 48000)).toBe(0);
    expect(Resampler.outputLength(441, 44100, 48000)).toBe(480);
  });

  it('rejects rates it cannot serve', () => {
    expect(() => new Resampler(0, 48000, 2, () => {})).toThrow(RangeError);
    expect(() => new Resampler(44100, Number.NaN, 2, () => {})).toThrow(RangeError);
    expect(() => new Resampler(44100, 48000, 0, () => {})).toThrow(RangeError);
  });
});
