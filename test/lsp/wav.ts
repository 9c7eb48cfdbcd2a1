/**
 * Tiny but real WAV files for the language-server tests and the benchmark.
 * Written byte by byte from the RIFF/WAVE layout (not with the project's own
 * reader), so the server's header parsing is checked against an outside
 * description of the format.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WavSpec {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** 8-bit PCM exists in the wild and is not supported by the server (a good "unsupported" file). */
  readonly bits: 8 | 16 | 24;
  readonly frames: number;
  /** Peak amplitude of the sine written, 0..1 of full scale. */
  readonly amplitude?: number;
  readonly frequency?: number;
}

/** The 44-byte canonical header: RIFF, a 16-byte PCM fmt chunk, a data chunk header. */
export function wavHeader(spec: WavSpec, dataBytes = spec.frames * spec.channels * (spec.bits / 8)): Buffer {
  const blockAlign = spec.channels * (spec.bits / 8);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(spec.channels, 22);
  h.writeUInt32LE(spec.sampleRate, 24);
  h.writeUInt32LE(spec.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(spec.bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Interleaved samples of a sine whose largest sample is exactly `amplitude` of full scale. */
export function wavData(spec: WavSpec): Buffer {
  const bytes = spec.bits / 8;
  const out = Buffer.alloc(spec.frames * spec.channels * bytes);
  const amplitude = spec.amplitude ?? 0.5;
  const full = spec.bits === 8 ? 127 : spec.bits === 16 ? 32767 : 8388607;
  const f = spec.frequency ?? 1000;
  let p = 0;
  for (let i = 0; i < spec.frames; i++) {
    // The first sample of each period's quarter is the crest: sin(pi/2) = 1 exactly when f divides the rate.
    const v = Math.round(Math.sin((2 * Math.PI * f * i) / spec.sampleRate) * amplitude * full);
    for (let c = 0; c < spec.channels; c++) {
      if (spec.bits === 8) out.writeUInt8(v + 128, p);
      else if (spec.bits === 16) out.writeInt16LE(v, p);
      else out.writeIntLE(v, p, 3);
      p += bytes;
    }
  }
  return out;
}

export function writeWav(path: string, spec: WavSpec): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([wavHeader(spec), wavData(spec)]));
}

/**
 * A 32-bit float WAV laid out as many recorders write it: a LIST/INFO chunk
 * (odd-sized, so padded) before `fmt `, an 18-byte fmt chunk, a `fact` chunk,
 * then the data.
 */
export function writeFloatWav(path: string, spec: Omit<WavSpec, 'bits'>): void {
  mkdirSync(dirname(path), { recursive: true });
  const amplitude = spec.amplitude ?? 0.5;
  const f = spec.frequency ?? 1000;
  const data = Buffer.alloc(spec.frames * spec.channels * 4);
  let p = 0;
  for (let i = 0; i < spec.frames; i++) {
    const v = Math.sin((2 * Math.PI * f * i) / spec.sampleRate) * amplitude;
    for (let c = 0; c < spec.channels; c++, p += 4) data.writeFloatLE(v, p);
  }
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'ascii');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, Buffer.alloc(body.length & 1)]);
  };
  const info = Buffer.concat([Buffer.from('INFO', 'ascii'), chunk('ISFT', Buffer.from('mixdown test\0', 'ascii'))]); // 13-byte string: padded
  const fmt = Buffer.alloc(18);
  fmt.writeUInt16LE(3, 0); // IEEE float
  fmt.writeUInt16LE(spec.channels, 2);
  fmt.writeUInt32LE(spec.sampleRate, 4);
  fmt.writeUInt32LE(spec.sampleRate * spec.channels * 4, 8);
  fmt.writeUInt16LE(spec.channels * 4, 12);
  fmt.writeUInt16LE(32, 14);
  fmt.writeUInt16LE(0, 16); // cbSize
  const fact = Buffer.alloc(4);
  fact.writeUInt32LE(spec.frames, 0);
  const body = Buffer.concat([Buffer.from('WAVE', 'ascii'), chunk('LIST', info), chunk('fmt ', fmt), chunk('fact', fact), chunk('data', data)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  writeFileSync(path, Buffer.concat([riff, body]));
}

/** A WAV whose header announces all its frames but whose file stops after `keepBytes` bytes of audio. */
export function writeTruncatedWav(path: string, spec: WavSpec, keepBytes: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([wavHeader(spec), wavData(spec).subarray(0, keepBytes)]));
}

/**
 * A long WAV that costs almost no disk: a real header and `leadFrames` of
 * sine, then silence made by extending the file (sparse on most file systems).
 */
export function writeLongWav(path: string, spec: WavSpec, leadFrames = Math.min(spec.frames, 4800)): void {
  mkdirSync(dirname(path), { recursive: true });
  const blockAlign = spec.channels * (spec.bits / 8);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, wavHeader(spec));
    writeSync(fd, wavData({ ...spec, frames: leadFrames }));
    ftruncateSync(fd, 44 + spec.frames * blockAlign);
  } finally {
    closeSync(fd);
  }
}
