/**
 * The true-peak detector against outside oracles:
 *
 * 1. A sine's true peak is its amplitude, and its waveform between samples
 *    is known: the points the detector reports each step must lie on it.
 * 2. EBU Tech 3341 (2016) true-peak cases 15-19, the ones defined by formula:
 *    stereo sines at fs/4, fs/6 and fs/8 with a phase offset, at 0.5 of full
 *    scale (−6.0 dBTP expected) and, for case 19, at 1.41 of full scale with
 *    its samples at ±1.0 (+3.0 dBTP expected); tolerance +0.2/−0.4 dB. The
 *    cases are steady tones, so they are read once the tone is under way: a
 *    tone switched on at full level from silence has a genuine overshoot at
 *    its first samples, and a meter started from silence reports it.
 * 3. The interpolator is the windowed sinc its header describes (taps
 *    re-derived here from the formula), with the passband and stopband the
 *    header states.
 *
 * The comparison with ffmpeg's `ebur128=peak=true` is in loudness.test.ts,
 * through the meter.
 */
import { describe, expect, test } from 'vitest';
import { noise as fixtureNoise } from './fixtures.js';
import { TruePeakDetector, truePeakInterpolator, truePeakOfBuffers } from '../../engine/src/index.js';

const dB = (g: number): number => 20 * Math.log10(g);

function sine(frames: number, freq: number, sampleRate: number, amplitude: number, phaseDeg: number): Float64Array {
  const out = new Float64Array(frames);
  const w = (2 * Math.PI * freq) / sampleRate;
  const phase = (phaseDeg * Math.PI) / 180;
  for (let i = 0; i < frames; i++) out[i] = amplitude * Math.sin(w * i + phase);
  return out;
}

const noise = fixtureNoise;

/** The detector's reading of a steady signal: the first `settle` samples are fed and their reading dropped. */
function steadyReading(x: Float64Array, settle = 1000): number {
  const d = new TruePeakDetector(1);
  d.process(0, x.subarray(0, settle), settle);
  return d.process(0, x.subarray(settle), x.length - settle);
}

describe("a sine's true peak is its amplitude", () => {
  test('the points reported each step lie on the sine, within 0.5 % of its amplitude, up to 0.417 fs', () => {
    const rate = 48000;
    const amplitude = 0.8;
    let worst = 0;
    for (let f = 50; f <= 0.4167 * rate; f *= 1.09) {
      const w = (2 * Math.PI * f) / rate;
      const d = new TruePeakDetector(1);
      const one = new Float64Array(1);
      for (let n = 0; n < 1500; n++) {
        one[0] = amplitude * Math.sin(w * n + 1.234);
        const reading = d.process(0, one, 1);
        if (n < 100) continue;
        // The step's points are at n − latency + q/4.
        let exact = 0;
        for (let q = 0; q < 4; q++) exact = Math.max(exact, Math.abs(amplitude * Math.sin(w * (n - d.latency + q / 4) + 1.234)));
        worst = Math.max(worst, Math.abs(reading - exact) / amplitude);
      }
    }
    expect(worst).toBeLessThan(0.005);
  });

  test('steady sines from 20 Hz to 0.417 fs, any phase, read their amplitude within −0.1/+0.05 dB', () => {
    const rate = 48000;
    let seed = 12345;
    let worstLow = 0;
    let worstHigh = 0;
    for (let f = 20; f <= 0.4167 * rate; f *= 1.07) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const phase = (seed / 2147483648) * 360;
      const deviation = dB(steadyReading(sine(rate / 4, f, rate, 0.7, phase)) / 0.7);
      worstLow = Math.min(worstLow, deviation);
      worstHigh = Math.max(worstHigh, deviation);
    }
    expect(worstLow).toBeGreaterThan(-0.1);
    expect(worstHigh).toBeLessThan(0.05);
  });

  test('a sine whose samples miss the crest still reads its amplitude: fs/4 at 45° is 3 dB over its samples', () => {
    const rate = 48000;
    const tone = sine(rate / 2, rate / 4, rate, 1, 45);
    let samplePeak = 0;
    for (const v of tone) samplePeak = Math.max(samplePeak, Math.abs(v));
    expect(dB(samplePeak)).toBeCloseTo(-3.01, 2);
    expect(Math.abs(dB(steadyReading(tone)))).toBeLessThan(0.05);
  });
});

describe('EBU Tech 3341 true-peak cases 15-19', () => {
  // [case, fraction of fs, phase in degrees, amplitude, expected dBTP]
  const cases = [
    [15, 4, 0, 0.5, -6.0],
    [16, 4, 45, 0.5, -6.0],
    [17, 6, 60, 0.5, -6.0],
    [18, 8, 67.5, 0.5, -6.0],
    [19, 4, 45, 1.41, 3.0],
  ] as const;
  for (const rate of [48000, 44100, 96000]) {
    for (const [n, div, phase, amplitude, expected] of cases) {
      test(`case ${n} at ${rate} Hz: fs/${div}, ${phase}°, ${amplitude} FS reads ${expected} dBTP (+0.2/−0.4)`, () => {
        const d = new TruePeakDetector(2);
        const tone = sine(rate, rate / div, rate, amplitude, phase);
        const settle = 1000;
        d.process(0, tone, settle);
        d.process(1, tone, settle);
        const rest = tone.subarray(settle);
        const reading = dB(Math.max(d.process(0, rest, rest.length), d.process(1, rest, rest.length)));
        expect(reading).toBeGreaterThanOrEqual(expected - 0.4);
        expect(reading).toBeLessThanOrEqual(expected + 0.2);
      });
    }
  }

  test('case 19 as a whole buffer, faded in and out over 20 ms, reads +3.0 dBTP where its samples peak at 0 dBFS', () => {
    const rate = 48000;
    const tone = sine(rate, rate / 4, rate, 1.41, 45);
    const fade = 0.02 * rate;
    for (let i = 0; i < fade; i++) {
      const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / fade);
      tone[i]! *= g;
      tone[tone.length - 1 - i]! *= g;
    }
    let samplePeak = 0;
    for (const v of tone) samplePeak = Math.max(samplePeak, Math.abs(v));
    expect(dB(samplePeak)).toBeLessThan(0);
    const reading = dB(truePeakOfBuffers([tone, tone]));
    expect(reading).toBeGreaterThanOrEqual(3.0 - 0.4);
    expect(reading).toBeLessThanOrEqual(3.0 + 0.2);
  });
});

describe('the interpolator', () => {
  const phases = truePeakInterpolator();

  test('is the Kaiser-windowed sinc k(t) = sinc(t)·I0(4.5·√(1 − (t/16)²))/I0(4.5), each phase scaled to unit DC gain', () => {
    const i0 = (x: number) => {
      let sum = 0;
      for (let k = 0; k < 40; k++) {
        let term = 1;
        for (let i = 1; i <= k; i++) term *= x / (2 * i);
        sum += term * term;
      }
      return sum;
    };
    const k = (t: number) =>
      Math.abs(t) >= 16 ? 0 : t === 0 ? 1 : (Math.sin(Math.PI * t) / (Math.PI * t)) * (i0(4.5 * Math.sqrt(1 - (t / 16) ** 2)) / i0(4.5));
    expect(phases).toHaveLength(4);
    phases.forEach((phase, q) => {
      expect(phase).toHaveLength(32);
      const raw = Array.from({ length: 32 }, (_, j) => k(j - 16 + q / 4));
      const dc = raw.reduce((a, b) => a + b, 0);
      raw.forEach((v, j) => expect(phase[j]).toBeCloseTo(v / dc, 12));
    });
  });

  test('phase 0 is the input delayed by `latency`; phase 2 is symmetric; phase 3 is phase 1 reversed', () => {
    const latency = new TruePeakDetector(1).latency;
    expect(latency).toBe(16);
    expect([...phases[0]!]).toEqual(Array.from({ length: 32 }, (_, j) => (j === latency ? 1 : 0)));
    for (let j = 0; j < 32; j++) {
      expect(phases[2]![j]).toBeCloseTo(phases[2]![31 - j]!, 14);
      expect(phases[3]![j]).toBeCloseTo(phases[1]![31 - j]!, 14);
    }
  });

  test('passband per phase within −0.02/+0.04 dB up to 0.417 fs and ±0.07 dB up to 0.454 fs; prototype −6.02 dB at fs/2, ≥ 48.7 dB down from 0.55 fs', () => {
    // f relative to the input rate. Phase q: Σ_j c_q[j]·e^(−i2πfj); the 4× prototype: ¼·Σ_q Σ_j c_q[j]·e^(−i2πf(j + q/4)).
    const response = (terms: readonly (readonly [number, number])[], f: number) => {
      let re = 0;
      let im = 0;
      for (const [c, t] of terms) {
        re += c * Math.cos(2 * Math.PI * f * t);
        im -= c * Math.sin(2 * Math.PI * f * t);
      }
      return dB(Math.hypot(re, im));
    };
    const passband = (top: number) => {
      let low = 0;
      let high = 0;
      for (let f = 0; f <= top; f += 0.0005) {
        for (const q of [1, 2, 3]) {
          const m = response([...phases[q]!].map((c, j) => [c, j] as const), f);
          low = Math.min(low, m);
          high = Math.max(high, m);
        }
      }
      return [low, high] as const;
    };
    const [low20k48, high20k48] = passband(20000 / 48000);
    expect(low20k48).toBeGreaterThan(-0.02);
    expect(high20k48).toBeLessThan(0.04);
    const [low20k44, high20k44] = passband(20000 / 44100);
    expect(low20k44).toBeGreaterThan(-0.07);
    expect(high20k44).toBeLessThan(0.07);
    const prototype = phases.flatMap((p, q) => [...p].map((c, j) => [c / 4, j + q / 4] as const));
    expect(response(prototype, 0.5)).toBeCloseTo(-6.02, 2);
    let stop = -Infinity;
    for (let f = 0.55; f <= 2; f += 0.0005) stop = Math.max(stop, response(prototype, f));
    expect(stop).toBeLessThan(-48.7);
  });

  test('the impulse response: each step reports the largest tap of the four phases at that delay', () => {
    const d = new TruePeakDetector(1);
    const lead = 40;
    const x = new Float64Array(lead + 40);
    x[lead] = 1;
    const perStep: number[] = [];
    for (let i = 0; i < x.length; i++) perStep.push(d.process(0, x.subarray(i, i + 1), 1));
    for (let i = 0; i < lead; i++) expect(perStep[i]).toBe(0);
    for (let j = 0; j < 32; j++) {
      expect(perStep[lead + j]).toBeCloseTo(Math.max(...phases.map((p) => Math.abs(p[j]!))), 14);
    }
    expect(perStep[lead + d.latency]).toBe(1);
    for (let i = lead + 32; i < x.length; i++) expect(perStep[i]).toBe(0);
  });
});

describe('streaming', () => {
  test('the reading does not depend on how the input is cut into blocks', () => {
    const x = noise(20000, 7, 0.8);
    const whole = new TruePeakDetector(1).process(0, x, x.length);
    const d = new TruePeakDetector(1);
    let pieces = 0;
    let seed = 99;
    for (let at = 0; at < x.length; ) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const n = Math.min(x.length - at, 1 + (seed % 700));
      pieces = Math.max(pieces, d.process(0, x.subarray(at, at + n), n));
      at += n;
    }
    expect(pieces).toBe(whole);
  });

  test('never below the sample peak, and channels are independent', () => {
    const loud = noise(5000, 3, 0.9);
    const quiet = noise(5000, 4, 0.1);
    const d = new TruePeakDetector(2);
    let samplePeak = 0;
    for (let i = 0; i < loud.length - d.latency; i++) samplePeak = Math.max(samplePeak, Math.abs(loud[i]!));
    expect(d.process(0, loud, loud.length)).toBeGreaterThanOrEqual(samplePeak);
    expect(d.process(1, quiet, quiet.length)).toBeLessThan(0.2);
  });

  test('Float32Array input reads the same as the same values in a Float64Array', () => {
    const x32 = Float32Array.from(noise(4096, 11, 0.9));
    const x64 = Float64Array.from(x32);
    expect(new TruePeakDetector(1).process(0, x32, x32.length)).toBe(new TruePeakDetector(1).process(0, x64, x64.length));
  });

  test('reset() forgets the history', () => {
    const d = new TruePeakDetector(1);
    d.process(0, Float64Array.of(1, -1, 1, -1), 4);
    d.reset();
    expect(d.process(0, new Float64Array(64), 64)).toBe(0);
  });

  test('truePeakOfBuffers counts the final samples by their own value', () => {
    const x = new Float64Array(100);
    x[99] = -0.75;
    expect(truePeakOfBuffers([x])).toBe(0.75);
    expect(truePeakOfBuffers([new Float64Array(10), Float64Array.of(0, 0.5)])).toBe(0.5);
  });
});
