/**
 * `mixdown diff --plots DIR`: the charts are real PNG files 1200 pixels
 * wide, one EQ chart for each channel whose EQ changed, drawn in the
 * channel's colour, and the master's loudness over time; a folder that
 * cannot be made is named, with exit 2.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../lsp/wav.js';
import { exampleVersions, type ExampleVersions } from './example-versions.js';
import { runCli as run } from './run-cli.js';

/** A PNG decoded by the book (PNG spec, 8-bit RGB or RGBA, not interlaced): size and pixels. */
function decodePng(file: Buffer): { width: number; height: number; pixel: (x: number, y: number) => [number, number, number] } {
  expect(file.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
      expect(data[12]).toBe(0); // not interlaced
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const value = [x, x + a, x + b, x + ((a + b) >> 1), x + paeth][filter]!;
      pixels[y * stride + i] = value & 0xff;
    }
  }
  return { width, height, pixel: (x, y) => [pixels[y * stride + x * channels]!, pixels[y * stride + x * channels + 1]!, pixels[y * stride + x * channels + 2]!] };
}

/** How many pixels are within `tolerance` of an RGB colour. */
function count(png: ReturnType<typeof decodePng>, rgb: [number, number, number], tolerance = 24): number {
  let n = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const [r, g, b] = png.pixel(x, y);
      if (Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]) <= tolerance) n++;
    }
  }
  return n;
}

let versions: ExampleVersions;
let tmp: string;
let folder: string;

beforeAll(async () => {
  versions = await exampleVersions('plots');
  ({ tmp, folder } = versions);
}, 180_000);

afterAll(() => versions.dispose());

describe('mixdown diff --plots', () => {
  it('writes an EQ chart for each channel whose EQ changed, in its colour, and the loudness over time', async () => {
    const dir = join(tmp, 'plots');
    const r = await run(['diff', 'plots-old.mix', 'plots-new.mix', '--plots', dir], folder);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`plots: ${join(dir, 'eq-track-kick.png')}, ${join(dir, 'loudness.png')}`);
    expect((await readdir(dir)).sort()).toEqual(['eq-track-kick.png', 'loudness.png']);
    for (const name of ['eq-track-kick.png', 'loudness.png']) {
      const png = decodePng(await readFile(join(dir, name)));
      expect(png.width).toBe(1200);
      expect(png.height).toBeGreaterThan(400);
      expect(png.height).toBeLessThan(800);
    }
    const eq = decodePng(await readFile(join(dir, 'eq-track-kick.png')));
    // The new curve in the kick's colour (#e06c75), the old one dashed in grey (#8c8c8c).
    expect(count(eq, [0xe0, 0x6c, 0x75])).toBeGreaterThan(1500);
    expect(count(eq, [0x8c, 0x8c, 0x8c])).toBeGreaterThan(500);
  }, 180_000);

  it('names a folder it cannot make, with exit 2, before rendering or printing anything', async () => {
    const blocker = join(tmp, 'a-file');
    await writeFile(blocker, 'not a folder');
    const r = await run(['diff', 'plots-old.mix', 'plots-new.mix', '--plots', join(blocker, 'plots')], folder);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mixdown: cannot make the plot folder .*a-file\/plots/m);
    expect(r.stdout).toBe('');
  }, 180_000);

  it('draws the EQ up to the session\'s Nyquist frequency (a 32 kHz session)', async () => {
    const dir = join(tmp, 'at32');
    await mkdir(dir);
    writeWav(join(dir, 'a.wav'), { sampleRate: 32000, channels: 1, bits: 16, frames: 32000, amplitude: 0.3 });
    const song = 'samplerate 32000 Hz\ntrack a {\n  file "a.wav"\n  color "#e06c75"\n  eq { bell 1 kHz -3 dB }\n}\n';
    await writeFile(join(dir, 'old.mix'), song);
    await writeFile(join(dir, 'new.mix'), song.replace('-3 dB', '+6 dB'));
    const r = await run(['diff', 'old.mix', 'new.mix', '--plots', join(dir, 'plots')], dir);
    expect(r.code, r.stderr).toBe(1);
    const eq = decodePng(await readFile(join(dir, 'plots', 'eq-track-a.png')));
    expect(eq.width).toBe(1200);
    expect(count(eq, [0xe0, 0x6c, 0x75])).toBeGreaterThan(1500);
  }, 180_000);
});
