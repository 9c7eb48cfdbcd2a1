/**
 * `mixdown render` and `mixdown meter` as users run them: the built bundle,
 * real WAV files, exit codes, no half-written output, identical files from
 * run to run and between one and two threads.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavHeader } from '../lsp/wav.js';
import { parseWavHeader } from '../../engine/src/index.js';

const CLI = resolve('dist/cli.js');

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** 16-bit PCM WAV of a sine with a slow tremolo, so compressors and meters have something to do. */
function wav(rate: number, channels: number, seconds: number, freq: number, amp: number): Buffer {
  const frames = Math.round(rate * seconds);
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    const env = 0.6 + 0.4 * Math.sin((2 * Math.PI * i) / rate);
    for (let c = 0; c < channels; c++) {
      const v = amp * env * Math.sin((2 * Math.PI * freq * (1 + 0.01 * c) * i) / rate);
      data.writeInt16LE(Math.round(v * 32767), (i * channels + c) * 2);
    }
  }
  return Buffer.concat([wavHeader({ sampleRate: rate, channels: channels as 1 | 2, bits: 16, frames: data.length / (2 * channels) }), data]);
}

const SONG = `title "test"
tempo 120 bpm
marker verse bar 2
track a {
  file "a.wav"
  eq {
    highpass 80 Hz
    bell 1 kHz -3 dB q 1
  }
  comp {
    threshold -20 dB
    ratio 4:1
  }
  gain -3 dB
  pan -20%
  to drums
}
track b {
  file "b.wav"
  gain -6 dB
  send fx -10 dB
  eq { bell air 3 kHz +3 dB }
  # Lanes on a track that renders in a worker thread when there are two.
  automate gain { 1 s -6 dB; 3 s 0 dB smooth; 5 s -9 dB }
  automate air.freq { 1 s 1 kHz; 5 s 8 kHz }
  automate send fx { 2 s -10 dB; 4 s -inf dB }
}
track c {
  clip "c.wav" from verse
  trim auto -20 dBFS rms
  comp {
    threshold -30 dB
    sidechain a
  }
}
bus drums {
  comp {
    threshold -15 dB
    ratio 2:1
  }
}
bus fx {
  eq {
    lowpass 5 kHz
  }
}
master {
  limit {
    ceiling -1 dBTP
  }
  target -16 LUFS
}
`;

let dir: string;
const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixdown-render-'));
  await writeFile(join(dir, 'a.wav'), wav(48000, 1, 6, 220, 0.5));
  await writeFile(join(dir, 'b.wav'), wav(48000, 2, 6, 330, 0.4));
  await writeFile(join(dir, 'c.wav'), wav(44100, 1, 6, 440, 0.3)); // resampled
  await writeFile(join(dir, 'song.mix'), SONG);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mixdown render', () => {
  it('renders to a WAV next to the mix, reaching the target, and prints a summary', async () => {
    const r = await run(['render', 'song.mix'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^song\.wav: 0:06\.0, -16\.0 LUFS, true peak -?\d+\.\d dBTP, [\d.]+x real time, master gain [+-]\d+\.\d\d dB for the target\n$/);
    const bytes = new Uint8Array(await readFile(join(dir, 'song.wav')));
    const h = parseWavHeader(bytes, bytes.length);
    expect(h.ok && h.format).toMatchObject({ sampleRate: 48000, channels: 2, bitsPerSample: 24, encoding: 'pcm', frames: 288000 });
    // The meter agrees with the render's own summary: the target is met within 0.1 LU.
    const m = await run(['meter', 'song.wav', '--json'], dir);
    const j = JSON.parse(m.stdout) as { integratedLufs: number; truePeakDbtp: number; durationS: number };
    expect(Math.abs(j.integratedLufs - -16)).toBeLessThanOrEqual(0.1);
    expect(j.truePeakDbtp).toBeLessThanOrEqual(-1 + 0.1 + 0.05); // ceiling + 0.1 dB, and 24-bit dither
    expect(j.durationS).toBeCloseTo(6, 5);
  });

  it('is bit-identical from run to run and between 1 and 2 threads (automation lanes included)', async () => {
    await run(['render', 'song.mix', '-o', 'one.wav', '--threads', '1'], dir);
    await run(['render', 'song.mix', '-o', 'one-again.wav', '--threads', '1'], dir);
    await run(['render', 'song.mix', '-o', 'two.wav', '--threads', '2'], dir);
    const one = await sha(join(dir, 'one.wav'));
    expect(await sha(join(dir, 'one-again.wav'))).toBe(one);
    expect(await sha(join(dir, 'two.wav'))).toBe(one);
  });

  it('writes stems, --bits 32f, and a span with --from/--to', async () => {
    const r = await run(['render', 'song.mix', '-o', 'span.wav', '--bits', '32f', '--stems', 'stems', '--from', '1 s', '--to', 'verse'], dir);
    expect(r.code).toBe(0);
    const bytes = new Uint8Array(await readFile(join(dir, 'span.wav')));
    const h = parseWavHeader(bytes, bytes.length);
    expect(h.ok && h.format).toMatchObject({ encoding: 'float', bitsPerSample: 32, frames: 48000 }); // 1 s to bar 2 at 120 bpm
    expect(readdirSync(join(dir, 'stems')).sort()).toEqual(['a.wav', 'b.wav', 'c.wav', 'drums.wav', 'fx.wav']);
    const stem = new Uint8Array(await readFile(join(dir, 'stems', 'a.wav')));
    const sh = parseWavHeader(stem, stem.length);
    expect(sh.ok && sh.format.frames).toBe(48000);
  });

  it('refuses a mix with errors: exit 1, diagnostics, no output', async () => {
    await writeFile(join(dir, 'bad.mix'), 'track a {\n  file "a.wav"\n  gain -3\n}\n');
    const r = await run(['render', 'bad.mix'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.mix:3:8: error: -3 needs a unit');
    expect(existsSync(join(dir, 'bad.wav'))).toBe(false);
  });

  it.each([
    ['missing', null, 'audio file not found: gone.wav'],
    ['truncated', (b: Buffer) => b.subarray(0, 2000), 'truncated'],
    ['not audio', () => Buffer.from('this is not a wav file at all, just text'), 'not a WAV file'],
  ])('a %s source: a clear error naming the file, non-zero exit, no output file', async (_, damage, message) => {
    const name = `src-${_.replace(' ', '-')}`;
    if (damage) await writeFile(join(dir, 'gone.wav'), damage(wav(48000, 1, 1, 100, 0.5)));
    else await rm(join(dir, 'gone.wav'), { force: true });
    await writeFile(join(dir, `${name}.mix`), 'track a {\n  file "gone.wav"\n}\n');
    const r = await run(['render', `${name}.mix`], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gone.wav');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, `${name}.wav`))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('never writes over the mix file or a source', async () => {
    expect((await run(['render', 'song.mix', '-o', 'a.wav'], dir)).code).toBe(2);
    expect((await sha(join(dir, 'a.wav')))).toBe(createHash('sha256').update(wav(48000, 1, 6, 220, 0.5)).digest('hex'));
  });
});

describe('mixdown meter', () => {
  it('reports the design keys for a WAV, as JSON', async () => {
    const r = await run(['meter', 'b.wav', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(j).sort()).toEqual(['channels', 'durationS', 'integratedLufs', 'loudnessRangeLu', 'maxMomentaryLufs', 'maxShortTermLufs', 'samplePeakDbfs', 'sampleRate', 'truePeakDbtp'].sort());
    expect(j['sampleRate']).toBe(48000);
    expect(j['channels']).toBe(2);
    expect(j['samplePeakDbfs']).toBeLessThan(-7.9); // 0.4 amplitude
    expect(j['samplePeakDbfs']).toBeGreaterThan(-8.1);
  });

  it('meters a mix with every channel post-fader under "tracks"', async () => {
    const r = await run(['meter', 'song.mix', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { integratedLufs: number; tracks: Record<string, { integratedLufs: number }> };
    expect(Object.keys(j.tracks).sort()).toEqual(['a', 'b', 'c', 'drums', 'fx']);
    expect(Math.abs(j.integratedLufs - -16)).toBeLessThanOrEqual(0.1);
    // Track b's fader is 6 dB below its source; a bus of it is quieter still.
    expect(j.tracks['b']!.integratedLufs).toBeLessThan(j.tracks['drums']!.integratedLufs + 20);
  });

  it('a file that is not audio: exit 2 with the reason', async () => {
    await writeFile(join(dir, 'text.wav'), 'hello');
    const r = await run(['meter', 'text.wav'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('text.wav');
  });
});
