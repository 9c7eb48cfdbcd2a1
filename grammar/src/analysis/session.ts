/**
 * Session settings (`title`, `samplerate`, `tempo`, `meter`, `output`,
 * `length`). They come first: bar times anywhere need tempo and meter, and
 * EQ bands need the sample rate.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import { DEFAULTS } from '../model.js';
import { TempoMap, type MeterChangeModel, type TempoChangeModel } from '../tempo-map.js';
import type { AnalysisContext } from './context.js';
import { time } from './times.js';
import { spanFrom } from './values.js';

export interface SessionSettings {
  readonly title: string;
  readonly output: 'stereo' | 'mono';
  readonly lengthStatement: ast.LengthStatement | null;
}

/** Reads the session settings into the context (rate, tempo, meter) and returns the rest. */
export function sessionSettings(ctx: AnalysisContext): SessionSettings {
  const once = new Map<string, ast.TopStatement>();
  let title = ctx.options.fileName?.replace(/\.mix$/, '') ?? 'Untitled';
  let output: 'stereo' | 'mono' = DEFAULTS.output;
  let lengthStatement: ast.LengthStatement | null = null;
  const changes: (ast.TempoStatement | ast.MeterStatement)[] = [];

  for (const s of ctx.doc.statements) {
    if (s.kind === 'channel' || s.kind === 'reference' || s.kind === 'marker') continue;
    // A change (`tempo 96 bpm at bar 33`) is read once the tempo and meter it changes are known.
    if ((s.kind === 'tempo' || s.kind === 'meter') && s.at) {
      changes.push(s);
      continue;
    }
    if (!ctx.firstOfItsKind(once, s.kind, s)) continue;
    ctx.sources[`session/${s.kind}`] = s.span;
    switch (s.kind) {
      case 'title':
        if (s.value) title = s.value.value;
        break;
      case 'samplerate': {
        const v = ctx.value(s.value, 'samplerate');
        if (v !== undefined && ctx.inRange(s.value!, v, 8000, 192000, 'sample rate', 'Hz', 'samplerate')) ctx.sampleRate = v;
        break;
      }
      case 'tempo': {
        if (s.ramp) ctx.report(CODES.misplacedChange, s.ramp.span, `the tempo the song starts with has nothing to ramp from: 'ramp' goes on a change, e.g. tempo 140 bpm at bar 41 ramp`);
        const v = tempoValue(ctx, s);
        if (v !== undefined) ctx.tempo = v;
        break;
      }
      case 'meter': {
        const m = meterValue(ctx, s);
        if (m) ctx.meter = m;
        break;
      }
      case 'output':
        if (s.layout) output = s.layout;
        break;
      case 'length':
        lengthStatement = s;
        break;
    }
  }
  tempoMap(ctx, changes);
  return { title, output, lengthStatement };
}

function tempoValue(ctx: AnalysisContext, s: ast.TempoStatement): number | undefined {
  const v = ctx.value(s.value, 'tempo');
  return v !== undefined && ctx.inRange(s.value!, v, 20, 400, 'tempo', 'bpm', 'tempo') ? v : undefined;
}

function meterValue(ctx: AnalysisContext, s: ast.MeterStatement): { beats: number; unit: number } | undefined {
  const beats = s.beats?.value;
  const unit = s.unit?.value;
  if (beats === undefined || unit === undefined || Number.isNaN(beats) || Number.isNaN(unit)) return undefined;
  const ok = Number.isInteger(beats) && beats >= 1 && beats <= 32 && [1, 2, 4, 8, 16, 32].includes(unit);
  if (!ok) {
    ctx.report(CODES.invalidValue, spanFrom(s.beats!.span, s.unit!.span), `meter ${beats}/${unit} is not a time signature: 1 to 32 beats of 1, 2, 4, 8, 16 or 32`);
    return undefined;
  }
  return { beats, unit };
}

/**
 * Tempo and meter changes (design §10.3): each at the start of a bar after
 * bar 1, in bar order, a tempo change only with a tempo to change, and no
 * meter change inside a ramp. The map they make times every bar.
 */
function tempoMap(ctx: AnalysisContext, changes: readonly (ast.TempoStatement | ast.MeterStatement)[]): void {
  const tempos: TempoChangeModel[] = [];
  const meters: MeterChangeModel[] = [];
  const ramps: { from: number; to: number; s: ast.TempoStatement }[] = [];
  for (const s of changes) {
    const bar = changeBar(ctx, s);
    if (bar === undefined) continue;
    const list: { bar: number }[] = s.kind === 'tempo' ? tempos : meters;
    const before = list.at(-1)?.bar ?? 1;
    if (bar <= before) {
      ctx.report(CODES.misplacedChange, s.at!.span, bar === before
        ? `there is already a ${s.kind} ${before === 1 ? 'at the start' : `change at bar ${before}`}: one ${s.kind} a bar`
        : `${s.kind} changes go in bar order: this one (bar ${bar}) comes after one at bar ${before}`);
      continue;
    }
    if (s.kind === 'tempo') {
      if (ctx.tempo === null) {
        ctx.report(CODES.misplacedChange, s.keywordSpan, `a tempo change needs the tempo the song starts with: add e.g. 'tempo 120 bpm' without 'at'`);
        continue;
      }
      const v = tempoValue(ctx, s);
      if (v === undefined) continue;
      if (s.ramp) ramps.push({ from: before, to: bar, s });
      tempos.push({ bar, bpm: v, ramp: s.ramp !== null });
      ctx.sources[`session/tempo:${bar}`] = s.span;
    } else {
      const m = meterValue(ctx, s);
      if (!m) continue;
      meters.push({ bar, ...m });
      ctx.sources[`session/meter:${bar}`] = s.span;
    }
  }
  // A ramp is linear in beats; a meter change inside it would change what a beat is halfway.
  for (const r of ramps) {
    const inside = meters.find((m) => m.bar > r.from && m.bar < r.to);
    if (inside) {
      ctx.report(CODES.misplacedChange, r.s.ramp!.span, `this ramp (bar ${r.from} to bar ${r.to}) runs across the meter change at bar ${inside.bar}: end the ramp there, or change the meter after it`);
      const i = tempos.findIndex((t) => t.bar === r.to);
      if (i >= 0) tempos[i] = { ...tempos[i]!, ramp: false };
    }
  }
  ctx.tempoChanges = { tempos, meters };
  if (ctx.tempo !== null) ctx.tempoMap = new TempoMap(ctx.tempo, ctx.meter, ctx.tempoChanges);
}

/** The bar a change is at: `at bar N`, N ≥ 2, on the bar's first beat. */
function changeBar(ctx: AnalysisContext, s: ast.TempoStatement | ast.MeterStatement): number | undefined {
  const t = s.at!.time;
  if (!t) return undefined;
  if (t.kind !== 'bar') {
    ctx.report(CODES.misplacedChange, t.span, `a ${s.kind} change happens at the start of a bar: write it 'at bar N'`);
    return undefined;
  }
  const bar = t.bar.value;
  if (Number.isNaN(bar)) return undefined;
  if (!Number.isInteger(bar) || bar < 1) {
    ctx.report(CODES.outOfRange, t.bar.span, `bars count from 1: bar ${t.bar.text} does not exist`);
    return undefined;
  }
  if (t.beat && t.beat.value !== 1) {
    ctx.report(CODES.misplacedChange, t.span, `a ${s.kind} change happens at the start of a bar, not on beat ${t.beat.text}`);
    return undefined;
  }
  if (bar === 1) {
    ctx.report(CODES.misplacedChange, t.span, `bar 1 is where the song starts: write the ${s.kind} there without 'at'`);
    return undefined;
  }
  return bar;
}

/** The render length; read after the markers, since it may be one. */
export function sessionLength(ctx: AnalysisContext, s: ast.LengthStatement | null): number | null {
  if (!s) return null;
  const t = time(ctx, s.time);
  if (t === undefined) return null;
  if (t <= 0) {
    ctx.report(CODES.outOfRange, s.time!.span, `the length must be longer than 0 s`);
    return null;
  }
  return t;
}
