/**
 * The preview's player: the engine's MixGraph driven for live listening,
 * with a transport, live edits, A/B against a reference, and meters. It uses
 * no AudioWorklet API, so tests drive it in Node exactly as the audio thread
 * does; processor.ts is the wiring.
 *
 * Live edits. A new model builds a new graph beside the playing one (the
 * graph is rebuilt whole, which makes structural edits, new tracks and new
 * routing, no different from a fader move), and the new graph takes over the
 * playing one's running state where they match (MixGraph.adoptState:
 * channels by name, processors by position): filter memories, compressor
 * envelopes, look-ahead and delay lines continue. When all of it carried
 * over, the new graph is heard at once; when something starts afresh (a
 * processor added, the latency changed) it first runs unheard for its
 * latency plus WARM frames, so its delay lines fill and its filters settle
 * on the music. Then the output crossfades linearly from the old graph to
 * the new one over FADE frames. The two graphs play the same material in
 * the same time, so a linear fade keeps the level, and a parameter change
 * is heard as a 20 ms glide instead of a step: no click, no restart. Edits
 * that arrive during a fade wait for it to end (a few ms); edits during a
 * warm-up replace the warming graph.
 *
 * Transport changes (play, pause, seek, the loop's wrap, the end) ramp the
 * output down and up over RAMP frames for the same reason. Nothing is
 * allocated per block: graphs are built when a session arrives, between
 * blocks, and only `snapshot` (the meter report, ~30 a second) makes objects.
 */
import { LoudnessMeter, MixGraph, type AudioSource, type GraphOptions } from '../../engine/src/index.js';
import type { DecodedProvider } from './sources.js';
import type { SessionSpec } from './protocol.js';

/** Frames per graph call: the Web Audio render quantum. */
export const BLOCK = 128;
/** Frames a new graph runs unheard before it is faded in, beyond its latency. */
export const WARM = 2048;
/** Frames of the crossfade from the old graph to the new one (about 21 ms at 48 kHz). */
export const FADE = 1024;
/** Frames of the fade out and in around a transport jump. */
export const RAMP = 256;
/** Frames of the crossfade between the mix and a reference (A/B). */
export const AB_FADE = 480;

/**
 * The options the preview builds a session's graph with: `trim auto` gains,
 * groups played from the stems the spec names (matched by signature, with
 * the spec's file versions), and all-silent groups left out. The page works
 * out which groups are frozen with the same options (freeze-plan.ts), so both
 * sides freeze the same groups.
 */
export function previewGraphOptions(spec: Pick<SessionSpec, 'autoTrims' | 'frozen' | 'fileVersions'>, openStem: (path: string) => AudioSource): GraphOptions {
  const stems = new Map((spec.frozen ?? []).map((f) => [f.signature, f.path]));
  const versions = spec.fileVersions ?? {};
  return {
    autoTrims: spec.autoTrims,
    frozen: (g) => {
      const path = stems.get(g.signature);
      return path === undefined ? null : openStem(path);
    },
    fileVersion: (path) => versions[path] ?? '',
    skipSilentGroups: true,
  };
}

/** What the meters saw since the last snapshot. */
export interface MeterSnapshot {
  /** Timeline frame of the next sample to play. */
  readonly position: number;
  readonly running: boolean;
  /** Playback reached the end of the session and stopped there since the last snapshot. */
  readonly ended: boolean;
  /** Generation of the session playing; the strips below are its channels in model order. */
  readonly generation: number;
  /** Generation of the newest session heard: one being crossfaded in counts (it is heard from the fade's start). */
  readonly heard: number;
  /** Per strip: the largest |sample| after the fader, left then right. */
  readonly peaks: Float32Array;
  /** Per strip: the most gain reduction of its compressors and limiters, dB (≥ 0). */
  readonly gainReduction: Float32Array;
  readonly momentaryLufs: number;
  readonly shortTermLufs: number;
  readonly integratedLufs: number;
  readonly truePeakDbtp: number;
  /** Largest |sample| of what was heard, per output side. */
  readonly outputPeakL: number;
  readonly outputPeakR: number;
  /** Which side is heard: the mix, or a reference by name. */
  readonly listening: string | null;
}

interface Voice {
  readonly graph: MixGraph;
  readonly generation: number;
  readonly block: Float64Array[];
  readonly frozenGroups: number;
}

interface Incoming {
  readonly voice: Voice;
  /** Frames left to run unheard. */
  warm: number;
  /** Frames of the crossfade done. */
  faded: number;
}

interface Reference {
  readonly name: string;
  readonly source: AudioSource;
  readonly gain: number;
}

export class Player {
  private current: Voice | null = null;
  private incoming: Incoming | null = null;
  /** A session that arrived during a crossfade, built and waiting for it to end. */
  private queued: Voice | null = null;
  /** Signatures of the frozen groups whose tracks run unheard, in every graph (see setWarm). */
  private warm: ReadonlySet<string> = new Set();

  /** Timeline frame of the next output sample. */
  private timeline = 0;
  /** The timeline advances (playing, or ramping down to a pause). */
  private running = false;
  /** Transport gain and where it is going (0 or 1). */
  private gain = 0;
  private gainTarget = 0;
  private pendingSeek: number | null = null;
  private pendingStop = false;
  private endedFlag = false;
  private loop: { from: number; to: number } | null = null;

  private reference: Reference | null = null;
  /** 0: the mix is heard; 1: the reference. */
  private ab = 0;
  private abTarget = 0;

  /** The block being made: two sides, or the first only for a mono session. */
  private readonly mixed: Float64Array[];
  private readonly refBlock: Float64Array[];
  /** Loudness of what is heard; a mono session is measured as one channel, as `mixdown meter` measures its file. */
  private readonly stereoMeter: LoudnessMeter;
  private readonly monoMeter: LoudnessMeter;
  private meter: LoudnessMeter;
  private peaks = new Float32Array(0);
  private gainReduction = new Float32Array(0);
  private outputPeakL = 0;
  private outputPeakR = 0;

  constructor(readonly sampleRate: number, private readonly provider: DecodedProvider) {
    this.mixed = [new Float64Array(BLOCK), new Float64Array(BLOCK)];
    this.refBlock = [new Float64Array(BLOCK), new Float64Array(BLOCK)];
    this.stereoMeter = new LoudnessMeter(sampleRate, 2);
    this.monoMeter = new LoudnessMeter(sampleRate, 1);
    this.meter = this.stereoMeter;
  }

  get position(): number {
    return this.timeline;
  }

  /** Frames of timeline the playing session lasts (0 before one is loaded). */
  get length(): number {
    return this.current?.graph.length ?? 0;
  }

  /** Summing groups the newest session plays from frozen stems. */
  get frozenGroups(): number {
    const voice = this.queued ?? this.incoming?.voice ?? this.current;
    return voice?.frozenGroups ?? 0;
  }

  get latency(): number {
    return this.current?.graph.latency ?? 0;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Generation of the newest session heard: one being crossfaded in counts from the fade's start. */
  get heardGeneration(): number {
    return this.incoming && this.incoming.warm === 0 ? this.incoming.voice.generation : this.current?.generation ?? -1;
  }

  /**
   * Plays `spec` from now on. Throws (a SourceError for a file) when the
   * graph cannot be built; the session playing then goes on.
   */
  setSession(spec: SessionSpec): void {
    if (spec.model.sampleRate !== this.sampleRate) {
      throw new Error(`the session runs at ${spec.model.sampleRate} Hz but the audio output at ${this.sampleRate} Hz`);
    }
    // Built here, between render quanta (never inside a render call).
    const voice = this.build(spec);
    if (!this.current || !this.running) {
      // Stopped: nothing is heard, so the new graph simply takes over (and any edit in flight is dropped).
      this.prime(voice);
      this.install(voice);
      this.queued = null;
      return;
    }
    if (this.incoming && this.incoming.warm === 0) {
      // Mid-crossfade: this edit waits for it to end; it takes over the state then.
      this.queued = voice;
      return;
    }
    // Where the new graph takes over all of the playing one's state, it is heard at once;
    // otherwise it settles unheard first.
    this.startCrossfade(voice);
    this.queued = null;
  }

  /**
   * The frozen groups (by signature) whose tracks run unheard beside their
   * stems, in the graph playing and in every one built after: an edit that
   * makes one of them live then takes over their running state and is heard
   * at once, instead of settling unheard first. Nothing heard changes.
   */
  setWarm(signatures: ReadonlySet<string>): void {
    this.warm = signatures;
    for (const voice of [this.current, this.incoming?.voice, this.queued]) voice?.graph.setWarm(signatures);
  }

  /** Brings `voice` in beside the playing graph, taking over its state. */
  private startCrossfade(voice: Voice): void {
    const adopted = voice.graph.adoptState(this.current!.graph);
    this.incoming = { voice, warm: adopted ? 0 : voice.graph.latency + WARM, faded: 0 };
  }

  /** Starts playing; `immediately` skips the fade in (an offline render that must match the CLI from its first sample). */
  play(immediately = false): void {
    if (!this.current) return;
    if (this.timeline >= this.current.graph.length) this.timeline = this.loop?.from ?? 0;
    this.running = true;
    this.pendingStop = false;
    this.gainTarget = 1;
    if (immediately) this.gain = 1;
  }

  pause(): void {
    if (!this.running) return;
    this.pendingStop = true;
    this.gainTarget = 0;
  }

  /** Stops at once, without a fade (after an error in the render). */
  halt(): void {
    this.running = false;
    this.gain = 0;
    this.gainTarget = 0;
    this.pendingSeek = null;
    this.pendingStop = false;
    this.incoming = null;
    this.queued = null;
  }

  /** Moves to timeline frame `frame`: at once when stopped, after a short fade when playing. */
  seek(frame: number): void {
    const f = Math.max(0, Math.floor(frame));
    if (!this.running) {
      this.jumpTo(f);
      return;
    }
    this.pendingSeek = f;
    this.gainTarget = 0;
  }

  /** Loops [from, to) (timeline frames), or stops looping. */
  setLoop(span: { from: number; to: number } | null): void {
    this.loop = span && span.to - span.from >= 2 * RAMP ? { from: Math.floor(span.from), to: Math.floor(span.to) } : null;
    // A loop set away from the playhead starts at its beginning.
    if (this.loop && (this.timeline < this.loop.from || this.timeline >= this.loop.to)) this.seek(this.loop.from);
  }

  /** A/B: hear `source` (a reference, at `gainDb`) instead of the mix, or the mix again (null). */
  listenTo(reference: { name: string; source: AudioSource; gainDb: number } | null): void {
    if (reference) {
      this.reference = { name: reference.name, source: reference.source, gain: Math.pow(10, reference.gainDb / 20) };
      this.abTarget = 1;
    } else {
      this.abTarget = 0;
    }
  }

  resetMeters(): void {
    this.stereoMeter.reset();
    this.monoMeter.reset();
  }

  /** Fills `out` (one array per output channel, all `frames` long) with the next frames. */
  render(out: Float32Array[], frames: number): void {
    for (let done = 0; done < frames; ) {
      const n = this.renderBlock(out, done, Math.min(BLOCK, frames - done));
      done += n;
    }
  }

  /** What the meters saw since the last call; then they start again. */
  snapshot(): MeterSnapshot {
    const m = this.meter;
    const report = m.report();
    const snap: MeterSnapshot = {
      position: this.timeline,
      running: this.running,
      ended: this.endedFlag,
      generation: this.current?.generation ?? -1,
      heard: this.heardGeneration,
      peaks: this.peaks.slice(),
      gainReduction: this.gainReduction.slice(),
      momentaryLufs: m.momentaryLufs(),
      shortTermLufs: m.shortTermLufs(),
      integratedLufs: report.integratedLufs,
      truePeakDbtp: report.truePeakDbtp,
      outputPeakL: this.outputPeakL,
      outputPeakR: this.outputPeakR,
      listening: this.abTarget === 1 && this.reference ? this.reference.name : null,
    };
    this.peaks.fill(0);
    this.gainReduction.fill(0);
    this.outputPeakL = 0;
    this.outputPeakR = 0;
    this.endedFlag = false;
    return snap;
  }

  private build(spec: SessionSpec): Voice {
    const graph = new MixGraph(spec.model, this.provider, { maxBlock: BLOCK, ...previewGraphOptions(spec, (path) => this.provider.open(path)) });
    graph.setMasterHeadGain(spec.headGainDb);
    graph.setWarm(this.warm);
    const block = Array.from({ length: spec.model.output === 'mono' ? 1 : 2 }, () => new Float64Array(BLOCK));
    const stems = new Set((spec.frozen ?? []).map((f) => f.signature));
    return { graph, generation: spec.generation, block, frozenGroups: graph.groups.filter((g) => stems.has(g.signature)).length };
  }

  /** Moves the playhead; the graphs' delay lines are refilled from there, so nothing of the old position is heard. */
  private jumpTo(frame: number): void {
    this.timeline = frame;
    this.resetMeters();
    if (this.current) this.prime(this.current);
    if (this.incoming) this.prime(this.incoming.voice);
  }

  /**
   * Runs a stopped graph through its latency at the playhead, output
   * discarded, as the CLI's render does before its first frame: its delay
   * lines then hold the audio just before the playhead, and an offline
   * render from frame 0 matches the CLI's sample for sample.
   */
  private prime(voice: Voice): void {
    const g = voice.graph;
    for (let done = 0; done < g.latency; ) {
      const n = Math.min(BLOCK, g.latency - done);
      g.process(this.timeline + done, n, voice.block);
      done += n;
    }
  }

  private install(voice: Voice): void {
    this.current = voice;
    this.incoming = null;
    this.meter = voice.block.length === 1 ? this.monoMeter : this.stereoMeter;
    const strips = voice.graph.strips.length;
    if (this.peaks.length !== 2 * strips) {
      this.peaks = new Float32Array(2 * strips);
      this.gainReduction = new Float32Array(strips);
    }
  }

  /** Renders up to `max` frames into out[·][offset…]; returns how many (fewer at a loop or session end). */
  private renderBlock(out: Float32Array[], offset: number, max: number): number {
    const voice = this.current;
    if (!voice || !this.running) {
      for (const o of out) o.fill(0, offset, offset + max);
      return max;
    }
    let n = max;
    this.scheduleJumps();
    // Stop a block exactly where a ramp must begin, so ramps end on the loop or session end.
    const boundary = this.nextBoundary(voice);
    if (boundary > this.timeline) n = Math.min(n, boundary - this.timeline);

    const mixed = this.mixed;
    voice.graph.process(this.timeline + voice.graph.latency, n, voice.block);
    copyInto(voice.block, mixed, n);
    this.meterStrips(voice);
    const inc = this.incoming;
    if (inc) {
      const g = inc.voice.graph;
      g.process(this.timeline + g.latency, n, inc.voice.block);
      if (inc.warm > 0) {
        inc.warm = Math.max(0, inc.warm - n);
      } else {
        crossfade(mixed, inc.voice.block, n, inc.faded, FADE);
        inc.faded += n;
        if (inc.faded >= FADE) {
          this.install(inc.voice);
          const queued = this.queued;
          this.queued = null;
          if (queued) this.startCrossfade(queued);
        }
      }
    }
    this.mixReference(n);
    this.applyTransportGain(n);
    this.meter.process(mixed, n);
    this.writeOutput(out, offset, n);
    this.timeline += n;
    this.afterBlock();
    return n;
  }

  /** Starts the fade out before the loop's end or the session's end. */
  private scheduleJumps(): void {
    if (this.pendingSeek !== null || this.pendingStop) return;
    const voice = this.current!;
    if (this.loop && this.timeline >= this.loop.to - RAMP) {
      this.pendingSeek = this.loop.from;
      this.gainTarget = 0;
    } else if (!this.loop && this.timeline >= voice.graph.length) {
      // The session's end: fade out past it (the mix itself is heard whole), stop, and rewind.
      this.pendingStop = true;
      this.pendingSeek = 0;
      this.endedFlag = true;
      this.gainTarget = 0;
    }
  }

  private nextBoundary(voice: Voice): number {
    if (!this.loop) return voice.graph.length;
    const rampStart = this.loop.to - RAMP;
    return this.timeline < rampStart ? rampStart : this.loop.to;
  }

  /** Once the output is silent: jump, stop, or ramp back up. */
  private afterBlock(): void {
    if (this.gain !== 0 || this.gainTarget !== 0) return;
    if (this.pendingSeek !== null) {
      this.jumpTo(this.pendingSeek);
      this.pendingSeek = null;
    }
    if (this.pendingStop) {
      this.pendingStop = false;
      this.running = false;
    } else {
      this.gainTarget = 1;
    }
  }

  private mixReference(n: number): void {
    if (this.ab === 0 && this.abTarget === 0) return;
    const ref = this.reference;
    if (!ref) return;
    const r = this.refBlock;
    r[0]!.fill(0, 0, n);
    r[1]!.fill(0, 0, n);
    ref.source.read(this.timeline, n, r, 0);
    const stereo = ref.source.channels === 2;
    const step = 1 / AB_FADE;
    const mixed = this.mixed;
    const outs = this.current!.block.length;
    let ab = this.ab;
    const target = this.abTarget;
    for (let i = 0; i < n; i++) {
      ab = target > ab ? Math.min(target, ab + step) : Math.max(target, ab - step);
      const l = r[0]![i]! * ref.gain;
      const rr = (stereo ? r[1]![i]! : r[0]![i]!) * ref.gain;
      if (outs === 1) {
        const m = mixed[0]!;
        m[i] = m[i]! * (1 - ab) + ((l + rr) / 2) * ab;
      } else {
        mixed[0]![i] = mixed[0]![i]! * (1 - ab) + l * ab;
        mixed[1]![i] = mixed[1]![i]! * (1 - ab) + rr * ab;
      }
    }
    this.ab = ab;
  }

  private applyTransportGain(n: number): void {
    let g = this.gain;
    const target = this.gainTarget;
    if (g === 1 && target === 1) return;
    const step = 1 / RAMP;
    const L = this.mixed[0]!;
    const R = this.mixed[1]!;
    for (let i = 0; i < n; i++) {
      g = target > g ? Math.min(target, g + step) : Math.max(target, g - step);
      L[i]! *= g;
      R[i]! *= g;
    }
    this.gain = g;
  }

  private meterStrips(voice: Voice): void {
    const strips = voice.graph.strips;
    const peaks = this.peaks;
    const gr = this.gainReduction;
    for (let s = 0; s < strips.length; s++) {
      const strip = strips[s]!;
      if (strip.peakL > peaks[2 * s]!) peaks[2 * s] = strip.peakL;
      if (strip.peakR > peaks[2 * s + 1]!) peaks[2 * s + 1] = strip.peakR;
      const inserts = strip.inserts;
      for (let k = 0; k < inserts.length; k++) {
        const insert = inserts[k]!;
        if (!insert.reportsGainReduction || insert.bypass) continue;
        const db = insert.gainReductionDb;
        if (db > gr[s]!) gr[s] = db;
      }
    }
  }

  private writeOutput(out: Float32Array[], offset: number, n: number): void {
    const mixed = this.mixed;
    // A mono session plays on both sides.
    const last = this.current!.block.length - 1;
    let pl = this.outputPeakL;
    let pr = this.outputPeakR;
    for (let c = 0; c < out.length; c++) {
      const src = mixed[c < last ? c : last]!;
      const dst = out[c]!;
      let p = 0;
      for (let i = 0; i < n; i++) {
        const v = src[i]!;
        dst[offset + i] = v;
        if (v > p) p = v; else if (-v > p) p = -v;
      }
      if (c === 0 && p > pl) pl = p;
      if ((c === 1 || out.length === 1) && p > pr) pr = p;
    }
    this.outputPeakL = pl;
    this.outputPeakR = pr;
  }
}

/** Copies a graph's output (1 or 2 channels) into the two-sided block; a mono output fills both sides. */
function copyInto(from: readonly Float64Array[], to: Float64Array[], n: number): void {
  for (let c = 0; c < to.length; c++) {
    const src = from[Math.min(c, from.length - 1)]!;
    const dst = to[c]!;
    for (let i = 0; i < n; i++) dst[i] = src[i]!;
  }
}

/** to = to·(1-t) + from·t, t rising linearly from done/length over the block. */
function crossfade(to: Float64Array[], from: readonly Float64Array[], n: number, done: number, length: number): void {
  for (let c = 0; c < to.length; c++) {
    const a = to[c]!;
    const b = from[Math.min(c, from.length - 1)]!;
    for (let i = 0; i < n; i++) {
      const t = Math.min(1, (done + i + 1) / length);
      a[i] = a[i]! + (b[i]! - a[i]!) * t;
    }
  }
}
