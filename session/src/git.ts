/**
 * A file as it was at a git revision (`HEAD:song.mix`, `v1.0:mixes/a.mix`),
 * read with `git show` so it means what it means to git. Each way it can
 * fail is its own reason, so a command can say what to fix.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { SessionError } from './errors.js';

export type GitFailure =
  /** The text given is not `REV:path`. */
  | 'not-a-revision-spec'
  /** git is not installed, or not on PATH. */
  | 'git-missing'
  /** The folder is not inside a git repository. */
  | 'not-a-repository'
  /** No commit by that name (branch, tag, hash, HEAD~2...). */
  | 'unknown-revision'
  /** The revision has no file at that path. */
  | 'no-such-path'
  /** The path is a folder at that revision. */
  | 'not-a-file'
  /** Anything else git refused; its own words are in the message. */
  | 'failed';

export class GitError extends SessionError {
  constructor(readonly reason: GitFailure, message: string) {
    super('io', message);
  }
}

/** `REV:path` taken apart. */
export interface RevisionSpec {
  readonly revision: string;
  readonly path: string;
}

/**
 * Reads `REV:path`; null when `spec` is a plain path (no revision before a
 * colon). A drive letter (`C:\mix\a.mix`, `C:/mix/a.mix`) is a path, not a
 * revision named C.
 */
export function parseRevisionSpec(spec: string): RevisionSpec | null {
  if (/^[A-Za-z]:[\\/]/.test(spec)) return null;
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) return null;
  return { revision: spec.slice(0, colon), path: spec.slice(colon + 1) };
}

/**
 * The text of `path` at `revision`, in the repository that holds `repoDir`.
 * As with `git show REV:path`, the path is from the repository's top folder,
 * or from `repoDir` when it starts with `./`.
 */
export async function readAtRevision(repoDir: string, spec: string | RevisionSpec): Promise<string> {
  const at = typeof spec === 'string' ? parseRevisionSpec(spec) : spec;
  if (at === null) throw new GitError('not-a-revision-spec', `'${String(spec)}' names no revision: write REV:path, as in HEAD:song.mix`);
  const { revision, path } = at;
  const where = `${revision}:${path}`;

  // A missing folder makes spawning fail just as a missing git does; tell them apart first.
  if (!(await isFolder(repoDir))) throw new GitError('not-a-repository', `${repoDir} is not a folder`);
  const repo = await git(repoDir, ['rev-parse', '--git-dir']);
  if (repo.code !== 0) {
    if (/not a git repository/i.test(repo.stderr)) throw new GitError('not-a-repository', `${repoDir} is not in a git repository`);
    throw failed(repo.stderr, where);
  }
  // A revision that starts with '-' would be read as an option.
  const commit = revision.startsWith('-') ? null : await git(repoDir, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  if (commit === null || commit.code !== 0) throw new GitError('unknown-revision', `unknown revision '${revision}': no branch, tag or commit has that name`);
  const type = await git(repoDir, ['cat-file', '-t', where]);
  if (type.code !== 0) throw new GitError('no-such-path', `${path} does not exist at ${revision}`);
  if (type.stdout.trim() !== 'blob') throw new GitError('not-a-file', `${path} is a folder at ${revision}, not a file`);
  const shown = await git(repoDir, ['show', where]);
  if (shown.code !== 0) throw failed(shown.stderr, where);
  return shown.stdout;
}

/** The top folder of the working tree that holds `dir`. */
export async function repositoryRoot(dir: string): Promise<string> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) throw new GitError('not-a-repository', `${dir} is not in a git repository`);
  return top.stdout.trim();
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function failed(stderr: string, where: string): GitError {
  const said = stderr.trim().split('\n')[0]?.replace(/^fatal:\s*/, '') ?? '';
  return new GitError('failed', `git cannot read ${where}${said ? `: ${said}` : ''}`);
}

interface GitRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs git in `cwd`; its messages in English (LC_ALL=C), since some are told apart by their words. */
function git(cwd: string, args: readonly string[]): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new GitError('git-missing', 'git is not installed (or not on PATH)'));
        return;
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
