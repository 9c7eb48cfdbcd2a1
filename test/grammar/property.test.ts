/**
 * Property tests (fast-check):
 *  (a) random text and token soups never make parse / analyze / check /
 *      format throw, and every reported span lies within the text;
 *  (b) the same for mutations of a valid rich file, and whatever the
 *      formatter accepts it formats idempotently without changing the mix;
 *  (c) generated valid files parse without problems, and formatting them is
 *      idempotent and keeps the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyze, check, format, parse, KEYWORDS, UNIT_IMAGES, type AudioFact, type AudioFacts, type Span,
} from '../../grammar/src/index.js';
import { fixture, spanInside, wav } from './helpers.js';

/** Facts that depend on the path, so every audio diagnostic can happen. */
const chaosFacts: AudioFacts = {
  get(path: string): AudioFact | undefined {
    switch (path.length % 6) {
      case 0: return { status: 'missing' };
      case 1: return { status: 'unreadable', reason: 'truncated' };
      case 2: return { status: 'unsupported', reason: 'mp3' };
      case 3: return wav(3, 44100);
      case 4: return undefined;
      default: return wav(200);
    }
  },
};

/** Runs everything on `text` and returns every span it reported. */
function everything(text: string): { spans: Span[]; formatted: ReturnType<typeof format> } {
  const parsed = parse(text);
  const analysis = analyze(parsed.document, { facts: chaosFacts, fileName: 'x.mix' });
  const checked = check(text, { facts: chaosFacts });
  const formatted = format(text);
  const spans: Span[] = [
    ...parsed.problems.map((p) => p.span),
    ...analysis.diagnostics.map((d) => d.span),
    ...checked.diagnostics.map((d) => d.span),
    ...checked.diagnostics.flatMap((d) => (d.data?.kind === 'deleteStatement' ? [d.data.span] : [])),
    ...checked.symbols.filter((s) => !s.implicit).flatMap((s) => [s.span, s.nameSpan]),
    ...checked.uses.map((u) => u.span),
  ];
  // Every syntax problem is also a diagnostic of `check`.
  expect(checked.diagnostics.filter((d) => d.code === 'syntax').length).toBeGreaterThanOrEqual(parsed.problems.length);
  // The formatter refuses exactly the files with syntax problems.
  expect(formatted.ok).toBe(parsed.problems.length === 0);
  // The model is always complete, whatever the text.
  expect(checked.model.channels.at(-1)?.kind).toBe('master');
  return { spans, formatted };
}

function expectSpansInside(text: string, spans: readonly Span[]): void {
  const bad = spans.filter((s) => !spanInside(s, text));
  expect(bad, `spans outside 0..${text.length}`).toEqual([]);
}

/** Whatever the formatter accepts, it formats to a fixed point with the same mix. */
function expectFormatKeepsTheMix(text: string, formatted: ReturnType<typeof format>): void {
  if (!formatted.ok) return;
  const again = format(formatted.text);
  expect(again.ok).toBe(true);
  if (again.ok) expect(again.text).toBe(formatted.text);
  const before = check(text, { facts: chaosFacts });
  const after = check(formatted.text, { facts: chaosFacts });
  expect(after.model).toEqual(before.model);
  expect(after.diagnostics.map((d) => `${d.code}: ${d.message}`).sort()).toEqual(before.diagnostics.map((d) => `${d.code}: ${d.message}`).sort());
}

// ---- (a) random text and token soups ------------------------------------------------------

const CHARS = [...'{}";#:/%-+.0123456789 \n\t\r\\abcdefgikmnoprstuxyzABDFHLSTUz_@'];
const charSoup = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 200 });

const numberText = fc.oneof(
  fc.integer({ min: -30000, max: 30000 }).map(String),
  fc.tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 0, max: 999 })).map(([i, f]) => `${i}.${f}`),
  fc.integer({ min: 0, max: 100 }).map((i) => `+${i}`),
  fc.constantFrom('.5', '5.', '-inf', 'inf', '4:1', '1.5:1', '4/4', '2:03', '2:03.250', '0:00'),
);
const stringText = fc.string({ unit: fc.constantFrom(...'ab/_. #"\\'), maxLength: 12 }).map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
const nameText = fc.constantFrom('kick', 'vox', 'drums', 'verb', 'chorus', 'bridge', 'pro', 'x1', '_a', 'Drums');
const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...UNIT_IMAGES) },
  { weight: 3, arbitrary: numberText },
  { weight: 2, arbitrary: stringText },
  { weight: 2, arbitrary: nameText },
  { weight: 3, arbitrary: fc.constantFrom('{', '}', ';', ':', '/', '%', '"unterminated', '# comment\n', '@') },
);
const separator = fc.constantFrom(' ', ' ', ' ', '\n', '\n\n', '', '\t', '\r\n');
const tokenSoup = fc.array(fc.tuple(token, separator), { maxLength: 60 }).map((ts) => ts.map(([t, s]) => t + s).join(''));

describe('(a) arbitrary input never throws and spans stay inside the text', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), charSoup), (text) => {
      expectSpansInside(text, everything(text).spans);
    }), { numRuns: 400 });
  });

  it('token soups from the keyword and unit lists', () => {
    fc.assert(fc.property(tokenSoup, (text) => {
      const { spans, formatted } = everything(text);
      expectSpansInside(text, spans);
      expectFormatKeepsTheMix(text, formatted);
    }), { numRuns: 500 });
  });
});

// ---- (b) mutations of a valid rich file ---------------------------------------------------------

const RICH = fixture('rich.mix');

type Mutation = (text: string) => string;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // delete a random range
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 60 })).map(([at, len]): Mutation => (t) => {
    const i = Math.floor(at * t.length);
    return t.slice(0, i) + t.slice(i + len);
  }),
  // insert a random token
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), token).map(([at, tok]): Mutation => (t) => {
    const i = Math.floor(at * t.length);
    return `${t.slice(0, i)} ${tok} ${t.slice(i)}`;
  }),
  // insert a random character (a brace, quote, newline...)
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...CHARS)).map(([at, ch]): Mutation => (t) => {
    const i = Math.floor(at * t.length);
    return t.slice(0, i) + ch + t.slice(i);
  }),
  // duplicate a line
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    lines.splice(b % (lines.length + 1), 0, lines[a % lines.length]!);
    return lines.join('\n');
  }),
  // swap two lines
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    const i = a % lines.length;
    const j = b % lines.length;
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  }),
);

describe('(b) mutations of a valid rich file', () => {
  it('never throw; spans stay inside; whatever is formatted keeps its mix', () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      const text = ms.reduce((t, m) => m(t), RICH);
      const { spans, formatted } = everything(text);
      expectSpansInside(text, spans);
      expectFormatKeepsTheMix(text, formatted);
    }), { numRuns: 400 });
  });
});

// ---- (c) generated valid files ----------------------------------------------------------------------

const int = (min: number, max: number) => fc.integer({ min, max });
/** A number as written: integer or decimal, sometimes with `+`. */
const num = (min: number, max: number) => fc.oneof(
  int(min, max).map(String),
  fc.tuple(int(min, max), int(0, 99)).map(([i, f]) => `${i}.${f}`),
  int(Math.max(0, min), Math.max(0, max)).map((i) => `+${i}`),
);
const unitOf = (value: fc.Arbitrary<string>, ...units: string[]) =>
  fc.tuple(value, fc.constantFrom(...units)).map(([v, u]) => (u === '%' ? `${v}%` : `${v} ${u}`));
const maybe = (a: fc.Arbitrary<string>) => fc.option(a, { nil: '' });
const joinWords = (...parts: string[]) => parts.filter((p) => p !== '').join(' ');

const MARKERS = ['intro', 'verse', 'chorus', 'bridge', 'outro'] as const;
/** Channel names, keywords included: they are names too. */
const CHANNELS = ['kick', 'snare', 'vox', 'bass', 'drums', 'verb', 'crush', 'comp', 'gain', 'eq', 'bar'] as const;
const channelName = fc.constantFrom(...CHANNELS);
const path = fc.constantFrom('stems/kick.wav', 'takes/vox 1.wav', 'a.wav', 'refs/pro.wav', 'dir/with \\"quote\\".wav', 'back\\\\slash.wav');
const str = fc.string({ unit: fc.constantFrom(...'ab Z#;{}"\\'), maxLength: 10 }).map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);

const dB = fc.oneof({ weight: 5, arbitrary: unitOf(num(-40, 30), 'dB') }, { weight: 1, arbitrary: fc.constant('-inf dB') });
const time = fc.oneof(
  unitOf(num(0, 300), 's', 'ms'),
  fc.tuple(int(0, 12), int(0, 59), fc.option(int(0, 999), { nil: null })).map(([m, s, f]) => `${m}:${String(s).padStart(2, '0')}${f === null ? '' : `.${f}`}`),
  int(1, 80).map((n) => `bar ${n}`),
  fc.tuple(int(1, 80), int(1, 4)).map(([n, b]) => `bar ${n} beat ${b}`),
  fc.constantFrom(...MARKERS),
);
const duration = unitOf(num(0, 2000), 'ms', 's');

const fadeShape = fc.constantFrom('', 'equal', 'linear', 's', 'exp');
const clipClause = fc.oneof(
  time.map((t) => `at ${t}`), time.map((t) => `from ${t}`), time.map((t) => `to ${t}`),
  ...(['fade', 'fadein', 'fadeout'] as const).map((k) => fc.tuple(duration, fadeShape).map(([d, sh]) => joinWords(`${k} ${d}`, sh))),
  dB.map((g) => `gain ${g}`),
);
/** Names of processors and bands, keywords included (analysis refuses those; the parser reads them). */
const partName = maybe(fc.constantFrom('tone', 'glue', 'presence', 'mud', 'x1', '_p', 'gain', 'air'));
const bandKind = (kinds: string[]) => fc.tuple(fc.constantFrom(...kinds), partName).map(([k, n]) => joinWords(k, n));
const band = fc.oneof(
  fc.tuple(bandKind(['highpass', 'lowpass']), unitOf(num(10, 20000), 'Hz', 'kHz'), maybe(fc.constantFrom(6, 12, 18, 24, 36, 48).map((s) => `slope ${s} dB/oct`)), maybe(num(0, 40).map((q) => `q ${q}`)))
    .map((p) => joinWords(...p)),
  fc.tuple(bandKind(['lowshelf', 'highshelf', 'bell']), unitOf(num(10, 20000), 'Hz', 'kHz'), unitOf(num(-30, 30), 'dB'), maybe(num(0, 40).map((q) => `q ${q}`)))
    .map((p) => joinWords(...p)),
  fc.tuple(bandKind(['notch', 'bandpass']), unitOf(num(10, 20000), 'Hz', 'kHz'), maybe(num(0, 40).map((q) => `q ${q}`))).map((p) => joinWords(...p)),
  fc.constant('bypass'),
);
const compItem = fc.oneof(
  unitOf(num(-60, 0), 'dB').map((v) => `threshold ${v}`),
  fc.oneof(num(1, 100), num(1, 20).map((r) => `${r}:1`), fc.constant('inf')).map((r) => `ratio ${r}`),
  unitOf(num(0, 24), 'dB').map((v) => `knee ${v}`),
  unitOf(num(0, 1000), 'ms').map((v) => `attack ${v}`),
  duration.map((v) => `release ${v}`),
  unitOf(num(-6, 12), 'dB').map((v) => `makeup ${v}`),
  unitOf(num(0, 100), '%').map((v) => `mix ${v}`),
  channelName.map((n) => `sidechain ${n}`),
  fc.constant('bypass'),
);
const limitItem = fc.oneof(
  unitOf(num(-20, 0), 'dBFS', 'dBTP').map((v) => `ceiling ${v}`),
  duration.map((v) => `release ${v}`),
  unitOf(num(0, 10), 'ms').map((v) => `lookahead ${v}`),
  fc.constant('bypass'),
);

/** Separators between statements; never a bare space, which would glue a `to`/`gain` onto a clip. */
const sep = fc.constantFrom('\n', '\n', '; ', '\n\n', ' # note\n', '\n\t\t', ';\n');
const block = (items: fc.Arbitrary<string[]>) =>
  fc.tuple(items, fc.array(sep, { minLength: 20, maxLength: 20 }), fc.constantFrom(' ', '\n')).map(([xs, seps, pad]) =>
    `{${pad}${xs.map((x, i) => x + (i < xs.length - 1 ? seps[i % seps.length] : '')).join('')}${pad}}`,
  );
const processor = fc.oneof(
  fc.tuple(partName, block(fc.array(band, { maxLength: 5 }))).map(([n, b]) => joinWords('eq', n, b)),
  fc.tuple(partName, block(fc.array(compItem, { maxLength: 6 }))).map(([n, b]) => joinWords('comp', n, b)),
  fc.tuple(partName, block(fc.array(limitItem, { maxLength: 4 }))).map(([n, b]) => joinWords('limit', n, b)),
);
/** `automate TARGET { POINTS }`: every kind of target, point value and shape (most of them do not check, which is fine here). */
const laneTarget = fc.oneof(
  fc.constantFrom('gain', 'pan', 'trim', 'mute'),
  channelName.map((n) => `send ${n}`),
  fc.tuple(fc.constantFrom('tone', 'glue', 'presence', 'mud', 'x1'), fc.constantFrom('threshold', 'ratio', 'freq', 'gain', 'q', 'ceiling', 'mix')).map(([p, x]) => `${p}.${x}`),
  fc.tuple(fc.constantFrom('eq', 'comp', 'limit'), int(1, 3), fc.constantFrom('threshold', 'ratio', 'ceiling', 'makeup')).map(([t, i, x]) => `${t}#${i}.${x}`),
);
const pointValue = fc.oneof(
  dB, unitOf(num(-100, 100), '%'), unitOf(num(10, 20000), 'Hz', 'kHz'), num(1, 20).map((r) => `${r}:1`), fc.constantFrom('on', 'off', 'inf'), unitOf(num(1, 500), 'ms'),
);
const point = fc.tuple(time, pointValue, fc.constantFrom('', 'linear', 'hold', 'smooth')).map(([t, v, sh]) => joinWords(t, v, sh));
const lane = fc.tuple(laneTarget, block(fc.array(point, { maxLength: 5 }))).map(([t, b]) => `automate ${t} ${b}`);
const channelItem = fc.oneof(
  str.map((s) => `label ${s}`),
  fc.constantFrom('"#e06c75"', '"#ABCDEF"', '"red"').map((c) => `color ${c}`),
  fc.constantFrom('hidden', 'mute', 'solo', 'polarity invert'),
  path.map((p) => `file "${p}"`),
  fc.tuple(path, fc.array(clipClause, { maxLength: 4 })).map(([p, cs]) => joinWords(`clip "${p}"`, ...cs)),
  fc.tuple(time, time, fadeShape).map(([a, b, sh]) => joinWords(`cut ${a} to ${b}`, sh)),
  unitOf(num(-24, 24), 'dB').map((v) => `trim ${v}`),
  fc.tuple(unitOf(num(-40, 0), 'dBFS'), fc.constantFrom('', 'peak', 'rms')).map(([v, m]) => joinWords('trim auto', v, m)),
  dB.map((v) => `gain ${v}`),
  unitOf(num(-100, 100), '%').map((v) => `pan ${v}`),
  channelName.map((n) => `to ${n}`),
  fc.tuple(channelName, dB, fc.constantFrom('', 'pre')).map(([n, v, p]) => joinWords('send', n, v, p)),
  processor,
  lane,
  unitOf(num(-30, 0), 'LUFS').map((v) => `target ${v}`),
);
const topStatement = fc.oneof(
  str.map((s) => `title ${s}`),
  fc.oneof(fc.constantFrom('44100', '48000', '96000 Hz', '44.1 kHz', '48 kHz')).map((r) => `samplerate ${r}`),
  fc.tuple(num(20, 400), fc.constantFrom('', ' bpm')).map(([t, u]) => `tempo ${t}${u}`),
  // Tempo and meter changes (many generated ones are misplaced; parsing and formatting must hold all the same).
  fc.tuple(num(20, 400), int(1, 80), fc.constantFrom('', ' ramp')).map(([t, b, r]) => `tempo ${t} bpm at bar ${b}${r}`),
  fc.tuple(int(1, 12), fc.constantFrom(2, 4, 8), int(1, 80)).map(([a, u, b]) => `meter ${a}/${u} at bar ${b}`),
  fc.tuple(int(1, 12), fc.constantFrom(2, 4, 8)).map(([a, b]) => `meter ${a}/${b}`),
  fc.constantFrom('output stereo', 'output mono'),
  time.map((t) => `length ${t}`),
  fc.tuple(fc.constantFrom('pro', 'demo'), path, maybe(dB.map((g) => `gain ${g}`))).map(([n, p, g]) => joinWords('reference', n, `"${p}"`, g)),
  fc.tuple(fc.constantFrom(...MARKERS), time).map(([n, t]) => `marker ${n} ${t}`),
  fc.tuple(fc.constantFrom('track', 'bus'), channelName, block(fc.array(channelItem, { maxLength: 8 }))).map(([k, n, b]) => `${k} ${n} ${b}`),
  block(fc.array(channelItem, { maxLength: 5 })).map((b) => `master ${b}`),
);
const validFile = fc.tuple(fc.array(topStatement, { maxLength: 12 }), fc.array(sep, { minLength: 12, maxLength: 12 }), fc.constantFrom('', '# head\n', '\n\n'))
  .map(([statements, seps, head]) => ({
    count: statements.length,
    text: head + statements.map((s, i) => s + seps[i]!).join(''),
  }));

describe('(c) generated valid files', () => {
  it('parse without problems into every statement written', () => {
    fc.assert(fc.property(validFile, ({ text, count }) => {
      const r = parse(text);
      expect(r.problems).toEqual([]);
      expect(r.document.statements).toHaveLength(count);
    }), { numRuns: 300 });
  });

  it('format is idempotent and keeps the model', () => {
    fc.assert(fc.property(validFile, ({ text }) => {
      const once = format(text);
      expect(once.ok).toBe(true);
      if (!once.ok) return;
      const twice = format(once.text);
      expect(twice.ok && twice.text).toBe(once.text);
      expect(check(once.text, { facts: chaosFacts }).model).toEqual(check(text, { facts: chaosFacts }).model);
      // One statement a line: no `;` is left outside strings and comments.
      const code = once.text.split('\n').map((l) => l.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$/, ''));
      expect(code.filter((l) => l.includes(';'))).toEqual([]);
    }), { numRuns: 300 });
  });
});
