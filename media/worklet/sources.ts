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
import { STREAM_CHUNK_FRAMES, type DecodedAudio, type StreamChunk, type StreamHeader } from './protocol.js';

/** 16-bit PCM is kept as integers (half the memory of float32) and scaled on reading, as the CLI's decoder scales it. */
const INT16_SCALE = 1 / 32768;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type DecodedChannel = Int16Array | Float32Array | Float64Array;

/**
 * `frames` little-endian 16-bit frames from the start of `bytes`, split into
 * `channels` from index `at` on: the values the CLI reads, times 32768.
 */
export function deinterleave16(bytes: Uint8Array, channels: Int16Array[], at: number, frames: number): void {
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

/** `a` then `b` in one new array. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
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

/** What a source needs of a file, whole or streamed: its shape, and a reader of its frames (zeros outside it). */
interface FileFrames {
  readonly channels: 1 | 2;
  readonly sampleRate: number;
  readonly frames: number;
  read(at: number, count: number, out: Float64Array[], offset: number): void;
}

function wholeFile(file: DecodedAudio): FileFrames {
  return { channels: file.channels.length as 1 | 2, sampleRate: file.sampleRate, frames: file.frames, read: (at, count, out, offset) => readDecoded(file, at, count, out, offset) };
}

/** A file at the session's rate. */
class DirectSource implements AudioSource {
  readonly channels: 1 | 2;
  readonly frames: number;

  constructor(private readonly file: FileFrames) {
    this.channels = file.channels;
    this.frames = file.frames;
  }

  read(start: number, count: number, out: Float64Array[], offset: number): void {
    this.file.read(start, count, out, offset);
  }
}

/** A file at another rate, resampled as the CLI does it. */
class ResampledSource implements AudioSource {
  readonly channels: 1 | 2;
  readonly frames: number;
  private readonly resampler: Resampler;
  /** For reads at an offset (the resampler writes from index 0); grows to the largest read, then stays. */
  private scratch: Float64Array[] = [];

  constructor(file: FileFrames, sessionRate: number) {
    this.channels = file.channels;
    this.resampler = new Resampler(file.sampleRate, sessionRate, this.channels, (start, count, out) => file.read(start, count, out, 0));
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
 * A file the page streams in chunks of STREAM_CHUNK_FRAMES frames (at the
 * file's rate) around the playhead, instead of sending it whole: the
 * preview's memory then depends on the window, not on the song's length.
 * A frame whose chunk is not here reads as silence and is counted, so the
 * page can say that the disk did not keep up.
 */
export class StreamedFile implements FileFrames {
  readonly channels: 1 | 2;
  readonly sampleRate: number;
  readonly frames: number;
  /** Chunk index -> one array per channel (the last chunk may be shorter). */
  private readonly chunks = new Map<number, readonly DecodedChannel[]>();
  /** Frames read that were in the file but not here yet. */
  missing = 0;

  constructor(readonly header: StreamHeader) {
    this.channels = header.channels;
    this.sampleRate = header.sampleRate;
    this.frames = header.frames;
  }

  get chunkCount(): number {
    return this.chunks.size;
  }

  add(index: number, channels: readonly DecodedChannel[]): void {
    this.chunks.set(index, channels);
  }

  /** Takes a chunk out; returns its arrays' buffers (for the page to reuse), or none when it was not here. */
  drop(index: number): ArrayBuffer[] {
    const chunk = this.chunks.get(index);
    if (!chunk) return [];
    this.chunks.delete(index);
    return chunk.map((c) => c.buffer as ArrayBuffer);
  }

  /** Every chunk's buffers, as the file goes. */
  dropAll(): ArrayBuffer[] {
    return [...this.chunks.keys()].flatMap((k) => this.drop(k));
  }

  read(at: number, count: number, out: Float64Array[], offset: number): void {
    const start = Math.floor(at);
    for (let done = 0; done < count; ) {
      const frame = start + done;
      if (frame < 0 || frame >= this.frames) {
        // Outside the file: zeros up to its start, or to the end of the read.
        const n = frame < 0 ? Math.min(count - done, -frame) : count - done;
        for (let c = 0; c < this.channels; c++) out[c]!.fill(0, offset + done, offset + done + n);
        done += n;
        continue;
      }
      const index = Math.floor(frame / STREAM_CHUNK_FRAMES);
      const within = frame - index * STREAM_CHUNK_FRAMES;
      const n = Math.min(count - done, STREAM_CHUNK_FRAMES - within, this.frames - frame);
      const chunk = this.chunks.get(index);
      for (let c = 0; c < this.channels; c++) {
        const dst = out[c]!;
        const src = chunk?.[c];
        const o = offset + done;
        if (!src) dst.fill(0, o, o + n);
        else if (src instanceof Int16Array) for (let i = 0; i < n; i++) dst[o + i] = src[within + i]! * INT16_SCALE;
        else for (let i = 0; i < n; i++) dst[o + i] = src[within + i]!;
      }
      if (!chunk) this.missing += n;
      done += n;
    }
  }
}

/**
 * The engine's SourceProvider over the session's files: decoded whole (the
 * offline render of the parity test) or streamed (the preview). Each `open`
 * gets its own source (and resampler state), as each clip gets its own
 * reader in the CLI; the samples themselves are shared. The preview keeps
 * one provider for the life of the panel and adds files as they arrive,
 * replacing a file when it changes on disk; graphs already built keep the
 * version they opened.
 */
export class DecodedProvider implements SourceProvider {
  private readonly files = new Map<string, FileFrames>();
  private readonly streamed = new Map<string, StreamedFile>();

  constructor(files: readonly DecodedAudio[], private readonly sessionRate: number) {
    this.add(files);
  }

  add(files: readonly DecodedAudio[]): void {
    for (const f of files) {
      this.files.set(f.path, wholeFile(f));
      this.streamed.delete(f.path);
    }
  }

  /**
   * Declares streamed files (their chunks follow); a file of the same path
   * and another version replaces the old one. Returns the buffers of chunks
   * no longer needed.
   */
  declare(headers: readonly StreamHeader[]): ArrayBuffer[] {
    const freed: ArrayBuffer[] = [];
    for (const h of headers) {
      const old = this.streamed.get(h.path);
      if (old && old.header.version === h.version) continue;
      if (old) freed.push(...old.dropAll());
      const file = new StreamedFile(h);
      this.streamed.set(h.path, file);
      this.files.set(h.path, file);
    }
    return freed;
  }

  /** Chunks of streamed files; a chunk for a version no longer current is given back at once. */
  addChunks(chunks: readonly StreamChunk[]): ArrayBuffer[] {
    const stale: ArrayBuffer[] = [];
    for (const k of chunks) {
      const file = this.streamed.get(k.path);
      if (file && file.header.version === k.version) {
        // A chunk fetched twice (a request given up, then made again) replaces the first; its buffers go back.
        stale.push(...file.drop(k.index));
        file.add(k.index, k.channels);
      } else {
        stale.push(...k.channels.map((c) => c.buffer as ArrayBuffer));
      }
    }
    return stale;
  }

  /** Takes chunks out (the playhead left them behind); returns their buffers. */
  dropChunks(chunks: readonly { readonly path: string; readonly index: number }[]): ArrayBuffer[] {
    return chunks.flatMap((k) => this.streamed.get(k.path)?.drop(k.index) ?? []);
  }

  /** Frames read from streamed files that had not arrived, since the last call. */
  takeMissingFrames(): number {
    let missing = 0;
    for (const f of this.streamed.values()) {
      missing += f.missing;
      f.missing = 0;
    }
    return missing;
  }

  /** Chunks held, for the panel's memory figure. */
  heldChunks(): number {
    let n = 0;
    for (const f of this.streamed.values()) n += f.chunkCount;
    return n;
  }

  /** Forgets files no longer named by the session, so their memory can go; returns the buffers of streamed chunks. */
  retain(paths: ReadonlySet<string>): ArrayBuffer[] {
    const freed: ArrayBuffer[] = [];
    for (const path of [...this.files.keys()]) {
      if (paths.has(path)) continue;
      this.files.delete(path);
      const s = this.streamed.get(path);
      if (s) freed.push(...s.dropAll());
      this.streamed.delete(path);
    }
    return freed;
  }

  open(path: string): AudioSource {
    const file = this.files.get(path);
    if (!file) throw new SourceError(path, 'audio file not loaded');
    if (file.channels !== 1 && file.channels !== 2) throw new SourceError(path, `${file.channels} channels; only mono and stereo files are supported`);
    return file.sampleRate === this.sessionRate ? new DirectSource(file) : new ResampledSource(file, this.sessionRate);
  }
}
