/**
 * The tempo map (design §10.3): a tempo and a meter from bar 1, changes of
 * either at later bar starts, and linear tempo ramps. Turns `bar N beat B`
 * into seconds and back, for analysis, hover, inlay hints, the CLI's
 * `--from`/`--to` and the preview's position.
 *
 * Beats. A bar of meter A/B has A beats of the note 1/B. The tempo counts
 * notes of the session's first meter's unit (the quarter in 4/4, the eighth
 * in 6/8), whatever meter follows: after 4/4 at 124 bpm, a bar of 7/8 lasts
 * 3.5 of those quarters. With one meter this is the constant-tempo rule of
 * design §2, seconds = ((N−1)·A + (B−1))·60/tempo.
 *
 * Ramps. `tempo T₁ at bar M ramp` moves the tempo linearly in beats from
 * the change before (T₀ at beat r₀) to T₁ at beat r₁, so over the ramp
 * dt/dr = 60/T(r) with T(r) = T₀ + k·(r − r₀), k = (T₁ − T₀)/(r₁ − r₀), and
 * t(r) = t₀ + (60/k)·ln(T(r)/T₀): the closed form the tests hold it to.
 */
import type { MixModel } from './model.js';

/** A tempo change at the start of a bar; `ramp` means the tempo ramps to it from the change before. */
export interface TempoChangeModel {
  readonly bar: number;
  readonly bpm: number;
  readonly ramp: boolean;
}

/** A meter change at the start of a bar. */
export interface MeterChangeModel {
  readonly bar: number;
  readonly beats: number;
  readonly unit: number;
}

/** The changes after bar 1, in bar order; absent from a model whose tempo and meter never change. */
export interface TempoMapModel {
  readonly tempos: readonly TempoChangeModel[];
  readonly meters: readonly MeterChangeModel[];
}

interface MeterSpan {
  /** First bar, its position in tempo beats, and the tempo beats in one of its beats. */
  readonly bar: number;
  readonly at: number;
  readonly beats: number;
  readonly unit: number;
  readonly scale: number;
}

interface TempoSpan {
  /** From tempo beat `at` (seconds `time`) with `bpm`, to the next span, `slope` bpm per tempo beat (0: constant). */
  readonly at: number;
  readonly time: number;
  readonly bpm: number;
  readonly slope: number;
}

export class TempoMap {
  private readonly meterSpans: MeterSpan[] = [];
  private readonly tempoSpans: TempoSpan[] = [];

  /** The map of a model, or null when it has no tempo (bar times mean nothing then). */
  static of(model: Pick<MixModel, 'tempo' | 'meter' | 'tempoMap'>): TempoMap | null {
    return model.tempo === null ? null : new TempoMap(model.tempo, model.meter, model.tempoMap ?? { tempos: [], meters: [] });
  }

  constructor(bpm: number, meter: { readonly beats: number; readonly unit: number }, changes: TempoMapModel) {
    const unit0 = meter.unit;
    let span: MeterSpan = { bar: 1, at: 0, beats: meter.beats, unit: meter.unit, scale: 1 };
    this.meterSpans.push(span);
    for (const m of changes.meters) {
      const at = span.at + (m.bar - span.bar) * span.beats * span.scale;
      span = { bar: m.bar, at, beats: m.beats, unit: m.unit, scale: unit0 / m.unit };
      this.meterSpans.push(span);
    }
    let t: TempoSpan = { at: 0, time: 0, bpm, slope: 0 };
    const spans: TempoSpan[] = [t];
    for (const c of changes.tempos) {
      const at = this.beatAt(c.bar, 1);
      if (c.ramp && at > t.at) {
        // The span before ramps to this change.
        const slope = (c.bpm - t.bpm) / (at - t.at);
        t = { ...t, slope };
        spans[spans.length - 1] = t;
      }
      const time = t.time + spanSeconds(t, at - t.at);
      t = { at, time, bpm: c.bpm, slope: 0 };
      spans.push(t);
    }
    this.tempoSpans = spans;
  }

  /** Seconds from the start of the song to `bar N beat B` (both from 1; B may have a fraction). */
  seconds(bar: number, beat = 1): number {
    const r = this.beatAt(bar, beat);
    const s = this.tempoSpanAtBeat(r);
    return s.time + spanSeconds(s, r - s.at);
  }

  /** The bar and beat (from 1, with its fraction) at `seconds`. */
  position(seconds: number): { readonly bar: number; readonly beat: number } {
    const s = this.tempoSpanAtTime(Math.max(0, seconds));
    const dt = Math.max(0, seconds) - s.time;
    // Inverse of spanSeconds: constant, r = 60·T·Δt… in beats; ramp, T(r) = T₀·e^{kΔt/60}.
    const r = s.at + (s.slope === 0 ? (dt * s.bpm) / 60 : (s.bpm / s.slope) * (Math.exp((s.slope * dt) / 60) - 1));
    const m = this.meterSpanAtBeat(r);
    const beats = (r - m.at) / m.scale;
    const bar = m.bar + Math.floor(beats / m.beats + 1e-9);
    return { bar, beat: 1 + beats - (bar - m.bar) * m.beats };
  }

  /** The meter at bar N. */
  meterAt(bar: number): { readonly beats: number; readonly unit: number } {
    const m = this.meterSpanAtBar(bar);
    return { beats: m.beats, unit: m.unit };
  }

  /** Seconds bar N lasts. */
  barLength(bar: number): number {
    return this.seconds(bar + 1) - this.seconds(bar);
  }

  /** The position of `bar N beat B` in tempo beats (notes of the first meter's unit) from the start. */
  beatAt(bar: number, beat: number): number {
    const m = this.meterSpanAtBar(bar);
    return m.at + ((bar - m.bar) * m.beats + (beat - 1)) * m.scale;
  }

  /** The tempo (bpm) at `seconds`: for the preview and hover. */
  tempoAt(seconds: number): number {
    const s = this.tempoSpanAtTime(Math.max(0, seconds));
    return s.slope === 0 ? s.bpm : s.bpm * Math.exp((s.slope * (Math.max(0, seconds) - s.time)) / 60);
  }

  private meterSpanAtBar(bar: number): MeterSpan {
    let found = this.meterSpans[0]!;
    for (const m of this.meterSpans) if (m.bar <= bar) found = m;
    return found;
  }

  private meterSpanAtBeat(r: number): MeterSpan {
    let found = this.meterSpans[0]!;
    for (const m of this.meterSpans) if (m.at <= r + 1e-9) found = m;
    return found;
  }

  private tempoSpanAtBeat(r: number): TempoSpan {
    let found = this.tempoSpans[0]!;
    for (const s of this.tempoSpans) if (s.at <= r) found = s;
    return found;
  }

  private tempoSpanAtTime(t: number): TempoSpan {
    let found = this.tempoSpans[0]!;
    for (const s of this.tempoSpans) if (s.time <= t) found = s;
    return found;
  }
}

/** Seconds `beats` tempo beats take from the start of a span: 60·Δr/T, or over a ramp (60/k)·ln(T(r)/T₀). */
function spanSeconds(s: TempoSpan, beats: number): number {
  if (s.slope === 0) return (beats * 60) / s.bpm;
  return (60 / s.slope) * Math.log((s.bpm + s.slope * beats) / s.bpm);
}
