/** A render worker thread: processes its share of tracks block by block into shared memory (see parallel.ts). */
import { workerData } from 'node:worker_threads';
import { TrackSources, SourceError } from '../../engine/src/render/sources.js';
import { stripOptions } from '../../engine/src/render/graph.js';
import { Strip } from '../../engine/src/render/strip.js';
import { WavFileProvider } from './audio/wav-source.js';
import { COMMAND, CTRL, ERROR_BYTES, type WorkerSetup } from './parallel.js';

const setup = workerData as WorkerSetup;
const ctrl = new Int32Array(setup.control);
const model = setup.model;
const provider = new WavFileProvider(setup.folder, model.sampleRate);

function fail(err: unknown): void {
  const text = err instanceof SourceError ? `${err.path}\n${err.reason}` : `?\n${(err as Error)?.message ?? String(err)}`;
  const bytes = new TextEncoder().encode(text).subarray(0, ERROR_BYTES - 1);
  new Uint8Array(setup.errors, setup.index * ERROR_BYTES, ERROR_BYTES).set(bytes);
  Atomics.store(ctrl, CTRL.failed + setup.index, 1);
}

let strips: Strip[] = [];
try {
  strips = setup.names.map((name) => {
    const c = model.channels.find((x) => x.name === name)!;
    const sab = setup.buffers[name]!;
    const view = (i: number) => new Float64Array(sab, i * setup.maxBlock * 8, setup.maxBlock);
    const options = stripOptions(model, c, setup.autoTrims);
    const sources = new TrackSources(c.clips, c.cuts, provider, model.sampleRate, setup.maxBlock);
    return new Strip(c, sources, model.sampleRate, setup.maxBlock, {
      ...options,
      outputBuffers: { out: [view(0), view(1)], tap: options.needsTap ? [view(2), view(3)] : null },
    });
  });
} catch (err) {
  fail(err);
}

let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.generation, seen);
  seen = Atomics.load(ctrl, CTRL.generation);
  if (Atomics.load(ctrl, CTRL.command) === COMMAND.exit) break;
  const p = Atomics.load(ctrl, CTRL.position);
  const n = Atomics.load(ctrl, CTRL.frames);
  if (Atomics.load(ctrl, CTRL.failed + setup.index) === 0) {
    try {
      for (const s of strips) s.process(p, n);
    } catch (err) {
      fail(err);
    }
  }
  Atomics.store(ctrl, CTRL.done + setup.index, seen);
  Atomics.notify(ctrl, CTRL.done + setup.index);
}
provider.close();
