/**
 * From syntax tree to semantic model, with every diagnostic of design §6.
 *
 * One pass over a possibly partial tree: each statement adds what it can to
 * the model and reports what is wrong with it. Values that are wrong fall back
 * to their defaults so the rest of the file is still checked and the model is
 * always complete (the preview keeps playing the last valid model; it only
 * swaps in a model whose analysis has no errors).
 */
import type * as ast from './ast.js';
import { CODES, type Diagnostic, type DiagnosticCode, type DiagnosticData, type NameExpectation, type Severity } from './diagnostics.js';
import { durationOf, noFacts, type AudioFacts } from './facts.js';
import {
  barSeconds, DEFAULTS, type BandModel, type ChannelModel, type ClipModel, type CompModel, type CutModel, type EqModel,
  type LimitModel, type MarkerModel, type MixModel, type ProcessorModel, type ReferenceModel, type SendModel,
  type SourceMap, type TrimModel,
} from './model.js';
import { closestNames } from './names.js';
import { KEYWORDS, UNIT_IMAGES } from './tokens.js';
import { showValue, UNIT_RULES, unitsOf, type ValueKind } from './units.js';

export type SymbolKind = 'track' | 'bus' | 'master' | 'reference' | 'marker';

/** A name defined in the file. */
export interface MixSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The name as written (for `master`, the keyword). */
  readonly nameSpan: Span;
  /** The whole defining statement. */
  readonly span: Span;
  /** True for the `master` that exists without being written. */
  readonly implicit?: boolean;
}

/** A use of a name: `to drums`, `send crush`, `sidechain kick`, `from chorus`. */
export interface NameUse {
  readonly name: string;
  readonly span: Span;
  readonly expects: NameExpectation;
  readonly target: MixSymbol | null;
}

export interface Analysis {
  readonly model: MixModel;
  readonly sources: SourceMap;
  readonly diagnostics: readonly Diagnostic[];
  readonly symbols: readonly MixSymbol[];
  readonly uses: readonly NameUse[];
}

type Span = ast.Span;

export interface AnalyzeOptions {
  readonly facts?: AudioFacts;
  /** Used as the title when the file sets none. */
  readonly fileName?: string;
}

const KEYWORD_SET = new Set<string>([...KEYWORDS, ...UNIT_IMAGES]);
/** Settings only a comp, or only a limit, takes. */
const COMP_ONLY = new Set(['threshold', 'ratio', 'knee', 'attack', 'makeup', 'mix', 'sidechain']);
const LIMIT_ONLY = new Set(['ceiling', 'lookahead']);
/** The q a band has when none is written (design §5). */
const DEFAULT_Q: Record<ast.BandType, number> = {
  highpass: DEFAULTS.band.passQ, lowpass: DEFAULTS.band.passQ, lowshelf: DEFAULTS.band.shelfQ, highshelf: DEFAULTS.band.shelfQ,
  bell: DEFAULTS.band.bellQ, notch: DEFAULTS.band.notchQ, bandpass: DEFAULTS.band.bandpassQ,
};
const MUTABLE = <T>(x: T) => x as { -readonly [K in keyof T]: T[K] };

/** Where the unit of a quantity is written: the end of its span. */
function unitSpanOf(q: ast.Quantity): Span {
  return { start: q.span.end - (q.unit?.length ?? 0), end: q.span.end };
}

export function analyze(document: ast.MixDocument, options: AnalyzeOptions = {}): Analysis {
  return new Analyzer(document, options).run();
}

class Analyzer {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly sources: Record<string, Span> = {};
  private readonly symbols: MixSymbol[] = [];
  private readonly uses: NameUse[] = [];
  private readonly facts: AudioFacts;

  private sampleRate = DEFAULTS.sampleRate;
  private tempo: number | null = null;
  private meter = { ...DEFAULTS.meter };
  private readonly markerStatements = new Map<string, ast.MarkerStatement>();
  private readonly markerTimes = new Map<string, number | undefined>();
  private readonly resolving = new Set<string>();
  private readonly channelSymbols = new Map<string, MixSymbol>();
  /** Every defined name (names are unique; duplicates are reported and left out). */
  private readonly symbolsByName = new Map<string, MixSymbol>();
  /** `to`, `send` and `sidechain` statements that analysis accepted (not duplicates, not misplaced). */
  private readonly acceptedRoutes = new Set<ast.AnyStatement>();
  /** Clips with a time that could not be worked out: left out of overlap checks. */
  private readonly uncertainClips = new Set<ClipModel>();

  constructor(private readonly doc: ast.MixDocument, private readonly options: AnalyzeOptions) {
    this.facts = options.facts ?? noFacts;
  }

  run(): Analysis {
    const top = this.doc.statements;
    this.defineNames(top);

    const once = new Map<string, ast.TopStatement>();
    let title = this.options.fileName?.replace(/\.mix$/, '') ?? 'Untitled';
    let output: 'stereo' | 'mono' = DEFAULTS.output;
    let lengthStatement: ast.LengthStatement | null = null;

    // Session settings first: bar times anywhere need tempo and meter.
    for (const s of top) {
      if (s.kind === 'channel' || s.kind === 'reference' || s.kind === 'marker') continue;
      if (!this.firstOfItsKind(once, s.kind, s)) continue;
      this.sources[`session/${s.kind}`] = s.span;
      switch (s.kind) {
        case 'title':
          if (s.value) title = s.value.value;
          break;
        case 'samplerate': {
          const v = this.value(s.value, 'samplerate');
          if (v !== undefined && this.inRange(s.value!, v, 8000, 192000, 'sample rate', 'Hz', 'samplerate')) this.sampleRate = v;
          break;
        }
        case 'tempo': {
          const v = this.value(s.value, 'tempo');
          if (v !== undefined && this.inRange(s.value!, v, 20, 400, 'tempo', 'bpm', 'tempo')) this.tempo = v;
          break;
        }
        case 'meter':
          this.meterSetting(s);
          break;
        case 'output':
          if (s.layout) output = s.layout;
          break;
        case 'length':
          lengthStatement = s;
          break;
      }
    }

    const markers = this.resolveMarkers();
    const references = this.referenceModels(top);

    let length: number | null = null;
    if (lengthStatement) {
      const t = this.time(lengthStatement.time);
      if (t !== undefined) {
        if (t <= 0) this.report(CODES.outOfRange, lengthStatement.time!.span, `the length must be longer than 0 s`);
        else length = t;
      }
    }

    const channels = this.channelModels(top);
    const ordered = this.route(channels);

    const model: MixModel = {
      title,
      sampleRate: this.sampleRate,
      tempo: this.tempo,
      meter: this.meter,
      output,
      length,
      references,
      markers,
      channels: ordered,
    };
    this.diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return { model, sources: this.sources, diagnostics: this.diagnostics, symbols: this.symbols, uses: this.uses };
  }

  // ---- reporting -------------------------------------------------------------------------

  private report(code: DiagnosticCode, span: Span, message: string, severity: Severity = 'error', data?: DiagnosticData): void {
    this.diagnostics.push(data ? { code, severity, message, span, data } : { code, severity, message, span });
  }

  /** For settings that may appear once per block: true for the first, a diagnostic for the rest. */
  private firstOfItsKind<T extends { span: Span; keywordSpan: Span; keyword: string }>(seen: Map<string, T>, key: string, s: T): boolean {
    const first = seen.get(key);
    if (!first) {
      seen.set(key, s);
      return true;
    }
    this.report(CODES.duplicateSetting, s.keywordSpan, `'${s.keyword}' is already set in this block; only the first one counts`, 'error', {
      kind: 'deleteStatement',
      span: s.span,
    });
    return false;
  }

  // ---- values ------------------------------------------------------------------------------

  /**
   * The value of a quantity in base units, after checking its number and
   * unit. Returns undefined when there is no usable number.
   */
  private value(q: ast.Quantity | null | undefined, kind: ValueKind): number | undefined {
    if (!q || q.recovered || Number.isNaN(q.value)) return undefined;
    if (/^[+-]?\./.test(q.text) || q.text.endsWith('.')) {
      const fixed = q.text.endsWith('.') ? q.text.slice(0, -1) : q.text.replace('.', '0.');
      this.report(CODES.invalidNumber, q.numberSpan, `'${q.text}' is not a number: write ${fixed}`);
    }
    const rule = UNIT_RULES[kind];
    const allowed = unitsOf(kind);
    if (q.unit === null) {
      if (allowed.length > 0 && !rule.implied) {
        this.report(CODES.missingUnit, q.span, `${q.text} needs a unit: ${allowed.map((u) => showValue(q.value, u)).join(' or ')}`, 'error', {
          kind: 'units',
          units: allowed,
        });
      }
      const implied = rule.implied ? rule.units[rule.implied]! : allowed.length > 0 ? rule.units[allowed[0]!]! : 1;
      return q.value * implied;
    }
    const factor = rule.units[q.unit];
    if (factor === undefined) {
      const message = allowed.length === 0
        ? `this value takes no unit: write ${q.text}`
        : `'${q.unit}' is the wrong unit here: use ${allowed.map((u) => `'${u}'`).join(' or ')}`;
      this.report(CODES.wrongUnit, q.span, message, 'error', { kind: 'units', units: allowed, unitSpan: unitSpanOf(q) });
      return undefined; // unknown intent: the default stands, and no range error piles on

    }
    return q.value * factor;
  }

  /**
   * Checks `min <= v <= max` (v in base units); the message shows the range
   * in the unit written, so `attack 0 ms` reads "0.05 ms to 1000 ms".
   */
  private inRange(q: ast.Quantity, v: number, min: number, max: number, what: string, unit: string | null, kind?: ValueKind): boolean {
    if (v >= min && v <= max) return true;
    const rule = kind ? UNIT_RULES[kind] : undefined;
    const shownUnit = q.unit ?? unit;
    const factor = (rule && shownUnit ? rule.units[shownUnit as keyof typeof rule.units] : undefined) ?? 1;
    const lo = showValue(min / factor, shownUnit);
    const hi = showValue(max / factor, shownUnit);
    this.report(CODES.outOfRange, q.span, `${what} ${showValue(q.value, shownUnit)} is out of range: ${lo} to ${hi}`);
    return false;
  }

  /** A value with its range; falls back to `fallback` when missing or wrong. */
  private ranged(q: ast.Quantity | null | undefined, kind: ValueKind, min: number, max: number, what: string, fallback: number): number {
    const v = this.value(q, kind);
    if (v === undefined) return fallback;
    const unit = UNIT_RULES[kind].implied ?? unitsOf(kind)[0] ?? null;
    return this.inRange(q!, v, min, max, what, unit, kind) ? v : fallback;
  }

  private meterSetting(s: ast.MeterStatement): void {
    const beats = s.beats?.value;
    const unit = s.unit?.value;
    if (beats === undefined || unit === undefined || Number.isNaN(beats) || Number.isNaN(unit)) return;
    const ok = Number.isInteger(beats) && beats >= 1 && beats <= 32 && [1, 2, 4, 8, 16, 32].includes(unit);
    if (!ok) {
      this.report(CODES.invalidValue, this.spanFrom(s.beats!.span, s.unit!.span), `meter ${beats}/${unit} is not a time signature: 1 to 32 beats of 1, 2, 4, 8, 16 or 32`);
      return;
    }
    this.meter = { beats, unit };
  }

  private spanFrom(a: Span, b: Span): Span {
    return { start: a.start, end: Math.max(a.end, b.end) };
  }

  // ---- times -------------------------------------------------------------------------------

  /** A time in seconds; reports what is wrong and returns undefined when it has none. */
  private time(t: ast.TimeExpr | null | undefined): number | undefined {
    if (!t) return undefined;
    switch (t.kind) {
      case 'duration': {
        const v = this.value(t.quantity, 'duration');
        if (v !== undefined && v < 0) {
          this.report(CODES.outOfRange, t.span, `a time cannot be negative`);
          return undefined;
        }
        return v;
      }
      case 'clock':
        return Number.isNaN(t.seconds) ? undefined : t.seconds;
      case 'bar': {
        const bar = t.bar.value;
        const beat = t.beat ? t.beat.value : 1;
        if (Number.isNaN(bar) || Number.isNaN(beat)) return undefined;
        if (this.tempo === null) {
          this.report(CODES.barWithoutTempo, t.span, `'bar' times need a tempo: add e.g. 'tempo 120 bpm' at the top of the file`);
          return undefined;
        }
        if (!Number.isInteger(bar) || bar < 1) {
          this.report(CODES.outOfRange, t.bar.span, `bars count from 1: bar ${t.bar.text} does not exist`);
          return undefined;
        }
        if (t.beat && (!Number.isInteger(beat) || beat < 1 || beat > this.meter.beats)) {
          this.report(CODES.outOfRange, t.beat.span, `beats count from 1 to ${this.meter.beats} in ${this.meter.beats}/${this.meter.unit}`);
          return undefined;
        }
        // Beats are the meter's beats, each 60/tempo seconds long (design §2).
        return barSeconds(bar, beat, this.tempo, this.meter.beats);
      }
      case 'marker': {
        const name = t.ref.name;
        if (!name) return undefined;
        const statement = this.markerStatements.get(name);
        const target = statement ? this.symbolsByName.get(name) ?? null : null;
        this.uses.push({ name, span: t.ref.span, expects: 'marker', target });
        if (!statement) {
          const other = this.channelSymbols.get(name);
          const hint = other ? ` ('${name}' is a ${other.kind}; a clip's 'to' on the clip's own line is a time — put 'to ${name}' on a line of its own to route the track)` : '';
          this.unknown(t.ref, 'marker', hint);
          return undefined;
        }
        return this.markerTime(name);
      }
    }
  }

  private markerTime(name: string): number | undefined {
    if (this.markerTimes.has(name)) return this.markerTimes.get(name);
    const s = this.markerStatements.get(name)!;
    if (this.resolving.has(name)) {
      this.report(CODES.invalidValue, s.time?.span ?? s.span, `marker ${name} is defined in terms of itself`);
      return undefined;
    }
    this.resolving.add(name);
    const t = this.time(s.time);
    this.resolving.delete(name);
    this.markerTimes.set(name, t);
    return t;
  }

  private unknown(ref: ast.NameRef, expects: NameExpectation, hint = ''): void {
    const candidates = this.candidates(expects);
    const close = closestNames(ref.name, candidates);
    const what = expects === 'marker' ? 'marker' : expects === 'bus' ? 'bus' : 'channel';
    const suggestion = close.length > 0 ? `; did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
    this.report(CODES.unknownName, ref.span, `there is no ${what} named '${ref.name}'${suggestion}${hint}`, 'error', {
      kind: 'didYouMean',
      candidates: close,
      expects,
    });
  }

  private candidates(expects: NameExpectation): string[] {
    switch (expects) {
      case 'marker': return [...this.markerStatements.keys()];
      case 'bus': return this.symbols.filter((s) => s.kind === 'bus' || s.kind === 'master').map((s) => s.name);
      case 'channel': return this.symbols.filter((s) => s.kind === 'track' || s.kind === 'bus').map((s) => s.name);
    }
  }

  // ---- names ---------------------------------------------------------------------------------

  private defineNames(top: readonly ast.TopStatement[]): void {
    const byName = this.symbolsByName;
    let hasMaster = false;
    for (const s of top) {
      let symbol: MixSymbol | null = null;
      if (s.kind === 'channel') {
        if (s.channelKind === 'master') {
          if (hasMaster) {
            this.report(CODES.duplicateName, s.keywordSpan, `there is already a master block; put all master settings in one`);
            continue;
          }
          hasMaster = true;
        } else if (s.name.name === 'master') {
          this.report(CODES.reservedName, s.name.span, `'master' is reserved for the master bus`);
          continue;
        }
        if (!s.name.name) continue;
        symbol = { name: s.name.name, kind: s.channelKind, nameSpan: s.name.span, span: s.span };
      } else if (s.kind === 'reference' || s.kind === 'marker') {
        if (!s.name.name) continue;
        if (s.name.name === 'master') {
          this.report(CODES.reservedName, s.name.span, `'master' is reserved for the master bus`);
          continue;
        }
        if (s.kind === 'marker' && KEYWORD_SET.has(s.name.name)) {
          this.report(CODES.reservedName, s.name.span, `a marker cannot be called '${s.name.name}': it is a keyword of the language, so times could not name it`);
          continue;
        }
        symbol = { name: s.name.name, kind: s.kind, nameSpan: s.name.span, span: s.span };
      }
      if (!symbol) continue;
      const before = byName.get(symbol.name);
      if (before) {
        this.report(CODES.duplicateName, symbol.nameSpan, `the name '${symbol.name}' is already used by a ${before.kind}; names must be unique across tracks, buses, references and markers`);
        continue;
      }
      byName.set(symbol.name, symbol);
      this.symbols.push(symbol);
      if (symbol.kind === 'marker') this.markerStatements.set(symbol.name, s as ast.MarkerStatement);
      if (symbol.kind === 'track' || symbol.kind === 'bus' || symbol.kind === 'master') this.channelSymbols.set(symbol.name, symbol);
    }
    if (!hasMaster) {
      const implicit: MixSymbol = { name: 'master', kind: 'master', nameSpan: { start: 0, end: 0 }, span: { start: 0, end: 0 }, implicit: true };
      this.symbols.push(implicit);
      this.channelSymbols.set('master', implicit);
    }
  }

  private resolveMarkers(): MarkerModel[] {
    const markers: MarkerModel[] = [];
    for (const [name, s] of this.markerStatements) {
      this.sources[`marker:${name}`] = s.span;
      const t = this.markerTime(name);
      if (t !== undefined) markers.push({ name, time: t });
    }
    return markers.sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : 1));
  }

  private referenceModels(top: readonly ast.TopStatement[]): ReferenceModel[] {
    const out: ReferenceModel[] = [];
    for (const s of top) {
      if (s.kind !== 'reference' || !s.name.name) continue;
      if (this.symbolsByName.get(s.name.name)?.span !== s.span) continue; // a duplicate name, reported
      const gainDb = s.gain ? this.ranged(s.gain, 'gain', -60, 24, 'reference gain', 0) : 0;
      if (s.path) {
        this.checkPath(s.path);
        this.audioFileFacts(s.path);
      }
      this.sources[`reference:${s.name.name}`] = s.span;
      out.push({ name: s.name.name, path: s.path?.value ?? '', gainDb });
    }
    return out;
  }

  // ---- channels --------------------------------------------------------------------------------

  private channelModels(top: readonly ast.TopStatement[]): ChannelModel[] {
    const out: ChannelModel[] = [];
    for (const s of top) {
      if (s.kind !== 'channel' || !s.name.name) continue;
      const symbol = this.channelSymbols.get(s.name.name);
      if (!symbol || symbol.span !== s.span) continue; // a duplicate, already reported
      out.push(this.channel(s));
    }
    if (!out.some((c) => c.kind === 'master')) out.push(this.emptyChannel('master', 'master'));
    return out;
  }

  private emptyChannel(kind: ast.ChannelKind, name: string): ChannelModel {
    return {
      kind, name, label: null, color: null, hidden: false, mute: false, solo: false, clips: [], cuts: [],
      trim: { mode: 'fixed', gainDb: 0 }, inserts: [], gainDb: 0, pan: 0, polarityInvert: false,
      output: kind === 'master' ? null : 'master', sends: [], targetLufs: null,
    };
  }

  private channel(s: ast.ChannelStatement): ChannelModel {
    const key = `channel:${s.name.name}`;
    this.sources[key] = s.span;
    const c = MUTABLE(this.emptyChannel(s.channelKind, s.name.name));
    const clips: ClipModel[] = [];
    const cuts: CutModel[] = [];
    const inserts: ProcessorModel[] = [];
    const sends: SendModel[] = [];
    const seen = new Map<string, ast.ChannelItem>();
    const sendTargets = new Map<string, ast.SendStatement>();
    const isMaster = s.channelKind === 'master';
    const isTrack = s.channelKind === 'track';
    const where = isMaster ? 'master' : `a ${s.channelKind}`;

    const notHere = (item: ast.ChannelItem, why: string) =>
      this.report(CODES.notAllowedHere, item.keywordSpan, why, 'error', { kind: 'deleteStatement', span: item.span });

    for (const item of s.body) {
      switch (item.kind) {
        case 'flag': {
          if (item.flag === 'bypass') { notHere(item, `'bypass' goes inside an eq, comp or limit block`); break; }
          if (isMaster && (item.flag === 'mute' || item.flag === 'solo')) { notHere(item, `master cannot be ${item.flag}d`); break; }
          if (!this.firstOfItsKind(seen, item.flag, item)) break;
          this.sources[`${key}/${item.flag}`] = item.span;
          c[item.flag] = true;
          break;
        }
        case 'label':
        case 'color': {
          if (!this.firstOfItsKind(seen, item.kind, item) || !item.value) break;
          this.sources[`${key}/${item.kind}`] = item.span;
          if (item.kind === 'label') c.label = item.value.value;
          else if (/^#[0-9a-fA-F]{6}$/.test(item.value.value)) c.color = item.value.value.toLowerCase();
          else this.report(CODES.invalidValue, item.value.span, `a colour is written "#rrggbb", e.g. "#e06c75"`);
          break;
        }
        case 'file':
        case 'clip': {
          if (!isTrack) { notHere(item, `${where} has no sources of its own: its input is what is routed or sent to it`); break; }
          const clip = item.kind === 'file' ? this.fileClip(item) : this.clip(item as ast.ClipStatement);
          if (clip) {
            this.sources[`${key}/clip:${clips.length}`] = item.span;
            clips.push(clip);
          }
          break;
        }
        case 'cut': {
          if (!isTrack) { notHere(item, `'cut' edits a track's sources; ${where} has none`); break; }
          const from = this.time(item.from);
          const to = this.time(item.to);
          if (from === undefined || to === undefined) break;
          if (to <= from) { this.report(CODES.outOfRange, item.span, `a cut must end after it starts`); break; }
          this.sources[`${key}/cut:${cuts.length}`] = item.span;
          cuts.push({ from, to, fade: DEFAULTS.editFade });
          break;
        }
        case 'trim': {
          if (!this.firstOfItsKind(seen, 'trim', item)) break;
          this.sources[`${key}/trim`] = item.span;
          c.trim = this.trim(item, isTrack, where);
          break;
        }
        case 'gain':
        case 'pan':
        case 'target': {
          if (item.kind === 'target' && !isMaster) { notHere(item, `'target' belongs in master: it sets the loudness of the whole render`); break; }
          if (!this.firstOfItsKind(seen, item.kind, item)) break;
          this.sources[`${key}/${item.kind}`] = item.span;
          if (item.kind === 'gain') c.gainDb = this.ranged(item.value, 'gain', -Infinity, 24, 'gain', 0);
          else if (item.kind === 'pan') c.pan = this.ranged(item.value, 'percent', -1, 1, 'pan', 0);
          else c.targetLufs = this.ranged(item.value, 'loudness', -60, 0, 'target', -14);
          break;
        }
        case 'polarity': {
          if (!this.firstOfItsKind(seen, 'polarity', item)) break;
          this.sources[`${key}/polarity`] = item.span;
          c.polarityInvert = item.invert;
          break;
        }
        case 'to': {
          if (isMaster) { notHere(item, `master is the final output: it is not routed anywhere`); break; }
          if (!this.firstOfItsKind(seen, 'to', item)) break;
          this.sources[`${key}/to`] = item.span;
          this.acceptedRoutes.add(item);
          if (item.target.name) c.output = item.target.name;
          break;
        }
        case 'send': {
          if (isMaster) { notHere(item, `master is the final output: it has no sends`); break; }
          if (!item.target.name) break;
          const before = sendTargets.get(item.target.name);
          if (before) {
            this.report(CODES.duplicateSetting, item.keywordSpan, `there is already a send to ${item.target.name} in this channel`, 'error', { kind: 'deleteStatement', span: item.span });
            break;
          }
          sendTargets.set(item.target.name, item);
          this.acceptedRoutes.add(item);
          this.sources[`${key}/send:${item.target.name}`] = item.span;
          sends.push({ bus: item.target.name, gainDb: this.ranged(item.level, 'gain', -Infinity, 24, 'send level', 0), pre: item.pre });
          break;
        }
        case 'processor': {
          const p = this.processor(item);
          this.sources[`${key}/insert:${inserts.length}`] = item.span;
          for (const [k, span] of p.spans) this.sources[`${key}/insert:${inserts.length}/${k}`] = span;
          inserts.push(p.model);
          break;
        }
      }
    }
    c.clips = clips;
    c.cuts = cuts;
    c.inserts = inserts;
    c.sends = sends;
    if (isTrack) this.checkClips(s, clips);
    if (isTrack && clips.length === 0) {
      this.report(CODES.trackNoSources, s.name.span, `track ${s.name.name} has no file or clip, so it is silent`, 'warning', {
        kind: 'deleteStatement',
        span: s.span,
      });
    }
    return c;
  }

  private trim(item: ast.TrimStatement, isTrack: boolean, where: string): TrimModel {
    if (item.auto) {
      if (!isTrack) {
        this.report(CODES.notAllowedHere, item.keywordSpan, `'trim auto' measures a track's own sources; ${where} has none: use 'trim DB'`);
        return { mode: 'fixed', gainDb: 0 };
      }
      const level = this.ranged(item.value, 'level', -60, 0, 'trim level', -18);
      return { mode: 'auto', levelDbfs: level, detector: item.mode ?? DEFAULTS.trimAutoDetector };
    }
    return { mode: 'fixed', gainDb: this.ranged(item.value, 'gain', -Infinity, 48, 'trim', 0) };
  }

  // ---- clips -----------------------------------------------------------------------------------

  private checkPath(p: ast.StringValue): void {
    if (p.value.includes('\\')) {
      this.report(CODES.invalidValue, p.span, `paths use '/' on every platform: write "${p.value.replace(/\\/g, '/')}"`, 'warning');
    }
    if (p.value.trim() === '') this.report(CODES.invalidValue, p.span, `the file name is empty`);
  }

  private fileClip(item: ast.StringSetting): ClipModel | null {
    if (!item.value) return null;
    this.checkPath(item.value);
    this.audioFileFacts(item.value);
    return { source: 'file', path: item.value.value, at: 0, from: 0, to: null, fadeIn: 0, fadeOut: 0, fadeInWritten: false, fadeOutWritten: false, gainDb: 0 };
  }

  private clip(item: ast.ClipStatement): ClipModel | null {
    if (!item.path) return null;
    this.checkPath(item.path);
    this.audioFileFacts(item.path);
    const seen = new Map<string, { span: Span; keywordSpan: Span; keyword: string }>();
    let at = 0;
    let from: number | undefined;
    let to: number | null = null;
    let fadeIn: number | undefined;
    let fadeOut: number | undefined;
    let gainDb = 0;
    let uncertain = false;
    for (const c of item.clauses) {
      const group = c.clause === 'fade' || c.clause === 'fadein' || c.clause === 'fadeout' ? `fade:${c.clause}` : c.clause;
      const clause = { span: c.span, keywordSpan: c.keywordSpan, keyword: c.clause };
      if (!this.firstOfItsKind(seen, group, clause)) continue;
      if (c.clause === 'gain') {
        gainDb = this.ranged(c.gain, 'gain', -Infinity, 24, 'clip gain', 0);
        continue;
      }
      const isFade = c.clause.startsWith('fade');
      const t = isFade ? this.fadeLength(c.time) : this.time(c.time);
      if (t === undefined) {
        uncertain = true;
        continue;
      }
      switch (c.clause) {
        case 'at': at = t; break;
        case 'from': from = t; break;
        case 'to': to = t; break;
        case 'fade': fadeIn ??= t; fadeOut ??= t; break;
        case 'fadein': fadeIn = t; break;
        case 'fadeout': fadeOut = t; break;
      }
    }
    if (seen.has('fade:fade') && (seen.has('fade:fadein') || seen.has('fade:fadeout'))) {
      const f = seen.get('fade:fade')!;
      this.report(CODES.duplicateSetting, f.keywordSpan, `'fade' sets both edges; with 'fadein' or 'fadeout' as well, write only those`);
    }
    const start = from ?? at;
    if (from !== undefined && from < at) {
      this.report(CODES.outOfRange, item.span, `the clip starts at ${showValue(at, 's')} but plays from ${showValue(from, 's')}, before the file begins`);
    }
    if (to !== null && to <= Math.max(start, at)) {
      this.report(CODES.outOfRange, item.span, `the clip ends (to ${showValue(to, 's')}) before it starts (${showValue(Math.max(start, at), 's')})`);
    }
    const clip: ClipModel = {
      source: 'clip',
      path: item.path.value,
      at,
      from: Math.max(start, at),
      to,
      fadeIn: fadeIn ?? (from !== undefined && from > at ? DEFAULTS.editFade : 0),
      fadeOut: fadeOut ?? (to !== null ? DEFAULTS.editFade : 0),
      fadeInWritten: fadeIn !== undefined,
      fadeOutWritten: fadeOut !== undefined,
      gainDb,
    };
    if (uncertain) this.uncertainClips.add(clip);
    return clip;
  }

  private fadeLength(t: ast.TimeExpr | null): number | undefined {
    if (!t) return undefined;
    if (t.kind !== 'duration') {
      this.report(CODES.invalidValue, t.span, `a fade is a duration, e.g. fade 20 ms`);
      return undefined;
    }
    const v = this.value(t.quantity, 'duration');
    if (v === undefined) return undefined;
    return this.inRange(t.quantity, v, 0, 60, 'fade', 's', 'duration') ? v : undefined;
  }

  private audioFileFacts(p: ast.StringValue): void {
    const fact = this.facts.get(p.value);
    if (!fact) return;
    switch (fact.status) {
      case 'missing':
        this.report(CODES.audioMissing, p.span, `audio file not found: ${p.value}`);
        break;
      case 'unreadable':
        this.report(CODES.audioUnreadable, p.span, `cannot read ${p.value}: ${fact.reason}`);
        break;
      case 'unsupported':
        this.report(CODES.audioUnsupported, p.span, `${p.value} is not a supported audio file: ${fact.reason}`);
        break;
      case 'ok':
        if (fact.info.sampleRate !== this.sampleRate) {
          this.report(CODES.sampleRateDiffers, p.span, `${p.value} is at ${fact.info.sampleRate} Hz; it will be resampled to the session's ${this.sampleRate} Hz`, 'information');
        }
        break;
    }
  }

  /** Clips that run past their file's end, and clips of one track that overlap. */
  private checkClips(s: ast.ChannelStatement, clips: readonly ClipModel[]): void {
    const statements = s.body.filter((i): i is ast.ClipStatement | ast.StringSetting => (i.kind === 'clip' || i.kind === 'file') && (i.kind === 'clip' ? !!i.path : !!i.value));
    const spans: { start: number; end: number | null; span: Span }[] = [];
    clips.forEach((clip, i) => {
      const st = statements[i]!;
      const fact = this.facts.get(clip.path);
      const fileEnd = fact?.status === 'ok' ? clip.at + durationOf(fact.info) : null;
      if (fileEnd !== null) {
        if (clip.from >= fileEnd) {
          this.report(CODES.clipPastEnd, st.span, `the clip plays from ${showValue(clip.from, 's')}, after its file ends (${showValue(fileEnd, 's')}): nothing is heard`);
        } else if (clip.to !== null && clip.to > fileEnd + 1e-9) {
          this.report(CODES.clipPastEnd, st.span, `the clip runs to ${showValue(clip.to, 's')}, past the end of its file (${showValue(Number(fileEnd.toFixed(3)), 's')}); the rest is silence`, 'warning');
        }
      }
      if (!this.uncertainClips.has(clip)) spans.push({ start: clip.from, end: clip.to ?? fileEnd, span: st.span });
    });
    for (let i = 0; i < spans.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = spans[j]!;
        const b = spans[i]!;
        const aEnd = a.end ?? Infinity;
        const bEnd = b.end ?? Infinity;
        // Clips that only meet (one's `to` is the other's `from`) crossfade; that is not an overlap.
        if (a.start < bEnd - 1e-9 && b.start < aEnd - 1e-9 && (a.end !== null || b.end !== null || a.start === b.start)) {
          this.report(CODES.overlappingClips, b.span, `this clip overlaps an earlier clip of the same track; both would play at once`, 'warning');
          break;
        }
      }
    }
  }

  // ---- processors ----------------------------------------------------------------------------

  private processor(p: ast.ProcessorStatement): { model: ProcessorModel; spans: [string, Span][] } {
    const spans: [string, Span][] = [];
    let bypass = false;
    const seen = new Map<string, ast.EqItem | ast.DynamicsItem>();
    const notHere = (item: ast.EqItem | ast.DynamicsItem, why: string) =>
      this.report(CODES.notAllowedHere, item.keywordSpan, why, 'error', { kind: 'deleteStatement', span: item.span });

    if (p.processor === 'eq') {
      const bands: BandModel[] = [];
      for (const item of p.body) {
        if (item.kind === 'flag') {
          if (this.firstOfItsKind(seen, 'bypass', item)) bypass = true;
        } else if (item.kind === 'band') {
          spans.push([`band:${bands.length}`, item.span]);
          bands.push(this.band(item));
        } else {
          notHere(item, `'${item.keyword}' is a ${item.keyword === 'ceiling' || item.keyword === 'lookahead' ? 'limit' : 'comp'} setting, not an eq band`);
        }
      }
      const model: EqModel = { type: 'eq', bypass, bands };
      return { model, spans };
    }

    const isComp = p.processor === 'comp';
    const comp = { ...DEFAULTS.comp, sidechain: null as string | null };
    const limit = { ...DEFAULTS.limit } as { ceilingDb: number; ceilingMode: 'dBFS' | 'dBTP'; release: number; lookahead: number };
    for (const item of p.body) {
      if (item.kind === 'flag') {
        if (this.firstOfItsKind(seen, 'bypass', item)) bypass = true;
        continue;
      }
      if (item.kind === 'band') {
        notHere(item, `'${item.keyword}' is an eq band; put it in an eq block`);
        continue;
      }
      const word = item.kind === 'sidechain' ? 'sidechain' : item.param;
      if (isComp && LIMIT_ONLY.has(word)) { notHere(item, `'${word}' is a limit setting, not a comp setting`); continue; }
      if (!isComp && COMP_ONLY.has(word)) { notHere(item, `'${word}' is a comp setting; a limit takes ceiling, release and lookahead`); continue; }
      if (!this.firstOfItsKind(seen, word, item)) continue;
      spans.push([word, item.span]);
      if (item.kind === 'sidechain') {
        this.acceptedRoutes.add(item);
        if (item.target.name) comp.sidechain = item.target.name;
        continue;
      }
      const v = item.value;
      switch (item.param) {
        case 'threshold': comp.thresholdDb = this.ranged(v, 'gain', -60, 0, 'threshold', DEFAULTS.comp.thresholdDb); break;
        case 'ratio': comp.ratio = this.ratio(item); break;
        case 'knee': comp.kneeDb = this.ranged(v, 'gain', 0, 24, 'knee', DEFAULTS.comp.kneeDb); break;
        case 'attack': comp.attack = this.ranged(v, 'duration', 0.00005, 1, 'attack', DEFAULTS.comp.attack); break;
        case 'release':
          if (isComp) comp.release = this.ranged(v, 'duration', 0.001, 5, 'release', DEFAULTS.comp.release);
          else limit.release = this.ranged(v, 'duration', 0.001, 5, 'release', DEFAULTS.limit.release);
          break;
        case 'makeup': comp.makeupDb = this.ranged(v, 'gain', -24, 24, 'makeup', DEFAULTS.comp.makeupDb); break;
        case 'mix': comp.mix = this.ranged(v, 'percent', 0, 1, 'mix', DEFAULTS.comp.mix); break;
        case 'ceiling': {
          limit.ceilingDb = this.ranged(v, 'ceiling', -20, 0, 'ceiling', DEFAULTS.limit.ceilingDb);
          if (v?.unit === 'dBFS' || v?.unit === 'dBTP') limit.ceilingMode = v.unit;
          break;
        }
        case 'lookahead': limit.lookahead = this.ranged(v, 'duration', 0.0005, 0.01, 'lookahead', DEFAULTS.limit.lookahead); break;
      }
    }
    if (isComp) {
      const model: CompModel = { type: 'comp', bypass, ...comp };
      return { model, spans };
    }
    const model: LimitModel = { type: 'limit', bypass, ...limit };
    return { model, spans };
  }

  private ratio(item: ast.ParamStatement): number {
    const q = item.value;
    if (!q || Number.isNaN(q.value)) return DEFAULTS.comp.ratio;
    if (q.unit) this.report(CODES.wrongUnit, q.span, `a ratio takes no unit: write ratio ${q.text}:1`, 'error', { kind: 'units', units: [], unitSpan: unitSpanOf(q) });
    if (item.denominator && item.denominator.value !== 1) {
      this.report(CODES.invalidValue, item.span, `a ratio is written R:1 (e.g. 4:1); ${q.text}:${item.denominator.text} means ${showValue(q.value / item.denominator.value, null)}:1`);
      return DEFAULTS.comp.ratio;
    }
    const v = this.value({ ...q, unit: null }, 'plain');
    if (v === undefined) return DEFAULTS.comp.ratio;
    if (v === Infinity) return Infinity;
    return this.inRange(q, v, 1, 100, 'ratio', null) ? v : DEFAULTS.comp.ratio;
  }

  private band(b: ast.BandStatement): BandModel {
    for (const d of b.repeated) {
      this.report(CODES.duplicateSetting, d.keywordSpan, `'${d.keyword}' is already set for this band; only the first one counts`, 'error', { kind: 'deleteStatement', span: d.span });
    }
    const nyquistLimit = 0.49 * this.sampleRate;
    let freq = 1000;
    const f = this.value(b.freq, 'frequency');
    if (f !== undefined) {
      if (f > nyquistLimit && f > 10) {
        this.report(CODES.aboveNyquist, b.freq!.span, `${showValue(b.freq!.value, b.freq!.unit ?? 'Hz')} is above the highest usable frequency at ${this.sampleRate} Hz (${showValue(nyquistLimit, 'Hz')}, 0.49 x the sample rate; Nyquist is ${showValue(this.sampleRate / 2, 'Hz')})`);
      } else if (this.inRange(b.freq!, f, 10, nyquistLimit, 'frequency', 'Hz', 'frequency')) {
        freq = f;
      }
    }
    const hasGain = b.band === 'bell' || b.band === 'lowshelf' || b.band === 'highshelf';
    const isPass = b.band === 'highpass' || b.band === 'lowpass';
    let gainDb = 0;
    if (hasGain) {
      if (!b.gain) {
        if (b.freq) this.report(CODES.syntax, b.keywordSpan, `'${b.band}' needs a gain after the frequency, e.g. ${b.band} ${b.freq.text} ${b.freq.unit ?? 'Hz'} -3 dB`);
      } else {
        gainDb = this.ranged(b.gain, 'gain', -30, 30, 'gain', 0);
      }
    } else if (b.gain) {
      this.report(CODES.notAllowedHere, b.gain.span, `a ${b.band} has no gain`);
    }
    let slope: number | null = null;
    if (isPass) {
      slope = DEFAULTS.band.slope;
      if (b.slope) {
        const s = this.value(b.slope, 'slope');
        if (s !== undefined) {
          if ([6, 12, 18, 24, 36, 48].includes(s)) slope = s;
          else this.report(CODES.invalidValue, b.slope.span, `slope is 6, 12, 18, 24, 36 or 48 dB/oct`);
        }
      }
    } else if (b.slope) {
      this.report(CODES.notAllowedHere, b.slope.span, `only highpass and lowpass have a slope`);
    }
    const defaultQ = DEFAULT_Q[b.band];
    let q = defaultQ;
    if (b.q) {
      if (isPass && slope !== 12) {
        this.report(CODES.notAllowedHere, b.q.span, `q only applies to a ${b.band} with slope 12 dB/oct; steeper slopes are Butterworth`);
      } else {
        q = this.ranged(b.q, 'plain', 0.1, 40, 'q', defaultQ);
      }
    }
    return { type: b.band, freq, gainDb, q, slope };
  }

  // ---- routing ---------------------------------------------------------------------------------

  /**
   * Resolves `to`, `send` and `sidechain`, reports cycles and unfed buses,
   * and orders channels so each comes after everything that feeds it.
   */
  private route(channels: ChannelModel[]): ChannelModel[] {
    const statementOf = new Map<string, ast.ChannelStatement>();
    for (const s of this.doc.statements) if (s.kind === 'channel' && !statementOf.has(s.name.name)) statementOf.set(s.name.name, s);

    type Edge = { from: string; to: string; kind: 'to' | 'send' | 'sidechain'; span: Span };
    const edges: Edge[] = [];
    const fed = new Set<string>();

    for (const c of channels) {
      const st = statementOf.get(c.name);
      const items = st?.body ?? [];
      for (const item of items) {
        if (item.kind === 'to' || item.kind === 'send') {
          if (!item.target.name || !this.acceptedRoutes.has(item)) continue;
          const target = this.channelSymbols.get(item.target.name) ?? null;
          this.uses.push({ name: item.target.name, span: item.target.span, expects: 'bus', target });
          if (!target) {
            const other = this.symbolsByName.get(item.target.name);
            if (other) this.report(CODES.invalidRoute, item.target.span, `${item.target.name} is a ${other.kind}, not a bus: only buses and master take input`);
            else this.unknown(item.target, 'bus');
            continue;
          }
          if (target.kind === 'track') {
            this.report(CODES.invalidRoute, item.target.span, `${target.name} is a track: only buses and master take input`);
            continue;
          }
          if (target.name === c.name) {
            this.report(CODES.routingCycle, item.target.span, `${c.name} cannot feed itself`);
            continue;
          }
          edges.push({ from: c.name, to: target.name, kind: item.kind, span: item.target.span });
          fed.add(target.name);
        } else if (item.kind === 'processor') {
          for (const p of item.body) {
            if (p.kind !== 'sidechain' || !p.target.name || !this.acceptedRoutes.has(p)) continue;
            const target = this.channelSymbols.get(p.target.name) ?? null;
            this.uses.push({ name: p.target.name, span: p.target.span, expects: 'channel', target });
            if (!target) {
              const other = this.symbolsByName.get(p.target.name);
              if (other) this.report(CODES.invalidRoute, p.target.span, `${p.target.name} is a ${other.kind}, not a channel: a side-chain is keyed by a track or bus`);
              else this.unknown(p.target, 'channel');
              continue;
            }
            if (target.name === c.name) {
              this.report(CODES.sidechainCycle, p.target.span, `a compressor keyed by its own channel needs no sidechain: leave it out`);
              continue;
            }
            if (item.processor === 'comp') edges.push({ from: target.name, to: c.name, kind: 'sidechain', span: p.target.span });
          }
        }
      }
      // The default route: every track and bus feeds master unless told otherwise.
      if (c.kind !== 'master' && !items.some((i) => i.kind === 'to' && i.target.name && this.acceptedRoutes.has(i))) {
        edges.push({ from: c.name, to: 'master', kind: 'to', span: st?.name.span ?? { start: 0, end: 0 } });
      }
    }

    // Drop channels' outputs that could not be resolved back to master.
    const validTo = new Set(edges.filter((e) => e.kind === 'to').map((e) => `${e.from}>${e.to}`));
    const fixed = channels.map((c) =>
      c.kind === 'master' || validTo.has(`${c.name}>${c.output}`) ? c : { ...c, output: 'master' },
    );
    const validSends = new Set(edges.filter((e) => e.kind === 'send').map((e) => `${e.from}>${e.to}`));
    const cleaned = fixed.map((c) => (c.sends.every((s) => validSends.has(`${c.name}>${s.bus}`)) ? c : { ...c, sends: c.sends.filter((s) => validSends.has(`${c.name}>${s.bus}`)) }));
    const validKeys = new Set(edges.filter((e) => e.kind === 'sidechain').map((e) => `${e.from}>${e.to}`));
    const keyed = cleaned.map((c) =>
      c.inserts.some((p) => p.type === 'comp' && p.sidechain !== null && !validKeys.has(`${p.sidechain}>${c.name}`))
        ? { ...c, inserts: c.inserts.map((p) => (p.type === 'comp' && p.sidechain !== null && !validKeys.has(`${p.sidechain}>${c.name}`) ? { ...p, sidechain: null } : p)) }
        : c,
    );

    for (const c of keyed) {
      if (c.kind === 'bus' && !fed.has(c.name)) {
        const st = statementOf.get(c.name);
        if (st) this.report(CODES.busNoInputs, st.name.span, `nothing is routed or sent to bus ${c.name}, so it is silent`, 'warning');
      }
    }

    // Kahn's algorithm; ties keep the written order, so the order is stable.
    const indegree = new Map(keyed.map((c) => [c.name, 0]));
    const out = new Map<string, Edge[]>(keyed.map((c) => [c.name, []]));
    for (const e of edges) {
      if (!indegree.has(e.from) || !indegree.has(e.to)) continue;
      indegree.set(e.to, indegree.get(e.to)! + 1);
      out.get(e.from)!.push(e);
    }
    const order: ChannelModel[] = [];
    const done = new Set<string>();
    const ready = () => keyed.find((c) => !done.has(c.name) && indegree.get(c.name) === 0 && (c.kind !== 'master' || keyed.every((x) => x === c || done.has(x.name) || indegree.get(x.name)! > 0)));
    for (let c = ready(); c; c = ready()) {
      done.add(c.name);
      order.push(c);
      for (const e of out.get(c.name)!) indegree.set(e.to, indegree.get(e.to)! - 1);
    }
    if (order.length < keyed.length) {
      // A cycle: the file has errors and is not rendered, but the model stays
      // complete, with every channel once and master last.
      this.reportCycles(keyed.filter((c) => !done.has(c.name)).map((c) => c.name), edges);
      const rest = keyed.filter((c) => !done.has(c.name) && c.kind !== 'master');
      const master = keyed.find((c) => c.kind === 'master')!;
      return [...order.filter((c) => c !== master), ...rest, master];
    }
    return order;
  }

  /**
   * Every edge that lies on a cycle gets a diagnostic naming one cycle through
   * it (the shortest), so each offending `to`, `send` or `sidechain` is marked.
   */
  private reportCycles(stuck: string[], edges: { from: string; to: string; kind: 'to' | 'send' | 'sidechain'; span: Span }[]): void {
    const inStuck = new Set(stuck);
    const inner = edges.filter((e) => inStuck.has(e.from) && inStuck.has(e.to));
    for (const e of inner) {
      // Shortest path back from e.to to e.from, breadth first.
      const back = new Map<string, (typeof inner)[number] | null>([[e.to, null]]);
      const queue = [e.to];
      while (queue.length > 0 && !back.has(e.from)) {
        const node = queue.shift()!;
        for (const next of inner) {
          if (next.from !== node || back.has(next.to)) continue;
          back.set(next.to, next);
          queue.push(next.to);
        }
      }
      if (!back.has(e.from)) continue; // this edge leads into a cycle but is not on one
      const cycle = [e];
      for (let node = e.from; node !== e.to; ) {
        const via = back.get(node)!;
        cycle.splice(1, 0, via);
        node = via.from;
      }
      const names = [...cycle.map((x) => x.from), e.from].join(' → ');
      const viaSidechain = cycle.some((x) => x.kind === 'sidechain');
      this.report(
        viaSidechain ? CODES.sidechainCycle : CODES.routingCycle,
        e.span,
        viaSidechain ? `side-chain cycle: ${names} (a key must not depend on the channel it compresses)` : `routing cycle: ${names}`,
      );
    }
  }
}
