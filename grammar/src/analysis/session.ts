/**
 * Session settings (`title`, `samplerate`, `tempo`, `meter`, `output`,
 * `length`). They come first: bar times anywhere need tempo and meter, and
 * EQ bands need the sample rate.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import { DEFAULTS } from '../model.js';
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

  for (const s of ctx.doc.statements) {
    if (s.kind === 'channel' || s.kind === 'reference' || s.kind === 'marker') continue;
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
        const v = ctx.value(s.value, 'tempo');
        if (v !== undefined && ctx.inRange(s.value!, v, 20, 400, 'tempo', 'bpm', 'tempo')) ctx.tempo = v;
        break;
      }
      case 'meter':
        meterSetting(ctx, s);
        break;
      case 'output':
        if (s.layout) output = s.layout;
        break;
      case 'length':
        lengthStatement = s;
        break;
    }
  }
  return { title, output, lengthStatement };
}

function meterSetting(ctx: AnalysisContext, s: ast.MeterStatement): void {
  const beats = s.beats?.value;
  const unit = s.unit?.value;
  if (beats === undefined || unit === undefined || Number.isNaN(beats) || Number.isNaN(unit)) return;
  const ok = Number.isInteger(beats) && beats >= 1 && beats <= 32 && [1, 2, 4, 8, 16, 32].includes(unit);
  if (!ok) {
    ctx.report(CODES.invalidValue, spanFrom(s.beats!.span, s.unit!.span), `meter ${beats}/${unit} is not a time signature: 1 to 32 beats of 1, 2, 4, 8, 16 or 32`);
    return;
  }
  ctx.meter = { beats, unit };
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
