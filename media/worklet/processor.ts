/**
 * The DSP engine as an AudioWorkletProcessor: the Player (player.ts), which
 * drives the same MixGraph the CLI renders with, wired to the audio thread.
 *
 * Messages are handled between render quanta. Graphs are built when a
 * session arrives, never in `process`, which only runs the player: nothing
 * is created per block. The one allocation in `process` is the meter report,
 * about 30 small objects a second, which the collector takes in its stride.
 * Sources arrive decoded and transferred, never copied: whole (offline
 * renders) or streamed in chunks around the playhead (the preview), whose
 * buffers go back to the page when the playhead has left them.
 */
import { SourceError } from '../../engine/src/index.js';
import { Player } from './player.js';
import { PROCESSOR_NAME, type FromProcessor, type SessionSpec, type ToProcessor } from './protocol.js';
import { DecodedProvider } from './sources.js';

/** Meter reports per second while playing, and while stopped. */
const REPORTS_PER_SECOND = 30;
const IDLE_REPORTS_PER_SECOND = 2;

// Not every browser gives worklets a `performance` clock; Date.now's milliseconds average out over a report.
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now: () => number = clock ? () => clock.now() : () => Date.now();

class MixdownProcessor extends AudioWorkletProcessor {
  private readonly provider = new DecodedProvider([], sampleRate);
  private readonly player = new Player(sampleRate, this.provider);
  private framesSinceReport = 0;
  private busyMs = 0;
  private heard = -1;
  private heardAt = 0;

  constructor() {
    super();
    this.port.onmessage = (event) => this.receive(event.data as ToProcessor);
  }

  private send(message: FromProcessor): void {
    this.port.postMessage(message);
  }

  private fail(err: unknown): void {
    this.send({ type: 'error', path: err instanceof SourceError ? err.path : null, message: err instanceof Error ? err.message : String(err) });
  }

  private receive(m: ToProcessor): void {
    const player = this.player;
    switch (m.type) {
      case 'load':
        this.provider.add(m.sources);
        if (this.setSession(m)) player.play(true);
        break;
      case 'retain':
        this.giveBack(this.provider.retain(new Set(m.paths)));
        break;
      case 'stream':
        this.giveBack(this.provider.declare(m.headers));
        break;
      case 'chunks':
        this.giveBack(this.provider.addChunks(m.chunks));
        break;
      case 'drop':
        this.giveBack(this.provider.dropChunks(m.chunks));
        break;
      case 'session':
        this.setSession(m);
        break;
      case 'play':
        player.play();
        break;
      case 'pause':
        player.pause();
        break;
      case 'seek':
        player.seek(m.frame);
        break;
      case 'loop':
        player.setLoop(m.span);
        break;
      case 'listen':
        try {
          player.listenTo(m.reference && { name: m.reference.name, source: this.provider.open(m.reference.path), gainDb: m.reference.gainDb });
        } catch (err) {
          this.fail(err);
        }
        break;
      case 'warm':
        player.setWarm(new Set(m.signatures));
        break;
      case 'resetMeters':
        player.resetMeters();
        break;
    }
  }

  /** Chunk buffers go back to the page, which fills them again: the audio thread's heap never collects them. */
  private giveBack(buffers: ArrayBuffer[]): void {
    if (buffers.length > 0) this.port.postMessage({ type: 'freed', buffers } satisfies FromProcessor, buffers);
  }

  private setSession(m: SessionSpec): boolean {
    try {
      this.player.setSession(m);
      this.send({ type: 'loaded', generation: m.generation, latency: this.player.latency, length: this.player.length, frozenGroups: this.player.frozenGroups });
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  override process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0];
    if (!out || out.length === 0) return true;
    const frames = out[0]!.length;
    const started = now();
    try {
      this.player.render(out, frames);
    } catch (err) {
      for (const o of out) o.fill(0);
      this.send({ type: 'error', path: null, message: `the render stopped: ${err instanceof Error ? err.message : String(err)}` });
      this.player.halt();
    }
    this.busyMs += now() - started;
    this.framesSinceReport += frames;
    const perSecond = this.player.isRunning ? REPORTS_PER_SECOND : IDLE_REPORTS_PER_SECOND;
    // An edit starting to be heard is reported at once, so the page (and a test) knows when it took effect.
    const heard = this.player.heardGeneration;
    const changed = heard !== this.heard;
    if (changed) {
      this.heard = heard;
      this.heardAt = Date.now();
    }
    if (changed || this.framesSinceReport >= sampleRate / perSecond) {
      const budgetMs = (this.framesSinceReport / sampleRate) * 1000;
      this.send({
        type: 'meters', meters: this.player.snapshot(), load: this.busyMs / budgetMs, heardAt: this.heardAt,
        missingFrames: this.provider.takeMissingFrames(), heldChunks: this.provider.heldChunks(),
      });
      this.framesSinceReport = 0;
      this.busyMs = 0;
    }
    return true;
  }
}

registerProcessor(PROCESSOR_NAME, MixdownProcessor);
