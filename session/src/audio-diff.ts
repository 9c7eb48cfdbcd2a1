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
import { TempoMap, channelOfChange, renamedChannels, showClock } from '../../grammar/src/index.js';
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
  /**
   * The difference's energy against the new render's, dB: -Infinity when the
   * renders are identical, +Infinity when the new render is silent, null
   * when they cannot be compared sample by sample (see `note`).
   */
  readonly belowMixDb: number | null;
  /** Why there is no null test (the sample rates differ), or null. */
  readonly note: string | null;
  /** True when the difference is below NULL_FLOOR_DB: rounding (a new summing order), not a change. */
  readonly nulls: boolean;
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

/** A difference this far below the mix is rounding, not a change anyone can hear. */
export const NULL_FLOOR_DB = -120;

/**
 * The tracks and buses whose settings or sources a change list touches, by
 * their name in each version, and the renames (new name → old name).
 */
export function changedChannels(changes: readonly MixChange[]): { old: Set<string>; neu: Set<string>; renamed: Map<string, string> } {
  const old = new Set<string>();
  const neu = new Set<string>();
  const renamed = renamedChannels(changes);
  for (const c of changes) {
    const channel = channelOfChange(c);
    if (!channel || channel.kind === 'master') continue;
    const { name } = channel;
    // A name or a place in the file is no change to the sound: only settings and sources are metered.
    if (c.op === 'rename' || c.op === 'move') continue;
    if (c.path.length === 1 && c.op === 'remove') { old.add(name); continue; }
    if (c.path.length === 1 && c.op === 'add') { neu.add(name); continue; }
    neu.add(name);
    old.add(renamed.get(name) ?? name);
  }
  return { old, neu, renamed };
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

  /**
   * The old render's sample for channel `c` of a render of `channels`: the
   * same channel, a mono render on both sides, or the mono fold (L+R)/2 of a
   * stereo one (design §4), so a layout change compares what is heard.
   */
  private old(c: number, t: number, channels: number): number {
    const had = this.olds.length;
    if (t >= this.oldFrames || had === 0) return 0;
    if (had === channels) return this.olds[c]![t]!;
    if (had === 1) return this.olds[0]![t]!;
    return Math.fround((this.olds[0]![t]! + this.olds[1]![t]!) * 0.5);
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
        const o = this.old(c, t, b.length);
        d2 += (x - o) * (x - o);
        m2 += x * x;
      }
      this.diffEnergy[k] = (this.diffEnergy[k] ?? 0) + d2;
      this.mixEnergy[k] = (this.mixEnergy[k] ?? 0) + m2;
    }
    this.newFrames += n;
  }

  /** What the old render had beyond the end of the new one is difference too. */
  finish(): void {
    for (let t = this.newFrames; t < this.oldFrames; t++) {
      const k = this.bucketOf(t);
      let d2 = 0;
      for (const old of this.olds) d2 += old[t]! ** 2;
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
  const { old: oldNames, neu: newNames, renamed } = changedChannels(changes);
  const newNameOf = new Map([...renamed].map(([neu, old]) => [old, neu]));
  const rate = newer.model.sampleRate;
  // Bars of the new version where it has a tempo, else seconds.
  const map = TempoMap.of(newer.model);
  const nullMeter = new NullMeter(map ? (frame) => map.position(frame / rate).bar - 1 : (frame) => Math.floor(frame / rate));

  const outChannels = (m: MixModel) => (m.output === 'mono' ? 1 : 2);
  const render = async (side: AudioSide, names: ReadonlySet<string>, onOutput: (b: readonly Float64Array[], n: number) => void) => {
    // A version with nothing to play (an empty mix: a file new in this change, or deleted) is silence, not an error.
    if (side.model.length === null && side.model.channels.every((c) => c.clips.length === 0)) {
      return { report: new LoudnessMeter(side.model.sampleRate, outChannels(side.model)).report(), channels: new Map<string, LoudnessReport>() };
    }
    return renderMix(side.model, { file: join(side.folder, side.fileName), out: null, bits: '32f', stems: null, from: null, to: null, onOutput, ...(progress ? { progress } : {}) }, { channelMeters: names });
  };
  const series = options.shortTerm
    ? { old: new ShortTermSeries(older.model.sampleRate, outChannels(older.model)), new: new ShortTermSeries(rate, outChannels(newer.model)) }
    : null;
  const oldResult = await render(older, oldNames, (b, n) => { nullMeter.keepOld(b, n); series?.old.process(b, n); });
  const newResult = await render(newer, newNames, (b, n) => { nullMeter.compare(b, n); series?.new.process(b, n); });
  nullMeter.finish();

  const kindOf = (name: string, model: MixModel) => model.channels.find((c) => c.name === name)?.kind as 'track' | 'bus' | undefined;
  const channels: ChannelLoudness[] = [];
  for (const name of newNames) {
    const oldName = renamed.get(name) ?? name;
    const kind = kindOf(name, newer.model);
    if (!kind) continue;
    channels.push({ name, kind, old: oldResult.channels.get(oldName) ?? null, new: newResult.channels.get(name) ?? null });
  }
  for (const name of oldNames) {
    if (newNames.has(newNameOf.get(name) ?? name)) continue;
    const kind = kindOf(name, older.model);
    if (!kind) continue;
    channels.push({ name, kind, old: oldResult.channels.get(name) ?? null, new: null });
  }

  const { diff, mix } = nullMeter.buckets();
  const totalDiff = diff.reduce((s, x) => s + x, 0);
  const totalMix = mix.reduce((s, x) => s + x, 0);
  const belowMixDb = totalDiff === 0 ? -Infinity : totalMix === 0 ? Infinity : 10 * Math.log10(totalDiff / totalMix);
  const nulls = belowMixDb < NULL_FLOOR_DB;
  // Renders at two rates cannot be subtracted sample by sample.
  const ratesDiffer = older.model.sampleRate !== newer.model.sampleRate;
  let largest: NullTest['largest'] = null;
  if (totalDiff > 0 && !nulls && !ratesDiffer) {
    const k = diff.indexOf(Math.max(...diff));
    // Bucket k is bar k+1 (through the tempo map) or second k.
    const from = map ? map.seconds(k + 1) : k;
    const to = map ? map.seconds(k + 2) : k + 1;
    const frames = Math.max(1, Math.round(to * rate) - Math.round(from * rate));
    const outChannels = newer.model.output === 'mono' ? 1 : 2;
    largest = { from, to, where: describeStretch(k, from, to, newer.model), rmsDbfs: 10 * Math.log10(diff[k]! / (frames * outChannels)) };
  }
  return {
    master: { old: oldResult.report, new: newResult.report },
    channels,
    nullTest: ratesDiffer
      ? { belowMixDb: null, note: `not made: the sample rates differ (${older.model.sampleRate} Hz -> ${newer.model.sampleRate} Hz)`, nulls: false, largest: null }
      : { belowMixDb, note: null, nulls, largest },
    // Of every track and bus of either version.
    metered: { count: channels.length, of: new Set([...older.model.channels, ...newer.model.channels].filter((c) => c.kind !== 'master').map((c) => newNameOf.get(c.name) ?? c.name)).size },
    shortTerm: series ? { stepS: 0.1, old: series.old.values, new: series.new.values } : null,
  };
}

/** `bar 15 (chorus)` with a tempo, or `0:31–0:32` without one. */
function describeStretch(bucket: number, from: number, to: number, model: MixModel): string {
  const section = [...model.markers].reverse().find((m) => m.time <= from + 1e-9);
  const inSection = section ? ` (${section.name})` : '';
  return model.tempo !== null ? `bar ${bucket + 1}${inSection}` : `${showClock(from)}–${showClock(to)}${inSection}`;
}
