/**
 * The parser (design §2-5): every statement parses into the AST fields it
 * should, every unit and time form is read, and a file with mistakes yields
 * every problem plus a tree of what was valid.
 */
import { describe, expect, it } from 'vitest';
import {
  parse, KEYWORDS, UNIT_IMAGES,
  type AutomateStatement, type BandStatement, type ChannelItem, type ChannelStatement, type ClipStatement, type EqItem, type DynamicsItem,
  type ParamStatement, type ProcessorStatement, type Quantity, type TimeExpr, type TopStatement,
} from '../../grammar/src/index.js';
import { fixture, stripSpans, textOf } from './helpers.js';

/** Parses text that must have no syntax problems. */
function clean(text: string): TopStatement[] {
  const r = parse(text);
  expect(r.problems, `problems in ${JSON.stringify(text)}`).toEqual([]);
  return [...r.document.statements];
}

function only<T extends TopStatement>(text: string): T {
  const s = clean(text);
  expect(s).toHaveLength(1);
  return s[0] as T;
}

/** The items of `track t { … }`. */
function items(body: string): ChannelItem[] {
  const ch = only<ChannelStatement>(`track t {\n${body}\n}`);
  expect(ch.kind).toBe('channel');
  return [...ch.body];
}

function item<T extends ChannelItem>(body: string): T {
  const all = items(body);
  expect(all).toHaveLength(1);
  return all[0] as T;
}

/** The items of one processor block inside a track. */
function procItems(processor: 'eq' | 'comp' | 'limit', body: string): (EqItem | DynamicsItem)[] {
  const p = item<ProcessorStatement>(`${processor} { ${body} }`);
  expect(p.kind).toBe('processor');
  expect(p.processor).toBe(processor);
  return [...p.body];
}

/** Number, its text and unit, without spans. */
function q(value: number, text: string, unit: Quantity['unit']) {
  return { value: value === -Infinity ? '-inf' : value === Infinity ? 'inf' : value, text, unit };
}

describe('top-level statements (design §3)', () => {
  it('title', () => {
    const s = only(`title "Night Drive"`);
    expect(stripSpans(s)).toEqual({ kind: 'title', keyword: 'title', value: { value: 'Night Drive', terminated: true } });
  });

  it('samplerate with and without Hz', () => {
    expect(stripSpans(only(`samplerate 48000 Hz`))).toMatchObject({ kind: 'samplerate', value: q(48000, '48000', 'Hz') });
    expect(stripSpans(only(`samplerate 44100`))).toMatchObject({ kind: 'samplerate', value: q(44100, '44100', null) });
    expect(stripSpans(only(`samplerate 96 kHz`))).toMatchObject({ kind: 'samplerate', value: q(96, '96', 'kHz') });
  });

  it('tempo with and without bpm', () => {
    expect(stripSpans(only(`tempo 124 bpm`))).toMatchObject({ kind: 'tempo', value: q(124, '124', 'bpm') });
    expect(stripSpans(only(`tempo 92.5`))).toMatchObject({ kind: 'tempo', value: q(92.5, '92.5', null) });
  });

  it('meter', () => {
    expect(stripSpans(only(`meter 6/8`))).toMatchObject({ kind: 'meter', beats: q(6, '6', null), unit: q(8, '8', null) });
    const text = `meter 7 / 4`;
    const m = only(text);
    expect(textOf(text, m.span)).toBe('meter 7 / 4');
  });

  it('output stereo / mono', () => {
    const text = `output mono`;
    const s = only(text);
    expect(s).toMatchObject({ kind: 'output', layout: 'mono' });
    if (s.kind !== 'output') throw new Error();
    expect(textOf(text, s.layoutSpan!)).toBe('mono');
    expect(only(`output stereo`)).toMatchObject({ kind: 'output', layout: 'stereo' });
  });

  it('length', () => {
    expect(stripSpans(only(`length 3:30`))).toMatchObject({ kind: 'length', time: { kind: 'clock', text: '3:30', seconds: 210 } });
  });

  it('reference with and without gain', () => {
    expect(stripSpans(only(`reference pro "refs/pro_master.wav" gain -2 dB`))).toEqual({
      kind: 'reference', keyword: 'reference', name: { name: 'pro' }, path: { value: 'refs/pro_master.wav', terminated: true }, gain: q(-2, '-2', 'dB'),
    });
    expect(stripSpans(only(`reference demo "d.wav"`))).toMatchObject({ name: { name: 'demo' }, gain: null });
  });

  it('marker', () => {
    expect(stripSpans(only(`marker chorus bar 17`))).toEqual({
      kind: 'marker', keyword: 'marker', name: { name: 'chorus' },
      time: { kind: 'bar', bar: q(17, '17', null), beat: null },
    });
  });

  it('track, bus and master blocks', () => {
    const [t, b, m] = clean(`track kick { }\nbus drums { }\nmaster { }`) as ChannelStatement[];
    expect(stripSpans(t)).toEqual({ kind: 'channel', keyword: 'track', channelKind: 'track', name: { name: 'kick' }, body: [] });
    expect(stripSpans(b)).toMatchObject({ channelKind: 'bus', name: { name: 'drums' }, body: [] });
    expect(stripSpans(m)).toMatchObject({ channelKind: 'master', name: { name: 'master' }, body: [] });
  });

  it('spans: statement, keyword and body', () => {
    const text = `  track kick {\n  gain -3 dB\n}  `;
    const t = only<ChannelStatement>(text);
    expect(textOf(text, t.span)).toBe('track kick {\n  gain -3 dB\n}');
    expect(textOf(text, t.keywordSpan)).toBe('track');
    expect(textOf(text, t.name.span)).toBe('kick');
    expect(textOf(text, t.bodySpan)).toBe('{\n  gain -3 dB\n}');
    const g = t.body[0]!;
    expect(textOf(text, g.span)).toBe('gain -3 dB');
    if (g.kind !== 'gain') throw new Error();
    expect(textOf(text, g.value!.span)).toBe('-3 dB');
    expect(textOf(text, g.value!.numberSpan)).toBe('-3');
  });
});

describe('channel statements (design §4)', () => {
  it('label, color, hidden, mute, solo, file', () => {
    const body = items(`label "Kick In"\ncolor "#e06c75"\nhidden\nmute\nsolo\nfile "stems/kick.wav"`);
    expect(stripSpans(body)).toEqual([
      { kind: 'label', keyword: 'label', value: { value: 'Kick In', terminated: true } },
      { kind: 'color', keyword: 'color', value: { value: '#e06c75', terminated: true } },
      { kind: 'flag', keyword: 'hidden', flag: 'hidden' },
      { kind: 'flag', keyword: 'mute', flag: 'mute' },
      { kind: 'flag', keyword: 'solo', flag: 'solo' },
      { kind: 'file', keyword: 'file', value: { value: 'stems/kick.wav', terminated: true } },
    ]);
  });

  it('clip with every clause', () => {
    const text = `track t {\n  clip "takes/vox.wav" at 1 s from 2 s to 3:00 fade 20 ms fadein 5 ms fadeout 1 s gain -2 dB\n}`;
    const clip = only<ChannelStatement>(text).body[0] as ClipStatement;
    expect(clip.kind).toBe('clip');
    expect(clip.path?.value).toBe('takes/vox.wav');
    expect(stripSpans(clip.clauses)).toEqual([
      { clause: 'at', time: { kind: 'duration', quantity: q(1, '1', 's') }, shape: null },
      { clause: 'from', time: { kind: 'duration', quantity: q(2, '2', 's') }, shape: null },
      { clause: 'to', time: { kind: 'clock', text: '3:00', seconds: 180 }, shape: null },
      { clause: 'fade', time: { kind: 'duration', quantity: q(20, '20', 'ms') }, shape: null },
      { clause: 'fadein', time: { kind: 'duration', quantity: q(5, '5', 'ms') }, shape: null },
      { clause: 'fadeout', time: { kind: 'duration', quantity: q(1, '1', 's') }, shape: null },
      { clause: 'gain', gain: q(-2, '-2', 'dB') },
    ]);
    expect(textOf(text, clip.span)).toBe('clip "takes/vox.wav" at 1 s from 2 s to 3:00 fade 20 ms fadein 5 ms fadeout 1 s gain -2 dB');
    expect(textOf(text, clip.clauses[2]!.span)).toBe('to 3:00');
  });

  it('clip with no clauses', () => {
    expect(stripSpans(item(`clip "a.wav"`))).toEqual({ kind: 'clip', keyword: 'clip', path: { value: 'a.wav', terminated: true }, clauses: [] });
  });

  it('cut', () => {
    expect(stripSpans(item(`cut 2:03.2 to 2:04.0`))).toEqual({
      kind: 'cut', keyword: 'cut',
      from: { kind: 'clock', text: '2:03.2', seconds: 123.2 },
      to: { kind: 'clock', text: '2:04.0', seconds: 124 },
      shape: null,
    });
  });

  it('fade shapes: after a fade clause\'s duration, and after a cut (`s` is the unit\'s spelling too)', () => {
    const clip = items('clip "a.wav" from 1 s to 3 s fadein 20 ms s fadeout 1 s linear fade 2 s exp')[0] as ClipStatement;
    expect(clip.clauses.map((c) => [c.clause, c.clause === 'gain' ? null : c.shape?.shape ?? null])).toEqual([
      ['from', null], ['to', null], ['fadein', 's'], ['fadeout', 'linear'], ['fade', 'exp'],
    ]);
    // `fade 2 s` alone: the s is the duration's unit.
    const plain = items('clip "a.wav" fade 2 s')[0] as ClipStatement;
    expect(plain.clauses[0]).toMatchObject({ clause: 'fade', shape: null, time: { kind: 'duration', quantity: { unit: 's' } } });
    expect(items('cut 1:00 to 1:02 equal')[0]).toMatchObject({ kind: 'cut', shape: { shape: 'equal' } });
  });

  it('trim, trim auto, trim auto peak / rms', () => {
    expect(stripSpans(item(`trim -3 dB`))).toEqual({ kind: 'trim', keyword: 'trim', auto: false, value: q(-3, '-3', 'dB'), mode: null });
    expect(stripSpans(item(`trim auto -18 dBFS`))).toMatchObject({ auto: true, value: q(-18, '-18', 'dBFS'), mode: null });
    expect(stripSpans(item(`trim auto -18 dBFS peak`))).toMatchObject({ auto: true, mode: 'peak' });
    expect(stripSpans(item(`trim auto -18 dBFS rms`))).toMatchObject({ auto: true, mode: 'rms' });
  });

  it('gain, including -inf', () => {
    expect(stripSpans(item(`gain -1.5 dB`))).toEqual({ kind: 'gain', keyword: 'gain', value: q(-1.5, '-1.5', 'dB') });
    expect(stripSpans(item(`gain +2.5 dB`))).toMatchObject({ value: q(2.5, '+2.5', 'dB') });
    expect(stripSpans(item(`gain -inf dB`))).toMatchObject({ value: q(-Infinity, '-inf', 'dB') });
    expect(stripSpans(item(`gain -inf`))).toMatchObject({ value: q(-Infinity, '-inf', null) });
  });

  it('pan in %', () => {
    const text = `track t { pan -10% }`;
    const p = only<ChannelStatement>(text).body[0]!;
    expect(stripSpans(p)).toEqual({ kind: 'pan', keyword: 'pan', value: q(-10, '-10', '%') });
    if (p.kind !== 'pan') throw new Error();
    expect(textOf(text, p.value!.span)).toBe('-10%');
  });

  it('polarity invert', () => {
    expect(stripSpans(item(`polarity invert`))).toEqual({ kind: 'polarity', keyword: 'polarity', invert: true });
  });

  it('to, send, send pre', () => {
    expect(stripSpans(item(`to drums`))).toEqual({ kind: 'to', keyword: 'to', target: { name: 'drums' } });
    expect(stripSpans(item(`send verb -12 dB`))).toEqual({ kind: 'send', keyword: 'send', target: { name: 'verb' }, level: q(-12, '-12', 'dB'), pre: false });
    expect(stripSpans(item(`send verb -12 dB pre`))).toMatchObject({ target: { name: 'verb' }, pre: true });
  });

  it('target', () => {
    expect(stripSpans(only(`master { target -14 LUFS }`))).toMatchObject({ body: [{ kind: 'target', value: q(-14, '-14', 'LUFS') }] });
  });

  it('processor blocks keep their order and may be empty', () => {
    const body = items(`eq { }\ncomp { }\nlimit { }\neq { }`);
    expect(body.map((b) => b.kind === 'processor' && b.processor)).toEqual(['eq', 'comp', 'limit', 'eq']);
    expect(body.every((b) => b.kind === 'processor' && b.body.length === 0)).toBe(true);
  });
});

describe('processors (design §5)', () => {
  it('eq: every band type with slope and q', () => {
    const bands = procItems('eq', [
      'highpass 30 Hz slope 24 dB/oct',
      'lowpass 12 kHz slope 12 dB/oct q 0.9',
      'lowshelf 100 Hz +1 dB q 0.8',
      'highshelf 10 kHz -2 dB',
      'bell 300 Hz -3 dB q 1.4',
      'notch 60 Hz q 10',
      'bandpass 1 kHz',
    ].join('\n')) as BandStatement[];
    expect(stripSpans(bands)).toEqual([
      { kind: 'band', keyword: 'highpass', band: 'highpass', name: null, freq: q(30, '30', 'Hz'), gain: null, slope: q(24, '24', 'dB/oct'), q: null, repeated: [] },
      { kind: 'band', keyword: 'lowpass', band: 'lowpass', name: null, freq: q(12, '12', 'kHz'), gain: null, slope: q(12, '12', 'dB/oct'), q: q(0.9, '0.9', null), repeated: [] },
      { kind: 'band', keyword: 'lowshelf', band: 'lowshelf', name: null, freq: q(100, '100', 'Hz'), gain: q(1, '+1', 'dB'), slope: null, q: q(0.8, '0.8', null), repeated: [] },
      { kind: 'band', keyword: 'highshelf', band: 'highshelf', name: null, freq: q(10, '10', 'kHz'), gain: q(-2, '-2', 'dB'), slope: null, q: null, repeated: [] },
      { kind: 'band', keyword: 'bell', band: 'bell', name: null, freq: q(300, '300', 'Hz'), gain: q(-3, '-3', 'dB'), slope: null, q: q(1.4, '1.4', null), repeated: [] },
      { kind: 'band', keyword: 'notch', band: 'notch', name: null, freq: q(60, '60', 'Hz'), gain: null, slope: null, q: q(10, '10', null), repeated: [] },
      { kind: 'band', keyword: 'bandpass', band: 'bandpass', name: null, freq: q(1, '1', 'kHz'), gain: null, slope: null, q: null, repeated: [] },
    ]);
  });

  it('names of processors and bands: before the brace, before the frequency', () => {
    const body = items('eq tone { bell presence 3 kHz +2 dB q 1.4; highpass lowcut 80 Hz slope 24 dB/oct }\n  comp glue { ratio 3:1 }') as ProcessorStatement[];
    expect(body.map((p) => p.name?.name)).toEqual(['tone', 'glue']);
    expect((body[0]!.body as BandStatement[]).map((b) => [b.name?.name, b.freq?.value, b.slope?.value ?? null, b.q?.value ?? null])).toEqual([
      ['presence', 3, null, 1.4],
      ['lowcut', 80, 24, null],
    ]);
    // A keyword may be read as a name (analysis refuses it with reserved-name); `q` and `slope` never are.
    expect(item<ProcessorStatement>('comp gain { }').name?.name).toBe('gain');
    expect(parse('track t { eq { bell q 2 } }').problems.length).toBeGreaterThan(0);
  });

  it('eq: q may come before slope', () => {
    const [b] = procItems('eq', 'highpass 80 Hz q 0.5 slope 12 dB/oct') as BandStatement[];
    expect(stripSpans(b)).toMatchObject({ slope: q(12, '12', 'dB/oct'), q: q(0.5, '0.5', null) });
  });

  it('comp: every parameter, ratio forms, sidechain, bypass', () => {
    const all = procItems('comp', 'threshold -18 dB ratio 3:1 knee 6 dB attack 5 ms release 60 ms makeup 3 dB mix 50% sidechain kick bypass');
    expect(stripSpans(all)).toEqual([
      { kind: 'param', keyword: 'threshold', param: 'threshold', value: q(-18, '-18', 'dB') },
      { kind: 'param', keyword: 'ratio', param: 'ratio', value: q(3, '3', null), denominator: q(1, '1', null) },
      { kind: 'param', keyword: 'knee', param: 'knee', value: q(6, '6', 'dB') },
      { kind: 'param', keyword: 'attack', param: 'attack', value: q(5, '5', 'ms') },
      { kind: 'param', keyword: 'release', param: 'release', value: q(60, '60', 'ms') },
      { kind: 'param', keyword: 'makeup', param: 'makeup', value: q(3, '3', 'dB') },
      { kind: 'param', keyword: 'mix', param: 'mix', value: q(50, '50', '%') },
      { kind: 'sidechain', keyword: 'sidechain', target: { name: 'kick' } },
      { kind: 'flag', keyword: 'bypass', flag: 'bypass' },
    ]);
  });

  it('comp: ratio 4:1, ratio 4, ratio 1.5:1, ratio inf', () => {
    const ratio = (src: string) => (procItems('comp', src)[0] as ParamStatement);
    expect(stripSpans(ratio('ratio 4:1'))).toMatchObject({ value: q(4, '4', null), denominator: q(1, '1', null) });
    expect(stripSpans(ratio('ratio 4'))).toMatchObject({ value: q(4, '4', null), denominator: null });
    expect(stripSpans(ratio('ratio 1.5:1'))).toMatchObject({ value: q(1.5, '1.5', null) });
    expect(ratio('ratio inf').value!.value).toBe(Infinity);
    expect(ratio('ratio inf').value!.text).toBe('inf');
    const text = 'track t { comp { ratio 4:1 } }';
    const r = ((only<ChannelStatement>(text).body[0] as ProcessorStatement).body[0]) as ParamStatement;
    expect(textOf(text, r.span)).toBe('ratio 4:1');
  });

  it('limit: ceiling dBFS / dBTP, release, lookahead', () => {
    expect(stripSpans(procItems('limit', 'ceiling -1 dBTP release 50 ms lookahead 1.5 ms'))).toEqual([
      { kind: 'param', keyword: 'ceiling', param: 'ceiling', value: q(-1, '-1', 'dBTP') },
      { kind: 'param', keyword: 'release', param: 'release', value: q(50, '50', 'ms') },
      { kind: 'param', keyword: 'lookahead', param: 'lookahead', value: q(1.5, '1.5', 'ms') },
    ]);
    expect(stripSpans(procItems('limit', 'ceiling -0.3 dBFS'))).toMatchObject([{ value: q(-0.3, '-0.3', 'dBFS') }]);
  });
});

describe('automation lanes (design §10.2)', () => {
  const lane = (body: string) => items(body)[0] as AutomateStatement;

  it('a setting lane: points with times of every form, values, -inf and shapes', () => {
    const a = lane('automate gain {\n  bar 1 -2 dB\n  verse -2 dB linear\n  bar 13 beat 2 +1 dB hold\n  0:40 -inf dB smooth; 83.5 s 0 dB\n}');
    expect(a.kind).toBe('automate');
    expect(a.target).toMatchObject({ kind: 'setting', setting: 'gain' });
    expect(a.points.map((p) => [p.time?.kind, p.value?.value, p.value?.unit, p.shape?.shape ?? null])).toEqual([
      ['bar', -2, 'dB', null], ['marker', -2, 'dB', 'linear'], ['bar', 1, 'dB', 'hold'], ['clock', -Infinity, 'dB', 'smooth'], ['duration', 0, 'dB', null],
    ]);
  });

  it('targets: pan, trim, mute with on/off, send BUS, NAME.PARAM and TYPE#N.PARAM', () => {
    expect(lane('automate pan { 0:00 -20% smooth; 0:30 +20% }').target).toMatchObject({ kind: 'setting', setting: 'pan' });
    const mute = lane('automate mute { verse on; chorus off }');
    expect(mute.points.map((p) => p.switch?.on)).toEqual([true, false]);
    expect(lane('automate send verb { chorus -12 dB }').target).toMatchObject({ kind: 'send', bus: { name: 'verb' } });
    expect(lane('automate presence.gain { 1 s 3 dB }').target).toMatchObject({ kind: 'part', part: { name: 'presence' }, index: null, param: { name: 'gain' } });
    const indexed = lane('automate comp#2.ratio { 1 s 4:1; 2 s inf }');
    expect(indexed.target).toMatchObject({ kind: 'part', part: { name: 'comp' }, index: { value: 2 }, param: { name: 'ratio' } });
    expect(indexed.points.map((p) => [p.value?.value, p.denominator?.value ?? null])).toEqual([[4, 1], [Infinity, null]]);
    expect(lane('automate volume { 1 s 0 dB }').target).toMatchObject({ kind: 'unknown', word: { name: 'volume' } });
  });

  it('a # right after a word is a position; after a space it still starts a comment', () => {
    const r = parse('track t {\n  gain -3 dB # comp#2.x\n  automate comp#1.threshold { 1 s -20 dB } #2 too\n}');
    expect(r.problems).toEqual([]);
    expect(r.document.comments.map((c) => c.text)).toEqual(['# comp#2.x', '#2 too']);
  });

  it('recovers: a missing target, value or brace is reported and the channel goes on', () => {
    const r = parse('track t {\n  automate\n  gain -3 dB\n  automate pan { 1 s\n  2 s 10% }\n  automate trim { 1 s 0 dB\n  pan 10%\n}');
    expect(r.problems.map((p) => p.message)).toEqual([
      expect.stringContaining(`'automate' needs what it moves`),
      expect.stringContaining('a point needs a value'),
      expect.stringContaining(`'}' is missing`),
    ]);
    const body = (r.document.statements[0] as ChannelStatement).body;
    expect(body.map((i) => i.kind)).toEqual(['automate', 'gain', 'automate', 'automate', 'pan']);
  });
});

describe('units and times (design §2)', () => {
  it('every unit is read as the unit of its number', () => {
    const cases: [string, string][] = [
      ['dB', 'gain -3 dB'], ['dBFS', 'trim auto -18 dBFS'], ['dBTP', 'limit { ceiling -1 dBTP }'], ['LUFS', 'target -14 LUFS'],
      ['Hz', 'eq { bell 300 Hz -3 dB }'], ['kHz', 'eq { highshelf 10 kHz 2 dB }'], ['ms', 'comp { attack 5 ms }'],
      ['s', 'comp { release 1 s }'], ['%', 'pan 25%'], ['dB/oct', 'eq { highpass 80 Hz slope 24 dB/oct }'],
    ];
    const seen = new Set<string>();
    for (const [unit, body] of cases) {
      const tree = JSON.stringify(items(body));
      expect(tree, body).toContain(`"unit":${JSON.stringify(unit)}`);
      seen.add(unit);
    }
    expect(stripSpans(only('tempo 120 bpm'))).toMatchObject({ value: { unit: 'bpm' } });
    seen.add('bpm');
    // The list is the lexer's own: a new unit without a case here fails.
    expect([...seen].sort()).toEqual([...UNIT_IMAGES].sort());
  });

  it('units are case sensitive: `db` is not a unit', () => {
    const r = parse('track t { gain -3 db }');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]!.message).toContain("'db'");
  });

  it('units without a space after the number', () => {
    expect(stripSpans(item('gain -3dB'))).toMatchObject({ value: q(-3, '-3', 'dB') });
  });

  const time = (src: string): TimeExpr => {
    const m = only(`marker x ${src}`);
    if (m.kind !== 'marker' || !m.time) throw new Error(`no time in ${src}`);
    return m.time;
  };

  it('seconds and milliseconds', () => {
    expect(stripSpans(time('83.5 s'))).toEqual({ kind: 'duration', quantity: q(83.5, '83.5', 's') });
    expect(stripSpans(time('500 ms'))).toEqual({ kind: 'duration', quantity: q(500, '500', 'ms') });
  });

  it('clock m:ss and m:ss.fff', () => {
    expect(stripSpans(time('2:03'))).toEqual({ kind: 'clock', text: '2:03', seconds: 123 });
    expect(stripSpans(time('2:03.2'))).toEqual({ kind: 'clock', text: '2:03.2', seconds: 123.2 });
    expect(stripSpans(time('12:59.125'))).toEqual({ kind: 'clock', text: '12:59.125', seconds: 779.125 });
  });

  it('bar N and bar N beat B', () => {
    expect(stripSpans(time('bar 17'))).toEqual({ kind: 'bar', bar: q(17, '17', null), beat: null });
    expect(stripSpans(time('bar 17 beat 3'))).toEqual({ kind: 'bar', bar: q(17, '17', null), beat: q(3, '3', null) });
    const text = 'marker x bar 17 beat 3';
    expect(textOf(text, (only(text) as { time: TimeExpr }).time.span)).toBe('bar 17 beat 3');
  });

  it('a marker name', () => {
    expect(stripSpans(time('chorus'))).toEqual({ kind: 'marker', ref: { name: 'chorus' } });
  });

  it('numbers: sign and fraction; `.5` is lexed so validation can name it', () => {
    expect(stripSpans(item('gain +0.25 dB'))).toMatchObject({ value: q(0.25, '+0.25', 'dB') });
    expect(stripSpans(item('gain .5 dB'))).toMatchObject({ value: { text: '.5', unit: 'dB' } });
  });
});

describe('lexical rules', () => {
  it('comments run to the end of the line; # inside a string is text', () => {
    const text = `# top\ntitle "Mix #3" # trailing # more\ntrack t { # open\n  gain -1 dB # g\n}`;
    const r = parse(text);
    expect(r.problems).toEqual([]);
    expect(r.document.comments.map((c) => c.text)).toEqual(['# top', '# trailing # more', '# open', '# g']);
    for (const c of r.document.comments) expect(textOf(text, c.span)).toBe(c.text);
    expect(r.document.statements[0]).toMatchObject({ kind: 'title', value: { value: 'Mix #3' } });
    expect(stripSpans(r.document.statements[1])).toMatchObject({ body: [{ kind: 'gain', value: q(-1, '-1', 'dB') }] });
  });

  it('`;` separates statements on one line; newlines carry no meaning', () => {
    const statements = clean(`tempo 120 bpm; meter 3/4;; track t { gain -1 dB; pan 10%; mute }`);
    expect(statements.map((s) => s.kind)).toEqual(['tempo', 'meter', 'channel']);
    expect((statements[2] as ChannelStatement).body.map((b) => b.kind)).toEqual(['gain', 'pan', 'flag']);
    const spread = clean(`track\nt\n{\ngain\n-1\ndB\n}`);
    expect(stripSpans(spread)).toEqual(stripSpans(clean(`track t { gain -1 dB }`)));
  });

  it('string escapes \\" and \\\\', () => {
    const text = String.raw`title "say \"hi\" \\ bye"`;
    expect(only(text)).toMatchObject({ value: { value: 'say "hi" \\ bye', terminated: true } });
  });

  it('keywords are usable as channel names', () => {
    const [track, bus] = clean(`track t { to comp; send eq -3 dB }\nbus comp { comp { sidechain gain } }`) as ChannelStatement[];
    expect(stripSpans(track!.body)).toEqual([
      { kind: 'to', keyword: 'to', target: { name: 'comp' } },
      { kind: 'send', keyword: 'send', target: { name: 'eq' }, level: q(-3, '-3', 'dB'), pre: false },
    ]);
    expect(bus).toMatchObject({ channelKind: 'bus', name: { name: 'comp' } });
    expect(stripSpans(bus!.body)).toEqual([
      { kind: 'processor', keyword: 'comp', processor: 'comp', name: null, body: [{ kind: 'sidechain', keyword: 'sidechain', target: { name: 'gain' } }] },
    ]);
    expect(only(`bus limit { }`)).toMatchObject({ name: { name: 'limit' } });
    expect(only(`track bar { }`)).toMatchObject({ name: { name: 'bar' } });
  });

  it('identifiers that start with a keyword or unit are names', () => {
    expect(stripSpans(item('to gainbus'))).toMatchObject({ target: { name: 'gainbus' } });
    expect(stripSpans(item('to ms_fx'))).toMatchObject({ target: { name: 'ms_fx' } });
    expect(stripSpans(item('clip "a.wav" fadein 5 ms'))).toMatchObject({ clauses: [{ clause: 'fadein' }] });
  });
});

describe('the clip line rule: `to` and `gain` are clauses only on the clip\'s line', () => {
  it('on the same line they are clip clauses', () => {
    const body = items(`clip "a.wav" from chorus to bridge gain -2 dB`);
    expect(body).toHaveLength(1);
    expect((body[0] as ClipStatement).clauses.map((c) => c.clause)).toEqual(['from', 'to', 'gain']);
  });

  it('on the next line they are the channel\'s own statements', () => {
    const body = items(`clip "a.wav" from chorus\nto drums\ngain -3 dB`);
    expect(stripSpans(body)).toEqual([
      { kind: 'clip', keyword: 'clip', path: { value: 'a.wav', terminated: true }, clauses: [{ clause: 'from', time: { kind: 'marker', ref: { name: 'chorus' } }, shape: null }] },
      { kind: 'to', keyword: 'to', target: { name: 'drums' } },
      { kind: 'gain', keyword: 'gain', value: q(-3, '-3', 'dB') },
    ]);
  });

  it('other clauses may continue on the next line, and the line is that of the last clause', () => {
    const body = items(`clip "a.wav"\n  from 1 s to 2 s\n  gain -3 dB`);
    expect(body.map((b) => b.kind)).toEqual(['clip', 'gain']);
    expect((body[0] as ClipStatement).clauses.map((c) => c.clause)).toEqual(['from', 'to']);
  });

  it('`;` ends the clip even on the same line', () => {
    expect(items(`clip "a.wav"; to drums`).map((b) => b.kind)).toEqual(['clip', 'to']);
  });

  it('CRLF line ends count as line ends', () => {
    const body = items(`clip "a.wav" from 1 s\r\ngain -3 dB\r\n`);
    expect(body.map((b) => b.kind)).toEqual(['clip', 'gain']);
  });
});

describe('error recovery', () => {
  const MANY_MISTAKES = [
    'title', //                                      1: title without a string
    'tempo 120 bpm',
    'track kick {',
    '  file "kick.wav"',
    '  wobble 7', //                                  2: unknown word in a channel
    '  gain -3 dB',
    '}',
    'bogus', //                                       3: unknown word at top level
    'track vox {',
    '  file "vox.wav"',
    '  eq { bell 300 Hz -3 dB frob; highpass 80 Hz }', // 4: unknown word in an eq
    '  pan', //                                       5: pan without a value
    '  to drums',
    '  label "Lead', //                               6: unterminated string
    '}',
    'bus drums {',
    '  comp { threshold -12 dB }', //                 7: bus block not closed
  ].join('\n');

  it('reports every mistake, each naming what is wrong', () => {
    const r = parse(MANY_MISTAKES);
    const shown = r.problems.map((p) => [textOf(MANY_MISTAKES, p.span), p.message] as const);
    expect(shown).toHaveLength(7);
    const find = (spanText: string) => {
      const hit = shown.find(([t]) => t === spanText || t.startsWith(spanText));
      expect(hit, `a problem at ${JSON.stringify(spanText)} in ${JSON.stringify(shown)}`).toBeDefined();
      return hit![1];
    };
    expect(find('title')).toContain("'title'");
    expect(find('wobble')).toContain("'wobble'");
    expect(find('bogus')).toContain("'bogus'");
    expect(find('frob')).toContain("'frob'");
    expect(find('pan')).toContain("'pan'");
    expect(find('"Lead')).toMatch(/closing quote/);
    expect(shown.some(([, m]) => /drums/.test(m) && /'\}'/.test(m))).toBe(true);
  });

  it('keeps every valid statement in the tree', () => {
    const r = parse(MANY_MISTAKES);
    expect(stripSpans(r.document.statements)).toEqual([
      { kind: 'title', keyword: 'title', value: null },
      { kind: 'tempo', keyword: 'tempo', value: q(120, '120', 'bpm'), at: null, ramp: null },
      {
        kind: 'channel', keyword: 'track', channelKind: 'track', name: { name: 'kick' }, body: [
          { kind: 'file', keyword: 'file', value: { value: 'kick.wav', terminated: true } },
          { kind: 'gain', keyword: 'gain', value: q(-3, '-3', 'dB') },
        ],
      },
      {
        kind: 'channel', keyword: 'track', channelKind: 'track', name: { name: 'vox' }, body: [
          { kind: 'file', keyword: 'file', value: { value: 'vox.wav', terminated: true } },
          {
            kind: 'processor', keyword: 'eq', processor: 'eq', name: null, body: [
              { kind: 'band', keyword: 'bell', band: 'bell', name: null, freq: q(300, '300', 'Hz'), gain: q(-3, '-3', 'dB'), slope: null, q: null, repeated: [] },
              { kind: 'band', keyword: 'highpass', band: 'highpass', name: null, freq: q(80, '80', 'Hz'), gain: null, slope: null, q: null, repeated: [] },
            ],
          },
          { kind: 'pan', keyword: 'pan', value: null },
          { kind: 'to', keyword: 'to', target: { name: 'drums' } },
          { kind: 'label', keyword: 'label', value: { value: 'Lead', terminated: false } },
        ],
      },
      {
        kind: 'channel', keyword: 'bus', channelKind: 'bus', name: { name: 'drums' }, body: [
          { kind: 'processor', keyword: 'comp', processor: 'comp', name: null, body: [{ kind: 'param', keyword: 'threshold', param: 'threshold', value: q(-12, '-12', 'dB') }] },
        ],
      },
    ]);
  });

  it('a missing `}` at the end of the file keeps the channel and its settings', () => {
    const text = 'track a {\n  file "x.wav"\n  gain -3 dB\n';
    const r = parse(text);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/not closed/);
    expect(r.problems[0]!.message).toContain('track a');
    const [a] = r.document.statements as ChannelStatement[];
    expect(a).toMatchObject({ kind: 'channel', name: { name: 'a' } });
    expect(a!.body.map((b) => b.kind)).toEqual(['file', 'gain']);
    expect(textOf(text, a!.span)).toBe('track a {\n  file "x.wav"\n  gain -3 dB');
  });

  it('a missing `}` before the next channel closes the channel there', () => {
    const r = parse('track a {\n  file "x.wav"\nbus comp {\n  gain -2 dB\n}\n');
    expect(r.problems).toHaveLength(1);
    expect(stripSpans(r.document.statements).map((s) => [s.kind === 'channel' && s.name.name, s.kind === 'channel' && s.body.map((b) => b.kind)])).toEqual([
      ['a', ['file']],
      ['comp', ['gain']],
    ]);
  });

  it('unknown words inside a channel are skipped with one message; later settings still parse', () => {
    const text = 'track t {\n  zork blah 3 dB "x"\n  gain 1 dB\n  pan 10%\n}';
    const r = parse(text);
    expect(r.problems).toHaveLength(1);
    expect(textOf(text, r.problems[0]!.span)).toBe('zork blah 3 dB "x"');
    expect(r.problems[0]!.message).toContain("'zork'");
    expect((r.document.statements[0] as ChannelStatement).body.map((b) => b.kind)).toEqual(['gain', 'pan']);
  });

  it('a band outside an eq and a channel setting at top level are named as misplaced', () => {
    const r = parse('gain 3 dB\ntrack t { highpass 30 Hz\n gain 1 dB }');
    expect(r.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/'gain' belongs inside a track, bus or master block/),
      expect.stringMatching(/'highpass' belongs inside an eq, comp or limit block/),
    ]);
    expect(stripSpans(r.document.statements)).toMatchObject([{ name: { name: 't' }, body: [{ kind: 'gain' }] }]);
  });

  it('an unexpected character is reported and the rest still parses', () => {
    const text = 'tempo 120 bpm @ title "x"';
    const r = parse(text);
    expect(r.problems).toHaveLength(1);
    expect(textOf(text, r.problems[0]!.span)).toBe('@');
    expect(r.document.statements.map((s) => s.kind)).toEqual(['tempo', 'title']);
  });

  it('a stray `}` at top level is one problem', () => {
    const text = 'track a { }\n}\ntempo 100';
    const r = parse(text);
    expect(r.problems).toHaveLength(1);
    expect(textOf(text, r.problems[0]!.span)).toBe('}');
    expect(r.document.statements.map((s) => s.kind)).toEqual(['channel', 'tempo']);
  });

  it('missing values are reported on the keyword that asks for them, and the statement stays', () => {
    const cases: [string, string][] = [
      ['samplerate', 'samplerate'], ['tempo', 'tempo'], ['meter 4', 'meter'], ['output', 'output'], ['length', 'length'],
      ['reference pro', 'reference'], ['marker m', 'marker'],
    ];
    for (const [src, keyword] of cases) {
      const r = parse(src);
      expect(r.problems, src).toHaveLength(1);
      expect(textOf(src, r.problems[0]!.span), src).toBe(keyword);
      expect(r.problems[0]!.message, src).toContain(`'${keyword}'`);
      expect(r.document.statements, src).toHaveLength(1);
    }
  });

  it('never drops the tree of a valid file', () => {
    const text = fixture('rich.mix');
    const r = parse(text);
    expect(r.problems).toEqual([]);
    expect(r.document.statements.filter((s) => s.kind === 'channel').map((s) => (s as ChannelStatement).name.name)).toEqual([
      'kick', 'snare', 'bass', 'vox', 'pad', 'fx', 'drums', 'crush', 'verb', 'comp', 'master',
    ]);
  });
});

describe('keyword list', () => {
  it('every keyword in KEYWORDS is lexed as a keyword, not as a plain identifier', () => {
    for (const word of KEYWORDS) {
      const r = parse(word);
      const t = r.tokens[0]!;
      expect(t.image, word).toBe(word);
      expect(t.tokenType.name, word).toBe(`Kw_${word}`);
    }
  });
});
