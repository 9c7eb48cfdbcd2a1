/**
 * The command line on its own: `npm run pack:cli` makes a package that
 * `npm install -g` takes offline (nothing but the CLI and its render worker
 * inside), and the example CI review (examples/ci/mix-review.sh) run with
 * that installed `mixdown` on a real repository with a base branch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');
let tmp: string;
let prefix: string;
let tarball: string;

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mixdown-cli-package-'));
  prefix = join(tmp, 'global');
  tarball = sh(process.execPath, [join(ROOT, 'scripts/pack-cli.mjs'), '--out', tmp], ROOT).trim().split('\n').pop()!;
  // Offline, without the optional chart libraries: the rest of the CLI needs nothing else.
  sh('npm', ['install', '-g', '--prefix', prefix, tarball, '--offline', '--omit=optional', '--no-audit', '--no-fund'], tmp);
}, 180_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the mixdown-cli package', () => {
  it('holds the CLI, its render worker, a README and the licence, and nothing else', () => {
    const files = sh('tar', ['tzf', tarball], tmp).trim().split('\n').sort();
    expect(files).toEqual(['package/LICENSE', 'package/README.md', 'package/cli.js', 'package/package.json', 'package/render-worker.js']);
  });

  it('installs with npm install -g and runs without the repository or VS Code', async () => {
    const mixdown = join(prefix, 'bin', 'mixdown');
    expect(existsSync(mixdown)).toBe(true);
    expect(sh(mixdown, ['--version'], tmp)).toBe('mixdown 0.1.0\n');
    // A render on two threads: the worker is found beside the installed cli.js.
    const work = join(tmp, 'render');
    await mkdir(work);
    const frames = 48000;
    const header = Buffer.alloc(44);
    header.write('RIFF', 0); header.writeUInt32LE(36 + frames * 2, 4); header.write('WAVE', 8); header.write('fmt ', 12);
    header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22); header.writeUInt32LE(48000, 24);
    header.writeUInt32LE(96000, 28); header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34); header.write('data', 36); header.writeUInt32LE(frames * 2, 40);
    const data = Buffer.alloc(frames * 2);
    for (let i = 0; i < frames; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48000)), i * 2);
    await writeFile(join(work, 'tone.wav'), Buffer.concat([header, data]));
    await writeFile(join(work, 'song.mix'), 'track a {\n  file "tone.wav"\n  eq { bell 1 kHz -3 dB }\n}\ntrack b {\n  file "tone.wav"\n  gain -6 dB\n}\n');
    const out = sh(mixdown, ['render', 'song.mix', '-o', 'song.wav', '--threads', '2'], work);
    expect(out).toMatch(/song\.wav/);
    expect(existsSync(join(work, 'song.wav'))).toBe(true);
  });
});

describe('examples/ci/mix-review.sh', () => {
  it('writes the markdown review of the mixes a branch changes', async () => {
    const repo = join(tmp, 'repo');
    await mkdir(join(repo, 'mixes'), { recursive: true });
    const git = (...args: string[]) => sh('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], repo);
    git('init', '-q', '-b', 'main');
    await writeFile(join(repo, 'mixes', 'song.mix'), 'track vox {\n  file "vox.wav"\n  pan -10%\n}\n');
    await writeFile(join(repo, 'mixes', 'old.mix'), 'track a {\n  file "a.wav"\n}\n');
    await writeFile(join(repo, 'mixes', 'first-name.mix'), 'track guitar {\n  file "gtr.wav"\n  gain -2 dB\n}\n');
    git('add', '.');
    git('commit', '-q', '-m', 'mixes');
    git('checkout', '-q', '-b', 'feature');
    await writeFile(join(repo, 'mixes', 'song.mix'), 'track vox {\n  file "vox.wav"\n  pan +20%\n}\n');
    await writeFile(join(repo, 'mixes', 'new.mix'), 'track kick {\n  file "kick.wav"\n}\n');
    await writeFile(join(repo, 'mixes', 'broken.mix'), 'track x {\n');
    git('rm', '-q', 'mixes/old.mix');
    git('mv', 'mixes/first-name.mix', 'mixes/second-name.mix');
    await writeFile(join(repo, 'mixes', 'second-name.mix'), 'track guitar {\n  file "gtr.wav"\n  gain -4 dB\n}\n');
    git('add', '.');
    git('commit', '-q', '-m', 'edits');
    const review = sh('bash', [join(ROOT, 'examples/ci/mix-review.sh'), 'main'], repo, { PATH: `${join(prefix, 'bin')}:${process.env['PATH']}` });
    expect(review).toContain('## Mix review');
    expect(review).toContain('### `mixes/song.mix`');
    expect(review).toContain('| **track vox** | pan | changed | -10% | +20% |');
    expect(review).toContain('### `mixes/new.mix`');
    expect(review).toContain('| **track kick** |  | added |  |  |');
    expect(review).toMatch(/### `mixes\/old\.mix`\n\nRemoved\./);
    // A renamed mix is compared with what it was.
    expect(review).toMatch(/### `mixes\/second-name\.mix`\n\nRenamed from `mixes\/first-name\.mix`\.\n[\s\S]*\| \*\*track guitar\*\* \| gain \| changed \| -2 dB \| -4 dB \|/);
    // A file with errors: its errors are shown, and the review goes on.
    expect(review).toMatch(/### `mixes\/broken\.mix`[\s\S]*```[\s\S]*mixes\/broken\.mix:1:9: error/);
  });
});
