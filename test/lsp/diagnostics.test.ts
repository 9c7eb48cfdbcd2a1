/**
 * Diagnostics over a real connection: published when a document opens, again
 * for each edit (for that version), cleared when it closes; and the facts of
 * real audio files on disk, which arrive in a later publish.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-protocol';
import type { FileHost } from '../../session/src/index.js';
import { nodeFileHost } from '../../session/src/index.js';
import { codesOf, TestConnection } from './connection.js';
import { writeTruncatedWav, writeWav } from './wav.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

describe('publishing', () => {
  it('publishes diagnostics for the opened version, with code, severity, range and source', async () => {
    const uri = c.uri();
    const text = 'track vox {\n  file "v.wav"\n  gain -3\n  to drum\n}\nbus drums {}\n';
    const p = await c.client.open(uri, text, 7);
    expect(p.version).toBe(7);
    const missing = p.diagnostics.find((d) => d.code === 'missing-unit');
    expect(missing).toMatchObject({
      severity: DiagnosticSeverity.Error,
      source: 'mix',
      range: { start: { line: 2, character: 7 }, end: { line: 2, character: 9 } },
    });
    const unknown = p.diagnostics.find((d) => d.code === 'unknown-name');
    expect(unknown?.range).toEqual({ start: { line: 3, character: 5 }, end: { line: 3, character: 9 } });
    expect(unknown?.message).toContain("'drums'");
    await c.client.close(uri);
  });

  it('publishes again after an edit, for the new version, and clears the diagnostics on close', async () => {
    const uri = c.uri();
    const opened = await c.client.open(uri, 'track vox {\n  file "v.wav"\n  gain -3\n}\n');
    expect(codesOf(opened)).toContain('missing-unit');

    // An incremental edit, as an editor sends it: insert " dB" after -3.
    const edited = await c.client.change(uri, [{ range: { start: { line: 2, character: 9 }, end: { line: 2, character: 9 } }, text: ' dB' }]);
    expect(edited.version).toBe(2);
    expect(codesOf(edited)).not.toContain('missing-unit');

    // And back to a broken text with a full-document change.
    const broken = await c.client.replace(uri, 'track vox {\n  file "v.wav"\n  pan 10 dB\n}\n');
    expect(broken.version).toBe(3);
    expect(codesOf(broken)).toContain('wrong-unit');

    const cleared = await c.client.close(uri);
    expect(cleared.diagnostics).toEqual([]);
    expect(cleared.version).toBeUndefined();
  });

  it('reports every syntax error, not only the first', async () => {
    const uri = c.uri();
    const p = await c.client.open(uri, 'track a {\n  gain -3 dB dB\n}\ntempo }\nbus b { pan 5% % }\n');
    expect(codesOf(p).filter((x) => x === 'syntax').length).toBeGreaterThanOrEqual(3);
    await c.client.close(uri);
  });

  it('marks an empty track and an unfed bus as unnecessary code', async () => {
    const uri = c.uri();
    const p = await c.client.open(uri, 'track empty {\n  gain -3 dB\n}\nbus lonely {}\n');
    const empty = p.diagnostics.find((d) => d.code === 'track-no-sources');
    const lonely = p.diagnostics.find((d) => d.code === 'bus-no-inputs');
    expect(empty?.severity).toBe(DiagnosticSeverity.Warning);
    expect(empty?.tags).toEqual([DiagnosticTag.Unnecessary]);
    expect(lonely?.tags).toEqual([DiagnosticTag.Unnecessary]);
    await c.client.close(uri);
  });

  it('publishes only the newest of quick successive edits', async () => {
    // Three keystrokes written in one synchronous burst, and a debounce far
    // longer than the server needs to read them, so the outcome does not
    // depend on how busy the machine is (a stall of a second between two
    // queued messages would be needed to publish a stale version).
    const c = await TestConnection.start({ debounceMs: 1000 });
    const uri = c.uri();
    await c.client.open(uri, 'track a {\n  file "a.wav"\n}\n');
    const sends = [
      c.client.sendChange(uri, [{ text: 'track a {\n  file "a.wav"\n  gain 1\n}\n' }]),
      c.client.sendChange(uri, [{ text: 'track a {\n  file "a.wav"\n  gain 1 d\n}\n' }]),
      c.client.sendChange(uri, [{ text: 'track a {\n  file "a.wav"\n  gain 1 dB\n}\n' }]),
    ];
    const [v2, , v4] = await Promise.all(sends);
    const last = await c.client.diagnosticsFrom(uri, v4!.version, v4!.sent);
    expect(last.version).toBe(4);
    // a.wav does not exist in the test folder; everything else is right.
    expect(codesOf(last).filter((x) => x !== 'audio-missing')).toEqual([]);
    const stale = c.client.published.slice(v2!.sent).filter((p) => p.uri === uri && (p.version === 2 || p.version === 3));
    expect(stale).toEqual([]);
    await c.client.close(uri);
    await c.dispose();
  });
});

describe('audio facts learned while typing', () => {
  it('do not publish a version the next keystroke replaces; the pause after typing publishes with them', async () => {
    // The disk answers only when the test says so, between two keystrokes.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const host: FileHost = {
      ...nodeFileHost,
      stat: async (path) => (path.endsWith('a.wav') ? (await answered, null) : nodeFileHost.stat(path)),
    };
    const t = await TestConnection.start({ host, debounceMs: 1000 });
    const uri = t.uri();
    try {
      await t.client.open(uri, 'track a {\n  file "a.wav"\n}\n');
      const v2 = await t.client.sendChange(uri, [{ text: 'track a {\n  file "a.wav"\n  gain 1\n}\n' }]);
      answer();
      // A request's round trip: by its answer the server has taken in what the disk said.
      await t.client.hover(uri, { line: 0, character: 7 });
      const last = await t.client.change(uri, [{ text: 'track a {\n  file "a.wav"\n  gain 1 dB\n}\n' }]);
      expect(codesOf(last)).toEqual(['audio-missing']);
      expect(t.client.published.slice(v2.sent).filter((p) => p.uri === uri && p.version === 2)).toEqual([]);
    } finally {
      await t.client.close(uri);
      await t.dispose();
    }
  });
});

describe('opening is not debounced', () => {
  // Typing is debounced; opening a file is not: the server validates it at once.
  // With a debounce far longer than the wait's deadline, only an immediate
  // validation can answer in time.
  let slow: TestConnection;
  beforeAll(async () => {
    slow = await TestConnection.start({ debounceMs: 60_000 });
  });
  afterAll(() => slow.dispose());

  it('publishes for a newly opened document without waiting for the typing debounce', async () => {
    const uri = slow.uri();
    try {
      const p = await slow.client.open(uri, 'track a {\n  gain -3\n}\n');
      expect(codesOf(p)).toContain('missing-unit');
    } finally {
      await slow.client.close(uri); // also drops any validation still scheduled
    }
  });
});

describe('audio file facts', () => {
  let audio: TestConnection;
  beforeAll(async () => {
    audio = await TestConnection.start();
    const f = audio.folder;
    writeWav(join(f, 'stems/ok.wav'), { sampleRate: 48000, channels: 2, bits: 16, frames: 24000, amplitude: 0.5 });
    writeWav(join(f, 'stems/cd.wav'), { sampleRate: 44100, channels: 2, bits: 16, frames: 4410 });
    writeWav(join(f, 'stems/eight.wav'), { sampleRate: 48000, channels: 1, bits: 8, frames: 480 });
    writeTruncatedWav(join(f, 'stems/cut-short.wav'), { sampleRate: 48000, channels: 2, bits: 16, frames: 48000 }, 1000);
    writeFileSync(join(f, 'stems/notes.wav'), 'these are my notes, not audio\n');
  });
  afterAll(() => audio.dispose());

  const session = [
    'track ok { file "stems/ok.wav" }',
    'track cd { file "stems/cd.wav" }',
    'track eight { file "stems/eight.wav" }',
    'track short { file "stems/cut-short.wav" }',
    'track notes { file "stems/notes.wav" }',
    'track gone { file "stems/gone.wav" }',
    '',
  ].join('\n');
  const fileCodes = ['audio-missing', 'audio-unreadable', 'audio-unsupported', 'samplerate-differs', 'clip-past-end'];

  it('validates at once without the disk, then publishes what the files turned out to be', async () => {
    const uri = audio.uri();
    const first = await audio.client.open(uri, session);
    // The first publish never waits for the disk: no file facts yet.
    expect(codesOf(first).filter((x) => fileCodes.includes(x))).toEqual([]);

    // Later publishes for the same version carry them; wait for the one with all six files known.
    const known = await audio.client.diagnostics(uri, {
      version: 1,
      after: first,
      where: (p) => p.diagnostics.filter((d) => fileCodes.includes(String(d.code))).length >= 5,
    });
    const byLine = new Map(known.diagnostics.filter((d) => fileCodes.includes(String(d.code))).map((d) => [d.range.start.line, d]));

    expect(byLine.has(0), 'a valid 48 kHz stereo 16-bit file has no diagnostic').toBe(false);

    expect(byLine.get(1)).toMatchObject({ code: 'samplerate-differs', severity: DiagnosticSeverity.Information });
    expect(byLine.get(1)!.message).toContain('44100');
    expect(byLine.get(1)!.range).toEqual({ start: { line: 1, character: 16 }, end: { line: 1, character: 30 } });

    expect(byLine.get(2)).toMatchObject({ code: 'audio-unsupported', severity: DiagnosticSeverity.Error });
    expect(byLine.get(3)).toMatchObject({ code: 'audio-unreadable', severity: DiagnosticSeverity.Error });
    expect(byLine.get(3)!.message).toMatch(/truncated/);
    expect(byLine.get(4)).toMatchObject({ code: 'audio-unreadable', severity: DiagnosticSeverity.Error });
    expect(byLine.get(4)!.message).toMatch(/not a WAV/);
    expect(byLine.get(5)).toMatchObject({ code: 'audio-missing', severity: DiagnosticSeverity.Error });
    expect(byLine.get(5)!.message).toContain('stems/gone.wav');
    await audio.client.close(uri);
  });

  it('knows the length of a file: a clip that runs past its end is reported', async () => {
    const uri = audio.uri();
    // ok.wav lasts 0.5 s.
    const text = 'track ok {\n  clip "stems/ok.wav" to 0:02\n}\n';
    await audio.client.open(uri, text);
    // The first publish if this server already knows ok.wav, a later one otherwise.
    const p = await audio.client.diagnostics(uri, { version: 1, where: (x) => codesOf(x).includes('clip-past-end') });
    const d = p.diagnostics.find((x) => x.code === 'clip-past-end');
    expect(d?.severity).toBe(DiagnosticSeverity.Warning);
    expect(d?.message).toContain('0.5 s');

    // An edit that keeps the clip within the file clears it.
    const fixed = await audio.client.replace(uri, 'track ok {\n  clip "stems/ok.wav" to 0:00.25\n}\n');
    expect(codesOf(fixed)).not.toContain('clip-past-end');
    await audio.client.close(uri);
  });

  it('checks the sample rate against the session rate, not a fixed 48 kHz', async () => {
    const uri = audio.uri();
    const text = 'samplerate 44100 Hz\ntrack ok { file "stems/ok.wav" }\ntrack cd { file "stems/cd.wav" }\n';
    await audio.client.open(uri, text);
    const p = await audio.client.diagnostics(uri, { version: 1, where: (x) => codesOf(x).includes('samplerate-differs') });
    const differs = p.diagnostics.filter((d) => d.code === 'samplerate-differs');
    expect(differs.map((d) => d.range.start.line)).toEqual([1]);
    expect(differs[0]!.message).toContain('48000');
    await audio.client.close(uri);
  });
});
