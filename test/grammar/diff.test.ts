/**
 * The semantic diff (grammar/src/diff): each kind of change a reviewer
 * reads, and edits that are no mix change at all.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, diffModels, format, formatChangesMarkdown, formatChangesText, type MixChange } from '../../grammar/src/index.js';
import { fixture } from './helpers.js';

const EXAMPLE = readFileSync(fileURLToPath(new URL('../../examples/night-drive/night-drive.mix', import.meta.url)), 'utf8');

function modelOf(text: string) {
  const checked = check(text);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'));
  return checked.model;
}

function diff(a: string, b: string): MixChange[] {
  return diffModels(modelOf(a), modelOf(b));
}

/** The canonical formatting of a file that parses. */
function formatted(text: string): string {
  const result = format(text);
  if (!result.ok) throw new Error('the text does not parse');
  return result.text;
}

/** The text lines of the diff of `a` and `b`. */
function lines(a: string, b: string): string[] {
  return formatChangesText(diff(a, b)).trimEnd().split('\n');
}

const BASE = `tempo 120 bpm
marker verse bar 5
marker chorus bar 9
track vox {
  file "vox.wav"
  eq {
    highpass 90 Hz
    bell 300 Hz -3 dB q 1.4
  }
  comp { threshold -18 dB; ratio 3:1 }
  pan -10%
  send verb -12 dB
}
track gtr {
  clip "gtr.wav" from verse to chorus
  gain -2 dB
}
bus verb {
  gain -6 dB
}
master {
  limit { ceiling -1 dBTP }
}
`;

describe('no mix change', () => {
  it('between a file and itself, formatted, or stripped of comments', () => {
    expect(diff(EXAMPLE, EXAMPLE)).toEqual([]);
    expect(diff(EXAMPLE, formatted(EXAMPLE))).toEqual([]);
    expect(diff(EXAMPLE, EXAMPLE.replace(/#[^\n"]*$/gm, ''))).toEqual([]);
    expect(formatChangesText([])).toBe('no mix changes\n');
  });

  it('when only the order of settings in a block, the units or written defaults differ', () => {
    const same = BASE
      .replace('comp { threshold -18 dB; ratio 3:1 }', 'comp { ratio 3:1; threshold -18 dB; knee 6 dB; attack 10 ms; release 0.1 s; mix 100% }')
      .replace('bell 300 Hz -3 dB q 1.4', 'bell 0.3 kHz -3 dB q 1.4')
      .replace('highpass 90 Hz', 'highpass 90 Hz slope 12 dB/oct')
      .replace('  gain -2 dB\n', '  gain -2 dB\n  pan 0%\n  to master\n');
    expect(diff(BASE, same)).toEqual([]);
  });

  it('when a tempo or meter change is added to the map, only it is reported, not the bar times it moves', () => {
    expect(lines(BASE, BASE.replace('tempo 120 bpm', 'tempo 120 bpm\ntempo 90 bpm at bar 3 ramp'))).toEqual(['~ session: tempo changes none -> 90 bpm at bar 3 ramp']);
    expect(lines(BASE, BASE.replace('tempo 120 bpm', 'tempo 120 bpm\nmeter 7/8 at bar 4'))).toEqual(['~ session: meter changes none -> 7/8 at bar 4']);
  });

  it('when a tempo change moves times written in bars (only the tempo is reported)', () => {
    expect(lines(BASE, BASE.replace('tempo 120 bpm', 'tempo 96 bpm'))).toEqual(['~ session: tempo 120 bpm -> 96 bpm']);
  });
});

describe('changes, each in its place in the hierarchy', () => {
  it('an EQ band setting, as the design writes it', () => {
    const changes = diff(BASE, BASE.replace('bell 300 Hz -3 dB q 1.4', 'bell 300 Hz -4.5 dB q 1.4'));
    expect(changes).toEqual([{ op: 'change', path: ['track vox', 'eq', 'bell 300 Hz', 'gain'], old: '-3 dB', new: '-4.5 dB' }]);
    expect(formatChangesText(changes)).toBe('~ track vox: eq bell 300 Hz: gain -3 dB -> -4.5 dB\n');
  });

  it('a band frequency, q and slope in their units', () => {
    expect(lines(BASE, BASE.replace('bell 300 Hz -3 dB q 1.4', 'bell 3.5 kHz -3 dB q 2').replace('highpass 90 Hz', 'highpass 90 Hz slope 24 dB/oct'))).toEqual([
      '~ track vox: eq highpass 90 Hz: slope 12 dB/oct -> 24 dB/oct',
      '~ track vox: eq bell 300 Hz: freq 300 Hz -> 3.5 kHz',
      '~ track vox: eq bell 300 Hz: q 1.4 -> 2',
    ]);
  });

  it('bands added, removed and reordered', () => {
    expect(lines(BASE, BASE.replace('    bell 300 Hz -3 dB q 1.4\n', '    highshelf 10 kHz +2 dB\n'))).toEqual([
      '- track vox: eq bell 300 Hz: bell 300 Hz -3 dB q 1.4',
      '+ track vox: eq highshelf 10 kHz: highshelf 10 kHz +2 dB',
    ]);
    // Bands in series commute: their order is no change.
    expect(lines(BASE, BASE.replace('    highpass 90 Hz\n    bell 300 Hz -3 dB q 1.4\n', '    bell 300 Hz -3 dB q 1.4\n    highpass 90 Hz\n'))).toEqual(['no mix changes']);
    // A band inserted before another of its type is the only change.
    expect(lines(BASE, BASE.replace('    bell 300 Hz -3 dB q 1.4\n', '    bell 150 Hz +1 dB\n    bell 300 Hz -3 dB q 1.4\n'))).toEqual([
      '+ track vox: eq bell 150 Hz: bell 150 Hz +1 dB',
    ]);
    // A changed band is matched to the nearest of its type, whichever place it takes.
    expect(lines(BASE, BASE.replace('    bell 300 Hz -3 dB q 1.4\n', '    bell 4 kHz +2 dB\n    bell 320 Hz -3 dB q 1.4\n'))).toEqual([
      '~ track vox: eq bell 300 Hz: freq 300 Hz -> 320 Hz',
      '+ track vox: eq bell 4 kHz: bell 4 kHz +2 dB',
    ]);
  });

  it('processor settings, with units from the processor registry', () => {
    expect(lines(BASE, BASE.replace('comp { threshold -18 dB; ratio 3:1 }', 'comp { threshold -20 dB; ratio inf; attack 3 ms; mix 60% }').replace('ceiling -1 dBTP', 'ceiling -0.5 dBFS'))).toEqual([
      '~ track vox: comp: threshold -18 dB -> -20 dB',
      '~ track vox: comp: ratio 3:1 -> inf',
      '~ track vox: comp: attack 10 ms -> 3 ms',
      '~ track vox: comp: mix 100% -> 60%',
      '~ master: limit: ceiling -1 dBTP -> -0.5 dBFS',
    ]);
  });

  it('processors added, removed, bypassed, numbered and reordered', () => {
    const two = BASE.replace('comp { threshold -18 dB; ratio 3:1 }', 'comp { threshold -18 dB; ratio 3:1 }\n  comp { threshold -10 dB; ratio 2:1 }');
    expect(lines(BASE, two)).toEqual(['+ track vox: comp#2: { threshold -10 dB; ratio 2:1; knee +6 dB; attack 10 ms; release 100 ms; makeup 0 dB; mix 100% }']);
    expect(lines(two, BASE)).toEqual(['- track vox: comp#2: { threshold -10 dB; ratio 2:1; knee +6 dB; attack 10 ms; release 100 ms; makeup 0 dB; mix 100% }']);
    expect(lines(BASE, BASE.replace('comp { threshold', 'comp { bypass; threshold'))).toEqual(['~ track vox: comp: bypass off -> on']);
    const swapped = BASE.replace(/  eq \{[\s\S]*?\n  \}\n  (comp \{[^}]*\})\n/, (_m, comp: string) => `  ${comp}\n  eq {\n    highpass 90 Hz\n    bell 300 Hz -3 dB q 1.4\n  }\n`);
    expect(lines(BASE, swapped)).toEqual(['~ track vox: comp: moved, after eq -> first']);
  });

  it('a processor inserted before another of its type is the only change, numbered in the new chain', () => {
    const edited = BASE.replace('  comp { threshold -18 dB; ratio 3:1 }', '  comp { threshold -30 dB; ratio 2:1 }\n  comp { threshold -18 dB; ratio 3:1 }');
    expect(lines(BASE, edited)).toEqual(['+ track vox: comp: { threshold -30 dB; ratio 2:1; knee +6 dB; attack 10 ms; release 100 ms; makeup 0 dB; mix 100% }']);
    const changed = edited.replace('comp { threshold -18 dB; ratio 3:1 }', 'comp { threshold -18 dB; ratio 4:1 }');
    expect(lines(BASE, changed)).toContain('~ track vox: comp#2: ratio 3:1 -> 4:1');
  });

  it('named processors and bands: found by name wherever they went, reported under it', () => {
    const named = BASE.replace('  eq {\n    highpass 90 Hz\n    bell 300 Hz -3 dB q 1.4\n  }\n  comp { threshold -18 dB; ratio 3:1 }',
      '  eq tone {\n    highpass 90 Hz\n    bell mud 300 Hz -3 dB q 1.4\n  }\n  comp glue { threshold -18 dB; ratio 3:1 }\n  comp peaks { threshold -8 dB; ratio 8:1 }');
    expect(named).not.toBe(BASE);
    // The two compressors swap places and both change: each is still itself.
    const swapped = named.replace('  comp glue { threshold -18 dB; ratio 3:1 }\n  comp peaks { threshold -8 dB; ratio 8:1 }',
      '  comp peaks { threshold -6 dB; ratio 8:1 }\n  comp glue { threshold -20 dB; ratio 3:1 }');
    expect([...lines(named, swapped)].sort()).toEqual([
      '~ track vox: glue: threshold -18 dB -> -20 dB',
      '~ track vox: peaks: moved, after glue -> after tone',
      '~ track vox: peaks: threshold -8 dB -> -6 dB',
    ]);
    // A band moved far in frequency is still the named band, not a removal and an addition.
    expect(lines(named, named.replace('bell mud 300 Hz', 'bell mud 2 kHz'))).toEqual(['~ track vox: tone mud: freq 300 Hz -> 2 kHz']);
    // Renamed: paired by type as unnamed parts are, and the name is the change (a band is shown as it was).
    expect(lines(named, named.replace('comp glue', 'comp bus_glue'))).toEqual(['~ track vox: bus_glue: name glue -> bus_glue']);
    expect(lines(named, named.replace('bell mud', 'bell boxy'))).toEqual(['~ track vox: tone mud: name mud -> boxy']);
    // A name given to an unnamed processor.
    expect(lines(BASE, BASE.replace('comp {', 'comp glue {'))).toEqual(['~ track vox: glue: name none -> glue']);
  });

  it('clips in another order, and a default fade written out, are no change', () => {
    const two = BASE.replace('clip "gtr.wav" from verse to chorus', 'clip "gtr.wav" to verse\n  clip "gtr.wav" from verse to chorus');
    const reversed = BASE.replace('clip "gtr.wav" from verse to chorus', 'clip "gtr.wav" from verse to chorus\n  clip "gtr.wav" to verse');
    expect(lines(two, reversed)).toEqual(['no mix changes']);
    expect(lines(BASE, BASE.replace('from verse to chorus', 'from verse to chorus fadein 5 ms fadeout 5 ms'))).toEqual(['no mix changes']);
  });

  it('a timing change too small for the written units is shown in full', () => {
    const a = 'track t {\n  clip "a.wav" at 2 s\n}\n';
    expect(lines(a, a.replace('at 2 s', 'at 2.0004 s'))).toEqual([
      '~ track t: clip "a.wav": at 0:02 (2 s) -> 0:02 (2.0004 s)',
      // A clip plays from where it is placed unless told otherwise.
      '~ track t: clip "a.wav": from 0:02 (2 s) -> 0:02 (2.0004 s)',
    ]);
  });

  it('a side-chain keyed by a renamed channel reads by its new name', () => {
    const keyed = BASE.replace('bus verb {', 'track kick {\n  file "kick.wav"\n}\nbus verb {');
    const renamed = keyed.replace('track kick {', 'track kick_in {').replace('comp { threshold -18 dB; ratio 3:1 }', 'comp { threshold -18 dB; ratio 3:1; sidechain kick_in }');
    expect(lines(keyed, renamed)).toEqual(['~ track kick: renamed to kick_in', '~ track vox: comp: sidechain none -> kick_in']);
  });

  it('channel settings, sends and routing', () => {
    const edited = BASE.replace('  pan -10%\n  send verb -12 dB\n', '  pan +20%\n  mute\n  send verb -9 dB pre\n  to verb\n');
    expect(lines(BASE, edited)).toEqual([
      '~ track vox: mute off -> on',
      '~ track vox: pan -10% -> +20%',
      '~ track vox: to master -> verb',
      '~ track vox: send verb: gain -12 dB -> -9 dB',
      '~ track vox: send verb: pre post-fader -> pre-fader',
    ]);
  });

  it('channels added and removed', () => {
    const edited = BASE.replace('bus verb {\n  gain -6 dB\n}\n', '').replace('  send verb -12 dB\n', '') + 'track shaker {\n  file "shaker.wav"\n}\n';
    expect(lines(BASE, edited)).toEqual(['- bus verb', '- track vox: send verb: -12 dB', '+ track shaker']);
  });

  it('a bus renamed with the routes that follow it is one rename', () => {
    const renamed = BASE.replace('send verb -12 dB', 'send hall -12 dB').replace('bus verb {', 'bus hall {');
    const changes = diff(BASE, renamed);
    expect(changes).toEqual([{ op: 'rename', path: ['bus verb'], old: 'verb', new: 'hall' }]);
    expect(formatChangesText(changes)).toBe('~ bus verb: renamed to hall\n');
  });

  it('a track renamed and changed: the same files under a new name', () => {
    const edited = BASE.replace('track gtr {', 'track guitar {').replace('gain -2 dB', 'gain -3 dB');
    expect(lines(BASE, edited)).toEqual(['~ track gtr: renamed to guitar', '~ track guitar: gain -2 dB -> -3 dB']);
  });

  it('tracks written in another order', () => {
    const [head, rest] = [BASE.slice(0, BASE.indexOf('track vox')), BASE.slice(BASE.indexOf('track vox'))];
    const vox = rest.slice(0, rest.indexOf('track gtr'));
    const gtr = rest.slice(rest.indexOf('track gtr'), rest.indexOf('bus verb'));
    const tail = rest.slice(rest.indexOf('bus verb'));
    expect(lines(BASE, head + gtr + vox + tail)).toEqual(['~ track gtr: moved, after vox -> first']);
  });

  it('clips and cuts, in bars when they fall on one', () => {
    const edited = BASE.replace('clip "gtr.wav" from verse to chorus', 'clip "gtr.wav" from verse to bar 11 fadeout 20 ms\n  clip "gtr2.wav" from bar 11\n  cut 0:20 to 0:21');
    expect(lines(BASE, edited)).toEqual([
      '~ track gtr: clip "gtr.wav": to bar 9 -> bar 11',
      '~ track gtr: clip "gtr.wav": fadeout 5 ms -> 20 ms',
      '+ track gtr: clip "gtr2.wav": from bar 11',
      '+ track gtr: cut: bar 11 to bar 11 beat 3',
    ]);
  });

  it('markers moved, renamed, added; the session settings', () => {
    const edited = BASE.replace(/chorus/g, 'hook').replace('marker verse bar 5', 'marker verse bar 3\nmarker outro bar 33').replace('tempo 120 bpm', 'tempo 120 bpm\nsamplerate 44100 Hz');
    expect(lines(BASE, edited)).toEqual([
      '~ session: samplerate 48000 Hz -> 44100 Hz',
      '~ marker chorus: renamed to hook',
      '~ marker verse: time bar 5 -> bar 3',
      '+ marker outro: bar 33',
      // What a moved marker moves is part of the change.
      '~ track gtr: clip "gtr.wav": from bar 5 -> bar 3',
    ]);
  });
});

describe('automation lanes', () => {
  // No tempo: times read as clock times.
  const LANES = `track vox {
  file "vox.wav"
  eq tone {
    highpass 90 Hz
    bell presence 3 kHz +2 dB
  }
  comp glue { threshold -18 dB; ratio 3:1 }
  comp peaks { threshold -8 dB; ratio 8:1 }
  comp { threshold -10 dB; ratio 2:1 }
  send verb -12 dB
  automate gain { 0:00 -2 dB; 0:16 -2 dB; 0:32 -3 dB; 0:40 0 dB }
  automate glue.threshold { 0:16 -18 dB; 0:32 -22 dB }
  automate send verb { 0:32 -20 dB; 0:48 -8 dB }
}
bus verb {
  gain -6 dB
}
`;
  const GAIN = 'automate gain { 0:00 -2 dB; 0:16 -2 dB; 0:32 -3 dB; 0:40 0 dB }';
  const withGain = (points: string) => LANES.replace(GAIN, `automate gain { ${points} }`);

  it('a lane added or removed is written out with its points, in the target’s unit', () => {
    const added = LANES.replace('  automate gain', '  automate pan { 0:00 -20% smooth; 0:30 +20% }\n  automate mute { 1:00 on; 1:02 off }\n  automate presence.freq { 0:10 3 kHz; 0:20 800 Hz }\n  automate gain');
    expect(lines(LANES, added)).toEqual([
      '+ track vox: automate pan: 2 points { 0:00 -20% smooth; 0:30 +20% }',
      '+ track vox: automate mute: 2 points { 1:00 on; 1:02 off }',
      '+ track vox: automate presence.freq: 2 points { 0:10 3 kHz; 0:20 800 Hz }',
    ]);
    expect(lines(added, LANES)).toEqual([
      '- track vox: automate pan: 2 points { 0:00 -20% smooth; 0:30 +20% }',
      '- track vox: automate mute: 2 points { 1:00 on; 1:02 off }',
      '- track vox: automate presence.freq: 2 points { 0:10 3 kHz; 0:20 800 Hz }',
    ]);
    expect(diff(LANES, LANES.replace(`  ${GAIN}\n`, ''))).toEqual([
      { op: 'remove', path: ['track vox', 'automate gain'], old: '4 points { 0:00 -2 dB; 0:16 -2 dB; 0:32 -3 dB; 0:40 0 dB }', new: null },
    ]);
    // An unnamed processor's lane is named by its type and position, as the lane must write it.
    expect(lines(LANES, LANES.replace('  automate gain', '  automate comp#3.ratio { 0:10 2:1; 0:20 inf }\n  automate gain'))).toEqual([
      '+ track vox: automate comp#3.ratio: 2 points { 0:10 2:1; 0:20 inf }',
    ]);
  });

  it('a point moved: the same value at another time', () => {
    const changes = diff(LANES, withGain('0:00 -2 dB; 0:16 -2 dB; 0:36 -3 dB; 0:40 0 dB'));
    expect(changes).toEqual([{ op: 'move', path: ['track vox', 'automate gain', 'point'], old: '0:32', new: '0:36' }]);
    expect(formatChangesText(changes)).toBe('~ track vox: automate gain point: moved, 0:32 -> 0:36\n');
  });

  it('a point’s value changed, in the target’s unit', () => {
    const changes = diff(LANES, withGain('0:00 -2 dB; 0:16 -2 dB; 0:32 -1 dB; 0:40 0 dB'));
    expect(changes).toEqual([{ op: 'change', path: ['track vox', 'automate gain', 'point at 0:32'], old: '-3 dB', new: '-1 dB' }]);
    expect(formatChangesText(changes)).toBe('~ track vox: automate gain: point at 0:32 -3 dB -> -1 dB\n');
    expect(lines(LANES, LANES.replace('0:32 -22 dB', '0:32 -24 dB'))).toEqual(['~ track vox: automate glue.threshold: point at 0:32 -22 dB -> -24 dB']);
  });

  it('a point’s shape changed', () => {
    expect(lines(LANES, withGain('0:00 -2 dB; 0:16 -2 dB hold; 0:32 -3 dB; 0:40 0 dB'))).toEqual([
      '~ track vox: automate gain: point at 0:16 -2 dB linear -> -2 dB hold',
    ]);
  });

  it('points added and removed, in time order', () => {
    expect(lines(LANES, withGain('0:00 -2 dB; 0:16 -2 dB; 0:24 -6 dB smooth; 0:32 -3 dB; 0:40 0 dB'))).toEqual([
      '+ track vox: automate gain point: 0:24 -6 dB smooth',
    ]);
    expect(lines(LANES, withGain('0:00 -2 dB; 0:32 -3 dB; 0:40 0 dB; 1:00 -inf dB'))).toEqual([
      '- track vox: automate gain point: 0:16 -2 dB',
      '+ track vox: automate gain point: 1:00 -inf dB',
    ]);
  });

  it('a lane follows its processor or band: reordered or renamed, the lane is no change', () => {
    const reordered = LANES.replace('  comp glue { threshold -18 dB; ratio 3:1 }\n  comp peaks { threshold -8 dB; ratio 8:1 }\n',
      '  comp peaks { threshold -8 dB; ratio 8:1 }\n  comp glue { threshold -18 dB; ratio 3:1 }\n');
    expect(reordered).not.toBe(LANES);
    expect(lines(LANES, reordered)).toEqual(['~ track vox: peaks: moved, after glue -> after tone']);
    // Moved before the EQ: the lane's insert index changes, the lane does not.
    const first = LANES.replace('  comp glue { threshold -18 dB; ratio 3:1 }\n', '').replace('  eq tone {', '  comp glue { threshold -18 dB; ratio 3:1 }\n  eq tone {');
    expect(lines(LANES, first)).toEqual(['~ track vox: glue: moved, after tone -> first']);
    // A change to the moved processor's lane is reported under its name.
    expect(lines(LANES, reordered.replace('0:32 -22 dB', '0:32 -20 dB'))).toContain('~ track vox: automate glue.threshold: point at 0:32 -22 dB -> -20 dB');
    // Renamed, with its lane: the name is the change, shown in the lane's target.
    expect(lines(LANES, LANES.replace(/glue/g, 'bus_glue'))).toEqual(['~ track vox: bus_glue: name glue -> bus_glue']);
    const band = LANES.replace('  automate gain', '  automate presence.gain { 0:10 +2 dB; 0:20 +4 dB }\n  automate gain');
    expect(lines(band, band.replace('bell presence 3 kHz', 'bell presence 2.5 kHz').replace('    highpass 90 Hz\n', ''))).toEqual([
      '- track vox: tone highpass 90 Hz: highpass 90 Hz slope 12 dB/oct',
      '~ track vox: tone presence: freq 3 kHz -> 2.5 kHz',
    ]);
  });

  it('a send lane is matched by its bus, and follows it when the bus is renamed', () => {
    expect(lines(LANES, LANES.replace('0:48 -8 dB', '0:48 -6 dB'))).toEqual(['~ track vox: automate send verb: point at 0:48 -8 dB -> -6 dB']);
    expect(lines(LANES, LANES.replace(/verb/g, 'hall'))).toEqual(['~ bus verb: renamed to hall']);
    expect(lines(LANES, LANES.replace(/verb/g, 'hall').replace('0:32 -20 dB', '0:30 -20 dB'))).toEqual([
      '~ bus verb: renamed to hall',
      '~ track vox: automate send hall point: moved, 0:32 -> 0:30',
    ]);
  });

  it('a renamed track keeps its lanes, and a tempo change does not move points written in bars', () => {
    expect(lines(LANES, LANES.replace('track vox {', 'track lead {'))).toEqual(['~ track vox: renamed to lead']);
    const inBars = `tempo 120 bpm\nmarker chorus bar 9\ntrack t {\n  file "t.wav"\n  automate gain { bar 1 0 dB; chorus -3 dB hold; bar 17 -6 dB }\n}\n`;
    expect(lines(inBars, inBars.replace('tempo 120 bpm', 'tempo 96 bpm'))).toEqual(['~ session: tempo 120 bpm -> 96 bpm']);
    expect(lines(inBars, inBars.replace('chorus -3 dB hold', 'chorus -4 dB hold'))).toEqual(['~ track t: automate gain: point at bar 9 -3 dB hold -> -4 dB hold']);
  });

  it('a lane changed wholesale is one line: its points and span, and what happened to them', () => {
    const ride = (n: number, offset: number) => Array.from({ length: n }, (_, i) => `${i * 2 + offset} s ${-i} dB`).join('; ');
    const before = withGain(ride(10, 0));
    const changes = diff(before, withGain(ride(11, 1)));
    expect(changes).toEqual([
      { op: 'change', path: ['track vox', 'automate gain'], old: '10 points, 0:00 to 0:18', new: '11 points, 0:01 to 0:21 (10 moved, 1 added)' },
    ]);
    expect(formatChangesText(changes)).toBe('~ track vox: automate gain 10 points, 0:00 to 0:18 -> 11 points, 0:01 to 0:21 (10 moved, 1 added)\n');
    // A long lane added is summed up too.
    expect(lines(LANES, LANES.replace('  automate gain', `  automate pan { ${ride(12, 0).replace(/ dB/g, '%')} }\n  automate gain`))).toEqual([
      '+ track vox: automate pan: 12 points, 0:00 to 0:22',
    ]);
    // Up to eight point changes are listed one by one.
    expect(lines(before, withGain(ride(10, 0).replace('0 s 0 dB', '0 s 1 dB').replace('18 s -9 dB', '19 s -9 dB')))).toEqual([
      '~ track vox: automate gain: point at 0:00 0 dB -> +1 dB',
      '~ track vox: automate gain point: moved, 0:18 -> 0:19',
    ]);
  });

  it('lane changes are in the JSON change list and the markdown table like any other', () => {
    const changes = diff(LANES, withGain('0:00 -2 dB; 0:16 -2 dB; 0:32 -1 dB; 0:40 0 dB').replace('0:48 -8 dB', '0:50 -8 dB'));
    expect(JSON.parse(JSON.stringify(changes))).toEqual([
      { op: 'change', path: ['track vox', 'automate gain', 'point at 0:32'], old: '-3 dB', new: '-1 dB' },
      { op: 'move', path: ['track vox', 'automate send verb', 'point'], old: '0:48', new: '0:50' },
    ]);
    const md = formatChangesMarkdown(changes);
    expect(md).toContain('| **track vox** | automate gain › point at 0:32 | changed | -3 dB | -1 dB |');
    expect(md).toContain('|  | automate send verb › point | moved | 0:48 | 0:50 |');
  });
});

describe('output forms', () => {
  const changes = diff(BASE, BASE.replace('bell 300 Hz -3 dB q 1.4', 'bell 300 Hz -4.5 dB q 1.4').replace('track gtr {', 'track gtr {\n  label "Gtr | DI"'));

  it('JSON is the change list: op, path, old, new', () => {
    const parsed = JSON.parse(JSON.stringify(changes)) as MixChange[];
    expect(parsed[0]).toEqual({ op: 'change', path: ['track vox', 'eq', 'bell 300 Hz', 'gain'], old: '-3 dB', new: '-4.5 dB' });
    for (const c of parsed) expect(Object.keys(c).sort()).toEqual(['new', 'old', 'op', 'path']);
  });

  it('markdown is one table grouped by channel, with cells escaped', () => {
    const md = formatChangesMarkdown(changes);
    expect(md).toContain('| **track vox** | eq › bell 300 Hz › gain | changed | -3 dB | -4.5 dB |');
    expect(md).toContain('| **track gtr** | label | changed | none | "Gtr \\| DI" |');
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(4);
    expect(formatChangesMarkdown([])).toContain('no mix changes');
  });
});

describe('the rich fixture', () => {
  it('has no changes against itself reformatted, and as many adds as removes when swapped', () => {
    const rich = fixture('rich.mix');
    expect(diff(rich, formatted(rich))).toEqual([]);
    const edited = rich.replace(/gain -?\d+(\.\d+)? dB/, 'gain -7 dB');
    const forward = diff(rich, edited);
    const backward = diff(edited, rich);
    expect(forward.length).toBeGreaterThan(0);
    expect(backward.map((c) => [c.op, c.path, c.new, c.old])).toEqual(forward.map((c) => [c.op, c.path, c.old, c.new]));
  });
});

describe('moves', () => {
  it('are the fewest items taken out and put back (a longest common subsequence)', async () => {
    const { movedItems } = await import('../../grammar/src/diff/match.js');
    expect([...movedItems(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])]).toEqual([]);
    expect([...movedItems(['a', 'b', 'c', 'd', 'e'], ['b', 'c', 'd', 'e', 'a'])]).toEqual(['a']);
    expect([...movedItems(['a', 'b', 'c', 'd', 'e'], ['e', 'a', 'b', 'c', 'd'])]).toEqual(['e']);
    // Items on one side only are additions and removals, not moves.
    expect([...movedItems(['a', 'x', 'b', 'c'], ['a', 'b', 'y', 'c'])]).toEqual([]);
    expect([...movedItems(['a', 'b', 'c', 'd', 'e', 'f'], ['f', 'e', 'd', 'c', 'b', 'a'])]).toHaveLength(5);
  });
});
