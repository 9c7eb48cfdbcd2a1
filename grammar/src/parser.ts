/**
 * A fault-tolerant Chevrotain parser for `.mix` files that builds the AST
 * directly (embedded actions). With `recoveryEnabled`, a missing token is
 * inserted and a broken statement is skipped up to the next statement, so a
 * file with many mistakes reports all of them and still yields a tree.
 *
 * One parser instance is reused for every parse (Chevrotain guide,
 * performance: build the grammar once, reset with `parser.input`).
 */
import {
  EmbeddedActionsParser,
  EOF,
  tokenMatcher,
  type IToken,
  type TokenType,
  type IParserErrorMessageProvider,
  type TokenVocabulary,
} from 'chevrotain';
import type * as ast from './ast.js';
import { statementKeywords } from './keyword-docs.js';
import { BANDS, paramByKeyword, PROCESSOR_TYPES, type ProcessorType } from './processors/index.js';
import {
  allTokens, BandKw, ChannelParamKw, Clock, ClipTimeKw, Colon, Dot, FadeShapeKw, Identifier, FlagKw, kw, LCurly, lex, Name, NumberLike, NumberLit, ParamKw,
  PartIndex, ProcessorKw, RatioParamKw, RCurly, Semicolon, ShapeKw, Slash, StringLike, StringSettingKw, SwitchKw, ValueSettingKw,
  StringLit, Unit, UnterminatedString, type Keyword, type UnitImage,
} from './tokens.js';

type Span = ast.Span;

/** A problem found while lexing or parsing, before any validation. */
export interface SyntaxProblem {
  readonly message: string;
  readonly span: Span;
  /** Names of the tokens that would have been accepted, when known. */
  readonly expected?: readonly string[];
}

export interface ParseResult {
  readonly document: ast.MixDocument;
  readonly problems: readonly SyntaxProblem[];
  readonly tokens: readonly IToken[];
}

/** True for a token the parser made up to recover (and for the dummies of Chevrotain's grammar recording). */
const isInserted = (t: IToken | undefined): boolean =>
  !t || t.isInsertedInRecovery === true || typeof t.startOffset !== 'number' || Number.isNaN(t.startOffset) || typeof t.image !== 'string';

/** Shown to users: `'gain'` rather than `Kw_gain`. */
export function tokenLabel(t: TokenType): string {
  if (t.LABEL) return t.LABEL;
  switch (t.name) {
    case 'NumberLit': return 'a number';
    case 'NegInf': return '-inf';
    case 'StringLit': return 'a string';
    case 'Name': return 'a name';
    case 'Clock': return 'a clock time';
    case 'LCurly': return "'{'";
    case 'RCurly': return "'}'";
    case 'Semicolon': return "';'";
    case 'Colon': return "':'";
    case 'Slash': return "'/'";
    case 'Unit': return 'a unit';
    case 'EOF': return 'end of file';
    default: return t.name;
  }
}

function shown(token: IToken): string {
  if (token.tokenType === EOF) return 'end of file';
  return `'${token.image}'`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${tokenLabel(expected)} but found ${shown(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${shown(firstRedundant)}: a statement starts with a keyword`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(tokenLabel(path[0]));
    const list = [...firsts];
    const what = ruleName === 'time' ? 'a time' : ruleName === 'quantity' ? 'a number' : list.length > 6 ? 'a statement' : list.join(' or ');
    return `expected ${what} but found ${shown(actual[0]!)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = [...new Set(expectedIterationPaths.map((p) => (p[0] ? tokenLabel(p[0]) : '')))];
    return `expected ${firsts.join(' or ')} but found ${shown(actual[0]!)}`;
  },
};

type Level = 'top' | 'channel' | 'processor' | 'automation';

const kws = (words: readonly Keyword[]) => new Set<TokenType>(words.map(kw));
// What may start a statement at each level, from the keyword table that
// completion and hover use too. A stray `bypass` in a channel is parsed (and
// reported by validation) rather than skipped.
const TOP_STARTS = kws(statementKeywords('top'));
const CHANNEL_STARTS = kws([...statementKeywords('channel'), 'bypass']);
const PROCESSOR_STARTS = kws(PROCESSOR_TYPES.flatMap((t) => statementKeywords(t)));
const CHANNEL_OPENERS = kws(['track', 'bus', 'master']);
/** What may start an automation point: a time. */
const POINT_STARTS = [kw('bar'), Clock, NumberLike, Identifier];
const startsPoint = (t: IToken) => POINT_STARTS.some((type) => tokenMatcher(t, type));
/** The channel settings automation can move by their own name. */
const AUTOMATED_SETTINGS = new Set(['gain', 'pan', 'trim', 'mute']);

const STRING_EXAMPLES: Record<string, string> = {
  label: `'label' needs a string, e.g. label "Kick In"`,
  color: `'color' needs a colour, e.g. color "#e06c75"`,
  file: `'file' needs the audio file, e.g. file "stems/kick.wav"`,
};
const VALUE_EXAMPLES: Record<string, string> = {
  gain: `'gain' needs a level, e.g. gain -3 dB`,
  pan: `'pan' needs a position, e.g. pan -30%`,
  target: `'target' needs a loudness, e.g. target -14 LUFS`,
};
const BAND_EXAMPLES: Record<string, string> = Object.fromEntries(BANDS.map((b) => [b.type, b.example]));

/** What a parameter written without its value is told, from its declaration. */
function paramNeeds(keyword: string): string {
  const p = paramByKeyword(keyword);
  return `'${keyword}' needs ${p?.needs ?? 'a value'}, e.g. ${p?.example ?? keyword}`;
}

class MixParser extends EmbeddedActionsParser {
  /** Runs of tokens the grammar could not place, each reported once. */
  skipped: SyntaxProblem[] = [];

  /** Set before each parse; used for spans at end of input. */
  textLength = 0;

  constructor() {
    super(allTokens as TokenVocabulary, { recoveryEnabled: true, errorMessageProvider: messages, maxLookahead: 3 });
    // Chevrotain's own in-repetition recovery reports a stray word as "expected
    // '}'"; `skipJunk` steps over the same tokens with a message that says what
    // is wrong, so switch the generic one off.
    (this as unknown as { attemptInRepetitionRecovery: () => void }).attemptInRepetitionRecovery = () => {};
    this.performSelfAnalysis();
  }

  // ---- helpers (not grammar rules) -------------------------------------------------

  /** Reports a value the statement needs but does not have, on the keyword that asks for it. */
  private missing(at: IToken, message: string): void {
    if (this.RECORDING_PHASE) return;
    this.skipped.push({ message, span: this.spanOf(at) });
  }

  /** As `missing`, on a span (a whole time, say) rather than a token. */
  private missingAt(span: Span, message: string): void {
    if (this.RECORDING_PHASE) return;
    this.skipped.push({ message, span });
  }

  /** Span of a token; an inserted token gets an empty span where it would be. */
  private spanOf(t: IToken | undefined): Span {
    if (t && !isInserted(t)) return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
    const next = this.LA(1);
    const at = next && !isInserted(next) && next.tokenType !== EOF ? next.startOffset : this.textLength;
    return { start: at, end: at };
  }

  private join(a: Span, b: Span | null | undefined): Span {
    if (!b || b.end < a.end) return a;
    return { start: a.start, end: b.end };
  }

  private nameRef(t: IToken | undefined): ast.NameRef {
    return { name: t && !isInserted(t) ? t.image : '', span: this.spanOf(t) };
  }

  private stringValue(t: IToken | undefined): ast.StringValue | null {
    if (!t || isInserted(t)) return null;
    const terminated = t.tokenType === StringLit;
    const inner = terminated ? t.image.slice(1, -1) : t.image.slice(1);
    // Only \" and \\ are escapes; any other backslash stays as written (a
    // Windows path gets a warning from validation, not a broken string).
    return { value: inner.replace(/\\(["\\])/g, '$1'), span: this.spanOf(t), terminated };
  }

  /**
   * Whether the next token cannot start anything at this level, so it is
   * skipped as junk. Tokens that end the level (`}`) or that clearly open a
   * new channel (a `}` was forgotten) are not junk: the enclosing rule deals
   * with them.
   */
  private isJunk(level: Level): boolean {
    const t = this.LA(1).tokenType;
    if (t === EOF || t === RCurly || t === Semicolon) return level === 'top' && t === RCurly;
    const opensChannel = CHANNEL_OPENERS.has(t) && (this.LA(2).tokenType === LCurly || this.LA(3).tokenType === LCurly);
    switch (level) {
      case 'top': return !TOP_STARTS.has(t);
      case 'channel': return !CHANNEL_STARTS.has(t) && !opensChannel;
      case 'processor': return !PROCESSOR_STARTS.has(t) && !CHANNEL_STARTS.has(t) && !opensChannel;
      case 'automation': return !startsPoint(this.LA(1)) && !CHANNEL_STARTS.has(t) && !opensChannel;
    }
  }

  private junkMessage(level: Level, first: IToken): string {
    const word = first.image;
    if (level === 'top') {
      if (CHANNEL_STARTS.has(first.tokenType)) return `'${word}' belongs inside a track, bus or master block`;
      if (first.tokenType === RCurly) return `unexpected '}': there is no open block to close`;
      return `unexpected ${shown(first)}: a statement starts with a keyword such as track, bus or master`;
    }
    if (level === 'channel') {
      if (PROCESSOR_STARTS.has(first.tokenType)) return `'${word}' belongs inside an eq, comp or limit block`;
      return `${shown(first)} is not a channel setting`;
    }
    if (level === 'automation') return `${shown(first)} does not start an automation point: a point is a time and a value, e.g. bar 9 -3 dB`;
    return `${shown(first)} is not a setting of this block`;
  }

  // ---- grammar -----------------------------------------------------------------------

  /**
   * Steps over a run of tokens that cannot start a statement here (keeping
   * braces balanced) and reports the run once. This is hand-driven rather
   * than a grammar rule: an "any token" alternative would make Chevrotain's
   * lookahead analysis explode.
   */
  private skipJunk(level: Level): boolean {
    if (this.RECORDING_PHASE || !this.isJunk(level)) return false;
    const first = this.LA(1);
    let last = first;
    let depth = 0;
    do {
      last = this.LA(1);
      if (last.tokenType === LCurly) depth++;
      else if (last.tokenType === RCurly) depth--;
      this.SKIP_TOKEN();
    } while (this.LA(1).tokenType !== EOF && (depth > 0 || this.isJunk(level)));
    this.skipped.push({ message: this.junkMessage(level, first), span: this.join(this.spanOf(first), { start: last.startOffset, end: last.endOffset! + 1 }) });
    return true;
  }

  public document = this.RULE('document', (): ast.TopStatement[] => {
    const statements: ast.TopStatement[] = [];
    do {
      this.MANY(() => {
        const st = this.OR(this.topAlts);
        if (st) statements.push(st);
      });
    } while (this.skipJunk('top'));
    return statements;
  });

  // Alternatives of the hot ORs are built once, not on every call (Chevrotain
  // guide, performance: "caching arrays of alternatives").
  private readonly topAlts = [
    { ALT: (): ast.TopStatement | undefined => this.SUBRULE(this.topStatement) },
    { ALT: (): ast.TopStatement | undefined => { this.CONSUME(Semicolon); return undefined; } },
  ];

  private readonly topStatementAlts = [
    { ALT: (): ast.TopStatement => this.SUBRULE(this.titleStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.sampleRateStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.tempoStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.meterStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.outputStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.lengthStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.referenceStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.markerStatement) },
    { ALT: (): ast.TopStatement => this.SUBRULE(this.channelStatement) },
  ];

  private topStatement = this.RULE('topStatement', (): ast.TopStatement | undefined => {
    return this.OR(this.topStatementAlts);
  }, { recoveryValueFunc: () => undefined });

  // Values are parsed with OPTION and a missing one is reported by `missing`:
  // the statement stays in the tree and the parser never has to re-sync.

  private string = this.RULE('string', (): ast.StringValue | null => {
    return this.stringValue(this.CONSUME(StringLike));
  });

  private titleStatement = this.RULE('titleStatement', (): ast.TitleStatement => {
    const k = this.CONSUME(kw('title'));
    const value = this.OPTION(() => this.SUBRULE(this.string)) ?? null;
    if (!value) this.missing(k, `'title' needs a string, e.g. title "Night Drive"`);
    return { kind: 'title', keyword: 'title', keywordSpan: this.spanOf(k), value, span: this.join(this.spanOf(k), value?.span) };
  });

  private sampleRateStatement = this.RULE('sampleRateStatement', (): ast.SampleRateStatement => {
    const k = this.CONSUME(kw('samplerate'));
    const value = this.OPTION(() => this.SUBRULE(this.quantity)) ?? null;
    if (!value) this.missing(k, `'samplerate' needs a rate, e.g. samplerate 48000 Hz`);
    return { kind: 'samplerate', keyword: 'samplerate', keywordSpan: this.spanOf(k), value, span: this.join(this.spanOf(k), value?.span) };
  });

  private tempoStatement = this.RULE('tempoStatement', (): ast.TempoStatement => {
    const k = this.CONSUME(kw('tempo'));
    const value = this.OPTION(() => this.SUBRULE(this.quantity)) ?? null;
    if (!value) this.missing(k, `'tempo' needs beats per minute, e.g. tempo 120 bpm`);
    const at = this.OPTION2(() => this.SUBRULE(this.changeAt)) ?? null;
    let ramp = null as { span: Span } | null;
    this.OPTION3(() => { ramp = { span: this.spanOf(this.CONSUME(kw('ramp'))) }; });
    const end: Span | null = (ramp as { span: Span } | null)?.span ?? at?.span ?? value?.span ?? null;
    return { kind: 'tempo', keyword: 'tempo', keywordSpan: this.spanOf(k), value, at, ramp, span: this.join(this.spanOf(k), end) };
  });

  /** `at bar 33` of a tempo or meter change (on the statement's line: `at` is a clip clause too). */
  private changeAt = this.RULE('changeAt', (): ast.ChangeAt => {
    const a = this.CONSUME(kw('at'));
    const time = this.OPTION(() => this.SUBRULE(this.time)) ?? null;
    if (!time) this.missing(a, `'at' needs the bar where the change happens, e.g. at bar 33`);
    return { keywordSpan: this.spanOf(a), time, span: this.join(this.spanOf(a), time?.span) };
  });

  private meterStatement = this.RULE('meterStatement', (): ast.MeterStatement => {
    const k = this.CONSUME(kw('meter'));
    let beats = null as ast.Quantity | null;
    let unit = null as ast.Quantity | null;
    this.OPTION(() => {
      beats = this.numberQuantity(this.CONSUME(NumberLit), undefined);
      this.OPTION2(() => {
        this.CONSUME(Slash);
        this.OPTION3(() => { unit = this.numberQuantity(this.CONSUME2(NumberLit), undefined); });
      });
    });
    if (!beats || !unit) this.missing(k, `'meter' needs a time signature, e.g. meter 4/4`);
    const at = this.OPTION4(() => this.SUBRULE(this.changeAt)) ?? null;
    const end: Span | null = at?.span ?? (unit as ast.Quantity | null)?.span ?? (beats as ast.Quantity | null)?.span ?? null;
    return { kind: 'meter', keyword: 'meter', keywordSpan: this.spanOf(k), beats, unit, at, span: this.join(this.spanOf(k), end) };
  });

  private outputStatement = this.RULE('outputStatement', (): ast.OutputStatement => {
    const k = this.CONSUME(kw('output'));
    const t = this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(kw('stereo')) }, { ALT: () => this.CONSUME(kw('mono')) }]));
    const layout = isInserted(t) ? null : (t!.image as 'stereo' | 'mono');
    if (!layout) this.missing(k, `'output' is either stereo or mono`);
    const layoutSpan = layout ? this.spanOf(t) : null;
    return { kind: 'output', keyword: 'output', keywordSpan: this.spanOf(k), layout, layoutSpan, span: this.join(this.spanOf(k), layoutSpan) };
  });

  private lengthStatement = this.RULE('lengthStatement', (): ast.LengthStatement => {
    const k = this.CONSUME(kw('length'));
    const time = this.OPTION(() => this.SUBRULE(this.time)) ?? null;
    if (!time) this.missing(k, `'length' needs a time, e.g. length 3:30`);
    return { kind: 'length', keyword: 'length', keywordSpan: this.spanOf(k), time, span: this.join(this.spanOf(k), time?.span) };
  });

  private referenceStatement = this.RULE('referenceStatement', (): ast.ReferenceStatement => {
    const k = this.CONSUME(kw('reference'));
    const n = this.OPTION(() => this.CONSUME(Name));
    const name = this.nameRef(n);
    const path = this.OPTION2(() => this.SUBRULE(this.string)) ?? null;
    if (!n || !path) this.missing(k, `'reference' needs a name and a file, e.g. reference pro "refs/pro.wav"`);
    let gain = null as ast.Quantity | null;
    this.OPTION3(() => {
      const g = this.CONSUME(kw('gain'));
      gain = this.OPTION4(() => this.SUBRULE(this.quantity)) ?? null;
      if (!gain) this.missing(g, `'gain' needs a level, e.g. gain -2 dB`);
    });
    const end: ast.Quantity | null = gain;
    return {
      kind: 'reference', keyword: 'reference', keywordSpan: this.spanOf(k), name, path, gain,
      span: this.join(this.spanOf(k), end ? end.span : path?.span ?? (n ? name.span : null)),
    };
  });

  private markerStatement = this.RULE('markerStatement', (): ast.MarkerStatement => {
    const k = this.CONSUME(kw('marker'));
    const n = this.OPTION(() => this.CONSUME(Name));
    const name = this.nameRef(n);
    const time = this.OPTION2(() => this.SUBRULE(this.time)) ?? null;
    if (!n || !time) this.missing(k, `'marker' needs a name and a time, e.g. marker chorus bar 17`);
    return { kind: 'marker', keyword: 'marker', keywordSpan: this.spanOf(k), name, time, span: this.join(this.spanOf(k), time?.span ?? (n ? name.span : null)) };
  });

  private channelStatement = this.RULE('channelStatement', (): ast.ChannelStatement => {
    let channelKind = 'track' as ast.ChannelKind;
    let name: ast.NameRef = { name: '', span: { start: 0, end: 0 } };
    // DSL calls must not sit behind run-time conditions (Chevrotain records the
    // grammar by running the rule once), so each alternative reads its own name.
    const k = this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(kw('track'));
          channelKind = 'track';
          const n = this.OPTION(() => this.CONSUME(Name));
          name = this.nameRef(n);
          if (!n) this.missing(t, `'track' needs a name, e.g. track kick { … }`);
          return t;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(kw('bus'));
          channelKind = 'bus';
          const n = this.OPTION2(() => this.CONSUME2(Name));
          name = this.nameRef(n);
          if (!n) this.missing(t, `'bus' needs a name, e.g. bus drums { … }`);
          return t;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(kw('master'));
          channelKind = 'master';
          name = { name: 'master', span: this.spanOf(t) };
          return t;
        },
      },
    ]);
    const what = channelKind === 'master' ? 'master' : `${channelKind} ${name.name}`;
    const open = this.OPTION3(() => this.CONSUME(LCurly));
    if (!open) this.missing(k, `expected '{' to open the block of ${what}`);
    // Without '{' the settings that follow are still read as this channel's.
    const body: ast.ChannelItem[] = [];
    do {
      this.MANY(() => {
        const item = this.OR2(this.channelBodyAlts);
        if (item) body.push(item);
      });
    } while (this.skipJunk('channel'));
    const close = this.OPTION4(() => this.CONSUME(RCurly));
    if (!close && open) this.missing(open, `the block of ${what} is not closed: '}' is missing`);
    const start = open ? this.spanOf(open) : { start: name.span.end, end: name.span.end };
    const bodySpan = this.join(start, close ? this.spanOf(close) : body.at(-1)?.span);
    return {
      kind: 'channel', keyword: channelKind, keywordSpan: this.spanOf(k), channelKind, name, body, bodySpan,
      span: this.join(this.spanOf(k), bodySpan),
    };
  });

  private readonly channelBodyAlts = [
    { ALT: (): ast.ChannelItem | undefined => this.SUBRULE(this.channelItem) },
    { ALT: (): ast.ChannelItem | undefined => { this.CONSUME(Semicolon); return undefined; } },
  ];

  private readonly channelItemAlts = [
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.flagStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.stringSetting) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.valueSetting) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.clipStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.cutStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.trimStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.polarityStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.routeStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.sendStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.processorStatement) },
    { ALT: (): ast.ChannelItem => this.SUBRULE(this.automateStatement) },
  ];

  private channelItem = this.RULE('channelItem', (): ast.ChannelItem | undefined => {
    return this.OR(this.channelItemAlts);
  }, { recoveryValueFunc: () => undefined });

  /** `hidden`, `mute`, `solo` — and `bypass`, which validation says belongs in a processor. */
  private flagStatement = this.RULE('flagStatement', (): ast.FlagStatement => {
    const t = this.OR([{ ALT: () => this.CONSUME(FlagKw) }, { ALT: () => this.CONSUME(kw('bypass')) }]);
    const span = this.spanOf(t);
    return { kind: 'flag', keyword: t.image, flag: t.image as ast.FlagStatement['flag'], keywordSpan: span, span };
  });

  private stringSetting = this.RULE('stringSetting', (): ast.StringSetting => {
    const k = this.CONSUME(StringSettingKw);
    const value = this.OPTION(() => this.SUBRULE(this.string)) ?? null;
    if (!value) this.missing(k, STRING_EXAMPLES[k.image] ?? `'${k.image}' needs a string`);
    return {
      kind: k.image as ast.StringSetting['kind'], keyword: k.image, keywordSpan: this.spanOf(k), value,
      span: this.join(this.spanOf(k), value?.span),
    };
  });

  private valueSetting = this.RULE('valueSetting', (): ast.ValueSetting => {
    const k = this.CONSUME(ValueSettingKw);
    const value = this.OPTION(() => this.SUBRULE(this.quantity)) ?? null;
    if (!value) this.missing(k, VALUE_EXAMPLES[k.image] ?? `'${k.image}' needs a value`);
    return {
      kind: k.image as ast.ValueSetting['kind'], keyword: k.image, keywordSpan: this.spanOf(k), value,
      span: this.join(this.spanOf(k), value?.span),
    };
  });

  /**
   * `clip PATH [at T] [from T] [to T] [fade D|fadein D|fadeout D] [gain DB]`.
   * `to` and `gain` are also statements of their own, so as clauses they must
   * stay on the clip's line: `to drums` on the next line routes the track.
   */
  private clipStatement = this.RULE('clipStatement', (): ast.ClipStatement => {
    const k = this.CONSUME(kw('clip'));
    const path = this.OPTION(() => this.SUBRULE(this.string)) ?? null;
    if (!path) this.missing(k, `'clip' needs a file, e.g. clip "takes/vox_1.wav" from bar 9`);
    let line = this.LA(0).endLine ?? 0;
    const sameLine = () => this.LA(1).startLine === line;
    const clauses: ast.ClipClause[] = [];
    const continuesClip = () => {
      const t = this.LA(1).tokenType;
      return t === kw('to') || t === kw('gain') ? sameLine() : true;
    };
    this.MANY({
      GATE: continuesClip,
      DEF: () => this.OR2([
        {
          ALT: () => {
            const clause = this.SUBRULE(this.clipTimeClause);
            if (clause) clauses.push(clause);
            line = this.LA(0).endLine ?? line;
          },
        },
        {
          GATE: sameLine,
          ALT: () => {
            const c = this.CONSUME2(kw('to'));
            const time = this.OPTION2(() => this.SUBRULE2(this.time)) ?? null;
            if (!time) this.missing(c, `'to' needs a time, e.g. to bar 17`);
            clauses.push({ clause: 'to', keywordSpan: this.spanOf(c), time, shape: null, span: this.join(this.spanOf(c), time?.span) });
            line = this.LA(0).endLine ?? line;
          },
        },
        {
          GATE: sameLine,
          ALT: () => {
            const c = this.CONSUME3(kw('gain'));
            const gain = this.OPTION3(() => this.SUBRULE3(this.quantity)) ?? null;
            if (!gain) this.missing(c, `'gain' needs a level, e.g. gain -2 dB`);
            clauses.push({ clause: 'gain', keywordSpan: this.spanOf(c), gain, span: this.join(this.spanOf(c), gain?.span) });
            line = this.LA(0).endLine ?? line;
          },
        },
      ]),
    });
    const last = clauses.at(-1)?.span ?? path?.span;
    return { kind: 'clip', keyword: 'clip', keywordSpan: this.spanOf(k), path, clauses, span: this.join(this.spanOf(k), last) };
  });

  private clipTimeClause = this.RULE('clipTimeClause', (): ast.ClipTimeClause => {
    const c = this.CONSUME(ClipTimeKw);
    const time = this.OPTION(() => this.SUBRULE(this.time)) ?? null;
    if (!time) this.missing(c, `'${c.image}' needs a ${c.image.startsWith('fade') ? 'duration, e.g. fade 20 ms' : 'time, e.g. from bar 9'}`);
    // `fade 20 ms linear`: only a fade has a shape (analysis says so of `at 1 s linear`).
    const shape = this.OPTION2(() => this.SUBRULE(this.fadeShape)) ?? null;
    const end: Span | null = shape?.span ?? time?.span ?? null;
    return { clause: c.image as ast.ClipClauseKind, keywordSpan: this.spanOf(c), time, shape, span: this.join(this.spanOf(c), end) };
  });

  private fadeShape = this.RULE('fadeShape', (): { shape: ast.FadeShape; span: Span } => {
    const t = this.CONSUME(FadeShapeKw);
    return { shape: t.image as ast.FadeShape, span: this.spanOf(t) };
  });

  private cutStatement = this.RULE('cutStatement', (): ast.CutStatement => {
    const k = this.CONSUME(kw('cut'));
    const from = this.OPTION(() => this.SUBRULE(this.time)) ?? null;
    let to = null as ast.TimeExpr | null;
    const t = this.OPTION2(() => {
      const tk = this.CONSUME(kw('to'));
      to = this.OPTION3(() => this.SUBRULE2(this.time)) ?? null;
      return tk;
    });
    if (!from || !to) this.missing(k, `'cut' needs a span, e.g. cut 2:03.2 to 2:04`);
    // `cut 1:00 to 1:02 linear`: the shape of its edge fades, on the cut's line.
    const shape = this.OPTION4({ GATE: () => this.LA(1).startLine === k.startLine, DEF: () => this.SUBRULE(this.fadeShape) }) ?? null;
    const end: Span | null = shape?.span ?? (to as ast.TimeExpr | null)?.span ?? (from as ast.TimeExpr | null)?.span ?? (t ? this.spanOf(t) : null);
    return { kind: 'cut', keyword: 'cut', keywordSpan: this.spanOf(k), from, to, shape, span: this.join(this.spanOf(k), end) };
  });

  private trimStatement = this.RULE('trimStatement', (): ast.TrimStatement => {
    const k = this.CONSUME(kw('trim'));
    let mode: 'peak' | 'rms' | null = null;
    let modeSpan: Span | null = null;
    const a = this.OPTION(() => this.CONSUME(kw('auto')));
    const value = this.OPTION2(() => this.SUBRULE(this.quantity)) ?? null;
    this.OPTION3(() => {
      const m = this.OR([{ ALT: () => this.CONSUME(kw('peak')) }, { ALT: () => this.CONSUME(kw('rms')) }]);
      mode = m.image as 'peak' | 'rms';
      modeSpan = this.spanOf(m);
      if (!a) this.missing(m, `'${m.image}' only goes with 'trim auto', e.g. trim auto -18 dBFS ${m.image}`);
    });
    if (!value) this.missing(k, a ? `'trim auto' needs a level, e.g. trim auto -18 dBFS rms` : `'trim' needs a level, e.g. trim -3 dB`);
    const end: Span | null = modeSpan ?? value?.span ?? (a ? this.spanOf(a) : null);
    return { kind: 'trim', keyword: 'trim', keywordSpan: this.spanOf(k), auto: !!a, value, mode, span: this.join(this.spanOf(k), end) };
  });

  private polarityStatement = this.RULE('polarityStatement', (): ast.PolarityStatement => {
    const k = this.CONSUME(kw('polarity'));
    const i = this.OPTION(() => this.CONSUME(kw('invert')));
    if (!i) this.missing(k, `'polarity' takes 'invert': polarity invert`);
    return { kind: 'polarity', keyword: 'polarity', keywordSpan: this.spanOf(k), invert: !!i, span: this.join(this.spanOf(k), i ? this.spanOf(i) : null) };
  });

  /**
   * A name after `to`, `send` or `sidechain` may be a keyword (`to comp`), but
   * not a statement keyword on a later line: `send` left unfinished must not
   * swallow the `gain` setting below it.
   */
  private nameFollows(keyword: IToken): boolean {
    const next = this.LA(1);
    return next.startLine === keyword.startLine || !(CHANNEL_STARTS.has(next.tokenType) || PROCESSOR_STARTS.has(next.tokenType));
  }

  /**
   * A band's name: a word followed by a number (the frequency), on the
   * band's line. `slope` and `q` are the band's own clauses, never a name.
   */
  private bandNameFollows(): boolean {
    const next = this.LA(1);
    if (!tokenMatcher(next, Name) || tokenMatcher(next, kw('slope')) || tokenMatcher(next, kw('q'))) return false;
    return tokenMatcher(this.LA(2), NumberLike) && this.LA(2).startLine === next.startLine;
  }

  private routeStatement = this.RULE('routeStatement', (): ast.RouteStatement => {
    const k = this.CONSUME(kw('to'));
    const n = this.OPTION({ GATE: () => this.nameFollows(k), DEF: () => this.CONSUME(Name) });
    if (!n) this.missing(k, `'to' needs the bus it feeds, e.g. to drums`);
    const target = this.nameRef(n);
    return { kind: 'to', keyword: 'to', keywordSpan: this.spanOf(k), target, span: this.join(this.spanOf(k), n ? target.span : null) };
  });

  private sendStatement = this.RULE('sendStatement', (): ast.SendStatement => {
    const k = this.CONSUME(kw('send'));
    const n = this.OPTION({ GATE: () => this.nameFollows(k), DEF: () => this.CONSUME(Name) });
    const target = this.nameRef(n);
    const level = this.OPTION2(() => this.SUBRULE(this.quantity)) ?? null;
    if (!n || !level) this.missing(k, `'send' needs a bus and a level, e.g. send verb -12 dB`);
    const p = this.OPTION3(() => this.CONSUME(kw('pre')));
    const end: Span | null = p ? this.spanOf(p) : level?.span ?? (n ? target.span : null);
    return { kind: 'send', keyword: 'send', keywordSpan: this.spanOf(k), target, level, pre: !!p, span: this.join(this.spanOf(k), end) };
  });

  /**
   * `automate TARGET { POINTS }` (design §10.2): points are a time, a value
   * and the shape of the segment that follows, one a line or `;`-separated.
   * The target is on the keyword's line, so an unfinished `automate` does
   * not take the next line's setting for its target.
   */
  private automateStatement = this.RULE('automateStatement', (): ast.AutomateStatement => {
    const k = this.CONSUME(kw('automate'));
    const target = this.OPTION({ GATE: () => this.LA(1).startLine === k.startLine, DEF: () => this.SUBRULE(this.automationTarget) }) ?? null;
    if (!target) this.missing(k, `'automate' needs what it moves, e.g. automate gain { bar 1 -2 dB; bar 9 0 dB }`);
    const open = this.OPTION2(() => this.CONSUME(LCurly));
    if (!open && target) this.missingAt(target.span, `expected '{' and the points of the lane, e.g. automate gain { bar 1 -2 dB; bar 9 0 dB }`);
    const points: ast.AutomationPoint[] = [];
    if (open) {
      do {
        this.MANY(() => {
          const point = this.OR(this.automationBodyAlts);
          if (point) points.push(point);
        });
      } while (this.skipJunk('automation'));
    }
    const close = this.OPTION3(() => this.CONSUME(RCurly));
    if (!close && open) this.missing(open, `the automate block is not closed: '}' is missing`);
    const kSpan = this.spanOf(k);
    const start = open ? this.spanOf(open) : { start: (target?.span ?? kSpan).end, end: (target?.span ?? kSpan).end };
    const bodySpan = this.join(start, close ? this.spanOf(close) : points.at(-1)?.span);
    return { kind: 'automate', keyword: 'automate', keywordSpan: kSpan, target, points, bodySpan, span: this.join(kSpan, bodySpan) };
  });

  private readonly automationBodyAlts = [
    { ALT: (): ast.AutomationPoint | undefined => this.SUBRULE(this.automationPoint) },
    { ALT: (): ast.AutomationPoint | undefined => { this.CONSUME(Semicolon); return undefined; } },
  ];

  /** `gain`, `pan`, `trim`, `mute`, `send BUS`, `PART.PARAM` or `TYPE#N.PARAM`. */
  private automationTarget = this.RULE('automationTarget', (): ast.AutomationTargetNode => {
    const first = this.CONSUME(Name);
    const index = this.OPTION(() => this.CONSUME(PartIndex));
    let dot: IToken | undefined;
    let param: IToken | undefined;
    this.OPTION2(() => {
      dot = this.CONSUME(Dot);
      param = this.OPTION3(() => this.CONSUME2(Name));
    });
    // `send verb`: the bus, on the same line.
    const bus = this.OPTION4({
      GATE: () => !dot && !index && this.LA(1).startLine === first.startLine,
      DEF: () => this.CONSUME3(Name),
    });
    const firstRef = this.nameRef(first);
    const lastToken = bus ?? param ?? dot ?? index ?? first;
    const span = this.join(firstRef.span, this.spanOf(lastToken));
    if (dot || index) {
      if (!param) this.missing(dot ?? index!, `name the parameter after '.', e.g. ${firstRef.name || 'glue'}${index ? index.image : ''}.threshold`);
      const i = index && !isInserted(index) ? { value: Number(index.image.slice(1)), span: this.spanOf(index) } : null;
      return { kind: 'part', part: firstRef, index: i, param: this.nameRef(param), span };
    }
    if (firstRef.name === 'send') {
      if (!bus) this.missing(first, `'automate send' needs the bus, e.g. automate send verb { … }`);
      return { kind: 'send', bus: this.nameRef(bus), span };
    }
    if (bus) this.missing(bus, `unexpected '${bus.image}': only 'send' takes a bus; a processor's parameter is written NAME.PARAM, e.g. glue.threshold`);
    if (AUTOMATED_SETTINGS.has(firstRef.name)) {
      return { kind: 'setting', setting: firstRef.name as 'gain' | 'pan' | 'trim' | 'mute', span: firstRef.span };
    }
    return { kind: 'unknown', word: firstRef, span: firstRef.span };
  });

  /** `TIME VALUE [SHAPE]`: `bar 13 +1 dB hold`, `0:30 +20%`, `verse on`, `chorus 4:1`. */
  private automationPoint = this.RULE('automationPoint', (): ast.AutomationPoint | undefined => {
    const time = this.SUBRULE(this.time) ?? null;
    let value = null as ast.Quantity | null;
    let denominator = null as ast.Quantity | null;
    let sw = null as ast.AutomationPoint['switch'];
    let shape = null as ast.AutomationPoint['shape'];
    this.OPTION(() => this.OR([
      {
        ALT: () => {
          value = this.SUBRULE(this.quantity) ?? null;
          this.OPTION2(() => {
            const colon = this.CONSUME(Colon);
            this.OPTION3(() => { denominator = this.numberQuantity(this.CONSUME(NumberLit), undefined); });
            if (!denominator) this.missing(colon, `a ratio is written R:1, e.g. 4:1`);
          });
        },
      },
      {
        // `ratio inf` in a lane.
        ALT: () => { value = this.numberQuantity(this.CONSUME(kw('inf')), undefined); },
      },
      {
        ALT: () => {
          const t = this.CONSUME(SwitchKw);
          sw = { on: t.image === 'on', span: this.spanOf(t) };
        },
      },
    ]));
    const timeSpan = time?.span ?? this.spanOf(undefined);
    if (!value && !sw) this.missingAt(timeSpan, `a point needs a value after its time, e.g. bar 9 -3 dB`);
    this.OPTION4(() => {
      const t = this.CONSUME(ShapeKw);
      shape = { shape: t.image as ast.SegmentShape, span: this.spanOf(t) };
    });
    const pointShape = shape as ast.AutomationPoint['shape'];
    const pointSwitch = sw as ast.AutomationPoint['switch'];
    const end: Span | null = pointShape?.span ?? (denominator as ast.Quantity | null)?.span ?? pointSwitch?.span ?? (value as ast.Quantity | null)?.span ?? null;
    return { time, value, denominator, switch: sw, shape, span: this.join(timeSpan, end) };
  }, { recoveryValueFunc: () => undefined });

  /**
   * A processor block: `eq { … }`, `comp { … }`, …. The body is read the same
   * way for every processor (bands, and parameters by the syntax their
   * declaration gives); which settings fit which block is checked by analysis.
   */
  private processorStatement = this.RULE('processorStatement', (): ast.ProcessorStatement => {
    const k = this.CONSUME(ProcessorKw);
    // `comp glue { … }`: a name before the brace (a keyword too: analysis says it cannot be one).
    const n = this.OPTION3({ GATE: () => tokenMatcher(this.LA(2), LCurly), DEF: () => this.CONSUME(Name) });
    const name = n ? this.nameRef(n) : null;
    const open = this.OPTION(() => this.CONSUME(LCurly));
    if (!open) this.missing(n ?? k, `expected '{' after '${k.image}${n ? ` ${n.image}` : ''}', e.g. ${k.image} { … }`);
    const body: (ast.EqItem | ast.DynamicsItem)[] = [];
    do {
      this.MANY(() => {
        const item = this.OR2(this.processorBodyAlts);
        if (item) body.push(item);
      });
    } while (this.skipJunk('processor'));
    const close = this.OPTION2(() => this.CONSUME(RCurly));
    if (!close && open) this.missing(open, `the ${k.image} block is not closed: '}' is missing`);
    const kSpan = this.spanOf(k);
    const start = open ? this.spanOf(open) : { start: kSpan.end, end: kSpan.end };
    const bodySpan = this.join(start, close ? this.spanOf(close) : body.at(-1)?.span);
    return {
      kind: 'processor', keyword: k.image, processor: k.image as ProcessorType, name, keywordSpan: kSpan, body, bodySpan,
      span: this.join(kSpan, bodySpan),
    };
  });

  private readonly processorBodyAlts = [
    { ALT: (): ast.EqItem | ast.DynamicsItem | undefined => this.SUBRULE(this.processorItem) },
    { ALT: (): ast.EqItem | ast.DynamicsItem | undefined => { this.CONSUME(Semicolon); return undefined; } },
  ];

  private readonly processorItemAlts = [
    { ALT: (): ast.EqItem | ast.DynamicsItem => this.SUBRULE(this.bandStatement) },
    { ALT: (): ast.EqItem | ast.DynamicsItem => this.SUBRULE(this.paramStatement) },
    { ALT: (): ast.EqItem | ast.DynamicsItem => this.SUBRULE(this.ratioStatement) },
    { ALT: (): ast.EqItem | ast.DynamicsItem => this.SUBRULE(this.sidechainStatement) },
    {
      ALT: (): ast.EqItem | ast.DynamicsItem => {
        const t = this.CONSUME(kw('bypass'));
        const span = this.spanOf(t);
        return { kind: 'flag', keyword: 'bypass', flag: 'bypass', keywordSpan: span, span };
      },
    },
  ];

  private processorItem = this.RULE('processorItem', (): ast.EqItem | ast.DynamicsItem | undefined => {
    return this.OR(this.processorItemAlts);
  }, { recoveryValueFunc: () => undefined });

  private bandStatement = this.RULE('bandStatement', (): ast.BandStatement => {
    const k = this.CONSUME(BandKw);
    // `bell presence 3 kHz`: a name before the frequency (never `slope` or `q`, which follow it).
    const n = this.OPTION5({ GATE: () => this.bandNameFollows(), DEF: () => this.CONSUME(Name) });
    const name = n ? this.nameRef(n) : null;
    const freq = this.OPTION(() => this.SUBRULE(this.quantity)) ?? null;
    if (!freq) this.missing(k, `'${k.image}' needs a frequency, e.g. ${BAND_EXAMPLES[k.image] ?? `${k.image} 100 Hz`}`);
    let gain = null as ast.Quantity | null;
    let slope = null as ast.Quantity | null;
    let q = null as ast.Quantity | null;
    let end: Span | null = freq?.span ?? null;
    const repeated: { keyword: string; keywordSpan: Span; span: Span }[] = [];
    let slopeSeen = false;
    let qSeen = false;
    this.OPTION2(() => {
      gain = this.SUBRULE2(this.quantity) ?? null;
      end = gain?.span ?? end;
    });
    this.MANY(() => {
      this.OR2([
        {
          ALT: () => {
            const c = this.CONSUME(kw('slope'));
            const v = this.OPTION3(() => this.SUBRULE3(this.quantity)) ?? null;
            if (!v) this.missing(c, `'slope' needs a value, e.g. slope 24 dB/oct`);
            const span = this.join(this.spanOf(c), v?.span);
            if (slopeSeen) repeated.push({ keyword: 'slope', keywordSpan: this.spanOf(c), span });
            else slope = v;
            slopeSeen = true;
            end = span;
          },
        },
        {
          ALT: () => {
            const c = this.CONSUME(kw('q'));
            const v = this.OPTION4(() => this.SUBRULE4(this.quantity)) ?? null;
            if (!v) this.missing(c, `'q' needs a value, e.g. q 1.4`);
            const span = this.join(this.spanOf(c), v?.span);
            if (qSeen) repeated.push({ keyword: 'q', keywordSpan: this.spanOf(c), span });
            else q = v;
            qSeen = true;
            end = span;
          },
        },
      ]);
    });
    return {
      kind: 'band', keyword: k.image, band: k.image as ast.BandType, name, keywordSpan: this.spanOf(k), freq, gain, slope, q, repeated,
      span: this.join(this.spanOf(k), end),
    };
  });

  private paramStatement = this.RULE('paramStatement', (): ast.ParamStatement => {
    const k = this.CONSUME(ParamKw);
    const value = this.OPTION(() => this.SUBRULE(this.quantity)) ?? null;
    if (!value) this.missing(k, paramNeeds(k.image));
    return {
      kind: 'param', keyword: k.image, param: k.image, keywordSpan: this.spanOf(k), value,
      span: this.join(this.spanOf(k), value?.span),
    };
  });

  /** `ratio 4`, `ratio 4:1`, `ratio inf`. A denominator other than 1 is a validation error. */
  private ratioStatement = this.RULE('ratioStatement', (): ast.ParamStatement => {
    const k = this.CONSUME(RatioParamKw);
    const v = this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(NumberLit) }, { ALT: () => this.CONSUME(kw('inf')) }]));
    // A unit is no part of a ratio, but read it so validation can say so (and offer to remove it).
    const u = this.OPTION5(() => this.CONSUME(Unit));
    let denominator = null as ast.Quantity | null;
    this.OPTION2(() => {
      const colon = this.CONSUME(Colon);
      this.OPTION3(() => { denominator = this.numberQuantity(this.CONSUME2(NumberLit), undefined); });
      if (!denominator) this.missing(colon, `a ratio is written R:1, e.g. ratio 4:1`);
    });
    if (!v) this.missing(k, paramNeeds(k.image));
    const value = v ? this.numberQuantity(v, u) : null;
    const end: ast.Quantity | null = denominator ?? value;
    return {
      kind: 'param', keyword: k.image, param: k.image, keywordSpan: this.spanOf(k), value, denominator,
      span: this.join(this.spanOf(k), end?.span),
    };
  });

  private sidechainStatement = this.RULE('sidechainStatement', (): ast.SidechainStatement => {
    const k = this.CONSUME(ChannelParamKw);
    const n = this.OPTION({ GATE: () => this.nameFollows(k), DEF: () => this.CONSUME(Name) });
    if (!n) this.missing(k, paramNeeds(k.image));
    const target = this.nameRef(n);
    return { kind: 'sidechain', keyword: k.image, keywordSpan: this.spanOf(k), target, span: this.join(this.spanOf(k), n ? target.span : null) };
  });

  /** A number or `-inf`, then its unit if one is written. */
  private quantity = this.RULE('quantity', (): ast.Quantity | undefined => {
    const n = this.CONSUME(NumberLike);
    const u = this.OPTION(() => this.CONSUME(Unit));
    return this.numberQuantity(n, u);
  }, { recoveryValueFunc: () => undefined });

  /** `83.5 s`, `500 ms`, `2:03.2`, `bar 17`, `bar 17 beat 3`, or a marker's name. */
  private readonly timeAlts = [
      {
        ALT: () => {
          const b = this.CONSUME(kw('bar'));
          const n = this.OPTION(() => this.CONSUME(NumberLit));
          if (!n) this.missing(b, `'bar' needs a bar number, e.g. bar 17`);
          const bar = this.numberQuantity(n, undefined);
          let beat = null as ast.Quantity | null;
          this.OPTION2(() => {
            const bt = this.CONSUME(kw('beat'));
            const m = this.OPTION3(() => this.CONSUME2(NumberLit));
            if (!m) this.missing(bt, `'beat' needs a beat number, e.g. bar 17 beat 3`);
            beat = this.numberQuantity(m, undefined);
          });
          const end: ast.Quantity | null = beat;
          return { kind: 'bar', bar, beat, span: this.join(this.spanOf(b), end ? end.span : n ? bar.span : null) } as ast.TimeExpr;
        },
      },
      {
        ALT: () => {
          const c = this.CONSUME(Clock);
          const text = isInserted(c) ? '' : c.image;
          return { kind: 'clock', text, seconds: text ? parseClock(text) : NaN, span: this.spanOf(c) } as ast.TimeExpr;
        },
      },
      {
        ALT: () => {
          const q = this.SUBRULE(this.quantity);
          return { kind: 'duration', quantity: q, span: q?.span ?? this.spanOf(undefined) } as ast.TimeExpr;
        },
      },
      {
        ALT: () => {
          const ref = this.nameRef(this.CONSUME(Identifier));
          return { kind: 'marker', ref, span: ref.span } as ast.TimeExpr;
        },
      },
    ];

  private time = this.RULE('time', (): ast.TimeExpr | undefined => {
    return this.OR(this.timeAlts);
  }, { recoveryValueFunc: () => undefined });

  private numberQuantity(n: IToken | undefined, u: IToken | undefined): ast.Quantity {
    const recovered = isInserted(n);
    const numberSpan = this.spanOf(n);
    const text = recovered ? '' : n!.image;
    const value = recovered ? NaN : text === '-inf' ? -Infinity : text === 'inf' ? Infinity : Number(text);
    const unit = u && !isInserted(u) ? (u.image as UnitImage) : null;
    const span = unit ? this.join(numberSpan, this.spanOf(u)) : numberSpan;
    return recovered ? { value, text, unit, span, numberSpan, recovered } : { value, text, unit, span, numberSpan };
  }
}

/** `m:ss` or `m:ss.fff` to seconds. */
export function parseClock(text: string): number {
  const [m, s] = text.split(':');
  return Number(m) * 60 + Number(s);
}

let shared: MixParser | undefined;
function parser(): MixParser {
  return (shared ??= new MixParser());
}

/** Parse a whole document. Never throws: problems are returned beside the tree. */
export function parse(text: string): ParseResult {
  const lexed = lex(text);
  const problems: SyntaxProblem[] = [];
  for (const e of lexed.errors) {
    const bad = text.slice(e.offset, e.offset + e.length);
    problems.push({ message: `unexpected character ${JSON.stringify(bad.slice(0, 20))}`, span: { start: e.offset, end: e.offset + Math.max(1, e.length) } });
  }
  for (const t of lexed.tokens) {
    if (t.tokenType === UnterminatedString) {
      problems.push({ message: 'this string has no closing quote', span: { start: t.startOffset, end: t.endOffset! + 1 } });
    }
  }
  const p = parser();
  p.textLength = text.length;
  p.input = lexed.tokens;
  p.skipped = [];
  const statements = p.document();
  problems.push(...p.skipped);
  for (const e of p.errors) {
    const t = e.token;
    const span = t.tokenType === EOF || Number.isNaN(t.startOffset)
      ? endOfPrevious((e as { previousToken?: IToken }).previousToken, text.length)
      : { start: t.startOffset, end: t.endOffset! + 1 };
    problems.push({ message: e.message, span });
  }
  const comments = (lexed.groups['comments'] ?? []).map((c) => ({ text: c.image, span: { start: c.startOffset, end: c.endOffset! + 1 } }));
  return {
    document: { statements: statements ?? [], comments, span: { start: 0, end: text.length } },
    problems,
    tokens: lexed.tokens,
  };
}

function endOfPrevious(prev: IToken | undefined, length: number): Span {
  if (prev && !Number.isNaN(prev.startOffset) && prev.endOffset !== undefined) return { start: prev.endOffset + 1, end: prev.endOffset + 1 };
  return { start: length, end: length };
}

/** Rules from which content assist can start: one per block level. */
export type AssistRule = 'topStatement' | 'channelItem' | 'processorItem';

/**
 * Which token types may come next after `precedingTokens` (the start of one
 * statement), for completion. Chevrotain computes this from the grammar.
 */
export function nextTokenTypes(rule: AssistRule, precedingTokens: IToken[]): TokenType[] {
  const suggestions = parser().computeContentAssist(rule, precedingTokens);
  const seen = new Set<TokenType>();
  for (const s of suggestions) seen.add(s.nextTokenType);
  return [...seen];
}

export type { Keyword };
