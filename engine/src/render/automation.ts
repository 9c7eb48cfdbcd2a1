/**
 * Automation lanes (design §10.2; docs/engine.md, "Automation").
 *
 * A lane is a function of the timeline frame. A point lands on the frame
 * nearest its time, round(t·fs). Before the first point the written
 * setting holds; after the last, the last value. The segment after a point
 * is `linear` in the lane's scale (dB, octaves for frequencies, the value
 * itself otherwise), `hold` (a step on the next point's frame) or `smooth`,
 * the cosine S-curve v₀ + (v₁ − v₀)·(1 − cos πx)/2. A dB segment with a
 * −inf end moves linearly in amplitude instead (a fade to silence).
 *
 * Evaluation happens on nodes: every multiple of CELL frames of the
 * timeline, and every point. A gain (fader, pan, trim, send, mute) is the
 * mapped value at the nodes on either side of a frame, interpolated
 * linearly per sample; a processor's parameter takes the value at the node
 * that starts its cell and keeps it up to the next node, where the
 * processor is retuned with its state kept. Nodes are absolute timeline
 * frames, so the samples do not depend on the block size, the thread or the
 * host.
 */
import type { AutomationModel, AutomationScale } from '../../../grammar/src/model.js';
import { dbToGain, pcos, pexp, plog, plog10 } from '../dsp/portable-math.js';

/** Frames between nodes: a processor's parameters move in steps of at most this many frames. */
export const CELL = 32;

const LINEAR = 0;
const HOLD = 1;
const SMOOTH = 2;
const SHAPES = { linear: LINEAR, hold: HOLD, smooth: SMOOTH } as const;

/** A lane, compiled for one sample rate. */
export class Lane {
  private readonly frames: Float64Array;
  private readonly values: Float64Array;
  private readonly shapes: Uint8Array;
  private readonly scale: AutomationScale;
  /** The segment found last: lanes are read in time order, so the next search usually starts right. */
  private hint = -1;

  /** `initial` is the written setting, which holds before the first point. */
  constructor(model: Pick<AutomationModel, 'points' | 'scale'>, readonly initial: number, sampleRate: number) {
    const n = model.points.length;
    this.frames = new Float64Array(n);
    this.values = new Float64Array(n);
    this.shapes = new Uint8Array(n);
    model.points.forEach((p, i) => {
      this.frames[i] = Math.round(p.time * sampleRate);
      this.values[i] = p.value;
      this.shapes[i] = SHAPES[p.shape];
    });
    this.scale = model.scale;
  }

  /**
   * The segment frame `n` is in: −1 before the first point, else the last
   * point k with frames[k] ≤ n (points at the same frame: the later one).
   */
  segmentAt(n: number): number {
    const f = this.frames;
    const h = this.hint;
    if (h >= -1 && (h < 0 || f[h]! <= n) && (h + 1 >= f.length || n < f[h + 1]!)) return h;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[mid]! <= n) lo = mid + 1;
      else hi = mid;
    }
    this.hint = lo - 1;
    return lo - 1;
  }

  /** Whether segment k has one value throughout (before the first point, after the last, a hold). */
  constant(k: number): boolean {
    return k < 0 || k >= this.frames.length - 1 || this.shapes[k] === HOLD || this.values[k] === this.values[k + 1];
  }

  /** The frame where segment k ends (the next point), or Infinity. */
  segmentEnd(k: number): number {
    return k + 1 < this.frames.length ? this.frames[k + 1]! : Infinity;
  }

  /** The node at or before frame n in segment k: the cell's start, or the point that starts the segment. */
  nodeAtOrBefore(n: number, k: number): number {
    const cell = Math.floor(n / CELL) * CELL;
    return k >= 0 && this.frames[k]! > cell ? this.frames[k]! : cell;
  }

  /** The first node after frame n in segment k: the next cell's start, or the end of the segment. */
  nodeAfter(n: number, k: number): number {
    return Math.min(Math.floor(n / CELL) * CELL + CELL, this.segmentEnd(k));
  }

  /** The value segment k gives at frame n (at the segment's end: the value it arrives at). */
  valueIn(k: number, n: number): number {
    if (k < 0) return this.initial;
    const v0 = this.values[k]!;
    if (k + 1 >= this.frames.length || this.shapes[k] === HOLD) return v0;
    const f0 = this.frames[k]!;
    const f1 = this.frames[k + 1]!;
    const v1 = this.values[k + 1]!;
    if (f1 <= f0 || v0 === v1) return v0;
    const x = (n - f0) / (f1 - f0);
    const w = this.shapes[k] === SMOOTH ? (1 - pcos(Math.PI * x)) / 2 : x;
    switch (this.scale) {
      case 'linear':
        return v0 + (v1 - v0) * w;
      case 'octave':
        // Equal steps in log frequency: v0·(v1/v0)^w.
        return v0 * pexp(plog(v1 / v0) * w);
      case 'db': {
        if (v0 !== -Infinity && v1 !== -Infinity) return v0 + (v1 - v0) * w;
        const a0 = dbToGain(v0);
        const a = a0 + (dbToGain(v1) - a0) * w;
        return a > 0 ? 20 * plog10(a) : -Infinity;
      }
      default:
        return v0 + (v1 - v0) * w;
    }
  }

  /** The value at frame n, as a processor's parameter sees it: held from the node that starts its cell. */
  heldValue(n: number): number {
    const k = this.segmentAt(n);
    return this.constant(k) ? this.valueIn(k, n) : this.valueIn(k, this.nodeAtOrBefore(n, k));
  }
}

/**
 * Writes map(value) for timeline frames t … t+n−1 into out[offset …]: exact
 * at the nodes, linear in between (see the file comment), and a plain fill
 * where the lane is constant.
 */
export function fillCurve(lane: Lane, t: number, n: number, out: Float64Array, offset: number, map: (v: number) => number): void {
  let i = 0;
  while (i < n) {
    const frame = t + i;
    const k = lane.segmentAt(frame);
    if (lane.constant(k)) {
      const end = Math.min(t + n, lane.segmentEnd(k));
      out.fill(map(lane.valueIn(k, frame)), offset + i, offset + end - t);
      i = end - t;
      continue;
    }
    const a = lane.nodeAtOrBefore(frame, k);
    const b = lane.nodeAfter(frame, k);
    const ga = map(lane.valueIn(k, a));
    const gb = map(lane.valueIn(k, b));
    const end = Math.min(b, t + n);
    const step = (gb - ga) / (b - a);
    for (let f = frame; f < end; f++) out[offset + f - t] = ga + step * (f - a);
    i = end - t;
  }
}

/** Multiplies out[offset …] by the lane's curve (see fillCurve), using `scratch` for the curve. */
export function applyCurve(lane: Lane, t: number, n: number, out: Float64Array, offset: number, scratch: Float64Array, map: (v: number) => number): void {
  fillCurve(lane, t, n, scratch, 0, map);
  for (let i = 0; i < n; i++) out[offset + i]! *= scratch[i]!;
}

/** Seconds a mute lane's switch takes, from the point on: as long as an edit's fade, so it does not click. */
export const MUTE_RAMP = 0.005;

/**
 * A mute lane as a lane of the factor it applies: 1 where the channel
 * plays, 0 where it is muted, ramping linearly over MUTE_RAMP from each
 * point (or up to the next point, if that is sooner).
 */
export function muteFactorLane(model: AutomationModel, mutedBefore: boolean, sampleRate: number): Lane {
  const points: { time: number; value: number; shape: 'linear' | 'hold' }[] = [];
  let factor = mutedBefore ? 0 : 1;
  model.points.forEach((p, i) => {
    const next = model.points[i + 1]?.time ?? Infinity;
    const target = p.value >= 0.5 ? 0 : 1;
    points.push({ time: p.time, value: factor, shape: 'linear' });
    points.push({ time: Math.min(p.time + MUTE_RAMP, next), value: target, shape: 'hold' });
    factor = target;
  });
  return new Lane({ points, scale: 'linear' }, mutedBefore ? 0 : 1, sampleRate);
}

/** A lane's curve as amplitude: dB to a factor. */
export const gainOf = (db: number): number => dbToGain(db);
