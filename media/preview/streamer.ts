/**
 * Streams the session's audio files to the engine's processor: it never
 * holds a whole file, only a window of each file around the playhead, so
 * the preview's memory depends on the window and the track count, not on
 * the song's length.
 *
 * - A file's header is read first (a small `Range` request); a session can
 *   be built once every header is in, and plays from a position once the
 *   first START_SECONDS from there are in for every file that sounds there.
 * - While it plays, each file is read ahead: when less than REFILL_SECONDS
 *   are in ahead of the playhead, the chunks up to AHEAD_SECONDS are fetched
 *   in one `Range` request (audio due soon in short ones first), most
 *   urgent first, a few requests at a time, and decoded by the engine's own
 *   WAV code as they arrive.
 * - Chunks more than BEHIND_SECONDS behind the playhead leave the window
 *   but stay, as heard audio, while the cache (CACHE_BYTES) has room; then
 *   the least recently wanted are dropped: the processor gives their
 *   buffers back, and the next chunks are decoded into them (a bounded
 *   pool; the audio thread's heap never collects them).
 * - A loop's start is kept in, so a wrap never waits for the disk; so is
 *   where the pointer rests on the overview (a cue), before the click.
 *
 * What is needed where comes from the model: a clip of file F placed at
 * timeline frame `at` reads F's frame (t - at) at timeline frame t, scaled
 * by the rates for a file at another rate; references and the compared
 * version play from the timeline's start.
 */
import { decodeFrames, parseWavHeader, SourceError, type WavFormat } from '../../engine/src/index.js';
import { STREAM_CHUNK_FRAMES, type StreamChunk, type StreamHeader } from '../worklet/protocol.js';
import { concat, deinterleave16 } from '../worklet/sources.js';
import type { AudioRef } from './protocol.js';

/** Seconds read ahead of the playhead, at most. */
export const AHEAD_SECONDS = 16;
/**
 * A file is read again when less than this is in ahead of the playhead.
 * Each request costs the browser tens of milliseconds whatever its size,
 * so refills are few and long: about AHEAD - REFILL seconds each.
 */
export const REFILL_SECONDS = 8;
/** Seconds kept behind the playhead (a short step back needs no fetch). */
export const BEHIND_SECONDS = 2;
/**
 * What must be in from a position before playing from there (a refill
 * follows at once). One second fits one short request a file, and requests,
 * not bytes, are what a start and a seek wait for: a request costs the
 * browser 25 to 100 ms whatever its size, six at a time.
 */
export const START_SECONDS = 1;
/**
 * Audio outside every window kept, so a seek back to where the playhead has
 * been waits for nothing: 128 MB, about 11 minutes of 16-bit stereo.
 */
export const CACHE_BYTES = 128 * 2 ** 20;
/** How long the start of a cued position is kept (see `cueAt`). */
const CUE_MS = 4000;
/** How long a position waited for stays in after the wait (see `pins`). */
const PIN_MS = 2000;
/** Requests in flight at once. */
const CONCURRENT_FETCHES = 6;
/** Chunks in one request, at most (about 16 s at 48 kHz). */
const RUN_CHUNKS = 48;
/**
 * Chunks in one request for audio due within URGENT_SECONDS (about 1.4 s),
 * and for what a start or a seek waits for: short, so the next chunk comes
 * at once even where the resource loader answers only once it has read the
 * whole range (VS Code's webviews do).
 */
const URGENT_RUN_CHUNKS = 4;
const URGENT_SECONDS = 1;
/**
 * Chunks in one request for audio due within SOON_SECONDS (about 4 s). Not
 * shorter: after a start or a seek every file is due soon at once, and short
 * requests would bring less than a second of audio a second for a hundred
 * files (measured: 4-chunk requests carry 10 to 15 MB/s here, 12 or more
 * 30 to 50 MB/s), so playback would never get ahead again.
 */
const SOON_RUN_CHUNKS = 12;
const SOON_SECONDS = 4;
/**
 * Bytes fetched for a header first (more when its chunks before the audio
 * are longer): with them come the file's first 1.02 s of 16-bit stereo
 * (START_SECONDS), so a session played from its start needs one request a
 * file before it sounds.
 */
const HEADER_BYTES = 16384 + 3 * STREAM_CHUNK_FRAMES * 4;
/** Input frames a resampler reads beyond the ones it is asked for (its kernel's half width, with room). */
const RESAMPLER_MARGIN = 256;

/** Where a file sounds: its first frame at this timeline frame (session rate). */
export interface Placement {
  readonly path: string;
  readonly at: number;
}

/** The processor's side (AudioOutput), once there is one. */
export interface StreamSink {
  declare(headers: readonly StreamHeader[]): void;
  chunks(chunks: readonly StreamChunk[]): void;
  drop(chunks: readonly { path: string; index: number }[]): void;
}

/** A chunk with the processor (or waiting here for one). */
interface Held {
  readonly bytes: number;
  readonly waiting: StreamChunk | null;
  /** When no window wanted it any more (kept as heard audio while the cache has room), or 0 while one does. */
  unwantedSince: number;
}

interface StreamedFile {
  readonly ref: AudioRef;
  readonly header: StreamHeader;
  readonly format: WavFormat;
  /** Chunks with the processor, and their bytes; chunks decoded before there was a processor wait here. */
  readonly have: Map<number, Held>;
  readonly fetching: Set<number>;
}

interface Run {
  readonly file: StreamedFile;
  readonly first: number;
  readonly last: number;
  /** Timeline frame at which its first chunk is needed: lower is more urgent. */
  readonly due: number;
  /** Stops its request when the playhead has moved away before it is done. */
  readonly abort: AbortController;
}

export class AudioStreamer {
  private readonly files = new Map<string, StreamedFile>();
  private placements: readonly Placement[] = [];
  private sink: StreamSink | null = null;
  private queue: Run[] = [];
  private readonly running = new Set<Run>();
  private playhead = 0;
  private loopFrom: number | null = null;
  /** Waits for a start: from `frame`, of every file placed, or of the files in `paths` only. */
  private waiters: { frame: number; paths: ReadonlySet<string> | null; done: () => void }[] = [];
  /**
   * Positions a wait was for, kept in for a while after it ended: the
   * processor moves there a moment later, and reports from before the move
   * must not drop what was just fetched.
   */
  private pins: { frame: number; until: number }[] = [];
  /** Where a seek may go next (the pointer over the overview): its start is fetched ahead of the click. */
  private cue: { frame: number; until: number } | null = null;
  /** Buffers given back by the processor, by byte length, to decode the next chunks into. */
  private readonly pool = new Map<number, ArrayBuffer[]>();
  /** The first failure of a chunk fetch since the last `takeFailure`. */
  private failure: SourceError | null = null;

  /**
   * `cacheBytes`: audio outside every window kept for seeks back to where
   * the playhead has been (the least recently wanted goes first).
   */
  constructor(private readonly sessionRate: () => number, private readonly cacheBytes = CACHE_BYTES) {}

  /**
   * Reads the headers of the files not known at their version; returns how
   * many there were. Throws a SourceError naming a file that cannot be played.
   */
  async prepare(refs: readonly AudioRef[]): Promise<number> {
    const fresh = refs.filter((r) => this.files.get(r.path)?.ref.version !== r.version);
    const read = await Promise.all(fresh.map(async (ref) => ({ ref, ...(await readHeader(ref)) })));
    const headers: StreamHeader[] = [];
    const first: StreamChunk[] = [];
    for (const { ref, format, bytes } of read) {
      if (format.channels !== 1 && format.channels !== 2) throw new SourceError(ref.path, `${format.channels} channels; only mono and stereo files are supported`);
      const header: StreamHeader = { path: ref.path, version: ref.version, sampleRate: format.sampleRate, frames: format.frames, channels: format.channels };
      const file: StreamedFile = { ref, header, format, have: new Map(), fetching: new Set() };
      this.files.set(ref.path, file);
      headers.push(header);
      // The first chunks, as far as they came whole with the header.
      for (let k = 0; k * STREAM_CHUNK_FRAMES < format.frames; k++) {
        const at = k * STREAM_CHUNK_FRAMES;
        const frames = Math.min(STREAM_CHUNK_FRAMES, format.frames - at);
        const begin = format.dataOffset + at * format.blockAlign;
        const end = begin + frames * format.blockAlign;
        if (bytes.length < end) break;
        first.push(this.keep(file, k, this.decode(bytes.subarray(begin, end), format, at, frames)));
      }
    }
    if (headers.length > 0) this.sink?.declare(headers);
    const sent = first.filter((k) => this.files.get(k.path)?.have.get(k.index)?.waiting === null);
    if (sent.length > 0) this.sink!.chunks(sent);
    return fresh.length;
  }

  /** A known file's channel count (2 until its header is read). */
  channelsOf(path: string): 1 | 2 {
    return this.files.get(path)?.header.channels === 1 ? 1 : 2;
  }

  /** Every file is known at its version (its header read). */
  has(refs: readonly AudioRef[]): boolean {
    return refs.every((r) => this.files.get(r.path)?.ref.version === r.version);
  }

  /** Files the session no longer names are forgotten (the processor is told by the page's `retain`). */
  retain(paths: readonly string[]): void {
    const keep = new Set(paths);
    for (const path of [...this.files.keys()]) if (!keep.has(path)) this.files.delete(path);
    this.queue = this.queue.filter((r) => keep.has(r.file.ref.path));
  }

  /** Where each file sounds on the timeline (clips, references, the compared version). */
  setPlacements(placements: readonly Placement[]): void {
    this.placements = placements;
    this.update(this.playhead, this.loopFrom);
  }

  /** The processor to stream to (a new one starts empty), or none. */
  attach(sink: StreamSink | null): void {
    this.sink = sink;
    if (!sink) {
      for (const f of this.files.values()) f.have.clear();
      return;
    }
    sink.declare([...this.files.values()].map((f) => f.header));
    const waiting: StreamChunk[] = [];
    for (const f of this.files.values()) {
      for (const [index, held] of f.have) {
        if (held.waiting) waiting.push(held.waiting);
        f.have.set(index, { bytes: held.bytes, waiting: null, unwantedSince: held.unwantedSince });
      }
    }
    if (waiting.length > 0) sink.chunks(waiting);
  }

  /** Buffers the processor let go of. */
  release(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) {
      const list = this.pool.get(b.byteLength) ?? [];
      // Enough for a refill of every file; more would only be memory.
      if (list.length < 4 * RUN_CHUNKS * 2) list.push(b);
      this.pool.set(b.byteLength, list);
    }
  }

  /** Bytes of audio held for the processor (sent or waiting), and in the pool. */
  heldBytes(): number {
    let n = 0;
    for (const f of this.files.values()) for (const h of f.have.values()) n += h.bytes;
    for (const list of this.pool.values()) for (const b of list) n += b.byteLength;
    return n;
  }

  /** Requests queued or under way. */
  get pending(): number {
    return this.queue.length + this.running.size;
  }

  /** The first fetch that failed since the last call, or null. */
  takeFailure(): SourceError | null {
    const f = this.failure;
    this.failure = null;
    return f;
  }

  /** The playhead moved (or the loop changed): drop what is behind, fetch what is due. */
  update(frame: number, loopFrom: number | null): void {
    this.playhead = Math.max(0, Math.floor(frame));
    this.loopFrom = loopFrom;
    const rate = this.sessionRate();
    const ahead = Math.round(AHEAD_SECONDS * rate);
    const refill = Math.round(REFILL_SECONDS * rate);
    const behind = Math.round(BEHIND_SECONDS * rate);
    const now = Date.now();
    const start = Math.round(START_SECONDS * this.sessionRate());
    // A pin ends when its time is up, or when the playhead has got there.
    this.pins = this.pins.filter((pin) => pin.until > now && !this.near(pin.frame, start));
    if (this.cue && this.cue.until <= now) this.cue = null;
    const wanted = new Map<StreamedFile, Set<number>>();
    const runs: Run[] = [];
    for (const file of this.files.values()) wanted.set(file, new Set());
    for (const p of this.placements) {
      const file = this.files.get(p.path);
      if (!file) continue;
      const keep = wanted.get(file)!;
      // Kept: around the playhead, at the loop's start, and where a seek or a start waits to play from.
      const windows: [number, number][] = [[this.playhead - behind, this.playhead + ahead]];
      if (loopFrom !== null) windows.push([loopFrom, loopFrom + start]);
      const waits = this.waiters.filter((w) => w.paths === null || w.paths.has(p.path));
      for (const w of waits) windows.push([w.frame, w.frame + ahead]);
      for (const pin of this.pins) windows.push([pin.frame, pin.frame + ahead]);
      if (this.cue) windows.push([this.cue.frame, this.cue.frame + start]);
      for (const [a, b] of windows) for (const k of this.chunksFor(file, p, a, b)) keep.add(k);
      // Read ahead when what is in runs out within REFILL_SECONDS; a loop's start whenever it is not in.
      // What a seek or a start waits for comes before everything else.
      const reads: [number, number, 'refill' | 'loop' | 'wait'][] = [[this.playhead, this.playhead + ahead, 'refill']];
      if (loopFrom !== null) reads.push([loopFrom, loopFrom + start, 'loop']);
      for (const w of waits) reads.push([w.frame, w.frame + start, 'wait']);
      if (this.cue) reads.push([this.cue.frame, this.cue.frame + start, 'loop']);
      for (const [from, to, kind] of reads) {
        const refilling = kind === 'refill';
        const needed = this.chunksFor(file, p, from, to);
        const first = needed.find((k) => !file.have.has(k) && !file.fetching.has(k));
        if (first === undefined) continue;
        const due = refilling ? this.timelineFrameOf(file, p, first) : kind === 'loop' ? this.playhead + refill : -1;
        if (refilling && due > this.playhead + refill) continue;
        // Due very soon, or waited for: a short request; due soon: a middling one (see SOON_RUN_CHUNKS).
        const lead = due - this.playhead;
        const runChunks = kind === 'wait' || lead < URGENT_SECONDS * rate ? URGENT_RUN_CHUNKS : lead < SOON_SECONDS * rate ? SOON_RUN_CHUNKS : RUN_CHUNKS;
        let last = first;
        while (last < needed[needed.length - 1]! && last - first + 1 < runChunks && !file.have.has(last + 1) && !file.fetching.has(last + 1)) last++;
        for (let k = first; k <= last; k++) file.fetching.add(k);
        runs.push({ file, first, last, due, abort: new AbortController() });
      }
    }
    // Chunks no window wants stay as heard audio while the cache has room; beyond it, the least
    // recently wanted are dropped.
    const unwanted: { file: StreamedFile; index: number; held: Held }[] = [];
    let unwantedBytes = 0;
    for (const [file, keep] of wanted) {
      for (const [index, held] of file.have) {
        if (keep.has(index)) {
          held.unwantedSince = 0;
          continue;
        }
        if (held.unwantedSince === 0) held.unwantedSince = now;
        unwanted.push({ file, index, held });
        unwantedBytes += held.bytes;
      }
    }
    if (unwantedBytes > this.cacheBytes) {
      unwanted.sort((a, b) => a.held.unwantedSince - b.held.unwantedSince);
      const drop: { path: string; index: number }[] = [];
      for (const { file, index, held } of unwanted) {
        if (unwantedBytes <= this.cacheBytes) break;
        unwantedBytes -= held.bytes;
        file.have.delete(index);
        if (held.waiting) this.release(held.waiting.channels.map((c) => c.buffer as ArrayBuffer));
        else drop.push({ path: file.ref.path, index });
      }
      if (drop.length > 0) this.sink?.drop(drop);
    }
    // Requests for chunks no longer wanted (the playhead jumped) are given up, running or not:
    // a seek's own requests need the connections now.
    for (const r of this.running) if (wanted.get(r.file)?.has(r.first) !== true) r.abort.abort();
    this.queue = this.queue.filter((r) => {
      const keep = this.files.get(r.file.ref.path) === r.file && wanted.get(r.file)?.has(r.first) === true;
      if (!keep) for (let k = r.first; k <= r.last; k++) r.file.fetching.delete(k);
      return keep;
    });
    // Most urgent first: the chunk due soonest on the timeline.
    this.queue.push(...runs);
    this.queue.sort((a, b) => a.due - b.due);
    this.pump();
    this.settleWaiters();
  }

  /**
   * A seek may go to `frame` soon (the pointer rests there on the overview):
   * its first START_SECONDS are fetched, after what is due at the playhead,
   * and kept for CUE_MS. One cue at a time: a new one replaces the last.
   */
  cueAt(frame: number): void {
    this.cue = { frame: Math.max(0, Math.floor(frame)), until: Date.now() + CUE_MS };
    this.update(this.playhead, this.loopFrom);
  }

  /**
   * Resolves once START_SECONDS from `frame` are in for every file that
   * sounds there, or for those of `paths` only (fetching them first).
   */
  ready(frame: number, paths: ReadonlySet<string> | null = null): Promise<void> {
    return new Promise((done) => {
      this.waiters.push({ frame: Math.max(0, Math.floor(frame)), paths, done });
      this.update(this.playhead, this.loopFrom);
    });
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const start = Math.round(START_SECONDS * this.sessionRate());
    this.waiters = this.waiters.filter((w) => {
      const complete = this.placements.every((p) => {
        if (w.paths !== null && !w.paths.has(p.path)) return true;
        const file = this.files.get(p.path);
        return !file || this.chunksFor(file, p, w.frame, w.frame + start).every((k) => file.have.has(k));
      });
      if (complete) {
        if (!this.near(w.frame, start)) this.pins.push({ frame: w.frame, until: Date.now() + PIN_MS });
        w.done();
      }
      return !complete;
    });
  }

  /** The playhead is at `frame` or within `span` frames after it. */
  private near(frame: number, span: number): boolean {
    return this.playhead >= frame && this.playhead < frame + span;
  }

  /** Chunks of `file` that timeline frames [a, b) of placement `p` read. */
  private chunksFor(file: StreamedFile, p: Placement, a: number, b: number): number[] {
    const ratio = file.header.sampleRate / this.sessionRate();
    const margin = ratio === 1 ? 0 : RESAMPLER_MARGIN;
    const from = Math.max(0, Math.floor((a - p.at) * ratio) - margin);
    const to = Math.min(file.header.frames, Math.ceil((b - p.at) * ratio) + margin);
    if (to <= from) return [];
    const out: number[] = [];
    for (let k = Math.floor(from / STREAM_CHUNK_FRAMES); k <= Math.floor((to - 1) / STREAM_CHUNK_FRAMES); k++) out.push(k);
    return out;
  }

  /** The timeline frame at which chunk `index` of `file` starts to sound in placement `p`. */
  private timelineFrameOf(file: StreamedFile, p: Placement, index: number): number {
    return p.at + Math.floor((index * STREAM_CHUNK_FRAMES) / (file.header.sampleRate / this.sessionRate()));
  }

  private pump(): void {
    while (this.running.size < CONCURRENT_FETCHES && this.queue.length > 0) {
      const run = this.queue.shift()!;
      this.running.add(run);
      void this.fetchRun(run).finally(() => {
        for (let k = run.first; k <= run.last; k++) run.file.fetching.delete(k);
        this.running.delete(run);
        // What is due next is asked for at once, not at the next report of the playhead.
        this.update(this.playhead, this.loopFrom);
      });
    }
  }

  /** Records a decoded chunk as with the processor, or waiting here for one; returns it. */
  private keep(file: StreamedFile, index: number, channels: (Int16Array | Float32Array | Float64Array)[]): StreamChunk {
    const chunk: StreamChunk = { path: file.ref.path, version: file.ref.version, index, channels };
    const bytes = channels.reduce((n, c) => n + c.byteLength, 0);
    file.have.set(index, { bytes, waiting: this.sink ? null : chunk, unwantedSince: 0 });
    return chunk;
  }

  /**
   * Fetches a run of chunks in one request and decodes each as soon as its
   * bytes are in (reading the body as it streams is about twice as fast
   * as waiting for all of it), handing it to the processor at once.
   */
  private async fetchRun(run: Run): Promise<void> {
    const { file } = run;
    const f = file.format;
    const firstFrame = run.first * STREAM_CHUNK_FRAMES;
    const endFrame = Math.min(f.frames, (run.last + 1) * STREAM_CHUNK_FRAMES);
    const from = f.dataOffset + firstFrame * f.blockAlign;
    const to = f.dataOffset + endFrame * f.blockAlign - 1;
    let pending: Uint8Array = new Uint8Array(0);
    let index = run.first;
    let skip = 0;
    try {
      const response = await fetchRange(file.ref.url, from, to, run.abort.signal);
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      // A server that ignores Range sends the whole file: skip to the part asked for (slow, but right), and say so.
      if (response.status === 200) {
        skip = from;
        if (typeof document !== 'undefined') document.body.dataset['rangeIgnored'] = 'true';
      }
      const reader = response.body.getReader();
      while (index <= run.last) {
        const part = await reader.read();
        if (part.done) throw new Error('the file is shorter than its header says');
        let bytes = part.value;
        if (skip > 0) {
          const n = Math.min(skip, bytes.length);
          skip -= n;
          bytes = bytes.subarray(n);
        }
        pending = pending.length === 0 ? bytes : concat(pending, bytes);
        const ready: StreamChunk[] = [];
        while (index <= run.last) {
          const frames = Math.min(STREAM_CHUNK_FRAMES, f.frames - index * STREAM_CHUNK_FRAMES);
          const size = frames * f.blockAlign;
          if (pending.length < size) break;
          if (this.files.get(file.ref.path) !== file) {
            void reader.cancel().catch(() => {});
            return; // replaced or gone meanwhile
          }
          ready.push(this.keep(file, index, this.decode(pending.subarray(0, size), f, index * STREAM_CHUNK_FRAMES, frames)));
          pending = pending.subarray(size);
          index++;
        }
        const toSend = ready.filter((k) => file.have.get(k.index)?.waiting === null);
        if (toSend.length > 0) this.sink!.chunks(toSend);
      }
      void reader.cancel().catch(() => {});
    } catch (err) {
      if (run.abort.signal.aborted) return; // given up: the chunks decoded so far stay
      this.failure ??= new SourceError(file.ref.path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /** `frames` frames from `bytes` (file frame `first` on), in the arrays the processor reads. */
  private decode(bytes: Uint8Array, f: WavFormat, first: number, frames: number): (Int16Array | Float32Array | Float64Array)[] {
    const sixteen = f.encoding === 'pcm' && f.bitsPerSample === 16;
    const exactIn32 = f.encoding === 'pcm' ? f.bitsPerSample <= 24 : f.bitsPerSample === 32;
    const bytesPer = sixteen ? 2 : exactIn32 ? 4 : 8;
    const make = () => {
      const buffer = this.pool.get(frames * bytesPer)?.pop() ?? new ArrayBuffer(frames * bytesPer);
      return sixteen ? new Int16Array(buffer) : exactIn32 ? new Float32Array(buffer) : new Float64Array(buffer);
    };
    const channels = Array.from({ length: f.channels }, make);
    if (sixteen) deinterleave16(bytes, channels as Int16Array[], 0, frames);
    else decodeFrames(bytes, f.dataOffset + first * f.blockAlign, f, first, frames, channels as (Float32Array | Float64Array)[], 0);
    return channels;
  }
}

/** A file's header and the bytes read for it, by `Range` requests of its first bytes (more when its chunks before the audio are long). */
async function readHeader(ref: AudioRef): Promise<{ format: WavFormat; bytes: Uint8Array }> {
  let want = HEADER_BYTES;
  for (;;) {
    let response: Response;
    try {
      response = await fetchRange(ref.url, 0, want - 1);
    } catch (err) {
      throw new SourceError(ref.path, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!response.ok) throw new SourceError(ref.path, response.status === 404 ? 'no such file' : `cannot be read (HTTP ${response.status})`);
    const size = fileSize(response);
    let bytes = new Uint8Array(await response.arrayBuffer());
    if (response.status === 200) bytes = bytes.subarray(0, want);
    const header = parseWavHeader(bytes, size ?? bytes.length);
    if (header.ok) return { format: header.format, bytes };
    if (header.problem !== 'need-more' || (size !== null && want >= size)) throw new SourceError(ref.path, header.problem === 'need-more' ? 'truncated: the file ends inside its header' : header.reason);
    want *= 4;
  }
}

/**
 * Bytes [from, to] of a file. A request that fails before any answer (a
 * kept-alive connection the server had just closed) is made once more.
 */
async function fetchRange(url: string, from: number, to: number, signal?: AbortSignal): Promise<Response> {
  const init: RequestInit = { headers: { Range: `bytes=${from}-${to}` }, ...(signal ? { signal } : {}) };
  try {
    return await fetch(url, init);
  } catch (err) {
    if (signal?.aborted) throw err;
    return fetch(url, init);
  }
}

/** The whole file's length: from Content-Range for a range answer, else Content-Length; null when not said. */
function fileSize(response: Response): number | null {
  const range = /\/(\d+)\s*$/.exec(response.headers.get('Content-Range') ?? '');
  const length = range ? range[1] : response.status === 200 ? response.headers.get('Content-Length') : null;
  const size = length === null || length === undefined ? NaN : Number(length);
  return Number.isSafeInteger(size) ? size : null;
}
