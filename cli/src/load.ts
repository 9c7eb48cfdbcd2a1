/** Reading a mix file and the facts about its audio files, for the CLI. */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { check, type CheckedDocument } from '../../grammar/src/index.js';
import { AudioFactStore } from '../../server/src/audio-facts.js';
import { nodeFileHost } from '../../server/src/node-host.js';
import { CliError } from './output.js';

export async function readMixFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new CliError(`cannot read ${path}: ${why}`);
  }
}

/** The same analysis as the editor's, with every audio file's header read first. */
export async function checkWithFacts(path: string, text: string): Promise<CheckedDocument> {
  const store = new AudioFactStore(nodeFileHost);
  const facts = store.factsFor(dirname(resolve(path)));
  const options = { facts, fileName: basename(path) };
  check(text, options); // asks for every file it names
  await store.settle();
  return check(text, options);
}
