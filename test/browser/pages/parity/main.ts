/**
 * A test page that renders a session through the engine's AudioWorklet in an
 * OfflineAudioContext, the way the preview will play it: the .mix text
 * checked in the page, its WAV files fetched and decoded by our own code,
 * `trim auto` measured here, the processor module loaded from a file URL.
 *
 * The page does not run the `target` search (that needs a whole render of
 * every channel before the first sample can play); the caller passes the
 * head gain in. The rendered channels are POSTed back to the caller.
 */
import { check } from '../../../../grammar/src/index.js';
import { measureAutoTrims, MixGraph } from '../../../../engine/src/index.js';
import { PROCESSOR_NAME, transferList, type FromProcessor, type LoadMessage, type LoadedMessage } from '../../../../media/worklet/protocol.js';
import { decodeWav, DecodedProvider } from '../../../../media/worklet/sources.js';

export interface ParityOptions {
  /** URL of the .mix file; its audio files are fetched relative to it. */
  readonly mix: string;
  /** Gain at the head of the master chain, dB (the `target` search's result); needed when the master has a target. */
  readonly headGainDb: number | null;
  /** Where to POST the render: float32 little-endian, planar (every frame of channel 0, then of channel 1). */
  readonly upload: string;
  /** URL of the processor module; by default the one built beside this page. */
  readonly processor?: string;
  /** Frozen stems (URLs, relative to the .mix file or absolute paths) by summing group signature: those groups play from them. */
  readonly frozen?: readonly { readonly signature: string; readonly path: string }[];
}

export interface ParityResult {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  /** Frames the master lags the timeline (compensated in the processor). */
  readonly latency: number;
  /** Summing groups played from frozen stems. */
  readonly frozenGroups: number;
  /** `trim auto` gains measured in the page, by track. */
  readonly autoTrims: [string, number][];
  /** Milliseconds spent on each step. */
  readonly fetchMs: number;
  readonly decodeMs: number;
  readonly trimsMs: number;
  readonly renderMs: number;
  readonly uploadBytes: number;
}

function status(text: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
}

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response;
}

/** Sends the load message and waits for the processor's answer. */
function load(node: AudioWorkletNode, message: LoadMessage): Promise<LoadedMessage> {
  return new Promise((resolve, reject) => {
    node.port.onmessage = (event: MessageEvent<FromProcessor>) => {
      const m = event.data;
      if (m.type === 'loaded') resolve(m);
      else if (m.type === 'error') reject(new Error(m.path ? `${m.path}: ${m.message}` : m.message));
    };
    node.port.postMessage(message, transferList(message.sources));
  });
}

export async function run(options: ParityOptions): Promise<ParityResult> {
  const t0 = performance.now();
  const mixUrl = new URL(options.mix, location.href);
  status('reading the session');
  const text = await (await fetchOk(mixUrl)).text();
  const fileName = decodeURIComponent(mixUrl.pathname.split('/').pop() ?? 'session.mix');
  const checked = check(text, { fileName });
  if (checked.hasErrors) {
    const errors = checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    throw new Error(`${fileName} has errors: ${errors.join('; ')}`);
  }
  const model = checked.model;
  const master = model.channels.find((c) => c.kind === 'master')!;
  if (master.targetLufs !== null && options.headGainDb === null) throw new Error(`the master has a target: pass headGainDb`);

  const paths = [...new Set(model.channels.flatMap((c) => c.clips.map((k) => k.path)))];
  const files = await Promise.all(paths.map(async (p) => new Uint8Array(await (await fetchOk(new URL(p, mixUrl))).arrayBuffer())));
  const t1 = performance.now();
  status('decoding');
  const frozen = options.frozen ?? [];
  const stems = await Promise.all(frozen.map(async (f) => decodeWav(f.path, new Uint8Array(await (await fetchOk(new URL(f.path, mixUrl))).arrayBuffer()))));
  const sources = [...paths.map((p, i) => decodeWav(p, files[i]!)), ...stems];
  const t2 = performance.now();
  const provider = new DecodedProvider(sources, model.sampleRate);
  const autoTrims = measureAutoTrims(model, provider);
  // Only to learn the length: the processor builds its own graph.
  const length = new MixGraph(model, provider, { autoTrims }).length;
  const t3 = performance.now();

  const channels = model.output === 'mono' ? 1 : 2;
  const context = new OfflineAudioContext({ numberOfChannels: channels, length, sampleRate: model.sampleRate });
  await context.audioWorklet.addModule(options.processor ?? new URL('../worklet/processor.js', import.meta.url).href);
  const node = new AudioWorkletNode(context, PROCESSOR_NAME, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [channels] });
  node.connect(context.destination);
  status('loading the worklet');
  const loaded = await load(node, {
    type: 'load', model, sources, autoTrims, headGainDb: options.headGainDb ?? 0, generation: 0, frozen,
  });
  if (loaded.length !== length) throw new Error(`the processor's session is ${loaded.length} frames long, the page's ${length}`);

  status('rendering');
  const failed = new Promise<never>((_, reject) => {
    node.onprocessorerror = () => reject(new Error('the processor threw'));
    node.port.onmessage = (event: MessageEvent<FromProcessor>) => {
      if (event.data.type === 'error') reject(new Error(event.data.message));
    };
  });
  const t4 = performance.now();
  const rendered = await Promise.race([context.startRendering(), failed]);
  const t5 = performance.now();

  status('sending the render');
  const planar = Array.from({ length: rendered.numberOfChannels }, (_, c) => rendered.getChannelData(c));
  const body = new Blob(planar);
  const response = await fetch(options.upload, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
  if (!response.ok) throw new Error(`upload: HTTP ${response.status}`);
  status('done');
  return {
    sampleRate: rendered.sampleRate,
    channels: rendered.numberOfChannels,
    frames: rendered.length,
    latency: loaded.latency,
    frozenGroups: loaded.frozenGroups,
    autoTrims: [...autoTrims],
    fetchMs: t1 - t0,
    decodeMs: t2 - t1,
    trimsMs: t3 - t2,
    renderMs: t5 - t4,
    uploadBytes: body.size,
  };
}

(globalThis as { mixdownParity?: { run: typeof run } }).mixdownParity = { run };
status('ready');
