/**
 * A worker thread of the extension host that renders whole mixes with the
 * same renderer as `mixdown render`, so the editor stays responsive:
 * - for the preview: the `trim auto` gains (quick: reads the trimmed
 *   tracks' clips), then a whole render for the `target` gain, the
 *   overview and the mix's loudness, and the loudness of each reference;
 * - for "Mix: Render to WAV": the render to a file, with progress.
 * A newer request replaces an older one by terminating this worker.
 */
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { LineIndex } from '../../../grammar/src/lines.js';
import { checkWithFacts, guardOutputs, meterWav, renderMix, renderSummary } from '../../../session/src/index.js';
import { ChannelMeterRecorder } from '../../../engine/src/index.js';
import type { Overview } from '../../../media/preview/protocol.js';
import type { AnalyseRequest, FromWorker, RenderRequest, ToWorker } from './analysis-protocol.js';
import { StemWriter } from './frozen-stems.js';

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  const job = m.type === 'analyse' ? analyse(m) : render(m);
  job.catch((err: unknown) => send({ type: 'failed', generation: m.type === 'analyse' ? m.generation : null, message: describe(err) }));
});

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function analyse(m: AnalyseRequest): Promise<void> {
  const model = m.model;

  // One thread: the other core plays the preview. No mix is written: the overview is taken as the master
  // is made, and the summing groups' stems (the preview's frozen playback) as they are summed.
  const overview = new OverviewBuilder(model.output === 'mono' ? 1 : 2, m.buckets, model.sampleRate);
  const freeze = m.freeze;
  if (freeze) mkdirSync(freeze.folder, { recursive: true });
  const stems = freeze ? new StemWriter(freeze.folder, model.sampleRate) : null;
  // The frozen channels' meters, taken as the render goes.
  const meters = new ChannelMeterRecorder(model);
  let result: Awaited<ReturnType<typeof renderMix>>;
  try {
    result = await renderMix(model, {
      file: m.file, out: null, bits: '32f', stems: null, from: null, to: null, threads: 1,
      onAutoTrims: (gains) => send({ type: 'trims', generation: m.generation, trims: Object.fromEntries(gains) }),
      onOutput: (b, n) => overview.add(b, n),
      onGroup: stems ? (g, sum, p, n) => stems.add(g, sum, p, n) : undefined,
      onStrip: (s, p, n) => meters.add(s, p, n),
      fileVersion: freeze ? (path) => freeze.versions[path] ?? '' : undefined,
    });
  } catch (err) {
    stems?.abandon();
    throw err;
  }
  const frozen = stems?.finish() ?? [];
  const referenceLoudness: Record<string, number | null> = {};
  const byName: Record<string, number | null> = {};
  for (const r of m.references) {
    const key = `${r.absolute}\n${r.version}`;
    const lufs = key in m.knownReferences ? m.knownReferences[key]! : measureFile(r.absolute);
    referenceLoudness[key] = lufs;
    byName[r.name] = lufs;
  }
  const target = result.target;
  send({
    type: 'analysis',
    frozen,
    referenceLoudness,
    analysis: {
      generation: m.generation,
      headGainDb: target?.reached ? target.headGainDb : null,
      targetProblem: target && !target.reached ? `target not reached: ${target.reason}` : null,
      integratedLufs: result.report.integratedLufs,
      truePeakDb: result.report.truePeakDbtp,
      overview: overview.finish(),
      references: byName,
      channelMeters: meters.finish(),
    },
  });
}

/**
 * Min/max pairs of the master output, per channel. The render's length is
 * known only at its end, so pairs are first taken over short fixed spans
 * (about 5 ms) and merged into `buckets` pairs when it is done.
 */
class OverviewBuilder {
  private readonly fine: number[][];
  private readonly span: number;
  private frames = 0;
  private at = 0;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;

  constructor(private readonly channels: number, private readonly buckets: number, private readonly sampleRate: number) {
    this.span = Math.max(1, Math.round(sampleRate / 200));
    this.fine = Array.from({ length: channels }, () => []);
    this.lo = new Float64Array(channels).fill(Infinity);
    this.hi = new Float64Array(channels).fill(-Infinity);
  }

  add(block: readonly Float64Array[], n: number): void {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < this.channels; c++) {
        const v = block[c]![i]!;
        if (v < this.lo[c]!) this.lo[c] = v;
        if (v > this.hi[c]!) this.hi[c] = v;
      }
      if (++this.at === this.span) this.close();
    }
    this.frames += n;
  }

  private close(): void {
    for (let c = 0; c < this.channels; c++) {
      this.fine[c]!.push(this.lo[c]!, this.hi[c]!);
      this.lo[c] = Infinity;
      this.hi[c] = -Infinity;
    }
    this.at = 0;
  }

  finish(): Overview {
    if (this.at > 0) this.close();
    const spans = this.fine[0]!.length / 2;
    const n = Math.max(1, Math.min(this.buckets, spans));
    const peaks = this.fine.map((fine) => {
      const out = new Float32Array(2 * n);
      for (let b = 0; b < n; b++) {
        const from = Math.floor((b * spans) / n);
        const to = Math.max(from + 1, Math.floor(((b + 1) * spans) / n));
        let lo = Infinity;
        let hi = -Infinity;
        for (let k = from; k < to && k < spans; k++) {
          lo = Math.min(lo, fine[2 * k]!);
          hi = Math.max(hi, fine[2 * k + 1]!);
        }
        out[2 * b] = Number.isFinite(lo) ? lo : 0;
        out[2 * b + 1] = Number.isFinite(hi) ? hi : 0;
      }
      return out;
    });
    return { peaks, duration: this.frames / this.sampleRate };
  }
}

/** Integrated loudness of a WAV file, as `mixdown meter` measures it, or null when it cannot be read. */
function measureFile(path: string): number | null {
  try {
    return meterWav(path).integratedLufs;
  } catch {
    return null;
  }
}

async function render(m: RenderRequest): Promise<void> {
  const checked = await checkWithFacts(m.file, m.text);
  if (checked.hasErrors) {
    if (m.version === undefined) throw new Error(`${basename(m.file)} has errors; fix them first (see the Problems panel)`);
    const errors = checked.diagnostics.filter((d) => d.severity === 'error');
    const line = new LineIndex(m.text).position(errors[0]!.span.start).line + 1;
    throw new Error(`${m.version}'s version of ${basename(m.file)} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`} (line ${line}: ${errors[0]!.message})`);
  }
  const job = {
    file: m.file, out: m.out, bits: m.bits === '32f' ? ('32f' as const) : (Number(m.bits) as 16 | 24), stems: null, from: null, to: null,
    onProgress: (fraction: number) => send({ type: 'progress', fraction }),
  };
  guardOutputs(checked.model, job);
  const started = performance.now();
  const result = await renderMix(checked.model, job);
  let summary = renderSummary(result, (performance.now() - started) / 1000);
  if (result.target && !result.target.reached) summary += `; target not reached: ${result.target.reason}`;
  if (result.clipped > 0) summary += `; ${result.clipped} samples clipped`;
  send({ type: 'rendered', out: m.out, summary, integratedLufs: result.report.integratedLufs });
}
