/**
 * The loudness meter against outside oracles:
 *
 * 1. ITU-R BS.1770-4 Tables 1 and 2: the K-weighting derived for any rate
 *    reproduces the 48 kHz coefficients.
 * 2. EBU Tech 3341 (2016) Table 1, the cases defined by formula, synthesised
 *    at 48 kHz from their definitions: stereo 1 kHz sines whose level in dBFS
 *    is the expected loudness in LUFS. Cases 1-6 (integrated; 6 is the
 *    five-channel one), 9 and 12 (short-term and momentary readings constant
 *    once the window is full), 10, 11, 13 and 14 (maxima of tone bursts
 *    placed at 150 ms or 20 ms steps, and ladders of −38 to −19 LUFS); ±0.1 LU.
 *    Cases 7 and 8 are programme recordings and are not synthesised.
 * 3. EBU Tech 3342 (2016) cases 1-4: sines of 20 s at two to five levels;
 *    loudness range ±1 LU.
 * 4. ffmpeg's `ebur128=peak=true` filter (libavfilter/f_ebur128.c) on noise,
 *    a sweep, a clipped signal and a gated programme written as WAV files:
 *    integrated within 0.1 LU, loudness range within 1 LU, true peak within
 *    0.3 dB. ffmpeg prints one decimal, so the integrated bound leaves 0.05 LU
 *    for the rest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noise as fixtureNoise } from './fixtures.js';
import { K_WEIGHTING_48K, LoudnessMeter, deriveKWeighting, type LoudnessReport } from '../../engine/src/index.js';
import { writeWav, type WavSampleFormat } from './wav-fixture.js';

const FS = 48000;

/** A level in dBFS for a duration in seconds; `null` is digital silence. */
type Segment = readonly [level: number | null, seconds: number];

/** A sine through consecutive segments of different levels, phase continuous. */
function tone(segments: readonly Segment[], sampleRate = FS, freq = 1000): Float64Array {
  const frames = segments.reduce((n, [, s]) => n + Math.round(s * sampleRate), 0);
  const out = new Float64Array(frames);
  const w = (2 * Math.PI * freq) / sampleRate;
  let at = 0;
  for (const [level, seconds] of segments) {
    const n = Math.round(seconds * sampleRate);
    const a = level === null ? 0 : Math.pow(10, level / 20);
    for (let i = 0; i < n; i++, at++) out[at] = a * Math.sin(w * at);
  }
  return out;
}

const repeat = (segments: readonly Segment[], times: number): Segment[] => Array.from({ length: times }, () => segments).flat();

/** Deterministic uniform noise in [-1, 1) (mulberry32), shared with the other engine tests. */
const noise = (frames: number, seed: number): Float64Array => fixtureNoise(frames, seed, 1);

/** White noise made pink (−3 dB/octave) by Paul Kellet's three-pole "economy" filter. */
function pink(white: Float64Array): Float64Array {
  const out = new Float64Array(white.length);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < white.length; i++) {
    const x = white[i]!;
    b0 = 0.99765 * b0 + x * 0.099046;
    b1 = 0.963 * b1 + x * 0.2965164;
    b2 = 0.57 * b2 + x * 1.0526913;
    out[i] = 0.05 * (b0 + b1 + b2 + x * 0.1848);
  }
  return out;
}

/**
 * Feeds planar `channels` in blocks of `block` frames; after each block
 * `onBlock` sees the meter and the time (s) at the end of the block.
 */
function meter(
  channels: readonly Float64Array[],
  sampleRate = FS,
  block = 4800,
  onBlock?: (m: LoudnessMeter, seconds: number) => void,
): LoudnessReport {
  const m = new LoudnessMeter(sampleRate, channels.length);
  const frames = channels[0]!.length;
  for (let at = 0; at < frames; at += block) {
    const n = Math.min(block, frames - at);
    m.process(
      channels.map((c) => c.subarray(at, at + n)),
      n,
    );
    onBlock?.(m, (at + n) / sampleRate);
  }
  return m.report();
}

const stereo = (x: Float64Array): Float64Array[] => [x, x];

describe('K-weighting', () => {
  test('derived from the analogue prototypes at 48 kHz, it is BS.1770-4 Tables 1 and 2', () => {
    const derived = deriveKWeighting(48000);
    for (const stage of ['shelf', 'highpass'] as const) {
      for (const k of ['b0', 'b1', 'b2', 'a1', 'a2'] as const) {
        expect(Math.abs(derived[stage][k] - K_WEIGHTING_48K[stage][k])).toBeLessThan(1e-12);
      }
    }
  });

  test('weights frequencies: a 1 kHz sine reads as its level, 100 Hz lower, 10 kHz higher', () => {
    // Stereo sines at -23 dBFS. The 1 kHz reading is Tech 3341 case 1; the
    // others only need the filter's slope to be there (exact values come from
    // the comparison with ffmpeg below).
    const at = (f: number) => meter(stereo(tone([[-23, 10]], FS, f))).integratedLufs;
    expect(at(1000)).toBeCloseTo(-23, 1);
    expect(at(100)).toBeLessThan(-24.5);
    expect(at(10000)).toBeGreaterThan(-20);
  });
});

describe('EBU Tech 3341 integrated loudness, cases 1-6', () => {
  test('case 1: -23 dBFS for 20 s reads -23.0 LUFS as M, S and I', () => {
    let m: LoudnessMeter | undefined;
    const r = meter(stereo(tone([[-23, 20]])), FS, 4800, (meter) => (m = meter));
    expect(r.integratedLufs).toBeCloseTo(-23, 1);
    expect(m!.momentaryLufs()).toBeCloseTo(-23, 1);
    expect(m!.shortTermLufs()).toBeCloseTo(-23, 1);
    expect(r.maxMomentaryLufs).toBeCloseTo(-23, 1);
    expect(r.maxShortTermLufs).toBeCloseTo(-23, 1);
  });

  test('case 2: -33 dBFS for 20 s reads -33.0 LUFS as M, S and I', () => {
    let m: LoudnessMeter | undefined;
    const r = meter(stereo(tone([[-33, 20]])), FS, 4800, (meter) => (m = meter));
    expect(r.integratedLufs).toBeCloseTo(-33, 1);
    expect(m!.momentaryLufs()).toBeCloseTo(-33, 1);
    expect(m!.shortTermLufs()).toBeCloseTo(-33, 1);
  });

  test('case 3: -36 / -23 / -36 dBFS for 10 / 60 / 10 s reads -23.0 (the relative gate)', () => {
    expect(meter(stereo(tone([[-36, 10], [-23, 60], [-36, 10]]))).integratedLufs).toBeCloseTo(-23, 1);
  });

  test('case 4: -72 / -36 / -23 / -36 / -72 dBFS for 10 / 10 / 60 / 10 / 10 s reads -23.0', () => {
    const r = meter(stereo(tone([[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]])));
    expect(r.integratedLufs).toBeCloseTo(-23, 1);
  });

  test('case 5: -26 / -20 / -26 dBFS for 20 / 20.1 / 20 s reads -23.0 (nothing gated)', () => {
    expect(meter(stereo(tone([[-26, 20], [-20, 20.1], [-26, 20]]))).integratedLufs).toBeCloseTo(-23, 1);
  });

  test('case 6: five channels L R C Ls Rs at -28 / -28 / -24 / -30 / -30 dBFS read -23.0 (surrounds weighted 1.41)', () => {
    const at = (level: number) => tone([[level, 20]]);
    const r = meter([at(-28), at(-28), at(-24), at(-30), at(-30)]);
    expect(r.integratedLufs).toBeCloseTo(-23, 1);
  });

  test('the absolute gate: 20 s at -60 dBFS and 60 s at -75 dBFS read -60 (without it, -65.7)', () => {
    expect(meter(stereo(tone([[-60, 20], [-75, 60]]))).integratedLufs).toBeCloseTo(-60, 1);
  });

  test('mono is measured as its one channel: a -23 dBFS sine reads -26.0 LUFS', () => {
    expect(meter([tone([[-23, 10]])]).integratedLufs).toBeCloseTo(-26.0, 1);
  });

  test('44.1 and 96 kHz read the same sine as 48 kHz, within 0.1 LU (K-weighting derived per rate)', () => {
    for (const f of [100, 1000, 10000]) {
      const at48 = meter(stereo(tone([[-23, 10]], 48000, f)), 48000).integratedLufs;
      for (const rate of [44100, 96000]) {
        const other = meter(stereo(tone([[-23, 10]], rate, f)), rate, rate / 10).integratedLufs;
        expect(Math.abs(other - at48), `${f} Hz at ${rate} Hz: ${other} vs ${at48}`).toBeLessThan(0.1);
      }
    }
  });
});

describe('EBU Tech 3341 short-term and momentary loudness, cases 9-14', () => {
  const every5ms = FS / 200;

  test('case 9: -20 dBFS for 1.34 s and -30 dBFS for 1.66 s, five times: S is -23.0 from 3 s on', () => {
    const readings: number[] = [];
    meter(stereo(tone(repeat([[-20, 1.34], [-30, 1.66]], 5))), FS, every5ms, (m, t) => {
      if (t >= 3) readings.push(m.shortTermLufs());
    });
    expect(readings.length).toBeGreaterThan(2000);
    for (const s of readings) expect(s).toBeCloseTo(-23, 1);
  });

  test('case 12: -20 dBFS for 0.18 s and -30 dBFS for 0.22 s, 25 times: M is -23.0 from 1 s on', () => {
    const readings: number[] = [];
    meter(stereo(tone(repeat([[-20, 0.18], [-30, 0.22]], 25))), FS, every5ms, (m, t) => {
      if (t >= 1) readings.push(m.momentaryLufs());
    });
    expect(readings.length).toBeGreaterThan(1500);
    for (const mo of readings) expect(mo).toBeCloseTo(-23, 1);
  });

  test('case 10: a 3 s tone at -23 dBFS moved in 150 ms steps: max S is -23.0 every time', () => {
    for (let i = 0; i < 20; i++) {
      const r = meter(stereo(tone([[null, 0.15 * i], [-23, 3], [null, 1]])));
      expect(r.maxShortTermLufs, `offset ${0.15 * i} s`).toBeCloseTo(-23, 1);
    }
  });

  test('case 13: a 0.4 s tone at -23 dBFS moved in 20 ms steps: max M is -23.0 every time', () => {
    for (let i = 0; i < 20; i++) {
      const r = meter(stereo(tone([[null, 0.02 * i], [-23, 0.4], [null, 1]])));
      expect(r.maxMomentaryLufs, `offset ${0.02 * i} s`).toBeCloseTo(-23, 1);
    }
  });

  /** Per segment of `seconds`, the highest of the readings taken every 5 ms while it plays. */
  function segmentMaxima(x: Float64Array, seconds: number, read: (m: LoudnessMeter) => number): number[] {
    const maxima: number[] = [];
    meter(stereo(x), FS, every5ms, (m, t) => {
      const segment = Math.min(19, Math.floor((t - 1e-9) / seconds));
      maxima[segment] = Math.max(maxima[segment] ?? -Infinity, read(m));
    });
    return maxima;
  }

  test('case 11: twenty 3 s tones at -38 ... -19 dBFS, one per 6 s: successive max S of -38 ... -19 LUFS', () => {
    const segments: Segment[] = [];
    for (let i = 0; i < 20; i++) segments.push([null, 0.15 * i], [-38 + i, 3], [null, 3 - 0.15 * i]);
    const maxima = segmentMaxima(tone(segments), 6, (m) => m.shortTermLufs());
    expect(maxima).toHaveLength(20);
    maxima.forEach((s, i) => expect(s, `tone ${i + 1}`).toBeCloseTo(-38 + i, 1));
  });

  test('case 14: twenty 0.4 s tones at -38 ... -19 dBFS, one per 0.8 s: successive max M of -38 ... -19 LUFS', () => {
    const segments: Segment[] = [];
    for (let i = 0; i < 20; i++) segments.push([null, 0.02 * i], [-38 + i, 0.4], [null, 0.4 - 0.02 * i]);
    const maxima = segmentMaxima(tone(segments), 0.8, (m) => m.momentaryLufs());
    expect(maxima).toHaveLength(20);
    maxima.forEach((mo, i) => expect(mo, `tone ${i + 1}`).toBeCloseTo(-38 + i, 1));
  });
});

describe('EBU Tech 3342 loudness range, cases 1-4', () => {
  const cases: [number, Segment[], number][] = [
    [1, [[-20, 20], [-30, 20]], 10],
    [2, [[-20, 20], [-15, 20]], 5],
    [3, [[-40, 20], [-20, 20]], 20],
    [4, [[-50, 20], [-35, 20], [-20, 20], [-35, 20], [-50, 20]], 15],
  ];
  for (const [n, segments, expected] of cases) {
    test(`case ${n}: ${segments.map(([l]) => l).join(' / ')} dBFS, 20 s each: LRA ${expected} LU`, () => {
      const lra = meter(stereo(tone(segments))).loudnessRangeLu;
      expect(Math.abs(lra - expected)).toBeLessThanOrEqual(1);
    });
  }
});

describe('streaming', () => {
  test('the report does not depend on how the input is cut into blocks', () => {
    const x = noise(7 * FS, 5).map((v, i) => v * (0.1 + 0.4 * Math.abs(Math.sin(i / 20000))));
    const y = noise(7 * FS, 6).map((v) => 0.3 * v);
    const whole = meter([x, y], FS, x.length);
    const m = new LoudnessMeter(FS, 2);
    let seed = 17;
    for (let at = 0; at < x.length; ) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const n = Math.min(x.length - at, 1 + (seed % 3000));
      m.process([Float32Array.from(x.subarray(at, at + n)), y.subarray(at, at + n)], n);
      at += n;
    }
    const pieces = m.report();
    // Float32 rounding of one channel is the only difference.
    for (const k of ['integratedLufs', 'loudnessRangeLu', 'maxMomentaryLufs', 'maxShortTermLufs', 'samplePeakDbfs', 'truePeakDbtp'] as const) {
      expect(pieces[k], k).toBeCloseTo(whole[k], 5);
    }
    expect(pieces.durationS).toBe(7);
  });

  test('silence, and input shorter than a window, are -Infinity where undefined', () => {
    const silent = meter(stereo(new Float64Array(5 * FS)));
    expect(silent.integratedLufs).toBe(-Infinity);
    expect(silent.loudnessRangeLu).toBe(-Infinity);
    expect(silent.maxMomentaryLufs).toBe(-Infinity);
    expect(silent.maxShortTermLufs).toBe(-Infinity);
    expect(silent.samplePeakDbfs).toBe(-Infinity);
    expect(silent.truePeakDbtp).toBe(-Infinity);
    expect(silent.durationS).toBe(5);

    let live = 0;
    const short = meter(stereo(tone([[-20, 0.3]])), FS, 4800, (m) => (live = m.momentaryLufs()));
    expect(short.integratedLufs).toBe(-Infinity);
    expect(short.maxMomentaryLufs).toBe(-Infinity);
    expect(short.samplePeakDbfs).toBeCloseTo(-20, 3);
    // The live reading counts the time before the stream as silence: 0.3 s of 0.4 s.
    expect(live).toBeCloseTo(-20 + 10 * Math.log10(0.3 / 0.4), 1);
  });

  test('reset() starts a new measurement', () => {
    const m = new LoudnessMeter(FS, 2);
    const loud = tone([[-10, 2]]);
    m.process([loud, loud], loud.length);
    m.reset();
    const quiet = tone([[-30, 2]]);
    m.process([quiet, quiet], quiet.length);
    const r = m.report();
    expect(r.integratedLufs).toBeCloseTo(-30, 1);
    expect(r.samplePeakDbfs).toBeCloseTo(-30, 2);
    expect(r.durationS).toBe(2);
  });
});

// ---------------------------------------------------------------------------
// ffmpeg

const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0;

interface Ebur128Summary {
  integrated: number;
  lra: number;
  truePeak: number;
}

/** ffmpeg's ebur128 summary of `file`: `ffmpeg -nostats -i X.wav -af ebur128=peak=true -f null -`. */
function ffmpegEbur128(file: string): Ebur128Summary {
  const run = spawnSync('ffmpeg', ['-nostats', '-nostdin', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`ffmpeg failed on ${file}:\n${run.stderr}`);
  const summary = run.stderr.slice(run.stderr.lastIndexOf('Summary:'));
  const number = (re: RegExp): number => {
    const m = re.exec(summary);
    if (!m) throw new Error(`no ${re} in ffmpeg's summary:\n${summary}`);
    return m[1] === '-inf' ? -Infinity : Number(m[1]);
  };
  return {
    integrated: number(/I:\s+(-inf|-?\d+(?:\.\d+)?) LUFS/),
    lra: number(/LRA:\s+(-?\d+(?:\.\d+)?) LU/),
    truePeak: number(/Peak:\s+(-inf|-?\d+(?:\.\d+)?) dBFS/),
  };
}

/** Level in dB → gain. */
const gain = (db: number): number => Math.pow(10, db / 20);

interface Fixture {
  readonly name: string;
  readonly sampleRate: number;
  readonly format: WavSampleFormat;
  readonly make: (sampleRate: number) => Float64Array[];
}

const fixtures: Fixture[] = [
  {
    // Independent pink noise per channel, its level swinging ±8 dB over 13 s.
    name: 'noise',
    sampleRate: 48000,
    format: 'pcm24',
    make: (rate) => {
      const frames = 40 * rate;
      const envelope = (i: number) => gain(-6 + 8 * Math.sin((2 * Math.PI * i) / (13 * rate)));
      return [pink(noise(frames, 1)).map((v, i) => v * envelope(i)), pink(noise(frames, 2)).map((v, i) => v * envelope(i))];
    },
  },
  {
    // An exponential sine sweep from 20 Hz to 20 kHz at -6 dBFS: K-weighting over the whole band.
    name: 'sweep',
    sampleRate: 48000,
    format: 'float32',
    make: (rate) => {
      const seconds = 30;
      const frames = seconds * rate;
      const k = Math.log(20000 / 20);
      const x = new Float64Array(frames);
      for (let i = 0; i < frames; i++) {
        const t = i / rate;
        x[i] = 0.5 * Math.sin(((2 * Math.PI * 20 * seconds) / k) * (Math.exp((k * t) / seconds) - 1));
      }
      return [x, x.map((v) => -0.7 * v)];
    },
  },
  {
    // Chords and noise driven 12 dB into a hard clip at ±0.98: a flattened signal full of inter-sample overs.
    name: 'clipped',
    sampleRate: 44100,
    format: 'pcm16',
    make: (rate) => {
      const frames = 20 * rate;
      const n = noise(frames, 3);
      const clip = (v: number) => Math.max(-0.98, Math.min(0.98, v));
      const chord = (i: number, detune: number) =>
        [110, 165, 220, 277, 330, 440, 554, 880, 1760, 3520].reduce((s, f, k) => s + Math.sin((2 * Math.PI * f * detune * i) / rate + k) / (k + 2), 0);
      return [
        Float64Array.from({ length: frames }, (_, i) => clip(gain(12) * (0.3 * chord(i, 1) + 0.1 * n[i]!))),
        Float64Array.from({ length: frames }, (_, i) => clip(gain(12) * (0.3 * chord(i, 1.003) - 0.1 * n[i]!))),
      ];
    },
  },
  {
    // A programme with loud and quiet passages and digital silence: both gates at work.
    name: 'programme',
    sampleRate: 96000,
    format: 'float32',
    make: (rate) => {
      const parts: [(i: number) => number, number][] = [
        [(i) => 0.25 * Math.sin((2 * Math.PI * 440 * i) / rate), 8],
        [() => 0, 4],
        [(i) => gain(-18) * Math.sin((2 * Math.PI * 3000 * i) / rate) * (1 + Math.sin((2 * Math.PI * 3 * i) / rate)), 10],
        [() => 0, 3],
        [(i) => gain(-45) * Math.sin((2 * Math.PI * 200 * i) / rate), 12],
        [(i) => gain(-70) * Math.sin((2 * Math.PI * 1000 * i) / rate), 6],
        [(i) => 0.6 * Math.sin((2 * Math.PI * 60 * i) / rate) * Math.sin((2 * Math.PI * 0.25 * i) / rate), 8],
      ];
      const frames = parts.reduce((n, [, s]) => n + s * rate, 0);
      const left = new Float64Array(frames);
      let at = 0;
      for (const [f, s] of parts) for (let i = 0; i < s * rate; i++, at++) left[at] = f(at);
      const extra = noise(frames, 4);
      return [left, left.map((v, i) => 0.8 * v + (v === 0 ? 0 : 0.02 * extra[i]!))];
    },
  },
];

describe.skipIf(!HAS_FFMPEG)("against ffmpeg's ebur128 filter", () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mixdown-loudness-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const f of fixtures) {
    test(`${f.name} (${f.sampleRate} Hz, ${f.format}): integrated within 0.1 LU, LRA within 1 LU, true peak within 0.3 dB`, () => {
      const file = join(dir, `${f.name}.wav`);
      const samples = writeWav(file, f.make(f.sampleRate), f.sampleRate, f.format);
      const ours = meter(samples, f.sampleRate, 1024);
      const theirs = ffmpegEbur128(file);
      if (process.env['MIXDOWN_REPORT']) {
        console.log(
          `${f.name}: I ${ours.integratedLufs.toFixed(2)} vs ${theirs.integrated} LUFS, ` +
            `LRA ${ours.loudnessRangeLu.toFixed(2)} vs ${theirs.lra} LU, TP ${ours.truePeakDbtp.toFixed(2)} vs ${theirs.truePeak} dB`,
        );
      }
      expect(Math.abs(ours.integratedLufs - theirs.integrated)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(ours.loudnessRangeLu - theirs.lra)).toBeLessThanOrEqual(1);
      expect(Math.abs(ours.truePeakDbtp - theirs.truePeak)).toBeLessThanOrEqual(0.3);
    });
  }
});
