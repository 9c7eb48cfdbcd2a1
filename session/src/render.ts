/**
 * Rendering a checked mix to a WAV file (and stems), or only measuring it:
 * sources read from disk in chunks, tracks shared between worker threads,
 * the loudness target searched on a spool of the master's input. How far it
 * is and what it measured reach the caller through callbacks only.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { MixModel } from '../../grammar/src/index.js';
import { MixGraph, measureAutoTrims, MasterChain, renderBlocks, SourceError, type Strip, findTargetGain, type TargetResult, LoudnessMeter, type LoudnessReport, type WavBits, type GraphOptions } from '../../engine/src/index.js';
import { FrameSpool } from './audio/spool.js';
import { threadCount, WorkerPool } from './parallel.js';
import { WavFileProvider } from './audio/wav-source.js';
import { WavFileWriter } from './audio/wav-writer.js';
import { SessionError } from './errors.js';
import { clock, parseTimeArg } from './times.js';

/** Frames per block: large enough that per-block overhead (and thread hand-offs) is small. */
const BLOCK = 4096;
/** Rendered before --from and thrown away, so dynamics have settled when the span starts. */
const PREROLL_S = 2;

/** Loudness, true peak, speed and the target's master gain of a render that took `seconds` (the summary line, and the editor's message). */
export function renderSummary(result: RenderResult, seconds: number): string {
  const r = result.report;
  const speed = seconds > 0 ? result.durationS / seconds : Infinity;
  let line = `${r.integratedLufs === -Infinity ? 'silent' : `${r.integratedLufs.toFixed(1)} LUFS`}, true peak ${fmtDb(r.truePeakDbtp)} dBTP, ${speed.toFixed(1)}x real time`;
  const t = result.target;
  if (t?.reached) line += `, master gain ${t.headGainDb >= 0 ? '+' : ''}${t.headGainDb.toFixed(2)} dB for the target`;
  return line;
}

function fmtDb(db: number): string {
  return db === -Infinity ? '-inf' : db.toFixed(1);
}

export interface RenderResult {
  report: LoudnessReport;
  durationS: number;
  target: TargetResult | null;
  clipped: number;
  /** Post-fader loudness of each track and bus, when asked for. */
  channels: Map<string, LoudnessReport>;
}

export interface RenderJob {
  file: string;
  /** null: render and measure only. */
  out: string | null;
  bits: WavBits;
  stems: string | null;
  from: string | null;
  to: string | null;
  /** Threads to render with; null: as many as pay (MIXDOWN_THREADS or the cores). */
  threads?: number | null;
  /** Told how far the render is, 0..1, now and then (the editor's progress notification). */
  onProgress?: (fraction: number) => void;
  /** Told how far the pass over every channel is, in seconds of the span (a terminal's progress bar). */
  progress?: RenderProgress;
  /** Given the `trim auto` gains as soon as they are measured, before the render (the preview plays with them). */
  onAutoTrims?: (gains: ReadonlyMap<string, number>) => void;
  /** Given the master output as it is made (the span's frames only, in order; the preview's overview). */
  onOutput?: (channels: readonly Float64Array[], frames: number) => void;
  /** Given each summing group's sum as it is made, by graph position (the preview's frozen stems). */
  onGroup?: GraphOptions['onGroup'];
  /** Versions of the audio files, by path as written, for the summing groups' signatures. */
  fileVersion?: GraphOptions['fileVersion'];
  /** Given each strip after each block it processed, at graph position `position` (the preview's meters of frozen channels). */
  onStrip?: GraphOptions['onStrip'];
}

/**
 * The pass that renders every channel, as it goes. With a loudness target it
 * is followed by quick passes over the master alone, which are not reported.
 */
export interface RenderProgress {
  /** The pass starts: `totalS` seconds of the span; 'mixing' when master passes for the target follow, else 'rendering'. */
  begin(totalS: number, label: 'mixing' | 'rendering'): void;
  /** `doneS` seconds of the span are rendered. */
  update(doneS: number): void;
  /** The pass is over (told again when the whole render is); a display clears itself. */
  done(): void;
}

/** Lets signals (Ctrl-C) and I/O through now and then during a long render. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drive(steps: Iterable<void>): Promise<void> {
  let n = 0;
  for (const _ of steps) if (++n % 32 === 0) await breathe();
}

export interface RenderOptions {
  /** Meter each track and bus after its fader (true), or only those named. */
  readonly channelMeters?: boolean | ReadonlySet<string>;
}

export async function renderMix(model: MixModel, a: RenderJob, options: RenderOptions = {}): Promise<RenderResult> {
  const folder = dirname(resolve(a.file));
  const rate = model.sampleRate;
  const provider = new WavFileProvider(folder, rate);
  const writers: WavFileWriter[] = [];
  let spool: FrameSpool | null = null;
  let pool: WorkerPool | null = null;
  try {
    const autoTrims = measureAutoTrims(model, provider);
    a.onAutoTrims?.(autoTrims);
    const master = model.channels.find((c) => c.kind === 'master')!;
    const taps = new StripTaps();
    if (a.stems) stemWriters(model, a.stems, a.bits, taps, writers);
    const channelMeters = new Map<string, LoudnessMeter>();
    if (options.channelMeters) {
      const metered = options.channelMeters === true ? null : options.channelMeters;
      for (const c of model.channels) {
        if (c.kind === 'master' || (metered && !metered.has(c.name))) continue;
        const m = new LoudnessMeter(rate, 2);
        channelMeters.set(c.name, m);
        taps.add(c.name, (b, n) => m.process(b, n));
      }
    }
    const target = master.targetLufs;
    spool = target !== null ? new FrameSpool() : null;
    const cache = spool;
    pool = WorkerPool.create(model, folder, threadCount(a.threads ?? null), BLOCK, autoTrims);
    const graph = new MixGraph(model, provider, {
      external: pool ?? undefined,
      maxBlock: BLOCK,
      autoTrims,
      onStrip: taps.empty && !a.onStrip ? undefined : (s: Strip, p: number, n: number) => {
        taps.write(s, p, n);
        a.onStrip?.(s, p, n);
      },
      onMasterInput: cache ? (input, n) => cache.append(input, n) : undefined,
      onGroup: a.onGroup,
      fileVersion: a.fileVersion,
    });
    const span = timeSpan(model, graph.length, a);
    taps.setSpan(span.start, span.frames);
    const channels = model.output === 'mono' ? 1 : 2;
    const progress: RenderProgress = a.progress ?? { begin: () => {}, update: () => {}, done: () => {} };
    progress.begin(span.frames / rate, target !== null ? 'mixing' : 'rendering');
    // With a target, the first pass is most of the work; the master passes after it are quick.
    const firstPassShare = target !== null ? 0.9 : 1;
    // Told at each whole percent, not at every block: a listener may post a message for each.
    let percentTold = -1;
    const advance = (done: number) => {
      progress.update(done / rate);
      const fraction = span.frames > 0 ? (firstPassShare * done) / span.frames : firstPassShare;
      if (a.onProgress && Math.floor(100 * fraction) !== percentTold) {
        percentTold = Math.floor(100 * fraction);
        a.onProgress(fraction);
      }
    };

    const main = a.out === null ? null : new WavFileWriter(a.out, rate, channels, a.bits);
    if (main) writers.push(main);
    const meter = new LoudnessMeter(rate, channels);
    let targetResult: TargetResult | null = null;
    /** Where the finished master output goes: the file, the meter, and the caller's listener. */
    const output = (b: readonly Float64Array[], n: number) => {
      main?.write(b, n);
      meter.process(b, n);
      a.onOutput?.(b, n);
    };

    if (!cache) {
      // One pass: the master output goes straight to the file.
      await drive(renderBlocks(graph, span, { write: output }, BLOCK, advance));
    } else {
      // Pass 1 renders every channel once; the master's input is cached (stems are written here).
      await drive(renderBlocks(graph, span, { write: () => {} }, BLOCK, advance));
      progress.done();
      const startPos = span.start - Math.min(span.preroll, span.start);
      const skip = span.start - startPos + graph.latency;
      const spooled = cache;
      function* runMaster(gainDb: number, sink: (b: readonly Float64Array[], n: number) => void): Generator<void> {
        const chain = new MasterChain(model, gainDb, BLOCK);
        const input = [new Float64Array(BLOCK), new Float64Array(BLOCK)];
        const o = Array.from({ length: channels }, () => new Float64Array(BLOCK));
        for (let p = 0; p < spooled.frames; p += BLOCK) {
          const n = Math.min(BLOCK, spooled.frames - p);
          spooled.read(p, n, input);
          chain.process(input, n, o);
          // Same alignment as the graph: drop pre-roll and latency, keep the span.
          const from = Math.max(0, skip - p);
          const to = Math.min(n, skip + span.frames - p);
          if (to > from) sink(from === 0 ? o : o.map((b) => b.subarray(from)), to - from);
          yield;
        }
      }
      // The search itself is synchronous (measure() returns a number), so each
      // measurement runs to completion; the passes are short (master only).
      targetResult = findTargetGain({
        measure: (g) => {
          const m = new LoudnessMeter(rate, channels);
          for (const _ of runMaster(g, (b, n) => m.process(b, n))) { /* to the end */ }
          return m.report().integratedLufs;
        },
      }, target!);
      await drive(runMaster(targetResult.headGainDb, output));
    }
    progress.done();
    a.onProgress?.(1);
    for (const w of writers) w.finish();
    const channelReports = new Map([...channelMeters].map(([name, m]) => [name, m.report()]));
    return { report: meter.report(), durationS: span.frames / rate, target: targetResult, clipped: main?.clippedSamples ?? 0, channels: channelReports };
  } catch (err) {
    for (const w of writers) w.abort();
    if (err instanceof SourceError) throw new SessionError('mix', `cannot read ${err.path}: ${err.reason}`);
    if (err instanceof SessionError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new SessionError('io', `cannot write: ${(err as Error).message}`);
    throw err;
  } finally {
    void pool?.close();
    spool?.dispose();
    provider.close();
  }
}

/** Nothing the render writes may replace the mix file or any audio it reads. */
export function guardOutputs(model: MixModel, a: RenderJob & { out: string }): void {
  const folder = dirname(resolve(a.file));
  const inputs = new Map<string, string>([[resolve(a.file), 'the mix file']]);
  for (const c of model.channels) for (const k of c.clips) inputs.set(resolve(folder, k.path), `the source ${k.path}`);
  for (const r of model.references) inputs.set(resolve(folder, r.path), `the reference ${r.path}`);
  const outputs = [resolve(a.out)];
  if (a.stems) for (const c of model.channels) if (c.kind !== 'master') outputs.push(resolve(a.stems, `${c.name}.wav`));
  for (const o of outputs) {
    const what = inputs.get(o);
    if (what) throw new SessionError('usage', `render: writing ${o} would replace ${what}; choose another ${o === resolve(a.out) ? 'output name' : 'stems folder'}`);
  }
}

type PlanarSink = (planar: readonly Float64Array[], frames: number) => void;

/**
 * Per-channel outputs (post-fader, post-pan) for stems and channel meters,
 * aligned to the timeline like the master: each strip's own lag removed.
 */
class StripTaps {
  private readonly sinks = new Map<string, PlanarSink[]>();
  private start = 0;
  private end = 0;

  add(name: string, sink: PlanarSink): void {
    const list = this.sinks.get(name) ?? [];
    list.push(sink);
    this.sinks.set(name, list);
  }

  get empty(): boolean {
    return this.sinks.size === 0;
  }

  setSpan(start: number, frames: number): void {
    this.start = start;
    this.end = start + frames;
  }

  write(strip: Strip, p: number, n: number): void {
    const sinks = this.sinks.get(strip.name);
    if (!sinks) return;
    const t0 = p - strip.inputLag - strip.latency;
    const from = Math.max(0, this.start - t0);
    const to = Math.min(n, this.end - t0);
    if (to <= from) return;
    const view = from === 0 ? strip.out : strip.out.map((b) => b.subarray(from));
    for (const sink of sinks) sink(view, to - from);
  }
}

function stemWriters(model: MixModel, dir: string, bits: WavBits, taps: StripTaps, all: WavFileWriter[]): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new SessionError('io', `cannot create the stems folder ${dir}: ${(err as Error).message}`);
  }
  for (const c of model.channels) {
    if (c.kind === 'master') continue;
    const w = new WavFileWriter(join(dir, `${c.name}.wav`), model.sampleRate, 2, bits);
    all.push(w);
    taps.add(c.name, (b, n) => w.write(b, n));
  }
}

function timeSpan(model: MixModel, length: number, a: RenderJob): { start: number; frames: number; preroll: number } {
  const rate = model.sampleRate;
  const start = a.from ? Math.round(parseTimeArg(a.from, model, '--from') * rate) : 0;
  const end = a.to ? Math.round(parseTimeArg(a.to, model, '--to') * rate) : length;
  if (end <= start) {
    throw new SessionError('usage', a.to
      ? `render: --to (${clock(end / rate)}) must come after --from (${clock(start / rate)})`
      : `render: --from ${clock(start / rate)} is at or past the end of the session (${clock(length / rate)})`);
  }
  if (length === 0 && !a.to) throw new SessionError('usage', 'render: the session has no audio to render (no clips, and no length)');
  return { start, frames: end - start, preroll: Math.round(PREROLL_S * rate) };
}
