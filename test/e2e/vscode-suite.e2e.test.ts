/**
 * The @vscode/test-electron suite (test/vscode/suite/index.cjs), run here in
 * code-server's extension host instead of a downloaded VS Code desktop,
 * which these machines cannot fetch.
 *
 * code-server starts on a copy of the example session; the page is opened
 * with VS Code's development `payload` (extensionDevelopmentPath: this repo,
 * its dist/ freshly built by `npm run package`; extensionTestsPath: the
 * suite), so the workbench loads the extension from the repo and the
 * extension host runs the suite's `run()`. The suite's lines reach the page's
 * console; it ends with "N passed, N failed".
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  both, CHROMIUM, commitWorkspace, ensureCodeServer, exampleWorkspace, launchChromium, packageExtension, RESULTS, ROOT, startCodeServer, type CodeServer,
} from './code-server.js';

const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SUITE = join(ROOT, 'test/vscode/suite/index.cjs');
const SUITE_TIMEOUT = 180_000;
/**
 * The test's own vitest timeout: the suite's limit counts from after page.goto, and the report and
 * screenshot come after it, so vitest's generic timeout (test/e2e/vitest.config.ts) must not fire first.
 */
const TEST_TIMEOUT = SUITE_TIMEOUT + 120_000;

describe.skipIf(!HAVE_CHROMIUM)('the VS Code test suite (test/vscode) in code-server', () => {
  let tmp = '';
  let folder = '';
  let server: CodeServer | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mixdown-e2e-suite-'));
    await mkdir(RESULTS, { recursive: true });
    // The extension loads from the repo: its dist/ must be the bundles `npm run package` ships.
    const [, bin] = await both(packageExtension(), ensureCodeServer());
    folder = await exampleWorkspace(tmp);
    await commitWorkspace(folder);
    server = await startCodeServer(bin, null, tmp, join(RESULTS, 'e2e-suite-code-server.log'));
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('passes in the extension host', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const lines: string[] = [];
    const summary = new Promise<string>((done) => {
      page.on('console', (m) => {
        // The extension host's output arrives prefixed with the workbench's log styling.
        const text = m.text().replace(/^%c\s*\w+\s+color:\s*\S+\s*/, '');
        if (/^\s*(ok|FAIL)\s/.test(text) || /\d+ passed, \d+ failed/.test(text)) lines.push(text);
        if (/^\d+ passed, \d+ failed/.test(text.trim())) done(text.trim());
      });
    });
    const authority = new URL(server!.origin).host;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://${authority}${SUITE}`],
    ]);
    await page.goto(`${server!.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((done) => (timer = setTimeout(() => done(null), SUITE_TIMEOUT)));
    const result = await Promise.race([summary, timeout]);
    clearTimeout(timer);
    await page.screenshot({ path: join(RESULTS, 'e2e-vscode-suite.png') });
    const report = lines.join('\n');
    expect(result, `the suite did not finish within ${SUITE_TIMEOUT / 1000} s; it printed:\n${report}`).not.toBeNull();
    expect(result, report).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(/^(\d+)/.exec(result!)![1]), 'tests run').toBeGreaterThanOrEqual(5);
  }, TEST_TIMEOUT);
});
