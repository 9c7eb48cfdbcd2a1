/**
 * Times and markers: `83.5 s`, `2:03.2`, `bar 17 beat 3` and marker names,
 * all to seconds (design §2). Markers may be defined in terms of each other;
 * a marker defined in terms of itself is reported once.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import type { MarkerModel } from '../model.js';
import type { AnalysisContext } from './context.js';
import { unknownName } from './symbols.js';

/** A time in seconds; reports what is wrong and returns undefined when it has none. */
export function time(ctx: AnalysisContext, t: ast.TimeExpr | null | undefined): number | undefined {
  if (!t) return undefined;
  switch (t.kind) {
    case 'duration': {
      const v = ctx.value(t.quantity, 'duration');
      if (v !== undefined && v < 0) {
        ctx.report(CODES.outOfRange, t.span, `a time cannot be negative`);
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
      const map = ctx.tempoMap;
      if (ctx.tempo === null || !map) {
        ctx.report(CODES.barWithoutTempo, t.span, `'bar' times need a tempo: add e.g. 'tempo 120 bpm' at the top of the file`);
        return undefined;
      }
      if (!Number.isInteger(bar) || bar < 1) {
        ctx.report(CODES.outOfRange, t.bar.span, `bars count from 1: bar ${t.bar.text} does not exist`);
        return undefined;
      }
      const meter = map.meterAt(bar);
      if (t.beat && (!Number.isInteger(beat) || beat < 1 || beat > meter.beats)) {
        ctx.report(CODES.outOfRange, t.beat.span, `beats count from 1 to ${meter.beats} in ${meter.beats}/${meter.unit}${ctx.tempoChanges.meters.length > 0 ? ` (the meter of bar ${bar})` : ''}`);
        return undefined;
      }
      // Through the tempo map (tempo-map.ts); with one tempo and meter, ((N-1)·beats per bar + (B-1)) · 60 / tempo (design §2).
      return map.seconds(bar, beat);
    }
    case 'marker': {
      const name = t.ref.name;
      if (!name) return undefined;
      const statement = ctx.markerStatements.get(name);
      const target = statement ? ctx.symbolsByName.get(name) ?? null : null;
      ctx.uses.push({ name, span: t.ref.span, expects: 'marker', target });
      if (!statement) {
        const other = ctx.channelSymbols.get(name);
        const hint = other ? ` ('${name}' is a ${other.kind}; a clip's 'to' on the clip's own line is a time — put 'to ${name}' on a line of its own to route the track)` : '';
        unknownName(ctx, t.ref, 'marker', hint);
        return undefined;
      }
      return markerTime(ctx, name);
    }
  }
}

function markerTime(ctx: AnalysisContext, name: string): number | undefined {
  if (ctx.markerTimes.has(name)) return ctx.markerTimes.get(name);
  const s = ctx.markerStatements.get(name)!;
  if (ctx.resolving.has(name)) {
    ctx.report(CODES.invalidValue, s.time?.span ?? s.span, `marker ${name} is defined in terms of itself`);
    return undefined;
  }
  ctx.resolving.add(name);
  const t = time(ctx, s.time);
  ctx.resolving.delete(name);
  ctx.markerTimes.set(name, t);
  return t;
}

/** Every marker with a time, in time order. */
export function markerModels(ctx: AnalysisContext): MarkerModel[] {
  const markers: MarkerModel[] = [];
  for (const [name, s] of ctx.markerStatements) {
    ctx.sources[`marker:${name}`] = s.span;
    const t = markerTime(ctx, name);
    if (t !== undefined) markers.push({ name, time: t });
  }
  return markers.sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : 1));
}
