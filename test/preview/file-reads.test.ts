/**
 * The host's answers to the page's `read` messages
 * (client/src/preview/file-reads.ts): the bytes asked for, from the files
 * the page was given and no others, and a problem that names the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadableFiles } from '../../client/src/preview/file-reads.js';

describe("the host's reads for the preview page", () => {
  let tmp = '';
  const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 255);
  const range = (path: string, from: number, to: number) => ({ path, version: '1', url: '', from, to });

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mixdown-reads-'));
    await writeFile(join(tmp, 'a.wav'), bytes);
    await writeFile(join(tmp, 'secret.txt'), 'not for the page');
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('answers the ranges in order, several from one file, short at its end', async () => {
    const files = new ReadableFiles();
    files.set('session', [{ path: 'takes/a.wav', absolute: join(tmp, 'a.wav') }]);
    const answer = await files.read(7, [range('takes/a.wav', 100, 164), range('takes/a.wav', 0, 10), range('takes/a.wav', 4990, 5100)]);
    expect(answer.id).toBe(7);
    expect(answer.problem).toBeUndefined();
    expect(answer.parts.map((p) => [...new Uint8Array(p)])).toEqual([[...bytes.subarray(100, 164)], [...bytes.subarray(0, 10)], [...bytes.subarray(4990)]]);
  });

  it('refuses a file the page was not given, and names a missing one', async () => {
    const files = new ReadableFiles();
    files.set('session', [{ path: 'gone.wav', absolute: join(tmp, 'gone.wav') }]);
    expect((await files.read(1, [range(join(tmp, 'secret.txt'), 0, 10)])).problem).toEqual({ path: join(tmp, 'secret.txt'), reason: 'cannot be read (not a file of this session)' });
    expect((await files.read(2, [range('gone.wav', 0, 10)])).problem).toEqual({ path: 'gone.wav', reason: 'no such file' });
    expect((await files.read(3, [range('gone.wav', 10, 0)])).problem?.reason).toMatch(/bytes 10 to 0/);
    // A set replaces its last: the stems of an older analysis cannot be read any more.
    files.set('stems', [{ path: join(tmp, 'a.wav'), absolute: join(tmp, 'a.wav') }]);
    expect((await files.read(4, [range(join(tmp, 'a.wav'), 0, 4)])).parts).toHaveLength(1);
    files.set('stems', []);
    expect((await files.read(5, [range(join(tmp, 'a.wav'), 0, 4)])).problem?.reason).toMatch(/not a file of this session/);
  });
});
