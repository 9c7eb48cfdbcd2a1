/**
 * `mixdown diff --audio`: both versions rendered as `mixdown render` renders
 * them, and what a reviewer wants to hear about: the master's loudness,
 * loudness range and true peak before and after, the same for each channel
 * whose settings changed (and only those are metered), and a null test: how
 * loud the difference of the two renders is, and the stretch of the song
 * where it is largest.
 */
import { join } from 'node:path';
import type { MixChange, MixModel } from '../../grammar/src/index.js';
import { barSeconds, showClock } from '../../grammar/src/index.js';
import { LoudnessMeter, type LoudnessReport } from '../../engine/src/index.js';
import { renderMix, type RenderProgress } from './render.js';

export interface AudioSide {
  readonly model: MixModel;
  /** The folder its audio paths are relative to. */
  readonly folder: string;
  readonly fileName: string;
}

export interface ChannelLoudness {
  /** The channel's name in the new version (the old one for a removed channel). */
  readonly name: string;
  readonly kind: 'track' | 'bus';
  /** Post-fader, as `mixdown meter SONG.mix` measures each channel; null where the channel does not exist. */
  readonly old: LoudnessReport | null;
  readonly new: LoudnessReport | null;
}

export interface NullTest {
  /** The difference's energy against the new render's, dB (-Infinity: the renders are identical). */
  readonly belowMixDb: number;
  /** The bar (or second, without a tempo) where the difference is largest, or null when there is none. */
  readonly largest: {
    readonly from: number;
    readonly to: number;
    /** `bar 15 (chorus)`, `0:31–0:32`. */
    readonly where: string;
    /** RMS level of the difference there, dBFS. */
    readonly rmsDbfs: number;
  } | null;
}

export interface AudioDiff {
  readonly master: { readonly old: LoudnessReport; readonly new: LoudnessReport };
  readonly channels: readonly ChannelLoudness[];
  readonly nullTest: NullTest;
  /** How many tracks and buses were metered, of how many in the new version. */
  readonly metered: { readonly count: number; readonly of: number };
  /** The master's short-term loudness (3 s window, EBU R128) every `stepS` seconds, when asked for (the loudness plot). */
  readonly shortTerm: { readonly stepS: number; readonly old: readonly number[]; readonly new: readonly number[] } | null;
}

/** Short-term loudness of a stream, read every 100 ms (BS.1770 / EBU Tech 3341 hop). */
class ShortTermSeries {
  readonly values: number[] = [];
  private readonly meter: LoudnessMeter;
  private readonly hop: number;
  private inHop = 0;

  constructor(sampleRate: number, channels: number) {
    this.meter = new LoudnessMeter(sampleRate, channels);
    this.hop = Math.round(sampleRate / 10);
  }

  process(b: readonly Float64Array[], n: number): void {
    for (let done = 0; done < n; ) {
      const take = Math.min(n - done, this.hop - this.inHop);
      this.meter.process(b.map((c) => c.subarray(done, done + take)), take);
      done += take;
      this.inHop += take;
      if (this.inHop === this.hop) {
        this.values.push(this.meter.shortTermLufs());
        this.inHop = 0;
      }
    }
  }
}

export interface AudioDiffOptions {
  /** Told how far each render is (a terminal's progress bar). */
  readonly progress?: RenderProgress;
  /** Also follow the master's short-term loudness over time, for a plot. */
  readonly shortTerm?: boolean;
}

/** The channels a change list touches, by their name in each version. */
export function changedChannels(changes: readonly MixChange[]): { old: Set<string>; neu: Set<string>; shown: Map<string, string> } {
  const old = new Set<string>();
  const neu = new Set<string>();
  /** New name → old name. */
  const renamed = new Map<string, string>();
  for (const c of changes) if (c.op === 'rename' && /^(track|bus) /.test(c.path[0]!)) renamed.set(c.new!, c.old!);
  for (const c of changes) {
    const m = /^(track|bus) (.+)$/.exec(c.path[0]!);
    if (!m) continue;
    const name = m[2]!;
    if (c.op === 'rename') { old.add(c.old!); neu.add(c.new!); continue; }
    if (c.path.length === 1 && c.op === 'remove') { old.add(name); continue; }
    if (c.path.length === 1 && c.op === 'add') { neu.add(name); continue; }
    neu.add(name);
    old.add(renamed.get(name) ?? name);
  }
  const shown = new Map([...renamed].map(([n, o]) => [o, n]));
  return { old, neu, shown };
}

/** Per time bucket (a bar, or a second without a tempo): sums of squares of the new render and of the difference. */
class NullMeter {
  private readonly olds: Float32Array[] = [];
  private oldFrames = 0;
  private readonly diffEnergy: number[] = [];
  private readonly mixEnergy: number[] = [];
  private newFrames = 0;

  constructor(private readonly bucketOf: (frame: number) => number) {}

  keepOld(b: readonly Float64Array[], n: number): void {
    // Float32 halves the memory; its error (~1e-7 of full scale) is far below any difference worth naming.
    b.forEach((ch, c) => {
      const store = this.olds[c] ?? (this.olds[c] = new Float32Array(1 << 16));
      if (this.oldFrames + n > store.length) {
        const grown = new Float32Array(Math.max(store.length * 2, this.oldFrames + n));
        grown.set(store);
        this.olds[c] = grown;
      }
      this.olds[c]!.set(ch.subarray(0, n), this.oldFrames);
    });
    this.oldFrames += n;
  }

  compare(b: readonly Float64Array[], n: number): void {
    for (let i = 0; i < n; i++) {
      const t = this.newFrames + i;
      const k = this.bucketOf(t);
      let d2 = 0;
      let m2 = 0;
      for (let c = 0; c < b.length; c++) {
        // Both at float32 resolution, as a 32-bit float render holds them: identical mixes null exactly.
        const x = Math.fround(b[c]![i]!);
        const o = t < this.oldFrames ? this.olds[c]![t]! : 0;
        d2 += (x - o) * (x - o);
        m2 += x * x;
      }
      this.diffEnergy[k] = (this.diffEnergy[k] ?? 0) + d2;
      this.mixEnergy[k] = (this.mixEnergy[k] ?? 0) + m2;
    }
    this.newFrames += n;
  }

  /** What the old render had beyond the end of the new one is difference too. */
  finish(channels: number): void {
    for (let t = this.newFrames; t < this.oldFrames; t++) {
      const k = this.bucketOf(t);
      let d2 = 0;
      for (let c = 0; c < channels; c++) d2 += this.olds[c]![t]! ** 2;
      this.diffEnergy[k] = (this.diffEnergy[k] ?? 0) + d2;
    }
  }

  buckets(): { diff: number[]; mix: number[] } {
    return { diff: this.diffEnergy.map((x) => x ?? 0), mix: this.mixEnergy.map((x) => x ?? 0) };
  }
}

/**
 * Renders both versions (one after the other, with the render's worker
 * threads) and compares them. `changes` says which channels to meter.
 */
export async function audioDiff(older: AudioSide, newer: AudioSide, changes: readonly MixChange[], options: AudioDiffOptions = {}): Promise<AudioDiff> {
  const { progress } = options;
  const { old: oldNames, neu: newNames, shown } = changedChannels(changes);
  const rate = newer.model.sampleRate;
  // Bars of the new version where it has a tempo, else seconds.
  const tempo = newer.model.tempo;
  const beats = newer.model.meter.beats;
  const barFrames = tempo !== null ? barSeconds(2, 1, tempo, beats) * rate : rate;
  const nullMeter = new NullMeter((frame) => Math.floor(frame / barFrames));

  const render = (side: AudioSide, names: ReadonlySet<string>, onOutput: (b: readonly Float64Array[], n: number) => void) =>
    renderMix(side.model, { file: join(side.folder, side.fileName), out: null, bits: '32f', stems: null, from: null, to: null, onOutput, ...(progress ? { progress } : {}) }, { channelMeters: names });
  const outChannels = (m: MixModel) => (m.output === 'mono' ? 1 : 2);
  const series = options.shortTerm
    ? { old: new ShortTermSeries(older.model.sampleRate, outChannels(older.model)), new: new ShortTermSeries(rate, outChannels(newer.model)) }
    : null;
  const oldResult = await render(older, oldNames, (b, n) => { nullMeter.keepOld(b, n); series?.old.process(b, n); });
  const newResult = await render(newer, newNames, (b, n) => { nullMeter.compare(b, n); series?.new.process(b, n); });
  nullMeter.finish(older.model.output === 'mono' ? 1 : 2);

  const kindOf = (name: string, model: MixModel) => model.channels.find((c) => c.name === name)?.kind as 'track' | 'bus' | undefined;
  const channels: ChannelLoudness[] = [];
  for (const name of newNames) {
    const oldName = [...shown].find(([, n]) => n === name)?.[0] ?? name;
    const kind = kindOf(name, newer.model);
    if (!kind) continue;
    channels.push({ name, kind, old: oldResult.channels.get(oldName) ?? null, new: newResult.channels.get(name) ?? null });
  }
  for (const name of oldNames) {
    if (newNames.has(shown.get(name) ?? name)) continue;
    const kind = kindOf(name, older.model);
    if (!kind) continue;
    channels.push({ name, kind, old: oldResult.channels.get(name) ?? null, new: null });
  }

  const { diff, mix } = nullMeter.buckets();
  const totalDiff = diff.reduce((s, x) => s + x, 0);
  const totalMix = mix.reduce((s, x) => s + x, 0);
  let largest: NullTest['largest'] = null;
  if (totalDiff > 0) {
    const k = diff.indexOf(Math.max(...diff));
    const from = (k * barFrames) / rate;
    const to = ((k + 1) * barFrames) / rate;
    const frames = Math.min(barFrames, Math.max(1, Math.round(to * rate) - Math.round(from * rate)));
    const outChannels = newer.model.output === 'mono' ? 1 : 2;
    largest = { from, to, where: describeStretch(k, from, to, newer.model), rmsDbfs: 10 * Math.log10(diff[k]! / (frames * outChannels)) };
  }
  return {
    master: { old: oldResult.report, new: newResult.report },
    channels,
    nullTest: { belowMixDb: totalDiff === 0 ? -Infinity : 10 * Math.log10(totalDiff / Math.max(totalMix, Number.MIN_VALUE)), largest },
    metered: { count: channels.length, of: newer.model.channels.filter((c) => c.kind !== 'master').length },
    shortTerm: series ? { stepS: 0.1, old: series.old.values, new: series.new.values } : null,
  };
}

/** `bar 15 (chorus)` with a tempo, or `0:31–0:32` without one. */
function describeStretch(bucket: number, from: number, to: number, model: MixModel): string {
  const section = [...model.markers].reverse().find((m) => m.time <= from + 1e-9);
  const inSection = section ? ` (${section.name})` : '';
  return model.tempo !== null ? `bar ${bucket + 1}${inSection}` : `${showClock(from)}–${showClock(to)}${inSection}`;
}
