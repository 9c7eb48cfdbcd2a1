/**
 * `--help` on every command, and errors in options, as users meet them: the
 * built `mixdown` in a child process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from './run-cli.js';

const OPTIONS: Record<string, string[]> = {
  check: ['--json'],
  fmt: ['--check', '--write'],
  render: ['-o, --out', '--bits', '--stems', '--from', '--to', '--threads'],
  meter: ['--json'],
  diff: ['--format', '--audio', '--plots', '--exit-zero', '--git'],
};

describe('mixdown COMMAND --help', () => {
  for (const [command, options] of Object.entries(OPTIONS)) {
    it(`${command}: prints its usage and options, and exits 0`, async () => {
      for (const flag of ['--help', '-h']) {
        const r = await run([command, flag]);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout.startsWith(`usage: mixdown ${command} `)).toBe(true);
        for (const option of [...options, '-h, --help']) expect(r.stdout).toContain(option);
      }
    });
  }

  it('mixdown --help lists every command', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const command of Object.keys(OPTIONS)) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});

describe('errors in options exit 2 and name the option', () => {
  for (const command of Object.keys(OPTIONS)) {
    it(command, async () => {
      const r = await run([command, 'song.mix', '--frob']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toBe(`mixdown: ${command}: unknown option '--frob'`);
    });
  }

  it('a value that is not allowed is named', async () => {
    const r = await run(['render', 'song.mix', '--bits', '12']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mixdown: render: --bits is 16, 24 or 32f, not '12'\n");
  });
});

describe('session errors become exit codes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixdown-help-'));
    await writeFile(join(dir, 'empty.mix'), 'tempo 120 bpm\nmarker verse 0:04\ntrack a { gain 0 dB }\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a time that is not a time is a usage error (2), and says what a time is', async () => {
    const r = await run(['render', 'empty.mix', '--from', 'nowhere'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mixdown: --from 'nowhere' is not a time: write 83.5 s, 1:23.5, bar 17 or a marker (verse)\n");
  });

  it('a WAV file that cannot be read is an I/O error (2)', async () => {
    const r = await run(['meter', 'nothing.wav'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mixdown: cannot meter nothing.wav: audio file not found\n');
  });
});
