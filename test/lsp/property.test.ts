/**
 * The server never fails on any input: random and mutated documents over a
 * real connection, and every request at random positions. A request may
 * refuse (renaming `master` is an InvalidRequest), but never with an
 * internal error, and the server keeps answering afterwards.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ErrorCodes, ResponseError, type Position } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORDS, UNIT_IMAGES } from '../../grammar/src/index.js';
import { TestConnection } from './connection.js';

const RICH = readFileSync('test/fixtures/rich.mix', 'utf8');

let server: TestConnection;
beforeAll(async () => {
  server = await TestConnection.start();
});
afterAll(() => server.dispose());

/** Runs a request; a deliberate refusal is fine, an internal error is not. */
async function survive<T>(request: () => Promise<T>): Promise<void> {
  try {
    await request();
  } catch (err) {
    if (err instanceof ResponseError && (err.code === ErrorCodes.InvalidRequest || err.code === ErrorCodes.InvalidParams)) return;
    throw err;
  }
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines.at(-1)!.length };
}

async function everyRequest(text: string, offsets: readonly number[]): Promise<void> {
  const uri = server.uri();
  await server.client.open(uri, text);
  const c = server.client;
  const end = positionAt(text, text.length);
  const whole = { start: { line: 0, character: 0 }, end };
  await survive(() => c.documentSymbols(uri));
  await survive(() => c.foldingRanges(uri));
  await survive(() => c.semanticTokens(uri));
  await survive(() => c.formatting(uri));
  await survive(() => c.documentColors(uri));
  await survive(() => c.inlayHints(uri, whole));
  await survive(() => c.codeActions(uri, whole, { diagnostics: [] }));
  for (const offset of offsets) {
    const at = positionAt(text, offset % (text.length + 1));
    await survive(() => c.completion(uri, at));
    await survive(() => c.hover(uri, at));
    await survive(() => c.definition(uri, at));
    await survive(() => c.references(uri, at, true));
    await survive(() => c.prepareRename(uri, at));
    await survive(() => c.rename(uri, at, 'renamed'));
    await survive(() => c.codeActions(uri, { start: at, end: at }, { diagnostics: [] }));
  }
  await c.close(uri);
}

const words = [...KEYWORDS, ...UNIT_IMAGES, '{', '}', ';', '"a.wav"', '"', '-3', '.5', '2:03.2', 'bar', 'kick', 'drums', '#', '\n', ' ', '-inf', '4:1', '%'];
const soup = fc.array(fc.constantFrom(...words), { maxLength: 60 }).map((w) => w.join(' '));
const mutated = fc
  .tuple(fc.nat(RICH.length), fc.nat(200), fc.constantFrom(...words, ''))
  .map(([at, cut, insert]) => RICH.slice(0, at) + insert + RICH.slice(Math.min(RICH.length, at + cut)));
const offsets = fc.array(fc.nat(5000), { minLength: 1, maxLength: 4 });

describe('the language server on any input', () => {
  it('answers every request on random token soups and mutated sessions without an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(soup, mutated, fc.string({ maxLength: 200 })), offsets, async (text, at) => {
        await everyRequest(text, at);
      }),
      { numRuns: 150 },
    );
    // And it still works afterwards.
    const doc = await server.open('track a {\n  gain -3\n}\n');
    expect(doc.diagnostics.diagnostics.map((d) => d.code)).toContain('missing-unit');
  }, 120_000);
});
