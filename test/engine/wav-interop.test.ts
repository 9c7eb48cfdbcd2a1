/**
 * Our WAV reading and writing against an independent implementation,
 * node-wav: files it writes, we read; files we write, it reads.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeFrames, parseWavHeader, WavEncoder, wavHeader, type WavBits } from '../../engine/src/index.js';

const wav = createRequire(import.meta.url)('node-wav') as {
  encode(channels: Float32Array[], opts: { sampleRate: number; float: boolean; bitDepth: number }): Buffer;
  decode(buffer: Buffer): { sampleRate: number; channelData: Float32Array[] };
};

function signal(frames: number, channels: number): Float64Array[] {
  return Array.from({ length: channels }, (_, c) => Float64Array.from({ length: frames }, (_, i) => 0.8 * Math.sin((i * (c + 1) * 2 * Math.PI * 440) / 48000)));
}

function ours(data: Float64Array[], bits: WavBits): Buffer {
  const enc = new WavEncoder(data.length, bits);
  const bytes = new Uint8Array(data[0]!.length * data.length * (bits === 16 ? 2 : bits === 24 ? 3 : 4));
  const n = enc.encode(data, data[0]!.length, bytes);
  return Buffer.concat([wavHeader(48000, data.length, bits, n), bytes.subarray(0, n)]);
}

describe('WAV interoperability with node-wav', () => {
  it.each([
    [16, false, 1 / 32768],
    [24, false, 1 / 8388608],
    [32, true, 0],
  ] as const)('we read what node-wav writes (%i-bit, float %s)', (bitDepth, float, lsb) => {
    const data = signal(4800, 2).map((c) => Float32Array.from(c));
    const file = wav.encode(data, { sampleRate: 48000, float, bitDepth });
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    const h = parseWavHeader(bytes, bytes.length);
    if (!h.ok) throw new Error(h.reason);
    expect(h.format).toMatchObject({ sampleRate: 48000, channels: 2, bitsPerSample: bitDepth, encoding: float ? 'float' : 'pcm', frames: 4800 });
    const out = [new Float64Array(4800), new Float64Array(4800)];
    decodeFrames(bytes, 0, h.format, 0, 4800, out);
    // node-wav scales PCM by 2^(n-1) - 1 on the way out, we by 2^(n-1) on the
    // way in (the usual convention), so a sample may land one step off.
    for (let c = 0; c < 2; c++) for (let i = 0; i < 4800; i++) expect(Math.abs(out[c]![i]! - data[c]![i]!)).toBeLessThanOrEqual(2 * lsb + 1e-7);
  });

  it.each([[16, 1 / 32768], [24, 1 / 8388608], ['32f', 0]] as const)('node-wav reads what we write (%s), dither within one step', (bits, lsb) => {
    const data = signal(4800, 2);
    const decoded = wav.decode(ours(data, bits));
    expect(decoded.sampleRate).toBe(48000);
    expect(decoded.channelData).toHaveLength(2);
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < 4800; i++) {
        const expected = bits === '32f' ? Math.fround(data[c]![i]!) : data[c]![i]!;
        // TPDF dither spans ±1 step before rounding, and node-wav's scale
        // convention (above) can add one more: within 2.5 steps of the input.
        expect(Math.abs(decoded.channelData[c]![i]! - expected)).toBeLessThanOrEqual(2.5 * lsb + 1e-7);
      }
    }
  });

  it('the dither is the same on every run (fixed seed) and is not silence', () => {
    const data = [new Float64Array(1000)]; // digital silence: dither alone
    const a = ours(data, 16);
    const b = ours(data, 16);
    expect(a.equals(b)).toBe(true);
    const samples = wav.decode(a).channelData[0]!;
    expect(samples.some((v) => v !== 0)).toBe(true);
    expect(samples.every((v) => Math.abs(v) <= 1 / 32768 + 1e-9)).toBe(true);
  });
});
