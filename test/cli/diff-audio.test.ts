/**
 * `mixdown diff --audio` against outside measurements of the same renders:
 * `mixdown meter` of each version (the master and each channel) and of the
 * WAV that `mixdown render` writes, and a null test recomputed from those
 * WAV files decoded by node-wav. Only the changed channels are metered.
 */
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../lsp/wav.js';
import { exampleVersions, type ExampleVersions } from './example-versions.js';
import { runCli as run } from './run-cli.js';

const wav = createRequire(import.meta.url)('node-wav') as { decode(buffer: Buffer): { sampleRate: number; channelData: Float32Array[] } };

interface Report { integratedLufs: number | null; loudnessRangeLu: number | null; truePeakDbtp: number | null }
interface MeterJson extends Report { tracks: Record<string, Report> }
interface AudioJson {
  master: { old: Report; new: Report };
  channels: { name: string; kind: string; old: Report | null; new: Report | null }[];
  nullTest: { belowMixDb: number | null; largest: { where: string; rmsDbfs: number } | null };
  metered: { count: number; of: number };
}

let versions: ExampleVersions;
let folder: string;

beforeAll(async () => {
  versions = await exampleVersions('diff');
  folder = versions.folder;
}, 180_000);

afterAll(() => versions.dispose(['diff-old.wav', 'diff-new.wav']));

/** Planar float samples of a WAV file, decoded by node-wav. */
async function decoded(path: string): Promise<Float32Array[]> {
  return wav.decode(await readFile(path)).channelData;
}

/** The diff, the meters and the renders, run once for the tests below. */
let runs: { diff: Awaited<ReturnType<typeof run>>; oldMeter: Awaited<ReturnType<typeof run>>; newMeter: Awaited<ReturnType<typeof run>> };

describe('mixdown diff --audio', () => {
  beforeAll(async () => {
    const [diff, oldMeter, newMeter] = await Promise.all([
      run(['diff', 'diff-old.mix', 'diff-new.mix', '--audio', '--format', 'json'], folder),
      run(['meter', 'diff-old.mix', '--json'], folder),
      run(['meter', 'diff-new.mix', '--json'], folder),
      run(['render', 'diff-old.mix', '-o', 'diff-old.wav', '--bits', '32f'], folder),
      run(['render', 'diff-new.mix', '-o', 'diff-new.wav', '--bits', '32f'], folder),
    ]);
    runs = { diff, oldMeter, newMeter };
  }, 180_000);

  it('reports the same loudness as mixdown meter, and meters only the changed channels', () => {
    const { diff, oldMeter, newMeter } = runs;
    expect(diff.code, diff.stderr).toBe(1);
    const { changes, audio } = JSON.parse(diff.stdout) as { changes: unknown[]; audio: AudioJson };
    expect(changes).toHaveLength(2);
    const [o, n] = [JSON.parse(oldMeter.stdout) as MeterJson, JSON.parse(newMeter.stdout) as MeterJson];
    // meter prints two decimals.
    const near = (a: number | null, b: number | null) => {
      expect(a).not.toBeNull();
      expect(Math.abs(a! - b!)).toBeLessThanOrEqual(0.005 + 1e-9);
    };
    for (const key of ['integratedLufs', 'loudnessRangeLu', 'truePeakDbtp'] as const) {
      near(audio.master.old[key], o[key]);
      near(audio.master.new[key], n[key]);
      for (const c of audio.channels) {
        near(c.old![key], o.tracks[c.name]![key]);
        near(c.new![key], n.tracks[c.name]![key]);
      }
    }
    expect(audio.channels.map((c) => `${c.kind} ${c.name}`).sort()).toEqual(['track kick', 'track loop']);
    expect(audio.metered).toEqual({ count: 2, of: 8 });
    // The loop went from -10% to -40%: its level changed.
    const loop = audio.channels.find((c) => c.name === 'loop')!;
    expect(loop.new!.integratedLufs).not.toBe(loop.old!.integratedLufs);
  });

  it('has a null test that matches the difference of the two WAV files mixdown render writes', async () => {
    const { audio } = JSON.parse(runs.diff.stdout) as { audio: AudioJson };
    const [a, b] = [await decoded(join(folder, 'diff-old.wav')), await decoded(join(folder, 'diff-new.wav'))];
    let d2 = 0;
    let m2 = 0;
    for (let c = 0; c < b.length; c++) {
      for (let i = 0; i < b[c]!.length; i++) {
        const d = b[c]![i]! - (a[c]![i] ?? 0);
        d2 += d * d;
        m2 += b[c]![i]! * b[c]![i]!;
      }
    }
    const belowMix = 10 * Math.log10(d2 / m2);
    expect(Math.abs(audio.nullTest.belowMixDb! - belowMix)).toBeLessThan(0.05);
    expect(audio.nullTest.belowMixDb!).toBeLessThan(-6);
    expect(audio.nullTest.largest!.where).toMatch(/^bar \d+( \(\w+\))?$/);
  });

  it('says the renders are identical when only the formatting changed', async () => {
    await writeFile(join(folder, 'diff-new.mix'), (await readFile(join(folder, 'diff-old.mix'), 'utf8')).replace(/#[^\n"]*$/gm, ''));
    const r = await run(['diff', 'diff-old.mix', 'diff-new.mix', '--audio'], folder);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no mix changes');
    expect(r.stdout).toContain('0 of 8 channels metered');
    expect(r.stdout).toContain('null test: the two renders are identical');
  }, 180_000);
});

describe('mixdown diff --audio at the edges', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixdown-diff-edges-'));
    writeWav(join(dir, 'a.wav'), { sampleRate: 48000, channels: 2, bits: 16, frames: 48000, amplitude: 0.5, frequency: 220 });
    writeWav(join(dir, 'b.wav'), { sampleRate: 48000, channels: 1, bits: 16, frames: 48000, amplitude: 0.3, frequency: 330 });
    const song = 'track a {\n  file "a.wav"\n}\ntrack b {\n  file "b.wav"\n  gain -3 dB\n}\n';
    await writeFile(join(dir, 'stereo.mix'), song);
    await writeFile(join(dir, 'mono.mix'), `output mono\n${song}`);
    await writeFile(join(dir, 'at44.mix'), `samplerate 44100 Hz\n${song}`);
    await writeFile(join(dir, 'swapped.mix'), 'track b {\n  file "b.wav"\n  gain -3 dB\n}\ntrack a {\n  file "a.wav"\n}\n');
    await writeFile(join(dir, 'broken.mix'), `${song}track c {\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('compares a mono render with a stereo one as heard (the mono fold), without failing', async () => {
    const r = await run(['diff', 'mono.mix', 'stereo.mix', '--audio', '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(1);
    const { audio } = JSON.parse(r.stdout) as { audio: AudioJson & { nullTest: { nulls: boolean; note: string | null } } };
    // A dual-mono file and a centred mono one: each side of the stereo render is what the mono render plays.
    expect(audio.nullTest).toMatchObject({ belowMixDb: null, note: null, nulls: true, largest: null });
    expect(audio.master.old.integratedLufs).not.toBe(audio.master.new.integratedLufs);
  });

  it('takes an empty version as silence: a new mix against /dev/null', async () => {
    const r = await run(['diff', '/dev/null', 'stereo.mix', '--audio'], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('+ track a');
    expect(r.stdout).toMatch(/master: -inf -> -\d+\.\d LUFS/);
    expect(r.stdout).toMatch(/track a: added, -\d+\.\d LUFS/);
    expect(r.stdout).toContain('null test: the old render is silent, so the difference is the new mix');
  });

  it('makes no null test across sample rates, and says why', async () => {
    const r = await run(['diff', 'stereo.mix', 'at44.mix', '--audio'], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('null test: not made: the sample rates differ (48000 Hz -> 44100 Hz)');
  });

  it('calls a difference from a new summing order rounding, and meters no channel for a move', async () => {
    const r = await run(['diff', 'stereo.mix', 'swapped.mix', '--audio'], dir);
    expect(r.stdout).toContain('~ track b: moved, after a -> first');
    expect(r.stdout).toContain('0 of 2 channels metered');
    expect(r.stdout).toMatch(/null test: (the two renders are identical|the renders null \(the difference, \d+\.\d dB below the mix, is rounding\))/);
  });

  it('still prints the diff of a version with errors, then refuses to render it', async () => {
    const r = await run(['diff', 'stereo.mix', 'broken.mix', '--audio'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+ track c');
    expect(r.stderr).toContain('mixdown: diff --audio: a version has errors (above), so neither is rendered');
  });
});
