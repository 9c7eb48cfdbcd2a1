/**
 * Hover over a real connection (design §9): a keyword's meaning, unit, range
 * and default; a channel's routing and its source files' length, rate,
 * channels and peak (read from real WAV files); a bar time as a clock time.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, cursorOf, hoverValue, TestConnection, textAt } from './connection.js';
import { writeFloatWav, writeWav } from './wav.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
  // 0.5 s of a 1 kHz sine at half scale: peak exactly 16384/32768, i.e. -6.02 dBFS.
  writeWav(join(c.folder, 'stems/vox.wav'), { sampleRate: 48000, channels: 2, bits: 16, frames: 24000, amplitude: 0.5 });
  // 3 s mono at 44.1 kHz, a quarter of full scale: -12.04 dBFS.
  writeWav(join(c.folder, 'stems/gtr.wav'), { sampleRate: 44100, channels: 1, bits: 24, frames: 132300, amplitude: 0.25, frequency: 441 });
  // 0.1 s of 32-bit float at 96 kHz behind a LIST chunk, peak 0.5: -6.02 dBFS.
  writeFloatWav(join(c.folder, 'refs/pro.wav'), { sampleRate: 96000, channels: 2, frames: 9600, amplitude: 0.5 });
});
afterAll(() => c.dispose());

describe('keywords', () => {
  it('a setting: syntax, meaning, unit, range and default', async () => {
    const text = await c.expectHover('track vox {\n  file "v.wav"\n  ga<|>in -3 dB\n}\n', '`gain DB`');
    expect(text).toContain('fader');
    expect(text).toContain('**Unit:** dB');
    expect(text).toContain('**Range:** -inf – +24 dB');
    expect(text).toContain('**Default:** 0 dB');
  });

  it('a compressor setting', async () => {
    const text = await c.expectHover('track vox {\n  file "v.wav"\n  comp {\n    <|>threshold -18 dB\n  }\n}\n', '`threshold DB`');
    expect(text).toContain('**Range:** -60 – 0 dB');
    expect(text).toContain('**Default:** -20 dB');
  });

  it('the hover range is the keyword', async () => {
    await c.withDoc('track vox {\n  file "v.wav"\n  pa<|>n 10%\n}\n', async (doc) => {
      const h = await c.client.hover(doc.uri, cursorOf(doc));
      expect(textAt(doc.text, h!.range!)).toBe('pan');
    });
  });

  it('nothing over a number or in a comment', async () => {
    expect(await c.hoverText('track vox {\n  file "v.wav"\n  gain -3<|>0 dB\n}\n')).toBeNull();
    expect(await c.hoverText('# gain is <|>the fader\n')).toBeNull();
  });
});

describe('times', () => {
  it('`bar 17` at 120 bpm in 4/4 is 0:32', async () => {
    await c.expectHover('tempo 120 bpm\nmarker chorus b<|>ar 17\n', '`bar 17` = **0:32** (32.000 s)');
  });

  it('with a beat, and in 3/4', async () => {
    // ((5-1)·3 + (2-1)) beats · 60/90 s = 13 · 0.6667 = 8.667 s
    await c.expectHover('tempo 90 bpm\nmeter 3/4\nmarker a <|>bar 5 beat 2\n', '= **0:08.667**');
  });

  it('without a tempo a bar has no clock time: the keyword\'s doc is shown', async () => {
    const text = await c.expectHover('marker chorus b<|>ar 17\n', '`bar N [beat B]`');
    expect(text).not.toContain('0:');
  });

  it('a marker used as a time shows its clock time and bar', async () => {
    await c.expectHover('tempo 120 bpm\nmarker chorus bar 17\ntrack vox {\n  clip "v.wav" from cho<|>rus\n}\n', '**marker chorus** at 0:32 (bar 17)');
  });
});

describe('channels', () => {
  const session = [
    'track vox {',
    '  label "Lead vocal"',
    '  file "stems/vox.wav"',
    '  eq { bell 300 Hz -3 dB }',
    '  comp { threshold -18 dB }',
    '  gain -2 dB',
    '  pan -10%',
    '  to drums',
    '  send verb -8 dB',
    '}',
    'track gtr {',
    '  clip "stems/gtr.wav" to 0:02',
    '  clip "stems/gtr.wav" from 0:02',
    '}',
    'bus drums {}',
    'bus verb {}',
    '',
  ].join('\n');

  // The server reads audio files after the first validation. Open a document whose
  // diagnostics need both files' facts and wait for the publish that has them:
  // from then on the server knows the files, and hovers can describe them.
  beforeAll(async () => {
    const uri = c.uri();
    await c.client.open(uri, 'track warm {\n  clip "stems/vox.wav" to 0:10\n  clip "stems/gtr.wav" from 0:10\n}\nreference pro "refs/pro.wav"\n');
    await c.client.diagnostics(uri, {
      version: 1,
      where: (p) => codesOf(p).includes('clip-past-end') && codesOf(p).filter((x) => x === 'samplerate-differs').length === 2,
    });
    await c.client.close(uri);
  });

  async function withFacts<T>(marked: string, fn: (uri: string, cursor: { line: number; character: number }) => Promise<T>): Promise<T> {
    return c.withDoc(marked, (doc) => fn(doc.uri, cursorOf(doc)));
  }

  it('a track: label, routing, inserts, and its file\'s length, rate, channels, encoding and peak', async () => {
    const text = await withFacts(session.replace('track vox', 'track v<|>ox'), async (uri, at) => hoverValue(await c.client.hover(uri, at)));
    expect(text).toContain('**track vox** — Lead vocal');
    expect(text).toContain('Output: drums');
    expect(text).toContain('Sends: verb -8 dB');
    expect(text).toContain('Fader -2 dB, pan -10%');
    expect(text).toContain('Inserts: eq → comp');
    expect(text).toContain('`stems/vox.wav`: 0:00.5, 48000 Hz, stereo, PCM 16-bit, peak -6.0 dBFS');
  });

  it('a named processor and a named band: where they are, and their settings', async () => {
    const named = 'track vox {\n  file "v.wav"\n  eq tone {\n    highpass 90 Hz\n    bell presence 3 kHz +2 dB q 1.4\n  }\n  comp glue { threshold -18 dB; ratio 3:1 }\n}\n';
    const comp = await c.expectHover(named.replace('comp glue', 'comp gl<|>ue'), '**comp glue** in track vox, insert 2 of 2');
    expect(comp).toContain('threshold -18 dB; ratio 3:1');
    const band = await c.expectHover(named.replace('bell presence', 'bell pres<|>ence'), '**bell band presence** of the eq tone of track vox');
    expect(band).toContain('`bell 3 kHz +2 dB q 1.4`');
    // The channel lists its inserts by name.
    await c.expectHover(named.replace('track vox', 'track v<|>ox'), 'Inserts: eq tone → comp glue');
  });

  it('a file used by two clips is described once, with its own rate and peak', async () => {
    const text = await withFacts(session.replace('track gtr', 'track g<|>tr'), async (uri, at) => hoverValue(await c.client.hover(uri, at)));
    const described = text!.split('`stems/gtr.wav`:').length - 1;
    expect(described).toBe(1);
    expect(text).toContain('`stems/gtr.wav`: 0:03, 44100 Hz, mono, PCM 24-bit, peak -12.0 dBFS');
  });

  it('a use of a name hovers like its definition: a bus lists what feeds it', async () => {
    const text = await withFacts(session.replace('to drums', 'to dr<|>ums'), async (uri, at) => hoverValue(await c.client.hover(uri, at)));
    expect(text).toContain('**bus drums**');
    expect(text).toContain('Input: vox');
    const verb = await withFacts(session.replace('send verb', 'send ve<|>rb'), async (uri, at) => hoverValue(await c.client.hover(uri, at)));
    expect(verb).toContain('Input: vox (send)');
  });

  it('a reference: what it is for, and its file (a float WAV with extra chunks)', async () => {
    const text = await c.expectHover('reference p<|>ro "refs/pro.wav" gain -2 dB\n', '**reference pro**');
    expect(text).toContain('never mixed in');
    expect(text).toContain('`refs/pro.wav`: 0:00.1, 96000 Hz, stereo, float 32-bit, peak -6.0 dBFS');
  });

  it('master is called master once', async () => {
    const text = await c.expectHover('track vox {\n  file "v.wav"\n  to mas<|>ter\n}\nmaster {\n  gain -1 dB\n}\n', 'Input: vox');
    expect(text.split('\n')[0]).toBe('**master**');
    expect(text).toContain('Fader -1 dB');
  });

  it('the path in a `file` string describes the file', async () => {
    const text = await withFacts(session.replace('"stems/vox.wav"', '"stems/<|>vox.wav"'), async (uri, at) => hoverValue(await c.client.hover(uri, at)));
    expect(text).toBe('`stems/vox.wav`: 0:00.5, 48000 Hz, stereo, PCM 16-bit, peak -6.0 dBFS');
  });

  it('a missing file says so', async () => {
    const uri = c.uri();
    const text = 'track gone {\n  file "stems/gone.wav"\n}\n';
    await c.client.open(uri, text);
    await c.client.diagnostics(uri, { version: 1, where: (p) => codesOf(p).includes('audio-missing') });
    const h = hoverValue(await c.client.hover(uri, { line: 0, character: 7 }));
    expect(h).toContain('`stems/gone.wav`: **not found**');
    await c.client.close(uri);
  });
});
