/**
 * Tokens of the mix language (design §2).
 *
 * Keywords are contextual: every keyword token is also in the `Name`
 * category, so a channel may be called `comp` or `verb` and the parser still
 * knows `comp {` inside a channel opens a compressor. Only `master` is
 * reserved as a name, and that is a validation rule, not a lexical one.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';
import { PARAM_KEYWORDS, paramByKeyword, PROCESSOR_LIST, PROCESSOR_TYPES, processorWords, type ParamSyntax } from './processors/index.js';

// `start_chars_hint` lets Chevrotain pick candidate tokens by first character
// instead of trying every pattern in turn (Chevrotain guide: performance).
const DIGITS = '0123456789'.split('');
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'];
const PART_INDEX = /#\d+/y;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED, line_breaks: true, start_chars_hint: [' ', '\t', '\r', '\n', '\f', '\v'] });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments', start_chars_hint: ['#'] });

/** Anything that can be a name: a plain identifier, or a keyword or unit used as one. */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
/** A word that is neither keyword nor unit. Marker references in times must be one. */
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name], start_chars_hint: LETTERS });

/**
 * A double-quoted string. Only `\"` and `\\` are escapes, but any backslash
 * pair is lexed as part of the string, so `"stems\kick.wav"` is one string
 * (with a warning about `\` in paths) rather than a broken one.
 */
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/, start_chars_hint: ['"'] });
/** A string that runs to the end of the line: lexed so the error is precise. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\.)*/, start_chars_hint: ['"'] });

/** `2:03` or `2:03.250` — minutes, two-digit seconds, optional fraction. */
export const Clock = createToken({ name: 'Clock', pattern: /\d+:[0-5]\d(?:\.\d+)?/, start_chars_hint: DIGITS });
export const NegInf = createToken({ name: 'NegInf', pattern: /-inf(?![A-Za-z0-9_])/, start_chars_hint: ['-'] });
/**
 * Numbers. `.5` and `5.` are lexed too so that the validator can say exactly
 * what is wrong with them (design §2: `.5` is not a number).
 */
export const NumberLit = createToken({ name: 'NumberLit', pattern: /[+-]?(?:\d+(?:\.\d*)?|\.\d+)/, start_chars_hint: [...DIGITS, '+', '-', '.'] });

/**
 * `.` between a part and its parameter: `glue.threshold`. After NumberLit,
 * so `.5` is still lexed as a (malformed) number.
 */
export const Dot = createToken({ name: 'Dot', pattern: '.', label: "'.'" });
/**
 * `#2` right after a word: `comp#2`, the second comp of a channel. A `#`
 * after a space (or not followed by digits) starts a comment as before.
 */
export const PartIndex = createToken({
  name: 'PartIndex',
  pattern: {
    exec: (text: string, offset: number) => {
      if (!/[A-Za-z0-9_]/.test(text[offset - 1] ?? '')) return null;
      PART_INDEX.lastIndex = offset;
      return PART_INDEX.exec(text);
    },
  },
  line_breaks: false,
  start_chars_hint: ['#'],
  label: "a position such as '#2'",
});
export const LCurly = createToken({ name: 'LCurly', pattern: '{' });
export const RCurly = createToken({ name: 'RCurly', pattern: '}' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const Slash = createToken({ name: 'Slash', pattern: '/' });

// ---- units (case as written) -------------------------------------------------

export const Unit = createToken({ name: 'Unit', pattern: Lexer.NA });

/** Unit spellings, longest first. */
export const UNIT_IMAGES = ['dB/oct', 'dBFS', 'dBTP', 'dB', 'LUFS', 'kHz', 'Hz', 'ms', 's', '%', 'bpm'] as const;
export type UnitImage = (typeof UNIT_IMAGES)[number];

/**
 * Units and keywords that look like words are not lexer patterns: the lexer
 * reads a word as an Identifier and `lex` then looks it up (the usual
 * "identifier, then keyword table" scheme, much faster than trying dozens of
 * patterns on every word). Only `%` and `dB/oct` have patterns of their own.
 */
function unit(image: UnitImage): TokenType {
  const name = `Unit_${image.replace('/', '_per_').replace('%', 'percent')}`;
  if (image === '%') return createToken({ name, pattern: '%', categories: [Unit], label: `'%'` });
  if (image === 'dB/oct') return createToken({ name, pattern: 'dB/oct', longer_alt: Identifier, categories: [Unit, Name], label: `'dB/oct'` });
  return createToken({ name, pattern: Lexer.NA, categories: [Unit, Name], label: `'${image}'` });
}

export const unitTokens: ReadonlyMap<UnitImage, TokenType> = new Map(UNIT_IMAGES.map((image) => [image, unit(image)]));

// ---- keywords ----------------------------------------------------------------

/** Words of the language that are no processor's: statements, clauses and fixed values. */
export const CORE_KEYWORDS = [
  // top level
  'title', 'samplerate', 'tempo', 'meter', 'output', 'length', 'reference', 'marker',
  'track', 'bus', 'master', 'stereo', 'mono',
  // channel statements
  'label', 'color', 'hidden', 'mute', 'solo', 'file', 'clip', 'cut', 'trim', 'gain', 'pan',
  'polarity', 'to', 'send', 'target', 'automate',
  // clauses
  'at', 'from', 'fade', 'fadein', 'fadeout', 'auto', 'peak', 'rms', 'invert', 'pre', 'bar', 'beat',
  // automation points: shapes of the segment that follows, and mute's values
  'linear', 'hold', 'smooth', 'on', 'off',
  // tempo changes
  'ramp',
  // fade shapes (with 'linear' and the unit 's', for the S-curve)
  'equal', 'exp',
  // any processor block
  'bypass',
] as const;
export type CoreKeyword = (typeof CORE_KEYWORDS)[number];
/** A keyword: a core word or one a processor declares (processors/). */
export type Keyword = string;

const PROCESSOR_WORDS = [...new Set(PROCESSOR_LIST.flatMap(processorWords))];

/**
 * Every keyword of the language: the core words, each processor's block
 * keyword and the words it declares. The TextMate grammar and completion are
 * generated from this list, so a keyword added here or in a processor's
 * declaration is enough for both.
 */
export const KEYWORDS: readonly Keyword[] = [...new Set<string>([...CORE_KEYWORDS, ...PROCESSOR_TYPES, ...PROCESSOR_WORDS])];

// Keyword groups the grammar consumes as one token type (no OR needed).
const quoted = (words: readonly string[]) => words.map((w) => `'${w}'`).join(' or ');
const paramWords = (syntax: ParamSyntax) => PARAM_KEYWORDS.filter((k) => paramByKeyword(k)!.syntax === syntax);
export const FlagKw = createToken({ name: 'FlagKw', pattern: Lexer.NA, label: "'hidden', 'mute', 'solo' or 'bypass'" });
export const StringSettingKw = createToken({ name: 'StringSettingKw', pattern: Lexer.NA, label: "'label', 'color' or 'file'" });
export const ValueSettingKw = createToken({ name: 'ValueSettingKw', pattern: Lexer.NA, label: "'gain', 'pan' or 'target'" });
export const ProcessorKw = createToken({ name: 'ProcessorKw', pattern: Lexer.NA, label: PROCESSOR_TYPES.map((t) => `'${t}'`).join(', ').replace(/, ([^,]*)$/, ' or $1') });
export const BandKw = createToken({ name: 'BandKw', pattern: Lexer.NA, label: 'an EQ band' });
/** A parameter whose value is a number with its unit. */
export const ParamKw = createToken({ name: 'ParamKw', pattern: Lexer.NA, label: 'a setting' });
/** A parameter written as a ratio: `ratio 4:1`. */
export const RatioParamKw = createToken({ name: 'RatioParamKw', pattern: Lexer.NA, label: quoted(paramWords('ratio')) });
/** A parameter whose value is a channel's name: `sidechain kick`. */
export const ChannelParamKw = createToken({ name: 'ChannelParamKw', pattern: Lexer.NA, label: quoted(paramWords('channel')) });
export const ClipTimeKw = createToken({ name: 'ClipTimeKw', pattern: Lexer.NA, label: "'at', 'from' or a fade" });
/** The shape of an automation segment. */
export const ShapeKw = createToken({ name: 'ShapeKw', pattern: Lexer.NA, label: "'linear', 'hold' or 'smooth'" });
/** The shape of a fade: `equal`, `linear`, `s` (the unit's spelling) or `exp`. */
export const FadeShapeKw = createToken({ name: 'FadeShapeKw', pattern: Lexer.NA, label: "'equal', 'linear', 's' or 'exp'" });
/** A value of a `mute` lane. */
export const SwitchKw = createToken({ name: 'SwitchKw', pattern: Lexer.NA, label: "'on' or 'off'" });

const PARAM_GROUPS: Record<ParamSyntax, TokenType> = { quantity: ParamKw, ratio: RatioParamKw, channel: ChannelParamKw };

const GROUPS: Partial<Record<Keyword, TokenType>> = {
  hidden: FlagKw, mute: FlagKw, solo: FlagKw,
  label: StringSettingKw, color: StringSettingKw, file: StringSettingKw,
  gain: ValueSettingKw, pan: ValueSettingKw, target: ValueSettingKw,
  at: ClipTimeKw, from: ClipTimeKw, fade: ClipTimeKw, fadein: ClipTimeKw, fadeout: ClipTimeKw,
  linear: ShapeKw, hold: ShapeKw, smooth: ShapeKw, on: SwitchKw, off: SwitchKw,
  ...Object.fromEntries(PROCESSOR_TYPES.map((t) => [t, ProcessorKw])),
  ...Object.fromEntries(PROCESSOR_LIST.flatMap((p) => p.bands?.types.map((b) => [b.type, BandKw]) ?? [])),
  ...Object.fromEntries(PARAM_KEYWORDS.map((k) => [k, PARAM_GROUPS[paramByKeyword(k)!.syntax]])),
};

/** Words in a second group: `linear` shapes automation segments and fades. */
const ALSO: Partial<Record<Keyword, TokenType>> = { linear: FadeShapeKw, equal: FadeShapeKw, exp: FadeShapeKw };

export const keywordTokens: ReadonlyMap<Keyword, TokenType> = new Map(
  KEYWORDS.map((kw) => [
    kw,
    createToken({ name: `Kw_${kw}`, pattern: Lexer.NA, categories: [Name, ...(GROUPS[kw] ? [GROUPS[kw]!] : []), ...(ALSO[kw] ? [ALSO[kw]!] : [])], label: `'${kw}'` }),
  ]),
);

/** A number or `-inf`. */
export const NumberLike = createToken({ name: 'NumberLike', pattern: Lexer.NA, label: 'a number' });
/** A string, closed or not (an unclosed one is reported by the lexer step). */
export const StringLike = createToken({ name: 'StringLike', pattern: Lexer.NA, label: 'a string' });

export function kw(word: Keyword): TokenType {
  const t = keywordTokens.get(word);
  if (!t) throw new Error(`'${word}' is not a keyword`);
  return t;
}
export function unitToken(image: UnitImage): TokenType {
  return unitTokens.get(image)!;
}

/** What a word means when it is not a plain name: keyword or unit token types by spelling. */
const WORDS = new Map<string, TokenType>([
  ...[...keywordTokens.entries()],
  ...[...unitTokens.entries()].filter(([image]) => /^[A-Za-z]+$/.test(image)),
]);

/** Token order matters: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  PartIndex,
  Comment,
  StringLit,
  UnterminatedString,
  Clock,
  NegInf,
  NumberLit,
  Dot,
  LCurly,
  RCurly,
  Semicolon,
  Colon,
  unitToken('dB/oct'),
  Slash,
  unitToken('%'),
  Identifier,
  // Types the lexer never produces itself: words re-typed by `lex`, and categories.
  ...keywordTokens.values(),
  ...[...unitTokens.values()].filter((t) => t !== unitToken('dB/oct') && t !== unitToken('%')),
  Unit,
  Name,
  FlagKw, StringSettingKw, ValueSettingKw, ProcessorKw, BandKw, ParamKw, RatioParamKw, ChannelParamKw, ClipTimeKw, ShapeKw, SwitchKw, FadeShapeKw,
  NumberLike,
  StringLike,
];

// Categories must be attached before the lexer and parser see the token types.
for (const t of [NumberLit, NegInf]) (t.CATEGORIES ??= []).push(NumberLike);
for (const t of [StringLit, UnterminatedString]) (t.CATEGORIES ??= []).push(StringLike);
// `fade 20 ms s`: the unit's spelling is also the S-curve's name.
(unitToken('s').CATEGORIES ??= []).push(FadeShapeKw);

export const mixLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });

/** Lexes text and gives each word its keyword or unit type. */
export function lex(text: string): ReturnType<Lexer['tokenize']> {
  const result = mixLexer.tokenize(text);
  for (const t of result.tokens) {
    if (t.tokenType !== Identifier) continue;
    const type = WORDS.get(t.image);
    if (type) {
      t.tokenType = type;
      t.tokenTypeIdx = type.tokenTypeIdx!;
    }
  }
  return result;
}
