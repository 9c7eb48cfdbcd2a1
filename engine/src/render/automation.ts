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
 * Evaluation happens on nodes: every point, and every multiple of a
 * spacing of the timeline. A gain (fader, pan, trim, send, mute) is the
 * mapped value at the nodes on either side of a frame, interpolated
 * linearly per sample, with nodes GAIN_CELL frames apart. An EQ is designed
 * exactly on nodes DESIGN_CELL frames apart and its coefficients move on a
 * straight line in between, a step every CELL frames. Any other processor
 * parameter takes the value at the node that starts its cell and keeps it
 * up to the next node, CELL frames on, where the processor is retuned with
 * its state kept (docs/engine.md §20). Nodes are absolute timeline
 * frames, so the samples do not depend on the block size, the thread or the
 * host.
 */
import type { AutomationModel, AutomationScale } from '../../../grammar/src/model.js';
import { fastDbToAmplitude } from '../dsp/compressor.js';
import { dbToGain, pexp, plog, plog10 } from '../dsp/portable-math.js';

/** Frames between nodes: a processor's parameters move in steps of at most this many frames. */
export const CELL = 32;
/**
 * Frames between the nodes of a gain curve, interpolated per sample in
 * between. A straight line over 128 frames loses only the exponential's
 * curvature, (k·128)²/8 of the level for k = ln10/20 · (dB/s) / fs: 0.001 dB
 * for a ride of 100 dB/s, 0.009 dB for a fader thrown 30 dB in 0.1 s.
 */
export const GAIN_CELL = 128;
/**
 * Frames between exact designs of a processor that offers its coefficients
 * as a vector (an EQ): designed on these nodes (and at every point), its
 * coefficients move linearly between two designs in steps of CELL frames.
 * Filter design (a cosine, a sine, an exponential) is the costly part of a
 * sweep; straight lines between designs 128 frames apart keep the filter
 * stable (its (a1, a2) stay inside the stability triangle, which is convex)
 * and within a small fraction of a dB of the exact response for any
 * musical sweep.
 */
export const DESIGN_CELL = 128;

const LINEAR = 0;
const HOLD = 1;
const SMOOTH = 2;
const SHAPES = { linear: LINEAR, hold: HOLD, smooth: SMOOTH } as const;
const LINEAR_SCALE = 0;
const OCTAVE_SCALE = 1;
const DB_SCALE = 2;
const SCALES: { readonly [S in AutomationScale]: number } = { linear: LINEAR_SCALE, octave: OCTAVE_SCALE, db: DB_SCALE };

/**
 * The cosine S-curve (1 − cos πx)/2 for x in [0, 1], as sin²(πx/2): the sine
 * by its Taylor series to y¹⁷ straight away, as y = πx/2 needs no range
 * reduction (the last term left out is below 3·10⁻¹⁷). Built from IEEE
 * operations only, like portable-math.ts, so every JavaScript engine agrees.
 */
export function sCurve(x: number): number {
  const y = (Math.PI / 2) * x;
  const y2 = y * y;
  let p = 1;
  for (let j = 8; j >= 1; j--) p = 1 - (y2 * p) / (2 * j * (2 * j + 1));
  const s = y * p;
  return s * s;
}

/** A lane, compiled for one sample rate. */
export class Lane {
  private readonly frames: Float64Array;
  private readonly values: Float64Array;
  private readonly shapes: Uint8Array;
  /** Per segment of an octave lane: ln(v₁/v₀), worked out once. */
  private readonly logRatio: Float64Array | null;
  /** The lane's scale as a number, for the switch read at every node. */
  private readonly scale: number;
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
    this.scale = SCALES[model.scale];
    this.logRatio = model.scale === 'octave' ? this.values.map((v, i) => (i + 1 < n ? plog(this.values[i + 1]! / v) : 0)) : null;
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

  /** The frame where segment k starts (its point), or -Infinity before the first point. */
  segmentStart(k: number): number {
    return k >= 0 ? this.frames[k]! : -Infinity;
  }

  /** The frame where segment k ends (the next point), or Infinity. */
  segmentEnd(k: number): number {
    return k + 1 < this.frames.length ? this.frames[k + 1]! : Infinity;
  }

  /** The node at or before frame n in segment k: the cell's start (cells `spacing` frames long), or the point that starts the segment. */
  nodeAtOrBefore(n: number, k: number, spacing = CELL): number {
    const cell = Math.floor(n / spacing) * spacing;
    return k >= 0 && this.frames[k]! > cell ? this.frames[k]! : cell;
  }

  /** The first node after frame n in segment k: the next cell's start, or the end of the segment. */
  nodeAfter(n: number, k: number, spacing = CELL): number {
    return Math.min(Math.floor(n / spacing) * spacing + spacing, this.segmentEnd(k));
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
    const w = this.shapes[k] === SMOOTH ? sCurve(x) : x;
    switch (this.scale) {
      case LINEAR_SCALE:
        return v0 + (v1 - v0) * w;
      case OCTAVE_SCALE:
        // Equal steps in log frequency: v0·(v1/v0)^w.
        return v0 * pexp(this.logRatio![k]! * w);
      case DB_SCALE: {
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
  // A cell's end node is the next cell's start node (within a segment): each node is mapped once.
  let lastNode = NaN;
  let lastSegment = -2;
  let lastValue = 0;
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
    const a = lane.nodeAtOrBefore(frame, k, GAIN_CELL);
    const b = lane.nodeAfter(frame, k, GAIN_CELL);
    const ga = a === lastNode && k === lastSegment ? lastValue : map(lane.valueIn(k, a));
    const gb = map(lane.valueIn(k, b));
    lastNode = b;
    lastSegment = k;
    lastValue = gb;
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

/**
 * A gain curve's level as a factor at its nodes: the compressor's
 * table-driven 10^(dB/20) (within 2·10⁻¹³ of the exact value, five times
 * as fast as dbToGain), and exactly 0 for -inf.
 */
export const gainOf = (db: number): number => (db === -Infinity ? 0 : fastDbToAmplitude(db));

/**
 * The fader stage of an automated strip: its gain, mute and pan lanes
 * read together. Its nodes are every node of any of them (GAIN_CELL frames
 * apart, and their points); over the cell between two nodes a and b the
 * left and right gains, fader × mute × pan law, are those at a and at b
 * joined by a straight line, per sample. `cell(frame)` works out the cell a
 * frame is in and leaves it in the fields (no object is made per cell).
 */
export class FaderStage {
  /** The cell found last: [start, end), gains at its start and their steps per frame. */
  start = 0;
  end = 0;
  left = 0;
  right = 0;
  slopeLeft = 0;
  slopeRight = 0;
  private readonly lanes: Lane[];
  private readonly segments: Int32Array;
  /** The gains worked out at the last cell's end, for the next cell's start when it is the same node. */
  private lastEnd = NaN;
  private lastLeft = 0;
  private lastRight = 0;
  private lastSegments: Int32Array;

  constructor(
    private readonly gain: Lane | null,
    private readonly mute: Lane | null,
    private readonly pan: Lane | null,
    /** The written fader (a factor) and pan (each side's law), used where a lane is missing. */
    private readonly fader: number,
    private readonly panLeft: number,
    private readonly panRight: number,
    private readonly lawLeft: (p: number) => number,
    private readonly lawRight: (p: number) => number,
  ) {
    this.lanes = [gain, mute, pan].filter((l): l is Lane => l !== null);
    this.segments = new Int32Array(3);
    this.lastSegments = new Int32Array(3).fill(-2);
  }

  cell(frame: number): void {
    let a = -Infinity;
    let b = Infinity;
    let flat = true;
    const lanes = this.lanes;
    for (let j = 0; j < lanes.length; j++) {
      const lane = lanes[j]!;
      const k = lane.segmentAt(frame);
      this.segments[j] = k;
      if (lane.constant(k)) {
        const s = lane.segmentStart(k);
        const e = lane.segmentEnd(k);
        if (s > a) a = s;
        if (e < b) b = e;
      } else {
        flat = false;
        const s = lane.nodeAtOrBefore(frame, k, GAIN_CELL);
        const e = lane.nodeAfter(frame, k, GAIN_CELL);
        if (s > a) a = s;
        if (e < b) b = e;
      }
    }
    this.start = a;
    this.end = b;
    let sameSegments = true;
    for (let j = 0; j < lanes.length; j++) if (this.segments[j] !== this.lastSegments[j]) sameSegments = false;
    if (sameSegments && a === this.lastEnd) {
      this.left = this.lastLeft;
      this.right = this.lastRight;
    } else {
      this.gainsAt(a === -Infinity ? frame : a);
      this.left = this.atLeft;
      this.right = this.atRight;
    }
    if (flat || b === Infinity) {
      this.slopeLeft = 0;
      this.slopeRight = 0;
      this.lastEnd = NaN;
      return;
    }
    this.gainsAt(b);
    this.slopeLeft = (this.atLeft - this.left) / (b - a);
    this.slopeRight = (this.atRight - this.right) / (b - a);
    this.lastEnd = b;
    this.lastLeft = this.atLeft;
    this.lastRight = this.atRight;
    this.lastSegments.set(this.segments);
  }

  private atLeft = 0;
  private atRight = 0;

  /** The left and right gains at frame `at`, each lane read in the segment of the current cell. */
  private gainsAt(at: number): void {
    let j = 0;
    let g = this.fader;
    if (this.gain) {
      const db = this.gain.valueIn(this.segments[j++]!, at);
      // The written level keeps the written factor, so a lane holding it changes nothing.
      if (db !== this.gain.initial) g = gainOf(db);
    }
    if (this.mute) g *= this.mute.valueIn(this.segments[j++]!, at);
    if (this.pan) {
      const p = this.pan.valueIn(this.segments[j]!, at);
      this.atLeft = g * this.lawLeft(p);
      this.atRight = g * this.lawRight(p);
    } else {
      this.atLeft = g * this.panLeft;
      this.atRight = g * this.panRight;
    }
  }
}
