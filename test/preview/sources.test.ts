/**
 * Audio in the preview is decoded by the page (media/worklet/sources.ts) and
 * must read exactly as the CLI reads the same file from disk, whatever its
 * format and however its bytes are aligned in memory.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceError, decodeFrames, parseWavHeader, type WavBits } from '../../engine/src/index.js';
import { decodeWav, DecodedProvider, WavStreamDecoder } from '../../media/worklet/sources.js';
import { randomWav } from './random-wav.js';

const RATE = 48000;
const FRAMES = 5000;

/** A WAV file of random samples, placed at `shift` bytes into its buffer (to test unaligned data). */
function wavFile(bits: WavBits, channels: number, shift = 0): Uint8Array {
  return randomWav({ bits, channels, rate: RATE, frames: FRAMES, seed: 7, shift });
}

/** What the CLI reads: the engine's decoder into float64. */
function cliRead(bytes: Uint8Array): Float64Array[] {
  const h = parseWavHeader(bytes, bytes.byteLength);
  if (!h.ok) throw new Error(h.reason);
  const out = Array.from({ length: h.format.channels }, () => new Float64Array(FRAMES));
  decodeFrames(bytes, 0, h.format, 0, FRAMES, out);
  return out;
}

describe('audio decoded in the page', () => {
  for (const [bits, channels, shift] of [[16, 2, 0], [16, 2, 1], [16, 1, 0], [24, 2, 0], ['32f', 2, 1]] as const) {
    it(`reads ${bits}-bit ${channels === 1 ? 'mono' : 'stereo'}${shift ? ', unaligned,' : ''} exactly as the CLI does`, () => {
      const bytes = wavFile(bits, channels, shift);
      const decoded = decodeWav('x.wav', bytes);
      if (bits === 16) for (const c of decoded.channels) expect(c).toBeInstanceOf(Int16Array);
      const source = new DecodedProvider([decoded], RATE).open('x.wav');
      const out = Array.from({ length: channels }, () => new Float64Array(FRAMES + 20));
      // Read across the start and the end of the file, at an offset into the output.
      source.read(-10, FRAMES + 10, out, 10);
      const expected = cliRead(bytes);
      for (let c = 0; c < channels; c++) {
        expect(Array.from(out[c]!.subarray(10, 20))).toEqual(new Array(10).fill(0));
        expect(out[c]!.subarray(20, FRAMES + 20)).toEqual(expected[c]!);
      }
    });
  }

  it('names a truncated file and what is wrong with it', () => {
    const bytes = wavFile(16, 2);
    expect(() => decodeWav('takes/vox.wav', bytes.subarray(0, bytes.length - 100))).toThrow(SourceError);
    expect(() => decodeWav('takes/vox.wav', bytes.subarray(0, bytes.length - 100))).toThrow(/^takes\/vox\.wav: .*(truncated|ends)/);
    expect(() => decodeWav('notes.wav', new TextEncoder().encode('not a wav file at all, just text'))).toThrow(/notes\.wav/);
  });
});

describe('audio decoded as it downloads', () => {
  /** `bytes` pushed in pieces cut where `cuts` say (offsets into the file, in any order). */
  function decodeInPieces(path: string, bytes: Uint8Array, cuts: number[], fileSize = bytes.byteLength) {
    const decoder = new WavStreamDecoder(path, fileSize);
    let from = 0;
    for (const to of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
      // Each piece in a buffer of its own, as a fetch's body delivers it (and at any alignment).
      const piece = new Uint8Array(bytes.subarray(from, to));
      decoder.push(piece);
      from = to;
    }
    return decoder.finish();
  }

  it('gives the samples of the whole-file decoder however the bytes are cut', () => {
    const formats = [[16, 2], [16, 1], [24, 2], [24, 1], ['32f', 2]] as const;
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.array(fc.nat(), { maxLength: 12 }), ([bits, channels], raw) => {
        const bytes = wavFile(bits, channels);
        const cuts = raw.map((x) => x % bytes.length);
        const streamed = decodeInPieces('x.wav', bytes, cuts);
        const whole = decodeWav('x.wav', bytes);
        expect(streamed.frames).toBe(FRAMES);
        for (let c = 0; c < channels; c++) expect(streamed.channels[c]).toEqual(whole.channels[c]);
      }),
      { numRuns: 60, seed: 11 },
    );
    // A cut inside the header, one inside a frame, and one byte at a time across a frame boundary.
    const bytes = wavFile(24, 2);
    const cuts = [5, 30, 47, 100, 101, 102, 103, 104, 105, 106, 107, 1001];
    expect(decodeInPieces('x.wav', bytes, cuts).channels[1]).toEqual(decodeWav('x.wav', bytes).channels[1]);
  });

  it('names a download that ends early, inside the header or the audio, and a file that is no WAV', () => {
    const bytes = wavFile(16, 2);
    expect(() => decodeInPieces('takes/vox.wav', bytes.subarray(0, bytes.length - 3), [100], bytes.length)).toThrow(/^takes\/vox\.wav: truncated/);
    expect(() => decodeInPieces('takes/vox.wav', bytes.subarray(0, 20), [7], bytes.length)).toThrow(/^takes\/vox\.wav: truncated: the file ends inside its header/);
    const text = new TextEncoder().encode('not a wav file at all, just text');
    expect(() => decodeInPieces('notes.wav', text, [3])).toThrow(/^notes\.wav: not a WAV file/);
  });
});
