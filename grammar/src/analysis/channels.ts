/**
 * Tracks, buses and master to channel models: organisation, sources, trim,
 * inserts, fader, pan, routing as written (resolved later by routing.ts), and
 * what each kind of channel may not contain.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import { DEFAULTS, type ChannelModel, type ClipModel, type CutModel, type ProcessorModel, type SendModel, type TrimModel } from '../model.js';
import { PROCESSOR_TYPES } from '../processors/index.js';
import { automationModels } from './automation.js';
import { clip, fileClip } from './clips.js';
import type { AnalysisContext } from './context.js';
import { processorModel, type PartNamer } from './processors.js';
import { isLanguageWord } from './symbols.js';
import { time } from './times.js';
import type { MixSymbol } from './types.js';

const MUTABLE = <T>(x: T) => x as { -readonly [K in keyof T]: T[K] };
const BLOCKS = `${PROCESSOR_TYPES.slice(0, -1).join(', ')} or ${PROCESSOR_TYPES.at(-1)}`;

/** Every defined channel in written order, and master even when it is not written. */
export function channelModels(ctx: AnalysisContext): ChannelModel[] {
  const out: ChannelModel[] = [];
  for (const s of ctx.doc.statements) {
    if (s.kind !== 'channel' || !s.name.name) continue;
    const symbol = ctx.channelSymbols.get(s.name.name);
    if (!symbol || symbol.span !== s.span) continue; // a duplicate, already reported
    out.push(channel(ctx, s));
  }
  if (!out.some((c) => c.kind === 'master')) out.push(emptyChannel('master', 'master'));
  return out;
}

function emptyChannel(kind: ast.ChannelKind, name: string): ChannelModel {
  return {
    kind, name, label: null, color: null, hidden: false, mute: false, solo: false, clips: [], cuts: [],
    trim: { mode: 'fixed', gainDb: 0 }, inserts: [], gainDb: 0, pan: 0, polarityInvert: false,
    output: kind === 'master' ? null : 'master', sends: [], targetLufs: null,
  };
}

function channel(ctx: AnalysisContext, s: ast.ChannelStatement): ChannelModel {
  const key = `channel:${s.name.name}`;
  ctx.sources[key] = s.span;
  const c = MUTABLE(emptyChannel(s.channelKind, s.name.name));
  const clips: ClipModel[] = [];
  const cuts: CutModel[] = [];
  const inserts: ProcessorModel[] = [];
  const sends: SendModel[] = [];
  const seen = new Map<string, ast.ChannelItem>();
  const sendTargets = new Map<string, ast.SendStatement>();
  const isMaster = s.channelKind === 'master';
  const isTrack = s.channelKind === 'track';
  const where = isMaster ? 'master' : `a ${s.channelKind}`;
  const notHere = (item: ast.ChannelItem, why: string) => ctx.notAllowedHere(item, why);
  const namePart = partNamer(ctx, s.name.name);
  const lanes: ast.AutomateStatement[] = [];

  for (const item of s.body) {
    switch (item.kind) {
      case 'flag': {
        if (item.flag === 'bypass') { notHere(item, `'bypass' goes inside an ${BLOCKS} block`); break; }
        if (isMaster && (item.flag === 'mute' || item.flag === 'solo')) { notHere(item, `master cannot be ${item.flag}d`); break; }
        if (!ctx.firstOfItsKind(seen, item.flag, item)) break;
        ctx.sources[`${key}/${item.flag}`] = item.span;
        c[item.flag] = true;
        break;
      }
      case 'label':
      case 'color': {
        if (!ctx.firstOfItsKind(seen, item.kind, item) || !item.value) break;
        ctx.sources[`${key}/${item.kind}`] = item.span;
        if (item.kind === 'label') c.label = item.value.value;
        else if (/^#[0-9a-fA-F]{6}$/.test(item.value.value)) c.color = item.value.value.toLowerCase();
        else ctx.report(CODES.invalidValue, item.value.span, `a colour is written "#rrggbb", e.g. "#e06c75"`);
        break;
      }
      case 'file':
      case 'clip': {
        if (!isTrack) { notHere(item, `${where} has no sources of its own: its input is what is routed or sent to it`); break; }
        const model = item.kind === 'file' ? fileClip(ctx, item) : clip(ctx, item as ast.ClipStatement);
        if (model) {
          ctx.sources[`${key}/clip:${clips.length}`] = item.span;
          clips.push(model);
        }
        break;
      }
      case 'cut': {
        if (!isTrack) { notHere(item, `'cut' edits a track's sources; ${where} has none`); break; }
        const from = time(ctx, item.from);
        const to = time(ctx, item.to);
        if (from === undefined || to === undefined) break;
        if (to <= from) { ctx.report(CODES.outOfRange, item.span, `a cut must end after it starts`); break; }
        ctx.sources[`${key}/cut:${cuts.length}`] = item.span;
        cuts.push(item.shape && item.shape.shape !== 'equal' ? { from, to, fade: DEFAULTS.editFade, shape: item.shape.shape } : { from, to, fade: DEFAULTS.editFade });
        break;
      }
      case 'trim': {
        if (!ctx.firstOfItsKind(seen, 'trim', item)) break;
        ctx.sources[`${key}/trim`] = item.span;
        c.trim = trim(ctx, item, isTrack, where);
        break;
      }
      case 'gain':
      case 'pan':
      case 'target': {
        if (item.kind === 'target' && !isMaster) { notHere(item, `'target' belongs in master: it sets the loudness of the whole render`); break; }
        if (!ctx.firstOfItsKind(seen, item.kind, item)) break;
        ctx.sources[`${key}/${item.kind}`] = item.span;
        if (item.kind === 'gain') c.gainDb = ctx.ranged(item.value, 'gain', -Infinity, 24, 'gain', 0);
        else if (item.kind === 'pan') c.pan = ctx.ranged(item.value, 'percent', -1, 1, 'pan', 0);
        else c.targetLufs = ctx.ranged(item.value, 'loudness', -60, 0, 'target', -14);
        break;
      }
      case 'polarity': {
        if (!ctx.firstOfItsKind(seen, 'polarity', item)) break;
        ctx.sources[`${key}/polarity`] = item.span;
        c.polarityInvert = item.invert;
        break;
      }
      case 'to': {
        if (isMaster) { notHere(item, `master is the final output: it is not routed anywhere`); break; }
        if (!ctx.firstOfItsKind(seen, 'to', item)) break;
        ctx.sources[`${key}/to`] = item.span;
        ctx.acceptedRoutes.add(item);
        if (item.target.name) c.output = item.target.name;
        break;
      }
      case 'send': {
        if (isMaster) { notHere(item, `master is the final output: it has no sends`); break; }
        if (!item.target.name) break;
        const before = sendTargets.get(item.target.name);
        if (before) {
          ctx.report(CODES.duplicateSetting, item.keywordSpan, `there is already a send to ${item.target.name} in this channel`, 'error', { kind: 'deleteStatement', span: item.span });
          break;
        }
        sendTargets.set(item.target.name, item);
        ctx.acceptedRoutes.add(item);
        ctx.sources[`${key}/send:${item.target.name}`] = item.span;
        sends.push({ bus: item.target.name, gainDb: ctx.ranged(item.level, 'gain', -Infinity, 24, 'send level', 0), pre: item.pre });
        break;
      }
      case 'automate':
        lanes.push(item);
        break;
      case 'processor': {
        const p = processorModel(ctx, item, namePart);
        ctx.sources[`${key}/insert:${inserts.length}`] = item.span;
        for (const [k, span] of p.spans) ctx.sources[`${key}/insert:${inserts.length}/${k}`] = span;
        inserts.push(p.model);
        break;
      }
    }
  }
  c.clips = clips;
  c.cuts = cuts;
  c.inserts = inserts;
  c.sends = sends;
  // Lanes last: they may move a block or send written after them.
  const automation = automationModels(ctx, c, lanes);
  if (automation.length > 0) c.automation = automation;
  return c;
}

/**
 * Names of processors and EQ bands (`comp glue`, `bell presence`): unique
 * within their channel, processors and bands together (automation and the
 * diff address them by name alone), and no keyword of the language.
 */
function partNamer(ctx: AnalysisContext, channel: string): PartNamer {
  const named = new Map<string, MixSymbol>();
  return (ref, kind, span) => {
    if (!ref || !ref.name) return undefined;
    if (isLanguageWord(ref.name)) {
      ctx.report(CODES.reservedName, ref.span, `a ${kind} cannot be called '${ref.name}': it is a keyword of the language`);
      return undefined;
    }
    const before = named.get(ref.name);
    if (before) {
      ctx.report(CODES.duplicateName, ref.span, `the name '${ref.name}' is already used by a ${before.kind} of ${channel}; processor and band names must be unique within a channel`);
      return undefined;
    }
    const symbol: MixSymbol = { name: ref.name, kind, nameSpan: ref.span, span, channel };
    named.set(ref.name, symbol);
    ctx.symbols.push(symbol);
    return ref.name;
  };
}

function trim(ctx: AnalysisContext, item: ast.TrimStatement, isTrack: boolean, where: string): TrimModel {
  if (item.auto) {
    if (!isTrack) {
      ctx.report(CODES.notAllowedHere, item.keywordSpan, `'trim auto' measures a track's own sources; ${where} has none: use 'trim DB'`);
      return { mode: 'fixed', gainDb: 0 };
    }
    const level = ctx.ranged(item.value, 'level', -60, 0, 'trim level', -18);
    return { mode: 'auto', levelDbfs: level, detector: item.mode ?? DEFAULTS.trimAutoDetector };
  }
  return { mode: 'fixed', gainDb: ctx.ranged(item.value, 'gain', -Infinity, 48, 'trim', 0) };
}
