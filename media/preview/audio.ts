/**
 * The page's audio: an AudioContext at the session's rate, the engine's
 * AudioWorklet node (the processor module loaded from the extension's own
 * media, as a plain URL: a blob: URL fails under the webview's CSP), and an
 * AnalyserNode after it for the spectrum.
 *
 * Browsers start an AudioContext only from a user gesture (a message from
 * the extension is not one), so the context is made on the first click or
 * key press in the panel; until then the page says so.
 */
import { PROCESSOR_NAME, type FromProcessor, type LoadedMessage, type MetersMessage, type SessionSpec, type StreamChunk, type StreamHeader, type ToProcessor } from '../worklet/protocol.js';
import type { StreamSink } from './streamer.js';

export interface AudioEvents {
  onMeters(m: MetersMessage): void;
  onError(path: string | null, message: string): void;
  /** Buffers of streamed chunks the processor let go of. */
  onFreed(buffers: readonly ArrayBuffer[]): void;
  /** A session the processor built (how many groups it plays frozen). */
  onLoaded(m: LoadedMessage): void;
}

export class AudioOutput implements StreamSink {
  readonly context: AudioContext;
  readonly analyser: AnalyserNode;
  private readonly node: AudioWorkletNode;

  private constructor(context: AudioContext, node: AudioWorkletNode, analyser: AnalyserNode, events: AudioEvents) {
    this.context = context;
    this.node = node;
    this.analyser = analyser;
    node.port.onmessage = (event: MessageEvent<FromProcessor>) => {
      const m = event.data;
      if (m.type === 'meters') events.onMeters(m);
      else if (m.type === 'error') events.onError(m.path, m.message);
      else if (m.type === 'freed') events.onFreed(m.buffers);
      else if (m.type === 'loaded') events.onLoaded(m);
    };
    node.onprocessorerror = () => events.onError(null, 'the audio engine stopped with an error');
  }

  /** Must be called from a user gesture. */
  static async create(sampleRate: number, processorUrl: string, events: AudioEvents): Promise<AudioOutput> {
    // 'interactive' (the smallest buffers) so an edit is heard soon: bench:preview measured about 40 ms
    // of output latency against 85 ms with 'playback', and the engine well inside its budget either way.
    const context = new AudioContext({ sampleRate, latencyHint: 'interactive' });
    try {
      await context.audioWorklet.addModule(processorUrl);
      const node = new AudioWorkletNode(context, PROCESSOR_NAME, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2] });
      const analyser = new AnalyserNode(context, { fftSize: 4096, smoothingTimeConstant: 0.75 });
      node.connect(analyser);
      analyser.connect(context.destination);
      return new AudioOutput(context, node, analyser, events);
    } catch (err) {
      void context.close();
      throw err;
    }
  }

  /** Seconds from the engine's output to the speakers, as the browser reports it. */
  get outputLatency(): number {
    return this.context.baseLatency + (this.context.outputLatency || 0);
  }

  get sampleRate(): number {
    return this.context.sampleRate;
  }

  private post(message: ToProcessor, transfer: Transferable[] = []): void {
    this.node.port.postMessage(message, transfer);
  }

  /** Streamed files: their shape first, then their chunks (moved, not copied), and which chunks to let go. */
  declare(headers: readonly StreamHeader[]): void {
    this.post({ type: 'stream', headers });
  }

  chunks(chunks: readonly StreamChunk[]): void {
    this.post({ type: 'chunks', chunks }, [...new Set(chunks.flatMap((k) => k.channels.map((c) => c.buffer as ArrayBuffer)))]);
  }

  drop(chunks: readonly { path: string; index: number }[]): void {
    this.post({ type: 'drop', chunks });
  }

  retain(paths: readonly string[]): void {
    this.post({ type: 'retain', paths });
  }

  /** The frozen groups to run unheard, so an edit to one is heard at once (see WarmMessage). */
  setWarm(signatures: readonly string[]): void {
    this.post({ type: 'warm', signatures });
  }

  setSession(spec: SessionSpec): void {
    this.post({ type: 'session', ...spec });
  }

  /** Starts the engine; the caller has the context running (resuming needs the user's gesture, which it has). */
  play(): void {
    this.post({ type: 'play' });
  }

  pause(): void {
    this.post({ type: 'pause' });
  }

  seek(frame: number): void {
    this.post({ type: 'seek', frame });
  }

  setLoop(span: { from: number; to: number } | null): void {
    this.post({ type: 'loop', span });
  }

  listen(reference: { name: string; path: string; gainDb: number } | null): void {
    this.post({ type: 'listen', reference });
  }

  resetMeters(): void {
    this.post({ type: 'resetMeters' });
  }

  async close(): Promise<void> {
    this.node.disconnect();
    await this.context.close();
  }
}
