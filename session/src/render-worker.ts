/** A render worker thread: processes its share of tracks block by block into shared memory (see parallel.ts). */
import { parentPort } from 'node:worker_threads';
import { TrackSources, SourceError, stripOptionsFor, Strip } from '../../engine/src/index.js';
import { WavFileProvider } from './audio/wav-source.js';
import { COMMAND, CTRL, ERROR_BYTES, halfViews, ownArrays, useHalf, type Half, type WorkerSetup } from './parallel.js';

/** The setup is the first message (a worker may be started ahead of its render: see prestartWorkers). */
const setup = await new Promise<WorkerSetup>((resolve) => parentPort!.once('message', resolve));
const ctrl = new Int32Array(setup.control);
const model = setup.model;
const provider = new WavFileProvider(setup.folder, model.sampleRate);

function fail(err: unknown): void {
  const text = err instanceof SourceError ? `${err.path}\n${err.reason}` : `?\n${(err as Error)?.message ?? String(err)}`;
  const bytes = new TextEncoder().encode(text).subarray(0, ERROR_BYTES - 1);
  new Uint8Array(setup.errors, setup.index * ERROR_BYTES, ERROR_BYTES).set(bytes);
  Atomics.store(ctrl, CTRL.failed + setup.index, 1);
}

/** Each strip with the two halves of its shared output. */
let strips: { strip: Strip; halves: Half[] }[] = [];
try {
  const optionsOf = stripOptionsFor(model, setup.autoTrims);
  const byName = new Map(model.channels.map((c) => [c.name, c]));
  strips = setup.names.map((name) => {
    const c = byName.get(name)!;
    const options = optionsOf(c);
    const halves = [0, 1].map((h) => halfViews(setup.buffers[name]!, setup.maxBlock, options.needsTap, h));
    const sources = new TrackSources(c.clips, c.cuts, provider, model.sampleRate, setup.maxBlock);
    const strip = new Strip(c, sources, model.sampleRate, setup.maxBlock, { ...options, outputBuffers: ownArrays(halves[0]!) });
    return { strip, halves };
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
  const h = Atomics.load(ctrl, CTRL.half);
  if (Atomics.load(ctrl, CTRL.failed + setup.index) === 0) {
    try {
      for (const { strip, halves } of strips) {
        // Write this block into the half the main thread is not reading.
        useHalf(strip, halves[h]!);
        strip.process(p, n);
      }
    } catch (err) {
      fail(err);
    }
  }
  Atomics.store(ctrl, CTRL.done + setup.index, seen);
  Atomics.notify(ctrl, CTRL.done + setup.index);
}
provider.close();
