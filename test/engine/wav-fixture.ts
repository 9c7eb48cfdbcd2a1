/**
 * WAV files for the meter tests, written byte by byte from the RIFF/WAVE
 * layout (a 16-byte fmt chunk, then interleaved data): 16- or 24-bit PCM
 * (format tag 1) or 32-bit IEEE float (format tag 3).
 *
 * `writeWav` returns the samples as the file holds them — rounded to the
 * PCM grid, or to single precision — decoded the way ffmpeg decodes them
 * (a PCM code q of a b-bit file is q / 2^(b−1)), so a test can feed the
 * meter exactly what ffmpeg reads.
 */
import { writeFileSync } from 'node:fs';

export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

const BITS: Record<WavSampleFormat, number> = { pcm16: 16, pcm24: 24, float32: 32 };

export function encodeWav(
  channels: readonly Float64Array[],
  sampleRate: number,
  format: WavSampleFormat,
): { bytes: Buffer; samples: Float64Array[] } {
  const nch = channels.length;
  const frames = channels[0]!.length;
  const bits = BITS[format];
  const bytesPerSample = bits / 8;
  const dataBytes = frames * nch * bytesPerSample;
  const bytes = Buffer.alloc(44 + dataBytes);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(36 + dataBytes, 4);
  bytes.write('WAVE', 8, 'ascii');
  bytes.write('fmt ', 12, 'ascii');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(format === 'float32' ? 3 : 1, 20);
  bytes.writeUInt16LE(nch, 22);
  bytes.writeUInt32LE(sampleRate, 24);
  bytes.writeUInt32LE(sampleRate * nch * bytesPerSample, 28);
  bytes.writeUInt16LE(nch * bytesPerSample, 32);
  bytes.writeUInt16LE(bits, 34);
  bytes.write('data', 36, 'ascii');
  bytes.writeUInt32LE(dataBytes, 40);

  const samples = channels.map(() => new Float64Array(frames));
  const full = 2 ** (bits - 1);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      const x = channels[c]![i]!;
      if (format === 'float32') {
        samples[c]![i] = Math.fround(x);
        bytes.writeFloatLE(x, at);
      } else {
        const q = Math.max(-full, Math.min(full - 1, Math.round(x * full)));
        samples[c]![i] = q / full;
        if (format === 'pcm16') bytes.writeInt16LE(q, at);
        else bytes.writeIntLE(q, at, 3);
      }
      at += bytesPerSample;
    }
  }
  return { bytes, samples };
}

/** Writes `channels` to `path`; returns the samples as the file holds them. */
export function writeWav(path: string, channels: readonly Float64Array[], sampleRate: number, format: WavSampleFormat = 'float32'): Float64Array[] {
  const { bytes, samples } = encodeWav(channels, sampleRate, format);
  writeFileSync(path, bytes);
  return samples;
}
