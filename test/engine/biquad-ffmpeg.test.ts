/**
 * The EQ bands against outside oracles.
 *
 * 1. Every RBJ band type against ffmpeg's biquad filters on the same white
 *    noise: 64-bit float WAV in, raw f64le out, ffmpeg filtering in double
 *    precision (`precision=f64`) with its default direct form I, so the only
 *    difference left is rounding. ffmpeg 5.1 (libavfilter/af_biquads.c)
 *    computes these filters with the Audio EQ Cookbook's formulas:
 *    `equalizer` = peakingEQ, `lowshelf`/`highshelf` = the shelves with
 *    A = 10^(g/40) and alpha = sin(w0)/(2Q) for `t=q`, `highpass`/`lowpass`
 *    with `p=2` = HPF/LPF, `bandreject` = notch, and `bandpass` with
 *    `csg=0` = the band-pass with a constant 0 dB peak (`csg=1`, "constant
 *    skirt gain", is the other cookbook band-pass, whose peak gain is Q).
 * 2. The steep high and low passes (6 dB/oct one-pole, Butterworth
 *    cascades) against the analytic response of a bilinear-transformed
 *    Butterworth filter of order N = slope / 6 with its cutoff prewarped:
 *        |H(f)|² = 1 / (1 + (tan(πf/fs) / tan(πfc/fs))^(2N))     (low pass)
 *    and the same with the ratio inverted for the high pass.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BandModel } from '../../grammar/src/model.js';
import { BiquadChain, bandSections, magnitudeDb, type BiquadCoefficients } from '../../engine/src/index.js';
import { ffmpegF64Outputs, noise, report, residualDb, sine, tempDir, toneAmplitude, writeWavF64 } from './fixtures.js';

const FS = 48000;
const FRAMES = 3 * FS;
/** The highest frequency the language allows at 48 kHz is just under 0.49·fs. */
const TOP = 23519;

function band(type: BandModel['type'], freq: number, opts: { gainDb?: number; q?: number; slope?: number } = {}): BandModel {
  const pass = type === 'highpass' || type === 'lowpass';
  return { type, freq, gainDb: opts.gainDb ?? 0, q: opts.q ?? Math.SQRT1_2, slope: pass ? opts.slope ?? 12 : null };
}

/** Ours: one EQ band run over `x` exactly as an eq insert runs it. */
function ours(b: BandModel, x: Float64Array): Float64Array {
  const y = Float64Array.from(x);
  new BiquadChain(bandSections(b, FS), 1).process([y], y.length);
  return y;
}

interface FfmpegCase {
  readonly name: string;
  readonly band: BandModel;
  /** ffmpeg filter chain that should give the same output. */
  readonly ffmpeg: string;
}

const F64 = 'precision=f64';
const eq = (f: number, g: number, q: number): FfmpegCase => ({
  name: `bell ${f} Hz ${g} dB q ${q}`,
  band: band('bell', f, { gainDb: g, q }),
  ffmpeg: `equalizer=f=${f}:t=q:w=${q}:g=${g}:${F64}`,
});
const shelf = (kind: 'lowshelf' | 'highshelf', f: number, g: number, q: number): FfmpegCase => ({
  name: `${kind} ${f} Hz ${g} dB q ${q}`,
  band: band(kind, f, { gainDb: g, q }),
  ffmpeg: `${kind}=f=${f}:t=q:w=${q}:g=${g}:p=2:${F64}`,
});
const pass = (kind: 'highpass' | 'lowpass', f: number, q: number): FfmpegCase => ({
  name: `${kind} ${f} Hz q ${q}`,
  band: band(kind, f, { q }),
  ffmpeg: `${kind}=f=${f}:p=2:t=q:w=${q}:${F64}`,
});
const notch = (f: number, q: number): FfmpegCase => ({
  name: `notch ${f} Hz q ${q}`,
  band: band('notch', f, { q }),
  ffmpeg: `bandreject=f=${f}:t=q:w=${q}:${F64}`,
});
const bandpass = (f: number, q: number): FfmpegCase => ({
  name: `bandpass ${f} Hz q ${q}`,
  band: band('bandpass', f, { q }),
  ffmpeg: `bandpass=f=${f}:t=q:w=${q}:csg=0:${F64}`,
});

/** Butterworth Qs computed here from the pole angles, independently of the engine. */
function butterworthQs(order: number): number[] {
  const qs: number[] = [];
  for (let k = 0; k < Math.floor(order / 2); k++) {
    const theta = ((2 * k + 1) * Math.PI) / (2 * order); // pole angle from the negative real axis
    qs.push(1 / (2 * Math.cos(theta)));
  }
  return qs;
}
const cascade = (kind: 'highpass' | 'lowpass', f: number, slope: 24 | 48): FfmpegCase => ({
  name: `${kind} ${f} Hz slope ${slope} (Butterworth) vs ffmpeg biquads in series`,
  band: band(kind, f, { slope }),
  ffmpeg: butterworthQs(slope / 6)
    .map((q) => `${kind}=f=${f}:p=2:t=q:w=${q}:${F64}`)
    .join(','),
});

const CASES: FfmpegCase[] = [
  eq(1000, 6, 1),
  eq(60, -12, 0.5),
  eq(15, 12, 0.7),
  eq(8000, -30, 40),
  eq(16000, 3, 4),
  eq(23000, -9, 2),
  eq(TOP, 30, 0.1),
  shelf('lowshelf', 100, 6, 0.7071),
  shelf('lowshelf', 30, -12, 0.5),
  shelf('lowshelf', 12, 30, 2),
  shelf('lowshelf', 5000, 3, 1.5),
  shelf('lowshelf', 20000, -6, 0.7071),
  shelf('lowshelf', 23000, 9, 0.3),
  shelf('highshelf', 10000, 2, 0.7071),
  shelf('highshelf', 3000, -15, 1),
  shelf('highshelf', 200, 6, 0.4),
  shelf('highshelf', 20, -6, 0.7071),
  shelf('highshelf', 22000, -30, 3),
  shelf('highshelf', TOP, 12, 0.7071),
  pass('highpass', 30, 0.7071),
  pass('highpass', 10, 0.5),
  pass('highpass', 1000, 5),
  pass('highpass', 12000, 0.1),
  pass('highpass', 23000, 0.7071),
  pass('highpass', TOP, 40),
  pass('lowpass', 20000, 0.7071),
  pass('lowpass', TOP, 0.5),
  pass('lowpass', 100, 2),
  pass('lowpass', 10, 0.7071),
  pass('lowpass', 5000, 40),
  notch(50, 10),
  notch(1000, 40),
  notch(10, 0.1),
  notch(22000, 1),
  notch(TOP, 10),
  bandpass(1000, 1),
  bandpass(40, 0.3),
  bandpass(10, 1),
  bandpass(3000, 0.1),
  bandpass(21000, 10),
  bandpass(TOP, 40),
  cascade('highpass', 80, 24),
  cascade('highpass', 80, 48),
  cascade('lowpass', 5000, 24),
  cascade('lowpass', 20000, 48),
];

/** Filters that must NOT match: they show the comparison can fail. */
const MISMATCHES: FfmpegCase[] = [
  { name: 'bandpass q 4 vs ffmpeg csg=1 (peak gain Q)', band: band('bandpass', 1000, { q: 4 }), ffmpeg: `bandpass=f=1000:t=q:w=4:csg=1:${F64}` },
  { name: 'bell +6 dB vs ffmpeg +6.01 dB', band: band('bell', 1000, { gainDb: 6, q: 1 }), ffmpeg: `equalizer=f=1000:t=q:w=1:g=6.01:${F64}` },
  { name: 'highpass 100 Hz vs ffmpeg 100.1 Hz', band: band('highpass', 100), ffmpeg: `highpass=f=100.1:p=2:t=q:w=${Math.SQRT1_2}:${F64}` },
];

describe('EQ bands against ffmpeg 5.1 biquads on white noise (f64 in and out)', () => {
  const input = noise(FRAMES, 0x5eed, 0.25);
  const refs = new Map<string, Float64Array>();
  const tmp = tempDir();

  beforeAll(() => {
    writeWavF64(tmp.file('noise.wav'), [input], FS);
    const all = [...CASES, ...MISMATCHES];
    const split = `[0:a]asplit=${all.length}${all.map((_, i) => `[in${i}]`).join('')}`;
    const chains = all.map((c, i) => `[in${i}]${c.ffmpeg}[out${i}]`);
    const outputs = ffmpegF64Outputs(tmp.dir, [tmp.file('noise.wav')], [split, ...chains].join(';'), all.map((_, i) => ({ label: `out${i}`, channels: 1 })));
    all.forEach((c, i) => {
      const y = outputs[i]![0]!;
      if (y.length !== FRAMES) throw new Error(`${c.name}: ffmpeg gave ${y.length} frames, expected ${FRAMES}`);
      refs.set(c.name, y);
    });
  }, 60_000);
  afterAll(() => tmp.dispose());

  test.each(CASES.map((c) => [c.name, c] as const))('%s: residual below -90 dB', (_name, c) => {
    const db = residualDb([ours(c.band, input)], [refs.get(c.name)!]);
    report(`biquad ${c.name}`, db);
    expect(db).toBeLessThan(-90);
  });

  test.each(MISMATCHES.map((c) => [c.name, c] as const))('%s: differs (the comparison is not blind)', (_name, c) => {
    const db = residualDb([ours(c.band, input)], [refs.get(c.name)!]);
    expect(db).toBeGreaterThan(-90);
  });

  test('the input is what the engine filters: ffmpeg passes it through unchanged with no filter', () => {
    // Guards the WAV writer and the raw reader: the comparison above would
    // be meaningless if either scaled or truncated the samples.
    const dir = tempDir();
    try {
      const [through] = ffmpegF64Outputs(dir.dir, [tmp.file('noise.wav')], '[0:a]anull[o]', [{ label: 'o', channels: 1 }]);
      const y = through![0]!;
      expect(y.length).toBe(input.length);
      expect(Buffer.from(y.buffer).equals(Buffer.from(input.buffer))).toBe(true);
    } finally {
      dir.dispose();
    }
  });
});

// ---------------------------------------------------------------------------
// Steep passes against the analytic Butterworth response

/** |H(e^jw)| in dB of a chain of sections, evaluated here with complex arithmetic. */
function chainDb(sections: readonly BiquadCoefficients[], freq: number): number {
  const w = (2 * Math.PI * freq) / FS;
  // z^-1 = e^{-jw}
  const z1r = Math.cos(w), z1i = -Math.sin(w);
  const z2r = Math.cos(2 * w), z2i = -Math.sin(2 * w);
  let mag2 = 1;
  for (const s of sections) {
    const nr = s.b0 + s.b1 * z1r + s.b2 * z2r;
    const ni = s.b1 * z1i + s.b2 * z2i;
    const dr = 1 + s.a1 * z1r + s.a2 * z2r;
    const di = s.a1 * z1i + s.a2 * z2i;
    mag2 *= (nr * nr + ni * ni) / (dr * dr + di * di);
  }
  return 10 * Math.log10(mag2);
}

/** The analytic bilinear Butterworth response of order N, dB. */
function butterworthDb(kind: 'highpass' | 'lowpass', fc: number, order: number, f: number): number {
  const r = Math.tan((Math.PI * f) / FS) / Math.tan((Math.PI * fc) / FS);
  const x = kind === 'lowpass' ? r : 1 / r;
  return -10 * Math.log10(1 + Math.pow(x, 2 * order));
}

/** 240 log-spaced frequencies over the language's whole range at 48 kHz. */
const GRID = Array.from({ length: 240 }, (_, i) => 10 * Math.pow(TOP / 10, i / 239));

const STEEP: { kind: 'highpass' | 'lowpass'; fc: number; slope: number }[] = [];
for (const slope of [6, 12, 18, 24, 36, 48]) {
  STEEP.push({ kind: 'highpass', fc: 80, slope }, { kind: 'lowpass', fc: 5000, slope });
}
STEEP.push(
  { kind: 'highpass', fc: 20, slope: 18 },
  { kind: 'highpass', fc: 10, slope: 36 },
  { kind: 'highpass', fc: 15000, slope: 6 },
  { kind: 'lowpass', fc: 20000, slope: 36 },
  { kind: 'lowpass', fc: 23000, slope: 18 },
  { kind: 'lowpass', fc: 30, slope: 6 },
  { kind: 'lowpass', fc: 100, slope: 48 },
);

describe('steep high and low passes follow the analytic Butterworth response within 0.01 dB', () => {
  test.each(STEEP.map((s) => [`${s.kind} ${s.fc} Hz slope ${s.slope} dB/oct`, s] as const))('%s', (_name, s) => {
    // slope 12 uses the band's q: the default 0.7071 is Butterworth's 1/√2 to 4 digits.
    const sections = bandSections(band(s.kind, s.fc, { slope: s.slope, q: 0.7071 }), FS);
    const order = s.slope / 6;
    let worst = 0;
    for (const f of GRID) {
      const expected = butterworthDb(s.kind, s.fc, order, f);
      worst = Math.max(worst, Math.abs(chainDb(sections, f) - expected), Math.abs(magnitudeDb(sections, f, FS) - expected));
    }
    expect(worst).toBeLessThanOrEqual(0.01);
    // The cutoff is the -3 dB point whatever the order (-3.0103 dB = half power).
    expect(chainDb(sections, s.fc)).toBeCloseTo(-10 * Math.log10(2), 3);
  });

  test.each(STEEP.map((s) => [`${s.kind} ${s.fc} Hz slope ${s.slope} dB/oct`, s] as const))(
    '%s: a sine through the filter comes out at the analytic level (±0.01 dB)',
    (_name, s) => {
      const sections = bandSections(band(s.kind, s.fc, { slope: s.slope, q: 0.7071 }), FS);
      const order = s.slope / 6;
      const freqs = [1 / 4, 1 / 2, Math.SQRT1_2, 1, Math.SQRT2, 2, 4]
        .map((k) => s.fc * k)
        .filter((f) => f >= 10 && f <= TOP && butterworthDb(s.kind, s.fc, order, f) > -70);
      expect(freqs.length).toBeGreaterThanOrEqual(3);
      const settle = FS; // 1 s: every transient has decayed far below 0.01 dB
      const measure = FS / 2;
      for (const f of freqs) {
        const x = sine(settle + measure, f, FS, 0.5);
        const chain = new BiquadChain(sections, 1);
        chain.process([x], x.length);
        const level = 20 * Math.log10(toneAmplitude(x, f, FS, settle, settle + measure) / 0.5);
        expect(Math.abs(level - butterworthDb(s.kind, s.fc, order, f)), `${f.toFixed(1)} Hz`).toBeLessThanOrEqual(0.01);
      }
    },
  );
});
