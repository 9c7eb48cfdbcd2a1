/**
 * One version of a mix, as `mixdown diff` is given it: a file on disk, or a
 * file at a git revision (`HEAD~1:song.mix`, `main:mixes/song.mix`).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseRevisionSpec, readAtRevision, repositoryRoot } from './git.js';
import { readMixFile } from './load.js';

export interface MixVersion {
  /** As the user wrote it: shown in messages and headings. */
  readonly label: string;
  readonly text: string;
  /**
   * The folder its audio paths are relative to. For a revision, the file's
   * folder in the working tree: audio is rarely kept in git, and when it is,
   * the working tree's copy is the one on disk.
   */
  readonly folder: string;
  /** The file's name, for the session's title when it sets none. */
  readonly fileName: string;
}

/**
 * Reads `spec`: a file when one exists at that path, else `REV:path` from
 * the git repository that holds `cwd`. Throws a SessionError naming what
 * could not be read.
 */
export async function readMixVersion(spec: string, cwd: string): Promise<MixVersion> {
  const revision = existsSync(resolve(cwd, spec)) ? null : parseRevisionSpec(spec);
  if (revision === null) {
    const path = resolve(cwd, spec);
    return { label: spec, text: await readMixFile(path), folder: dirname(path), fileName: basename(path) };
  }
  const text = await readAtRevision(cwd, revision);
  // As git reads it: from the repository's top folder, or from cwd for ./ and ../ paths.
  const base = /^\.\.?\//.test(revision.path) ? cwd : await repositoryRoot(cwd);
  const path = resolve(base, revision.path);
  return { label: spec, text, folder: dirname(path), fileName: basename(path) };
}
