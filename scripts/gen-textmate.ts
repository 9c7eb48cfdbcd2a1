/**
 * Generates the TextMate grammar `syntaxes/mix.tmLanguage.json` (scope
 * `source.mix`) from the keyword and unit lists of grammar/src/tokens.ts and
 * the processor registry (grammar/src/processors/), so that a keyword added
 * to the language is highlighted without touching this file. Run `npm run
 * gen:syntax` after changing either; a test checks that the committed grammar
 * is up to date.
 *
 * The TextMate grammar only colours: it mirrors the lexer (design §2) and
 * knows a little context (the name after `track`, the colour in a `color`
 * string), and leaves everything else to the language server's semantic tokens.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BAND_CLAUSE_KEYWORDS, BAND_KEYWORDS, PARAM_KEYWORDS, paramByKeyword, PROCESSOR_TYPES,
} from '../grammar/src/processors/index.js';
import { KEYWORDS, UNIT_IMAGES, type Keyword } from '../grammar/src/tokens.js';

const here = dirname(fileURLToPath(import.meta.url));
export const GRAMMAR_PATH = resolve(here, '../syntaxes/mix.tmLanguage.json');

/** A word boundary as the lexer sees it: names are `[A-Za-z_][A-Za-z0-9_]*`. */
const NOT_BEFORE = '(?<![A-Za-z0-9_])';
const NOT_AFTER = '(?![A-Za-z0-9_])';
const NAME = '[A-Za-z_][A-Za-z0-9_]*';

/** Parameters that name a channel (`sidechain kick`) are routing words; the others take values. */
const CHANNEL_PARAMS = PARAM_KEYWORDS.filter((k) => paramByKeyword(k)!.syntax === 'channel');
const VALUE_PARAMS = PARAM_KEYWORDS.filter((k) => paramByKeyword(k)!.syntax !== 'channel');

/**
 * Keyword groups, each with its TextMate scope. Processor words come from the
 * processor registry (grammar/src/processors/), so a new processor is
 * highlighted without touching this file. A keyword that tokens.ts adds
 * later and that no group names still gets the generic `keyword.other.mix`.
 */
const KEYWORD_GROUPS: readonly { readonly id: string; readonly scope: string; readonly words: readonly Keyword[] }[] = [
  // Declarations that open a channel (`track`/`bus` are handled with their name below too).
  { id: 'channel', scope: 'storage.type.channel.mix', words: ['track', 'bus', 'master'] },
  // Other statements that declare a name.
  { id: 'declaration', scope: 'storage.type.declaration.mix', words: ['reference', 'marker'] },
  // Session settings at the top level.
  { id: 'session', scope: 'keyword.other.session.mix', words: ['title', 'samplerate', 'tempo', 'meter', 'output', 'length'] },
  // Insert processors: `eq { … }`, `comp { … }`, `limit { … }`.
  { id: 'processor', scope: 'support.function.processor.mix', words: PROCESSOR_TYPES },
  // EQ band types.
  { id: 'band', scope: 'support.type.band.mix', words: BAND_KEYWORDS },
  // Processor parameters and band clauses.
  { id: 'parameter', scope: 'variable.parameter.mix', words: [...VALUE_PARAMS, ...BAND_CLAUSE_KEYWORDS] },
  // Routing: where the signal goes, and what keys a compressor.
  { id: 'routing', scope: 'keyword.control.routing.mix', words: ['to', 'send', ...CHANNEL_PARAMS] },
  // Channel settings.
  {
    id: 'setting',
    scope: 'keyword.other.setting.mix',
    words: ['label', 'color', 'file', 'clip', 'cut', 'trim', 'gain', 'pan', 'polarity', 'target'],
  },
  // Automation lanes.
  { id: 'automation', scope: 'keyword.other.automation.mix', words: ['automate'] },
  // Flags that stand alone as statements.
  { id: 'flag', scope: 'keyword.other.flag.mix', words: ['hidden', 'mute', 'solo', 'bypass'] },
  // Clauses inside a statement: clip times and fades, trim modes, `pre`, musical times.
  {
    id: 'clause',
    scope: 'keyword.other.clause.mix',
    words: ['at', 'from', 'fade', 'fadein', 'fadeout', 'auto', 'peak', 'rms', 'invert', 'pre', 'bar', 'beat', 'linear', 'hold', 'smooth', 'ramp', 'equal', 'exp'],
  },
  // Fixed values.
  { id: 'constant', scope: 'constant.language.mix', words: ['stereo', 'mono', 'inf', 'on', 'off'] },
];

type Rule = Record<string, unknown>;

/** Longest first, so an alternation never stops at a prefix (`fade` before `fadein`). */
const longestFirst = (words: readonly string[]) => [...words].sort((a, b) => b.length - a.length || a.localeCompare(b));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const wordsRegExp = (words: readonly string[]) => `${NOT_BEFORE}(?:${longestFirst(words).map(escapeRegExp).join('|')})${NOT_AFTER}`;

/** `dB/oct` → `db-per-oct`, `%` → `percent`: a scope segment per unit. */
const unitScopeName = (image: string) => image.replace('/', '-per-').replace('%', 'percent').toLowerCase();

export function buildGrammar(): Rule {
  const known = new Set<string>(KEYWORDS);
  for (const group of KEYWORD_GROUPS) {
    for (const word of group.words) {
      if (!known.has(word)) throw new Error(`gen-textmate: '${word}' (group ${group.id}) is not in KEYWORDS`);
    }
  }
  const grouped = new Set<string>(KEYWORD_GROUPS.flatMap((g) => g.words));
  const ungrouped = KEYWORDS.filter((k) => !grouped.has(k));

  const scopeOf = (word: Keyword) => KEYWORD_GROUPS.find((g) => g.words.includes(word))?.scope ?? 'keyword.other.mix';

  // Units, each its own alternative so the scope names the unit. `%` is not a
  // word, so it needs no boundary after it.
  const unitAlternatives = longestFirst(UNIT_IMAGES).map((u) => `${escapeRegExp(u)}${/^[A-Za-z]/.test(u) ? NOT_AFTER : ''}`);
  const unitRules: Rule[] = longestFirst(UNIT_IMAGES).map((u) => ({
    match: `${escapeRegExp(u)}$`, // the captured text ends the string these run on
    name: `keyword.other.unit.${unitScopeName(u)}.mix`,
  }));

  const keywordRules: Rule[] = KEYWORD_GROUPS.map((g) => ({ name: g.scope, match: wordsRegExp(g.words) }));
  if (ungrouped.length > 0) keywordRules.push({ name: 'keyword.other.mix', match: wordsRegExp(ungrouped) });

  const repository: Record<string, Rule> = {
    'part-index': {
      comment: 'comp#2: a position right after a word is not a comment.',
      match: '(?<=[A-Za-z0-9_])#\\d+',
      name: 'constant.numeric.index.mix',
    },
    comments: {
      comment: 'From # to the end of the line; a # inside a string is text (strings are matched first).',
      match: '(#).*$',
      name: 'comment.line.number-sign.mix',
      captures: { '1': { name: 'punctuation.definition.comment.mix' } },
    },
    'string-escape': {
      patterns: [
        { match: '\\\\["\\\\]', name: 'constant.character.escape.mix' },
        { match: '\\\\.', name: 'invalid.illegal.escape.mix' },
      ],
    },
    string: {
      comment: 'Double quotes; only \\" and \\\\ are escapes. An unclosed string ends at the end of its line.',
      begin: '"',
      beginCaptures: { '0': { name: 'punctuation.definition.string.begin.mix' } },
      end: '"|$',
      endCaptures: { '0': { name: 'punctuation.definition.string.end.mix' } },
      name: 'string.quoted.double.mix',
      patterns: [{ include: '#string-escape' }],
    },
    'color-setting': {
      comment: 'color "#rrggbb": the hex colour inside the string gets its own scope.',
      begin: `${NOT_BEFORE}(color)${NOT_AFTER}\\s*(")`,
      beginCaptures: {
        '1': { name: scopeOf('color') },
        '2': { name: 'string.quoted.double.mix punctuation.definition.string.begin.mix' },
      },
      end: '(")|$',
      endCaptures: { '1': { name: 'string.quoted.double.mix punctuation.definition.string.end.mix' } },
      contentName: 'string.quoted.double.mix',
      patterns: [
        { match: '#[0-9A-Fa-f]{6}(?![0-9A-Za-z])', name: 'constant.other.color.rgb-value.hex.mix' },
        { include: '#string-escape' },
      ],
    },
    'channel-declaration': {
      comment: 'track NAME / bus NAME: the name is declared here.',
      match: `${NOT_BEFORE}(track|bus)\\s+(${NAME})`,
      captures: {
        '1': { name: scopeOf('track') },
        '2': { name: 'entity.name.type.channel.mix' },
      },
    },
    'name-declaration': {
      comment: 'reference NAME and marker NAME declare names too.',
      patterns: [
        {
          match: `${NOT_BEFORE}(reference)\\s+(${NAME})`,
          captures: { '1': { name: scopeOf('reference') }, '2': { name: 'entity.name.other.reference.mix' } },
        },
        {
          match: `${NOT_BEFORE}(marker)\\s+(${NAME})`,
          captures: { '1': { name: scopeOf('marker') }, '2': { name: 'entity.name.label.marker.mix' } },
        },
      ],
    },
    'part-declaration': {
      comment: 'comp NAME { and bell NAME 3 kHz: a processor or an EQ band named within its channel.',
      patterns: [
        {
          match: `${NOT_BEFORE}(${longestFirst(PROCESSOR_TYPES).join('|')})\\s+(${NAME})(?=\\s*\\{)`,
          captures: { '1': { name: 'support.function.processor.mix' }, '2': { name: 'entity.name.function.processor.mix' } },
        },
        {
          match: `${NOT_BEFORE}(${longestFirst(BAND_KEYWORDS).join('|')})\\s+(?!(?:slope|q)${NOT_AFTER})(${NAME})(?=\\s+(?:-inf|[+-]?\\d))`,
          captures: { '1': { name: 'support.type.band.mix' }, '2': { name: 'entity.name.other.band.mix' } },
        },
      ],
    },
    'automation-target': {
      comment: 'automate glue.threshold / automate comp#2.ratio: the part and its parameter.',
      match: `${NOT_BEFORE}(automate)\\s+(${NAME})(#\\d+)?(\\.)(${NAME})`,
      captures: {
        '1': { name: scopeOf('automate') },
        '2': { name: 'variable.other.part.mix' },
        '3': { name: 'constant.numeric.index.mix' },
        '4': { name: 'punctuation.accessor.mix' },
        '5': { name: 'variable.other.property.mix' },
      },
    },
    'name-reference': {
      comment: `Names used after ${['send', ...CHANNEL_PARAMS].join('/')} (a channel) and after to/from/at (a channel or a marker).`,
      patterns: [
        {
          match: `${NOT_BEFORE}(${['send', ...CHANNEL_PARAMS].join('|')})\\s+(${NAME})`,
          captures: { '1': { name: scopeOf('send') }, '2': { name: 'variable.other.channel.mix' } },
        },
        {
          // `to bar 17` and `from bar 9` are times, not names.
          match: `${NOT_BEFORE}(to|from|at)\\s+(?!bar${NOT_AFTER})(${NAME})`,
          captures: { '1': { patterns: [{ include: '#keyword' }] }, '2': { name: 'variable.other.name.mix' } },
        },
      ],
    },
    clock: {
      comment: 'Clock times m:ss or m:ss.fff.',
      match: `${NOT_BEFORE}\\d+:[0-5]\\d(?:\\.\\d+)?(?![0-9A-Za-z_.])`,
      name: 'constant.numeric.time.clock.mix',
    },
    quantity: {
      comment: 'A number (optional sign) or -inf, and the unit written right after it. Units are case-sensitive.',
      match: `${NOT_BEFORE}(-inf${NOT_AFTER}|[+-]?\\d+(?:\\.\\d+)?)(?:\\s*(${unitAlternatives.join('|')}))?`,
      captures: {
        '1': { name: 'constant.numeric.mix' },
        '2': { patterns: unitRules },
      },
    },
    keyword: { patterns: keywordRules },
    punctuation: {
      patterns: [
        { match: '\\{', name: 'punctuation.section.block.begin.mix' },
        { match: '\\}', name: 'punctuation.section.block.end.mix' },
        { match: ';', name: 'punctuation.terminator.statement.mix' },
        { match: ':', name: 'punctuation.separator.ratio.mix' },
        { match: '/', name: 'punctuation.separator.meter.mix' },
      ],
    },
    name: {
      comment: 'Any other word is a name (a channel, marker or reference).',
      match: NAME,
      name: 'variable.other.name.mix',
    },
  };

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    comment: 'Generated by scripts/gen-textmate.ts from grammar/src/tokens.ts and the processor registry, grammar/src/processors (npm run gen:syntax). Do not edit by hand.',
    name: 'mix',
    scopeName: 'source.mix',
    fileTypes: ['mix'],
    patterns: [
      { include: '#part-index' },
      { include: '#comments' },
      { include: '#color-setting' },
      { include: '#string' },
      { include: '#channel-declaration' },
      { include: '#name-declaration' },
      { include: '#part-declaration' },
      { include: '#automation-target' },
      { include: '#name-reference' },
      { include: '#clock' },
      { include: '#quantity' },
      { include: '#keyword' },
      { include: '#punctuation' },
      { include: '#name' },
    ],
    repository,
  };
}

/** The grammar file's text, exactly as committed. */
export function renderGrammar(): string {
  return JSON.stringify(buildGrammar(), null, 2) + '\n';
}

function main(): void {
  const text = renderGrammar();
  let old: string | undefined;
  try {
    old = readFileSync(GRAMMAR_PATH, 'utf8');
  } catch {
    old = undefined;
  }
  if (old === text) {
    console.log(`${GRAMMAR_PATH}: up to date`);
    return;
  }
  const tmp = `${GRAMMAR_PATH}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, GRAMMAR_PATH);
  console.log(`${GRAMMAR_PATH}: written`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
