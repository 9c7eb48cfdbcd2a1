/**
 * Completion over a real connection (design §9): the keywords that may start
 * a statement where the cursor is, units after a number (the right ones for
 * the setting), channel and marker names where a name goes, and audio files
 * inside `file`/`clip` strings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-protocol';
import { TestConnection } from './connection.js';
import { writeWav } from './wav.js';
import { check } from '../../grammar/src/index.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

const TOP = ['title', 'samplerate', 'tempo', 'meter', 'output', 'length', 'reference', 'marker', 'track', 'bus', 'master'];
const CHANNEL_COMMON = ['label', 'color', 'hidden', 'trim', 'gain', 'pan', 'polarity', 'eq', 'comp', 'limit', 'automate'];
const BANDS = ['highpass', 'lowpass', 'lowshelf', 'highshelf', 'bell', 'notch', 'bandpass'];
const COMP = ['threshold', 'ratio', 'knee', 'attack', 'release', 'makeup', 'mix', 'sidechain'];

describe('statement keywords at the start of a line', () => {
  it('at the top level: session settings and channels, nothing from inside blocks', async () => {
    await c.expectCompletion('<|>', { exactly: TOP });
  });

  it('at the top level: settings already made and a second master are not offered', async () => {
    await c.expectCompletion('tempo 120 bpm\nmaster {\n}\n<|>', {
      includes: ['title', 'track', 'bus', 'marker'],
      excludes: ['tempo', 'master'],
    });
  });

  it('in a track: sources, routing and inserts, but not master-only `target`', async () => {
    await c.expectCompletion('track vox {\n  <|>\n}\n', {
      exactly: [...CHANNEL_COMMON, 'mute', 'solo', 'file', 'clip', 'cut', 'to', 'send'],
    });
  });

  it('in a bus: no sources of its own', async () => {
    await c.expectCompletion('bus drums {\n  <|>\n}\n', {
      exactly: [...CHANNEL_COMMON, 'mute', 'solo', 'to', 'send'],
    });
  });

  it('in master: `target`, and no routing, sources, mute or solo', async () => {
    await c.expectCompletion('master {\n  <|>\n}\n', { exactly: [...CHANNEL_COMMON, 'target'] });
  });

  it('in an eq: the bands and bypass', async () => {
    await c.expectCompletion('track vox {\n  file "v.wav"\n  eq {\n    <|>\n  }\n}\n', { exactly: [...BANDS, 'bypass'] });
  });

  it('in a comp: the compressor settings and bypass', async () => {
    await c.expectCompletion('track vox {\n  file "v.wav"\n  comp {\n    <|>\n  }\n}\n', { exactly: [...COMP, 'bypass'] });
  });

  it('in a limit: ceiling, release, lookahead and bypass', async () => {
    await c.expectCompletion('master {\n  limit {\n    <|>\n  }\n}\n', { exactly: ['ceiling', 'release', 'lookahead', 'bypass'] });
  });

  it('in a one-line block after `;`', async () => {
    await c.expectCompletion('master { limit { ceiling -1 dBTP; <|> } }\n', { includes: ['release', 'lookahead'], excludes: ['threshold', 'gain', 'bell'] });
  });

  it('a setting already made in the channel is not offered again', async () => {
    await c.expectCompletion('track vox {\n  file "v.wav"\n  gain -3 dB\n  pan 10%\n  <|>\n}\n', {
      includes: ['file', 'clip', 'eq'], // sources and inserts may repeat
      excludes: ['gain', 'pan'],
    });
  });

  it('a setting already made in a comp or limit block is not offered again', async () => {
    await c.expectCompletion('track vox {\n  file "v.wav"\n  comp {\n    threshold -18 dB\n    ratio 3:1\n    <|>\n  }\n}\n', {
      includes: ['attack', 'release'],
      excludes: ['threshold', 'ratio'],
    });
    await c.expectCompletion('master {\n  limit {\n    ceiling -1 dBTP\n    <|>\n  }\n}\n', { includes: ['release'], excludes: ['ceiling'] });
  });

  it('completes the word being typed', async () => {
    const items = await c.expectCompletion('track vox {\n  file "v.wav"\n  comp {\n    thr<|>\n  }\n}\n', { includes: ['threshold'] });
    // The editor filters by the typed prefix; the server offers the statement keywords of the block.
    expect(items.map((i) => i.label)).not.toContain('gain');
  });

  it('offers keywords with documentation and a snippet', async () => {
    const items = await c.expectCompletion('track vox {\n  <|>\n}\n', { includes: ['gain'] });
    const gain = items.find((i) => i.label === 'gain')!;
    expect(gain.kind).toBe(CompletionItemKind.Keyword);
    expect(gain.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(gain.insertText).toMatch(/^gain \$\{1:[^}]*\} dB$/);
    expect(JSON.stringify(gain.documentation)).toContain('Default:** 0 dB');
  });

  it('offers nothing inside a comment', async () => {
    await c.expectCompletion('# a comment <|>\ntrack vox {\n  file "v.wav"\n}\n', { exactly: [] });
  });
});

describe('units after a number', () => {
  const inTrack = (line: string) => `track vox {\n  file "v.wav"\n  ${line}\n}\n`;
  const inBlock = (block: string, line: string) => `track vox {\n  file "v.wav"\n  ${block} {\n    ${line}\n  }\n}\n`;
  const unitsAt = async (marked: string) => {
    const { items } = await c.completion(marked);
    return items.filter((i) => i.kind === CompletionItemKind.Unit).map((i) => i.label).sort();
  };

  it('gain, trim and send levels take dB', async () => {
    expect(await unitsAt(inTrack('gain -3<|>'))).toEqual(['dB']);
    expect(await unitsAt(inTrack('trim -6<|>'))).toEqual(['dB']);
    expect(await unitsAt('track vox {\n  file "v.wav"\n  send fx -12<|>\n}\nbus fx {}\n')).toEqual(['dB']);
  });

  it('pan takes %', async () => {
    expect(await unitsAt(inTrack('pan -30<|>'))).toEqual(['%']);
  });

  it('an eq band: the frequency takes Hz or kHz, the gain after it dB', async () => {
    expect(await unitsAt(inBlock('eq', 'bell 300<|>'))).toEqual(['Hz', 'kHz']);
    expect(await unitsAt(inBlock('eq', 'bell 300 Hz -3<|>'))).toEqual(['dB']);
    expect(await unitsAt(inBlock('eq', 'highshelf 10 kHz +2<|>'))).toEqual(['dB']);
    expect(await unitsAt(inBlock('eq', 'highpass 80<|>'))).toEqual(['Hz', 'kHz']);
  });

  it('compressor times take ms or s, its levels dB', async () => {
    expect(await unitsAt(inBlock('comp', 'attack 5<|>'))).toEqual(['ms', 's']);
    expect(await unitsAt(inBlock('comp', 'release 80<|>'))).toEqual(['ms', 's']);
    expect(await unitsAt(inBlock('comp', 'threshold -18<|>'))).toEqual(['dB']);
    expect(await unitsAt(inBlock('comp', 'mix 50<|>'))).toEqual(['%']);
  });

  it('a loudness target takes LUFS, a ceiling dBFS or dBTP, trim auto dBFS', async () => {
    expect(await unitsAt('master {\n  target -14<|>\n}\n')).toEqual(['LUFS']);
    expect(await unitsAt('master {\n  limit {\n    ceiling -1<|>\n  }\n}\n')).toEqual(['dBFS', 'dBTP']);
    expect(await unitsAt(inTrack('trim auto -18<|>'))).toEqual(['dBFS']);
  });

  it('a unit typed right after the number gets a space; after a space it does not', async () => {
    expect(await c.acceptCompletion(inTrack('gain -3<|>'), 'dB')).toBe(inTrack('gain -3 dB'));
    expect(await c.acceptCompletion(inTrack('gain -3 <|>'), 'dB')).toBe(inTrack('gain -3 dB'));
    expect(await c.acceptCompletion(inTrack('pan 25<|>'), '%')).toBe(inTrack('pan 25%'));
    expect(await c.acceptCompletion(inBlock('eq', 'bell 2<|>'), 'kHz')).toBe(inBlock('eq', 'bell 2 kHz'));
  });
});

describe('names', () => {
  const session = (line: string, where = 'track') => [
    'tempo 120 bpm',
    'marker verse bar 9',
    'marker chorus bar 17',
    'track kick {\n  file "k.wav"\n}',
    'track bass {\n  file "b.wav"\n}',
    'bus drums {}',
    'bus verb {}',
    `${where} vox {\n  ${line}\n}`,
    '',
  ].join('\n');

  it('after `to`: buses and master, not tracks, markers or the channel itself', async () => {
    await c.expectCompletion(session('to <|>'), { exactly: ['drums', 'verb', 'master'] });
    await c.expectCompletion(session('to <|>', 'bus'), { exactly: ['drums', 'verb', 'master'] });
  });

  it('after `send`: buses and master', async () => {
    const items = await c.expectCompletion(session('send <|>'), { includes: ['drums', 'verb', 'master'], excludes: ['kick', 'bass', 'vox', 'verse'] });
    // Right after `send` comes the bus: the `pre` that ends the statement is not valid yet.
    expect(items.map((i) => i.label)).not.toContain('pre');
  });

  it('after `sidechain`: tracks and buses, not master or the compressed channel', async () => {
    await c.expectCompletion(session('comp {\n    sidechain <|>\n  }'), { exactly: ['kick', 'bass', 'drums', 'verb'] });
  });

  it('after `from` in a clip: markers (and `bar`), not channels nor other clauses', async () => {
    await c.expectCompletion(session('clip "v.wav" from <|>'), {
      includes: ['verse', 'chorus', 'bar'],
      excludes: ['kick', 'drums', 'master', 'from', 'at', 'fade', 'to', 'gain'],
    });
  });

  it('after a clip\'s `to`: markers, not buses (on the clip\'s line `to` is a time)', async () => {
    await c.expectCompletion(session('clip "v.wav" from verse to <|>'), { includes: ['verse', 'chorus', 'bar'], excludes: ['drums', 'master'] });
  });

  it('after `cut`: markers (and `bar`), not the `to` that needs a time before it', async () => {
    await c.expectCompletion(session('cut <|>'), { includes: ['verse', 'chorus', 'bar'], excludes: ['drums', 'to'] });
  });

  it('after a fade\'s length: the fade shapes; after a tempo: its change clause, then `ramp`', async () => {
    await c.expectCompletion(session('clip "v.wav" from verse fade 20 ms <|>'), { includes: ['equal', 'linear', 's', 'exp'] });
    await c.expectCompletion('tempo 120 bpm\ntempo 96 bpm <|>', { includes: ['at'] });
    await c.expectCompletion('tempo 120 bpm\ntempo 96 bpm at bar 9 <|>', { includes: ['ramp'] });
  });

  it('accepting a name writes it at the cursor', async () => {
    expect(await c.acceptCompletion(session('to <|>'), 'drums')).toBe(session('to drums'));
  });
});

describe('audio file paths inside strings', () => {
  let files: TestConnection;
  beforeAll(async () => {
    files = await TestConnection.start();
    const f = files.folder;
    const spec = { sampleRate: 48000, channels: 1, bits: 16, frames: 480 } as const;
    writeWav(join(f, 'stems/kick.wav'), spec);
    writeWav(join(f, 'stems/drums/snare.WAV'), spec);
    writeWav(join(f, 'takes/vox_1.wav'), spec);
    writeWav(join(f, 'takes/the "best" take.wav'), spec);
    writeWav(join(f, '.cache/hidden.wav'), spec);
    writeWav(join(f, 'node_modules/pkg/ding.wav'), spec);
    mkdirSync(join(f, 'docs'), { recursive: true });
    writeFileSync(join(f, 'docs/notes.txt'), 'not audio');
    writeFileSync(join(f, 'stems/kick.wav.asd'), 'an analysis file beside the audio');
  });
  afterAll(() => files.dispose());

  const audio = ['stems/drums/snare.WAV', 'stems/kick.wav', 'takes/the "best" take.wav', 'takes/vox_1.wav'];

  it('inside `file "…"`: the WAV files under the mix file\'s folder, relative, with / separators', async () => {
    const { items } = await files.completion('track vox {\n  file "<|>"\n}\n', '"');
    expect(items.map((i) => i.label).sort()).toEqual(audio);
    expect(items.every((i) => i.kind === CompletionItemKind.File)).toBe(true);
  });

  it('inside `clip "…"` and a reference\'s string too', async () => {
    const clip = await files.completion('track vox {\n  clip "<|>" from 0:01\n}\n', '"');
    expect(clip.items.map((i) => i.label).sort()).toEqual(audio);
    const ref = await files.completion('reference pro "<|>"\n', '"');
    expect(ref.items.map((i) => i.label).sort()).toEqual(audio);
  });

  it('not inside other strings', async () => {
    const label = await files.completion('track vox {\n  label "<|>"\n}\n', '"');
    expect(label.items).toEqual([]);
  });

  it('accepting a path replaces what was typed in the string', async () => {
    const typed = 'track vox {\n  file "stems/k<|>"\n}\n';
    expect(await files.acceptCompletion(typed, 'stems/kick.wav', '/')).toBe('track vox {\n  file "stems/kick.wav"\n}\n');
  });

  it('accepting a path with a quote in its name escapes it, so the string reads back as the path', async () => {
    const typed = 'track vox {\n  file "takes/the<|>"\n}\n';
    const text = await files.acceptCompletion(typed, 'takes/the "best" take.wav', '/');
    expect(text).toBe('track vox {\n  file "takes/the \\"best\\" take.wav"\n}\n');
    expect(check(text).model.channels.find((c) => c.name === 'vox')!.clips[0]!.path).toBe('takes/the "best" take.wav');
  });

  it('accepting a path in a string still being typed closes the string', async () => {
    const typed = 'track vox {\n  file "st<|>\n}\n';
    expect(await files.acceptCompletion(typed, 'takes/vox_1.wav', '"')).toBe('track vox {\n  file "takes/vox_1.wav"\n}\n');
  });
});
