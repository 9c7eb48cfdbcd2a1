/**
 * Rendering on several cores: tracks with no side-chain (most of them) are
 * processed in worker threads, writing straight into shared memory that the
 * main thread's graph reads. The main thread processes its own share of
 * tracks meanwhile, then the buses and the master. Summing stays on the main
 * thread in the graph's fixed order, so the output is bit-identical to a
 * single-threaded render.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChannelModel, MixModel } from '../../grammar/src/index.js';
import { processorCost, independentTracks, stripOptionsFor, type ExternalStrips, SourceError } from '../../engine/src/index.js';

/** Control words in the shared Int32Array. */
export const CTRL = { generation: 0, command: 1, position: 2, frames: 3, half: 4, done: 8, failed: 24 } as const;
export const COMMAND = { run: 1, exit: 2 } as const;
export const ERROR_BYTES = 1024;

export interface WorkerSetup {
  readonly model: MixModel;
  readonly folder: string;
  readonly index: number;
  readonly names: readonly string[];
  readonly maxBlock: number;
  readonly autoTrims: ReadonlyMap<string, number>;
  readonly control: SharedArrayBuffer;
  readonly errors: SharedArrayBuffer;
  /**
   * Per track, two halves (double buffering), each: out (2 channels) then
   * tap (2 channels, if any), each maxBlock float64s.
   */
  readonly buffers: Readonly<Record<string, SharedArrayBuffer>>;
}

/** The main thread's own work (summing, metering, writing), in the units of `cost`. */
const MAIN_THREAD_WORK = 60;

/** A rough cost per block, so the work splits evenly. */
function cost(c: ChannelModel): number {
  let k = 1 + c.clips.length;
  for (const p of c.inserts) k += processorCost(p);
  return k;
}

/**
 * Workers started ahead of need. A worker thread takes a while to start (a
 * new JavaScript heap, its bundle compiled); started before the mix file is
 * read and analysed, it is ready by the time the render needs it. It waits
 * for its setup as its first message.
 */
const spare: Worker[] = [];
/** What went wrong in a spare worker before a pool took it (reported by the pool). */
const spareFailures = new WeakMap<Worker, Error>();

/** A render worker; it waits for its WorkerSetup as its first message. */
function startWorker(): Worker {
  return new Worker(new URL('./render-worker.js', import.meta.url));
}

/** Starts the workers a render with `threads` threads will use, now; see `spare`. */
export function prestartWorkers(threads: number): void {
  while (spare.length < threads - 1) {
    const worker = startWorker();
    // A spare worker does not keep the process alive; a pool that takes it does.
    worker.unref();
    worker.once('error', (err) => spareFailures.set(worker, err));
    spare.push(worker);
  }
}

/** Stops started workers that no render took. */
export async function stopSpareWorkers(): Promise<void> {
  await Promise.all(spare.splice(0).map((w) => w.terminate()));
}

export function threadCount(requested: number | null): number {
  if (requested !== null) return Math.max(1, requested);
  const env = Number(process.env['MIXDOWN_THREADS']);
  return Number.isInteger(env) && env > 0 ? env : Math.min(4, availableParallelism());
}

/** Views of one track's half of shared memory. */
export interface Half {
  readonly out: Float64Array[];
  readonly tap: Float64Array[] | null;
}

export function halfViews(sab: SharedArrayBuffer, maxBlock: number, needsTap: boolean, half: number): Half {
  const per = needsTap ? 4 : 2;
  const view = (i: number) => new Float64Array(sab, (half * per + i) * maxBlock * 8, maxBlock);
  return { out: [view(0), view(1)], tap: needsTap ? [view(2), view(3)] : null };
}

/** Arrays of its own for a strip's `out` and `tap`, pointing at `half` for now. */
export function ownArrays(half: Half): { out: Float64Array[]; tap: Float64Array[] | null } {
  return { out: [...half.out], tap: half.tap ? [...half.tap] : null };
}

/** Points a strip's `out` and `tap` arrays at one half of its shared memory. */
export function useHalf(target: { readonly out: Float64Array[]; readonly tap: Float64Array[] | null }, half: Half): void {
  target.out[0] = half.out[0]!;
  target.out[1] = half.out[1]!;
  if (target.tap && half.tap) {
    target.tap[0] = half.tap[0]!;
    target.tap[1] = half.tap[1]!;
  }
}

/**
 * Worker threads compute their tracks one block ahead: while the main thread
 * sums and meters block k from one half of the shared buffers, the workers
 * fill the other half with block k+1.
 */
export class WorkerPool implements ExternalStrips {
  readonly buffers = new Map<string, { out: Float64Array[]; tap: Float64Array[] | null }>();
  private readonly halves = new Map<string, [Half, Half]>();
  private pending: { generation: number; p: number; n: number; half: number } | null = null;
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly errorBytes: Uint8Array;
  private generation = 0;
  private failure: Error | null = null;

  /**
   * Splits the independent tracks between this thread and `threads - 1`
   * workers. Returns null when there is nothing worth sharing.
   */
  static create(model: MixModel, folder: string, threads: number, maxBlock: number, autoTrims: ReadonlyMap<string, number>): WorkerPool | null {
    const independent = independentTracks(model);
    const runsAnywhere = new Set(independent);
    if (threads < 2 || independent.length < 2) return null;
    const byName = new Map(model.channels.map((c) => [c.name, c]));
    // Longest job first to the least loaded. The main thread starts loaded
    // with what only it does: the buses and master, summing, metering the
    // output (true peak is 4x oversampled) and writing it (MAIN_THREAD_WORK,
    // set from profiles: about four of the benchmark's tracks).
    const serial = MAIN_THREAD_WORK + model.channels.filter((c) => !runsAnywhere.has(c.name)).reduce((sum, c) => sum + cost(c), 0);
    const bins = Array.from({ length: threads }, (_, i) => ({ load: i === 0 ? serial : 0, names: [] as string[] }));
    const sorted = independent.map((n) => ({ n, k: cost(byName.get(n)!) })).sort((a, b) => b.k - a.k || (a.n < b.n ? -1 : 1));
    for (const { n, k } of sorted) {
      const bin = bins.reduce((best, b) => (b.load < best.load ? b : best));
      bin.names.push(n);
      bin.load += k;
    }
    const workerBins = bins.slice(1).filter((b) => b.names.length > 0);
    if (workerBins.length === 0) return null;
    return new WorkerPool(model, folder, workerBins.map((b) => b.names), maxBlock, autoTrims);
  }

  private constructor(model: MixModel, folder: string, groups: string[][], maxBlock: number, autoTrims: ReadonlyMap<string, number>) {
    const control = new SharedArrayBuffer(64 * 4);
    const errors = new SharedArrayBuffer(ERROR_BYTES * groups.length);
    this.ctrl = new Int32Array(control);
    this.errorBytes = new Uint8Array(errors);
    const optionsOf = stripOptionsFor(model, autoTrims);
    const byName = new Map(model.channels.map((c) => [c.name, c]));
    groups.forEach((names, index) => {
      const buffers: Record<string, SharedArrayBuffer> = {};
      for (const name of names) {
        const needsTap = optionsOf(byName.get(name)!).needsTap;
        const sab = new SharedArrayBuffer(2 * maxBlock * 8 * (needsTap ? 4 : 2));
        buffers[name] = sab;
        const halves: [Half, Half] = [halfViews(sab, maxBlock, needsTap, 0), halfViews(sab, maxBlock, needsTap, 1)];
        this.halves.set(name, halves);
        this.buffers.set(name, ownArrays(halves[0]));
      }
      const setup: WorkerSetup = { model, folder, index, names, maxBlock, autoTrims, control, errors, buffers };
      const worker = spare.shift() ?? startWorker();
      worker.ref();
      worker.postMessage(setup);
      worker.on('error', (err) => { this.failure ??= err; });
      if (spareFailures.has(worker)) this.failure ??= spareFailures.get(worker)!;
      this.workers.push(worker);
    });
  }

  begin(p: number, n: number): void {
    if (this.pending && this.pending.p === p && this.pending.n === n) return; // already started by finish()
    if (this.pending) throw new Error(`render workers were told block ${this.pending.p}+${this.pending.n} would follow, not ${p}+${n}`);
    this.start(p, n, 0);
  }

  finish(p: number, n: number, next: number): void {
    const job = this.pending!;
    this.waitFor(job.generation);
    for (const [name, target] of this.buffers) useHalf(target, this.halves.get(name)![job.half]);
    this.pending = null;
    // The workers go on with the next block while this one is summed.
    if (next > 0) this.start(p + n, next, 1 - job.half);
  }

  private start(p: number, n: number, half: number): void {
    Atomics.store(this.ctrl, CTRL.position, p);
    Atomics.store(this.ctrl, CTRL.frames, n);
    Atomics.store(this.ctrl, CTRL.half, half);
    Atomics.store(this.ctrl, CTRL.command, COMMAND.run);
    this.generation++;
    this.pending = { generation: this.generation, p, n, half };
    Atomics.store(this.ctrl, CTRL.generation, this.generation);
    Atomics.notify(this.ctrl, CTRL.generation);
  }

  private waitFor(generation: number): void {
    for (let w = 0; w < this.workers.length; w++) {
      for (;;) {
        const done = Atomics.load(this.ctrl, CTRL.done + w);
        if (done === generation) break;
        // Wake up now and then: a worker that died never reports.
        Atomics.wait(this.ctrl, CTRL.done + w, done, 1000);
        if (this.failure) throw this.failure;
      }
      if (Atomics.load(this.ctrl, CTRL.failed + w) !== 0) {
        const bytes = this.errorBytes.slice(w * ERROR_BYTES, (w + 1) * ERROR_BYTES);
        const end = bytes.indexOf(0);
        const [path, reason] = new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end)).split('\n');
        throw new SourceError(path ?? '?', reason ?? 'cannot be read');
      }
    }
  }

  async close(): Promise<void> {
    Atomics.store(this.ctrl, CTRL.command, COMMAND.exit);
    this.generation++;
    Atomics.store(this.ctrl, CTRL.generation, this.generation);
    Atomics.notify(this.ctrl, CTRL.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
