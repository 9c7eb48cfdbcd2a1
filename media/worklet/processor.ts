/**
 * The DSP engine as an AudioWorkletProcessor: the same MixGraph the CLI
 * renders with, driven one render quantum (128 frames) at a time.
 *
 * Everything is built when a `load` message arrives (between render quanta):
 * the graph, its buffers, the resamplers. `process` then only runs the graph
 * and copies its float64 output into the float32 output arrays: no objects
 * are created per block, so the garbage collector has nothing to do in the
 * audio thread. Sources arrive already decoded (see sources.ts) and
 * transferred, never copied.
 */
import { MixGraph } from '../../engine/src/render/graph.js';
import { SourceError } from '../../engine/src/render/sources.js';
import { PROCESSOR_NAME, type FromProcessor, type LoadMessage, type ToProcessor } from './protocol.js';
import { DecodedProvider } from './sources.js';

/** Frames per graph call: the Web Audio render quantum. Longer quanta are rendered in pieces of this size. */
const BLOCK = 128;

interface Playing {
  readonly graph: MixGraph;
  /** The graph's output for one block: 2 channels, or 1 for `output mono`. */
  readonly block: Float64Array[];
  /** Graph position of the next block (timeline frame + latency). */
  position: number;
}

class MixdownProcessor extends AudioWorkletProcessor {
  private playing: Playing | null = null;

  constructor() {
    super();
    this.port.onmessage = (event) => this.receive(event.data as ToProcessor);
  }

  private send(message: FromProcessor): void {
    this.port.postMessage(message);
  }

  private receive(message: ToProcessor): void {
    switch (message.type) {
      case 'load':
        this.load(message);
        break;
    }
  }

  private load(m: LoadMessage): void {
    try {
      if (m.model.sampleRate !== sampleRate) {
        throw new Error(`the session runs at ${m.model.sampleRate} Hz but the audio context at ${sampleRate} Hz`);
      }
      const provider = new DecodedProvider(m.sources, m.model.sampleRate);
      const graph = new MixGraph(m.model, provider, { maxBlock: BLOCK, autoTrims: m.autoTrims });
      graph.setMasterHeadGain(m.headGainDb);
      const block = Array.from({ length: m.model.output === 'mono' ? 1 : 2 }, () => new Float64Array(BLOCK));
      // As the CLI's renderSpan: start `preroll` frames early and run through
      // the graph's latency, discarding the output, so that the first block
      // played is timeline frame `start`.
      const preroll = Math.min(m.preroll, m.start);
      let position = m.start - preroll;
      for (let skip = preroll + graph.latency; skip > 0; ) {
        const n = Math.min(BLOCK, skip);
        graph.process(position, n, block);
        position += n;
        skip -= n;
      }
      this.playing = { graph, block, position };
      this.send({ type: 'loaded', latency: graph.latency, length: graph.length });
    } catch (err) {
      this.playing = null;
      this.send({ type: 'error', path: err instanceof SourceError ? err.path : null, message: err instanceof Error ? err.message : String(err) });
    }
  }

  override process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    const playing = this.playing;
    // Before a session is loaded the output stays as Web Audio gives it: silence.
    if (!playing || !out || out.length === 0) return true;
    const { graph, block } = playing;
    const frames = out[0]!.length;
    const last = block.length - 1;
    try {
      for (let done = 0; done < frames; done += BLOCK) {
        const n = Math.min(BLOCK, frames - done);
        graph.process(playing.position, n, block);
        playing.position += n;
        // float64 → float32: each sample rounded to nearest, as a 32-bit float WAV writer does.
        for (let c = 0; c < out.length; c++) {
          const src = block[c < last ? c : last]!;
          const dst = out[c]!;
          for (let i = 0; i < n; i++) dst[done + i] = src[i]!;
        }
      }
    } catch (err) {
      this.playing = null;
      this.send({ type: 'error', path: null, message: `the render stopped: ${err instanceof Error ? err.message : String(err)}` });
    }
    return true;
  }
}

registerProcessor(PROCESSOR_NAME, MixdownProcessor);
