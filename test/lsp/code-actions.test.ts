/**
 * Quick fixes over a real connection: ask for the code actions of a published
 * diagnostic as an editor does, apply the chosen one's edit to the text, send
 * the result back and check the server no longer reports that problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, TestConnection } from './connection.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

/** Codes that come from the missing audio files of these examples, not from what is being fixed. */
const relevant = (codes: string[]) => codes.filter((x) => x !== 'audio-missing');

describe('units', () => {
  it('adds a missing unit', async () => {
    const { text, diagnostics, action } = await c.applyQuickFix('track vox {\n  file "v.wav"\n  gain -3\n}\n', 'missing-unit', "Add unit 'dB'");
    expect(text).toBe('track vox {\n  file "v.wav"\n  gain -3 dB\n}\n');
    expect(action.isPreferred).toBe(true);
    expect(action.diagnostics?.[0]?.code).toBe('missing-unit');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('adds % with no space, and offers each unit a value may take', async () => {
    const pan = await c.applyQuickFix('track vox {\n  file "v.wav"\n  pan -20\n}\n', 'missing-unit', "Add unit '%'");
    expect(pan.text).toBe('track vox {\n  file "v.wav"\n  pan -20%\n}\n');
    expect(relevant(codesOf(pan.diagnostics))).toEqual([]);

    const { actions } = await c.quickFixes('track vox {\n  file "v.wav"\n  eq {\n    bell 300 -3 dB\n  }\n}\n', 'missing-unit');
    expect(actions.map((a) => a.title)).toEqual(["Add unit 'Hz'", "Add unit 'kHz'"]);
  });

  it('changes a wrong unit', async () => {
    const { text, diagnostics } = await c.applyQuickFix('track vox {\n  file "v.wav"\n  pan 10 dB\n}\n', 'wrong-unit', "Change unit to '%'");
    expect(text).toBe('track vox {\n  file "v.wav"\n  pan 10%\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('changes a wrong unit written without a space, keeping every digit of the number', async () => {
    const pan = await c.applyQuickFix('track vox {\n  file "v.wav"\n  pan 10dB\n}\n', 'wrong-unit', "Change unit to '%'");
    expect(pan.text).toBe('track vox {\n  file "v.wav"\n  pan 10%\n}\n');
    expect(relevant(codesOf(pan.diagnostics))).toEqual([]);
    const gain = await c.applyQuickFix('track vox {\n  file "v.wav"\n  gain -3.5Hz\n}\n', 'wrong-unit', "Change unit to 'dB'");
    expect(gain.text).toBe('track vox {\n  file "v.wav"\n  gain -3.5 dB\n}\n');
  });

  it('changes a wrong unit on -inf', async () => {
    const { text, diagnostics } = await c.applyQuickFix('track vox {\n  file "v.wav"\n  gain -inf Hz\n}\n', 'wrong-unit', "Change unit to 'dB'");
    expect(text).toBe('track vox {\n  file "v.wav"\n  gain -inf dB\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('removes a unit from a value that takes none', async () => {
    const { text, diagnostics } = await c.applyQuickFix('track vox {\n  file "v.wav"\n  eq {\n    bell 300 Hz -3 dB q 2 dB\n  }\n}\n', 'wrong-unit', "Remove the unit 'dB'");
    expect(text).toBe('track vox {\n  file "v.wav"\n  eq {\n    bell 300 Hz -3 dB q 2\n  }\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('a ratio written with a unit is a wrong unit with a fix, not a syntax error', async () => {
    // The validator has a message for exactly this ("a ratio takes no unit: write ratio 4:1").
    const { text, diagnostics } = await c.applyQuickFix('master {\n  comp {\n    ratio 4 dB\n  }\n}\n', 'wrong-unit', "Remove the unit 'dB'");
    expect(text).toBe('master {\n  comp {\n    ratio 4\n  }\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });
});

describe('names', () => {
  const session = (route: string) => `track vox {\n  file "v.wav"\n  ${route}\n}\nbus drums {}\nbus verb {}\nmaster {\n  limit { ceiling -1 dBTP }\n}\n`;

  it('did-you-mean replaces the unknown name with the one meant', async () => {
    const { text, diagnostics } = await c.applyQuickFix(session('to drum'), 'unknown-name', "Change to 'drums'");
    expect(text).toBe(session('to drums'));
    expect(relevant(codesOf(diagnostics))).not.toContain('unknown-name');
  });

  it('did-you-mean for a marker', async () => {
    const { text, diagnostics } = await c.applyQuickFix(
      'tempo 120 bpm\nmarker chorus bar 17\ntrack vox {\n  clip "v.wav" from chrous\n}\n',
      'unknown-name',
      "Change to 'chorus'",
    );
    expect(text).toBe('tempo 120 bpm\nmarker chorus bar 17\ntrack vox {\n  clip "v.wav" from chorus\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('creates a missing bus, before master', async () => {
    const { text, diagnostics, action } = await c.applyQuickFix(session('send crush -8 dB'), 'unknown-name', "Create bus 'crush'");
    expect(action.isPreferred).toBe(true); // no close name to prefer instead
    expect(text).toBe(
      'track vox {\n  file "v.wav"\n  send crush -8 dB\n}\nbus drums {}\nbus verb {}\nbus crush {\n}\n\nmaster {\n  limit { ceiling -1 dBTP }\n}\n',
    );
    expect(relevant(codesOf(diagnostics))).not.toContain('unknown-name');
  });

  it('creates a missing bus at the end when there is no master block', async () => {
    const { text, diagnostics } = await c.applyQuickFix('track vox {\n  file "v.wav"\n  to crush\n}\n', 'unknown-name', "Create bus 'crush'");
    expect(text).toBe('track vox {\n  file "v.wav"\n  to crush\n}\n\nbus crush {\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('offers no bus to create for an unknown side-chain key', async () => {
    const { actions } = await c.quickFixes('track vox {\n  file "v.wav"\n  comp { sidechain kik }\n}\ntrack kick {\n  file "k.wav"\n}\n', 'unknown-name');
    expect(actions.map((a) => a.title)).toEqual(["Change to 'kick'"]);
  });
});

describe('deletions', () => {
  it('deletes an empty track, lines and all', async () => {
    const before = 'track vox {\n  file "v.wav"\n}\n\ntrack empty {\n  gain -3 dB\n  pan 10%\n}\n\nbus fx {}\n';
    const { text, diagnostics } = await c.applyQuickFix(before, 'track-no-sources', "Delete empty track 'empty'");
    expect(text).toBe('track vox {\n  file "v.wav"\n}\n\n\nbus fx {}\n');
    expect(relevant(codesOf(diagnostics))).not.toContain('track-no-sources');
  });

  it('with several empty tracks, also offers to delete them all at once', async () => {
    const before = 'track a {\n}\ntrack vox {\n  file "v.wav"\n}\ntrack b {\n  gain -1 dB\n}\ntrack c {}\n';
    const { text, diagnostics } = await c.applyQuickFix(before, 'track-no-sources', 'Delete all 3 empty tracks');
    expect(text).toBe('track vox {\n  file "v.wav"\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('deletes a duplicate setting (the second one, which does not count)', async () => {
    const { text, diagnostics } = await c.applyQuickFix('track vox {\n  file "v.wav"\n  gain -3 dB\n  pan 5%\n  gain -2 dB\n}\n', 'duplicate-setting', "Delete 'gain'");
    expect(text).toBe('track vox {\n  file "v.wav"\n  gain -3 dB\n  pan 5%\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('deletes a duplicate setting in a one-line block, keeping the rest of the line', async () => {
    const { text, diagnostics } = await c.applyQuickFix('master {\n  comp { threshold -10 dB; ratio 2:1; threshold -12 dB }\n}\n', 'duplicate-setting', "Delete 'threshold'");
    expect(text).toBe('master {\n  comp { threshold -10 dB; ratio 2:1; }\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('deletes a setting that does not belong in its block', async () => {
    const { text, diagnostics } = await c.applyQuickFix('bus fx {\n  file "v.wav"\n  gain -3 dB\n}\ntrack vox {\n  file "v.wav"\n  to fx\n}\n', 'not-allowed-here', "Delete 'file'");
    expect(text).toBe('bus fx {\n  gain -3 dB\n}\ntrack vox {\n  file "v.wav"\n  to fx\n}\n');
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });
});

describe('scope', () => {
  it('a range without diagnostics gets no quick fixes', async () => {
    await c.withDoc('track vox {\n  file "v.wav"\n  gain -3\n}\n', async (doc) => {
      const actions = await c.client.codeActions(doc.uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, { diagnostics: [] });
      expect(actions).toEqual([]);
    });
  });
});
