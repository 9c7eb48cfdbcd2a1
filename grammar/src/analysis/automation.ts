/**
 * Automation lanes (design §10.2) to their models: what each lane moves
 * (a channel setting, a send, a processor's or band's parameter by name or
 * by position), its points' times and values checked against the target's
 * unit and range, and the points in time order. Runs after the rest of its
 * channel, so a lane may be written before the block it moves.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import type { AutomationModel, AutomationPointModel, AutomationScale, AutomationTarget, BandModel, ChannelModel, ProcessorModel } from '../model.js';
import { closestNames } from '../names.js';
import { paramOf, PROCESSORS, isProcessorType, type BandParamDecl, type ParamDecl } from '../processors/index.js';
import { showValue, type ValueKind } from '../units.js';
import type { AnalysisContext } from './context.js';
import { time } from './times.js';

/** What a point's value must be: its kind, unit and range, or a switch (`on`/`off`). */
interface ValueRule {
  readonly what: string;
  readonly kind: ValueKind | 'switch';
  readonly min: number;
  readonly max: number;
  /** A parameter declared with its own conversion (`4:1`, a ceiling's mode). */
  readonly param?: ParamDecl;
}

interface ResolvedTarget {
  readonly target: AutomationTarget;
  readonly scale: AutomationScale;
  readonly rule: ValueRule;
  /** Identifies the lane, to find a second lane for the same thing. */
  readonly key: string;
  /** For a limiter's ceiling: the mode every point must keep. */
  readonly ceilingMode?: string;
}

const scaleOf = (kind: ValueKind): AutomationScale => (kind === 'gain' || kind === 'ceiling' ? 'db' : kind === 'frequency' ? 'octave' : 'linear');

/** The lanes of one channel, in written order; lanes with no usable point are left out. */
export function automationModels(ctx: AnalysisContext, channel: ChannelModel, lanes: readonly ast.AutomateStatement[]): AutomationModel[] {
  const out: AutomationModel[] = [];
  const seen = new Map<string, ast.AutomateStatement>();
  const key = `channel:${channel.name}`;
  for (const lane of lanes) {
    if (!lane.target) continue;
    const resolved = resolveTarget(ctx, channel, lane.target);
    if (!resolved) continue;
    if (seen.has(resolved.key)) {
      ctx.report(CODES.duplicateSetting, lane.keywordSpan, `${channel.name} already has a lane for ${resolved.key}; only the first one counts`, 'error', { kind: 'deleteStatement', span: lane.span });
      continue;
    }
    seen.set(resolved.key, lane);
    const points = lanePoints(ctx, lane, resolved);
    if (points.length === 0) continue;
    ctx.sources[`${key}/automation:${out.length}`] = lane.span;
    out.push({ target: resolved.target, scale: resolved.scale, points });
  }
  return out;
}

function resolveTarget(ctx: AnalysisContext, c: ChannelModel, t: ast.AutomationTargetNode): ResolvedTarget | undefined {
  switch (t.kind) {
    case 'unknown':
      ctx.report(CODES.notAutomatable, t.span, `'${t.word.name}' is not something automation moves: write gain, pan, trim, mute, send BUS, or a processor's or band's parameter as NAME.PARAM (e.g. glue.threshold)`);
      return undefined;
    case 'setting':
      switch (t.setting) {
        case 'gain':
          return { target: { kind: 'gain' }, scale: 'db', rule: { what: 'gain', kind: 'gain', min: -Infinity, max: 24 }, key: 'gain' };
        case 'pan':
          return { target: { kind: 'pan' }, scale: 'linear', rule: { what: 'pan', kind: 'percent', min: -1, max: 1 }, key: 'pan' };
        case 'trim':
          if (c.trim.mode === 'auto') {
            ctx.report(CODES.notAutomatable, t.span, `'trim auto' is measured, not set: automating trim needs a fixed trim (trim DB)`);
            return undefined;
          }
          return { target: { kind: 'trim' }, scale: 'db', rule: { what: 'trim', kind: 'gain', min: -Infinity, max: 48 }, key: 'trim' };
        case 'mute':
          if (c.kind === 'master') {
            ctx.report(CODES.notAutomatable, t.span, `master cannot be muted`);
            return undefined;
          }
          return { target: { kind: 'mute' }, scale: 'linear', rule: { what: 'mute', kind: 'switch', min: 0, max: 1 }, key: 'mute' };
      }
      break;
    case 'send': {
      const bus = t.bus.name;
      if (!bus) return undefined;
      if (!c.sends.some((s) => s.bus === bus)) {
        const close = closestNames(bus, c.sends.map((s) => s.bus));
        const hint = close.length > 0 ? `; did you mean ${close.map((n) => `'${n}'`).join(' or ')}?` : `: add a send first, e.g. send ${bus} -inf dB`;
        ctx.report(CODES.notAutomatable, t.bus.span, `${c.name} has no send to '${bus}'${hint}`);
        return undefined;
      }
      // A use of the bus's name, so renaming the bus renames the lane's target too.
      ctx.uses.push({ name: bus, span: t.bus.span, expects: 'bus', target: ctx.symbolsByName.get(bus) ?? null });
      return { target: { kind: 'send', bus }, scale: 'db', rule: { what: `send ${bus}`, kind: 'gain', min: -Infinity, max: 24 }, key: `send ${bus}` };
    }
    case 'part':
      return resolvePart(ctx, c, t);
  }
  return undefined;
}

/** `glue.threshold`, `presence.gain`, `comp#2.ratio`. */
function resolvePart(ctx: AnalysisContext, c: ChannelModel, t: Extract<ast.AutomationTargetNode, { kind: 'part' }>): ResolvedTarget | undefined {
  const name = t.part.name;
  if (!name || !t.param.name) return undefined;
  let insert = -1;
  let band: number | null = null;
  if (t.index) {
    if (!isProcessorType(name)) {
      ctx.report(CODES.notAutomatable, t.part.span, `'${name}#${t.index.value}': a position goes after a processor type (eq#1, comp#2); other parts are named`);
      return undefined;
    }
    const ofType = c.inserts.map((p, i) => [p, i] as const).filter(([p]) => p.type === name);
    const n = t.index.value;
    if (!Number.isInteger(n) || n < 1 || n > ofType.length) {
      ctx.report(CODES.outOfRange, t.index.span, `${c.name} has ${ofType.length === 0 ? 'no' : ofType.length} ${name} block${ofType.length === 1 ? '' : 's'}: ${name}#${n} does not exist`);
      return undefined;
    }
    insert = ofType[n - 1]![1];
  } else {
    insert = c.inserts.findIndex((p) => p.name === name);
    if (insert < 0) {
      for (const [i, p] of c.inserts.entries()) {
        const b = p.type === 'eq' ? p.bands.findIndex((x) => x.name === name) : -1;
        if (b >= 0) { insert = i; band = b; break; }
      }
    }
    if (insert < 0) {
      const names = c.inserts.flatMap((p) => [p.name, ...(p.type === 'eq' ? p.bands.map((b) => b.name) : [])]).filter((x): x is string => !!x);
      const close = closestNames(name, names);
      const hint = close.length > 0 ? `; did you mean ${close.map((x) => `'${x}'`).join(' or ')}?` : isProcessorType(name) ? `: name the block (${name} NAME { … }) or give its position (${name}#1)` : '';
      ctx.report(CODES.unknownName, t.part.span, `${c.name} has no processor or band named '${name}'${hint}`, 'error', { kind: 'didYouMean', candidates: close, expects: 'part' });
      return undefined;
    }
    recordUse(ctx, c.name, t.part);
  }
  const p = c.inserts[insert]!;
  if (band !== null) return bandParam(ctx, p, band, insert, t);
  return processorParam(ctx, p, insert, t);
}

/** A use of a part's name, so rename and references reach automation targets. */
function recordUse(ctx: AnalysisContext, channel: string, ref: ast.NameRef): void {
  const target = ctx.symbols.find((s) => s.name === ref.name && s.channel === channel && (s.kind === 'processor' || s.kind === 'band')) ?? null;
  ctx.uses.push({ name: ref.name, span: ref.span, expects: 'part', target });
}

function processorParam(ctx: AnalysisContext, p: ProcessorModel, insert: number, t: Extract<ast.AutomationTargetNode, { kind: 'part' }>): ResolvedTarget | undefined {
  const decl = PROCESSORS[p.type];
  const word = t.param.name;
  const part = partLabel(p, t);
  if (decl.bands) {
    ctx.report(CODES.notAutomatable, t.param.span, `an ${p.type} is moved band by band: name a band (bell presence 3 kHz +2 dB) and automate presence.${word}`);
    return undefined;
  }
  const param = paramOf(p.type, word);
  if (!param) {
    const own = (decl.params as readonly ParamDecl[]).filter((x) => x.automatable).map((x) => x.keyword);
    ctx.report(CODES.notAutomatable, t.param.span, `a ${p.type} has no '${word}': automation can move ${list(own)}`);
    return undefined;
  }
  if (!param.automatable) {
    ctx.report(CODES.notAutomatable, t.param.span, `${p.type} ${word} cannot be automated${param.syntax === 'channel' ? ': it names a channel' : ': it sets the processor’s latency'}`);
    return undefined;
  }
  const { min, max } = param.range!;
  const ceilingMode = p.type === 'limit' ? p.ceilingMode : undefined;
  return {
    target: { kind: 'param', insert, band: null, field: param.field },
    scale: scaleOf(param.kind!),
    rule: { what: `${part}.${word}`, kind: param.kind!, min, max, param },
    key: `${part}.${word}`,
    ...(ceilingMode ? { ceilingMode } : {}),
  };
}

function bandParam(ctx: AnalysisContext, p: ProcessorModel, band: number, insert: number, t: Extract<ast.AutomationTargetNode, { kind: 'part' }>): ResolvedTarget | undefined {
  const b = (p as { bands: readonly BandModel[] }).bands[band]!;
  const params = PROCESSORS[p.type].bands!.params;
  const word = t.param.name;
  const decl: BandParamDecl | undefined = params.find((x) => x.keyword === word);
  if (!decl) {
    ctx.report(CODES.notAutomatable, t.param.span, `a band has no '${word}': automation can move ${list(params.map((x) => x.keyword))}`);
    return undefined;
  }
  if (!decl.appliesTo(b)) {
    ctx.report(CODES.notAutomatable, t.param.span, `${t.part.name} is a ${b.type}: ${decl.absentWhy}`);
    return undefined;
  }
  const { min, max } = decl.range(ctx.sampleRate);
  return {
    target: { kind: 'param', insert, band, field: decl.field },
    scale: scaleOf(decl.kind),
    rule: { what: `${t.part.name}.${word}`, kind: decl.kind, min, max },
    key: `${t.part.name}.${word}`,
  };
}

function partLabel(p: ProcessorModel, t: Extract<ast.AutomationTargetNode, { kind: 'part' }>): string {
  return t.index ? `${p.type}#${t.index.value}` : p.name ?? p.type;
}

const list = (words: readonly string[]) => (words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0] ?? 'nothing');

/** The lane's points with their times and values; out of order is reported (with the sorted order for a quick fix) and sorted. */
function lanePoints(ctx: AnalysisContext, lane: ast.AutomateStatement, r: ResolvedTarget): AutomationPointModel[] {
  const points: { model: AutomationPointModel; span: ast.Span }[] = [];
  for (const p of lane.points) {
    const t = time(ctx, p.time);
    const v = pointValue(ctx, p, r);
    let shape = p.shape?.shape ?? 'linear';
    if (r.rule.kind === 'switch') {
      if (p.shape && p.shape.shape !== 'hold') ctx.report(CODES.invalidValue, p.shape.span, `a mute lane switches at its points: its segments are always 'hold'`);
      shape = 'hold';
    }
    if (t === undefined || v === undefined) continue;
    points.push({ model: { time: t, value: v, shape }, span: p.span });
  }
  const firstOut = points.findIndex((p, i) => i > 0 && p.model.time < points[i - 1]!.model.time);
  if (firstOut > 0) {
    const sorted = points.map((p, i) => ({ ...p, i })).sort((a, b) => a.model.time - b.model.time || a.i - b.i);
    const before = points[firstOut - 1]!;
    ctx.report(
      CODES.pointsOutOfOrder, points[firstOut]!.span,
      `this point (${showValue(points[firstOut]!.model.time, 's')}) comes before the one above it (${showValue(before.model.time, 's')}): a lane's points go in time order`,
      'error', { kind: 'sortPoints', body: lane.bodySpan, sorted: sorted.map((p) => p.span) },
    );
    return sorted.map((p) => p.model);
  }
  return points.map((p) => p.model);
}

function pointValue(ctx: AnalysisContext, p: ast.AutomationPoint, r: ResolvedTarget): number | undefined {
  const rule = r.rule;
  if (rule.kind === 'switch') {
    if (p.switch) return p.switch.on ? 1 : 0;
    if (p.value) ctx.report(CODES.invalidValue, p.value.span, `a mute lane's points are 'on' or 'off', e.g. chorus on`);
    return undefined;
  }
  if (p.switch) {
    ctx.report(CODES.invalidValue, p.switch.span, `'${p.switch.on ? 'on' : 'off'}' is for mute lanes; ${rule.what} takes a value, e.g. ${exampleFor(rule)}`);
    return undefined;
  }
  const q = p.value;
  if (!q) return undefined;
  if (rule.param?.convert) {
    const item: ast.ParamStatement = {
      kind: 'param', keyword: rule.param.keyword, param: rule.param.keyword, keywordSpan: q.span, value: q, denominator: p.denominator, span: p.span,
    };
    const set = rule.param.convert(item, ctx) as Record<string, unknown>;
    const v = set[rule.param.field];
    if (typeof v !== 'number') return undefined;
    if (r.ceilingMode && set['ceilingMode'] !== undefined && set['ceilingMode'] !== r.ceilingMode) {
      ctx.report(CODES.wrongUnit, q.span, `the limiter's ceiling is in ${r.ceilingMode}: its automation keeps that unit`, 'error', { kind: 'units', units: [r.ceilingMode] });
      return undefined;
    }
    return v;
  }
  if (p.denominator) {
    ctx.report(CODES.invalidValue, p.denominator.span, `only a ratio is written R:1`);
    return undefined;
  }
  const v = ctx.value(q, rule.kind);
  if (v === undefined) return undefined;
  return ctx.inRange(q, v, rule.min, rule.max, rule.what, null, rule.kind) ? v : undefined;
}

function exampleFor(rule: ValueRule): string {
  switch (rule.kind) {
    case 'percent': return 'bar 9 -30%';
    case 'frequency': return 'bar 9 2 kHz';
    case 'duration': return 'bar 9 20 ms';
    case 'plain': return 'bar 9 2';
    default: return 'bar 9 -3 dB';
  }
}

