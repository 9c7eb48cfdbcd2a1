/**
 * The host's side of the page's `read` messages: byte ranges of the files
 * the page was given (the session's audio, the references, the frozen
 * stems, the compared version), read from disk and answered in one message.
 * Nothing else can be read: a path the page was not given is refused.
 *
 * No vscode imports: tests run it in Node.
 */
import { open } from 'node:fs/promises';
import type { BytesMessage, ByteRange } from '../../../media/preview/protocol.js';

/** Bytes one read may ask for, at most (the page asks for a few MB). */
const MAX_READ_BYTES = 64 * 2 ** 20;

/** Which files the page may read, by the path it knows them by, in named sets that each replace their last. */
export class ReadableFiles {
  private readonly sets = new Map<string, ReadonlyMap<string, string>>();

  /** `files`: the page's path of each file, and where it is on disk. */
  set(name: 'session' | 'stems' | 'compared', files: readonly { readonly path: string; readonly absolute: string }[]): void {
    this.sets.set(name, new Map(files.map((f) => [f.path, f.absolute])));
  }

  private absolute(path: string): string | undefined {
    for (const files of this.sets.values()) {
      const found = files.get(path);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Reads `ranges` (each [from, to) of its file); the answer to a `read` message with `id`. */
  async read(id: number, ranges: readonly ByteRange[]): Promise<BytesMessage> {
    const fail = (path: string, reason: string): BytesMessage => ({ type: 'bytes', id, parts: [], problem: { path, reason } });
    let total = 0;
    for (const r of ranges) {
      if (!Number.isSafeInteger(r.from) || !Number.isSafeInteger(r.to) || r.from < 0 || r.to < r.from) return fail(r.path, `cannot be read (bytes ${r.from} to ${r.to} asked for)`);
      total += r.to - r.from;
    }
    if (total > MAX_READ_BYTES) return fail(ranges[0]?.path ?? '', `cannot be read (${total} bytes asked for at once)`);
    const parts: ArrayBuffer[] = [];
    // Each file opened once, however many of its ranges are asked for.
    const handles = new Map<string, Awaited<ReturnType<typeof open>>>();
    let current = ranges[0]?.path ?? '';
    try {
      for (const r of ranges) {
        current = r.path;
        const absolute = this.absolute(r.path);
        if (absolute === undefined) return fail(r.path, 'cannot be read (not a file of this session)');
        let handle = handles.get(absolute);
        if (!handle) {
          try {
            handle = await open(absolute, 'r');
          } catch (err) {
            return fail(r.path, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(err as Error).message})`);
          }
          handles.set(absolute, handle);
        }
        // A buffer of its own (not Node's pool), so it goes to the page whole.
        const bytes = new Uint8Array(r.to - r.from);
        let got = 0;
        while (got < bytes.length) {
          const { bytesRead } = await handle.read(bytes, got, bytes.length - got, r.from + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        parts.push(got === bytes.length ? bytes.buffer : bytes.slice(0, got).buffer);
      }
      return { type: 'bytes', id, parts };
    } catch (err) {
      return fail(current, `cannot be read (${(err as Error).message})`);
    } finally {
      await Promise.all([...handles.values()].map((h) => h.close()));
    }
  }
}
