/**
 * Clips and audio files: `file` and `clip` statements to clip models (times,
 * default edit fades), file paths, and what the audio facts say about each
 * file (missing, unreadable, another sample rate).
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import { DEFAULTS, type ClipModel } from '../model.js';
import { showValue } from '../units.js';
import type { AnalysisContext } from './context.js';
import { time } from './times.js';

type Span = ast.Span;

export function checkPath(ctx: AnalysisContext, p: ast.StringValue): void {
  if (p.value.includes('\\')) {
    ctx.report(CODES.invalidValue, p.span, `paths use '/' on every platform: write "${p.value.replace(/\\/g, '/')}"`, 'warning');
  }
  if (p.value.trim() === '') ctx.report(CODES.invalidValue, p.span, `the file name is empty`);
}

export function audioFileFacts(ctx: AnalysisContext, p: ast.StringValue): void {
  const fact = ctx.facts.get(p.value);
  if (!fact) return;
  switch (fact.status) {
    case 'missing':
      ctx.report(CODES.audioMissing, p.span, `audio file not found: ${p.value}`);
      break;
    case 'unreadable':
      ctx.report(CODES.audioUnreadable, p.span, `cannot read ${p.value}: ${fact.reason}`);
      break;
    case 'unsupported':
      ctx.report(CODES.audioUnsupported, p.span, `${p.value} is not a supported audio file: ${fact.reason}`);
      break;
    case 'ok':
      if (fact.info.sampleRate !== ctx.sampleRate) {
        ctx.report(CODES.sampleRateDiffers, p.span, `${p.value} is at ${fact.info.sampleRate} Hz; it will be resampled to the session's ${ctx.sampleRate} Hz`, 'information');
      }
      break;
  }
}

/** `file PATH`: the whole file at 0, unfaded. */
export function fileClip(ctx: AnalysisContext, item: ast.StringSetting): ClipModel | null {
  if (!item.value) return null;
  checkPath(ctx, item.value);
  audioFileFacts(ctx, item.value);
  return { source: 'file', path: item.value.value, at: 0, from: 0, to: null, fadeIn: 0, fadeOut: 0, fadeInWritten: false, fadeOutWritten: false, gainDb: 0 };
}

export function clip(ctx: AnalysisContext, item: ast.ClipStatement): ClipModel | null {
  if (!item.path) return null;
  checkPath(ctx, item.path);
  audioFileFacts(ctx, item.path);
  const seen = new Map<string, { span: Span; keywordSpan: Span; keyword: string }>();
  let at = 0;
  let from: number | undefined;
  let to: number | null = null;
  let fadeIn: number | undefined;
  let fadeOut: number | undefined;
  let inShape: ast.FadeShape = 'equal';
  let outShape: ast.FadeShape = 'equal';
  let gainDb = 0;
  let uncertain = false;
  for (const c of item.clauses) {
    const group = c.clause === 'fade' || c.clause === 'fadein' || c.clause === 'fadeout' ? `fade:${c.clause}` : c.clause;
    const clause = { span: c.span, keywordSpan: c.keywordSpan, keyword: c.clause };
    if (!ctx.firstOfItsKind(seen, group, clause)) continue;
    if (c.clause === 'gain') {
      gainDb = ctx.ranged(c.gain, 'gain', -Infinity, 24, 'clip gain', 0);
      continue;
    }
    const isFade = c.clause.startsWith('fade');
    if (c.shape && !isFade) ctx.report(CODES.notAllowedHere, c.shape.span, `only a fade has a shape: '${c.shape.shape}' belongs after fade, fadein or fadeout`);
    const shape = isFade ? c.shape?.shape ?? 'equal' : 'equal';
    const t = isFade ? fadeLength(ctx, c.time) : time(ctx, c.time);
    if (t === undefined) {
      uncertain = true;
      continue;
    }
    switch (c.clause) {
      case 'at': at = t; break;
      case 'from': from = t; break;
      case 'to': to = t; break;
      case 'fade':
        if (fadeIn === undefined) { fadeIn = t; inShape = shape; }
        if (fadeOut === undefined) { fadeOut = t; outShape = shape; }
        break;
      case 'fadein': fadeIn = t; inShape = shape; break;
      case 'fadeout': fadeOut = t; outShape = shape; break;
    }
  }
  if (seen.has('fade:fade') && (seen.has('fade:fadein') || seen.has('fade:fadeout'))) {
    const f = seen.get('fade:fade')!;
    ctx.report(CODES.duplicateSetting, f.keywordSpan, `'fade' sets both edges; with 'fadein' or 'fadeout' as well, write only those`);
  }
  const start = from ?? at;
  if (from !== undefined && from < at) {
    ctx.report(CODES.outOfRange, item.span, `the clip starts at ${showValue(at, 's')} but plays from ${showValue(from, 's')}, before the file begins`);
  }
  if (to !== null && to <= Math.max(start, at)) {
    ctx.report(CODES.outOfRange, item.span, `the clip ends (to ${showValue(to, 's')}) before it starts (${showValue(Math.max(start, at), 's')})`);
  }
  const model: ClipModel = {
    source: 'clip',
    path: item.path.value,
    at,
    from: Math.max(start, at),
    to,
    fadeIn: fadeIn ?? (from !== undefined && from > at ? DEFAULTS.editFade : 0),
    fadeOut: fadeOut ?? (to !== null ? DEFAULTS.editFade : 0),
    fadeInWritten: fadeIn !== undefined,
    fadeOutWritten: fadeOut !== undefined,
    // Equal-power is left out, so a model without shapes is what it always was.
    ...(inShape !== 'equal' ? { fadeInShape: inShape } : {}),
    ...(outShape !== 'equal' ? { fadeOutShape: outShape } : {}),
    gainDb,
  };
  if (uncertain) ctx.uncertainClips.add(model);
  return model;
}

function fadeLength(ctx: AnalysisContext, t: ast.TimeExpr | null): number | undefined {
  if (!t) return undefined;
  if (t.kind !== 'duration') {
    ctx.report(CODES.invalidValue, t.span, `a fade is a duration, e.g. fade 20 ms`);
    return undefined;
  }
  const v = ctx.value(t.quantity, 'duration');
  if (v === undefined) return undefined;
  return ctx.inRange(t.quantity, v, 0, 60, 'fade', 's', 'duration') ? v : undefined;
}
