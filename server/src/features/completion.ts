/**
 * Completion: keywords valid at the cursor (asked of the grammar itself
 * through Chevrotain's content assist), units after a number, channel and
 * marker names where a name goes, audio files inside `file`/`clip` strings.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver';
import {
  BAND_CLAUSE_KEYWORDS, BAND_KEYWORDS, blockAt, KEYWORD_DOCS, laneAt, nextTokenTypes, PARAM_KEYWORDS, paramByKeyword, showValue, statementKeywords,
  SYNTAX_WORDS, tokens as T, unitsOf, type AssistRule, type BlockLevel, type ChannelStatement, type IToken, type Keyword, type LaneContext,
  type ValueKind,
} from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';
import { channelTargets, clockMs, inUnit, partTargets, sendTarget, targetOf, type TargetInfo } from './automation.js';
import { endOf, firstTokenFrom } from './tokens-at.js';

export interface AudioFileLister {
  /** Audio files under `folder`, as paths relative to it with `/` separators. */
  list(folder: string): Promise<string[]>;
}

/** The grammar rule content assist starts from: one per block level, the same for every processor. */
const ruleFor = (level: BlockLevel): AssistRule => (level === 'top' ? 'topStatement' : level === 'channel' ? 'channelItem' : 'processorItem');

/** Settings that may appear once per block: not offered again once set. Every processor parameter is one. */
const ONCE = new Set([
  'title', 'samplerate', 'tempo', 'meter', 'output', 'length', 'label', 'color', 'hidden', 'mute', 'solo', 'trim', 'gain', 'pan', 'polarity', 'to',
  'target', ...PARAM_KEYWORDS, 'bypass',
]);

const isKeywordType = (t: IToken['tokenType']) => t.name.startsWith('Kw_');
const keywordOf = (t: IToken) => (isKeywordType(t.tokenType) ? t.image : null);

export async function completion(doc: DocState, position: Position, files: AudioFileLister, trigger?: string): Promise<CompletionItem[]> {
  const offset = doc.lines.offset(position);
  const { tokens, document } = doc.checked;
  if (document.comments.some((c) => c.span.start < offset && offset <= c.span.end)) return [];

  const i = firstTokenFrom(tokens, offset) - 1; // last token starting before the cursor
  const last = tokens[i];
  const touching = last && endOf(last) >= offset ? last : undefined;
  // `.` triggers completion only for a part's parameter (`glue.`), never inside a number or a path.
  if (trigger === '.' && !(touching?.tokenType === T.Dot && endOf(touching) === offset)) return [];

  // Inside a string: audio files for `file`, `clip` and `reference`.
  if (touching && (touching.tokenType === T.StringLit || touching.tokenType === T.UnterminatedString) && offset > touching.startOffset) {
    const closed = touching.tokenType === T.StringLit;
    if (closed && offset === endOf(touching)) return [];
    return fileCompletions(doc, tokens, i, touching, files);
  }

  // The statement so far: tokens on the cursor's line, back to a brace or `;`.
  // A word being typed is what completion replaces, not part of the prefix.
  const end = touching && isWordToken(touching) && endOf(touching) === offset ? i - 1 : i;
  const prefix: IToken[] = [];
  const line = position.line + 1; // Chevrotain lines are 1-based
  for (let k = end; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.endLine !== line || t.tokenType === T.LCurly || t.tokenType === T.RCurly || t.tokenType === T.Semicolon) break;
    prefix.unshift(t);
  }

  // Automation lanes: what a lane moves after `automate`, and the parts of a point inside its body.
  const typed = end < i ? touching : undefined;
  const replace = doc.lines.range({ start: typed ? typed.startOffset : offset, end: offset });
  const lane = laneAt(document, offset, doc.text);
  if (lane) return pointCompletions(doc, lane, prefix, offset, replace);
  const ctx = blockAt(document, offset, doc.text);
  if (ctx.level === 'channel' && ctx.channel && prefix[0]?.image === 'automate' && isKeywordType(prefix[0].tokenType)) {
    return targetCompletions(doc, ctx.channel, prefix.slice(1), offset, replace);
  }
  if (prefix.length === 0) return statementCompletions(doc, ctx.level, ctx.channel, ctx.processor);

  const next = nextTokenTypes(ruleFor(ctx.level), prefix);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (item: CompletionItem) => {
    if (seen.has(item.label)) return;
    seen.add(item.label);
    items.push(item);
  };

  const afterNumber = prefix.at(-1);
  const numberTouching = afterNumber && (afterNumber.tokenType === T.NumberLit || afterNumber.tokenType === T.NegInf) && endOf(afterNumber) === offset;
  for (const type of next) {
    if (type === T.Unit || type.name.startsWith('Unit_')) {
      for (const unit of unitsFor(prefix)) {
        const text = unit === '%' || !numberTouching ? unit : ` ${unit}`;
        add({
          label: unit,
          kind: CompletionItemKind.Unit,
          sortText: `0${unit}`,
          textEdit: { range: { start: position, end: position }, newText: text },
        });
      }
    } else if (type === T.FadeShapeKw) {
      // `fade 20 ms ` — the shapes: a category of tokens (`s` is the unit's spelling), offered by name.
      for (const shape of ['equal', 'linear', 'exp']) add({ ...keywordItem(shape), sortText: `1${shape}` });
      add({
        label: 's', kind: CompletionItemKind.Keyword, sortText: '1s', detail: 'fade DUR s',
        documentation: { kind: MarkupKind.Markdown, value: 'An S-curve fade, (1 − cos πu)/2: like `linear` it keeps the sum of two correlated takes flat, with gentle ends.' },
      });
    } else if (type === T.Name || type === T.Identifier) {
      for (const item of nameCompletions(doc, prefix, type === T.Identifier, ctx.channel?.name.name ?? null)) add(item);
    } else if (isKeywordType(type)) {
      const word = type.name.slice(3) as Keyword;
      if (allowedKeyword(prefix, word)) add(keywordItem(word));
    }
  }
  // A unit is expected but the grammar reached it only as an option: offer it too.
  if (numberTouching && items.length === 0) {
    for (const unit of unitsFor(prefix)) {
      add({ label: unit, kind: CompletionItemKind.Unit, textEdit: { range: { start: position, end: position }, newText: unit === '%' ? unit : ` ${unit}` } });
    }
  }
  return items;
}

/**
 * Values the grammar marks optional (so a half-written file still parses) are
 * still required: right after `send`, `from` or `cut` only the value itself
 * may come, so clause keywords that would skip it are not offered.
 */
const VALUE_KEYWORDS: Partial<Record<string, readonly string[]>> = {
  send: [], to: ['bar'], from: ['bar'], at: ['bar'], cut: ['bar'], length: ['bar'], fade: [], fadein: [], fadeout: [],
  gain: [], pan: [], target: [], trim: ['auto'], auto: [], samplerate: [], tempo: [], meter: [], output: ['stereo', 'mono'],
  polarity: ['invert'], bar: [], beat: [], label: [], color: [], file: [], clip: [], title: [], reference: [], marker: [],
  // A processor parameter takes its value, or a word its syntax allows (`ratio inf`); a band and its clauses take numbers.
  ...Object.fromEntries(PARAM_KEYWORDS.map((k) => [k, SYNTAX_WORDS[paramByKeyword(k)!.syntax]])),
  ...Object.fromEntries([...BAND_CLAUSE_KEYWORDS, ...BAND_KEYWORDS].map((k) => [k, []])),
};

function allowedKeyword(prefix: readonly IToken[], word: string): boolean {
  const last = prefix.at(-1);
  if (!last || !isKeywordType(last.tokenType)) {
    // After `marker NAME` or `reference NAME` the time or file is still due.
    const before = prefix.at(-2)?.image;
    if ((before === 'marker' || before === 'reference') && prefix.length === 2) return before === 'marker' && word === 'bar';
    return true;
  }
  const allowed = VALUE_KEYWORDS[last.image];
  return allowed === undefined || allowed.includes(word);
}

function isWordToken(t: IToken): boolean {
  return t.tokenType === T.Identifier || isKeywordType(t.tokenType) || t.tokenType.name.startsWith('Unit_');
}

export function keywordItem(word: Keyword, withSnippet = false): CompletionItem {
  const d = KEYWORD_DOCS[word];
  const item: CompletionItem = { label: word, kind: CompletionItemKind.Keyword };
  if (d) {
    item.detail = d.syntax;
    item.documentation = { kind: MarkupKind.Markdown, value: docMarkdown(d) };
    if (withSnippet && d.snippet) {
      item.insertText = d.snippet;
      item.insertTextFormat = InsertTextFormat.Snippet;
    }
  }
  return item;
}

export function docMarkdown(d: NonNullable<(typeof KEYWORD_DOCS)[Keyword]>): string {
  const rows = [d.summary];
  if (d.unit) rows.push(`**Unit:** ${d.unit}`);
  if (d.range) rows.push(`**Range:** ${d.range}`);
  if (d.default) rows.push(`**Default:** ${d.default}`);
  return rows.join('\n\n');
}

function statementCompletions(
  doc: DocState,
  level: BlockLevel,
  channel: DocState['checked']['document']['statements'][number] | null,
  processor: { readonly body: readonly { readonly keyword: string }[] } | null,
): CompletionItem[] {
  let words = statementKeywords(level);
  const body: readonly { readonly keyword: string }[] = level === 'top'
    ? doc.checked.document.statements
    : level === 'channel' && channel?.kind === 'channel' ? channel.body : processor?.body ?? [];
  const present = new Set(body.map((s) => s.keyword));
  words = words.filter((w) => !(ONCE.has(w) && present.has(w)));
  if (level === 'top' && present.has('master')) words = words.filter((w) => w !== 'master');
  if (level === 'channel' && channel?.kind === 'channel') {
    const kind = channel.channelKind;
    const only: Partial<Record<string, (k: string) => boolean>> = {
      file: (k) => k === 'track', clip: (k) => k === 'track', cut: (k) => k === 'track',
      to: (k) => k !== 'master', send: (k) => k !== 'master', mute: (k) => k !== 'master', solo: (k) => k !== 'master',
      target: (k) => k === 'master',
    };
    words = words.filter((w) => only[w]?.(kind) ?? true);
  }
  return words.map((w, i) => ({ ...keywordItem(w, true), sortText: String(i).padStart(3, '0') }));
}

/** Units for the number being written, from the keyword that asked for it. */
function unitsFor(prefix: readonly IToken[]): string[] {
  let k = prefix.length - 1;
  while (k >= 0 && !keywordOf(prefix[k]!)) k--;
  const word = k >= 0 ? prefix[k]!.image : '';
  const numbers = prefix.slice(k + 1).filter((t) => t.tokenType === T.NumberLit || t.tokenType === T.NegInf).length;
  const kind = valueKind(word, numbers);
  return kind ? unitsOf(kind) : [];
}

function valueKind(word: string, nth: number): ValueKind | null {
  switch (word) {
    case 'gain': case 'send': case 'trim': return 'gain';
    case 'auto': return 'level';
    case 'pan': return 'percent';
    case 'target': return 'loudness';
    case 'fade': case 'fadein': case 'fadeout':
    case 'at': case 'from': case 'to': case 'cut': case 'length': case 'marker': return 'duration';
    case 'slope': return 'slope';
    case 'samplerate': return 'samplerate';
    case 'tempo': return 'tempo';
    case 'highpass': case 'lowpass': case 'notch': case 'bandpass': return 'frequency';
    case 'bell': case 'lowshelf': case 'highshelf': return nth <= 1 ? 'frequency' : 'gain';
    // A processor parameter's units are those of its declared kind.
    default: return paramByKeyword(word)?.kind ?? null;
  }
}

function nameCompletions(doc: DocState, prefix: readonly IToken[], markersOnly: boolean, self: string | null): CompletionItem[] {
  const symbols = doc.checked.symbols;
  const first = prefix[0]?.image;
  const lastKw = [...prefix].reverse().find((t) => keywordOf(t))?.image;
  if (markersOnly || (lastKw && ['from', 'at', 'length'].includes(lastKw)) || (first === 'clip' && lastKw === 'to') || first === 'cut') {
    return symbols.filter((s) => s.kind === 'marker').map((s) => ({ label: s.name, kind: CompletionItemKind.Event, detail: 'marker' }));
  }
  if (lastKw === 'to' || lastKw === 'send') {
    return symbols
      .filter((s) => (s.kind === 'bus' || s.kind === 'master') && s.name !== self)
      .map((s) => ({ label: s.name, kind: CompletionItemKind.Module, detail: s.kind }));
  }
  if (lastKw === 'sidechain') {
    return symbols
      .filter((s) => (s.kind === 'track' || s.kind === 'bus') && s.name !== self)
      .map((s) => ({ label: s.name, kind: CompletionItemKind.Module, detail: s.kind }));
  }
  return [];
}

async function fileCompletions(doc: DocState, tokens: readonly IToken[], i: number, str: IToken, files: AudioFileLister): Promise<CompletionItem[]> {
  const before = tokens[i - 1];
  const beforeThat = tokens[i - 2];
  const wantsAudio = before && (before.image === 'file' || before.image === 'clip' || beforeThat?.image === 'reference');
  if (!wantsAudio || !doc.folder) return [];
  const closed = str.tokenType === T.StringLit;
  const range = doc.lines.range({ start: str.startOffset + 1, end: closed ? endOf(str) - 1 : endOf(str) });
  const paths = await files.list(doc.folder);
  return paths.map((p) => {
    // Written as the language reads strings: a quote or a backslash in a file name is escaped.
    const written = p.replace(/[\\"]/g, (c) => `\\${c}`);
    return {
      label: p,
      kind: CompletionItemKind.File,
      textEdit: { range, newText: closed ? written : `${written}"` },
      filterText: written,
    };
  });
}

// ---- automation lanes ------------------------------------------------------------------------
//
// Chevrotain's content assist starts only from the rules `nextTokenTypes`
// exposes (top level, channel item, processor item): it cannot start inside
// an `automate` target or point. What may come there is short and fixed
// (TARGET, then TIME VALUE [SHAPE]), so it is read from the tokens before the
// cursor instead, by the small state machines below.

/** `automate |`, `automate send |`, `automate glue.|`, `automate comp#2.|`: what the lane can move. */
function targetCompletions(doc: DocState, channel: ChannelStatement, after: readonly IToken[], offset: number, replace: Range): CompletionItem[] {
  const c = doc.checked.model.channels.find((x) => x.name === channel.name.name);
  if (!c) return [];
  const rate = doc.checked.model.sampleRate;
  // A lane already written has its `{ … }`: then the target alone is inserted.
  const opens = !doc.text.slice(offset).split('\n', 1)[0]!.includes('{');
  const item = (t: TargetInfo, label: string, i: number): CompletionItem => ({
    label,
    kind: CompletionItemKind.Property,
    detail: t.format.kind === 'switch' ? t.range : `${unitText(t)} · ${t.range}`,
    documentation: { kind: MarkupKind.Markdown, value: targetDoc(t) },
    sortText: String(i).padStart(3, '0'),
    textEdit: { range: replace, newText: opens ? `${label} {\n\t$0\n}` : label },
    insertTextFormat: opens ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  });
  if (after.length === 0) return channelTargets(c, rate).map((t, i) => item(t, t.label, i));
  const [first, second] = after;
  if (after.length === 1 && isKw(first, 'send')) return c.sends.map((s, i) => item(sendTarget(c, s.bus)!, s.bus, i));
  const dotted = after.at(-1)?.tokenType === T.Dot;
  if (dotted && after.length === 2) return partTargets(c, first!.image, null, rate).map((t, i) => item(t, t.param, i));
  if (dotted && after.length === 3 && second!.tokenType === T.PartIndex) {
    return partTargets(c, first!.image, Number(second!.image.slice(1)), rate).map((t, i) => item(t, t.param, i));
  }
  return [];
}

function unitText(t: TargetInfo): string {
  if (t.format.kind === 'switch') return 'on or off';
  if (t.format.kind === 'ratio') return 'ratio';
  return t.format.units.length > 0 ? t.format.units.join(' or ') : 'no unit';
}

function targetDoc(t: TargetInfo): string {
  const rows = [`Moves ${t.moves}.${t.summary ? ` ${t.summary}` : ''}`];
  rows.push(`**Unit:** ${unitText(t)}`);
  rows.push(`**Range:** ${t.range}`);
  return rows.join('\n\n');
}

/** Where the cursor is in a point: `TIME VALUE [SHAPE]`. */
type PointPlace =
  | { readonly at: 'time' }
  | { readonly at: 'value'; readonly afterBar: boolean; readonly bareNumber: boolean }
  | { readonly at: 'unit'; readonly touching: boolean }
  | { readonly at: 'shape' }
  | { readonly at: 'none' };

const isKw = (t: IToken | undefined, ...words: string[]) => !!t && isKeywordType(t.tokenType) && words.includes(t.image);
const isNumber = (t: IToken | undefined) => !!t && (t.tokenType === T.NumberLit || t.tokenType === T.NegInf);
const isUnit = (t: IToken | undefined) => !!t && t.tokenType.name.startsWith('Unit_');

/** Reads the tokens of the point before the cursor (from the line's start, `{` or `;`). */
function placeInPoint(p: readonly IToken[], offset: number): PointPlace {
  if (p.length === 0) return { at: 'time' };
  let i = 0;
  let afterBar = false;
  let bareNumber = false;
  const t0 = p[0]!;
  if (isKw(t0, 'bar')) {
    if (!isNumber(p[1]) || p[1]!.tokenType === T.NegInf) return { at: 'none' };
    i = 2;
    afterBar = true;
    if (isKw(p[2], 'beat')) {
      if (!isNumber(p[3])) return { at: 'none' };
      i = 4;
      afterBar = false;
    }
  } else if (t0.tokenType === T.Clock) {
    i = 1;
  } else if (t0.tokenType === T.NumberLit) {
    i = 1;
    if (isUnit(p[1])) i = 2;
    else bareNumber = true;
  } else if (t0.tokenType === T.Identifier) {
    i = 1;
  } else {
    return { at: 'none' };
  }
  const lastTouches = endOf(p.at(-1)!) === offset;
  if (i === p.length) return lastTouches ? { at: 'none' } : { at: 'value', afterBar, bareNumber };
  const v = p[i]!;
  if (isNumber(v)) {
    i++;
    if (isUnit(p[i])) i++;
    else if (i === p.length) return { at: 'unit', touching: lastTouches };
    if (p[i]?.tokenType === T.Colon) {
      i++;
      if (isNumber(p[i])) i++;
    }
  } else if (isKw(v, 'inf', 'on', 'off')) {
    i++;
  } else {
    return { at: 'none' };
  }
  if (i === p.length) return lastTouches && p.at(-1)!.tokenType !== T.Colon ? { at: 'none' } : { at: 'shape' };
  return { at: 'none' };
}

/** Inside a lane: times at a point's start, values in the target's unit after a time, shapes after a value. */
function pointCompletions(doc: DocState, { channel, lane }: LaneContext, prefix: readonly IToken[], offset: number, replace: Range): CompletionItem[] {
  const model = doc.checked.model;
  const c = model.channels.find((x) => x.name === channel.name.name);
  const target = c && lane.target ? targetOf(c, lane.target, model.sampleRate) : null;
  const place = placeInPoint(prefix, offset);
  switch (place.at) {
    case 'time': {
      const items: CompletionItem[] = model.markers.map((m) => ({
        label: m.name, kind: CompletionItemKind.Event, detail: `marker at ${clockMs(m.time)}`, sortText: `0${clockMs(m.time).padStart(12, '0')}`,
        textEdit: { range: replace, newText: m.name },
      }));
      if (model.tempo !== null) items.push({ ...keywordItem('bar'), sortText: '1bar' });
      return items;
    }
    case 'value': {
      const items = target ? valueItems(target, replace) : [];
      if (place.afterBar) items.push({ ...keywordItem('beat'), sortText: '9beat' });
      if (place.bareNumber) for (const unit of unitsOf('duration')) items.push({ label: unit, kind: CompletionItemKind.Unit, sortText: `8${unit}`, textEdit: { range: replace, newText: unit } });
      return items;
    }
    case 'unit': {
      if (!target || target.format.units.length === 0) return target?.format.kind === 'switch' ? [] : shapeItems(replace);
      return target.format.units.map((unit) => ({
        label: unit,
        kind: CompletionItemKind.Unit,
        detail: `${target.label}: ${target.range}`,
        textEdit: { range: replace, newText: unit === '%' || !place.touching ? unit : ` ${unit}` },
      }));
    }
    case 'shape':
      return target?.format.kind === 'switch' ? [] : shapeItems(replace);
    case 'none':
      return [];
  }
}

function shapeItems(replace: Range): CompletionItem[] {
  return (['linear', 'hold', 'smooth'] as const).map((w, i) => ({ ...keywordItem(w), sortText: String(i), textEdit: { range: replace, newText: w } }));
}

/**
 * A point's value in the target's unit, starting from the value the target
 * has without automation: `-2 dB` for a fader at -2 dB, `0%`, `3 kHz`,
 * `on`/`off` for mute, `4:1` for a ratio.
 */
function valueItems(t: TargetInfo, replace: Range): CompletionItem[] {
  const detail = `${t.label}: ${t.range}`;
  const documentation = { kind: MarkupKind.Markdown, value: targetDoc(t) };
  if (t.format.kind === 'switch') {
    return (['on', 'off'] as const).map((w, i) => ({ ...keywordItem(w), sortText: `0${i}`, textEdit: { range: replace, newText: w } }));
  }
  const snippet = (label: string, newText: string, i: number): CompletionItem => ({
    label, kind: CompletionItemKind.Value, detail, documentation, sortText: `0${i}`,
    textEdit: { range: replace, newText }, insertTextFormat: InsertTextFormat.Snippet,
  });
  const current = t.current ?? 0;
  if (t.format.kind === 'ratio') {
    const n = current === Infinity ? 4 : Number(current.toPrecision(6));
    return [snippet(`${n}:1`, `\${1:${n}}:1`, 0), { ...keywordItem('inf'), sortText: '01', textEdit: { range: replace, newText: 'inf' } }];
  }
  if (t.format.units.length === 0) {
    const n = showValue(current, null);
    return [snippet(n, `\${1:${n}}`, 0)];
  }
  return t.format.units.map((unit, i) => {
    const v = inUnit(t.format, current, unit);
    const n = `${v > 0 && (t.format.kind === 'gain' || t.format.kind === 'percent') ? '+' : ''}${showValue(v, null)}`;
    const sep = unit === '%' ? '' : ' ';
    return snippet(`${n}${sep}${unit}`, `\${1:${n}}${sep}${unit}`, i);
  });
}
