/**
 * The frozen stems' writer (client/src/preview/frozen-stems.ts): a 64-bit
 * float stereo WAV per group, readable by the engine's own WAV code with the
 * sums exactly; nothing half written; a group too long for a WAV file gets
 * no stem (it stays live) instead of a file whose header lies.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StemWriter } from '../../client/src/preview/frozen-stems.js';
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
});
