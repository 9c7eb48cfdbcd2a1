/**
 * The meters of frozen channels. A frozen track does not run in the panel
 * (its group plays from a stem), so it has no live meter; the background
 * render that wrote the stem measured it instead, and the panel shows those
 * figures as the playhead passes.
 *
 * `ChannelMeterRecorder` runs in a render (the preview's background render,
 * as the render's `onStrip`): for each track, the sample peak of each side after the fader and
 * the compressors' gain reduction, over windows of `window` frames of the
 * session's timeline. `metersOver` reads them back in the panel for a span
 * of the timeline, as a live meter report covers one.
 *
 * The figures are those the live channel would show: the strip's output is
 * the same numbers live or frozen (the stem is bit-identical to running it).
 * A window's figure is the largest over the render blocks that overlap it.
 */
import type { MixModel } from '../../../grammar/src/model.js';
import { reportsGainReduction } from '../processors/index.js';
import type { Strip } from '../render/strip.js';

/**
 * Frames in a window: a render block of the CLI's renderer (a strip's peak
 * is known per block), 85 ms at 48 kHz, about as often as the panel's
 * meters move.
 */
export const CHANNEL_METER_WINDOW = 4096;

/** Each track's meters over the song (see the module's comment). */
export interface ChannelMeterEnvelopes {
  /** Timeline frames per window; window k covers frames [k * window, (k + 1) * window). */
  readonly window: number;
  readonly channels: readonly ChannelMeterEnvelope[];
}

export interface ChannelMeterEnvelope {
  readonly name: string;
  /** Linear sample peaks, left and right for each window in turn: [L0, R0, L1, R1, …]. */
  readonly peaks: Float32Array;
  /** Gain reduction in dB (0 or more) for each window; empty when the track has no compressor or limiter. */
  readonly gainReduction: Float32Array;
}

export class ChannelMeterRecorder {
  private readonly envelopes = new Map<string, { peaks: Float32Array; gainReduction: Float32Array | null }>();
  /** Windows written so far (the arrays grow as the render goes: its length is the graph's). */
  private windows = 0;

  constructor(model: MixModel, private readonly window = CHANNEL_METER_WINDOW) {
    for (const c of model.channels) {
      if (c.kind !== 'track') continue;
      const compressed = c.inserts.some((i) => reportsGainReduction(i.type));
      this.envelopes.set(c.name, { peaks: new Float32Array(2 * 1024), gainReduction: compressed ? new Float32Array(1024) : null });
    }
  }

  /** The render's `onStrip`: `strip` has processed `frames` frames at graph position `position`. */
  add(strip: Strip, position: number, frames: number): void {
    const e = this.envelopes.get(strip.name);
    if (!e) return;
    // The strip's output at graph position p is timeline frame p - inputLag - latency (see StripTaps).
    const t0 = position - strip.inputLag - strip.latency;
    if (t0 + frames <= 0) return; // pre-roll and latency, before the timeline's start
    const first = Math.max(0, Math.floor(t0 / this.window));
    const last = Math.floor((t0 + frames - 1) / this.window);
    if (2 * (last + 1) > e.peaks.length) {
      const grown = new Float32Array(Math.max(2 * (last + 1), 2 * e.peaks.length));
      grown.set(e.peaks);
      e.peaks = grown;
      if (e.gainReduction) {
        const gr = new Float32Array(grown.length / 2);
        gr.set(e.gainReduction);
        e.gainReduction = gr;
      }
    }
    this.windows = Math.max(this.windows, last + 1);
    let gr = 0;
    for (const insert of strip.inserts) if (insert.reportsGainReduction && !insert.bypass && insert.gainReductionDb > gr) gr = insert.gainReductionDb;
    const peaks = e.peaks;
    for (let k = first; k <= last; k++) {
      if (strip.peakL > peaks[2 * k]!) peaks[2 * k] = strip.peakL;
      if (strip.peakR > peaks[2 * k + 1]!) peaks[2 * k + 1] = strip.peakR;
      if (e.gainReduction && gr > e.gainReduction[k]!) e.gainReduction[k] = gr;
    }
  }

  finish(): ChannelMeterEnvelopes {
    const n = this.windows;
    return {
      window: this.window,
      channels: [...this.envelopes].map(([name, e]) => ({ name, peaks: e.peaks.slice(0, 2 * n), gainReduction: e.gainReduction ? e.gainReduction.slice(0, n) : new Float32Array(0) })),
    };
  }
}

/**
 * The figures of `envelope` over timeline frames [from, to): the largest
 * peak of each side and the largest gain reduction; zeros outside the song.
 */
export function metersOver(envelopes: ChannelMeterEnvelopes, envelope: ChannelMeterEnvelope, from: number, to: number): { left: number; right: number; gainReduction: number } {
  const windows = envelope.peaks.length / 2;
  const first = Math.max(0, Math.floor(from / envelopes.window));
  const last = Math.min(windows - 1, Math.floor((Math.max(from, to - 1)) / envelopes.window));
  let left = 0;
  let right = 0;
  let gainReduction = 0;
  for (let k = first; k <= last; k++) {
    left = Math.max(left, envelope.peaks[2 * k]!);
    right = Math.max(right, envelope.peaks[2 * k + 1]!);
    if (envelope.gainReduction.length > 0) gainReduction = Math.max(gainReduction, envelope.gainReduction[k]!);
  }
  return { left, right, gainReduction };
}
