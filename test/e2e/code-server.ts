/**
 * What the editor end-to-end test needs around the browser: the packaged
 * extension, code-server (VS Code's web build, installed by
 * scripts/e2e/install-code-server.sh into a cache outside the repo), a
 * throw-away copy of the example session with its audio, and a code-server
 * process on 127.0.0.1 with its own user data and extensions folders.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { copyFile, cp, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = join(ROOT, 'test-results');
export const EXAMPLE_DIR = join(ROOT, 'examples/night-drive');
export const EXAMPLE_FILE = 'night-drive.mix';
const AUDIO_DIRS = ['stems', 'takes', 'refs'];

/** Runs a command to its end; its output is in the error when it fails. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`\`${[command, ...args].join(' ')}\` failed (${err.message.split('\n')[0]}):\n${stdout}\n${stderr}`.trimEnd()));
      else done(stdout);
    });
  });
}

/** Both results; when one fails, its error, but only once the other has finished too (no install left running behind a failed test). */
export async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/** `npm run package`: the production bundles in a fresh mixdown.vsix. */
export async function packageExtension(): Promise<string> {
  await run('npm', ['run', 'package']);
  const vsix = join(ROOT, 'mixdown.vsix');
  if (!existsSync(vsix)) throw new Error('`npm run package` did not write mixdown.vsix');
  return vsix;
}

/** The code-server launcher, installed (or found in its cache) by the install script. */
export async function ensureCodeServer(): Promise<string> {
  const out = await run('bash', [join(ROOT, 'scripts/e2e/install-code-server.sh')]);
  const bin = out.trim().split('\n').pop() ?? '';
  if (!existsSync(bin)) throw new Error(`scripts/e2e/install-code-server.sh printed '${bin}', which does not exist`);
  return bin;
}

/**
 * A copy of the example folder with all its audio in `tmp`: copied from the
 * example's own folder once `npm run example:audio` has run, else generated
 * there (a clean checkout has none). Returns the folder.
 */
export async function exampleWorkspace(tmp: string): Promise<string> {
  const folder = join(tmp, 'night-drive');
  await mkdir(folder, { recursive: true });
  await copyFile(join(EXAMPLE_DIR, EXAMPLE_FILE), join(folder, EXAMPLE_FILE));
  if (AUDIO_DIRS.every((d) => existsSync(join(EXAMPLE_DIR, d)))) {
    for (const d of AUDIO_DIRS) await cp(join(EXAMPLE_DIR, d), join(folder, d), { recursive: true });
  }
  // Fills in whatever is missing (all of it in a clean checkout), and checks nothing else.
  await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/make-example-audio.ts'), '--out', folder]);
  return folder;
}

/**
 * Makes `folder` a git repository with everything in it committed, as a
 * producer's mix folder would be ("Mix: Compare with HEAD" reads HEAD).
 */
export async function commitWorkspace(folder: string): Promise<void> {
  const git = (...args: string[]) => run('git', ['-c', 'user.name=Mix Tester', '-c', 'user.email=mix@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: folder });
  await git('init', '--quiet');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'The example session');
}

export { CHROMIUM, launchChromium } from '../browser/prepare.js';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/**
 * User settings that keep the window quiet and predictable: no telemetry,
 * welcome page, walkthroughs, trust prompt, update checks or extension
 * recommendations; suggestions only on request (Ctrl+Space), so the
 * completion step sees the list it asked for.
 */
export const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'files.autoSave': 'off',
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'on',
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
  // Git on ("Mix: Compare with HEAD" uses it), without its prompts and background fetches.
  'git.enabled': true,
  'git.autofetch': false,
  'git.openRepositoryInParentFolders': 'never',
  'git.showProgress': false,
};

export interface CodeServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Everything code-server printed so far. */
  log(): string;
  /** Ends code-server and everything it started (extension host, language server). */
  stop(): Promise<void>;
}

/**
 * Sets up user data and extensions folders under `tmp`, installs `vsix`
 * there (unless null), and starts code-server on a free port of 127.0.0.1
 * without auth. Its output also goes to `logFile`.
 */
export async function startCodeServer(bin: string, vsix: string | null, tmp: string, logFile: string): Promise<CodeServer> {
  const userData = join(tmp, 'user-data');
  const extensions = join(tmp, 'extensions');
  const config = join(tmp, 'code-server.yaml');
  await mkdir(join(userData, 'User'), { recursive: true });
  await mkdir(extensions, { recursive: true });
  await writeFile(join(userData, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  // Its own config file, so code-server does not write one under ~/.config.
  await writeFile(config, 'auth: none\n');
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  // Its caches (a device id, extension caches) in `tmp` too, not under ~/.cache.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(tmp, 'cache') };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];

  if (vsix) {
    const installed = await run(bin, [...common, '--install-extension', vsix, '--force'], { env });
    if (!/mixdown/i.test(installed)) throw new Error(`code-server --install-extension ${vsix} printed no sign of the extension:\n${installed}`);
  }

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  await mkdir(dirname(logFile), { recursive: true });
  const logStream: WriteStream = createWriteStream(logFile);
  let output = '';
  const child: ChildProcess = spawn(
    bin,
    [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'],
    // Its own process group, so stop() ends the extension host and the language server with it.
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const record = (chunk: Buffer) => {
    output += chunk.toString();
    logStream.write(chunk);
  };
  child.stdout!.on('data', record);
  child.stderr!.on('data', record);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((done) => logStream.end(done));
  };

  // Ready once it says it listens.
  const ready = await new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), 60_000);
    const check = () => {
      if (output.includes('HTTP server listening on')) {
        clearTimeout(timer);
        done(true);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      done(false);
    });
  });
  if (!ready) {
    await stop();
    throw new Error(`code-server did not start listening on ${origin} within 60 s:\n${output}`);
  }
  return { origin, log: () => output, stop };
}
