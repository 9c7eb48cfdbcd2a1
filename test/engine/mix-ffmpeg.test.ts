/**
 * A whole linear mix (no compressor or limiter) rendered twice: by the engine
 * from a mix file, and by ffmpeg 5.1 from the equivalent filter graph built
 * here from the design's formulas — trim and polarity as `volume`, EQ bands
 * as ffmpeg's cookbook biquads, fader as `volume=…dB`, mono pan
 * (θ = (p+1)·π/4, L = cos θ, R = sin θ) and stereo balance as `pan`
 * matrices, bus inputs and the master as `amix=normalize=0` sums. Sources
 * are 64-bit float WAVs, ffmpeg filters in double precision and writes raw
 * f64le, so the two renders differ only by rounding.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ffmpegF64Outputs, noise, renderMix, report, residualDb, tempDir, writeWavF64 } from './fixtures.js';

const FS = 48000;
const FRAMES = 2 * FS;

/** Decaying 60 Hz bursts with a noise click, four a second: a kick-like mono source. */
function kickSource(): Float64Array {
  const click = noise(FRAMES, 11, 0.3);
  const out = new Float64Array(FRAMES);
  for (let i = 0; i < FRAMES; i++) {
    const t = (i % (FS / 4)) / FS;
    out[i] = 0.8 * Math.exp(-t / 0.08) * Math.sin(2 * Math.PI * 60 * t) + click[i]! * Math.exp(-t / 0.004);
  }
  return out;
}

/** Three sines (one on the notch) plus a little noise: a mono tonal source. */
function toneSource(): Float64Array {
  const n = noise(FRAMES, 23, 0.02);
  const out = new Float64Array(FRAMES);
  for (let i = 0; i < FRAMES; i++) {
    const t = i / FS;
    out[i] = 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 1375 * t + 1) + 0.2 * Math.sin(2 * Math.PI * 3000 * t + 2) + n[i]!;
  }
  return out;
}

const FILES: Record<string, Float64Array[]> = {
  'kick.wav': [kickSource()],
  'snare.wav': [noise(FRAMES, 7, 0.4)],
  'pad.wav': [noise(FRAMES, 101, 0.3), noise(FRAMES, 202, 0.3)],
  'tone.wav': [toneSource()],
};

const MIX = `
title "linear mix"
samplerate 48000 Hz

track kick {
  file "kick.wav"
  trim -2 dB
  eq {
    highpass 40 Hz
    bell 100 Hz +4 dB q 1.4
  }
  gain -3 dB
  pan -30%
  to drums
}

track snare {
  file "snare.wav"
  polarity invert
  eq {
    bell 2 kHz -3 dB q 2
    highshelf 6 kHz +2 dB
  }
  gain -1.5 dB
  pan 25%
  to drums
  send fx -6 dB
}

track pad {
  file "pad.wav"
  eq {
    lowshelf 200 Hz -4 dB q 0.8
    lowpass 9 kHz slope 24 dB/oct
  }
  gain -6 dB
  pan -40%
}

track tone {
  file "tone.wav"
  eq {
    notch 3 kHz q 5
  }
  gain -9 dB
  pan 60%
}

bus drums {
  eq {
    lowpass 12 kHz
    bell 300 Hz -2 dB q 1
  }
  gain -2 dB
  pan 10%
}

bus fx {
  eq {
    bandpass 1.5 kHz q 0.7
    highpass 200 Hz slope 24 dB/oct
  }
  gain -4 dB
}

master {
  eq {
    lowshelf 80 Hz +1 dB
  }
  gain -1 dB
}
`;

// The same mix as an ffmpeg graph, written from the design's formulas.
const D = 'precision=f64';
const Q = Math.SQRT1_2; // the language's default pass and shelf q
/** Butterworth Qs of order 4 (slope 24 dB/oct): 1 / (2 cos((2k−1)π/8)). */
const BW4 = [1, 2].map((k) => 1 / (2 * Math.cos(((2 * k - 1) * Math.PI) / 8)));
const vol = (db: number | string) => `volume=volume=${db}dB:precision=double`;
/** Mono pan law as a mono → stereo matrix. */
const monoPan = (p: number) => {
  const theta = ((p + 1) * Math.PI) / 4;
  return `pan=stereo|c0=${Math.cos(theta)}*c0|c1=${Math.sin(theta)}*c0`;
};
/** Stereo balance: p < 0 scales R by 1 + p, p > 0 scales L by 1 − p. */
const balance = (p: number) => `pan=stereo|c0=${p > 0 ? 1 - p : 1}*c0|c1=${p < 0 ? 1 + p : 1}*c1`;
const toDouble = 'aformat=sample_fmts=dblp';

const GRAPH = [
  `[0:a]${toDouble},${vol(-2)},highpass=f=40:p=2:t=q:w=${Q}:${D},equalizer=f=100:t=q:w=1.4:g=4:${D},${vol(-3)},${monoPan(-0.3)}[kick]`,
  `[1:a]${toDouble},volume=volume=-1:precision=double,equalizer=f=2000:t=q:w=2:g=-3:${D},highshelf=f=6000:t=q:w=${Q}:g=2:p=2:${D},${vol(-1.5)},${monoPan(0.25)},asplit=2[snare][snare_send]`,
  `[2:a]${toDouble},lowshelf=f=200:t=q:w=0.8:g=-4:p=2:${D},${BW4.map((q) => `lowpass=f=9000:p=2:t=q:w=${q}:${D}`).join(',')},${vol(-6)},${balance(-0.4)}[pad]`,
  `[3:a]${toDouble},bandreject=f=3000:t=q:w=5:${D},${vol(-9)},${monoPan(0.6)}[tone]`,
  `[kick][snare]amix=inputs=2:normalize=0,lowpass=f=12000:p=2:t=q:w=${Q}:${D},equalizer=f=300:t=q:w=1:g=-2:${D},${vol(-2)},${balance(0.1)}[drums]`,
  `[snare_send]${vol(-6)},bandpass=f=1500:t=q:w=0.7:csg=0:${D},${BW4.map((q) => `highpass=f=200:p=2:t=q:w=${q}:${D}`).join(',')},${vol(-4)}[fx]`,
  `[drums][pad][tone][fx]amix=inputs=4:normalize=0,lowshelf=f=80:t=q:w=${Q}:g=1:p=2:${D},${vol(-1)}[master]`,
].join(';');

describe('a linear mix rendered by the engine and by an equivalent ffmpeg graph', () => {
  const tmp = tempDir();
  let reference: Float64Array[];
  let engine: Float64Array[];

  beforeAll(async () => {
    const names = Object.keys(FILES);
    for (const name of names) writeWavF64(tmp.file(name), FILES[name]!, FS);
    [reference] = ffmpegF64Outputs(tmp.dir, names.map((n) => tmp.file(n)), GRAPH, [{ label: 'master', channels: 2 }]) as [Float64Array[]];
    engine = await renderMix(MIX, FILES);
  }, 60_000);
  afterAll(() => tmp.dispose());

  test('both renders have the sources\' length, in stereo', () => {
    expect(engine.length).toBe(2);
    expect(reference.length).toBe(2);
    expect(engine[0]!.length).toBe(FRAMES);
    expect(reference[0]!.length).toBe(FRAMES);
  });

  test('the mix is not silent and uses both sides', () => {
    for (const side of reference) expect(Math.max(...side.map(Math.abs))).toBeGreaterThan(0.05);
  });

  test('residual below -80 dB relative to the mix', () => {
    const db = residualDb(engine, reference);
    report('mix vs ffmpeg residual', db);
    expect(db).toBeLessThan(-80);
  });

  test('each side on its own is below -80 dB', () => {
    for (let c = 0; c < 2; c++) {
      const db = residualDb([engine[c]!], [reference[c]!]);
      report(`mix vs ffmpeg residual, channel ${c}`, db);
      expect(db).toBeLessThan(-80);
    }
  });

  test('the comparison can fail: a 0.1 dB change of one fader shows up above -80 dB', async () => {
    const changed = await renderMix(MIX.replace('gain -9 dB', 'gain -9.1 dB'), FILES);
    expect(residualDb(changed, reference)).toBeGreaterThan(-80);
  });
});
