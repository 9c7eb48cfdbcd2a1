/**
 * One channel strip, in the design's order (§4): sources → trim (and
 * polarity) → inserts → fader (mute, solo) → pan. Taps after the inserts
 * feed side-chain keys and pre-fader sends.
 *
 * Every stage works sample by sample with its state carried from block to
 * block, so the output does not depend on the block size: the worklet's 128
 * frames and the CLI's larger blocks give the same samples. Automation
 * (automation.ts) keeps that: its curves and parameter steps are functions
 * of the timeline frame. A strip without automation runs exactly as it
 * always did.
 */
import type { ChannelModel, ProcessorModel } from '../../../grammar/src/model.js';
import { balanceGains, monoPanGains } from '../dsp/pan.js';
import { FaderStage, fillCurve, gainOf } from './automation.js';
import { StripAutomation } from './strip-automation.js';
import type { TrackSources } from './sources.js';
import { copyState } from './state.js';
import { engineProcessor, type ProcessorInstance } from '../processors/index.js';
import type { RampedDesign } from '../processors/types.js';
import { dbToGain } from '../dsp/portable-math.js';

export interface Insert {
  readonly type: ProcessorModel['type'];
  readonly bypass: boolean;
  /** Frames of delay this insert adds (a limiter's lookahead); 0 when bypassed. */
  readonly latency: number;
  /** Channel whose post-insert tap keys this insert, or null (none, or bypassed). */
  readonly keyChannel: string | null;
  /** Whether meters show this insert's gain reduction. */
  readonly reportsGainReduction: boolean;
  process(buffers: Float64Array[], frames: number, key: readonly Float64Array[] | null, offset?: number): void;
  /** New values of its automatable parameters, state kept (see ProcessorInstance.retune). */
  retune(model: ProcessorModel): void;
  /** Its coefficients as a vector, when its processor has them (see ProcessorInstance.design). */
  readonly design: RampedDesign | undefined;
  /** Forgets the running state (as new, same settings). */
  reset(): void;
  readonly gainReductionDb: number;
  /**
   * What must match for another insert's state to carry over to this one:
   * the type, bypass, channels, and the shape of the state (filter sections,
   * look-ahead length, detector).
   */
  readonly structure: string;
  /** Takes over `other`'s running state, keeping this insert's settings; false (and nothing changed) when the structures differ. */
  adopt(other: Insert): boolean;
}

/** The running processor behind each insert, reachable only from inserts (for `adopt`). */
const instanceOf = new WeakMap<Insert, ProcessorInstance>();

/** An insert of a channel strip: the registered processor for the model's type, prepared for the strip. */
export function createInsert(p: ProcessorModel, channels: number, sampleRate: number): Insert {
  const declared = engineProcessor(p);
  const dsp = declared.create(p, { channels, sampleRate });
  const insert: Insert = {
    type: p.type,
    bypass: p.bypass,
    latency: p.bypass ? 0 : dsp.latency,
    keyChannel: declared.keyChannelOf(p),
    reportsGainReduction: declared.reportsGainReduction,
    get gainReductionDb() { return dsp.gainReductionDb; },
    process: (b, n, key, offset) => dsp.process(b, n, key, offset),
    retune: (m) => dsp.retune(m),
    design: dsp.design,
    reset: () => dsp.reset(),
    structure: dsp.structure,
    adopt(other: Insert): boolean {
      const from = instanceOf.get(other);
      if (other.structure !== dsp.structure || !from) return false;
      let whole = true;
      try {
        copyState(dsp.state, from.state);
      } catch {
        // Shapes the structure key did not tell apart: the graph then settles unheard before it is heard.
        whole = false;
      }
      dsp.reapply();
      return whole;
    },
  };
  instanceOf.set(insert, dsp);
  return insert;
}

export interface StripOptions {
  /** Keep a copy of the post-insert signal (side-chain keys, pre-fader sends). */
  readonly needsTap: boolean;
  /** Linear trim gain (a fixed trim, or the measured `trim auto` gain). */
  readonly trimGain: number;
  /** Silenced by another channel's solo. */
  readonly silenced: boolean;
  /** `output mono`: pan is ignored. */
  readonly ignorePan: boolean;
  /**
   * Buffers for `out` and `tap` supplied from outside: shared memory when the
   * strip runs in a worker thread and the graph reads its output directly.
   */
  readonly outputBuffers?: { readonly out: Float64Array[]; readonly tap: Float64Array[] | null };
}

export class Strip {
  readonly name: string;
  readonly kind: ChannelModel['kind'];
  /** Channels from the sources to the pan: 1 for a track of mono files, else 2. */
  readonly channels: 1 | 2;
  /** Input: a track's summed sources, or what is routed and sent to a bus. */
  readonly input: Float64Array[];
  /** Post-fader, post-pan, always stereo. */
  readonly out: Float64Array[];
  /** A copy of the signal after the inserts, for side-chain keys and pre-fader sends. */
  readonly tap: Float64Array[] | null;
  readonly inserts: Insert[];
  /** Total latency of the inserts, frames. */
  readonly latency: number;
  private readonly latencies: number[];
  /** Frames the strip's input lags the timeline (latency compensation). */
  inputLag = 0;
  /** Linear gains: trim with polarity, fader. */
  private trimGain: number;
  private faderGain: number;
  private panL: number;
  private panR: number;
  private readonly stereoPan: boolean;
  /** Keys for keyed inserts, by insert index (filled by the graph each block). */
  readonly keys: (readonly Float64Array[] | null)[];
  /** Peak of the last block after the fader, per side (for meters). */
  peakL = 0;
  peakR = 0;
  /** The channel's automation lanes, or null: then the strip runs as it always did. */
  readonly automation: StripAutomation | null;
  /** An automated trim's gain per sample. */
  private readonly trimCurve: Float64Array;
  /** The fader, mute and pan lanes read together, or null when none of them moves. */
  private readonly fader: FaderStage | null;
  private readonly polarity: number;

  constructor(
    readonly model: ChannelModel,
    readonly sources: TrackSources | null,
    sampleRate: number,
    maxBlock: number,
    options: StripOptions,
  ) {
    this.name = model.name;
    this.kind = model.kind;
    this.channels = model.kind === 'track' ? (sources?.channels ?? 1) : 2;
    const buffers = (n: number) => Array.from({ length: n }, () => new Float64Array(maxBlock));
    this.input = buffers(2);
    this.out = options.outputBuffers?.out ?? buffers(2);
    this.tap = options.needsTap ? options.outputBuffers?.tap ?? buffers(2) : null;
    this.inserts = model.inserts.map((p) => createInsert(p, this.channels, sampleRate));
    this.keys = this.inserts.map(() => null);
    // Running sums of the inserts' latencies; the last is the strip's total.
    this.latencies = [0];
    for (const i of this.inserts) this.latencies.push(this.latencies.at(-1)! + i.latency);
    this.latency = this.latencies.at(-1)!;
    this.trimGain = options.trimGain * (model.polarityInvert ? -1 : 1);
    this.polarity = model.polarityInvert ? -1 : 1;
    this.automation = options.silenced ? null : StripAutomation.of(model, options.ignorePan, this.channels === 2, sampleRate);
    this.trimCurve = new Float64Array(this.automation?.trim ? maxBlock : 0);
    // A mute lane decides when the channel is heard; the written `mute` holds only before its first point.
    this.silent = options.silenced || (model.mute && !this.automation?.mute);
    this.faderGain = this.silent ? 0 : dbToGain(model.gainDb);
    const pan = options.ignorePan ? 0 : model.pan;
    this.stereoPan = this.channels === 2;
    const g = this.stereoPan ? balanceGains(pan) : monoPanGains(pan);
    this.panL = g.left;
    this.panR = g.right;
    const a = this.automation;
    this.fader = a && (a.gain || a.mute || a.pan) ? new FaderStage(a.gain, a.mute, a.pan, this.faderGain, this.panL, this.panR, a.panLeft, a.panRight) : null;
  }

  /**
   * Takes over the running state of `old` (the same channel in the graph
   * playing before an edit): each insert whose structure matches the one at
   * its position. True when every insert carried over.
   */
  adopt(old: Strip): boolean {
    if (old.channels !== this.channels) return false;
    let all = old.inserts.length === this.inserts.length;
    const n = Math.min(old.inserts.length, this.inserts.length);
    for (let k = 0; k < n; k++) if (!this.inserts[k]!.adopt(old.inserts[k]!)) all = false;
    // Adopting re-applied the written settings: automated inserts are retuned at the next cell.
    this.automation?.forget();
    return all;
  }

  /** Forgets the inserts' running state (a strip that starts to run again after a pause). */
  reset(): void {
    for (const insert of this.inserts) insert.reset();
  }

  /** Latency of the inserts before insert `index`. */
  latencyBefore(index: number): number {
    return this.latencies[index]!;
  }

  /** Muted, or silenced by another channel's solo: its output and every send are silent. */
  readonly silent: boolean;

  /**
   * Processes frames [t0, t0+n) of the timeline. For a track the sources are
   * read here; for a bus the input has been filled by the graph.
   */
  process(t0: number, n: number): void {
    const a = this.automation;
    const ch = this.channels;
    const x = this.input;
    const t = t0 - this.inputLag;
    if (this.sources) {
      for (let c = 0; c < ch; c++) x[c]!.fill(0, 0, n);
      this.sources.render(t, n, x);
    }
    if (a?.trim) {
      const sign = this.polarity;
      const g = this.trimCurve;
      fillCurve(a.trim, t, n, g, 0, gainOf);
      for (let c = 0; c < ch; c++) { const b = x[c]!; for (let i = 0; i < n; i++) b[i]! *= g[i]! * sign; }
    } else {
      const trim = this.trimGain;
      if (trim !== 1) for (let c = 0; c < ch; c++) { const b = x[c]!; for (let i = 0; i < n; i++) b[i]! *= trim; }
    }
    for (let k = 0; k < this.inserts.length; k++) {
      const insert = this.inserts[k]!;
      if (insert.bypass) continue;
      const key = this.keys[k] ?? null;
      // An automated insert is retuned cell by cell, reading its lanes at the frame its signal holds.
      if (a?.moves(k)) a.processInsert(k, insert, x, n, key, t - this.latencies[k]!);
      else insert.process(x, n, key);
    }
    if (this.tap) {
      for (let c = 0; c < ch; c++) {
        const src = x[c]!;
        const dst = this.tap[c]!;
        for (let i = 0; i < n; i++) dst[i] = src[i]!;
      }
    }
    this.faderAndPan(x, n, t - this.latency);
  }

  /**
   * Fader, mute and pan into the stereo output, and the output's peaks. With
   * automation of any of them, cell by cell (FaderStage): the gains at the
   * cell's start and a step per frame. `tf` is the timeline frame of x[…][0].
   */
  private faderAndPan(x: Float64Array[], n: number, tf: number): void {
    const L = this.out[0]!;
    const R = this.out[1]!;
    const inL = x[0]!;
    const inR = this.stereoPan ? x[1]! : x[0]!;
    const stage = this.fader;
    let pl = 0;
    let pr = 0;
    let i = 0;
    while (i < n) {
      let gl = this.faderGain * this.panL;
      let gr = this.faderGain * this.panR;
      let sl = 0;
      let sr = 0;
      let from = 0;
      let end = n;
      if (stage) {
        stage.cell(tf + i);
        gl = stage.left;
        gr = stage.right;
        sl = stage.slopeLeft;
        sr = stage.slopeRight;
        from = stage.start - tf;
        end = Math.min(n, stage.end - tf);
      }
      if (sl === 0 && sr === 0) {
        for (; i < end; i++) {
          const l = inL[i]! * gl;
          const r = inR[i]! * gr;
          L[i] = l;
          R[i] = r;
          if (l > pl) pl = l; else if (-l > pl) pl = -l;
          if (r > pr) pr = r; else if (-r > pr) pr = -r;
        }
      } else {
        // Gains on a straight line from the cell's start: exact at its nodes whatever the block.
        for (; i < end; i++) {
          const l = inL[i]! * (gl + sl * (i - from));
          const r = inR[i]! * (gr + sr * (i - from));
          L[i] = l;
          R[i] = r;
          if (l > pl) pl = l; else if (-l > pl) pl = -l;
          if (r > pr) pr = r; else if (-r > pr) pr = -r;
        }
      }
    }
    this.peakL = pl;
    this.peakR = pr;
  }
}
