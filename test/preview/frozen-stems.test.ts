/**
 * The frozen stems' writer (client/src/preview/frozen-stems.ts): a 64-bit
 * float stereo WAV per group, readable by the engine's own WAV code with the
 * sums exactly; nothing half written; a group too long for a WAV file gets
 * no stem (it stays live) instead of a file whose header lies; the index
 * that lets a panel opened again play them at once, and the bound on the
 * folders kept.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneFrozenFolders, readStemIndex, StemWriter, textHash, writeStemIndex } from '../../client/src/preview/frozen-stems.js';
import { mkdir, rm as remove, utimes, writeFile } from 'node:fs/promises';
import { decodeFrames, parseWavHeader, type SummingGroup } from '../../engine/src/index.js';

const group = (n: number): SummingGroup => ({ key: `master/${n}`, bus: 'master', members: [`t${n}`], signature: `{"group":${n}}` });

function block(start: number, frames: number): Float64Array[] {
  return [0, 1].map((c) => Float64Array.from({ length: frames }, (_, i) => Math.sin((start + i) * 0.01 + c) / 3 + 1e-17 * i));
}

describe('the frozen stems writer', () => {
  let folder = '';
  afterEach(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('writes each group once, as 64-bit float WAV the engine reads back exactly', async () => {
    folder = await mkdtemp(join(tmpdir(), 'mixdown-stems-'));
    const writer = new StemWriter(folder, 48000);
    const blocks = [block(0, 128), block(128, 128), block(256, 37)];
    let p = 0;
    for (const b of blocks) {
      writer.add(group(1), b, p, b[0]!.length);
      writer.add(group(2), b.map((x) => x.map((v) => -v)), p, b[0]!.length);
      p += b[0]!.length;
    }
    const stems = writer.finish();
    expect(stems.map((s) => s.signature)).toEqual([group(1).signature, group(2).signature]);
    expect((await readdir(folder)).sort()).toEqual(stems.map((s) => s.file.split('/').pop()).sort());
    const bytes = new Uint8Array(await readFile(stems[0]!.file));
    const h = parseWavHeader(bytes, bytes.length);
    if (!h.ok) throw new Error(h.reason);
    expect([h.format.encoding, h.format.bitsPerSample, h.format.channels, h.format.frames, h.format.sampleRate]).toEqual(['float', 64, 2, p, 48000]);
    const read = [new Float64Array(p), new Float64Array(p)];
    decodeFrames(bytes, 0, h.format, 0, p, read);
    const expected = [0, 1].map((c) => Float64Array.from(blocks.flatMap((b) => [...b[c]!])));
    expect(read).toEqual(expected);
    // Written again for the same signature: the file on disk is taken, not rewritten.
    const again = new StemWriter(folder, 48000);
    again.add(group(1), blocks[0]!, 0, 128);
    expect(again.finish()).toEqual([stems[0]]);
  });

  it('gives a group too long for a WAV file no stem, and leaves nothing of it', async () => {
    folder = await mkdtemp(join(tmpdir(), 'mixdown-stems-'));
    const writer = new StemWriter(folder, 48000, 44 + 16 * 300);
    writer.add(group(1), block(0, 128), 0, 128);
    writer.add(group(1), block(128, 128), 128, 128);
    writer.add(group(1), block(256, 128), 256, 128); // 384 frames: over the limit
    writer.add(group(1), block(384, 128), 384, 128);
    expect(writer.finish()).toEqual([]);
    expect(await readdir(folder)).toEqual([]);
  });

  it('keeps an index of the last analysis: a panel opened again finds the stems still on disk, and the trims of the same text', async () => {
    folder = await mkdtemp(join(tmpdir(), 'mixdown-stems-'));
    const writer = new StemWriter(folder, 48000);
    for (const n of [1, 2]) writer.add(group(n), block(0, 64), 0, 64);
    const stems = writer.finish();
    const text = 'track t1 { file "a.wav" trim auto }';
    await writeStemIndex(folder, { text: textHash(text), trims: { t1: -3.25 }, stems });
    expect(await readStemIndex(folder)).toEqual({ text: textHash(text), trims: { t1: -3.25 }, stems });
    // A stem deleted since is left out; an index that is not ours is no index.
    await remove(stems[1]!.file);
    expect((await readStemIndex(folder))?.stems).toEqual([stems[0]]);
    await writeFile(join(folder, 'stems.json'), '{"text": 3}');
    expect(await readStemIndex(folder)).toBeNull();
  });

  it('keeps the stems of the files previewed last, and of those open', async () => {
    folder = await mkdtemp(join(tmpdir(), 'mixdown-frozen-'));
    const names = ['a', 'b', 'c', 'd'];
    for (const [i, name] of names.entries()) {
      await mkdir(join(folder, name));
      await writeStemIndex(join(folder, name), { text: '', trims: {}, stems: [] });
      const t = new Date(Date.UTC(2026, 0, 1 + i));
      await utimes(join(folder, name, 'stems.json'), t, t);
    }
    await pruneFrozenFolders(folder, [join(folder, 'a')], 2);
    expect((await readdir(folder)).sort()).toEqual(['a', 'c', 'd']);
  });
});
