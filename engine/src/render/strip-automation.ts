/**
 * The automation lanes of one channel strip, compiled (automation.ts): the
 * trim, fader, pan and mute curves, the sends' curves for the graph, and
 * the lanes that retune each insert cell by cell.
 */
import type { AutomationModel, ChannelModel, ProcessorModel } from '../../../grammar/src/model.js';
import { pcos, psin } from '../dsp/portable-math.js';
import type { RampedDesign } from '../processors/types.js';
import type { Insert } from './strip.js';
import { CELL, DESIGN_CELL, Lane, muteFactorLane } from './automation.js';

/** A lane that moves one field of an insert (or of one of its bands). */
interface ParamLane {
  readonly lane: Lane;
  readonly band: number | null;
  readonly field: string;
}

/** The parts of an insert automation needs: its retune, its design vector if it has one, and its processing of a span of the block. */
type RetunableInsert = Pick<Insert, 'process' | 'retune' | 'design'>;

/** A ramp between two exact designs of an insert (see DESIGN_CELL): the design cell and both ends. */
interface Ramp {
  from: Float64Array;
  to: Float64Array;
  d0: number;
  d1: number;
  /** The lanes' segments the ramp was designed in (a point at d1 may start a segment with a jump). */
  readonly segments: Int32Array;
}

/** Pan laws of pan.ts, one side at a time (a curve maps one value to one factor). */
const monoLeft = (p: number) => pcos(((p + 1) * Math.PI) / 4);
const monoRight = (p: number) => psin(((p + 1) * Math.PI) / 4);
const balanceLeft = (p: number) => (p > 0 ? 1 - p : 1);
const balanceRight = (p: number) => (p < 0 ? 1 + p : 1);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * What a lane's target is set to in the file, which holds before its first
 * point: the fader, the pan, a fixed trim, the send's level, 1 (muted) or 0
 * for `mute`, or the processor's or band's written parameter.
 */
export function writtenValue(model: ChannelModel, lane: AutomationModel): number {
  const t = lane.target;
  switch (t.kind) {
    case 'gain': return model.gainDb;
    case 'pan': return model.pan;
    case 'trim': return model.trim.mode === 'fixed' ? model.trim.gainDb : 0;
    case 'mute': return model.mute ? 1 : 0;
    case 'send': return model.sends.find((s) => s.bus === t.bus)?.gainDb ?? -Infinity;
    case 'param': {
      const p = model.inserts[t.insert]!;
      const owner = t.band === null ? p : (p as Extract<ProcessorModel, { type: 'eq' }>).bands[t.band]!;
      return (owner as unknown as Record<string, number>)[t.field]!;
    }
  }
}

export class StripAutomation {
  readonly trim: Lane | null;
  readonly gain: Lane | null;
  readonly pan: Lane | null;
  /** The factor a mute lane applies (1 playing, 0 muted): at the fader and on pre-fader sends. */
  readonly mute: Lane | null;
  readonly panLeft: (p: number) => number;
  readonly panRight: (p: number) => number;
  private readonly sends = new Map<string, Lane>();
  /** Per insert: its lanes, the model it is retuned with, and the values it was last given. */
  private readonly params: ({ lanes: ParamLane[]; live: Mutable<ProcessorModel>; applied: Float64Array; ramp: Ramp | null } | null)[];

  /** The compiled lanes of a channel, or null when it has none. */
  static of(model: ChannelModel, ignorePan: boolean, stereo: boolean, sampleRate: number): StripAutomation | null {
    const lanes = model.automation ?? [];
    return lanes.length === 0 ? null : new StripAutomation(model, lanes, ignorePan, stereo, sampleRate);
  }

  private constructor(model: ChannelModel, lanes: readonly AutomationModel[], ignorePan: boolean, stereo: boolean, sampleRate: number) {
    const find = (kind: string) => lanes.find((l) => l.target.kind === kind);
    const trim = find('trim');
    const gain = find('gain');
    const pan = find('pan');
    const mute = find('mute');
    this.trim = trim && model.trim.mode === 'fixed' ? new Lane(trim, writtenValue(model, trim), sampleRate) : null;
    this.gain = gain ? new Lane(gain, writtenValue(model, gain), sampleRate) : null;
    this.pan = pan && !ignorePan ? new Lane(pan, writtenValue(model, pan), sampleRate) : null;
    this.mute = mute ? muteFactorLane(mute, model.mute, sampleRate) : null;
    this.panLeft = stereo ? balanceLeft : monoLeft;
    this.panRight = stereo ? balanceRight : monoRight;
    for (const l of lanes) {
      if (l.target.kind !== 'send') continue;
      const bus = l.target.bus;
      if (model.sends.some((s) => s.bus === bus)) this.sends.set(bus, new Lane(l, writtenValue(model, l), sampleRate));
    }
    this.params = model.inserts.map((p, k) => {
      const mine = lanes.filter((l) => l.target.kind === 'param' && l.target.insert === k);
      if (mine.length === 0) return null;
      const paramLanes = mine.map((l) => {
        const t = l.target as Extract<AutomationModel['target'], { kind: 'param' }>;
        return { lane: new Lane(l, writtenValue(model, l), sampleRate), band: t.band, field: t.field };
      });
      const live = (p.type === 'eq' ? { ...p, bands: p.bands.map((b) => ({ ...b })) } : { ...p }) as Mutable<ProcessorModel>;
      return { lanes: paramLanes, live, applied: new Float64Array(paramLanes.length).fill(NaN), ramp: null };
    });
  }

  /** The lane of the send to `bus`, if it is automated. */
  sendLane(bus: string): Lane | null {
    return this.sends.get(bus) ?? null;
  }

  /** Whether insert k has lanes. */
  moves(k: number): boolean {
    return this.params[k] != null;
  }

  /** After a carry-over re-applied the written settings: the next cell retunes again. */
  forget(): void {
    for (const p of this.params) {
      p?.applied.fill(NaN);
      if (p?.ramp) p.ramp.d0 = p.ramp.d1 = NaN;
    }
  }

  /**
   * Processes `n` frames of insert k cell by cell: at each node its lanes'
   * values are read (held over the cell, automation.ts) and, where one
   * changed, the insert is retuned before the cell. `t` is the timeline
   * frame of buffers[…][0] at this insert.
   */
  processInsert(k: number, insert: RetunableInsert, buffers: Float64Array[], n: number, key: readonly Float64Array[] | null, t: number): void {
    const p = this.params[k]!;
    if (insert.design) {
      this.processRamped(p, insert.design, buffers, n, t);
      return;
    }
    let i = 0;
    while (i < n) {
      const frame = t + i;
      let end = n;
      let changed = false;
      for (let j = 0; j < p.lanes.length; j++) {
        const { lane, band, field } = p.lanes[j]!;
        const seg = lane.segmentAt(frame);
        let v: number;
        let until: number;
        if (lane.constant(seg)) {
          v = lane.valueIn(seg, frame);
          until = lane.segmentEnd(seg);
        } else {
          v = lane.valueIn(seg, lane.nodeAtOrBefore(frame, seg));
          until = lane.nodeAfter(frame, seg);
        }
        if (until - t < end) end = until - t;
        if (v !== p.applied[j]) {
          const owner = band === null ? p.live : (p.live as unknown as { bands: Record<string, number>[] }).bands[band]!;
          (owner as Record<string, unknown>)[field] = v;
          p.applied[j] = v;
          changed = true;
        }
      }
      if (changed) insert.retune(p.live as ProcessorModel);
      insert.process(buffers, end - i, key, i);
      i = end;
    }
  }

  /**
   * processInsert for an insert with a coefficient vector: exact designs at
   * the ends of the lanes' design cells (DESIGN_CELL frames, cut at every
   * point: d0 is the latest cell start at or before the frame over all
   * lanes, d1 the first end after it), and in between the coefficients on a
   * straight line, a step every CELL frames from d0 (RampedDesign). Every
   * quantity is a function of timeline frames, so where a render starts or
   * how it is cut into blocks changes nothing.
   */
  private processRamped(p: { lanes: ParamLane[]; live: Mutable<ProcessorModel>; ramp: Ramp | null }, design: RampedDesign, buffers: Float64Array[], n: number, t: number): void {
    const lanes = p.lanes;
    const r = (p.ramp ??= { from: new Float64Array(design.size), to: new Float64Array(design.size), d0: NaN, d1: NaN, segments: new Int32Array(lanes.length).fill(-2) });
    let i = 0;
    while (i < n) {
      const frame = t + i;
      // Within the last design cell nothing is to work out again: its ends include every point.
      if (!(frame >= r.d0 && frame < r.d1)) this.designCell(p, r, design, frame);
      const end = Math.min(n, r.d1 - t);
      design.processRamp(buffers, end - i, i, frame, r.from, r.to, r.d0, r.d1, CELL);
      i = end;
    }
  }

  /** The design cell `frame` is in, and the designs at its ends. */
  private designCell(p: { lanes: ParamLane[]; live: Mutable<ProcessorModel> }, r: Ramp, design: RampedDesign, frame: number): void {
    const lanes = p.lanes;
    let d0 = -Infinity;
    let d1 = Infinity;
    let sameSegments = true;
    for (let j = 0; j < lanes.length; j++) {
      const lane = lanes[j]!.lane;
      const seg = lane.segmentAt(frame);
      if (seg !== r.segments[j]) sameSegments = false;
      r.segments[j] = seg;
      // A constant segment is one design from its start to its end.
      const constant = lane.constant(seg);
      const a = constant ? lane.segmentStart(seg) : lane.nodeAtOrBefore(frame, seg, DESIGN_CELL);
      const b = constant ? lane.segmentEnd(seg) : lane.nodeAfter(frame, seg, DESIGN_CELL);
      if (a > d0) d0 = a;
      if (b < d1) d1 = b;
    }
    // A cell that starts where the last one ended, in the same segments, starts with that one's end design.
    if (sameSegments && d0 === r.d1) {
      const done = r.to;
      r.to = r.from;
      r.from = done;
    } else {
      this.designAt(p, r.segments, d0 === -Infinity ? frame : d0, design, r.from);
    }
    if (d1 === Infinity) r.to.set(r.from);
    else this.designAt(p, r.segments, d1, design, r.to);
    r.d0 = d0;
    r.d1 = d1;
  }

  /** The insert's coefficients at frame `at`, each lane read in its segment `segments[j]` (at a segment's end: the value it arrives at). */
  private designAt(p: { lanes: ParamLane[]; live: Mutable<ProcessorModel> }, segments: Int32Array, at: number, design: RampedDesign, out: Float64Array): void {
    for (let j = 0; j < p.lanes.length; j++) {
      const { lane, band, field } = p.lanes[j]!;
      const owner = band === null ? p.live : (p.live as unknown as { bands: Record<string, number>[] }).bands[band]!;
      (owner as Record<string, unknown>)[field] = lane.valueIn(segments[j]!, at);
    }
    design.designInto(p.live as ProcessorModel, out);
  }
}
