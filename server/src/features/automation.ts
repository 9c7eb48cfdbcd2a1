/**
 * What automation lanes move, for completion, hover and the outline: the
 * targets a channel offers (from its model and the processor registry),
 * each with its unit and range, how values are shown, and which model lane
 * and model point a written lane and point became.
 */
import {
  TempoMap, automatableParams, PROCESSORS, showValue, UNIT_RULES, type AutomateStatement, type AutomationModel, type AutomationPoint,
  type AutomationTargetNode, type BandModel, type ChannelModel, type ParamDecl, type ProcessorDecl, type ProcessorModel, type ValueKind,
} from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';

type BandParamDecl = NonNullable<ProcessorDecl['bands']>['params'][number];

/** How a target's values are written and shown. */
export interface ValueFormat {
  /** The unit rules of the value; `switch` for a mute lane's `on`/`off`, `ratio` for `4:1`. */
  readonly kind: ValueKind | 'switch' | 'ratio';
  /** The units a value may be written in, the one shown first (`dB`; `Hz`, `kHz`; `ms`, `s`); empty for none. */
  readonly units: readonly string[];
}

/** One thing a lane of a channel can move. */
export interface TargetInfo {
  /** As written after `automate`: `gain`, `send verb`, `glue.threshold`, `comp#2.ratio`. */
  readonly label: string;
  /** The parameter alone, after `NAME.` (`threshold`); the label for the channel's own settings. */
  readonly param: string;
  /** What it moves, in words: `the fader`, `threshold of comp glue`. */
  readonly moves: string;
  readonly format: ValueFormat;
  /** `-inf – +24 dB`, `0.05 – 1000 ms`, `on or off`. */
  readonly range: string;
  /** The value it has without automation (the written setting or its default), in base units. */
  readonly current: number | null;
  /** The registry's one line about the parameter, when it has one. */
  readonly summary?: string;
}

const GAIN: ValueFormat = { kind: 'gain', units: ['dB'] };

function settingTarget(c: ChannelModel, setting: 'gain' | 'pan' | 'trim' | 'mute'): TargetInfo | null {
  switch (setting) {
    case 'gain':
      return { label: 'gain', param: 'gain', moves: 'the fader', format: GAIN, range: '-inf – +24 dB', current: c.gainDb };
    case 'pan':
      return { label: 'pan', param: 'pan', moves: 'the pan position', format: { kind: 'percent', units: ['%'] }, range: '-100% – +100%', current: c.pan };
    case 'trim':
      // `trim auto` is measured, not set: it cannot be automated.
      if (c.trim.mode !== 'fixed') return null;
      return { label: 'trim', param: 'trim', moves: 'the trim', format: GAIN, range: '-inf – +48 dB', current: c.trim.gainDb };
    case 'mute':
      if (c.kind === 'master') return null;
      return { label: 'mute', param: 'mute', moves: 'muting (on mutes the channel and its sends)', format: { kind: 'switch', units: [] }, range: 'on or off', current: c.mute ? 1 : 0 };
  }
}

export function sendTarget(c: ChannelModel, bus: string): TargetInfo | null {
  const send = c.sends.find((s) => s.bus === bus);
  if (!send) return null;
  return { label: `send ${bus}`, param: bus, moves: `the level of the send to ${bus}`, format: GAIN, range: '-inf – +24 dB', current: send.gainDb };
}

/** `comp glue`, or `comp #2` for an unnamed one. */
function processorLabel(c: ChannelModel, insert: number): string {
  const p = c.inserts[insert]!;
  return p.name ? `${p.type} ${p.name}` : `${p.type} #${positionOf(c, insert)}`;
}

/** The position of an insert among the channel's blocks of its type, from 1 (`comp#2`). */
function positionOf(c: ChannelModel, insert: number): number {
  const type = c.inserts[insert]!.type;
  return c.inserts.slice(0, insert + 1).filter((p) => p.type === type).length;
}

function paramFormat(p: ProcessorModel, d: ParamDecl): ValueFormat {
  if (d.syntax === 'ratio') return { kind: 'ratio', units: [] };
  const kind = d.kind!;
  if (kind === 'ceiling' && p.type === 'limit') return { kind, units: [p.ceilingMode] }; // points keep the limiter's own unit
  return { kind, units: unitsFirst(kind, d.unit) };
}

/** The units a kind of value takes, the one the registry shows it in first. */
function unitsFirst(kind: ValueKind, unit: string | null): string[] {
  const units = Object.keys(UNIT_RULES[kind].units);
  return unit ? [unit, ...units.filter((u) => u !== unit)] : units;
}

/** A range in the unit values are shown in: `-60 – 0 dB`, `0.05 – 1000 ms`, `0 – 100%`. */
function rangeText(format: ValueFormat, min: number, max: number): string {
  const unit = format.units[0] ?? null;
  const factor = unit && format.kind !== 'switch' && format.kind !== 'ratio' ? (UNIT_RULES[format.kind].units as Record<string, number | undefined>)[unit] ?? 1 : 1;
  const lo = min / factor;
  const hi = max / factor;
  const n = (v: number) => `${lo < 0 && v > 0 ? '+' : ''}${showValue(v, null)}`;
  return `${n(lo)} – ${n(hi)}${!unit ? '' : unit === '%' ? '%' : ` ${unit}`}`;
}

function processorParamTarget(c: ChannelModel, insert: number, d: ParamDecl, label: string): TargetInfo {
  const p = c.inserts[insert]!;
  const format = paramFormat(p, d);
  const range = d.docs?.range && format.kind !== 'ceiling' ? d.docs.range : rangeText(format, d.range!.min, d.range!.max);
  const current = (p as unknown as Record<string, unknown>)[d.field];
  return {
    label, param: d.keyword, moves: `${d.keyword} of ${processorLabel(c, insert)}`, format, range,
    current: typeof current === 'number' ? current : null, summary: d.summary,
  };
}

function bandParamTarget(c: ChannelModel, insert: number, band: number, d: BandParamDecl, sampleRate: number): TargetInfo {
  const b = (c.inserts[insert] as { readonly bands: readonly BandModel[] }).bands[band]!;
  const format: ValueFormat = { kind: d.kind, units: unitsFirst(d.kind, d.unit) };
  const { min, max } = d.range(sampleRate);
  const current = (b as unknown as Record<string, unknown>)[d.field];
  return {
    label: `${b.name}.${d.keyword}`, param: d.keyword, moves: `${d.keyword} of the ${b.type} band ${b.name}`, format,
    range: rangeText(format, min, max), current: typeof current === 'number' ? current : null, summary: d.summary,
  };
}

const bandParams = (): readonly BandParamDecl[] => PROCESSORS.eq.bands!.params;

/** A processor's or band's automatable parameters, by the part's name (`glue`, `presence`) or by type and position (`comp`, 2). */
export function partTargets(c: ChannelModel, part: string, index: number | null, sampleRate: number): TargetInfo[] {
  if (index !== null) {
    const ofType = c.inserts.map((p, i) => [p, i] as const).filter(([p]) => p.type === part);
    const hit = ofType[index - 1];
    if (!hit || hit[0].type === 'eq') return []; // an EQ is automated band by band
    return automatableParams(hit[0].type).map((d) => processorParamTarget(c, hit[1], d, `${part}#${index}.${d.keyword}`));
  }
  const insert = c.inserts.findIndex((p) => p.name === part);
  if (insert >= 0) {
    const p = c.inserts[insert]!;
    if (p.type === 'eq') return [];
    return automatableParams(p.type).map((d) => processorParamTarget(c, insert, d, `${part}.${d.keyword}`));
  }
  for (const [i, p] of c.inserts.entries()) {
    if (p.type !== 'eq') continue;
    const b = p.bands.findIndex((x) => x.name === part);
    if (b >= 0) return bandParams().filter((d) => d.appliesTo(p.bands[b]!)).map((d) => bandParamTarget(c, i, b, d, sampleRate));
  }
  return [];
}

/**
 * Everything a lane of the channel can move, in the order a person reads the
 * channel: its own settings, its sends, then each processor's or named
 * band's parameters (named parts by name, unnamed processors as TYPE#N).
 */
export function channelTargets(c: ChannelModel, sampleRate: number): TargetInfo[] {
  const out: TargetInfo[] = [];
  for (const s of ['gain', 'pan', 'trim', 'mute'] as const) {
    const t = settingTarget(c, s);
    if (t) out.push(t);
  }
  for (const s of c.sends) out.push(sendTarget(c, s.bus)!);
  for (const [i, p] of c.inserts.entries()) {
    if (p.type === 'eq') {
      for (const b of p.bands) if (b.name) out.push(...partTargets(c, b.name, null, sampleRate));
    } else if (p.name) {
      out.push(...partTargets(c, p.name, null, sampleRate));
    } else {
      out.push(...partTargets(c, p.type, positionOf(c, i), sampleRate));
    }
  }
  return out;
}

/** What a written target moves, or null when it moves nothing (analysis reports why). */
export function targetOf(c: ChannelModel, t: AutomationTargetNode, sampleRate: number): TargetInfo | null {
  switch (t.kind) {
    case 'setting': return settingTarget(c, t.setting);
    case 'send': return sendTarget(c, t.bus.name);
    case 'part': {
      const all = partTargets(c, t.part.name, t.index ? t.index.value : null, sampleRate);
      return all.find((x) => x.param === t.param.name) ?? null;
    }
    case 'unknown': return null;
  }
}

/** The target as written, spaces normalised: `gain`, `send verb`, `glue.threshold`, `comp#2.ratio`. */
export function writtenTarget(doc: DocState, lane: AutomateStatement): string {
  return lane.target ? doc.text.slice(lane.target.span.start, lane.target.span.end).replace(/\s+/g, ' ') : '';
}

// ---- values -------------------------------------------------------------------------------

/** The number of a value in `unit`: base units divided by the unit's factor. */
export function inUnit(format: ValueFormat, value: number, unit: string): number {
  if (format.kind === 'switch' || format.kind === 'ratio') return value;
  const factor = (UNIT_RULES[format.kind].units as Record<string, number | undefined>)[unit] ?? 1;
  return value / factor;
}

/** A value as a person writes it: `+1 dB`, `-20%`, `3.2 kHz`, `60 ms`, `4:1`, `on`. */
export function showTargetValue(format: ValueFormat, value: number): string {
  if (format.kind === 'switch') return value >= 0.5 ? 'on' : 'off';
  if (format.kind === 'ratio') return value === Infinity ? 'inf' : `${showValue(value, null)}:1`;
  let unit = format.units[0] ?? null;
  // A frequency reads best in kHz from 1 kHz up.
  if (format.kind === 'frequency' && Math.abs(value) >= 1000 && format.units.includes('kHz')) unit = 'kHz';
  const n = unit ? inUnit(format, value, unit) : value;
  const signed = (format.kind === 'gain' || format.kind === 'percent') && n > 0 ? '+' : '';
  return signed + showValue(n, unit);
}

// ---- the model of a written lane -----------------------------------------------------------

/** The model of a written lane, found through the source map (`channel:NAME/automation:K`); null when analysis left it out. */
export function laneModel(doc: DocState, channel: string, lane: AutomateStatement): AutomationModel | null {
  const c = doc.checked.model.channels.find((x) => x.name === channel);
  const lanes = c?.automation ?? [];
  for (let k = 0; k < lanes.length; k++) {
    const s = doc.checked.sources[`channel:${channel}/automation:${k}`];
    if (s && s.start === lane.span.start && s.end === lane.span.end) return lanes[k]!;
  }
  return null;
}

/**
 * For each written point, the index of the model point it became, or null.
 * The model has the usable points in time order: when they were out of
 * order, the `points-out-of-order` diagnostic lists them in exactly that
 * order; otherwise they are the usable points in written order. A point is
 * unusable when an error lies on its time or value (a count check guards
 * against a case this misses; then no point is matched).
 */
export function modelPointIndexes(doc: DocState, lane: AutomateStatement, model: AutomationModel): (number | null)[] {
  const same = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start === b.start && a.end === b.end;
  const sorted = doc.checked.diagnostics.find((d) => d.code === 'points-out-of-order' && d.data?.kind === 'sortPoints' && same(d.data.body, lane.bodySpan));
  if (sorted?.data?.kind === 'sortPoints') {
    const spans = sorted.data.sorted;
    return lane.points.map((p) => {
      const i = spans.findIndex((s) => same(s, p.span));
      return i >= 0 && i < model.points.length ? i : null;
    });
  }
  if (model.points.length === lane.points.length) return lane.points.map((_, i) => i);
  const usable = lane.points.map((p) => isUsable(doc, p));
  if (usable.filter(Boolean).length !== model.points.length) return lane.points.map(() => null);
  let k = 0;
  return usable.map((u) => (u ? k++ : null));
}

function isUsable(doc: DocState, p: AutomationPoint): boolean {
  if (!p.time || (!p.value && !p.switch)) return false;
  const parts = [p.time.span, p.value?.span, p.denominator?.span, p.switch?.span].filter((s): s is { start: number; end: number } => !!s);
  return !doc.checked.diagnostics.some((d) => d.severity === 'error' && parts.some((s) => d.span.start >= s.start && d.span.end <= s.end));
}

// ---- times ---------------------------------------------------------------------------------

/** `m:ss.mmm`, always with milliseconds: 32 s -> `0:32.000`. */
export function clockMs(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const m = Math.floor(ms / 60000);
  const rest = ms - m * 60000;
  return `${m}:${String(Math.floor(rest / 1000)).padStart(2, '0')}.${String(rest % 1000).padStart(3, '0')}`;
}

/**
 * `bar.beat` through the tempo map: `17.1`; a time between beats gets the
 * hundredths of a beat as a third field, as DAWs write it (`17.2.50`).
 */
export function barBeat(seconds: number, map: TempoMap): string {
  const { bar, beat } = map.position(seconds);
  const hundredths = Math.round((beat - 1) * 100);
  const whole = Math.floor(hundredths / 100);
  const frac = hundredths - whole * 100;
  const beats = map.meterAt(bar).beats;
  // A hair under the next bar reads as its first beat.
  if (whole >= beats) return `${bar + 1}.1`;
  return `${bar}.${whole + 1}${frac ? `.${String(frac).padStart(2, '0')}` : ''}`;
}
