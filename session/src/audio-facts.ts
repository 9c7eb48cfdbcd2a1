/**
 * Facts about audio files (exists? rate, channels, length, peak), read
 * asynchronously and cached by path, size and modification time.
 *
 * Validation asks synchronously and gets what is known now; a file not yet
 * read is scheduled and `onDidLearn` fires when its fact arrives, so the
 * server re-validates. A keystroke never waits for the disk.
 */
import type { AudioFact, AudioFacts } from '../../grammar/src/index.js';
import { describeEncoding, parseWavHeader, peakOfData, type WavFormat } from '../../engine/src/index.js';
import type { FileHost } from './host.js';
import { resolveAudioPath } from './paths.js';

interface Entry {
  fact: AudioFact;
  format?: WavFormat;
  size: number;
  mtimeMs: number;
  peak?: Promise<number | null>;
}

const HEADER_READ = 64 * 1024;
const PEAK_CHUNK = 1024 * 1024;

export class AudioFactStore {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly listeners: ((paths: string[]) => void)[] = [];
  private learned: string[] = [];
  private flushScheduled = false;

  constructor(private readonly host: FileHost) {}

  /** Called (batched) with the absolute paths whose facts were learned or changed. */
  onDidLearn(listener: (paths: string[]) => void): void {
    this.listeners.push(listener);
  }

  /** The facts for files referenced from a document in `folder`. */
  factsFor(folder: string | null): AudioFacts {
    if (folder === null) return { get: () => undefined };
    return {
      get: (written) => {
        if (!written) return undefined;
        const path = resolveAudioPath(folder, written);
        const e = this.entries.get(path);
        if (!e) this.request(path);
        return e?.fact;
      },
    };
  }

  /** The absolute path's cached fact, if any. */
  known(path: string): AudioFact | undefined {
    return this.entries.get(path)?.fact;
  }

  /** Forget a file (it changed on disk); it is read again on next use. */
  invalidate(path: string): void {
    this.entries.delete(path);
    this.load(path);
  }

  /** Waits for every read asked for or in flight (tests and the CLI use this). */
  async settle(): Promise<void> {
    while (this.pending.size > 0 || this.requested.size > 0) {
      if (this.pending.size === 0) await new Promise((resolve) => setImmediate(resolve));
      else await Promise.all([...this.pending.values()]);
    }
  }

  /** The sample peak in dBFS, measured once per file version; null if unknown. */
  async peakDbfs(path: string): Promise<number | null> {
    await this.pending.get(path);
    const e = this.entries.get(path);
    if (!e || !e.format) return null;
    e.peak ??= this.measurePeak(path, e.format);
    const peak = await e.peak;
    return peak === null ? null : peak > 0 ? 20 * Math.log10(peak) : -Infinity;
  }

  private readonly requested = new Set<string>();

  /**
   * Reads are started after the current validation has published its
   * diagnostics (a session may name hundreds of files; opening them all would
   * delay the first diagnostics for nothing).
   */
  private request(path: string): void {
    if (this.pending.has(path) || this.requested.has(path)) return;
    if (this.requested.size === 0) {
      setImmediate(() => {
        const paths = [...this.requested];
        this.requested.clear();
        for (const p of paths) this.load(p);
      });
    }
    this.requested.add(path);
  }

  private load(path: string): void {
    if (this.pending.has(path)) return;
    const job = this.read(path)
      .catch((err: unknown): Entry => ({ fact: { status: 'unreadable', reason: String((err as Error)?.message ?? err) }, size: -1, mtimeMs: -1 }))
      .then((entry) => {
        const before = this.entries.get(path);
        this.entries.set(path, entry);
        if (!before || JSON.stringify(before.fact) !== JSON.stringify(entry.fact)) this.announce(path);
      })
      .finally(() => this.pending.delete(path));
    this.pending.set(path, job);
  }

  private async read(path: string): Promise<Entry> {
    const st = await this.host.stat(path);
    if (!st) return { fact: { status: 'missing' }, size: -1, mtimeMs: -1 };
    let length = Math.min(HEADER_READ, st.size);
    for (;;) {
      const bytes = await this.host.read(path, 0, length);
      const header = parseWavHeader(bytes, st.size);
      if (header.ok) {
        const f = header.format;
        return {
          fact: { status: 'ok', info: { sampleRate: f.sampleRate, channels: f.channels, frames: f.frames, encoding: describeEncoding(f) } },
          format: f,
          size: st.size,
          mtimeMs: st.mtimeMs,
        };
      }
      if (header.problem === 'need-more' && length < st.size) {
        length = Math.min(st.size, length * 4);
        continue;
      }
      const status = header.problem === 'unsupported' ? 'unsupported' : 'unreadable';
      return { fact: { status, reason: header.reason }, size: st.size, mtimeMs: st.mtimeMs };
    }
  }

  private async measurePeak(path: string, f: WavFormat): Promise<number | null> {
    try {
      let peak = 0;
      const framesPerChunk = Math.max(1, Math.floor(PEAK_CHUNK / f.blockAlign));
      for (let frame = 0; frame < f.frames; frame += framesPerChunk) {
        const count = Math.min(framesPerChunk, f.frames - frame);
        const offset = f.dataOffset + frame * f.blockAlign;
        const bytes = await this.host.read(path, offset, count * f.blockAlign);
        const got = Math.floor(bytes.length / f.blockAlign);
        peak = Math.max(peak, peakOfData(bytes, offset, f, frame, got));
        if (got < count) break;
      }
      return peak;
    } catch {
      return null;
    }
  }

  private announce(path: string): void {
    this.learned.push(path);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Batch the facts learned in one turn into one re-validation.
    setTimeout(() => {
      this.flushScheduled = false;
      const paths = this.learned;
      this.learned = [];
      for (const l of this.listeners) l(paths);
    }, 0);
  }
}
