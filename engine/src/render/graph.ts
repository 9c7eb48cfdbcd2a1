/**
 * The mix as a graph of channel strips, rendered block by block.
 *
 * Built from the semantic model: channels in the model's processing order
 * (each after everything that feeds it), routes and sends summed into bus
 * inputs in a fixed order, so the result is deterministic. Latency of any
 * insert (a limiter's lookahead) is compensated: every path reaches each bus,
 * side-chain key and the master time-aligned with its sources (design §4).
 *
 * Summing groups. What tracks without side-chains send to a bus is summed
 * in groups of up to SUMMING_GROUP_SIZE tracks first, and each group's sum
 * joins the bus as one: the preview can then play a group that has not
 * changed from a stem the extension rendered (a frozen group) instead of
 * running its tracks, and the bus receives the same numbers in the same
 * order either way, so frozen and live playback are bit-identical by
 * construction. A group whose tracks are all muted or silenced by a solo
 * adds nothing, so the preview runs none of them (`skipSilentGroups`).
 */
import type { ChannelModel, MixModel } from '../../../grammar/src/model.js';
import { TrackSources, type AudioSource, type SourceProvider } from './sources.js';
import { Strip } from './strip.js';
import { keyChannelOf } from '../processors/index.js';
import { dbToGain } from '../dsp/portable-math.js';
import { applyCurve, fillCurve, gainOf, type Lane } from './automation.js';

const CENTRE = Math.SQRT1_2; // a mono pre-fader send spreads like a centred pan
/** An automated send's level as a factor; a mono pre-fader send's spread like a centred pan (no function made per block). */
const centredGainOf = (db: number) => gainOf(db) * CENTRE;
const identity = (v: number) => v;

/**
 * Tracks (their routes and sends) summed into one group before a bus. A
 * frozen group streams as one stereo 64-bit stem (768 KB a second at 48 kHz,
 * as much as four 16-bit stereo files), and an edit to one of its tracks
 * makes the whole group live again: 16 balances the two.
 */
export const SUMMING_GROUP_SIZE = 16;

/** Tracks whose routes and sends into one bus are summed together before it (see SUMMING_GROUP_SIZE). */
export interface SummingGroup {
  /** `BUS/N`: the Nth group (from 1) into the bus. */
  readonly key: string;
  readonly bus: string;
  /** The tracks, in processing order. */
  readonly members: readonly string[];
  /**
   * Everything its sum depends on: the tracks' settings and sources, their
   * trims and whether they are silenced, the files' versions, the sends'
   * gains and the latency compensation's delays. Equal signatures, equal
   * samples.
   */
  readonly signature: string;
}

/** What a group of silenced tracks sums to. */
const SILENCE: AudioSource = {
  channels: 2,
  frames: 0,
  read(_start, count, out, offset) {
    out[0]!.fill(0, offset, offset + count);
    out[1]!.fill(0, offset, offset + count);
  },
};

interface Group extends SummingGroup {
  /** The group's sum for the current block. */
  readonly sum: Float64Array[];
  /** Index of its last edge: the sum joins the bus after it. */
  lastEdge: number;
  /** The stem it plays from instead of running its tracks, or null (live). */
  readonly stem: AudioSource | null;
}

/**
 * The render's output from master's stereo output: a copy, or for
 * `output mono` the fold (L+R)/2. Plain loops: `set(subarray())` would make
 * two views per block, and the worklet's per-block path must not allocate.
 */
export function writeRenderOutput(master: readonly Float64Array[], n: number, out: Float64Array[], mono: boolean): void {
  const L = master[0]!;
  const R = master[1]!;
  if (mono) {
    const o = out[0]!;
    for (let i = 0; i < n; i++) o[i] = (L[i]! + R[i]!) * 0.5;
    return;
  }
  const oL = out[0]!;
  const oR = out[1]!;
  for (let i = 0; i < n; i++) {
    oL[i] = L[i]!;
    oR[i] = R[i]!;
  }
}

/** A fixed delay of whole frames on 1 or 2 channels (ring buffer, no allocation per block). */
class DelayLine {
  private readonly ring: Float64Array[];
  private pos = 0;

  constructor(channels: number, readonly delay: number) {
    this.ring = Array.from({ length: channels }, () => new Float64Array(Math.max(1, delay)));
  }

  /** Empties the line (its strip starts to run again after a pause). */
  reset(): void {
    for (const r of this.ring) r.fill(0);
    this.pos = 0;
  }

  /** Takes over another line's contents (same channels and delay), as if it had run here. */
  adopt(other: DelayLine): boolean {
    if (other.delay !== this.delay || other.ring.length !== this.ring.length) return false;
    this.ring.forEach((r, c) => r.set(other.ring[c]!));
    this.pos = other.pos;
    return true;
  }

  /** out[c][i] = input[c][i - delay]; `out` may not alias `input`. */
  process(input: readonly Float64Array[], n: number, out: Float64Array[]): void {
    const d = this.delay;
    let pos = this.pos;
    for (let c = 0; c < this.ring.length; c++) {
      const ring = this.ring[c]!;
      const src = input[c]!;
      const dst = out[c]!;
      pos = this.pos;
      for (let i = 0; i < n; i++) {
        dst[i] = ring[pos]!;
        ring[pos] = src[i]!;
        if (++pos === d) pos = 0;
      }
    }
    this.pos = pos;
  }
}

interface Edge {
  readonly from: Strip;
  readonly to: Strip;
  readonly gain: number;
  /** The stereo signal it carries: the strip's output, or its tap for a pre-fader send. */
  readonly source: readonly Float64Array[];
  readonly delay: DelayLine | null;
  readonly pre: boolean;
  /** A send's automation lane (its level in dB), or null. */
  readonly lane: Lane | null;
  /** A pre-fader send's channel's mute lane (the factor it applies), or null. */
  readonly mute: Lane | null;
  /** The summing group it joins the bus through, or null (straight into the bus input). */
  group: Group | null;
}

interface Key {
  readonly strip: Strip;
  readonly source: Strip;
  readonly delay: DelayLine;
  readonly buffers: Float64Array[];
}

export interface GraphOptions {
  /** Largest block `process` will be asked for. */
  readonly maxBlock?: number;
  /** Called after each strip has processed a block (stems, per-channel meters). */
  readonly onStrip?: (strip: Strip, position: number, frames: number) => void;
  /** Called with the master's input before its head gain (to cache it for `target`). */
  readonly onMasterInput?: (input: readonly Float64Array[], frames: number) => void;
  /** Linear gains for tracks with `trim auto`, measured beforehand (see measureAutoTrims). */
  readonly autoTrims?: ReadonlyMap<string, number>;
  /**
   * The stem to play a summing group from (a frozen group), or null to run
   * its tracks. Asked once per group as the graph is built; a stem must
   * hold, at graph position p, the group's sum at p (see `onGroup`).
   */
  readonly frozen?: (group: SummingGroup) => AudioSource | null;
  /** Called with each summing group's sum for each block (rendering a frozen group's stem). */
  readonly onGroup?: (group: SummingGroup, sum: readonly Float64Array[], position: number, frames: number) => void;
  /**
   * Runs none of the tracks of a group that is all muted or silenced (the
   * preview: it adds nothing to its bus). Off for renders, whose stems and
   * channel meters take every track's output, silent or not.
   */
  readonly skipSilentGroups?: boolean;
  /** A version of the audio file at `path` (for the groups' signatures): a stem is not played over a changed file. */
  readonly fileVersion?: (path: string) => string;
  /**
   * Tracks processed elsewhere (worker threads): the graph does not process
   * them, it reads their output from the buffers given, after `run` has
   * filled them for the block. Summing stays here, in the same order, so the
   * result is the same as processing every strip in one thread.
   */
  readonly external?: ExternalStrips;
}

export interface ExternalStrips {
  /**
   * The arrays each external strip's `out` and `tap` are built with. Their
   * elements may be replaced by `finish` (double buffering), never the arrays.
   */
  readonly buffers: ReadonlyMap<string, { readonly out: Float64Array[]; readonly tap: Float64Array[] | null }>;
  /** Makes sure graph positions [p, p+n) of every external strip are being computed. */
  begin(p: number, n: number): void;
  /**
   * Returns when they are in `buffers`. With `next` > 0 (the size of the
   * block that follows), the strips may start on it meanwhile.
   */
  finish(p: number, n: number, next: number): void;
}

/**
 * The options every strip of a channel is built with, wherever it runs: the
 * graph and worker threads must build identical strips. The whole-model
 * facts (solo, side-chain keys) are worked out once, not once per channel.
 */
export function stripOptionsFor(model: MixModel, autoTrims: ReadonlyMap<string, number> | undefined) {
  const silenced = silencedBySolo(model.channels);
  const keyed = keyingChannels(model);
  return (c: ChannelModel) => ({
    needsTap: keyed.has(c.name) || c.sends.some((s) => s.pre),
    trimGain: c.trim.mode === 'fixed' ? dbToGain(c.trim.gainDb) : autoTrims?.get(c.name) ?? 1,
    silenced: silenced.has(c.name),
    ignorePan: model.output === 'mono',
  });
}

/** Channels whose signal keys a processor somewhere (a bypassed processor needs no key). */
function keyingChannels(model: MixModel): Set<string> {
  return new Set(model.channels.flatMap((x) => x.inserts.flatMap((p) => keyChannelOf(p) ?? [])));
}

/** Tracks that can run in another thread: no side-chain in or out, so nothing but their sources feeds them. */
export function independentTracks(model: MixModel): string[] {
  const keyed = keyingChannels(model);
  return model.channels
    .filter((c) => c.kind === 'track' && !keyed.has(c.name) && !c.inserts.some((p) => keyChannelOf(p) !== null))
    .map((c) => c.name);
}

/** Which channels sound under solo: soloed ones, what they feed, and what feeds a soloed bus. */
function silencedBySolo(channels: readonly ChannelModel[]): Set<string> {
  const soloed = channels.filter((c) => c.solo && c.kind !== 'master').map((c) => c.name);
  if (soloed.length === 0) return new Set();
  const feeds = new Map<string, string[]>();
  for (const c of channels) feeds.set(c.name, [...(c.output ? [c.output] : []), ...c.sends.map((s) => s.bus)]);
  const audible = new Set<string>(['master']);
  const down = (name: string) => {
    if (audible.has(name) && name !== 'master') return;
    audible.add(name);
    for (const next of feeds.get(name) ?? []) down(next);
  };
  for (const name of soloed) down(name);
  // Everything that feeds a soloed bus is heard through it.
  const soloedBuses = new Set(channels.filter((c) => c.solo && c.kind === 'bus').map((c) => c.name));
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of channels) {
      if (audible.has(c.name) && !soloedBuses.has(c.name)) continue;
      if ((feeds.get(c.name) ?? []).some((d) => soloedBuses.has(d))) {
        if (!soloedBuses.has(c.name)) {
          soloedBuses.add(c.name);
          audible.add(c.name);
          grew = true;
        }
      }
    }
  }
  return new Set(channels.filter((c) => !audible.has(c.name)).map((c) => c.name));
}

export class MixGraph {
  readonly sampleRate: number;
  /** Frames the master output lags the timeline. */
  readonly latency: number;
  /** Frames of timeline to render: `length`, or the end of the last clip. */
  readonly length: number;
  readonly strips: readonly Strip[];
  readonly master: Strip;
  private readonly edges: Edge[] = [];
  private readonly keys: Key[] = [];
  private readonly byName = new Map<string, Strip>();
  private readonly scratch: Float64Array[];
  /** A send's per-sample level when it is automated, and a curve's scratch. */
  private readonly sendCurve: Float64Array;
  private readonly curveScratch: Float64Array;
  private headGain = 1;
  private readonly monoOutput: boolean;
  private readonly onStrip?: GraphOptions['onStrip'];
  private readonly external: ExternalStrips | null;
  private readonly independent: Set<Strip>;
  private readonly independentLocal: Strip[];
  private readonly onMasterInput?: GraphOptions['onMasterInput'];
  private readonly onGroup?: GraphOptions['onGroup'];
  private readonly summing: Group[] = [];
  /** Strips that run: all but the tracks whose every group plays from a stem. */
  private readonly running: Set<Strip>;
  /** Tracks of frozen groups that run unheard (see `setWarm`). */
  private warm: ReadonlySet<Strip> = new Set();

  constructor(readonly model: MixModel, provider: SourceProvider, options: GraphOptions = {}) {
    const maxBlock = options.maxBlock ?? 1024;
    this.onStrip = options.onStrip;
    this.onMasterInput = options.onMasterInput;
    this.onGroup = options.onGroup;
    this.sampleRate = model.sampleRate;
    this.monoOutput = model.output === 'mono';
    this.external = options.external ?? null;
    const optionsOf = stripOptionsFor(model, options.autoTrims);
    this.strips = model.channels.map((c) => {
      const sources = c.kind === 'track' ? new TrackSources(c.clips, c.cuts, provider, model.sampleRate, maxBlock) : null;
      const strip = new Strip(c, sources, model.sampleRate, maxBlock, {
        ...optionsOf(c),
        outputBuffers: this.external?.buffers.get(c.name),
      });
      this.byName.set(c.name, strip);
      return strip;
    });
    this.master = this.strips.find((s) => s.kind === 'master')!;
    this.independent = new Set(independentTracks(model).map((name) => this.byName.get(name)!));
    this.independentLocal = [...this.independent].filter((s) => !this.external?.buffers.has(s.name));
    this.scratch = [new Float64Array(maxBlock), new Float64Array(maxBlock)];
    this.sendCurve = new Float64Array(maxBlock);
    this.curveScratch = new Float64Array(maxBlock);

    // Latency compensation: each strip's input lag is the largest lag among
    // its inputs and keys; shorter paths are delayed to match.
    const outLag = new Map<string, number>();
    const inputsOf = new Map<string, Strip[]>();
    for (const x of this.strips) {
      for (const dest of new Set([...(x.model.output ? [x.model.output] : []), ...x.model.sends.map((d) => d.bus)])) {
        inputsOf.set(dest, [...(inputsOf.get(dest) ?? []), x]);
      }
    }
    for (const s of this.strips) {
      const inputs = inputsOf.get(s.name) ?? [];
      let lag = s.kind === 'track' ? 0 : Math.max(0, ...inputs.map((x) => outLag.get(x.name)!));
      s.inserts.forEach((insert, k) => {
        if (insert.keyChannel) lag = Math.max(lag, outLag.get(insert.keyChannel)! - s.latencyBefore(k));
      });
      s.inputLag = lag;
      outLag.set(s.name, lag + s.latency);
    }
    const delayFor = (frames: number, channels: number) => (frames > 0 ? new DelayLine(channels, frames) : null);
    for (const s of this.strips) {
      for (const [k, insert] of s.inserts.entries()) {
        if (!insert.keyChannel) continue;
        const source = this.byName.get(insert.keyChannel)!;
        const tap = source.tap!.slice(0, source.channels);
        const d = s.inputLag + s.latencyBefore(k) - outLag.get(source.name)!;
        if (d > 0) {
          const buffers = tap.map(() => new Float64Array(maxBlock));
          this.keys.push({ strip: s, source, delay: new DelayLine(tap.length, d), buffers });
          s.keys[k] = buffers;
        } else {
          s.keys[k] = tap;
        }
      }
      if (s.kind === 'master') continue;
      const dest = this.byName.get(s.model.output!)!;
      this.edges.push({
        from: s, to: dest, gain: 1, source: s.out, delay: delayFor(dest.inputLag - outLag.get(s.name)!, 2), pre: false, lane: null, mute: null, group: null,
      });
      for (const send of s.model.sends) {
        const bus = this.byName.get(send.bus)!;
        const gain = dbToGain(send.gainDb);
        const pre = send.pre;
        // A mono strip's pre-fader send spreads to both sides like a centred pan.
        const source = !pre ? s.out : s.channels === 2 ? s.tap! : [s.tap![0]!, s.tap![0]!];
        this.edges.push({
          from: s, to: bus, gain: pre && s.channels === 1 ? gain * CENTRE : gain, source,
          delay: delayFor(bus.inputLag - outLag.get(s.name)!, 2), pre,
          lane: s.automation?.sendLane(send.bus) ?? null,
          // Mute acts at the fader: a pre-fader send is taken before it, so it follows the mute lane itself.
          mute: pre ? s.automation?.mute ?? null : null,
          group: null,
        });
      }
    }
    this.latency = outLag.get('master')!;
    this.formGroups(maxBlock, optionsOf, options);
    // A track runs unless every group it feeds plays from a stem.
    this.running = new Set(this.strips.filter((s) => !this.edges.some((e) => e.from === s) || this.edges.some((e) => e.from === s && e.group?.stem == null)));
    const end = this.strips.reduce((m, s) => Math.max(m, s.sources?.end ?? 0), 0);
    this.length = model.length !== null ? Math.round(model.length * model.sampleRate) : end;
  }

  /** The summing groups, in the order their sums join the buses. */
  get groups(): readonly SummingGroup[] {
    return this.summing;
  }

  /** Whether `strip` runs (false for a track whose every group plays from a stem). */
  runs(strip: Strip): boolean {
    return this.running.has(strip);
  }

  /**
   * Runs the tracks of the frozen groups whose signatures are given,
   * unheard: their groups still play from their stems, but their processors
   * follow the music. The preview warms the groups an edit is about to
   * touch (the channel the editor's cursor is in), so that when the edit
   * makes a group live, the new graph takes over running state
   * (`adoptState`) and is heard at once instead of settling first. A track
   * that starts to run here starts from rest. Renders never call this.
   */
  setWarm(signatures: ReadonlySet<string>): void {
    const next = new Set<Strip>();
    for (const g of this.summing) {
      if (!g.stem || g.stem === SILENCE || !signatures.has(g.signature)) continue;
      for (const name of g.members) {
        const s = this.byName.get(name)!;
        if (!this.running.has(s) && !s.silent) next.add(s);
      }
    }
    for (const s of next) {
      if (this.warm.has(s)) continue;
      s.reset();
      for (const e of this.edges) if (e.from === s) e.delay?.reset();
    }
    this.warm = next;
  }

  /** Whether `strip` has running state to give a new graph: it ran, heard or not. */
  private hasState(strip: Strip): boolean {
    return this.running.has(strip) || this.warm.has(strip);
  }

  /**
   * Puts consecutive edges from independent tracks into each bus into
   * groups of up to SUMMING_GROUP_SIZE tracks; an edge from anything else
   * (a bus, a side-chained track) closes the bus's open group.
   */
  private formGroups(maxBlock: number, optionsOf: ReturnType<typeof stripOptionsFor>, options: GraphOptions): void {
    const open = new Map<Strip, { edges: Edge[]; members: Strip[] }>();
    const formed: { bus: Strip; edges: Edge[]; members: Strip[] }[] = [];
    const close = (bus: Strip) => {
      const g = open.get(bus);
      if (g) formed.push({ bus, ...g });
      open.delete(bus);
    };
    for (const e of this.edges) {
      if (!this.independent.has(e.from)) {
        close(e.to);
        continue;
      }
      let g = open.get(e.to);
      if (g && !g.members.includes(e.from) && g.members.length === SUMMING_GROUP_SIZE) {
        close(e.to);
        g = undefined;
      }
      if (!g) open.set(e.to, (g = { edges: [], members: [] }));
      g.edges.push(e);
      if (!g.members.includes(e.from)) g.members.push(e.from);
    }
    for (const bus of [...open.keys()]) close(bus);
    const count = new Map<Strip, number>();
    const version = options.fileVersion ?? (() => '');
    for (const f of formed) {
      const n = (count.get(f.bus) ?? 0) + 1;
      count.set(f.bus, n);
      const signature = JSON.stringify({
        rate: this.sampleRate,
        mono: this.monoOutput,
        edges: f.edges.map((e) => [e.from.name, e.gain, e.pre, e.delay?.delay ?? 0]),
        tracks: f.members.map((m) => {
          const { label: _label, color: _color, hidden: _hidden, solo: _solo, ...settings } = m.model;
          const o = optionsOf(m.model);
          return { settings, trim: o.trimGain, silenced: o.silenced, files: m.model.clips.map((c) => version(c.path)) };
        }),
      });
      const described: SummingGroup = { key: `${f.bus.name}/${n}`, bus: f.bus.name, members: f.members.map((m) => m.name), signature };
      // A group whose every track is muted or silenced by a solo adds nothing: it needs neither a stem nor its tracks.
      const silent = options.skipSilentGroups === true && f.members.every((m) => m.silent);
      const group: Group = {
        ...described,
        sum: [new Float64Array(maxBlock), new Float64Array(maxBlock)],
        lastEdge: this.edges.indexOf(f.edges.at(-1)!),
        stem: silent ? SILENCE : options.frozen?.(described) ?? null,
      };
      for (const e of f.edges) e.group = group;
      this.summing.push(group);
    }
    this.summing.sort((a, b) => a.lastEdge - b.lastEdge);
  }

  /**
   * Takes over the running state of `old`, the graph that played before an
   * edit: strips matched by channel name, their inserts by position, and the
   * latency-compensation delays by the channels they join. True when all of
   * this graph's state carried over and the timing is the same (the new
   * graph can then be heard at once); false when something starts afresh
   * (it should then run unheard for a while first).
   */
  adoptState(old: MixGraph): boolean {
    let all = old.latency === this.latency;
    for (const s of this.strips) {
      const o = old.byName.get(s.name);
      if (!o) {
        // A new channel starts with the music; one with processors (a cold compressor, empty filters) settles first.
        if (s.inserts.some((i) => !i.bypass)) all = false;
        continue;
      }
      // A strip that did not run (its groups played from stems, not warm) has no state to give: this one settles first.
      if (!old.hasState(o)) {
        if (this.running.has(s)) all = false;
        continue;
      }
      if (o.inputLag !== s.inputLag || !s.adopt(o)) all = false;
    }
    // A channel may feed the same bus twice (its output and a send): the nth such edge matches the nth.
    const delayKeys = (g: MixGraph) => {
      const seen = new Map<string, number>();
      const keyed: [string, DelayLine | null, boolean][] = [];
      for (const e of g.edges) {
        const base = `${e.from.name}>${e.to.name}`;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        keyed.push([`${base}#${n}`, e.delay, old.byName.has(e.from.name) && old.hasState(old.byName.get(e.from.name)!)]);
      }
      for (const k of g.keys) keyed.push([`${k.source.name}~${k.strip.name}`, k.delay, old.byName.has(k.source.name)]);
      return keyed;
    };
    const oldDelays = new Map(delayKeys(old).map(([key, line]) => [key, line]));
    const ranBefore = new Set(delayKeys(old).filter(([, , ran]) => ran).map(([key]) => key));
    for (const [key, line, known] of delayKeys(this)) {
      if (!line) continue;
      // A delay whose strip did not run holds stale audio: it refills while this graph settles.
      const from = ranBefore.has(key) ? oldDelays.get(key) : undefined;
      // A delay on a path that existed before must carry over, or a gap would be heard.
      if (!(from && line.adopt(from)) && known) all = false;
    }
    return all;
  }

  /** A gain stage at the head of the master chain, in dB (used to reach `target`). */
  setMasterHeadGain(db: number): void {
    this.headGain = dbToGain(db);
  }

  strip(name: string): Strip | undefined {
    return this.byName.get(name);
  }

  /**
   * Renders `n` frames at graph position `p`: the master output written to
   * `out` is timeline frames [p - latency, p - latency + n). `out` has 2
   * channels, or 1 for `output mono`.
   */
  process(p: number, n: number, out: Float64Array[], next = 0): void {
    // Tracks with no side-chain depend only on their sources: compute them
    // first (here and in any worker threads at once); then walk the strips in
    // processing order and sum into the buses in that fixed order.
    this.external?.begin(p, n);
    for (const s of this.independentLocal) if (this.running.has(s) || this.warm.has(s)) s.process(p, n);
    this.external?.finish(p, n, next);
    for (const g of this.summing) {
      if (g.stem) g.stem.read(p, n, g.sum, 0);
      else { g.sum[0]!.fill(0, 0, n); g.sum[1]!.fill(0, 0, n); }
    }
    for (const s of this.strips) {
      if (s.kind !== 'track') {
        s.input[0]!.fill(0, 0, n);
        s.input[1]!.fill(0, 0, n);
      }
    }
    let edge = 0;
    let key = 0;
    for (const s of this.strips) {
      if (s === this.master) {
        this.onMasterInput?.(s.input, n);
        const g = this.headGain;
        if (g !== 1) for (let c = 0; c < 2; c++) { const b = s.input[c]!; for (let i = 0; i < n; i++) b[i]! *= g; }
      }
      // Keys, like edges, were built in processing order.
      while (key < this.keys.length && this.keys[key]!.strip === s) {
        const k = this.keys[key++]!;
        k.delay.process(k.source.tap!, n, k.buffers);
      }
      if (!this.independent.has(s)) s.process(p, n);
      if (this.running.has(s)) this.onStrip?.(s, p, n);
      // Edges were built in processing order: this strip's are next.
      while (edge < this.edges.length && this.edges[edge]!.from === s) {
        const e = this.edges[edge]!;
        const g = e.group;
        if (!g) this.feed(e, e.to.input, p, n);
        else if (!g.stem) this.feed(e, g.sum, p, n);
        // A warm track's latency delays run too, so they hold the music when its group goes live.
        else if (e.delay && this.warm.has(s) && !s.silent) e.delay.process(e.source, n, this.scratch);
        if (g && g.lastEdge === edge) this.join(g, e.to, p, n);
        edge++;
      }
    }
    writeRenderOutput(this.master.out, n, out, this.monoOutput);
  }

  /** A group's sum joins its bus (after its last edge, whether it ran or was read from its stem). */
  private join(g: Group, bus: Strip, p: number, n: number): void {
    this.onGroup?.(g, g.sum, p, n);
    const L = bus.input[0]!;
    const R = bus.input[1]!;
    const sl = g.sum[0]!;
    const sr = g.sum[1]!;
    for (let i = 0; i < n; i++) { L[i]! += sl[i]!; R[i]! += sr[i]!; }
  }

  /** Adds what edge `e` carries into `into` (its bus's input, or its group's sum). */
  private feed(e: Edge, into: Float64Array[], p: number, n: number): void {
    if (e.from.silent) return; // mute and solo act at the fader, pre-fader sends included
    let src = e.source;
    const gain = e.gain;
    if (e.delay) {
      e.delay.process(src, n, this.scratch);
      src = this.scratch;
    }
    const L = into[0]!;
    const R = into[1]!;
    const sl = src[0]!;
    const sr = src[1]!;
    if (e.lane || e.mute) {
      // Automated: the level per sample, read at the timeline frame the bus input holds.
      const t = p - e.to.inputLag;
      const g = this.sendCurve;
      if (e.lane) fillCurve(e.lane, t, n, g, 0, e.pre && e.from.channels === 1 ? centredGainOf : gainOf);
      else g.fill(gain, 0, n);
      if (e.mute) applyCurve(e.mute, t, n, g, 0, this.curveScratch, identity);
      for (let i = 0; i < n; i++) { L[i]! += sl[i]! * g[i]!; R[i]! += sr[i]! * g[i]!; }
      return;
    }
    if (gain === 1) for (let i = 0; i < n; i++) { L[i]! += sl[i]!; R[i]! += sr[i]!; }
    else for (let i = 0; i < n; i++) { L[i]! += sl[i]! * gain; R[i]! += sr[i]! * gain; }
  }
}

/**
 * `trim auto`: the gain that brings each such track's summed sources to its
 * level, by sample peak or by RMS over the span where the track has sources.
 */
export function measureAutoTrims(model: MixModel, provider: SourceProvider, blockSize = 8192): Map<string, number> {
  const gains = new Map<string, number>();
  for (const c of model.channels) {
    if (c.kind !== 'track' || c.trim.mode !== 'auto') continue;
    const sources = new TrackSources(c.clips, c.cuts, provider, model.sampleRate, blockSize);
    const buf = [new Float64Array(blockSize), new Float64Array(blockSize)];
    let peak = 0;
    let sumSquares = 0;
    let count = 0;
    // Only where the track has sources: silence before a late clip is not part of its level.
    for (let t = sources.start; t < sources.end; t += blockSize) {
      const n = Math.min(blockSize, sources.end - t);
      for (let ch = 0; ch < sources.channels; ch++) buf[ch]!.fill(0, 0, n);
      sources.render(t, n, buf);
      for (let ch = 0; ch < sources.channels; ch++) {
        const b = buf[ch]!;
        for (let i = 0; i < n; i++) {
          const v = b[i]!;
          sumSquares += v * v;
          const a = v < 0 ? -v : v;
          if (a > peak) peak = a;
        }
        count += n;
      }
    }
    const measured = c.trim.detector === 'peak' ? peak : Math.sqrt(sumSquares / Math.max(1, count));
    // A silent track stays as it is rather than being raised without limit.
    gains.set(c.name, measured > 0 ? dbToGain(c.trim.levelDbfs) / measured : 1);
  }
  return gains;
}
