/**
 * The session's audio files in the page: fetched from the webview's resource
 * URLs and decoded by the engine's own WAV code, once per version of each
 * file. Decoded files go to the processor and are not kept here, so a
 * session is held in memory once.
 *
 * Fetches carry a `Range` header: VS Code's webview service worker keeps a
 * copy of plain GET responses, which would double the memory of every file.
 */
import { SourceError } from '../../engine/src/render/sources.js';
import type { DecodedAudio } from '../worklet/protocol.js';
import { decodeWav } from '../worklet/sources.js';
import type { AudioRef } from './protocol.js';

export class AudioLibrary {
  /** Version of each file the processor has (or is about to get), by path. */
  private readonly delivered = new Map<string, string>();
  /** Fetches in flight, by path and version, so two sessions in a row share one. */
  private readonly inFlight = new Map<string, Promise<DecodedAudio>>();

  /** True when every file is already with the processor at its current version. */
  has(refs: readonly AudioRef[]): boolean {
    return refs.every((r) => this.delivered.get(r.path) === r.version);
  }

  /**
   * Fetches and decodes the files the processor does not have at their
   * current version. Throws a SourceError naming the first file that fails.
   */
  async missing(refs: readonly AudioRef[]): Promise<DecodedAudio[]> {
    const wanted = refs.filter((r) => this.delivered.get(r.path) !== r.version);
    const decoded = await Promise.all(wanted.map((r) => this.load(r)));
    return decoded;
  }

  /** Records that the processor now has these files. */
  markDelivered(refs: readonly AudioRef[]): void {
    for (const r of refs) this.delivered.set(r.path, r.version);
  }

  /** Forgets everything (a new AudioContext has an empty processor). */
  clear(): void {
    this.delivered.clear();
  }

  private load(ref: AudioRef): Promise<DecodedAudio> {
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
    throw new SourceError(ref.path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!response.ok) throw new SourceError(ref.path, response.status === 404 ? 'no such file' : `cannot be read (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return decodeWav(ref.path, bytes);
}
