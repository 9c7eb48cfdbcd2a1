/**
 * Runs the built processor bundle (worklet/processor.js as buildMedia makes
 * it, the file Chromium loads) in Node, inside a stand-in for
 * AudioWorkletGlobalScope: the same JavaScript, the same 128-frame blocks,
 * the same float32 outputs, only another V8. Comparing it with Chromium's
 * render isolates what the browser's engine changes; comparing it with the
 * CLI, what the worklet path (decoded sources, block size, latency handling)
 * changes.
 */
import { pathToFileURL } from 'node:url';

interface FakePort {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
}

interface Processor {
  readonly port: FakePort;
  process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

const QUANTUM = 128;

/**
 * Loads the processor that `bundle` registers, sends it `load` and renders
 * `frames` frames of `channels` channels, one render quantum at a time, as
 * an OfflineAudioContext does.
 */
export async function renderInNode(bundle: string, rate: number, load: unknown, frames: number, channels: number): Promise<Float32Array[]> {
  const registered = new Map<string, new () => Processor>();
  const replies: unknown[] = [];
  class AudioWorkletProcessor {
    readonly port: FakePort = { onmessage: null, postMessage: (m) => replies.push(m) };
  }
  const scope = {
    AudioWorkletProcessor,
    registerProcessor: (n: string, ctor: new () => Processor) => registered.set(n, ctor),
    sampleRate: rate,
    currentFrame: 0,
  };
  const g = globalThis as Record<string, unknown>;
  const saved = Object.keys(scope).map((k) => [k, g[k]] as const);
  Object.assign(g, scope);
  try {
    // A query makes a fresh module instance, so registerProcessor runs against this scope.
    await import(`${pathToFileURL(bundle).href}?scope=${Date.now()}`);
    if (registered.size !== 1) throw new Error(`${bundle} registered ${registered.size} processors, not one`);
    const [Ctor] = registered.values();
    const processor = new Ctor();
    processor.port.onmessage?.({ data: load });
    const reply = replies[0] as { type: string; message?: string } | undefined;
    if (reply?.type !== 'loaded') throw new Error(`the processor did not load: ${reply?.message ?? 'no reply'}`);
    const out = Array.from({ length: channels }, () => new Float32Array(QUANTUM));
    const result = Array.from({ length: channels }, () => new Float32Array(frames));
    for (let t = 0; t < frames; t += QUANTUM) {
      for (const o of out) o.fill(0);
      g['currentFrame'] = t;
      processor.process([], [out], {});
      const n = Math.min(QUANTUM, frames - t);
      for (let c = 0; c < channels; c++) result[c]!.set(out[c]!.subarray(0, n), t);
    }
    // Meter reports are expected; anything else after 'loaded' is a failure.
    const others = replies.slice(1).filter((r) => (r as { type: string }).type !== 'meters');
    if (others.length > 0) throw new Error(`the processor reported: ${JSON.stringify(others)}`);
    return result;
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete g[k];
      else g[k] = v;
    }
  }
}
