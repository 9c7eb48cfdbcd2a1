/**
 * The session's audio files in the page: fetched from the webview's resource
 * URLs and decoded by the engine's own WAV code, once per version of each
 * file. Decoded files go to the processor as they are ready and are not kept
 * here, so a session is held in memory once.
 *
 * Fetches carry a `Range` header: VS Code's webview service worker keeps a
 * copy of plain GET responses, which would double the memory of every file.
 * Each file is decoded as it downloads: decoding overlaps the download, and
 * the downloaded bytes can go chunk by chunk.
 */
import { SourceError } from '../../engine/src/index.js';
import type { DecodedAudio } from '../worklet/protocol.js';
import { decodeWav, WavStreamDecoder } from '../worklet/sources.js';
import type { AudioRef } from './protocol.js';

/** Files fetched and decoded at once: enough to keep the network and a core busy, few enough to bound memory. */
const CONCURRENT_FETCHES = 4;

export class AudioLibrary {
  /** Version of each file the processor has (or is about to get), by path. */
  private readonly delivered = new Map<string, string>();
  /** Fetches in flight, by path and version, so two sessions in a row share one. */
  private readonly inFlight = new Map<string, Promise<DecodedAudio>>();

  /** True when every file is already with the processor at its current version. */
  has(refs: readonly AudioRef[]): boolean {
    return refs.every((r) => this.delivered.get(r.path) === r.version);
  }

  /** How many of `refs` are not with the processor at their current version. */
  missingCount(refs: readonly AudioRef[]): number {
    return refs.filter((r) => this.delivered.get(r.path) !== r.version).length;
  }

  /**
   * Fetches and decodes the files the processor does not have at their
   * current version, a few at a time, handing each to `deliver` as soon as
   * it is decoded (so the page never holds the whole session at once), and
   * records it as delivered. Throws a SourceError naming the first file that
   * fails; the files delivered before it stay delivered.
   */
  async load(refs: readonly AudioRef[], deliver: (file: DecodedAudio) => void): Promise<void> {
    const queue = refs.filter((r) => this.delivered.get(r.path) !== r.version);
    let failure: unknown = null;
    const worker = async () => {
      for (let ref = queue.shift(); ref && failure === null; ref = queue.shift()) {
        try {
          const file = await this.fetch(ref);
          if (this.delivered.get(ref.path) === ref.version) continue; // another load delivered it meanwhile
          deliver(file);
          this.delivered.set(ref.path, ref.version);
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_FETCHES }, worker));
    if (failure !== null) throw failure;
  }

  /** Forgets everything (a new AudioContext has an empty processor). */
  clear(): void {
    this.delivered.clear();
  }

  private fetch(ref: AudioRef): Promise<DecodedAudio> {
    const key = `${ref.path}\n${ref.version}`;
    let p = this.inFlight.get(key);
    if (!p) {
      p = fetchAndDecode(ref).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
    }
    return p;
  }
}

async function fetchAndDecode(ref: AudioRef): Promise<DecodedAudio> {
  let response: Response;
  try {
    response = await fetch(ref.url, { headers: { Range: 'bytes=0-' } });
  } catch (err) {
    throw unreadable(ref, err);
  }
  if (!response.ok) throw new SourceError(ref.path, response.status === 404 ? 'no such file' : `cannot be read (HTTP ${response.status})`);
  // Decoded as it downloads; without a length to check the header against, decoded whole once it is in.
  const size = fileSize(response);
  if (!response.body || size === null) return decodeWav(ref.path, new Uint8Array(await response.arrayBuffer()));
  const decoder = new WavStreamDecoder(ref.path, size);
  const reader = response.body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) decoder.push(chunk.value);
  } catch (err) {
    void reader.cancel().catch(() => {});
    throw err instanceof SourceError ? err : unreadable(ref, err);
  }
  return decoder.finish();
}

function unreadable(ref: AudioRef, err: unknown): SourceError {
  return new SourceError(ref.path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
}

/** The whole file's length: from Content-Range for a range answer, else Content-Length; null when not said. */
function fileSize(response: Response): number | null {
  const range = /\/(\d+)\s*$/.exec(response.headers.get('Content-Range') ?? '');
  const length = range ? range[1] : response.status === 200 ? response.headers.get('Content-Length') : null;
  const size = length === null || length === undefined ? NaN : Number(length);
  return Number.isSafeInteger(size) ? size : null;
}
