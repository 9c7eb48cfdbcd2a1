/**
 * Reading a file at a git revision, against a real repository made for the
 * test: the text as committed, and each way of failing told apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitError, parseRevisionSpec, readAtRevision, type GitFailure } from '../../session/src/index.js';

const V1 = 'title "v1"\ntrack kick { file "kick.wav" }\n';
const V2 = 'title "v2 — café"\r\ntrack kick { file "kick.wav"; gain -3 dB }\r\n';
const A = 'track a { gain 0 dB }\n';

let root: string;
let repo: string;
let plain: string;

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], { cwd: repo, stdio: 'ignore' });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mixdown-git-'));
  repo = join(root, 'repo');
  plain = join(root, 'plain');
  await mkdir(repo);
  await mkdir(plain);
  git('init', '-q', '-b', 'main');
  await writeFile(join(repo, 'song.mix'), V1);
  git('add', 'song.mix');
  git('commit', '-q', '-m', 'first');
  git('tag', 'v1');
  await writeFile(join(repo, 'song.mix'), V2);
  await mkdir(join(repo, 'mixes'));
  await writeFile(join(repo, 'mixes', 'a.mix'), A);
  git('add', 'song.mix', 'mixes/a.mix');
  git('commit', '-q', '-m', 'second');
  // Changed on disk but not committed: the revision's text is what counts.
  await writeFile(join(repo, 'song.mix'), 'uncommitted\n');
  // Never look above the test's folder for a repository.
  process.env['GIT_CEILING_DIRECTORIES'] = root;
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function failure(dir: string, spec: string): Promise<GitError> {
  try {
    await readAtRevision(dir, spec);
  } catch (err) {
    if (err instanceof GitError) return err;
    throw err;
  }
  throw new Error(`${spec} was read`);
}

describe('readAtRevision', () => {
  it('reads the text as committed at each revision, byte for byte', async () => {
    expect(await readAtRevision(repo, 'HEAD:song.mix')).toBe(V2);
    expect(await readAtRevision(repo, 'HEAD~1:song.mix')).toBe(V1);
    expect(await readAtRevision(repo, 'v1:song.mix')).toBe(V1);
    expect(await readAtRevision(repo, 'main:mixes/a.mix')).toBe(A);
    expect(await readAtRevision(repo, { revision: 'HEAD', path: 'mixes/a.mix' })).toBe(A);
  });

  it('reads paths from the top of the repository, or from the folder given with ./', async () => {
    const sub = join(repo, 'mixes');
    expect(await readAtRevision(sub, 'HEAD:mixes/a.mix')).toBe(A);
    expect(await readAtRevision(sub, 'HEAD:./a.mix')).toBe(A);
  });

  const cases: [string, () => string, string, GitFailure, RegExp][] = [
    ['a folder outside any repository', () => plain, 'HEAD:song.mix', 'not-a-repository', /is not in a git repository/],
    ['a folder that does not exist', () => join(root, 'gone'), 'HEAD:song.mix', 'not-a-repository', /is not a folder/],
    ['an unknown revision', () => repo, 'nope:song.mix', 'unknown-revision', /unknown revision 'nope'/],
    ['a revision that looks like an option', () => repo, '--output=x:song.mix', 'unknown-revision', /unknown revision '--output=x'/],
    ['a path the revision does not have', () => repo, 'HEAD:missing.mix', 'no-such-path', /missing\.mix does not exist at HEAD/],
    ['a path added after the revision', () => repo, 'v1:mixes/a.mix', 'no-such-path', /mixes\/a\.mix does not exist at v1/],
    ['a folder', () => repo, 'HEAD:mixes', 'not-a-file', /mixes is a folder at HEAD/],
    ['a plain path', () => repo, 'song.mix', 'not-a-revision-spec', /names no revision/],
  ];
  for (const [what, dir, spec, reason, message] of cases) {
    it(`fails with '${reason}' for ${what}`, async () => {
      const err = await failure(dir(), spec);
      expect(err.reason).toBe(reason);
      expect(err.kind).toBe('io');
      expect(err.message).toMatch(message);
    });
  }
});

describe('parseRevisionSpec', () => {
  it('takes REV:path apart at the first colon', () => {
    expect(parseRevisionSpec('HEAD:song.mix')).toEqual({ revision: 'HEAD', path: 'song.mix' });
    expect(parseRevisionSpec('main~2:mixes/a b.mix')).toEqual({ revision: 'main~2', path: 'mixes/a b.mix' });
    expect(parseRevisionSpec('v1:odd:name.mix')).toEqual({ revision: 'v1', path: 'odd:name.mix' });
  });

  it('is null for a plain path, a drive letter, or a missing half', () => {
    for (const spec of ['song.mix', 'C:\\mixes\\a.mix', 'c:/mixes/a.mix', ':song.mix', 'HEAD:']) expect(parseRevisionSpec(spec)).toBeNull();
  });
});
