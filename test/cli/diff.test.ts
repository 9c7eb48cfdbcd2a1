/**
 * `mixdown diff` as users meet it: the built CLI on files and on `REV:path`
 * in a real git repository, each output form, the exit codes, the errors,
 * and git's own `git diff` through the driver set up as docs/git.md says.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli as run } from './run-cli.js';

const V1 = `tempo 120 bpm
track vox {
  file "vox.wav"
  eq { bell 300 Hz -3 dB q 1.4 }
  pan -10%
}
bus verb { gain -6 dB }
`;
// The same mix, formatted otherwise and commented: no mix change.
const V1_REFORMATTED = `# vocals first
tempo 120 bpm

track vox { file "vox.wav"; eq {
    bell 0.3 kHz -3 dB q 1.4   # boxy
  }
  pan -10%
}
bus verb {
  gain -6 dB
}
`;
const V2 = V1.replace('bell 300 Hz -3 dB', 'bell 300 Hz -4.5 dB').replace('pan -10%', 'pan +20%').replace('bus verb { gain -6 dB }\n', '') + 'track shaker {\n  file "shaker.wav"\n}\n';
const EXPECTED_TEXT = [
  '- bus verb',
  '~ track vox: eq bell 300 Hz: gain -3 dB -> -4.5 dB',
  '~ track vox: pan -10% -> +20%',
  '+ track shaker',
  '',
].join('\n');

let root: string;
let repo: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mixdown-diff-'));
  repo = join(root, 'repo');
  await mkdir(join(repo, 'mixes'), { recursive: true });
  await writeFile(join(root, 'v1.mix'), V1);
  await writeFile(join(root, 'v1-reformatted.mix'), V1_REFORMATTED);
  await writeFile(join(root, 'v2.mix'), V2);
  await writeFile(join(root, 'broken.mix'), 'track vox {\n  gain -3 dB\n');
  git(repo, 'init', '-q', '-b', 'main');
  await writeFile(join(repo, 'mixes', 'song.mix'), V1);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'first mix');
  await writeFile(join(repo, 'mixes', 'song.mix'), V2);
  git(repo, 'commit', '-q', '-am', 'second mix');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('mixdown diff OLD NEW', () => {
  it('prints the mix changes and exits 1, or 0 with --exit-zero', async () => {
    const r = await run(['diff', 'v1.mix', 'v2.mix'], root);
    expect(r).toEqual({ code: 1, stdout: EXPECTED_TEXT, stderr: '' });
    expect((await run(['diff', 'v1.mix', 'v2.mix', '--exit-zero'], root)).code).toBe(0);
  });

  it('says "no mix changes" and exits 0 when only formatting and comments differ', async () => {
    expect(await run(['diff', 'v1.mix', 'v1-reformatted.mix'], root)).toEqual({ code: 0, stdout: 'no mix changes\n', stderr: '' });
  });

  it('writes a markdown table for a pull request', async () => {
    const r = await run(['diff', 'v1.mix', 'v2.mix', '--format', 'markdown'], root);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('**Mix changes, v1.mix → v2.mix** (4 changes)');
    expect(r.stdout).toContain('| **track vox** | eq › bell 300 Hz › gain | changed | -3 dB | -4.5 dB |');
    expect(r.stdout).toContain('|  | pan | changed | -10% | +20% |');
  });

  it('writes JSON: a list of {op, path, old, new}', async () => {
    const r = await run(['diff', 'v1.mix', 'v2.mix', '--format=json'], root);
    const changes = JSON.parse(r.stdout) as unknown[];
    expect(changes).toEqual([
      { op: 'remove', path: ['bus verb'], old: null, new: null },
      { op: 'change', path: ['track vox', 'eq', 'bell 300 Hz', 'gain'], old: '-3 dB', new: '-4.5 dB' },
      { op: 'change', path: ['track vox', 'pan'], old: '-10%', new: '+20%' },
      { op: 'add', path: ['track shaker'], old: null, new: null },
    ]);
  });

  it('reads REV:path from git, from the top of the repository or from a subfolder with ./', async () => {
    expect((await run(['diff', 'HEAD~1:mixes/song.mix', 'HEAD:mixes/song.mix'], repo)).stdout).toBe(EXPECTED_TEXT);
    expect((await run(['diff', 'HEAD~1:./song.mix', 'song.mix'], join(repo, 'mixes'))).stdout).toBe(EXPECTED_TEXT);
    expect((await run(['diff', 'main:mixes/song.mix', 'mixes/song.mix'], repo)).stdout).toBe('no mix changes\n');
  });

  it('names what it cannot read, with exit 2 and no stack trace', async () => {
    const cases: [string[], string, RegExp][] = [
      [['diff', 'HEAD~9:mixes/song.mix', 'mixes/song.mix'], repo, /^mixdown: unknown revision 'HEAD~9'/],
      [['diff', 'HEAD:mixes/nope.mix', 'mixes/song.mix'], repo, /^mixdown: mixes\/nope\.mix does not exist at HEAD/],
      [['diff', 'nope.mix', 'v2.mix'], root, /^mixdown: cannot read .*nope\.mix: no such file/],
      [['diff', 'HEAD:song.mix', 'v2.mix'], root, /^mixdown: .* is not in a git repository/],
      [['diff', 'v1.mix', 'v2.mix', '--format', 'html'], root, /^mixdown: diff: --format is text, markdown or json, not 'html'/],
      [['diff', 'v1.mix'], root, /^mixdown: usage: mixdown diff OLD NEW/],
      // --audio renders: a missing audio file is named.
      [['diff', 'v1.mix', 'v2.mix', '--audio'], root, /^mixdown: diff: cannot read vox\.wav: /],
    ];
    for (const [args, cwd, message] of cases) {
      const r = await run(args, cwd);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });

  it('still shows what it can of a file with errors, names the error, and exits 2', async () => {
    const r = await run(['diff', 'v1.mix', 'broken.mix'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("broken.mix:1:11: error: the block of track vox is not closed: '}' is missing [syntax]");
    expect(r.stderr).toContain('broken.mix: 1 error; the diff shows what could be read');
    expect(r.stdout).toContain('- bus verb');
    expect(r.stdout).toContain('~ track vox: gain 0 dB -> -3 dB');
  });
});

describe('git diff with the mix diff driver (docs/git.md)', () => {
  it('shows the semantic diff in git diff and git log -p --ext-diff', async () => {
    await writeFile(join(repo, '.gitattributes'), '*.mix diff=mix\n');
    git(repo, 'config', 'diff.mix.command', `"${process.execPath}" "${CLI}" diff --git`);
    await writeFile(join(repo, 'mixes', 'song.mix'), (await readFile(join(repo, 'mixes', 'song.mix'), 'utf8')).replace('pan +20%', 'pan +30%'));
    expect(git(repo, 'diff')).toBe('mix diff a/mixes/song.mix b/mixes/song.mix\n~ track vox: pan +20% -> +30%\n');
    const log = git(repo, 'log', '-p', '--ext-diff', '--format=%s', '-1', 'HEAD');
    expect(log).toContain('second mix');
    expect(log).toContain('mix diff a/mixes/song.mix b/mixes/song.mix\n- bus verb\n~ track vox: eq bell 300 Hz: gain -3 dB -> -4.5 dB\n');
    // A new mix file: everything in it is added.
    await writeFile(join(repo, 'mixes', 'new.mix'), 'track kick {\n  file "kick.wav"\n}\n');
    git(repo, 'add', 'mixes/new.mix');
    expect(git(repo, 'diff', '--cached')).toContain('mix diff a/mixes/new.mix b/mixes/new.mix\n+ track kick\n');
  });
});
