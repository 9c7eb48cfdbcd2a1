/** `mixdown render SONG.mix [-o OUT.wav] [--bits 16|24|32f] [--stems DIR] [--from T] [--to T]` */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { MixModel } from '../../grammar/src/index.js';
import { MixGraph, measureAutoTrims, MasterChain, renderBlocks, SourceError, type Strip, findTargetGain, type TargetResult, LoudnessMeter, type LoudnessReport, type WavBits } from '../../engine/src/index.js';
import { FrameSpool } from './audio/spool.js';
import { prestartWorkers, stopSpareWorkers, threadCount, WorkerPool } from './parallel.js';
import { WavFileProvider } from './audio/wav-source.js';
import { WavFileWriter } from './audio/wav-writer.js';
import { checkWithFacts, readMixFile } from './load.js';
import { CliError, EXIT, type Output } from './output.js';
import { Progress } from './progress.js';
import { summary, toText } from './report.js';
import { clock, parseTimeArg } from './times.js';

/** Frames per block: large enough that per-block overhead (and thread hand-offs) is small. */
const BLOCK = 4096;
/** Rendered before --from and thrown away, so dynamics have settled when the span starts. */
const PREROLL_S = 2;

function parseRenderArgs(args: string[]): RenderJob & { out: string } {
  const usage = 'usage: mixdown render SONG.mix [-o OUT.wav] [--bits 16|24|32f] [--stems DIR] [--from TIME] [--to TIME] [--threads N]';
  const files: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (['-o', '--out', '--bits', '--stems', '--from', '--to', '--threads'].includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new CliError(`render: ${a} needs a value\n${usage}`);
      opts[a === '--out' ? '-o' : a] = v;
    } else if (a.startsWith('-')) throw new CliError(`render: unknown option '${a}'\n${usage}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new CliError(usage);
  const file = files[0]!;
  const bitsText = opts['--bits'] ?? '24';
  if (!['16', '24', '32f'].includes(bitsText)) throw new CliError(`render: --bits is 16, 24 or 32f, not '${bitsText}'`);
  const bits = (bitsText === '32f' ? '32f' : Number(bitsText)) as WavBits;
  const out = opts['-o'] ?? join(dirname(file), basename(file).replace(/\.mix$/i, '') + '.wav');
  if (!/\.wav$/i.test(out)) throw new CliError(`render: the output must be a .wav file: ${out}`);
  const threadsText = opts['--threads'];
  const threads = threadsText === undefined ? null : Number(threadsText);
  if (threads !== null && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new CliError(`render: --threads is a whole number from 1, not '${threadsText}'`);
  return { file, out, bits, stems: opts['--stems'] ?? null, from: opts['--from'] ?? null, to: opts['--to'] ?? null, threads };
}

/** Renders and prints the one-line summary. */
export async function runRender(args: string[], out: Output): Promise<number> {
  const a = parseRenderArgs(args);
  // The worker threads start while the mix file is read and analysed.
  prestartWorkers(threadCount(a.threads ?? null));
  try {
    return await renderAndReport(a, out);
  } finally {
    await stopSpareWorkers();
  }
}

async function renderAndReport(a: RenderJob & { out: string }, out: Output): Promise<number> {
  const text = await readMixFile(a.file);
  const checked = await checkWithFacts(a.file, text);
  if (checked.hasErrors) {
    out.stderr(toText(a.file, text, checked.diagnostics.filter((d) => d.severity === 'error')));
    out.stderr(`${a.file}: not rendered: ${summary(checked.diagnostics.filter((d) => d.severity === 'error'))}\n`);
    return EXIT.mixErrors;
  }
  guardOutputs(checked.model, a);

  const started = performance.now();
  const result = await renderMix(checked.model, a, out);
  const seconds = (performance.now() - started) / 1000;
  out.stdout(`${a.out}: ${clock(result.durationS)}, ${renderSummary(result, seconds)}\n`);
  if (result.target && !result.target.reached) {
    out.stderr(`mixdown: warning: target ${checked.model.channels.at(-1)!.targetLufs} LUFS not reached: ${result.target.reason}\n`);
  }
  if (result.clipped > 0) out.stderr(`mixdown: warning: ${result.clipped} samples clipped at full scale; add a limiter to master or lower the gain\n`);
  return EXIT.ok;
}

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
  /** Given the `trim auto` gains as soon as they are measured, before the render (the preview plays with them). */
  onAutoTrims?: (gains: ReadonlyMap<string, number>) => void;
  /** Given the master output as it is made (the span's frames only, in order; the preview's overview). */
  onOutput?: (channels: readonly Float64Array[], frames: number) => void;
}

/** Lets signals (Ctrl-C) and I/O through now and then during a long render. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drive(steps: Iterable<void>): Promise<void> {
  let n = 0;
  for (const _ of steps) if (++n % 32 === 0) await breathe();
}

export async function renderMix(model: MixModel, a: RenderJob, out: Output, options: { channelMeters?: boolean } = {}): Promise<RenderResult> {
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
      for (const c of model.channels) {
        if (c.kind === 'master') continue;
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
      onStrip: taps.empty ? undefined : (s: Strip, p: number, n: number) => taps.write(s, p, n),
      onMasterInput: cache ? (input, n) => cache.append(input, n) : undefined,
    });
    const span = timeSpan(model, graph.length, a);
    taps.setSpan(span.start, span.frames);
    const channels = model.output === 'mono' ? 1 : 2;
    const progress = new Progress(out, span.frames / rate, target !== null ? 'mixing' : 'rendering');
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
    if (err instanceof SourceError) throw new CliError(`cannot read ${err.path}: ${err.reason}`, EXIT.mixErrors);
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new CliError(`cannot write: ${(err as Error).message}`);
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
    if (what) throw new CliError(`render: writing ${o} would replace ${what}; choose another ${o === resolve(a.out) ? 'output name' : 'stems folder'}`);
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
    throw new CliError(`cannot create the stems folder ${dir}: ${(err as Error).message}`);
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
    throw new CliError(a.to
      ? `render: --to (${clock(end / rate)}) must come after --from (${clock(start / rate)})`
      : `render: --from ${clock(start / rate)} is at or past the end of the session (${clock(length / rate)})`);
  }
  if (length === 0 && !a.to) throw new CliError('render: the session has no audio to render (no clips, and no length)');
  return { start, frames: end - start, preroll: Math.round(PREROLL_S * rate) };
}
