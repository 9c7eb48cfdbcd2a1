/**
 * WAV files of random samples for the preview's decoding and streaming
 * tests: a frame read from the wrong place cannot pass for the right one.
 */
import { Mulberry32, wavHeader, type WavBits } from '../../engine/src/index.js';

export interface RandomWav {
  readonly bits: WavBits;
  readonly channels: number;
  readonly rate: number;
  readonly frames: number;
  readonly seed: number;
  /** Bytes before the file in its buffer (to test unaligned data). */
  readonly shift?: number;
  /** Largest sample value, below 1 (full scale by default). */
  readonly peak?: number;
}

export function randomWav(w: RandomWav): Uint8Array {
  const bytesPer = w.bits === 16 ? 2 : w.bits === 24 ? 3 : 4;
  const samples = w.frames * w.channels;
  const data = new Uint8Array(samples * bytesPer);
  const rng = new Mulberry32(w.seed);
  const view = new DataView(data.buffer);
  const peak = w.peak ?? 1;
  for (let i = 0; i < samples; i++) {
    const x = (rng.next() * 2 - 1) * peak;
    if (w.bits === 16) view.setInt16(2 * i, Math.round(x * 32767), true);
    else if (w.bits === 24) {
      const q = Math.round(x * 8388607);
      data[3 * i] = q & 0xff;
      data[3 * i + 1] = (q >> 8) & 0xff;
      data[3 * i + 2] = (q >> 16) & 0xff;
    } else view.setFloat32(4 * i, x, true);
  }
  const header = wavHeader(w.rate, w.channels, w.bits, data.length);
  const shift = w.shift ?? 0;
  const buffer = new Uint8Array(shift + header.length + data.length);
  buffer.set(header, shift);
  buffer.set(data, shift + header.length);
  return buffer.subarray(shift);
}
