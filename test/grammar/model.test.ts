/**
 * The semantic model: base units, times in seconds, defaults filled in,
 * channels in processing order; independent of layout and plain data.
 *
 * Expected values are written from the design (§2-5), not read from
 * DEFAULTS, so a changed default fails here.
 */
import { describe, expect, it } from 'vitest';
import {
  check, type BandModel, type ChannelModel, type ClipModel, type CompModel, type EqModel, type LimitModel, type MixModel,
} from '../../grammar/src/index.js';
import { fixture, richFacts } from './helpers.js';

/** The model of a file that must have no errors. */
function model(text: string, fileName?: string): MixModel {
  const r = check(text, fileName ? { fileName } : {});
  expect(r.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
  return r.model;
}

function channel(m: MixModel, name: string): ChannelModel {
  const c = m.channels.find((x) => x.name === name);
  if (!c) throw new Error(`no channel ${name}`);
  return c;
}

/** One track `t` with the given body (a file is added so it has a source). */
function track(body: string, head = ''): ChannelModel {
  return channel(model(`${head}\ntrack t {\n  file "t.wav"\n${body}\n}`), 't');
}

function insert<T>(body: string, head = ''): T {
  const t = track(body, head);
  expect(t.inserts).toHaveLength(1);
  return t.inserts[0] as T;
}

function clips(body: string, head = ''): ClipModel[] {
  return [...channel(model(`${head}\ntrack t {\n${body}\n}`), 't').clips];
}

/** Design §2: seconds = ((N-1)·beatsPerBar + (B-1)) · 60 / tempo. */
const barSeconds = (bar: number, beat: number, beatsPerBar: number, tempo: number) => ((bar - 1) * beatsPerBar + (beat - 1)) * 60 / tempo;

describe('units become base units', () => {
  it('kHz → Hz, ms → s, % → fraction, dB/oct and dB as numbers', () => {
    const eq = insert<EqModel>('eq { highpass 80 Hz slope 24 dB/oct; highshelf 10 kHz +2 dB; bell 1.5 kHz -3 dB q 2 }');
    expect(eq.bands.map((b) => [b.type, b.freq, b.gainDb, b.slope])).toEqual([
      ['highpass', 80, 0, 24], ['highshelf', 10000, 2, null], ['bell', 1500, -3, null],
    ]);
    const comp = insert<CompModel>('comp { attack 5 ms; release 1.5 s; mix 80% }');
    expect(comp.attack).toBeCloseTo(0.005, 12);
    expect(comp.release).toBe(1.5);
    expect(comp.mix).toBeCloseTo(0.8, 12);
    expect(track('pan -10%').pan).toBeCloseTo(-0.1, 12);
    expect(track('pan +100%').pan).toBe(1);
    expect(track('gain -1.5 dB').gainDb).toBe(-1.5);
    expect(track('gain -inf dB').gainDb).toBe(-Infinity);
  });

  it('samplerate in Hz, kHz or with the unit left out', () => {
    expect(model('samplerate 44100').sampleRate).toBe(44100);
    expect(model('samplerate 96000 Hz').sampleRate).toBe(96000);
    expect(model('samplerate 44.1 kHz').sampleRate).toBe(44100);
  });

  it('tempo with or without bpm; meter; output', () => {
    const m = model('tempo 92.5\nmeter 7/8\noutput mono');
    expect(m.tempo).toBe(92.5);
    expect(m.meter).toEqual({ beats: 7, unit: 8 });
    expect(m.output).toBe('mono');
    expect(model('tempo 120 bpm').tempo).toBe(120);
  });

  it('limit ceiling keeps its mode; trim auto keeps its level and detector', () => {
    expect(insert<LimitModel>('limit { ceiling -0.5 dBFS; lookahead 2 ms; release 20 ms }')).toEqual({
      type: 'limit', bypass: false, ceilingDb: -0.5, ceilingMode: 'dBFS', release: 0.02, lookahead: 0.002,
    });
    expect(insert<LimitModel>('limit { ceiling -2 dBTP }')).toMatchObject({ ceilingDb: -2, ceilingMode: 'dBTP' });
    expect(track('trim auto -18 dBFS rms').trim).toEqual({ mode: 'auto', levelDbfs: -18, detector: 'rms' });
    expect(track('trim -3 dB').trim).toEqual({ mode: 'fixed', gainDb: -3 });
  });

  it('ratio forms', () => {
    expect(insert<CompModel>('comp { ratio 4:1 }').ratio).toBe(4);
    expect(insert<CompModel>('comp { ratio 2.5 }').ratio).toBe(2.5);
    expect(insert<CompModel>('comp { ratio inf }').ratio).toBe(Infinity);
  });

  it('target in LUFS on master', () => {
    expect(channel(model('master { target -16 LUFS }'), 'master').targetLufs).toBe(-16);
  });
});

describe('times in seconds', () => {
  it('seconds, milliseconds and clock times', () => {
    const m = model('marker a 83.5 s\nmarker b 500 ms\nmarker c 2:03\nmarker d 2:03.25\nlength 3:30.5');
    expect(m.markers).toEqual([
      { name: 'b', time: 0.5 }, { name: 'a', time: 83.5 }, { name: 'c', time: 123 }, { name: 'd', time: 123.25 },
    ]);
    expect(m.length).toBe(210.5);
  });

  it('bar times follow the design formula in 4/4', () => {
    const m = model('tempo 124 bpm\nmeter 4/4\nmarker chorus bar 17\nmarker bridge bar 25 beat 3\nmarker one bar 1');
    const at = (n: string) => m.markers.find((x) => x.name === n)!.time;
    expect(at('one')).toBe(0);
    expect(at('chorus')).toBeCloseTo(barSeconds(17, 1, 4, 124), 9);
    expect(at('chorus')).toBeCloseTo(30.967741935, 6); // 64 beats at 124 bpm, by hand
    expect(at('bridge')).toBeCloseTo(barSeconds(25, 3, 4, 124), 9);
  });

  it('bar times use the meter\'s beats per bar, whatever its unit', () => {
    const m = model('tempo 90\nmeter 7/8\nmarker x bar 3 beat 5');
    expect(m.markers[0]!.time).toBeCloseTo(12, 9); // (2·7 + 4) · 60/90
    const six = model('tempo 120\nmeter 6/8\nmarker x bar 2');
    expect(six.markers[0]!.time).toBeCloseTo(3, 9); // 6 beats at 120 bpm
  });

  it('bar times work wherever tempo is written in the file', () => {
    const m = model('marker x bar 5\ntempo 60');
    expect(m.markers[0]!.time).toBe(16);
  });

  it('marker times are usable as times: clips, cuts, length and other markers', () => {
    const m = model([
      'tempo 120', 'marker verse bar 9', 'marker chorus verse', 'marker end 3:00', 'length end',
      'track t {', '  clip "a.wav" from verse to end', '  cut chorus to 20 s', '}',
    ].join('\n'));
    // Markers at the same time are listed by name.
    expect(m.markers).toEqual([{ name: 'chorus', time: 16 }, { name: 'verse', time: 16 }, { name: 'end', time: 180 }]);
    expect(m.length).toBe(180);
    const t = channel(m, 't');
    expect(t.clips[0]).toMatchObject({ from: 16, to: 180 });
    expect(t.cuts).toEqual([{ from: 16, to: 20, fade: 0.005 }]);
  });

  it('markers are listed in time order', () => {
    const m = model('marker late 3:00\nmarker early 1 s\nmarker mid 1:00');
    expect(m.markers.map((x) => x.name)).toEqual(['early', 'mid', 'late']);
  });
});

describe('defaults (design §3-5)', () => {
  it('session defaults', () => {
    const m = model('', 'night-drive.mix');
    expect(m).toMatchObject({ title: 'night-drive', sampleRate: 48000, tempo: null, meter: { beats: 4, unit: 4 }, output: 'stereo', length: null });
    expect(m.references).toEqual([]);
    expect(m.markers).toEqual([]);
    expect(model('title "Night Drive"', 'x.mix').title).toBe('Night Drive');
  });

  it('channel defaults', () => {
    const t = track('');
    expect(t).toEqual({
      kind: 'track', name: 't', label: null, color: null, hidden: false, mute: false, solo: false,
      clips: [{ source: 'file', path: 't.wav', at: 0, from: 0, to: null, fadeIn: 0, fadeOut: 0, fadeInWritten: false, fadeOutWritten: false, gainDb: 0 }],
      cuts: [], trim: { mode: 'fixed', gainDb: 0 }, inserts: [], gainDb: 0, pan: 0, polarityInvert: false,
      output: 'master', sends: [], targetLufs: null,
    });
  });

  it('trim auto defaults to the peak detector', () => {
    expect(track('trim auto -20 dBFS').trim).toEqual({ mode: 'auto', levelDbfs: -20, detector: 'peak' });
  });

  it('comp defaults: threshold -20 dB, ratio 4, knee 6 dB, attack 10 ms, release 100 ms, makeup 0, mix 100%', () => {
    const c = insert<CompModel>('comp { }');
    expect(c).toEqual({
      type: 'comp', bypass: false, thresholdDb: -20, ratio: 4, kneeDb: 6, attack: 0.01, release: 0.1, makeupDb: 0, mix: 1, sidechain: null,
    });
  });

  it('limit defaults: ceiling -1 dBTP, release 50 ms, lookahead 1.5 ms', () => {
    expect(insert<LimitModel>('limit { }')).toEqual({ type: 'limit', bypass: false, ceilingDb: -1, ceilingMode: 'dBTP', release: 0.05, lookahead: 0.0015 });
  });

  it('band defaults: pass slope 12 q 0.7071, shelves q 0.7071, bell q 1, notch q 10, bandpass q 1', () => {
    const eq = insert<EqModel>('eq { highpass 80 Hz; lowpass 12 kHz; lowshelf 100 Hz 1 dB; highshelf 8 kHz -1 dB; bell 1 kHz 2 dB; notch 60 Hz; bandpass 2 kHz }');
    const expected: BandModel[] = [
      { type: 'highpass', freq: 80, gainDb: 0, q: 0.7071, slope: 12 },
      { type: 'lowpass', freq: 12000, gainDb: 0, q: 0.7071, slope: 12 },
      { type: 'lowshelf', freq: 100, gainDb: 1, q: 0.7071, slope: null },
      { type: 'highshelf', freq: 8000, gainDb: -1, q: 0.7071, slope: null },
      { type: 'bell', freq: 1000, gainDb: 2, q: 1, slope: null },
      { type: 'notch', freq: 60, gainDb: 0, q: 10, slope: null },
      { type: 'bandpass', freq: 2000, gainDb: 0, q: 1, slope: null },
    ];
    expect(eq.bands).toHaveLength(expected.length);
    eq.bands.forEach((b, i) => {
      const e = expected[i]!;
      expect({ ...b, q: 0 }).toEqual({ ...e, q: 0 });
      expect(b.q).toBeCloseTo(e.q, 4);
    });
  });

  it('names of processors and bands are in the model; unnamed ones have none, and names change no setting', () => {
    const c = track('eq tone { highpass 80 Hz; bell presence 3 kHz 2 dB q 1.4 }\n  comp glue { threshold -18 dB }\n  limit { }');
    const [eq, comp, limit] = c.inserts as [EqModel, CompModel, LimitModel];
    expect([eq.name, comp.name, limit.name]).toEqual(['tone', 'glue', undefined]);
    expect(eq.bands.map((b) => b.name)).toEqual([undefined, 'presence']);
    expect(eq.bands[1]).toMatchObject({ type: 'bell', freq: 3000, gainDb: 2, q: 1.4 });
    const unnamed = track('eq { highpass 80 Hz; bell 3 kHz 2 dB q 1.4 }\n  comp { threshold -18 dB }\n  limit { }');
    const withoutNames = (x: object) => JSON.stringify(x, (k, v: unknown) => (k === 'name' ? undefined : v));
    expect(withoutNames(c.inserts)).toBe(JSON.stringify(unnamed.inserts));
    // A band's name is never `q` or `slope`, which are its clauses.
    expect(check('track a { file "a.wav"; eq { bell q 2 } }').diagnostics.map((d) => d.code)).toContain('syntax');
  });

  it('written values override the defaults', () => {
    const c = insert<CompModel>('comp { threshold -30 dB; ratio 2:1; knee 0 dB; attack 0.05 ms; release 5000 ms; makeup 4 dB; mix 0%; bypass }');
    expect(c).toMatchObject({ bypass: true, thresholdDb: -30, ratio: 2, kneeDb: 0, release: 5, makeupDb: 4, mix: 0 });
    expect(c.attack).toBeCloseTo(0.00005, 12);
    const eq = insert<EqModel>('eq { highpass 80 Hz slope 12 dB/oct q 2; notch 50 Hz q 4; bypass }');
    expect(eq.bypass).toBe(true);
    expect(eq.bands.map((b) => b.q)).toEqual([2, 4]);
  });
});

describe('sources', () => {
  it('`file` is a clip of the whole file at 0, unfaded', () => {
    expect(clips('file "stems/kick.wav"')).toEqual([
      { source: 'file', path: 'stems/kick.wav', at: 0, from: 0, to: null, fadeIn: 0, fadeOut: 0, fadeInWritten: false, fadeOutWritten: false, gainDb: 0 },
    ]);
  });

  it('a clip with no clauses is the whole file, unfaded', () => {
    expect(clips('clip "a.wav"')).toEqual([{ source: 'clip', path: 'a.wav', at: 0, from: 0, to: null, fadeIn: 0, fadeOut: 0, fadeInWritten: false, fadeOutWritten: false, gainDb: 0 }]);
  });

  it('edges cut by from/to get 5 ms fades; the file\'s own start is not faded', () => {
    expect(clips('clip "a.wav" from 2 s to 5 s')[0]).toMatchObject({ at: 0, from: 2, to: 5, fadeIn: 0.005, fadeOut: 0.005 });
    expect(clips('clip "a.wav" to 5 s')[0]).toMatchObject({ from: 0, to: 5, fadeIn: 0, fadeOut: 0.005 });
    expect(clips('clip "a.wav" from 2 s')[0]).toMatchObject({ from: 2, to: null, fadeIn: 0.005, fadeOut: 0 });
    expect(clips('clip "a.wav" at 3 s')[0]).toMatchObject({ at: 3, from: 3, to: null, fadeIn: 0, fadeOut: 0 });
    expect(clips('clip "a.wav" at 3 s from 3 s')[0]).toMatchObject({ at: 3, from: 3, fadeIn: 0 });
    expect(clips('clip "a.wav" at 3 s from 4 s')[0]).toMatchObject({ at: 3, from: 4, fadeIn: 0.005 });
  });

  it('written fades are kept', () => {
    expect(clips('clip "a.wav" from 1 s to 2 s fade 20 ms')[0]).toMatchObject({ fadeIn: 0.02, fadeOut: 0.02 });
    expect(clips('clip "a.wav" fade 20 ms')[0]).toMatchObject({ fadeIn: 0.02, fadeOut: 0.02 });
    expect(clips('clip "a.wav" from 1 s to 2 s fadein 10 ms')[0]).toMatchObject({ fadeIn: 0.01, fadeOut: 0.005, fadeInWritten: true, fadeOutWritten: false });
    expect(clips('clip "a.wav" from 1 s to 2 s fadeout 1 s')[0]).toMatchObject({ fadeIn: 0.005, fadeOut: 1 });
    expect(clips('clip "a.wav" from 1 s to 2 s fadein 0 ms fadeout 0 ms')[0]).toMatchObject({ fadeIn: 0, fadeOut: 0 });
  });

  it('clip gain and clips in written order', () => {
    expect(clips('clip "b.wav" at 10 s gain -2 dB\nclip "a.wav" to 10 s').map((c) => [c.path, c.at, c.gainDb])).toEqual([
      ['b.wav', 10, -2], ['a.wav', 0, 0],
    ]);
  });

  it('cuts are in seconds with 5 ms fades', () => {
    expect(channel(model('track t {\n file "a.wav"\n cut 2:03.2 to 2:04.0\n cut 10 s to 10500 ms\n}'), 't').cuts).toEqual([
      { from: 123.2, to: 124, fade: 0.005 }, { from: 10, to: 10.5, fade: 0.005 },
    ]);
  });
});

describe('signal flow', () => {
  it('routing, sends and organisation settings', () => {
    const m = model('track t {\n file "a.wav"\n label "T"\n color "#ABCDEF"\n hidden\n mute\n solo\n polarity invert\n to fx\n send verb -6 dB pre\n send fx -inf dB\n}\nbus fx {}\nbus verb {}');
    expect(channel(m, 't')).toMatchObject({
      label: 'T', color: '#abcdef', hidden: true, mute: true, solo: true, polarityInvert: true, output: 'fx',
      sends: [{ bus: 'verb', gainDb: -6, pre: true }, { bus: 'fx', gainDb: -Infinity, pre: false }],
    });
    expect(channel(m, 'fx').output).toBe('master');
  });

  it('master exists without being written, last, with defaults', () => {
    const m = model('track t { file "a.wav" }');
    expect(m.channels.map((c) => c.name)).toEqual(['t', 'master']);
    expect(m.channels[1]).toEqual({
      kind: 'master', name: 'master', label: null, color: null, hidden: false, mute: false, solo: false, clips: [], cuts: [],
      trim: { mode: 'fixed', gainDb: 0 }, inserts: [], gainDb: 0, pan: 0, polarityInvert: false, output: null, sends: [], targetLufs: null,
    });
    expect(model('').channels.map((c) => c.name)).toEqual(['master']);
  });

  /** Every channel after everything that feeds it, and master last. */
  function expectProcessingOrder(m: MixModel): void {
    const index = new Map(m.channels.map((c, i) => [c.name, i]));
    expect(m.channels.at(-1)!.kind).toBe('master');
    expect(m.channels.filter((c) => c.kind === 'master')).toHaveLength(1);
    for (const c of m.channels) {
      const i = index.get(c.name)!;
      if (c.output !== null) expect(index.get(c.output), `${c.name} → ${c.output}`).toBeGreaterThan(i);
      for (const s of c.sends) expect(index.get(s.bus), `${c.name} sends to ${s.bus}`).toBeGreaterThan(i);
      for (const p of c.inserts) {
        if (p.type === 'comp' && p.sidechain) expect(index.get(p.sidechain), `${c.name} keyed by ${p.sidechain}`).toBeLessThan(i);
      }
    }
  }

  it('a channel comes after everything that feeds it via to, send or sidechain; master last', () => {
    const m = model([
      'master { target -14 LUFS }',
      'bus drums { comp { sidechain bass } }',
      'bus verb { to drums }',
      'track bass { file "b.wav"; comp { sidechain kick } }',
      'track kick { file "k.wav"; to drums; send verb -6 dB }',
      'track late { file "l.wav"; send verb -10 dB pre }',
    ].join('\n'));
    expectProcessingOrder(m);
    const order = m.channels.map((c) => c.name);
    expect(order.indexOf('kick')).toBeLessThan(order.indexOf('bass'));
    expect(order.indexOf('bass')).toBeLessThan(order.indexOf('drums'));
    expect(order.indexOf('late')).toBeLessThan(order.indexOf('verb'));
    expect(order.indexOf('verb')).toBeLessThan(order.indexOf('drums'));
    expect(order).toHaveLength(6);
  });

  it('the rich session is in processing order', () => {
    const m = check(fixture('rich.mix'), { facts: richFacts }).model;
    expectProcessingOrder(m);
    expect(m.channels.map((c) => c.name).sort()).toEqual(['bass', 'comp', 'crush', 'drums', 'fx', 'kick', 'master', 'pad', 'snare', 'verb', 'vox']);
  });

  // Only the first `to` counts, so the ignored second one must not create a
  // cycle that would push bus a before b, which feeds it.
  it('a `to` that is ignored as a duplicate does not change the processing order', () => {
    const r = check('track t { file "a.wav"; to b }\nbus a { to master; to b }\nbus b { to a }');
    expect(channel(r.model, 'a').output).toBe('master');
    expect(channel(r.model, 'b').output).toBe('a');
    expectProcessingOrder(r.model); // actual order: t, a, b, master
  });

  it('a key that is written later still comes first', () => {
    const m = model('track vox { file "v.wav"; comp { sidechain kick } }\ntrack kick { file "k.wav" }');
    expect(m.channels.map((c) => c.name)).toEqual(['kick', 'vox', 'master']);
  });
});

describe('automation lanes', () => {
  it('targets, times in seconds and values in base units; a lane may come before what it moves', () => {
    const c = track(`send fx -20 dB
      automate gain { 0:01 -2 dB; chorus +1 dB hold; bar 5 beat 3 -inf dB }
      automate pan { 1 s -20% smooth; 2 s +20% }
      automate send fx { 1 s -12 dB }
      automate presence.freq { 1 s 2 kHz; 2 s 4 kHz }
      automate comp#1.ratio { 1 s 4:1; 2 s inf }
      automate lim.release { 500 ms 20 ms }
      automate mute { 3 s on; 4 s off }
      eq { bell presence 3 kHz +2 dB }
      comp { }
      limit lim { }`, 'tempo 120 bpm\nmarker chorus bar 2\nbus fx { }');
    expect(c.automation).toEqual([
      { target: { kind: 'gain' }, scale: 'db', points: [
        { time: 1, value: -2, shape: 'linear' }, { time: 2, value: 1, shape: 'hold' }, { time: 9, value: -Infinity, shape: 'linear' }] },
      { target: { kind: 'pan' }, scale: 'linear', points: [{ time: 1, value: -0.2, shape: 'smooth' }, { time: 2, value: 0.2, shape: 'linear' }] },
      { target: { kind: 'send', bus: 'fx' }, scale: 'db', points: [{ time: 1, value: -12, shape: 'linear' }] },
      { target: { kind: 'param', insert: 0, band: 0, field: 'freq' }, scale: 'octave', points: [{ time: 1, value: 2000, shape: 'linear' }, { time: 2, value: 4000, shape: 'linear' }] },
      { target: { kind: 'param', insert: 1, band: null, field: 'ratio' }, scale: 'linear', points: [{ time: 1, value: 4, shape: 'linear' }, { time: 2, value: Infinity, shape: 'linear' }] },
      { target: { kind: 'param', insert: 2, band: null, field: 'release' }, scale: 'linear', points: [{ time: 0.5, value: 0.02, shape: 'linear' }] },
      { target: { kind: 'mute' }, scale: 'linear', points: [{ time: 3, value: 1, shape: 'hold' }, { time: 4, value: 0, shape: 'hold' }] },
    ]);
  });

  it('a channel without lanes has no automation field at all', () => {
    expect('automation' in track('gain -3 dB')).toBe(false);
  });

  it('points out of order: reported with the sorted order for the quick fix, and sorted in the model', () => {
    const text = 'track t { file "t.wav"\n  automate gain { 3 s -1 dB; 1 s -3 dB; 2 s -2 dB } }';
    const r = check(text);
    const d = r.diagnostics.find((x) => x.code === 'points-out-of-order')!;
    expect(text.slice(d.span.start, d.span.end)).toBe('1 s -3 dB');
    expect(d.data).toMatchObject({ kind: 'sortPoints' });
    const sorted = (d.data as { readonly sorted: readonly { start: number; end: number }[] }).sorted.map((sp) => text.slice(sp.start, sp.end));
    expect(sorted).toEqual(['1 s -3 dB', '2 s -2 dB', '3 s -1 dB']);
    expect(r.model.channels[0]!.automation![0]!.points.map((p) => p.time)).toEqual([1, 2, 3]);
  });
});

describe('the model is independent of layout and plain data', () => {
  it('a reformatted file has a deep-equal model', () => {
    const a = check(fixture('rich.mix'), { facts: richFacts });
    const b = check(fixture('rich-messy.mix'), { facts: richFacts });
    expect(a.diagnostics).toEqual([]);
    expect(b.diagnostics).toEqual([]);
    expect(b.model).toEqual(a.model);
    // And not vacuously: a changed setting changes the model.
    const c = check(fixture('rich-messy.mix').replace('gain -1.5 dB', 'gain -2 dB'), { facts: richFacts });
    expect(c.model).not.toEqual(a.model);
  });

  it('survives structuredClone unchanged (including -inf gains and inf ratios)', () => {
    const m = check(fixture('rich.mix'), { facts: richFacts }).model;
    // The rich file has an infinite ratio and a -inf gain, which JSON cannot carry…
    expect(JSON.stringify(m)).toContain('"ratio":null');
    expect(JSON.stringify(m)).toContain('"gainDb":null');
    // …but structured clone (postMessage to the preview and the worklet) does.
    const clone = structuredClone(m);
    expect(clone).toEqual(m);
    expect(channel(clone, 'bass').gainDb).toBe(-Infinity);
  });

  it('is plain data: only objects, arrays, strings, numbers, booleans and null', () => {
    const m = check(fixture('rich.mix'), { facts: richFacts }).model;
    const visit = (v: unknown, path: string): void => {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
      if (typeof v === 'number') {
        expect(Number.isNaN(v), `${path} is NaN`).toBe(false);
        return;
      }
      if (Array.isArray(v)) return v.forEach((x, i) => visit(x, `${path}[${i}]`));
      expect(typeof v, path).toBe('object');
      expect(Object.getPrototypeOf(v), `${path} is a plain object`).toBe(Object.prototype);
      for (const [k, x] of Object.entries(v as object)) {
        expect(x, `${path}.${k} is undefined`).not.toBeUndefined();
        visit(x, `${path}.${k}`);
      }
    };
    visit(m, 'model');
  });

  it('a model with finite values survives a JSON round trip', () => {
    const m = check(fixture('rich.mix').replace('gain -inf dB', 'gain -60 dB').replace('ratio inf', 'ratio 100').replace('outro -inf dB', 'outro -60 dB'), { facts: richFacts }).model;
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
});
