/**
 * Tokens of the mix language (design §2).
 *
 * Keywords are contextual: every keyword token is also in the `Name`
 * category, so a channel may be called `comp` or `verb` and the parser still
 * knows `comp {` inside a channel opens a compressor. Only `master` is
 * reserved as a name, and that is a validation rule, not a lexical one.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

// `start_chars_hint` lets Chevrotain pick candidate tokens by first character
// instead of trying every pattern in turn (Chevrotain guide: performance).
const DIGITS = '0123456789'.split('');
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'];

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

export const LCurly = createToken({ name: 'LCurly', pattern: '{' });
export const RCurly = createToken({ name: 'RCurly', pattern: '}' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const Slash = createToken({ name: 'Slash', pattern: '/' });

// ---- units (case as written) -------------------------------------------------

export const Unit = createToken({ name: 'Unit', pattern: Lexer.NA });

function unit(name: string, image: string): TokenType {
  if (image === '%') return createToken({ name: `Unit_${name}`, pattern: '%', categories: [Unit], label: `'%'` });
  // A plain string pattern with `longer_alt` is what keeps the lexer fast: `dBx` is a name.
  return createToken({ name: `Unit_${name}`, pattern: image, longer_alt: Identifier, categories: [Unit, Name], label: `'${image}'` });
}

/** Unit spellings, longest first so `dBFS` is not read as `dB` + `FS`. */
export const UNIT_IMAGES = ['dB/oct', 'dBFS', 'dBTP', 'dB', 'LUFS', 'kHz', 'Hz', 'ms', 's', '%', 'bpm'] as const;
export type UnitImage = (typeof UNIT_IMAGES)[number];

export const unitTokens: ReadonlyMap<UnitImage, TokenType> = new Map(
  UNIT_IMAGES.map((image) => [image, unit(image.replace('/', '_per_').replace('%', 'percent'), image)]),
);

// ---- keywords ----------------------------------------------------------------

/**
 * Every keyword of the language. The TextMate grammar and completion are
 * generated from this list, so adding a keyword here is enough for both.
 */
export const KEYWORDS = [
  // top level
  'title', 'samplerate', 'tempo', 'meter', 'output', 'length', 'reference', 'marker',
  'track', 'bus', 'master', 'stereo', 'mono',
  // channel statements
  'label', 'color', 'hidden', 'mute', 'solo', 'file', 'clip', 'cut', 'trim', 'gain', 'pan',
  'polarity', 'to', 'send', 'eq', 'comp', 'limit', 'target',
  // clauses
  'at', 'from', 'fade', 'fadein', 'fadeout', 'auto', 'peak', 'rms', 'invert', 'pre', 'bar', 'beat',
  // eq
  'highpass', 'lowpass', 'lowshelf', 'highshelf', 'bell', 'notch', 'bandpass', 'slope', 'q', 'bypass',
  // comp and limit
  'threshold', 'ratio', 'knee', 'attack', 'release', 'makeup', 'mix', 'sidechain', 'inf',
  'ceiling', 'lookahead',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

export const keywordTokens: ReadonlyMap<Keyword, TokenType> = new Map(
  KEYWORDS.map((kw) => [
    kw,
    createToken({ name: `Kw_${kw}`, pattern: kw, longer_alt: Identifier, categories: [Name], label: `'${kw}'` }),
  ]),
);

export function kw(word: Keyword): TokenType {
  return keywordTokens.get(word)!;
}
export function unitToken(image: UnitImage): TokenType {
  return unitTokens.get(image)!;
}

/** Token order matters: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  UnterminatedString,
  Clock,
  NegInf,
  NumberLit,
  LCurly,
  RCurly,
  Semicolon,
  Colon,
  Slash,
  // Keywords longest-first so `fadein` is not lexed as `fade` + `in`.
  ...[...keywordTokens.entries()].sort((a, b) => b[0].length - a[0].length).map(([, t]) => t),
  ...unitTokens.values(),
  Unit,
  Identifier,
  Name,
];

export const mixLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });
