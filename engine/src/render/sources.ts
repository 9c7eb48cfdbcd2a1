/**
 * A track's sources: its clips placed on the timeline with their fades and
 * gains, summed, with `cut` spans silenced (design §4).
 *
 * Audio comes from the host through `AudioSource`: the CLI streams WAV files
 * from disk (resampled to the session rate), the preview decodes them in
 * memory. The engine never touches a file system.
 */
import type { ClipModel, CutModel } from '../../../grammar/src/model.js';
import { FADE_SHAPES, fadeInGain, fadeOutGain } from './fades.js';
import { dbToGain } from '../dsp/portable-math.js';

export interface AudioSource {
  readonly channels: 1 | 2;
  /** Length in frames at the session rate. */
  readonly frames: number;
  /**
   * Fills `out[c][offset .. offset+count)` with frames `[start, start+count)`
   * of the source at the session rate. Frames outside the file are zeros.
   */
  read(start: number, count: number, out: Float64Array[], offset: number): void;
}

export interface SourceProvider {
  /** Opens the file at `path` (as written in the mix file). Throws a `SourceError` when it cannot. */
  open(path: string): AudioSource;
}

export class SourceError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
  }
}

/** One clip, in frames at the session rate. */
interface PlacedClip {
  readonly source: AudioSource;
  readonly at: number;
  /** First and last frame (exclusive) that may sound, fades included. */
  readonly start: number;
  readonly end: number;
  /** Centres of the fades, in timeline frames. */
  readonly inEdge: number;
  readonly outEdge: number;
  readonly fadeIn: number;
  readonly fadeOut: number;
  /** FADE_SHAPES of the two fades. */
  readonly inShape: number;
  readonly outShape: number;
  readonly gain: number;
}

interface PlacedCut {
  readonly from: number;
  readonly to: number;
  readonly fade: number;
  readonly shape: number;
}

export class TrackSources {
  readonly channels: 1 | 2;
  /** First frame that can sound, and the frame after the last. */
  readonly start: number;
  readonly end: number;
  private readonly clips: PlacedClip[];
  private readonly cuts: PlacedCut[];
  private readonly scratch: Float64Array[];

  constructor(clips: readonly ClipModel[], cuts: readonly CutModel[], provider: SourceProvider, sampleRate: number, maxBlock: number) {
    const opened = clips.map((c) => ({ model: c, source: provider.open(c.path) }));
    this.channels = opened.some((o) => o.source.channels === 2) ? 2 : 1;
    this.clips = opened.map(({ model: c, source }) => {
      // A file is placed on a whole frame: reading at a fractional position
      // would mean interpolating every sample (bar times rarely fall on one).
      const at = Math.round(c.at * sampleRate);
      const fileEnd = at + source.frames;
      const from = Math.max(at, c.from * sampleRate);
      // A fade at an edge inside the audio is centred on it (so meeting clips
      // crossfade); at the file's own start or end there is nothing beyond the
      // edge to fade with, so a written fade lies inside the file and the
      // default edit fade is dropped.
      const ownStart = from <= at;
      const ownEnd = c.to === null || c.to * sampleRate >= fileEnd;
      const fadeIn = ownStart && !c.fadeInWritten ? 0 : c.fadeIn * sampleRate;
      const fadeOut = ownEnd && !c.fadeOutWritten ? 0 : c.fadeOut * sampleRate;
      const to = ownEnd ? fileEnd : c.to! * sampleRate;
      const inEdge = ownStart ? at + fadeIn / 2 : from;
      const outEdge = ownEnd ? fileEnd - fadeOut / 2 : to;
      const start = Math.max(at, Math.floor(inEdge - fadeIn / 2));
      const end = Math.min(fileEnd, Math.ceil(outEdge + fadeOut / 2));
      const inShape = FADE_SHAPES[c.fadeInShape ?? 'equal'];
      const outShape = FADE_SHAPES[c.fadeOutShape ?? 'equal'];
      return { source, at, start, end, inEdge, outEdge, fadeIn, fadeOut, inShape, outShape, gain: dbToGain(c.gainDb) };
    });
    this.cuts = cuts.map((c) => ({ from: c.from * sampleRate, to: c.to * sampleRate, fade: c.fade * sampleRate, shape: FADE_SHAPES[c.shape ?? 'equal'] }));
    this.end = this.clips.reduce((m, c) => Math.max(m, c.end), 0);
    this.start = Math.min(this.end, ...this.clips.map((c) => c.start));
    this.scratch = [new Float64Array(maxBlock), new Float64Array(maxBlock)];
  }

  /** Adds the summed sources for timeline frames [t0, t0+n) into out (1 or 2 channels, zeroed by the caller). */
  render(t0: number, n: number, out: Float64Array[]): void {
    const t1 = t0 + n;
    let empty = true;
    for (const clip of this.clips) {
      if (clip.end <= t0 || clip.start >= t1) continue;
      const a = Math.max(t0, clip.start);
      const b = Math.min(t1, clip.end);
      const count = b - a;
      const edgeIn = clip.inEdge;
      const edgeOut = clip.outEdge;
      const fullyInside = a >= edgeIn + clip.fadeIn / 2 && b <= edgeOut - clip.fadeOut / 2;
      if (empty && fullyInside && a === t0 && b === t1 && clip.source.channels === this.channels) {
        // The common case, one clip over the whole block: read straight into the output.
        clip.source.read(a - clip.at, count, out, 0);
        if (clip.gain !== 1) for (let c = 0; c < this.channels; c++) { const o = out[c]!; for (let i = 0; i < n; i++) o[i]! *= clip.gain; }
        empty = false;
        continue;
      }
      empty = false;
      clip.source.read(a - clip.at, count, this.scratch, 0);
      for (let c = 0; c < this.channels; c++) {
        const src = this.scratch[clip.source.channels === 2 ? c : 0]!;
        const dst = out[c]!;
        if (fullyInside) {
          const g = clip.gain;
          for (let i = 0; i < count; i++) dst[a - t0 + i]! += src[i]! * g;
        } else {
          for (let i = 0; i < count; i++) {
            const t = a + i;
            const g = clip.gain * fadeInGain(t, edgeIn, clip.fadeIn, clip.inShape) * fadeOutGain(t, edgeOut, clip.fadeOut, clip.outShape);
            dst[a - t0 + i]! += src[i]! * g;
          }
        }
      }
    }
    for (const cut of this.cuts) {
      const a = Math.max(t0, Math.floor(cut.from - cut.fade / 2));
      const b = Math.min(t1, Math.ceil(cut.to + cut.fade / 2));
      for (let t = a; t < b; t++) {
        // Silence between the edges: fade out at `from`, fade back in at `to`.
        const g = fadeOutGain(t, cut.from, cut.fade, cut.shape) + fadeInGain(t, cut.to, cut.fade, cut.shape);
        for (let c = 0; c < this.channels; c++) out[c]![t - t0]! *= Math.min(1, g);
      }
    }
  }
}
