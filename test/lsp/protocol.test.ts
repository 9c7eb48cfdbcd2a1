/**
 * The server as an editor meets it: what it announces at initialize, how it
 * answers for documents it does not have, and how it follows audio files
 * changing on disk (the extension forwards `**\/*.wav` file events).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DidChangeWatchedFilesNotification, FileChangeType, TextDocumentSyncKind } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { codesOf, parseMarkers, TestConnection } from './connection.js';
import { writeWav } from './wav.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

describe('initialize', () => {
  it('announces every feature the editor relies on', () => {
    const caps = c.client.initializeResult!.capabilities;
    expect(caps.textDocumentSync).toBe(TextDocumentSyncKind.Incremental);
    expect(caps.completionProvider?.triggerCharacters).toEqual(expect.arrayContaining([' ', '"', '/']));
    expect(caps.renameProvider).toEqual({ prepareProvider: true });
    expect(caps.codeActionProvider).toEqual({ codeActionKinds: ['quickfix'] });
    for (const k of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'documentSymbolProvider', 'foldingRangeProvider', 'documentFormattingProvider', 'colorProvider', 'inlayHintProvider'] as const) {
      expect(caps[k], k).toBeTruthy();
    }
    const legend = caps.semanticTokensProvider!.legend;
    expect(legend.tokenTypes).toEqual(expect.arrayContaining(['keyword', 'class', 'interface', 'event', 'function', 'number', 'string']));
    expect(legend.tokenModifiers).toContain('declaration');
    expect(c.client.initializeResult!.serverInfo?.name).toBe('mixdown');
  });
});

describe('documents the server does not have', () => {
  it('answers requests for a closed document with nothing, not an error', async () => {
    const uri = c.uri('never-opened.mix');
    const at = { line: 0, character: 0 };
    expect(await c.client.completion(uri, at)).toEqual([]);
    expect(await c.client.hover(uri, at)).toBeNull();
    expect(await c.client.definition(uri, at)).toBeNull();
    expect(await c.client.formatting(uri)).toEqual([]);
    expect(await c.client.documentSymbols(uri)).toEqual([]);
    expect((await c.client.semanticTokens(uri)).data).toEqual([]);
  });

  it('answers concurrent requests on one document, each for its own position', async () => {
    const m = parseMarkers('track vox {\n  file "v.wav"\n  gain -3<|> dB\n}\nbus drums {}\n');
    const uri = c.uri();
    await c.client.open(uri, m.text);
    const [hover, units, top, channel] = await Promise.all([
      c.client.hover(uri, { line: 2, character: 3 }),
      c.client.completion(uri, m.cursor!),
      c.client.completion(uri, { line: 5, character: 0 }),
      c.client.completion(uri, { line: 1, character: 0 }),
    ]);
    expect(JSON.stringify(hover)).toContain('gain DB');
    expect(units.map((i) => i.label)).toEqual(['dB']);
    expect(top.map((i) => i.label)).toContain('track');
    expect(channel.map((i) => i.label)).toContain('file');
    await c.client.close(uri);
  });
});

describe('audio files changing on disk', () => {
  const announce = (path: string, type: FileChangeType) =>
    c.client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: URI.file(path).toString(), type }] });

  it('a file created later clears its audio-missing, and a file deleted brings it back', async () => {
    const path = join(c.folder, 'late/vox.wav');
    const uri = c.uri();
    await c.client.open(uri, 'track vox {\n  file "late/vox.wav"\n}\n');
    const missing = await c.client.diagnostics(uri, { version: 1, where: (p) => codesOf(p).includes('audio-missing') });

    writeWav(path, { sampleRate: 48000, channels: 2, bits: 16, frames: 480 });
    await announce(path, FileChangeType.Created);
    const found = await c.client.diagnostics(uri, { version: 1, after: missing, where: (p) => !codesOf(p).includes('audio-missing') });
    expect(codesOf(found)).toEqual([]);

    rmSync(path);
    await announce(path, FileChangeType.Deleted);
    await c.client.diagnostics(uri, { version: 1, after: found, where: (p) => codesOf(p).includes('audio-missing') });
    await c.client.close(uri);
  });

  it('a file rewritten with another length and rate is read again', async () => {
    const path = join(c.folder, 'rewrite/gtr.wav');
    writeWav(path, { sampleRate: 48000, channels: 1, bits: 16, frames: 480 }); // 10 ms
    const uri = c.uri();
    await c.client.open(uri, 'track gtr {\n  clip "rewrite/gtr.wav" to 0:01\n}\n');
    // The first version is too short for the clip: that diagnostic shows the server has read it.
    const short = await c.client.diagnostics(uri, { version: 1, where: (x) => codesOf(x).includes('clip-past-end') });
    expect(codesOf(short)).not.toContain('samplerate-differs');

    writeWav(path, { sampleRate: 44100, channels: 1, bits: 16, frames: 88200 }); // 2 s at 44.1 kHz
    await announce(path, FileChangeType.Changed);
    const reread = await c.client.diagnostics(uri, { version: 1, after: short, where: (x) => codesOf(x).includes('samplerate-differs') });
    expect(codesOf(reread)).toEqual(['samplerate-differs']);
    await c.client.close(uri);
  });

  it('completion lists a new audio file once it is announced', async () => {
    const uri = c.uri();
    const m = parseMarkers('track vox {\n  file "<|>"\n}\n');
    await c.client.open(uri, m.text);
    const before = (await c.client.completion(uri, m.cursor!)).map((i) => i.label);
    expect(before).not.toContain('fresh/take.wav');
    const path = join(c.folder, 'fresh/take.wav');
    writeWav(path, { sampleRate: 48000, channels: 1, bits: 16, frames: 48 });
    await announce(path, FileChangeType.Created);
    // Notifications and requests are handled in order, so the next completion sees the event.
    const after = (await c.client.completion(uri, m.cursor!)).map((i) => i.label);
    expect(after).toContain('fresh/take.wav');
    await c.client.close(uri);
  });
});

describe('text that is not a mix file', () => {
  it('survives arbitrary text and still answers', async () => {
    const uri = c.uri();
    const junk = '}}}{{ "unterminated\n\u0000\u2603 -inf -inf dB/oct ;;; : / bar beat 1:99 .5 5. track track {\n';
    const p = await c.client.open(uri, junk);
    expect(codesOf(p)).toContain('syntax');
    expect(await c.client.formatting(uri)).toEqual([]);
    expect(Array.isArray(await c.client.completion(uri, { line: 1, character: 10 }))).toBe(true);
    expect(Array.isArray(await c.client.documentSymbols(uri))).toBe(true);
    await c.client.close(uri);
  });
});
