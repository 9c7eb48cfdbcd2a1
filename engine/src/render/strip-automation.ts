/**
 * The automation lanes of one channel strip, compiled (automation.ts): the
 * trim, fader, pan and mute curves, the sends' curves for the graph, and
 * the lanes that retune each insert cell by cell.
 */
import type { AutomationModel, ChannelModel, ProcessorModel } from '../../../grammar/src/model.js';
import { pcos, psin } from '../dsp/portable-math.js';
import { Lane, muteFactorLane } from './automation.js';

/** A lane that moves one field of an insert (or of one of its bands). */
interface ParamLane {
  readonly lane: Lane;
  readonly band: number | null;
  readonly field: string;
}

/** The parts of an insert automation needs: its retune, and its processing of a span of the block. */
export interface RetunableInsert {
  readonly bypass: boolean;
  process(buffers: Float64Array[], frames: number, key: readonly Float64Array[] | null, offset?: number): void;
  retune(model: ProcessorModel): void;
}

/** Pan laws of pan.ts, one side at a time (a curve maps one value to one factor). */
const monoLeft = (p: number) => pcos(((p + 1) * Math.PI) / 4);
const monoRight = (p: number) => psin(((p + 1) * Math.PI) / 4);
const balanceLeft = (p: number) => (p > 0 ? 1 - p : 1);
const balanceRight = (p: number) => (p < 0 ? 1 + p : 1);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
  private readonly params: ({ lanes: ParamLane[]; live: Mutable<ProcessorModel>; applied: Float64Array } | null)[];

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
    this.trim = trim && model.trim.mode === 'fixed' ? new Lane(trim, model.trim.gainDb, sampleRate) : null;
    this.gain = gain ? new Lane(gain, model.gainDb, sampleRate) : null;
    this.pan = pan && !ignorePan ? new Lane(pan, model.pan, sampleRate) : null;
    this.mute = mute ? muteFactorLane(mute, model.mute, sampleRate) : null;
    this.panLeft = stereo ? balanceLeft : monoLeft;
    this.panRight = stereo ? balanceRight : monoRight;
    for (const l of lanes) {
      if (l.target.kind !== 'send') continue;
      const bus = l.target.bus;
      const send = model.sends.find((s) => s.bus === bus);
      if (send) this.sends.set(bus, new Lane(l, send.gainDb, sampleRate));
    }
    this.params = model.inserts.map((p, k) => {
      const mine = lanes.filter((l) => l.target.kind === 'param' && l.target.insert === k);
      if (mine.length === 0) return null;
      const paramLanes = mine.map((l) => {
        const t = l.target as Extract<AutomationModel['target'], { kind: 'param' }>;
        const owner = t.band === null ? p : (p as Extract<ProcessorModel, { type: 'eq' }>).bands[t.band]!;
        const initial = (owner as unknown as Record<string, number>)[t.field]!;
        return { lane: new Lane(l, initial, sampleRate), band: t.band, field: t.field };
      });
      const live = (p.type === 'eq' ? { ...p, bands: p.bands.map((b) => ({ ...b })) } : { ...p }) as Mutable<ProcessorModel>;
      return { lanes: paramLanes, live, applied: new Float64Array(paramLanes.length).fill(NaN) };
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
    for (const p of this.params) p?.applied.fill(NaN);
  }

  /**
   * Processes `n` frames of insert k cell by cell: at each node its lanes'
   * values are read (held over the cell, automation.ts) and, where one
   * changed, the insert is retuned before the cell. `t` is the timeline
   * frame of buffers[…][0] at this insert.
   */
  processInsert(k: number, insert: RetunableInsert, buffers: Float64Array[], n: number, key: readonly Float64Array[] | null, t: number): void {
    const p = this.params[k]!;
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
}
