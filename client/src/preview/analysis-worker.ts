/**
 * A worker thread of the extension host that renders whole mixes with the
 * CLI's renderer, so the editor stays responsive:
 * - for the preview: the `trim auto` gains (quick: reads the trimmed
 *   tracks' clips), then a whole render for the `target` gain, the
 *   overview and the mix's loudness, and the loudness of each reference;
 * - for "Mix: Render to WAV": the render to a file, with progress.
 * A newer request replaces an older one by terminating this worker.
 */
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { measureAutoTrims } from '../../../engine/src/render/graph.js';
import { LoudnessMeter } from '../../../engine/src/meter/loudness.js';
import { WavFileProvider, WavFileReader } from '../../../cli/src/audio/wav-source.js';
import { checkWithFacts } from '../../../cli/src/load.js';
import { guardOutputs, renderMix } from '../../../cli/src/render.js';
import { CliError, type Output } from '../../../cli/src/output.js';
import type { Overview } from '../../../media/preview/protocol.js';
import type { AnalyseRequest, FromWorker, RenderRequest, ToWorker } from './analysis-protocol.js';

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const quiet: Output = { stdout: () => undefined, stderr: () => undefined };
/** Frames read at a time when measuring files. */
const CHUNK = 65536;

port.on('message', (m: ToWorker) => {
  const job = m.type === 'analyse' ? analyse(m) : render(m);
  job.catch((err: unknown) => send({ type: 'failed', generation: m.type === 'analyse' ? m.generation : null, message: describe(err) }));
});

function describe(err: unknown): string {
  if (err instanceof CliError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

async function analyse(m: AnalyseRequest): Promise<void> {
  const checked = await checkWithFacts(m.file, m.text);
  if (checked.hasErrors) throw new Error('the session has errors');
  const model = checked.model;
  const provider = new WavFileProvider(dirname(resolve(m.file)), model.sampleRate);
  send({ type: 'trims', generation: m.generation, trims: Object.fromEntries(measureAutoTrims(model, provider)) });

  await mkdir(m.scratch, { recursive: true });
  const out = join(m.scratch, `overview-${process.pid}-${m.generation}.wav`);
  try {
    // One thread: the other core plays the preview.
    const result = await renderMix(checked, { file: m.file, out, bits: '32f', stems: null, from: null, to: null, threads: 1 }, quiet);
    const overview = readOverview(out, m.buckets);
    const referenceLoudness: Record<string, number | null> = {};
    const byName: Record<string, number | null> = {};
    for (const r of m.references) {
      const key = `${r.absolute}\n${r.version}`;
      const lufs = key in m.knownReferences ? m.knownReferences[key]! : measureFile(r.absolute, r.name);
      referenceLoudness[key] = lufs;
      byName[r.name] = lufs;
    }
    const target = result.target;
    send({
      type: 'analysis',
      referenceLoudness,
      analysis: {
        generation: m.generation,
        headGainDb: target?.reached ? target.headGainDb : null,
        targetProblem: target && !target.reached ? `target not reached: ${target.reason}` : null,
        integratedLufs: result.report.integratedLufs,
        truePeakDb: result.report.truePeakDbtp,
        overview,
        references: byName,
      },
    });
  } finally {
    await rm(out, { force: true });
  }
}

/** Min/max pairs per bucket and channel of a rendered file. */
function readOverview(path: string, buckets: number): Overview {
  const reader = new WavFileReader(path, basename(path));
  try {
    const f = reader.format;
    const frames = f.frames;
    const n = Math.max(1, Math.min(buckets, frames));
    const peaks = Array.from({ length: f.channels }, () => new Float32Array(2 * n));
    const block = Array.from({ length: f.channels }, () => new Float64Array(CHUNK));
    let bucket = 0;
    let bucketEnd = Math.ceil(frames / n);
    const mins = new Float64Array(f.channels).fill(Infinity);
    const maxs = new Float64Array(f.channels).fill(-Infinity);
    const flush = () => {
      for (let c = 0; c < f.channels; c++) {
        peaks[c]![2 * bucket] = Number.isFinite(mins[c]!) ? mins[c]! : 0;
        peaks[c]![2 * bucket + 1] = Number.isFinite(maxs[c]!) ? maxs[c]! : 0;
      }
      mins.fill(Infinity);
      maxs.fill(-Infinity);
    };
    for (let at = 0; at < frames; at += CHUNK) {
      const count = Math.min(CHUNK, frames - at);
      reader.read(at, count, block, 0);
      for (let i = 0; i < count; i++) {
        if (at + i >= bucketEnd) {
          flush();
          bucket++;
          bucketEnd = Math.ceil(((bucket + 1) * frames) / n);
        }
        for (let c = 0; c < f.channels; c++) {
          const v = block[c]![i]!;
          if (v < mins[c]!) mins[c] = v;
          if (v > maxs[c]!) maxs[c] = v;
        }
      }
    }
    if (bucket < n) flush();
    return { peaks, duration: frames / f.sampleRate };
  } finally {
    reader.close();
  }
}

/** Integrated loudness of a WAV file (BS.1770-4), or null when it cannot be read. */
function measureFile(path: string, label: string): number | null {
  let reader: WavFileReader;
  try {
    reader = new WavFileReader(path, label);
  } catch {
    return null;
  }
  try {
    const f = reader.format;
    if (f.channels > 2) return null;
    const meter = new LoudnessMeter(f.sampleRate, f.channels);
    const block = Array.from({ length: f.channels }, () => new Float64Array(CHUNK));
    for (let at = 0; at < f.frames; at += CHUNK) {
      const count = Math.min(CHUNK, f.frames - at);
      reader.read(at, count, block, 0);
      meter.process(block, count);
    }
    return meter.report().integratedLufs;
  } catch {
    return null;
  } finally {
    reader.close();
  }
}

async function render(m: RenderRequest): Promise<void> {
  const checked = await checkWithFacts(m.file, m.text);
  if (checked.hasErrors) throw new Error(`${basename(m.file)} has errors; fix them first (see the Problems panel)`);
  const job = {
    file: m.file, out: m.out, bits: m.bits === '32f' ? ('32f' as const) : (Number(m.bits) as 16 | 24), stems: null, from: null, to: null,
    onProgress: (fraction: number) => send({ type: 'progress', fraction }),
  };
  guardOutputs(checked.model, job);
  const started = performance.now();
  const result = await renderMix(checked, job, quiet);
  const seconds = (performance.now() - started) / 1000;
  const r = result.report;
  const lufs = r.integratedLufs === -Infinity ? 'silent' : `${r.integratedLufs.toFixed(1)} LUFS`;
  const peak = r.truePeakDbtp === -Infinity ? '-inf' : r.truePeakDbtp.toFixed(1);
  let summary = `${lufs}, true peak ${peak} dBTP, ${(result.durationS / Math.max(seconds, 1e-3)).toFixed(1)}x real time`;
  if (result.target && !result.target.reached) summary += `; target not reached: ${result.target.reason}`;
  if (result.clipped > 0) summary += `; ${result.clipped} samples clipped`;
  send({ type: 'rendered', out: m.out, summary });
}
