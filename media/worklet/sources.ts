/**
 * Audio sources held in memory: WAV files decoded in the page by the
 * engine's own WAV code (no browser codecs), then read by the engine in the
 * page (`trim auto`) and in the worklet (the render).
 *
 * Files at another rate than the session go through the engine's Resampler,
 * pulling from the decoded file exactly as the CLI's WavSource pulls from
 * disk. The resampler's output depends only on the output frame index and the
 * input, so both hosts get the same samples whatever their block sizes.
 */
import { Resampler, SourceError, type AudioSource, type SourceProvider, decodeFrames, parseWavHeader, type WavFormat } from '../../engine/src/index.js';
import type { DecodedAudio } from './protocol.js';

/** 16-bit PCM is kept as integers (half the memory of float32) and scaled on reading, as the CLI's decoder scales it. */
const INT16_SCALE = 1 / 32768;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type DecodedChannel = Int16Array | Float32Array | Float64Array;

/**
 * `frames` little-endian 16-bit frames from the start of `bytes`, split into
 * `channels` from index `at` on: the values the CLI reads, times 32768.
 */
function deinterleave16(bytes: Uint8Array, channels: Int16Array[], at: number, frames: number): void {
  const count = channels.length;
  if (bytes.byteOffset % 2 === 0 && LITTLE_ENDIAN) {
    // Aligned: read the samples in place.
    const all = new Int16Array(bytes.buffer, bytes.byteOffset, frames * count);
    for (let c = 0; c < count; c++) {
      const dst = channels[c]!;
      for (let i = 0, p = c; i < frames; i++, p += count) dst[at + i] = all[p]!;
    }
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, frames * count * 2);
    for (let c = 0; c < count; c++) {
      const dst = channels[c]!;
      for (let i = 0, p = 2 * c; i < frames; i++, p += 2 * count) dst[at + i] = view.getInt16(p, true);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const NOTHING = new Uint8Array(0);

/**
 * Decodes a WAV file as its bytes arrive (a fetch's body, chunk by chunk, cut
 * anywhere) into the arrays the processor plays from. The page then never
 * holds a file's bytes and its samples at once, and decoding overlaps the
 * download. `fileSize` is the file's length as the server announced it.
 */
export class WavStreamDecoder {
  /** The file's first bytes, kept until the header can be read. */
  private head: Uint8Array = NOTHING;
  private format: WavFormat | null = null;
  private channels: DecodedChannel[] = [];
  /** Frames decoded so far. */
  private decoded = 0;
  /** The start of a frame cut off at the end of the last chunk. */
  private carry: Uint8Array = NOTHING;

  constructor(readonly path: string, readonly fileSize: number) {}

  /** Takes the next bytes of the file. Throws a SourceError naming the file when it cannot be played. */
  push(chunk: Uint8Array): void {
    if (this.format) {
      this.take(chunk);
      return;
    }
    this.head = this.head.length > 0 ? concat(this.head, chunk) : chunk;
    const header = parseWavHeader(this.head, this.fileSize);
    if (!header.ok) {
      if (header.problem === 'need-more') return;
      throw new SourceError(this.path, header.reason);
    }
    const f = (this.format = header.format);
    // Float32 holds 16- and 24-bit PCM and 32-bit float exactly; 32-bit PCM and 64-bit float need float64.
    const exactIn32 = f.encoding === 'pcm' ? f.bitsPerSample <= 24 : f.bitsPerSample === 32;
    const make = (): DecodedChannel =>
      f.encoding === 'pcm' && f.bitsPerSample === 16 ? new Int16Array(f.frames) : exactIn32 ? new Float32Array(f.frames) : new Float64Array(f.frames);
    this.channels = Array.from({ length: f.channels }, make);
    const data = this.head.subarray(f.dataOffset);
    this.head = NOTHING;
    this.take(data);
  }

  /** The decoded file, once every byte has been pushed. Throws a SourceError when the file ended early. */
  finish(): DecodedAudio {
    const f = this.format;
    if (!f) {
      // The bytes ran out before the header did: say what they are.
      const header = parseWavHeader(this.head, this.head.length);
      throw new SourceError(this.path, header.ok || header.problem === 'need-more' ? 'truncated: the file ends inside its header' : header.reason);
    }
    if (this.decoded < f.frames) throw new SourceError(this.path, 'truncated: the file ends before its audio does');
    return { path: this.path, sampleRate: f.sampleRate, frames: f.frames, channels: this.channels };
  }

  /** Audio bytes, following on from the last ones taken. */
  private take(bytes: Uint8Array): void {
    const f = this.format!;
    const frameBytes = f.blockAlign;
    let data = bytes;
    if (this.carry.length > 0) {
      const missing = frameBytes - this.carry.length;
      if (data.length < missing) {
        this.carry = concat(this.carry, data);
        return;
      }
      this.decode(concat(this.carry, data.subarray(0, missing)), 1);
      this.carry = NOTHING;
      data = data.subarray(missing);
    }
    const frames = Math.min(Math.floor(data.length / frameBytes), f.frames - this.decoded);
    this.decode(data, frames);
    // Part of a frame is left (bytes after the audio, such as trailing chunks, are not).
    if (this.decoded < f.frames) this.carry = data.slice(frames * frameBytes);
  }

  /** Decodes `frames` whole frames from the start of `bytes`. */
  private decode(bytes: Uint8Array, frames: number): void {
    if (frames <= 0) return;
    const f = this.format!;
    const channels = this.channels;
    if (channels[0] instanceof Int16Array) deinterleave16(bytes, channels as Int16Array[], this.decoded, frames);
    // decodeFrames reads frame `decoded` from `bytes` when told they start at that frame's file offset.
    else decodeFrames(bytes, f.dataOffset + this.decoded * f.blockAlign, f, this.decoded, frames, channels as (Float32Array | Float64Array)[], this.decoded);
    this.decoded += frames;
  }
}

/** Decodes a whole WAV file. Throws a SourceError naming `path` when the file cannot be played. */
export function decodeWav(path: string, bytes: Uint8Array): DecodedAudio {
  const decoder = new WavStreamDecoder(path, bytes.byteLength);
  decoder.push(bytes);
  return decoder.finish();
}

/**
 * out[c][offset + i] = frame (start + i) of channel c of `file`, zeros
 * outside it. Plain loops: no views are made, nothing is allocated.
 * Frames are whole numbers; a fractional `start` is floored rather than
 * read as `undefined`, so a bad position can never put NaN into the graph.
 */
function readDecoded(file: DecodedAudio, at: number, count: number, out: Float64Array[], offset: number): void {
  const start = Math.floor(at);
  const from = Math.min(count, Math.max(0, -start));
  const to = Math.max(from, Math.min(count, file.frames - start));
  for (let c = 0; c < file.channels.length; c++) {
    const src = file.channels[c]!;
    const dst = out[c]!;
    for (let i = 0; i < from; i++) dst[offset + i] = 0;
    if (src instanceof Int16Array) for (let i = from; i < to; i++) dst[offset + i] = src[start + i]! * INT16_SCALE;
    else for (let i = from; i < to; i++) dst[offset + i] = src[start + i]!;
    for (let i = to; i < count; i++) dst[offset + i] = 0;
  }
}

/** A decoded file at the session's rate. */
class DecodedSource implements AudioSource {
  readonly channels: 1 | 2;
  readonly frames: number;

  constructor(private readonly file: DecodedAudio) {
    this.channels = file.channels.length as 1 | 2;
    this.frames = file.frames;
  }

  read(start: number, count: number, out: Float64Array[], offset: number): void {
    readDecoded(this.file, start, count, out, offset);
  }
}

/** A decoded file at another rate, resampled as the CLI does it. */
class ResampledSource implements AudioSource {
  readonly channels: 1 | 2;
  readonly frames: number;
  private readonly resampler: Resampler;
  /** For reads at an offset (the resampler writes from index 0); grows to the largest read, then stays. */
  private scratch: Float64Array[] = [];

  constructor(file: DecodedAudio, sessionRate: number) {
    this.channels = file.channels.length as 1 | 2;
    this.resampler = new Resampler(file.sampleRate, sessionRate, this.channels, (start, count, out) => readDecoded(file, start, count, out, 0));
    this.frames = Resampler.outputLength(file.frames, file.sampleRate, sessionRate);
  }

  read(start: number, count: number, out: Float64Array[], offset: number): void {
    if (offset === 0) {
      this.resampler.read(start, count, out);
      return;
    }
    if ((this.scratch[0]?.length ?? 0) < count) this.scratch = Array.from({ length: this.channels }, () => new Float64Array(count));
    this.resampler.read(start, count, this.scratch);
    for (let c = 0; c < this.channels; c++) {
      const src = this.scratch[c]!;
      const dst = out[c]!;
      for (let i = 0; i < count; i++) dst[offset + i] = src[i]!;
    }
  }
}

/**
 * The engine's SourceProvider over decoded files. Each `open` gets its own
 * source (and resampler state), as each clip gets its own reader in the CLI;
 * the decoded samples themselves are shared. The preview keeps one provider
 * for the life of the panel and adds files as they arrive, replacing a file
 * when it changes on disk; graphs already built keep the version they opened.
 */
export class DecodedProvider implements SourceProvider {
  private readonly files = new Map<string, DecodedAudio>();

  constructor(files: readonly DecodedAudio[], private readonly sessionRate: number) {
    this.add(files);
  }

  add(files: readonly DecodedAudio[]): void {
    for (const f of files) this.files.set(f.path, f);
  }

  /** Forgets files no longer named by the session, so their memory can go. */
  retain(paths: ReadonlySet<string>): void {
    for (const path of [...this.files.keys()]) if (!paths.has(path)) this.files.delete(path);
  }

  open(path: string): AudioSource {
    const file = this.files.get(path);
    if (!file) throw new SourceError(path, 'audio file not loaded');
    if (file.channels.length !== 1 && file.channels.length !== 2) throw new SourceError(path, `${file.channels.length} channels; only mono and stereo files are supported`);
    return file.sampleRate === this.sessionRate ? new DecodedSource(file) : new ResampledSource(file, this.sessionRate);
  }
}
