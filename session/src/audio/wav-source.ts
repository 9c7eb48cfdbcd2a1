/**
 * Audio sources read from WAV files on disk, in chunks, so memory does not
 * grow with the length of a session. Files at another rate than the session
 * go through the engine's band-limited resampler.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeFrames, parseWavHeader, type WavFormat, Resampler, SourceError, type AudioSource, type SourceProvider } from '../../../engine/src/index.js';

/** Frames decoded per disk read: small enough that 100 tracks stay within a few tens of MB. */
const CHUNK_FRAMES = 8192;

/**
 * A WAV file's samples at its own rate. The file's bytes are read through a
 * window of CHUNK_FRAMES frames and decoded straight into the caller's
 * buffers, so a sample is touched once on its way to the mix.
 */
export class WavFileReader {
  readonly format: WavFormat;
  private fd: number;
  /** The read window, made on the first read (see WavSource). */
  private bytes = new Uint8Array(0);
  private windowStart = -1;
  private windowFrames = 0;

  constructor(readonly path: string, readonly label: string) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new SourceError(label, code === 'ENOENT' ? 'audio file not found' : `cannot open (${code ?? (err as Error).message})`);
    }
    this.fd = fd;
    try {
      const size = fstatSync(fd).size;
      let length = Math.min(size, 65536);
      for (;;) {
        const head = new Uint8Array(length);
        readSync(fd, head, 0, length, 0);
        const header = parseWavHeader(head, size);
        if (header.ok) {
          this.format = header.format;
          break;
        }
        if (header.problem === 'need-more' && length < size) {
          length = Math.min(size, length * 4);
          continue;
        }
        throw new SourceError(label, header.reason);
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  get frames(): number {
    return this.format.frames;
  }

  /** out[c][offset + i] = frame (start + i) of channel c; zeros outside the file. */
  read(start: number, count: number, out: Float64Array[], offset: number): void {
    const channels = this.format.channels;
    let i = 0;
    while (i < count) {
      const frame = start + i;
      if (frame < 0 || frame >= this.format.frames) {
        const run = frame < 0 ? Math.min(count - i, -frame) : count - i;
        for (let c = 0; c < channels; c++) out[c]!.fill(0, offset + i, offset + i + run);
        i += run;
        continue;
      }
      if (frame < this.windowStart || frame >= this.windowStart + this.windowFrames) this.load(frame);
      const run = Math.min(count - i, this.windowStart + this.windowFrames - frame);
      decodeFrames(this.bytes, this.format.dataOffset + this.windowStart * this.format.blockAlign, this.format, frame, run, out, offset + i);
      i += run;
    }
  }

  private load(frame: number): void {
    const f = this.format;
    const frames = Math.min(CHUNK_FRAMES, f.frames - frame);
    const position = f.dataOffset + frame * f.blockAlign;
    const want = frames * f.blockAlign;
    if (this.bytes.length === 0) this.bytes = new Uint8Array(CHUNK_FRAMES * f.blockAlign);
    let got = 0;
    while (got < want) {
      const n = readSync(this.fd, this.bytes, got, want - got, position + got);
      if (n === 0) throw new SourceError(this.label, `truncated: the file ended while reading its audio`);
      got += n;
    }
    this.windowStart = frame;
    this.windowFrames = frames;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * A WAV file as an engine source at the session rate. The resampler (its
 * table and window) is made on the first read: a source whose track runs in
 * a worker thread is opened here only for its length and channels.
 */
class WavSource implements AudioSource {
  readonly channels: 1 | 2;
  readonly frames: number;
  private resampler: Resampler | null = null;

  constructor(private readonly reader: WavFileReader, private readonly sessionRate: number) {
    const f = reader.format;
    this.channels = f.channels as 1 | 2;
    this.frames = f.sampleRate === sessionRate ? f.frames : Resampler.outputLength(f.frames, f.sampleRate, sessionRate);
  }

  read(start: number, count: number, out: Float64Array[], offset: number): void {
    const f = this.reader.format;
    if (f.sampleRate === this.sessionRate) {
      this.reader.read(start, count, out, offset);
      return;
    }
    this.resampler ??= new Resampler(f.sampleRate, this.sessionRate, f.channels, (s, c, o) => this.reader.read(s, c, o, 0));
    // TrackSources reads at offset 0; only another offset needs views.
    this.resampler.read(start, count, offset === 0 ? out : out.slice(0, this.channels).map((b) => b.subarray(offset, offset + count)));
  }
}

/**
 * Opens WAV files relative to the mix file's folder. Each clip gets its own
 * reader, so two clips of one file (comped takes) do not fight over one
 * read window.
 */
export class WavFileProvider implements SourceProvider {
  private readonly readers: WavFileReader[] = [];

  constructor(private readonly folder: string, private readonly sessionRate: number) {}

  open(path: string): AudioSource {
    const reader = new WavFileReader(resolve(this.folder, path), path);
    this.readers.push(reader);
    return new WavSource(reader, this.sessionRate);
  }

  close(): void {
    for (const r of this.readers) r.close();
    this.readers.length = 0;
  }
}
