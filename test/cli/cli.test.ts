/**
 * The `mixdown` command as users run it: the built bundle in a child
 * process, real files in a temporary folder, exit codes and output checked.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavHeader } from '../lsp/wav.js';
import { runCli as run } from './run-cli.js';

/** A minimal valid PCM WAV: 16-bit, `channels`, `rate`, `frames` of a quiet sine. */
function wav(rate: number, channels: number, frames: number): Buffer {
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) data.writeInt16LE(Math.round(8000 * Math.sin(i / 10)), (i * channels + c) * 2);
  return Buffer.concat([wavHeader({ sampleRate: rate, channels: channels as 1 | 2, bits: 16, frames: data.length / (2 * channels) }), data]);
}

let dir: string;
const VALID = `title "t"
tempo 120 bpm
track kick {
  file "kick.wav"
  gain -3 dB
  to drums
}
bus drums {
  comp {
    threshold -12 dB
  }
}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixdown-cli-'));
  await writeFile(join(dir, 'kick.wav'), wav(48000, 1, 4800));
  await writeFile(join(dir, 'slow.wav'), wav(44100, 2, 4410));
  await writeFile(join(dir, 'valid.mix'), VALID);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mixdown check', () => {
  it('exits 0 and says so for a valid session', async () => {
    const r = await run(['check', 'valid.mix'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid.mix: no problems');
  });

  it('exits 1 and names file, line, column and code for errors', async () => {
    await writeFile(join(dir, 'bad.mix'), 'track kick {\n  file "kick.wav"\n  gain -3\n  to drumz\n}\n');
    const r = await run(['check', 'bad.mix'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bad.mix:3:8: error: -3 needs a unit: -3 dB [missing-unit]');
    expect(r.stdout).toContain("bad.mix:4:6: error: there is no bus named 'drumz'");
    expect(r.stdout).toMatch(/2 errors/);
  });

  it('reads audio headers: missing, unreadable and resampled files', async () => {
    await writeFile(join(dir, 'notaudio.wav'), 'this is text');
    await writeFile(join(dir, 'files.mix'), 'track a { file "nope.wav" }\ntrack b { file "notaudio.wav" }\ntrack c { file "slow.wav" }\n');
    const r = await run(['check', 'files.mix', '--json'], dir);
    expect(r.code).toBe(1);
    const json = (JSON.parse(r.stdout) as { diagnostics: { code: string; severity: string; line: number; file: string }[] }).diagnostics;
    expect(json.map((d) => [d.line, d.code, d.severity])).toEqual([
      [1, 'audio-missing', 'error'],
      [2, 'audio-unreadable', 'error'],
      [3, 'samplerate-differs', 'information'],
    ]);
    expect(json[0]!.file).toBe('files.mix');
  });

  it('--json reports the tempo map it resolved: each tempo and meter with the time its bar starts', async () => {
    await writeFile(join(dir, 'tempo.mix'), [
      'tempo 120 bpm', 'meter 4/4', 'tempo 90 bpm at bar 3', 'tempo 180 bpm at bar 5 ramp', 'meter 7/8 at bar 6',
      'track a { file "kick.wav" }', '',
    ].join('\n'));
    const r = await run(['check', 'tempo.mix', '--json'], dir);
    expect(r.code).toBe(0);
    const { tempoMap } = JSON.parse(r.stdout) as { tempoMap: { tempos: { bar: number; seconds: number; bpm: number; ramp: boolean }[]; meters: { bar: number; seconds: number }[] } };
    // Bars 1-2 at 120 bpm: 4 s. Bars 3-4 ramp from 90 to 180 bpm over 8 beats: (60/k)·ln(180/90), k = 90/8.
    const rampSeconds = (60 / (90 / 8)) * Math.log(2);
    expect(tempoMap.tempos).toEqual([
      { bar: 1, seconds: 0, bpm: 120, ramp: false },
      { bar: 3, seconds: 4, bpm: 90, ramp: false },
      { bar: 5, seconds: Math.round((4 + rampSeconds) * 1e6) / 1e6, bpm: 180, ramp: true },
    ]);
    // Bar 5 at 180 bpm: 4 quarters of 1/3 s; bar 6 is the first in 7/8.
    expect(tempoMap.meters.map((m) => [m.bar, m.seconds])).toEqual([[1, 0], [6, Math.round((4 + rampSeconds + 4 / 3) * 1e6) / 1e6]]);
    const none = await run(['check', 'files.mix', '--json'], dir);
    expect((JSON.parse(none.stdout) as { tempoMap: unknown }).tempoMap).toBe(null);
  });

  it('warnings alone do not fail the check', async () => {
    await writeFile(join(dir, 'warn.mix'), 'track a { file "kick.wav" }\ntrack empty { gain 0 dB }\n');
    const r = await run(['check', 'warn.mix'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[track-no-sources]');
  });

  it('usage and I/O errors exit 2 with one line and no stack trace', async () => {
    const missing = await run(['check', 'nope.mix'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('mixdown: cannot read nope.mix: no such file\n');
    const folder = await run(['check', '.'], dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('is a folder');
    const usage = await run(['check'], dir);
    expect(usage.code).toBe(2);
    const unknown = await run(['check', 'valid.mix', '--frob'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frob'");
    for (const r of [missing, folder, usage, unknown]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('mixdown fmt', () => {
  const messy = 'track kick { file "kick.wav"; gain -3dB # loud\n  eq { bell 300 Hz -3 dB q 1.4 } }\n';
  const canonical = 'track kick {\n  file "kick.wav"\n  gain -3 dB # loud\n  eq {\n    bell 300 Hz -3 dB q 1.4\n  }\n}\n';

  it('prints the canonical text and leaves the file alone', async () => {
    await writeFile(join(dir, 'messy.mix'), messy);
    const r = await run(['fmt', 'messy.mix'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(canonical);
    expect(await readFile(join(dir, 'messy.mix'), 'utf8')).toBe(messy);
  });

  it('--check exits 1 for an unformatted file and 0 for a formatted one', async () => {
    await writeFile(join(dir, 'messy.mix'), messy);
    expect((await run(['fmt', 'messy.mix', '--check'], dir)).code).toBe(1);
    await writeFile(join(dir, 'tidy.mix'), canonical);
    expect((await run(['fmt', 'tidy.mix', '--check'], dir)).code).toBe(0);
  });

  it('--write rewrites in place and leaves no temporary file', async () => {
    await writeFile(join(dir, 'rewrite.mix'), messy);
    const r = await run(['fmt', 'rewrite.mix', '--write'], dir);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'rewrite.mix'), 'utf8')).toBe(canonical);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('refuses a file with syntax errors and does not touch it', async () => {
    const broken = 'track kick {\n  gain\n  file "kick.wav"\n';
    await writeFile(join(dir, 'broken.mix'), broken);
    const r = await run(['fmt', 'broken.mix', '--write'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("broken.mix:2:3: error: 'gain' needs a level");
    expect(r.stderr).toContain('not formatted: fix the syntax errors first');
    expect(await readFile(join(dir, 'broken.mix'), 'utf8')).toBe(broken);
  });

  it('--check and --write together is a usage error', async () => {
    expect((await run(['fmt', 'valid.mix', '--check', '--write'], dir)).code).toBe(2);
  });
});
