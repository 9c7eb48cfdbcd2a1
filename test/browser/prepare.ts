/** What the browser test needs on disk: the bundles, and the example session with its audio. */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { check } from '../../grammar/src/index.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLE = join(ROOT, 'examples/night-drive/night-drive.mix');

/** Debian's Chromium (apt-get install chromium); the browser tests are skipped, saying so, without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Debian's Chromium, headless, in a fresh temporary profile (removed on close); audio may start without a gesture. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--autoplay-policy=no-user-gesture-required'],
  });
}

export function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd: ROOT, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${[command, ...args].join(' ')} failed: ${stderr || err.message}`));
      else done({ stdout, stderr });
    });
  });
}

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/cli.js (`node scripts/build.mjs`) when it is missing or older
 * than its sources. `npm test` has just built it, and other test files run it
 * meanwhile, so it is not rewritten under them then.
 */
export async function ensureCliBuilt(): Promise<void> {
  const bundles = ['dist/cli.js', 'dist/render-worker.js', 'dist/preview-analysis.js'].map((p) => join(ROOT, p));
  const built = Math.min(...bundles.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
  const sources = Math.max(...['cli/src', 'session/src', 'engine/src', 'grammar/src', 'server/src', 'client/src'].map((d) => newestIn(join(ROOT, d))));
  if (built < sources) await run(process.execPath, [join(ROOT, 'scripts/build.mjs')]);
}

/**
 * The webview's bundles (scripts/build-media.mjs), built from the sources as
 * they are now into `dir` (a test's own temporary folder), laid out as
 * dist/media is, with the test pages of test/browser/pages named (each in
 * `dir`/NAME, beside the worklet it loads). Returns `dir`. Other test files (the other browser tests,
 * the .vsix test) read dist/ meanwhile, so a test never rewrites it;
 * `npm test` builds it first.
 */
export async function buildMedia(dir: string, testPages: readonly string[] = []): Promise<string> {
  await run(process.execPath, [join(ROOT, 'scripts/build-media.mjs'), '--outdir', dir, ...testPages.flatMap((p) => ['--test-page', p])]);
  return dir;
}

/**
 * The example session's .mix file, in a folder that has all its audio: the
 * example's own folder once `npm run example:audio` has run, else a copy in
 * `tmp` with the audio generated there (a clean checkout has none: it is
 * generated, not committed, and the same on every run).
 */
export async function exampleSession(tmp: string): Promise<string> {
  const text = await readFile(EXAMPLE, 'utf8');
  const model = check(text).model;
  const files = [...model.channels.flatMap((c) => c.clips.map((k) => k.path)), ...model.references.map((r) => r.path)];
  if (files.every((f) => existsSync(join(dirname(EXAMPLE), f)))) return EXAMPLE;
  const folder = join(tmp, 'night-drive');
  await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/make-example-audio.ts'), '--out', folder]);
  const mix = join(folder, 'night-drive.mix');
  await copyFile(EXAMPLE, mix);
  return mix;
}
