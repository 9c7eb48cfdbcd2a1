/**
 * Diagnostics (design §6): every stable code fires on a minimal file, with
 * the right severity and a span over the right text; a complete valid
 * session gives none at all; quick-fix data is where fixes look for it.
 *
 * Sources mark the text each diagnostic of the code under test must cover
 * with «…»; `others` lists any other codes the file is expected to give.
 */
import { describe, expect, it } from 'vitest';
import { check, CODES, KEYWORDS, parse, UNIT_IMAGES, type AudioFacts, type Diagnostic, type DiagnosticCode, type Severity } from '../../grammar/src/index.js';
import { factsFrom, fixture, marked, richFacts, textOf, wav } from './helpers.js';

const facts: AudioFacts = factsFrom({
  'a.wav': wav(10),
  'b.wav': wav(10),
  'gone.wav': { status: 'missing' },
  'broken.wav': { status: 'unreadable', reason: 'the data chunk is truncated' },
  'song.mp3': { status: 'unsupported', reason: 'not a RIFF/WAVE file' },
  'cd.wav': wav(10, 44100),
});

interface Case {
  readonly code: DiagnosticCode;
  readonly name: string;
  readonly source: string;
  readonly severity: Severity;
  /** Words the message must contain. */
  readonly says?: readonly (string | RegExp)[];
  /** Other codes the file gives besides `code`. */
  readonly others?: readonly DiagnosticCode[];
}

const CASES: readonly Case[] = [
  { code: CODES.syntax, name: 'unknown word', source: 'tempo 120 bpm\n«wobble»\n', severity: 'error', says: ["'wobble'"] },
  { code: CODES.syntax, name: 'band without gain (found by analysis)', source: 'track a { file "a.wav"; eq { «bell» 300 Hz } }', severity: 'error', says: ['gain'] },
  { code: CODES.invalidNumber, name: '.5', source: 'track a { file "a.wav"; gain «.5» dB }', severity: 'error', says: ['0.5'] },
  { code: CODES.invalidNumber, name: '5.', source: 'track a { file "a.wav"; gain «5.» dB }', severity: 'error', says: ["'5.'"] },
  { code: CODES.unknownName, name: 'unknown bus', source: 'track a { file "a.wav"; to drums }\nbus drums { to «mastr» }', severity: 'error', says: ["'mastr'", "'master'"] },
  { code: CODES.unknownName, name: 'unknown marker', source: 'marker chorus 1:00\ntrack a { clip "a.wav" to «chrous» }', severity: 'error', says: ['marker', "'chorus'"] },
  { code: CODES.unknownName, name: 'unknown sidechain key', source: 'track a { file "a.wav"; comp { sidechain «kik» } }', severity: 'error', says: ["'kik'"] },
  { code: CODES.duplicateName, name: 'track and bus', source: 'track a { file "a.wav" }\nbus «a» { }', severity: 'error', says: ["'a'"] },
  { code: CODES.duplicateName, name: 'marker and reference', source: 'reference pro "a.wav"\nmarker «pro» 1 s', severity: 'error' },
  { code: CODES.duplicateName, name: 'two masters', source: 'master { }\n«master» { }', severity: 'error' },
  { code: CODES.duplicateName, name: 'a processor and a band of one channel', source: 'track a { file "a.wav"; comp glue { }; eq { bell «glue» 1 kHz +1 dB } }', severity: 'error', says: ["'glue'", 'processor of a'] },
  { code: CODES.duplicateName, name: 'two processors of one channel', source: 'track a { file "a.wav"; eq tone { }; comp «tone» { } }', severity: 'error', says: ["'tone'"] },
  { code: CODES.reservedName, name: 'bus master', source: 'bus «master» { }', severity: 'error', says: ["'master'"] },
  { code: CODES.reservedName, name: 'a processor named by a keyword', source: 'track a { file "a.wav"; comp «gain» { } }', severity: 'error', says: ["'gain'", 'keyword'] },
  { code: CODES.reservedName, name: 'a band named by a unit', source: 'track a { file "a.wav"; eq { bell «ms» 1 kHz +1 dB } }', severity: 'error', says: ["'ms'"] },
  { code: CODES.reservedName, name: 'marker named by a keyword', source: 'marker «gain» 3 s', severity: 'error', says: ["'gain'"] },
  { code: CODES.duplicateSetting, name: 'gain twice', source: 'track a { file "a.wav"; gain -1 dB; «gain» -2 dB }', severity: 'error', says: ["'gain'"] },
  { code: CODES.duplicateSetting, name: 'tempo twice', source: 'tempo 120 bpm; «tempo» 90 bpm', severity: 'error' },
  { code: CODES.duplicateSetting, name: 'two sends to one bus', source: 'track a { file "a.wav"; send fx -3 dB; «send» fx -6 dB }\nbus fx { }', severity: 'error', says: ['fx'] },
  { code: CODES.duplicateSetting, name: 'clip clause twice', source: 'track a { clip "a.wav" to 1 s «to» 2 s }', severity: 'error' },
  {
    code: CODES.routingCycle, name: 'two buses feeding each other',
    source: 'track t { file "a.wav"; to a }\nbus a { to «b» }\nbus b { to «a» }', severity: 'error', says: [/a → b → a|b → a → b/],
  },
  { code: CODES.routingCycle, name: 'a bus sending to itself', source: 'track t { file "a.wav"; to a }\nbus a { send «a» -3 dB }', severity: 'error' },
  { code: CODES.sidechainCycle, name: 'keyed by itself', source: 'track a { file "a.wav"; comp { sidechain «a» } }', severity: 'error' },
  {
    code: CODES.sidechainCycle, name: 'key fed by the channel it compresses',
    source: 'track t { file "a.wav"; comp { sidechain «b» }; to «b» }\nbus b { }', severity: 'error',
    says: ['side-chain cycle'],
  },
  { code: CODES.invalidRoute, name: 'to a track', source: 'track a { file "a.wav"; to «b» }\ntrack b { file "b.wav" }', severity: 'error', says: ['track'] },
  { code: CODES.invalidRoute, name: 'send to a reference', source: 'reference pro "a.wav"\ntrack a { file "a.wav"; send «pro» -3 dB }', severity: 'error', says: ['reference'] },
  { code: CODES.audioMissing, name: 'file', source: 'track a { file «"gone.wav"» }', severity: 'error', says: ['gone.wav'] },
  { code: CODES.audioMissing, name: 'reference', source: 'reference pro «"gone.wav"»', severity: 'error', says: ['gone.wav'] },
  { code: CODES.audioUnreadable, name: 'clip', source: 'track a { clip «"broken.wav"» }', severity: 'error', says: ['broken.wav', 'truncated'] },
  { code: CODES.audioUnsupported, name: 'mp3', source: 'track a { file «"song.mp3"» }', severity: 'error', says: ['song.mp3', 'RIFF'] },
  { code: CODES.outOfRange, name: 'gain above +24 dB', source: 'track a { file "a.wav"; gain «30 dB» }', severity: 'error', says: ['30 dB', '24 dB'] },
  { code: CODES.outOfRange, name: 'pan beyond 100%', source: 'track a { file "a.wav"; pan «150%» }', severity: 'error', says: ['-100%', '100%'] },
  { code: CODES.outOfRange, name: 'samplerate', source: 'samplerate «4000 Hz»', severity: 'error', says: ['8000 Hz', '192000 Hz'] },
  { code: CODES.outOfRange, name: 'tempo', source: 'tempo «500 bpm»', severity: 'error' },
  { code: CODES.outOfRange, name: 'attack in ms', source: 'track a { file "a.wav"; comp { attack «2000 ms» } }', severity: 'error', says: ['0.05 ms', '1000 ms'] },
  { code: CODES.outOfRange, name: 'q', source: 'track a { file "a.wav"; eq { bell 1 kHz 2 dB q «50» } }', severity: 'error' },
  { code: CODES.outOfRange, name: 'bar 0', source: 'tempo 120\nmarker m bar «0»', severity: 'error' },
  { code: CODES.outOfRange, name: 'cut that ends before it starts', source: 'track a { file "a.wav"; «cut 5 s to 4 s» }', severity: 'error' },
  { code: CODES.missingUnit, name: 'gain without dB', source: 'track a { file "a.wav"; gain «-3» }', severity: 'error', says: ['-3 dB'] },
  { code: CODES.missingUnit, name: 'frequency without Hz', source: 'track a { file "a.wav"; eq { highpass «80» } }', severity: 'error', says: ['80 Hz', '80 kHz'] },
  { code: CODES.wrongUnit, name: 'gain in Hz', source: 'track a { file "a.wav"; gain «-3 Hz» }', severity: 'error', says: ["'Hz'", "'dB'"] },
  { code: CODES.wrongUnit, name: 'ceiling in dB', source: 'track a { file "a.wav"; limit { ceiling «-1 dB» } }', severity: 'error', says: ["'dBFS'", "'dBTP'"] },
  { code: CODES.wrongUnit, name: 'q with a unit', source: 'track a { file "a.wav"; eq { bell 1 kHz 2 dB q «2 dB» } }', severity: 'error' },
  { code: CODES.invalidValue, name: 'colour', source: 'track a { file "a.wav"; color «"red"» }', severity: 'error', says: ['#rrggbb'] },
  { code: CODES.invalidValue, name: 'slope', source: 'track a { file "a.wav"; eq { highpass 80 Hz slope «30 dB/oct» } }', severity: 'error' },
  { code: CODES.invalidValue, name: 'meter', source: 'meter «4/3»', severity: 'error' },
  { code: CODES.invalidValue, name: 'ratio not R:1', source: 'track a { file "a.wav"; comp { «ratio 4:2» } }', severity: 'error', says: ['2:1'] },
  { code: CODES.barWithoutTempo, name: 'clip from bar', source: 'track a { clip "a.wav" from «bar 2 beat 3» }', severity: 'error', says: ['tempo'] },
  { code: CODES.aboveNyquist, name: 'highpass at 30 kHz', source: 'track a { file "a.wav"; eq { highpass «30 kHz» } }', severity: 'error', says: ['48000 Hz'] },
  { code: CODES.aboveNyquist, name: 'bell at 22 kHz in a 44.1 kHz session', source: 'samplerate 44100\ntrack a { file "cd.wav"; eq { bell «22 kHz» 3 dB } }', severity: 'error' },
  { code: CODES.clipPastEnd, name: 'to past the end', source: 'track a { «clip "a.wav" to 12 s» }', severity: 'warning', says: ['12 s', '10 s'] },
  { code: CODES.clipPastEnd, name: 'from after the end', source: 'track a { «clip "a.wav" from 20 s» }', severity: 'error', says: ['20 s'] },
  { code: CODES.clipPastEnd, name: 'placed late', source: 'track a { «clip "a.wav" at 5 s to 16 s» }', severity: 'warning', says: ['15 s'] },
  { code: CODES.overlappingClips, name: 'two clips at once', source: 'track a {\n  clip "a.wav" to 5 s\n  «clip "b.wav" from 4 s»\n}', severity: 'warning' },
  { code: CODES.overlappingClips, name: 'file and a later clip', source: 'track a {\n  file "a.wav"\n  «clip "b.wav" at 5 s»\n}', severity: 'warning' },
  { code: CODES.notAllowedHere, name: 'target in a track', source: 'track a { file "a.wav"; «target» -14 LUFS }', severity: 'error', says: ['master'] },
  { code: CODES.notAllowedHere, name: 'mute on master', source: 'master { «mute» }', severity: 'error' },
  { code: CODES.notAllowedHere, name: 'ceiling in a comp', source: 'track a { file "a.wav"; comp { «ceiling» -1 dBTP } }', severity: 'error', says: ['limit'] },
  { code: CODES.notAllowedHere, name: 'gain on a notch', source: 'track a { file "a.wav"; eq { notch 60 Hz «-3 dB» } }', severity: 'error' },
  { code: CODES.notAllowedHere, name: 'q on a steep highpass', source: 'track a { file "a.wav"; eq { highpass 60 Hz slope 24 dB/oct q «2» } }', severity: 'error' },
  { code: CODES.notAllowedHere, name: 'file in a bus', source: 'track a { file "a.wav"; to b }\nbus b { «file» "b.wav" }', severity: 'error' },
  { code: CODES.busNoInputs, name: 'an unfed bus', source: 'bus «fx» { }', severity: 'warning', says: ['fx'] },
  { code: CODES.trackNoSources, name: 'an empty track', source: 'track «a» { gain -3 dB }', severity: 'warning', says: ['a'] },
  {
    code: CODES.pointsOutOfOrder, name: 'a point before the one above it',
    source: 'track a { file "a.wav"; automate gain { 2 s -3 dB; «1 s 0 dB» } }', severity: 'error', says: ['1 s', '2 s', 'time order'],
  },
  { code: CODES.notAutomatable, name: 'a word that is no target', source: 'track a { file "a.wav"; automate «volume» { 1 s 0 dB } }', severity: 'error', says: ['gain, pan'] },
  { code: CODES.notAutomatable, name: 'a send the channel does not have', source: 'track a { file "a.wav"; send fx -6 dB; automate send «fc» { 1 s 0 dB } }\nbus fx { }', severity: 'error', says: ["'fx'"] },
  { code: CODES.notAutomatable, name: 'a side-chain', source: 'track a { file "a.wav"; comp glue { sidechain b }; automate glue.«sidechain» { 1 s 0 dB } }\ntrack b { file "b.wav" }', severity: 'error', says: ['channel'] },
  { code: CODES.notAutomatable, name: 'a look-ahead', source: 'track a { file "a.wav"; limit { }; automate limit#1.«lookahead» { 1 s 2 ms } }', severity: 'error', says: ['latency'] },
  { code: CODES.notAutomatable, name: 'the gain of a highpass', source: 'track a { file "a.wav"; eq { highpass low 80 Hz }; automate low.«gain» { 1 s 0 dB } }', severity: 'error', says: ['highpass'] },
  { code: CODES.notAutomatable, name: 'trim auto', source: 'track a { file "a.wav"; trim auto -18 dBFS; automate «trim» { 1 s 0 dB } }', severity: 'error', says: ['fixed trim'] },
  { code: CODES.unknownName, name: 'an automation part', source: 'track a { file "a.wav"; comp glue { }; automate «glu».threshold { 1 s -20 dB } }', severity: 'error', says: ["'glue'"] },
  { code: CODES.outOfRange, name: 'a point out of range', source: 'track a { file "a.wav"; eq { bell mid 1 kHz 0 dB }; automate mid.gain { 1 s «40 dB» } }', severity: 'error', says: ['-30 dB', '30 dB'] },
  { code: CODES.outOfRange, name: 'comp#2 of one comp', source: 'track a { file "a.wav"; comp { }; automate comp«#2».ratio { 1 s 2:1 } }', severity: 'error', says: ['1 comp'] },
  { code: CODES.invalidValue, name: 'a shape on a mute point', source: 'track a { file "a.wav"; automate mute { 1 s on «linear»; 2 s off } }', severity: 'error', says: ['hold'] },
  { code: CODES.wrongUnit, name: 'a ceiling lane in the other unit', source: 'track a { file "a.wav"; limit { ceiling -1 dBTP }; automate limit#1.ceiling { 1 s «-2 dBFS» } }', severity: 'error', says: ['dBTP'] },
  { code: CODES.duplicateSetting, name: 'two lanes for one target', source: 'track a { file "a.wav"; automate gain { 1 s 0 dB }; «automate» gain { 2 s 0 dB } }', severity: 'error' },
  { code: CODES.misplacedChange, name: 'a tempo change off a bar start', source: 'tempo 120 bpm\ntempo 90 bpm at «bar 5 beat 3»', severity: 'error', says: ['beat 3'] },
  { code: CODES.misplacedChange, name: 'a meter change at a time', source: 'tempo 120 bpm\nmeter 3/4 at «1:00»', severity: 'error', says: ['at bar N'] },
  { code: CODES.misplacedChange, name: 'changes out of order', source: 'tempo 120 bpm\ntempo 90 bpm at bar 9\ntempo 100 bpm «at bar 5»', severity: 'error', says: ['bar order'] },
  { code: CODES.misplacedChange, name: 'a tempo change without a tempo', source: '«tempo» 90 bpm at bar 5', severity: 'error', says: ['starts with'] },
  { code: CODES.misplacedChange, name: 'a ramp into a meter change', source: 'tempo 120 bpm\ntempo 90 bpm at bar 9 «ramp»\nmeter 3/4 at bar 5', severity: 'error', says: ['bar 5'] },
  { code: CODES.misplacedChange, name: 'a ramp on the starting tempo', source: 'tempo 120 bpm «ramp»', severity: 'error' },
  { code: CODES.outOfRange, name: 'a beat past a changed meter', source: 'tempo 120 bpm\nmeter 3/4 at bar 5\nmarker m bar 6 beat «4»', severity: 'error', says: ['3/4'] },
  { code: CODES.sampleRateDiffers, name: '44.1 kHz file in a 48 kHz session', source: 'track a { file «"cd.wav"» }', severity: 'information', says: ['44100 Hz', '48000 Hz'] },
];

function diagnose(source: string): { text: string; spans: { start: number; end: number }[]; diagnostics: readonly Diagnostic[] } {
  const { text, spans } = marked(source);
  return { text, spans, diagnostics: check(text, { facts }).diagnostics };
}

describe('every code fires on a minimal file', () => {
  it.each(CASES.map((c) => [`${c.code}: ${c.name}`, c] as const))('%s', (_, c) => {
    const { text, spans, diagnostics } = diagnose(c.source);
    const mine = diagnostics.filter((d) => d.code === c.code);
    const shown = diagnostics.map((d) => `${d.code} ${JSON.stringify(textOf(text, d.span))}: ${d.message}`);
    expect(spans.length, 'the case marks at least one span').toBeGreaterThan(0);
    // Exactly the marked spans, each once.
    expect(mine.map((d) => textOf(text, d.span)).sort(), shown.join('\n')).toEqual(spans.map((s) => textOf(text, s)).sort());
    expect(mine.map((d) => d.span).sort((a, b) => a.start - b.start), shown.join('\n')).toEqual(spans);
    for (const d of mine) {
      expect(d.severity).toBe(c.severity);
      expect(d.message.length).toBeGreaterThan(0);
      for (const s of c.says ?? []) {
        if (typeof s === 'string') expect(d.message).toContain(s);
        else expect(d.message).toMatch(s);
      }
    }
    // Nothing else fires: the minimal file shows the one problem.
    expect(diagnostics.filter((d) => d.code !== c.code).map((d) => d.code).sort(), shown.join('\n')).toEqual([...(c.others ?? [])].sort());
  });

  it('every code in CODES has a case', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const missing = Object.values(CODES).filter((code) => !covered.has(code));
    expect(missing, 'codes without a firing case').toEqual([]);
  });

  it('check() says whether there are errors', () => {
    expect(check('bus fx { }').hasErrors).toBe(false); // a warning only
    expect(check('track a { file "a.wav"; gain 3 }').hasErrors).toBe(true);
  });
});

describe('a complete valid session', () => {
  it('test/fixtures/rich.mix gives no diagnostics at all', () => {
    const text = fixture('rich.mix');
    const r = check(text, { facts: richFacts });
    expect(r.diagnostics.map((d) => `${d.code} ${JSON.stringify(textOf(text, d.span))}: ${d.message}`)).toEqual([]);
    expect(r.hasErrors).toBe(false);
  });

  it('uses every keyword and every unit of the language', () => {
    const tokens = parse(fixture('rich.mix')).tokens.map((t) => t.image);
    // A session has one output layout; `mono` is covered by the parser and model tests.
    const unused = [...KEYWORDS, ...UNIT_IMAGES].filter((w) => !tokens.includes(w));
    expect(unused).toEqual(['mono']);
  });

  it('the facts table matters: a missing or resampled file in it is reported', () => {
    const text = fixture('rich.mix');
    const missingKick = check(text, { facts: { get: (p) => (p === 'stems/kick.wav' ? { status: 'missing' } : richFacts.get(p)) } });
    expect(missingKick.diagnostics.map((d) => [d.code, textOf(text, d.span)])).toEqual([[CODES.audioMissing, '"stems/kick.wav"']]);
    const shortTake = check(text, { facts: { get: (p) => (p === 'takes/vox_3.wav' ? wav(30) : richFacts.get(p)) } });
    expect(shortTake.diagnostics.map((d) => d.code)).toEqual([CODES.clipPastEnd]);
  });
});

describe('quick-fix data', () => {
  it('did-you-mean: candidates and what kind of name is expected', () => {
    const bus = diagnose('track a { file "a.wav"; to drumz }\nbus drums { }\nbus drum { }').diagnostics.find((d) => d.code === CODES.unknownName)!;
    expect(bus.data).toEqual({ kind: 'didYouMean', candidates: ['drum', 'drums'], expects: 'bus' });
    const caseOnly = diagnose('track a { file "a.wav"; to Drums }\nbus drums { }').diagnostics.find((d) => d.code === CODES.unknownName)!;
    expect(caseOnly.data).toEqual({ kind: 'didYouMean', candidates: ['drums'], expects: 'bus' });
    const marker = diagnose('marker chorus 1:00\nmarker bridge 2:00\ntrack a { clip "a.wav" from chorsu }').diagnostics.find((d) => d.code === CODES.unknownName)!;
    expect(marker.data).toEqual({ kind: 'didYouMean', candidates: ['chorus'], expects: 'marker' });
    const key = diagnose('track kick { file "a.wav" }\ntrack b { file "b.wav"; comp { sidechain kck } }').diagnostics.find((d) => d.code === CODES.unknownName)!;
    expect(key.data).toEqual({ kind: 'didYouMean', candidates: ['kick'], expects: 'channel' });
    const nothingClose = diagnose('track a { file "a.wav"; to zzzzzz }\nbus drums { }').diagnostics.find((d) => d.code === CODES.unknownName)!;
    expect(nothingClose.data).toEqual({ kind: 'didYouMean', candidates: [], expects: 'bus' });
    expect(nothingClose.message).not.toMatch(/did you mean/);
  });

  it('missing-unit: the units that fit', () => {
    const units = (body: string) => diagnose(`track a { file "a.wav"; ${body} }`).diagnostics.find((d) => d.code === CODES.missingUnit)?.data;
    expect(units('gain -3')).toEqual({ kind: 'units', units: ['dB'] });
    expect(units('pan 30')).toEqual({ kind: 'units', units: ['%'] });
    expect(units('eq { highpass 80 }')).toEqual({ kind: 'units', units: ['Hz', 'kHz'] });
    expect(units('comp { attack 5 }')).toEqual({ kind: 'units', units: ['s', 'ms'] });
    expect(units('limit { ceiling -1 }')).toEqual({ kind: 'units', units: ['dBFS', 'dBTP'] });
    expect(units('eq { highpass 80 Hz slope 24 }')).toEqual({ kind: 'units', units: ['dB/oct'] });
    expect(units('trim auto -18')).toEqual({ kind: 'units', units: ['dBFS'] });
  });

  it('units left out where the design allows it are not errors', () => {
    const r = check('samplerate 48000\ntempo 120\nmeter 3/4\ntrack a { file "a.wav"; comp { ratio 4 }; eq { bell 1 kHz 2 dB q 1.4 } }', { facts });
    expect(r.diagnostics).toEqual([]);
  });

  it('wrong-unit: the units that fit', () => {
    const text = 'track a { file "a.wav"; pan 30 dB }';
    const d = diagnose(text).diagnostics.find((x) => x.code === CODES.wrongUnit)!;
    const at = text.indexOf('dB');
    expect(d.data).toEqual({ kind: 'units', units: ['%'], unitSpan: { start: at, end: at + 2 } });
  });

  it('track-no-sources: deleteStatement spans the whole track', () => {
    const text = '# keep\ntrack empty {\n  gain -3 dB\n  eq { bell 1 kHz 2 dB }\n}\ntrack a { file "a.wav" }';
    const d = check(text, { facts }).diagnostics.find((x) => x.code === CODES.trackNoSources)!;
    expect(d.data?.kind).toBe('deleteStatement');
    if (d.data?.kind !== 'deleteStatement') throw new Error();
    expect(textOf(text, d.data.span)).toBe('track empty {\n  gain -3 dB\n  eq { bell 1 kHz 2 dB }\n}');
    // Applying the fix leaves a valid file with the other track.
    const fixed = text.slice(0, d.data.span.start) + text.slice(d.data.span.end);
    expect(check(fixed, { facts }).diagnostics).toEqual([]);
  });

  it('duplicate-setting and not-allowed-here: deleteStatement spans the statement', () => {
    const text = 'track a { file "a.wav"; gain -1 dB; gain -2 dB; target -14 LUFS }';
    const ds = check(text, { facts }).diagnostics;
    const spans = ds.map((d) => (d.data?.kind === 'deleteStatement' ? textOf(text, d.data.span) : null));
    expect(spans).toEqual(['gain -2 dB', 'target -14 LUFS']);
  });
});

describe('diagnostics stay useful in broken files', () => {
  it('syntax problems and analysis both report, in file order', () => {
    const text = 'track a {\n  file "a.wav"\n  gain 3\n  wobble\n  pan 300%\n}';
    const r = check(text, { facts });
    expect(r.diagnostics.map((d) => [d.code, textOf(text, d.span)])).toEqual([
      [CODES.missingUnit, '3'],
      [CODES.syntax, 'wobble'],
      [CODES.outOfRange, '300%'],
    ]);
  });

  it('the clip line rule is explained when a route was meant', () => {
    const r = check('track a { clip "a.wav" to drums }\nbus drums { }', { facts });
    const d = r.diagnostics.find((x) => x.code === CODES.unknownName)!;
    expect(d.message).toMatch(/own line|line of its own/);
  });
});

describe('edge cases', () => {
  // The messages give the range in base units with the written unit when the value is 0 or infinite.
  it('out-of-range for 0 ms names the range in ms', () => {
    const { diagnostics } = diagnose('track a { file "a.wav"; comp { attack 0 ms } }');
    const d = diagnostics.find((x) => x.code === CODES.outOfRange)!;
    expect(d.message).toContain('0.05 ms to 1000 ms');
  });

  it('out-of-range for 0 kHz names the range in kHz', () => {
    const { diagnostics } = diagnose('samplerate 0 kHz');
    const d = diagnostics.find((x) => x.code === CODES.outOfRange)!;
    expect(d.message).toContain('8 kHz to 192 kHz');
  });

  // `ratio 4:` (no denominator) passes without any diagnostic and is formatted as is.
  it('ratio with a colon and no denominator is reported', () => {
    const { diagnostics } = diagnose('track a { file "a.wav"; comp { ratio 4: } }');
    expect(diagnostics.length).toBeGreaterThan(0);
  });

  // Routing reads every `to`/`send`/`sidechain` in the tree, including ones
  // already rejected (duplicate, or not allowed in master), so it reports
  // cycles that the model does not have and counts inputs that do not exist.
  it('an ignored second `to` does not make a routing cycle', () => {
    const { diagnostics } = diagnose('track t { file "a.wav"; to b }\nbus a { to master; to b }\nbus b { to a }');
    expect(diagnostics.map((d) => d.code)).toEqual([CODES.duplicateSetting]);
  });

  it('a send in master (not allowed) does not make a routing cycle', () => {
    const { diagnostics } = diagnose('track t { file "a.wav"; send verb -6 dB }\nbus verb { }\nmaster { send verb -3 dB }');
    expect(diagnostics.map((d) => d.code)).toEqual([CODES.notAllowedHere]);
  });

  it('a bus fed only by an ignored second `to` has no inputs', () => {
    const { diagnostics } = diagnose('track t { file "a.wav"; to a; to b }\nbus a { }\nbus b { }');
    expect(diagnostics.map((d) => d.code).sort()).toEqual([CODES.busNoInputs, CODES.duplicateSetting].sort());
  });

  it('an ignored second sidechain is not reported as a side-chain cycle', () => {
    const { diagnostics } = diagnose('track t { file "a.wav"; comp { sidechain u; sidechain t } }\ntrack u { file "b.wav" }');
    expect(diagnostics.map((d) => d.code)).toEqual([CODES.duplicateSetting]);
  });

  // A band's `q` or `slope` written twice is silently overwritten by the last one
  // (the parser keeps only one); everywhere else a repeated setting is reported.
  it('a band with q written twice is reported', () => {
    const text = 'track a { file "a.wav"; eq { bell 300 Hz -3 dB q 1 q 2 } }';
    const r = check(text, { facts });
    const second = text.lastIndexOf('q 2');
    expect(r.diagnostics.some((d) => d.span.start >= second && d.span.start < second + 3)).toBe(true);
  });

  it('a pass band with slope written twice is reported', () => {
    const r = check('track a { file "a.wav"; eq { highpass 300 Hz slope 12 dB/oct slope 24 dB/oct } }', { facts });
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });

  // Design §5: F ranges over 10 Hz .. 0.49·samplerate (inclusive, like every other range);
  // the Nyquist diagnostic is for frequencies at or above Nyquist.
  it('a band at exactly 0.49 x the sample rate is allowed', () => {
    const { diagnostics } = diagnose('track a { file "a.wav"; eq { lowpass 23520 Hz } }');
    expect(diagnostics).toEqual([]);
  });
});
