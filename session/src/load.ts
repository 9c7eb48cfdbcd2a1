/** Reading a mix file and the facts about its audio files: the same check as the editor's, on disk. */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { check, type CheckedDocument } from '../../grammar/src/index.js';
import { AudioFactStore } from './audio-facts.js';
import { SessionError } from './errors.js';
import { nodeFileHost } from './node-host.js';

export async function readMixFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new SessionError('io', `cannot read ${path}: ${why}`);
  }
}

/** The same analysis as the editor's, with every audio file's header read first. */
export function checkWithFacts(path: string, text: string): Promise<CheckedDocument> {
  return checkWithStore(new AudioFactStore(nodeFileHost), path, text);
}

/**
 * checkWithFacts with the headers cached in `store` (the preview keeps one
 * for the life of its panel). Checked once when every file's facts are
 * known; otherwise the first check asks for them, and a second one runs when
 * they have been read.
 */
export async function checkWithStore(store: AudioFactStore, path: string, text: string): Promise<CheckedDocument> {
  const known = store.factsFor(dirname(resolve(path)));
  let missed = false;
  const facts = {
    get: (written: string) => {
      const fact = known.get(written);
      if (fact === undefined && written) missed = true;
      return fact;
    },
  };
  const fileName = basename(path);
  const first = check(text, { facts, fileName });
  if (!missed) return first;
  await store.settle();
  return check(text, { facts: known, fileName });
}
