/**
 * The semantic diff of two mixes: what a reviewer of a mix wants to read,
 * computed from two semantic models, never from their text. So formatting,
 * comments and the order of settings in a block are never a change, and
 * writing a default value out is no change either (the model has every
 * default filled in).
 *
 * Matching is by identity (alsdiff's approach for Ableton sets): channels,
 * markers, references and sends by name; processors, EQ bands and clips by
 * what they are (their equal on the other side first, then the nearest of
 * their type), so inserting or reordering one changes nothing else. A
 * channel whose content is unchanged under another name is a rename, and
 * the routes and keys that followed it are no change. The result is
 * hierarchical: session > channel > processor > band > setting, and
 * channel > automation lane > point. Lanes are matched by what they move (a
 * processor's or band's parameter through the matching of its processor and
 * band, so a lane follows its processor wherever it went), their points in
 * time order.
 */
import type { AutomationModel, AutomationPointModel, AutomationTarget, BandModel, ChannelModel, ClipModel, CutModel, MixModel, ProcessorModel } from '../model.js';
import { BANDS } from '../processors/eq.js';
import { PROCESSORS, sidechainOf, withSidechainRenamed } from '../processors/index.js';
import type { ParamDecl } from '../processors/types.js';
import { showValue, type ValueKind } from '../units.js';
import type { MixChange } from './changes.js';
import { alignItems, alignNamed, movedItems, occurrence, pairByKey, placeOf, type Aligned } from './match.js';
import { showDb, showDuration, showFlag, showHz, showPercent, showRatio, showString, showTime } from './show.js';

type Path = readonly string[];

/** A setting of either side: what is compared, and how it reads. */
interface Setting {
  readonly name: string;
  readonly old: unknown;
  readonly neu: unknown;
  readonly show: (value: never, side: 'old' | 'neu') => string;
  /** A position in the song: reads the same in bars after a tempo change that moved it. */
  readonly time?: boolean;
}

/** A value in full, for two values that read the same in their written units. */
function precise(v: unknown, time: boolean): string {
  if (typeof v === 'number') return time ? `${Number(v.toFixed(6))} s` : String(v);
  return canonical(v);
}

class ChangeList {
  readonly changes: MixChange[] = [];
  constructor(readonly oldModel: MixModel, readonly newModel: MixModel) {}

  add(path: Path, written: string | null = null): void {
    this.changes.push({ op: 'add', path, old: null, new: written });
  }
  remove(path: Path, written: string | null = null): void {
    this.changes.push({ op: 'remove', path, old: written, new: null });
  }
  /** Each setting whose value differs becomes a change under `path`. */
  settings(path: Path, settings: readonly Setting[]): void {
    for (const s of settings) {
      if (same(s.old, s.neu)) continue;
      const show = s.show as (v: unknown, side: 'old' | 'neu') => string;
      const [was, is] = [show(s.old, 'old'), show(s.neu, 'neu')];
      if (was === is) {
        // `bar 17` stays `bar 17` when only the tempo moved it: the tempo is the change.
        if (s.time && tempoMoved(this.oldModel, this.newModel)) continue;
        // Otherwise a real change too small for the written units (a clip moved by 0.4 ms) is shown in full.
        this.changes.push({ op: 'change', path: [...path, s.name], old: `${was} (${precise(s.old, !!s.time)})`, new: `${is} (${precise(s.neu, !!s.time)})` });
        continue;
      }
      this.changes.push({ op: 'change', path: [...path, s.name], old: was, new: is });
    }
  }
  time(seconds: number, side: 'old' | 'neu'): string {
    return showTime(seconds, side === 'old' ? this.oldModel : this.newModel);
  }
}

/** Structural equality of model values (plain data: numbers, strings, booleans, null, arrays, objects). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(y, k) && same(x[k], y[k]));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function diffModels(oldModel: MixModel, newModel: MixModel): MixChange[] {
  const list = new ChangeList(oldModel, newModel);
  sessionChanges(list, oldModel, newModel);
  markerChanges(list, oldModel, newModel);
  referenceChanges(list, oldModel, newModel);
  channelChanges(list, oldModel, newModel);
  return list.changes;
}

// ---- session ------------------------------------------------------------------------------

function sessionChanges(list: ChangeList, o: MixModel, n: MixModel): void {
  list.settings(['session'], [
    { name: 'title', old: o.title, neu: n.title, show: (v: string) => JSON.stringify(v) },
    { name: 'samplerate', old: o.sampleRate, neu: n.sampleRate, show: (v: number) => showValue(v, 'Hz') },
    { name: 'tempo', old: o.tempo, neu: n.tempo, show: (v: number | null) => (v === null ? 'none' : showValue(v, 'bpm')) },
    { name: 'meter', old: o.meter, neu: n.meter, show: (v: MixModel['meter']) => `${v.beats}/${v.unit}` },
    { name: 'tempo changes', old: o.tempoMap?.tempos ?? [], neu: n.tempoMap?.tempos ?? [], show: (v: NonNullable<MixModel['tempoMap']>['tempos']) => (v.length === 0 ? 'none' : v.map((t) => `${showValue(t.bpm, 'bpm')} at bar ${t.bar}${t.ramp ? ' ramp' : ''}`).join(', ')) },
    { name: 'meter changes', old: o.tempoMap?.meters ?? [], neu: n.tempoMap?.meters ?? [], show: (v: NonNullable<MixModel['tempoMap']>['meters']) => (v.length === 0 ? 'none' : v.map((m) => `${m.beats}/${m.unit} at bar ${m.bar}`).join(', ')) },
    { name: 'output', old: o.output, neu: n.output, show: (v: string) => v },
    { name: 'length', old: o.length, neu: n.length, show: (v: number | null, side) => (v === null ? 'end of the last clip' : list.time(v, side)), time: true },
  ]);
}

function markerChanges(list: ChangeList, o: MixModel, n: MixModel): void {
  const { pairs, removed, added } = pairByKey(o.markers, n.markers, (m) => m.name);
  // A marker renamed in place: one removed and one added at the same time.
  const renamed = new Set<string>();
  for (const r of removed) {
    const a = added.find((x) => x.item.time === r.item.time && !renamed.has(x.item.name));
    if (!a) continue;
    renamed.add(a.item.name).add(r.item.name);
    list.changes.push({ op: 'rename', path: [`marker ${r.item.name}`], old: r.item.name, new: a.item.name });
  }
  for (const r of removed) if (!renamed.has(r.item.name)) list.remove([`marker ${r.item.name}`], list.time(r.item.time, 'old'));
  for (const p of pairs) list.settings([`marker ${p.old.name}`], [{ name: 'time', old: p.old.time, neu: p.neu.time, show: (v: number, side) => list.time(v, side), time: true }]);
  for (const a of added) if (!renamed.has(a.item.name)) list.add([`marker ${a.item.name}`], list.time(a.item.time, 'neu'));
}

function referenceChanges(list: ChangeList, o: MixModel, n: MixModel): void {
  const { pairs, removed, added } = pairByKey(o.references, n.references, (r) => r.name);
  for (const r of removed) list.remove([`reference ${r.item.name}`], JSON.stringify(r.item.path));
  for (const p of pairs) {
    list.settings([`reference ${p.old.name}`], [
      { name: 'file', old: p.old.path, neu: p.neu.path, show: (v: string) => JSON.stringify(v) },
      { name: 'gain', old: p.old.gainDb, neu: p.neu.gainDb, show: (v: number) => showDb(v) },
    ]);
  }
  for (const a of added) list.add([`reference ${a.item.name}`], JSON.stringify(a.item.path));
}

// ---- channels -----------------------------------------------------------------------------

const channelLabel = (c: Pick<ChannelModel, 'kind' | 'name'>) => (c.kind === 'master' ? 'master' : `${c.kind} ${c.name}`);

/** The channels a channel names: its output, its sends' buses, its keys. */
function withNamesMapped(c: ChannelModel, map: ReadonlyMap<string, string>): ChannelModel {
  const m = (name: string) => map.get(name) ?? name;
  return {
    ...c,
    name: m(c.name),
    output: c.output === null ? null : m(c.output),
    sends: c.sends.map((s) => ({ ...s, bus: m(s.bus) })),
    inserts: c.inserts.map((p) => withSidechainRenamed(p, m)),
    // A send lane follows its send to the renamed bus.
    ...(c.automation ? { automation: c.automation.map((l) => (l.target.kind === 'send' ? { ...l, target: { ...l.target, bus: m(l.target.bus) } } : l)) } : {}),
  };
}

/**
 * Renames: a channel gone and a channel new, of the same kind, alike in
 * everything but the name (and the names of other renamed channels they
 * refer to); or, for tracks, playing the same files when no other track
 * does. Returns new name → old name.
 */
function findRenames(o: MixModel, n: MixModel): Map<string, string> {
  const oldNames = new Set(o.channels.map((c) => c.name));
  const newNames = new Set(n.channels.map((c) => c.name));
  const gone = o.channels.filter((c) => !newNames.has(c.name));
  const fresh = n.channels.filter((c) => !oldNames.has(c.name));
  const renames = new Map<string, string>();
  const content = (c: ChannelModel, map: ReadonlyMap<string, string>) => canonical({ ...withNamesMapped(c, map), name: '' });
  const goneContent = new Map(gone.map((g) => [g.name, content(g, new Map())]));
  // Each round may let channels that refer to a renamed one match too.
  for (let grew = true; grew; ) {
    grew = false;
    const taken = new Set(renames.values());
    for (const f of fresh) {
      if (renames.has(f.name)) continue;
      const key = content(f, renames);
      const match = gone.find((g) => !taken.has(g.name) && g.kind === f.kind && goneContent.get(g.name) === key);
      if (!match) continue;
      renames.set(f.name, match.name);
      taken.add(match.name);
      grew = true;
    }
  }
  // Then a track that plays the same files under a new name is that track renamed, with whatever else changed.
  const sources = (c: ChannelModel) => canonical(c.clips.map((k) => k.path));
  for (const f of fresh) {
    if (renames.has(f.name) || f.kind !== 'track' || f.clips.length === 0) continue;
    const taken = new Set(renames.values());
    const candidates = gone.filter((g) => g.kind === 'track' && !taken.has(g.name) && sources(g) === sources(f));
    const rivals = fresh.filter((x) => x.kind === 'track' && !renames.has(x.name) && sources(x) === sources(f));
    if (candidates.length === 1 && rivals.length === 1) renames.set(f.name, candidates[0]!.name);
  }
  return renames;
}

function channelChanges(list: ChangeList, o: MixModel, n: MixModel): void {
  const renames = findRenames(o, n);
  const oldByName = new Map(o.channels.map((c) => [c.name, c]));
  // The new side's names as the old side knew them, so a route to a renamed bus is no change.
  const asOld = n.channels.map((c) => withNamesMapped(c, renames));

  const kept = new Set(asOld.map((c) => c.name));
  for (const c of o.channels) if (!kept.has(c.name)) list.remove([channelLabel(c)]);
  for (const [neu, old] of renames) {
    const kind = oldByName.get(old)!.kind;
    list.changes.push({ op: 'rename', path: [channelLabel({ kind, name: old })], old, new: neu });
  }
  moves(list, o, asOld, renames);
  for (const [i, c] of asOld.entries()) {
    const before = oldByName.get(c.name);
    const written = n.channels[i]!;
    if (!before) {
      list.add([channelLabel(written)]);
      continue;
    }
    // Changes are reported under the new name: that is the one the reviewer now reads in the file.
    channel(list, [channelLabel(written)], before, c, written);
  }
}

/**
 * Tracks written in another order. Only tracks without side-chains: their
 * place in the model's processing order is their written order, while a
 * bus's place follows from what feeds it.
 */
function moves(list: ChangeList, o: MixModel, asOld: readonly ChannelModel[], renames: ReadonlyMap<string, string>): void {
  const free = (c: ChannelModel) => c.kind === 'track' && !c.inserts.some((p) => sidechainOf(p) !== null);
  const oldOrder = o.channels.filter(free).map((c) => c.name);
  const newOrder = asOld.filter(free).map((c) => c.name);
  const back = new Map([...renames].map(([neu, old]) => [old, neu]));
  // The place reads among all the tracks both versions have, as the file lists them.
  const tracks = (cs: readonly ChannelModel[]) => cs.filter((c) => c.kind === 'track').map((c) => c.name);
  const [oldTracks, newTracks] = [tracks(o.channels), tracks(asOld)];
  const [oldPlaces, newPlaces] = [oldTracks.filter((x) => newTracks.includes(x)), newTracks.filter((x) => oldTracks.includes(x))];
  for (const name of movedItems(oldOrder, newOrder)) {
    const shown = (x: string) => back.get(x) ?? x;
    list.changes.push({ op: 'move', path: [`track ${shown(name)}`], old: placeOf(name, oldPlaces), new: placeOf(name, newPlaces, shown) });
  }
}

function channel(list: ChangeList, path: Path, o: ChannelModel, n: ChannelModel, shown: ChannelModel): void {
  list.settings(path, [
    { name: 'label', old: o.label, neu: n.label, show: showString },
    { name: 'color', old: o.color, neu: n.color, show: showString },
    { name: 'hidden', old: o.hidden, neu: n.hidden, show: showFlag },
    { name: 'mute', old: o.mute, neu: n.mute, show: showFlag },
    { name: 'solo', old: o.solo, neu: n.solo, show: showFlag },
  ]);
  clips(list, path, o.clips, n.clips);
  cuts(list, path, o.cuts, n.cuts);
  list.settings(path, [{ name: 'trim', old: o.trim, neu: n.trim, show: (t: ChannelModel['trim']) => (t.mode === 'fixed' ? showDb(t.gainDb) : `auto ${showValue(t.levelDbfs, 'dBFS')} ${t.detector}`) }]);
  inserts(list, path, o.inserts, n.inserts, shown.inserts);
  list.settings(path, [
    { name: 'gain', old: o.gainDb, neu: n.gainDb, show: (v: number) => showDb(v) },
    { name: 'pan', old: o.pan, neu: n.pan, show: (v: number) => showPercent(v, true) },
    { name: 'polarity', old: o.polarityInvert, neu: n.polarityInvert, show: (v: boolean) => (v ? 'invert' : 'normal') },
    // Compared by the old names; shown by the names in each file.
    { name: 'to', old: o.output, neu: n.output, show: (v: string | null, side) => (side === 'neu' ? shown.output : v) ?? 'none' },
  ]);
  sends(list, path, o, n, shown);
  list.settings(path, [{ name: 'target', old: o.targetLufs, neu: n.targetLufs, show: (v: number | null) => (v === null ? 'none' : showValue(v, 'LUFS')) }]);
  automation(list, path, o, n, shown);
}

function sends(list: ChangeList, path: Path, o: ChannelModel, n: ChannelModel, shown: ChannelModel): void {
  const { pairs, removed, added } = pairByKey(o.sends, n.sends, (s) => s.bus);
  const written = (s: ChannelModel['sends'][number]) => `${showDb(s.gainDb)}${s.pre ? ' pre' : ''}`;
  const shownBus = (s: ChannelModel['sends'][number]) => shown.sends[n.sends.indexOf(s)]!.bus;
  for (const r of removed) list.remove([...path, `send ${r.item.bus}`], written(r.item));
  for (const p of pairs) {
    list.settings([...path, `send ${shownBus(p.neu)}`], [
      { name: 'gain', old: p.old.gainDb, neu: p.neu.gainDb, show: (v: number) => showDb(v) },
      { name: 'pre', old: p.old.pre, neu: p.neu.pre, show: (v: boolean) => (v ? 'pre-fader' : 'post-fader') },
    ]);
  }
  for (const a of added) list.add([...path, `send ${shownBus(a.item)}`], written(a.item));
}

// ---- clips and cuts ---------------------------------------------------------------------------

function clipSettings(list: ChangeList, c: ClipModel, side: 'old' | 'neu'): string {
  // As it would be written: only what differs from the defaults.
  const parts: string[] = [];
  if (c.at !== 0) parts.push(`at ${list.time(c.at, side)}`);
  if (c.from !== c.at) parts.push(`from ${list.time(c.from, side)}`);
  if (c.to !== null) parts.push(`to ${list.time(c.to, side)}`);
  if (c.fadeInWritten) parts.push(`fadein ${showDuration(c.fadeIn)}${c.fadeInShape ? ` ${c.fadeInShape}` : ''}`);
  if (c.fadeOutWritten) parts.push(`fadeout ${showDuration(c.fadeOut)}${c.fadeOutShape ? ` ${c.fadeOutShape}` : ''}`);
  if (c.gainDb !== 0) parts.push(`gain ${showDb(c.gainDb)}`);
  return parts.length > 0 ? parts.join(' ') : 'the whole file';
}

function clips(list: ChangeList, path: Path, o: readonly ClipModel[], n: readonly ClipModel[]): void {
  // Clips sum, so their order is no change; a clip is matched by its file, then by what it is, then by nearest time.
  const byPath = (c: ClipModel) => c.path;
  const { pairs, removed, added } = alignItems(o, n, byPath, same, (a, b) => Math.abs(a.at - b.at) + Math.abs(a.from - b.from));
  const label = (list_: readonly ClipModel[], index: number) => {
    const k = occurrence(list_, index, byPath);
    return `clip ${JSON.stringify(list_[index]!.path)}${k === 1 ? '' : `#${k}`}`;
  };
  for (const r of removed) list.remove([...path, label(o, r.index)], clipSettings(list, r.item, 'old'));
  for (const p of pairs) {
    list.settings([...path, label(n, p.newIndex)], [
      { name: 'at', old: p.old.at, neu: p.neu.at, show: (v: number, side) => list.time(v, side), time: true },
      { name: 'from', old: p.old.from, neu: p.neu.from, show: (v: number, side) => list.time(v, side), time: true },
      { name: 'to', old: p.old.to, neu: p.neu.to, show: (v: number | null, side) => (v === null ? 'end of file' : list.time(v, side)), time: true },
      // Writing out a default fade is no change: the length is what is heard.
      { name: 'fadein', old: p.old.fadeIn, neu: p.neu.fadeIn, show: (v: number) => showDuration(v) },
      { name: 'fadeout', old: p.old.fadeOut, neu: p.neu.fadeOut, show: (v: number) => showDuration(v) },
      // A shape left out is equal-power: writing `equal` is no change.
      { name: 'fadein shape', old: p.old.fadeInShape ?? 'equal', neu: p.neu.fadeInShape ?? 'equal', show: (v: string) => v },
      { name: 'fadeout shape', old: p.old.fadeOutShape ?? 'equal', neu: p.neu.fadeOutShape ?? 'equal', show: (v: string) => v },
      { name: 'gain', old: p.old.gainDb, neu: p.neu.gainDb, show: (v: number) => showDb(v) },
    ]);
  }
  for (const a of added) list.add([...path, label(n, a.index)], clipSettings(list, a.item, 'neu'));
}

function cuts(list: ChangeList, path: Path, o: readonly CutModel[], n: readonly CutModel[]): void {
  // A cut is its span: one moved is one removed and one added.
  const { removed, added } = pairByKey(o, n, canonical);
  const written = (c: CutModel, side: 'old' | 'neu') => `${list.time(c.from, side)} to ${list.time(c.to, side)}${c.shape ? ` ${c.shape}` : ''}`;
  for (const r of removed) list.remove([...path, 'cut'], written(r.item, 'old'));
  for (const a of added) list.add([...path, 'cut'], written(a.item, 'neu'));
}

// ---- processors --------------------------------------------------------------------------------

/** How many settings two processors of one type differ in (a changed one is matched to its nearest). */
function settingsApart(a: ProcessorModel, b: ProcessorModel): number {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  return Object.keys(x).reduce((n, k) => n + (same(x[k], y[k]) ? 0 : 1), 0);
}

/** `glue` for a named processor; else `comp`, or `comp#2` for the second compressor of a chain. */
function processorLabel(chain: readonly ProcessorModel[], index: number): string {
  const name = chain[index]!.name;
  if (name !== undefined) return name;
  const k = occurrence(chain, index, (p) => p.type);
  return k === 1 ? chain[index]!.type : `${chain[index]!.type}#${k}`;
}

/** The processors of two chains paired (what `inserts` reports, and what a lane's target follows). */
function alignInserts(o: readonly ProcessorModel[], n: readonly ProcessorModel[]): Aligned<ProcessorModel> {
  return alignNamed(o, n, (a, b) => alignItems(a, b, (p) => p.type, same, settingsApart));
}

/**
 * `shown` is the new chain as written (its side-chain keys under their new
 * names); `n` is the same chain with renamed channels under their old names,
 * which is what is compared.
 */
function inserts(list: ChangeList, path: Path, o: readonly ProcessorModel[], n: readonly ProcessorModel[], shown: readonly ProcessorModel[]): void {
  // The same processor is found where it went: a block inserted before another of its type changes nothing else.
  // A named processor is found by its name first.
  const { pairs, removed, added } = alignInserts(o, n);
  for (const r of removed) list.remove([...path, processorLabel(o, r.index)], processorText(r.item));
  // The order of a chain is heard: moves are reported, by the processors' labels in the new chain.
  const id = (x: { oldIndex: number }) => String(x.oldIndex);
  const oldOrder = [...pairs].sort((x, y) => x.oldIndex - y.oldIndex).map(id);
  const newOrder = pairs.map(id);
  const labelOf = new Map(pairs.map((x) => [id(x), processorLabel(n, x.newIndex)]));
  for (const moved of movedItems(oldOrder, newOrder)) {
    list.changes.push({
      op: 'move', path: [...path, labelOf.get(moved)!],
      old: placeOf(moved, oldOrder, (x) => labelOf.get(x)!),
      new: placeOf(moved, newOrder, (x) => labelOf.get(x)!),
    });
  }
  for (const p of pairs) processor(list, [...path, processorLabel(n, p.newIndex)], p.old, p.neu, shown[p.newIndex]!);
  for (const a of added) list.add([...path, processorLabel(n, a.index)], processorText(shown[a.index]!));
}

/** How a parameter's value reads, from its declaration. */
function showParam(decl: ParamDecl, model: ProcessorModel): string {
  const m = model as unknown as Record<string, unknown>;
  const v = m[decl.field];
  if (decl.syntax === 'channel') return v === null ? 'none' : String(v);
  if (decl.syntax === 'ratio') return showRatio(v as number);
  return showQuantity(v as number, decl.kind, decl.kind === 'ceiling' ? String(m['ceilingMode'] ?? decl.unit) : decl.unit);
}

/** A number of a kind of value (units.ts) as the diff shows it; `unit` is the one written where the kind has several (a ceiling's dBFS or dBTP). */
function showQuantity(x: number, kind: ValueKind | null, unit: string | null): string {
  switch (kind) {
    case 'gain': return showDb(x);
    case 'ceiling': return showDb(x, unit ?? 'dB');
    case 'duration': return showDuration(x);
    case 'percent': return showPercent(x);
    case 'frequency': return showHz(x);
    default: return showValue(x, unit);
  }
}

/** The fields a parameter sets: its own and those it sets along (a ceiling's mode). */
function paramFields(decl: ParamDecl, model: ProcessorModel): unknown[] {
  const m = model as unknown as Record<string, unknown>;
  return [m[decl.field], ...Object.keys(decl.alsoSets ?? {}).map((k) => m[k])];
}

/** A processor's or band's name, or `none`. */
const showName = (v: string | null) => v ?? 'none';

/** A processor's settings as they read, `{ threshold -20 dB; ratio 4:1; … }` (the diff's and the hover's). */
export function processorText(p: ProcessorModel): string {
  const decl = PROCESSORS[p.type];
  const parts: string[] = [];
  if (p.bypass) parts.push('bypass');
  for (const param of decl.params as readonly ParamDecl[]) {
    const shown = showParam(param, p);
    if (param.syntax === 'channel' && shown === 'none') continue;
    parts.push(`${param.keyword} ${shown}`);
  }
  if (p.type === 'eq') for (const b of p.bands) parts.push(bandText(b));
  return `{ ${parts.join('; ')} }`;
}

function processor(list: ChangeList, path: Path, o: ProcessorModel, n: ProcessorModel, shown: ProcessorModel): void {
  list.settings(path, [
    { name: 'name', old: o.name ?? null, neu: n.name ?? null, show: showName },
    { name: 'bypass', old: o.bypass, neu: n.bypass, show: showFlag },
  ]);
  const decl = PROCESSORS[o.type];
  list.settings(path, (decl.params as readonly ParamDecl[]).map((param) => ({
    name: param.keyword,
    old: paramFields(param, o),
    neu: paramFields(param, n),
    show: (_v: unknown, side: 'old' | 'neu') => showParam(param, side === 'old' ? o : shown),
  })));
  if (o.type === 'eq' && n.type === 'eq') bands(list, path, o.bands, n.bands);
}

// ---- EQ bands ------------------------------------------------------------------------------------

const hasGain = (b: BandModel) => b.type === 'bell' || b.type === 'lowshelf' || b.type === 'highshelf';
const isPass = (b: BandModel) => b.type === 'highpass' || b.type === 'lowpass';

/** An EQ band as it reads, `bell 3 kHz +2 dB q 1.4`. */
export function bandText(b: BandModel): string {
  const parts = [b.type, showHz(b.freq)];
  if (hasGain(b)) parts.push(showDb(b.gainDb));
  if (isPass(b) && b.slope !== null) parts.push(`slope ${showValue(b.slope, 'dB/oct')}`);
  const defaultQ = BANDS.find((d) => d.type === b.type)?.defaultQ;
  if (b.q !== defaultQ && !(isPass(b) && b.slope !== 12)) parts.push(`q ${showValue(b.q, null)}`);
  return parts.join(' ');
}

/** The bands of two EQs paired (what `bands` reports, and what a band's lane follows). */
function alignBands(o: readonly BandModel[], n: readonly BandModel[]): Aligned<BandModel> {
  return alignNamed(o, n, (x, y) => alignItems(x, y, (b) => b.type, same, (a, b) => Math.abs(Math.log(a.freq / b.freq))));
}

function bands(list: ChangeList, path: Path, o: readonly BandModel[], n: readonly BandModel[]): void {
  // Bands in series commute, so their order is no change; a band is matched by what it is, then by the nearest frequency.
  // A named band is found by its name first.
  const { pairs, removed, added } = alignBands(o, n);
  // A band is shown by its name, or by its type and the frequency it had: `bell 300 Hz`.
  const label = (b: BandModel) => b.name ?? `${b.type} ${showHz(b.freq)}`;
  for (const r of removed) list.remove([...path, label(r.item)], bandText(r.item));
  for (const p of pairs) {
    const settings: Setting[] = [
      { name: 'name', old: p.old.name ?? null, neu: p.neu.name ?? null, show: showName },
      { name: 'freq', old: p.old.freq, neu: p.neu.freq, show: showHz },
    ];
    if (hasGain(p.old)) settings.push({ name: 'gain', old: p.old.gainDb, neu: p.neu.gainDb, show: (v: number) => showDb(v) });
    if (isPass(p.old)) settings.push({ name: 'slope', old: p.old.slope, neu: p.neu.slope, show: (v: number | null) => (v === null ? 'none' : showValue(v, 'dB/oct')) });
    settings.push({ name: 'q', old: p.old.q, neu: p.neu.q, show: (v: number) => showValue(v, null) });
    list.settings([...path, label(p.old)], settings);
  }
  for (const a of added) list.add([...path, label(a.item)], bandText(a.item));
}

// ---- automation ----------------------------------------------------------------------------------

/**
 * How many point changes a lane lists line by line. A lane with more (an
 * added, removed, moved or changed point counts one each) was redrawn or
 * shifted wholesale, and one line says so: its points and span, old and new,
 * and how many points moved, changed, were added and removed. A lane added
 * or removed is written out up to this many points, and summed up likewise
 * beyond.
 */
const MAX_POINT_CHANGES = 8;

/**
 * The size of the table (old × new points, after the equal points at both
 * ends) beyond which two lanes' points are not aligned for the fewest
 * changes but merged in time order: equal points and points at one time
 * paired, no moves found. A million cells is some 20 ms.
 */
const MAX_ALIGN_CELLS = 1_000_000;

type Side = 'old' | 'neu';

/**
 * A lane's target as it is written after `automate`: `gain`, `send verb`,
 * `glue.threshold`, `presence.freq`, `comp#2.ratio` (an unnamed processor by
 * its type and position from 1, as a lane must name it).
 */
function laneTarget(c: ChannelModel, t: AutomationTarget): string {
  if (t.kind === 'send') return `send ${t.bus}`;
  if (t.kind !== 'param') return t.kind;
  const p = c.inserts[t.insert];
  if (!p) return t.field;
  const part = p.name ?? `${p.type}#${occurrence(c.inserts, t.insert, (x) => x.type)}`;
  if (t.band === null) {
    const decl = (PROCESSORS[p.type].params as readonly ParamDecl[]).find((x) => x.field === t.field);
    return `${part}.${decl?.keyword ?? t.field}`;
  }
  const decl = PROCESSORS[p.type].bands?.params.find((x) => x.field === t.field);
  const b = p.type === 'eq' ? p.bands[t.band] : undefined;
  // A lane names its band; a band that lost its name is shown as the diff shows an unnamed band.
  const band = b?.name ?? (b ? `${part} ${b.type} ${showHz(b.freq)}` : part);
  return `${band}.${decl?.keyword ?? t.field}`;
}

/** A point's value in the target's unit: `-3 dB`, `+20%`, `2 kHz`, `40 ms`, `4:1`, `on`. */
function laneValue(c: ChannelModel, t: AutomationTarget, v: number): string {
  switch (t.kind) {
    case 'gain': case 'trim': case 'send': return showDb(v);
    case 'pan': return showPercent(v, true);
    case 'mute': return showFlag(v >= 0.5);
    case 'param': {
      const p = c.inserts[t.insert];
      if (!p) return showValue(v, null);
      if (t.band !== null) {
        const decl = PROCESSORS[p.type].bands?.params.find((x) => x.field === t.field);
        return showQuantity(v, decl?.kind ?? null, decl?.unit ?? null);
      }
      const decl = (PROCESSORS[p.type].params as readonly ParamDecl[]).find((x) => x.field === t.field);
      return decl ? showParam(decl, { ...p, [t.field]: v } as ProcessorModel) : showValue(v, null);
    }
  }
}

/** One side of a lane comparison: its channel (for names and units) and the lane. */
interface LaneSide {
  readonly channel: ChannelModel;
  readonly lane: AutomationModel;
  readonly side: Side;
}

/** A point as a lane writes it: `0:32 -3 dB`, `bar 13 +1 dB hold` (a mute lane's points are always `hold`, so never written). */
function pointText(list: ChangeList, l: LaneSide, p: AutomationPointModel): string {
  const shape = p.shape !== 'linear' && l.lane.target.kind !== 'mute' ? ` ${p.shape}` : '';
  return `${list.time(p.time, l.side)} ${laneValue(l.channel, l.lane.target, p.value)}${shape}`;
}

/** A lane added or removed, written out: `4 points { 0:00 -2 dB; bar 13 +1 dB hold; … }`, or summed up when long. */
function laneText(list: ChangeList, l: LaneSide): string {
  const points = l.lane.points;
  if (points.length > MAX_POINT_CHANGES) return laneSpan(list, l);
  return `${pointCount(points.length)} { ${points.map((p) => pointText(list, l, p)).join('; ')} }`;
}

/** `12 points, bar 1 to bar 33`. */
function laneSpan(list: ChangeList, l: LaneSide): string {
  const points = l.lane.points;
  const [first, last] = [points[0], points.at(-1)];
  if (!first || !last) return pointCount(0);
  const span = first.time === last.time ? `at ${list.time(first.time, l.side)}` : `${list.time(first.time, l.side)} to ${list.time(last.time, l.side)}`;
  return `${pointCount(points.length)}, ${span}`;
}

const pointCount = (n: number) => `${n} point${n === 1 ? '' : 's'}`;

/**
 * The lanes of a channel, matched by what they move: `gain`, a send by its
 * bus (under the old names, so a lane follows a renamed bus), a processor's
 * or band's parameter by the processor and band the diff pairs (so a lane
 * follows its processor when the chain is reordered, or the processor is
 * renamed). A lane whose processor or band is gone is removed; one on a new
 * processor is added. Lanes are shown by their targets in each file, matched
 * ones by the new file's.
 */
function automation(list: ChangeList, path: Path, o: ChannelModel, n: ChannelModel, shown: ChannelModel): void {
  const oldLanes = o.automation ?? [];
  const newLanes = n.automation ?? [];
  if (oldLanes.length === 0 && newLanes.length === 0) return;
  const keyOf = (t: AutomationTarget) => (t.kind === 'param' ? `param ${t.insert} ${t.band ?? '-'} ${t.field}` : t.kind === 'send' ? `send ${t.bus}` : t.kind);

  // A new lane's target as the old chain numbers it, or null when its processor or band is new.
  const insertPairs = alignInserts(o.inserts, n.inserts).pairs;
  const oldInsert = new Map(insertPairs.map((p) => [p.newIndex, p.oldIndex]));
  const bandMaps = new Map<number, Map<number, number>>();
  const oldBand = (newInsert: number, band: number): number | undefined => {
    if (!bandMaps.has(newInsert)) {
      const pair = insertPairs.find((p) => p.newIndex === newInsert);
      const [a, b] = [pair?.old, pair?.neu];
      const map = new Map<number, number>();
      if (a?.type === 'eq' && b?.type === 'eq') for (const x of alignBands(a.bands, b.bands).pairs) map.set(x.newIndex, x.oldIndex);
      bandMaps.set(newInsert, map);
    }
    return bandMaps.get(newInsert)!.get(band);
  };
  const asOld = (t: AutomationTarget): string | null => {
    if (t.kind !== 'param') return keyOf(t);
    const insert = oldInsert.get(t.insert);
    if (insert === undefined) return null;
    if (t.band === null) return keyOf({ ...t, insert });
    const band = oldBand(t.insert, t.band);
    return band === undefined ? null : keyOf({ ...t, insert, band });
  };

  const oldKeys = oldLanes.map((l) => keyOf(l.target));
  const newKeys = newLanes.map((l) => asOld(l.target));
  const oldSide = (i: number): LaneSide => ({ channel: o, lane: oldLanes[i]!, side: 'old' });
  // Shown as written: a send lane under its bus's new name.
  const newSide = (j: number): LaneSide => ({ channel: shown, lane: shown.automation?.[j] ?? newLanes[j]!, side: 'neu' });
  const lanePath = (l: LaneSide) => [...path, `automate ${laneTarget(l.channel, l.lane.target)}`];

  oldKeys.forEach((key, i) => {
    if (!newKeys.includes(key)) list.remove(lanePath(oldSide(i)), laneText(list, oldSide(i)));
  });
  newKeys.forEach((key, j) => {
    const i = key === null ? -1 : oldKeys.indexOf(key);
    if (i >= 0) lanePoints(list, lanePath(newSide(j)), oldSide(i), newSide(j));
  });
  newKeys.forEach((key, j) => {
    if (key === null || !oldKeys.includes(key)) list.add(lanePath(newSide(j)), laneText(list, newSide(j)));
  });
}

/** One step of aligning two lanes' points, in time order. */
type PointStep =
  | { readonly kind: 'same' | 'pair'; readonly old: AutomationPointModel; readonly neu: AutomationPointModel }
  | { readonly kind: 'remove'; readonly old: AutomationPointModel }
  | { readonly kind: 'add'; readonly neu: AutomationPointModel };

/**
 * The points of a matched lane, compared in time order: a point at the same
 * time with another value or shape is changed (`point at 0:32 -3 dB -> -1 dB`),
 * a point with the same value at another time is moved
 * (`point: moved, 0:32 -> 0:36`), the rest are removed and added. Of the ways
 * to pair them, the one with the fewest changes. More than
 * MAX_POINT_CHANGES changes are one line for the lane.
 */
function lanePoints(list: ChangeList, path: Path, o: LaneSide, n: LaneSide): void {
  // `bar 17` at another tempo is the same time: the tempo is the change.
  const tempoChanged = tempoMoved(list.oldModel, list.newModel);
  const sameTime = (a: number, b: number) => a === b || (tempoChanged && list.time(a, 'old') === list.time(b, 'neu'));
  const steps = alignPoints(o.lane.points, n.lane.points, sameTime);
  const edits = steps.filter((s) => s.kind !== 'same');
  if (edits.length === 0) return;
  if (edits.length > MAX_POINT_CHANGES) {
    const count = (what: string, k: number) => (k > 0 ? [`${k} ${what}`] : []);
    const moved = edits.filter((s) => s.kind === 'pair' && !sameTime(s.old.time, s.neu.time)).length;
    const parts = [
      ...count('moved', moved),
      ...count('changed', edits.filter((s) => s.kind === 'pair').length - moved),
      ...count('added', edits.filter((s) => s.kind === 'add').length),
      ...count('removed', edits.filter((s) => s.kind === 'remove').length),
    ];
    list.changes.push({ op: 'change', path, old: laneSpan(list, o), new: `${laneSpan(list, n)} (${parts.join(', ')})` });
    return;
  }
  const time = (t: number, side: Side) => list.time(t, side);
  for (const s of edits) {
    if (s.kind === 'remove') list.remove([...path, 'point'], pointText(list, o, s.old));
    else if (s.kind === 'add') list.add([...path, 'point'], pointText(list, n, s.neu));
    else if (s.kind === 'pair') {
      const label = `point at ${time(s.old.time, 'old')}`;
      if (!sameTime(s.old.time, s.neu.time)) {
        let [was, is] = [time(s.old.time, 'old'), time(s.neu.time, 'neu')];
        // A move too small for the written time is shown in full, as a setting's is.
        if (was === is) [was, is] = [`${was} (${precise(s.old.time, true)})`, `${is} (${precise(s.neu.time, true)})`];
        list.changes.push({ op: 'move', path: [...path, 'point'], old: was, new: is });
      }
      if (s.old.value !== s.neu.value || s.old.shape !== s.neu.shape) {
        // The point's value, with its shape when that is written or changed: `-3 dB -> -3 dB hold`.
        const withShape = s.old.shape !== s.neu.shape || s.old.shape !== 'linear';
        const value = (l: LaneSide, p: AutomationPointModel) => {
          const v = laneValue(l.channel, l.lane.target, p.value);
          return withShape && l.lane.target.kind !== 'mute' ? `${v} ${p.shape}` : v;
        };
        let [was, is] = [value(o, s.old), value(n, s.neu)];
        if (was === is) [was, is] = [`${was} (${precise(s.old.value, false)})`, `${is} (${precise(s.neu.value, false)})`];
        list.changes.push({ op: 'change', path: [...path, label], old: was, new: is });
      }
    }
  }
}

/**
 * Two lanes' points aligned in time order with the fewest changes: equal
 * points cost nothing; a point paired with one at the same time (another
 * value or shape) or with the same value (at another time) costs one, plus
 * a half for another shape; a point removed or added costs one. A point at
 * another time with another value is no pair: it was removed and another
 * added. The equal points at both ends are taken off first, so a local edit
 * to a long lane aligns only the part around it.
 */
function alignPoints(
  o: readonly AutomationPointModel[],
  n: readonly AutomationPointModel[],
  sameTime: (a: number, b: number) => boolean = (a, b) => a === b,
): PointStep[] {
  const equal = (a: AutomationPointModel, b: AutomationPointModel) => sameTime(a.time, b.time) && a.value === b.value && a.shape === b.shape;
  let start = 0;
  while (start < o.length && start < n.length && equal(o[start]!, n[start]!)) start++;
  let [endO, endN] = [o.length, n.length];
  while (endO > start && endN > start && equal(o[endO - 1]!, n[endN - 1]!)) { endO--; endN--; }
  const head: PointStep[] = o.slice(0, start).map((p, i) => ({ kind: 'same', old: p, neu: n[i]! }));
  const tail: PointStep[] = o.slice(endO).map((p, i) => ({ kind: 'same', old: p, neu: n[endN + i]! }));
  const [a, b] = [o.slice(start, endO), n.slice(start, endN)];
  return [...head, ...alignMiddle(a, b, sameTime, equal), ...tail];
}

function alignMiddle(
  a: readonly AutomationPointModel[],
  b: readonly AutomationPointModel[],
  sameTime: (x: number, y: number) => boolean,
  equal: (x: AutomationPointModel, y: AutomationPointModel) => boolean,
): PointStep[] {
  const steps: PointStep[] = [];
  if ((a.length + 1) * (b.length + 1) > MAX_ALIGN_CELLS) {
    // Too long to weigh every pairing: merged in time order, equal points and points at one time paired.
    let [i, j] = [0, 0];
    while (i < a.length || j < b.length) {
      const [x, y] = [a[i], b[j]];
      if (x && y && (equal(x, y) || sameTime(x.time, y.time))) { steps.push({ kind: equal(x, y) ? 'same' : 'pair', old: x, neu: y }); i++; j++; }
      else if (x && (!y || x.time <= y.time)) { steps.push({ kind: 'remove', old: x }); i++; }
      else { steps.push({ kind: 'add', neu: y! }); j++; }
    }
    return steps;
  }
  // Costs in halves: a point removed or added 2, another time or value 2, another shape 1.
  const pairCost = (x: AutomationPointModel, y: AutomationPointModel): number => {
    const moved = !sameTime(x.time, y.time);
    const revalued = x.value !== y.value;
    if (moved && revalued) return Infinity;
    return (moved ? 2 : 0) + (revalued ? 2 : 0) + (x.shape !== y.shape ? 1 : 0);
  };
  // cost[i][j]: the fewest changes aligning a[i..] with b[j..].
  const w = b.length + 1;
  const cost = new Float64Array((a.length + 1) * w);
  for (let i = a.length; i >= 0; i--) {
    for (let j = b.length; j >= 0; j--) {
      if (i === a.length && j === b.length) continue;
      let best = Infinity;
      if (i < a.length) best = Math.min(best, 2 + cost[(i + 1) * w + j]!);
      if (j < b.length) best = Math.min(best, 2 + cost[i * w + j + 1]!);
      if (i < a.length && j < b.length) best = Math.min(best, pairCost(a[i]!, b[j]!) + cost[(i + 1) * w + j + 1]!);
      cost[i * w + j] = best;
    }
  }
  // Read forward: a pair when it is among the best, else the earlier of a removal and an addition.
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    const here = cost[i * w + j]!;
    const [x, y] = [a[i], b[j]];
    if (x && y && pairCost(x, y) + cost[(i + 1) * w + j + 1]! === here) {
      steps.push({ kind: equal(x, y) ? 'same' : 'pair', old: x, neu: y });
      i++; j++;
      continue;
    }
    const canRemove = !!x && 2 + cost[(i + 1) * w + j]! === here;
    const canAdd = !!y && 2 + cost[i * w + j + 1]! === here;
    if (canRemove && (!canAdd || x!.time <= y!.time)) { steps.push({ kind: 'remove', old: x! }); i++; }
    else { steps.push({ kind: 'add', neu: y! }); j++; }
  }
  return steps;
}

/** Whether bar times mean other seconds in the new version: its tempo, meter or their changes moved. */
function tempoMoved(o: MixModel, n: MixModel): boolean {
  return o.tempo !== n.tempo || !same(o.meter, n.meter) || !same(o.tempoMap ?? null, n.tempoMap ?? null);
}
