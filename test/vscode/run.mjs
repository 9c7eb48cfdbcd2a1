/**
 * The extension in VS Code desktop, through @vscode/test-electron:
 * `npm run test:vscode` builds dist/ and runs this file, which downloads a
 * VS Code (stable, or VSCODE_VERSION, e.g. `VSCODE_VERSION=1.90.0`) into
 * .vscode-test/, copies the example session into a temporary workspace, and
 * starts VS Code on it with this repo as the extension under development and
 * test/vscode/suite/index.cjs as the tests, run in the extension host.
 *
 * It needs the VS Code download servers, which CI machines here do not
 * reach: there `npm run test:e2e` runs the same suite in code-server's
 * extension host (test/e2e/vscode-suite.e2e.test.ts). On Linux without a
 * display, run this one under Xvfb:
 *
 *   xvfb-run -a npm run test:vscode
 *
 * Exits non-zero when VS Code cannot start or a test fails.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = join(ROOT, 'examples/night-drive');

const tmp = await mkdtemp(join(tmpdir(), 'mixdown-vscode-'));
let code = 0;
try {
  // The session with whatever audio `npm run example:audio` made (the tests
  // do not need it; the preview shows what is missing).
  const workspace = join(tmp, 'night-drive');
  await mkdir(workspace, { recursive: true });
  await cp(join(EXAMPLE, 'night-drive.mix'), join(workspace, 'night-drive.mix'));
  for (const d of ['stems', 'takes', 'refs']) {
    if (existsSync(join(EXAMPLE, d))) await cp(join(EXAMPLE, d), join(workspace, d), { recursive: true });
  }
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'test/vscode/suite/index.cjs'),
    extensionTestsEnv: { MIXDOWN_TEST_WORKSPACE: workspace },
    launchArgs: [
      workspace,
      '--disable-extensions', // every other extension; the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
      '--user-data-dir', join(tmp, 'user-data'),
    ],
  });
} catch (err) {
  console.error(`test/vscode failed: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await rm(tmp, { recursive: true, force: true });
}
process.exit(code);
