/**
 * The preview's streaming of audio files (media/preview/streamer.ts and the
 * streamed files of media/worklet/sources.ts), run in Node against a real
 * HTTP server that answers `Range` requests as VS Code's webview resource
 * loader does. A stand-in for the processor takes the chunks as the worklet
 * does and gives dropped chunks' buffers back.
 *
 * Streamed audio must read exactly as the whole file decoded at once (so
 * the preview still plays the CLI's samples), and what is held must stay
 * within the window around the playhead, whatever the file's length.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SourceError, type WavBits } from '../../engine/src/index.js';
import { randomWav } from './random-wav.js';
import { AHEAD_SECONDS, AudioStreamer, BEHIND_SECONDS, REFILL_SECONDS, START_SECONDS, type Placement, type StreamSink } from '../../media/preview/streamer.js';
import type { AudioRef } from '../../media/preview/protocol.js';
import { STREAM_CHUNK_FRAMES, type StreamChunk, type StreamHeader } from '../../media/worklet/protocol.js';
import { decodeWav, DecodedProvider } from '../../media/worklet/sources.js';
import { serve, type TestServer } from '../browser/server.js';

const RATE = 48000;

/** Random samples, so a frame read from the wrong place cannot pass. */
function wav(bits: WavBits, channels: number, rate: number, seconds: number, seed: number): Uint8Array {
  return randomWav({ bits, channels, rate, frames: Math.round(rate * seconds), seed, peak: 0.9 });
}

/** The processor's side: headers and chunks into a provider, dropped chunks' buffers back to the streamer. */
class ProcessorStandIn implements StreamSink {
  readonly provider = new DecodedProvider([], RATE);
  readonly held = new Map<string, Set<number>>();
  constructor(private readonly streamer: () => AudioStreamer) {}
  declare(headers: readonly StreamHeader[]): void {
    this.streamer().release(this.provider.declare(headers));
  }
  chunks(chunks: readonly StreamChunk[]): void {
    for (const k of chunks) this.held.set(k.path, (this.held.get(k.path) ?? new Set()).add(k.index));
    this.streamer().release(this.provider.addChunks(chunks));
  }
  drop(chunks: readonly { path: string; index: number }[]): void {
    for (const k of chunks) this.held.get(k.path)?.delete(k.index);
    this.streamer().release(this.provider.dropChunks(chunks));
  }
  indices(path: string): number[] {
    return [...(this.held.get(path) ?? [])].sort((a, b) => a - b);
  }
}

/** Where two reads first differ ("channel:frame"), or null when they are equal (typed arrays this long are too slow for toEqual). */
function firstDifference(a: Float64Array[], b: Float64Array[]): string | null {
  if (a.length !== b.length) return `${a.length} channels against ${b.length}`;
  for (let c = 0; c < a.length; c++) for (let i = 0; i < a[c]!.length; i++) if (!Object.is(a[c]![i], b[c]![i])) return `${c}:${i}`;
  return null;
}

/** Frames [start, start+count) of a source as the engine reads them. */
function read(provider: DecodedProvider, path: string, start: number, count: number): Float64Array[] {
  const source = provider.open(path);
  const out = Array.from({ length: source.channels }, () => new Float64Array(count));
  source.read(start, count, out, 0);
  return out;
}

describe('streaming audio to the preview', () => {
  let tmp = '';
  let server: TestServer;
  const files: Record<string, Uint8Array> = {};
  const ref = (path: string): AudioRef => ({ path, url: `${server.origin}/audio/${path}`, version: '1' });

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mixdown-stream-'));
    files['long.wav'] = wav(16, 2, RATE, 60, 1); // 16-bit stereo, a minute
    files['mono24.wav'] = wav(24, 1, RATE, 20, 2); // 24-bit mono
    files['take441.wav'] = wav(16, 2, 44100, 30, 3); // another rate: resampled
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(tmp, name), bytes);
    server = await serve({ '/audio/': tmp });
  });

  afterAll(async () => {
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** A streamer over `placements`, its chunks in a stand-in processor; no cache of heard audio unless asked. */
  async function streaming(placements: Placement[], cacheBytes = 0): Promise<{ streamer: AudioStreamer; processor: ProcessorStandIn }> {
    const streamer = new AudioStreamer(() => RATE, cacheBytes);
    const processor = new ProcessorStandIn(() => streamer);
    streamer.attach(processor);
    await streamer.prepare([...new Set(placements.map((p) => p.path))].map(ref));
    streamer.setPlacements(placements);
    return { streamer, processor };
  }

  const settled = (streamer: AudioStreamer) => vi.waitFor(() => expect(streamer.pending).toBe(0), { timeout: 10_000, interval: 5 });

  it('reads every streamed frame exactly as the whole file decoded at once, at the file\'s rate and resampled', async () => {
    const placements = [{ path: 'long.wav', at: 0 }, { path: 'mono24.wav', at: 2 * RATE }, { path: 'take441.wav', at: 0 }];
    const { streamer, processor } = await streaming(placements);
    await streamer.ready(0);
    await settled(streamer);
    const whole = new DecodedProvider(Object.entries(files).map(([name, bytes]) => decodeWav(name, bytes)), RATE);
    // The window from the playhead: every frame in it as the whole file has it, across chunk edges.
    for (const [path, start] of [['long.wav', 0], ['long.wav', STREAM_CHUNK_FRAMES - 100], ['mono24.wav', 3 * RATE + 17], ['take441.wav', 5 * RATE + 3]] as const) {
      const count = 4 * RATE;
      expect(firstDifference(read(processor.provider, path, start, count), read(whole, path, start, count)), `${path} from ${start}`).toBeNull();
    }
    expect(processor.provider.takeMissingFrames()).toBe(0);
  });

  it('holds only the window around the playhead (and the loop\'s start), and gives the rest back', async () => {
    const { streamer, processor } = await streaming([{ path: 'long.wav', at: 0 }]);
    await streamer.ready(0);
    await settled(streamer);
    const chunkSeconds = STREAM_CHUNK_FRAMES / RATE;
    const at = (seconds: number) => Math.floor((seconds * RATE) / STREAM_CHUNK_FRAMES);
    expect(processor.indices('long.wav')[0]).toBe(0);
    expect(processor.indices('long.wav').at(-1)).toBeGreaterThanOrEqual(at(START_SECONDS));

    // The playhead at 40 s, looping from 10 s.
    streamer.update(40 * RATE, 10 * RATE);
    await settled(streamer);
    streamer.update(40 * RATE, 10 * RATE);
    const held = processor.indices('long.wav');
    const window = held.filter((k) => k >= at(40 - BEHIND_SECONDS));
    const loopStart = held.filter((k) => k < at(40 - BEHIND_SECONDS));
    // After a jump, nothing behind the playhead is fetched.
    expect(window[0]).toBe(at(40));
    expect(window.at(-1)).toBeLessThanOrEqual(at(40 + AHEAD_SECONDS));
    expect(loopStart).toEqual(Array.from({ length: at(10 + START_SECONDS) - at(10) + 1 }, (_, i) => at(10) + i));
    // Bounded by the window, not by the file: at most (behind + ahead) seconds and a chunk each side, plus the loop's start.
    expect(held.length).toBeLessThanOrEqual(Math.ceil((BEHIND_SECONDS + AHEAD_SECONDS) / chunkSeconds) + 2 + loopStart.length);
    const chunkBytes = STREAM_CHUNK_FRAMES * 2 * 2;
    expect(processor.provider.heldChunks()).toBe(held.length);
    // What the streamer counts: the chunks with the processor, and the dropped ones' buffers kept to be filled again.
    expect(streamer.heldBytes()).toBeGreaterThanOrEqual(held.length * chunkBytes);
    expect(streamer.heldBytes()).toBeLessThan((held.length + 64) * chunkBytes);
    // Played on to 45 s: what is more than BEHIND_SECONDS behind goes, the rest of the window stays.
    streamer.update(45 * RATE, 10 * RATE);
    await settled(streamer);
    const later = processor.indices('long.wav').filter((k) => k >= at(40 - BEHIND_SECONDS));
    expect(later[0]).toBe(at(45 - BEHIND_SECONDS));
    // Read ahead at least REFILL_SECONDS (a refill starts below that, and reads up to AHEAD_SECONDS).
    expect(later.at(-1)).toBeGreaterThanOrEqual(at(45 + REFILL_SECONDS));
    expect(later.at(-1)).toBeLessThanOrEqual(at(45 + AHEAD_SECONDS));
    // Frames played there read as the file has them.
    const whole = new DecodedProvider([decodeWav('long.wav', files['long.wav']!)], RATE);
    expect(firstDifference(read(processor.provider, 'long.wav', 45 * RATE, RATE), read(whole, 'long.wav', 45 * RATE, RATE))).toBeNull();
  });

  it('reads a frame that has not come as silence and counts it, so the panel can say the disk did not keep up', async () => {
    const { streamer, processor } = await streaming([{ path: 'long.wav', at: 0 }]);
    await streamer.ready(0);
    await settled(streamer);
    const far = 50 * RATE;
    const [left] = read(processor.provider, 'long.wav', far, 1000);
    expect(left!.every((x) => x === 0)).toBe(true);
    expect(processor.provider.takeMissingFrames()).toBe(1000);
    expect(processor.provider.takeMissingFrames()).toBe(0);
    // A seek there: ready once its first second is in, and then it reads as the file has it.
    await streamer.ready(far);
    const whole = new DecodedProvider([decodeWav('long.wav', files['long.wav']!)], RATE);
    expect(firstDifference(read(processor.provider, 'long.wav', far, START_SECONDS * RATE), read(whole, 'long.wav', far, START_SECONDS * RATE))).toBeNull();
  });

  it('keeps heard audio within the cache, so a seek back waits for nothing, and lets the least recently wanted go first', async () => {
    const chunkBytes = STREAM_CHUNK_FRAMES * 2 * 2;
    const { streamer, processor } = await streaming([{ path: 'long.wav', at: 0 }], 200 * chunkBytes);
    const at = (seconds: number) => Math.floor((seconds * RATE) / STREAM_CHUNK_FRAMES);
    await streamer.ready(0);
    await settled(streamer);
    streamer.update(40 * RATE, null);
    await settled(streamer);
    // The start is still in: ready at once, no request.
    expect(processor.indices('long.wav')).toContain(at(0));
    const back = streamer.ready(0);
    expect(streamer.pending).toBe(0);
    await back;

    // A cache of 10 chunks: what was wanted longest ago goes first, the window stays.
    const small = await streaming([{ path: 'long.wav', at: 0 }], 10 * chunkBytes);
    await small.streamer.ready(0);
    await settled(small.streamer);
    small.streamer.update(20 * RATE, null);
    await settled(small.streamer);
    await new Promise((done) => setTimeout(done, 5));
    small.streamer.update(40 * RATE, null);
    await settled(small.streamer);
    const held = small.processor.indices('long.wav');
    const outside = held.filter((k) => k < at(40 - BEHIND_SECONDS));
    expect(outside.length).toBeLessThanOrEqual(10);
    // The window around 20 s was wanted after the one at 0: it is what stays.
    expect(outside.every((k) => k >= at(20 - BEHIND_SECONDS))).toBe(true);
    expect(held).toContain(at(40));
  });

  it('fetches the start of a cued position (the pointer over the overview) ahead of the seek', async () => {
    const { streamer, processor } = await streaming([{ path: 'long.wav', at: 0 }]);
    await streamer.ready(0);
    await settled(streamer);
    const at = (seconds: number) => Math.floor((seconds * RATE) / STREAM_CHUNK_FRAMES);
    expect(processor.indices('long.wav')).not.toContain(at(30));
    streamer.cueAt(30 * RATE);
    await settled(streamer);
    expect(processor.indices('long.wav')).toEqual(expect.arrayContaining([at(30), at(30 + START_SECONDS)]));
    // The seek there then waits for nothing: no request is made for it.
    let resolved = false;
    const ready = streamer.ready(30 * RATE).then(() => (resolved = true));
    await Promise.resolve();
    expect(streamer.pending).toBe(0);
    await ready;
    expect(resolved).toBe(true);
  });

  it('names a file that is missing or is no WAV file', async () => {
    const streamer = new AudioStreamer(() => RATE);
    await expect(streamer.prepare([ref('nowhere.wav')])).rejects.toThrow(SourceError);
    await expect(streamer.prepare([ref('nowhere.wav')])).rejects.toThrow(/^nowhere\.wav: no such file$/);
    await writeFile(join(tmp, 'notes.wav'), 'just some text, not audio');
    await expect(streamer.prepare([ref('notes.wav')])).rejects.toThrow(/^notes\.wav: /);
  });
});
