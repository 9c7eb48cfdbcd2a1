/**
 * The packaged extension in a real VS Code: code-server (VS Code's web
 * build, from the npm registry) driven in Debian's Chromium through
 * playwright-core, as a person would use it.
 *
 * Before the steps: `npm run package` builds mixdown.vsix,
 * scripts/e2e/install-code-server.sh installs code-server into a cache
 * outside the repo (a few minutes the first time, then nothing), the example
 * session is copied with its audio into a temporary workspace, and
 * code-server starts on 127.0.0.1 with its own user data and extensions
 * folders, the .vsix installed there with `--install-extension`.
 *
 * The steps, each in the one window, in order:
 *   (a) the language server runs: the status bar counts the example's one
 *       note (a take at 44.1 kHz); a wrong unit typed in gets an error
 *       squiggle, is counted, and its hover names the right unit; typing the
 *       right unit back clears it;
 *   (b) Ctrl+Space in the master block offers its keywords, and accepting
 *       `gain` inserts its snippet, as the saved file shows, with no error;
 *   (c) "Mix: Open Preview" opens the preview; its play button, pressed as
 *       soon as it shows (while the page still waits for the session or
 *       loads its audio), is taken at once and starts playback once the
 *       audio is in; the loudness and peak meters show changing numbers,
 *       with no error shown; once the background render has written its
 *       stems, the page plays them, and the cursor moved into a frozen
 *       track's block makes the page keep that track's group streamed;
 *   (d) after a reload of the window the preview is back, showing the same
 *       file (the panel serializer);
 *   (e) the workspace is a git repository: with the kick's gain changed
 *       (unsaved), the editor title's "Compare with HEAD" opens the semantic
 *       diff beside the editor, and the preview offers HEAD's render on its
 *       A/B buttons, plays it, loudness-matched to the mix.
 * Screenshots of each step go to test-results/e2e-*.png, and code-server's
 * output to test-results/e2e-code-server.log.
 *
 * Run with `npm run test:e2e` (not part of `npm test`). Needs Node 20,
 * /usr/bin/chromium, and, the first time, the npm registry and apt.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  both, CHROMIUM, commitWorkspace, ensureCodeServer, EXAMPLE_DIR, EXAMPLE_FILE, exampleWorkspace, launchChromium, packageExtension, RESULTS, startCodeServer,
  type CodeServer,
} from './code-server.js';

const HAVE_CHROMIUM = existsSync(CHROMIUM);
const MISSING = `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
const TITLE = HAVE_CHROMIUM ? 'the extension in VS Code (code-server, Chromium)' : `the extension in VS Code: skipped, ${MISSING}`;
if (!HAVE_CHROMIUM) console.warn(`test/e2e skipped: ${MISSING}`);

/** How long the UI gets for one thing to show up (code-server on 2 cores is not fast). */
const UI_TIMEOUT = 60_000;

/** The lines of the example that the steps edit, found by their text (1-based, as Go to Line takes them). */
const EXAMPLE_TEXT = await readFile(join(EXAMPLE_DIR, EXAMPLE_FILE), 'utf8');
function lineOf(text: string): number {
  const i = EXAMPLE_TEXT.split('\n').findIndex((l) => l.trim() === text);
  if (i < 0) throw new Error(`the example session has no line '${text}'`);
  return i + 1;
}
/** In `track kick`: the first `gain -1.5 dB`. */
const KICK_GAIN = lineOf('gain -1.5 dB');
/** The last line of the master block. */
const MASTER_TARGET = lineOf('target -14 LUFS');

/** A number as the meters print it: `-17.4`, maybe with a Unicode minus. */
function meterValue(text: string | null): number | null {
  const t = (text ?? '').trim().replace('\u2212', '-');
  return /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

describe.skipIf(!HAVE_CHROMIUM)(TITLE, () => {
  let tmp = '';
  let folder = '';
  let server: CodeServer | null = null;
  let browser: Browser | null = null;
  let page: Page;

  const shot = (name: string) => page.screenshot({ path: join(RESULTS, `e2e-${name}.png`) });

  /** Runs a command from the palette by its title, as a person would. */
  async function runCommand(title: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** Puts the cursor at the start of a line with Go to Line (Ctrl+G). */
  async function goToLine(line: number): Promise<void> {
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /**
   * The counts in the status bar's problems item, from its accessible label:
   * "No Problems", or e.g. "Errors: 1, Infos: 1" (kinds with none left out).
   */
  async function problems(): Promise<{ errors: number; warnings: number; infos: number }> {
    const label = (await page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
    const count = (kind: string) => Number(new RegExp(`${kind}: (\\d+)`).exec(label)?.[1] ?? 0);
    return { errors: count('Errors'), warnings: count('Warnings'), infos: count('Infos') };
  }
  /** What the example session has: one note, that vox_2.wav is at 44.1 kHz (see `mixdown check`). */
  const NOTE_ONLY = { errors: 0, warnings: 0, infos: 1 };

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mixdown-e2e-'));
    await mkdir(RESULTS, { recursive: true });
    const [vsix, bin] = await both(packageExtension(), ensureCodeServer());
    folder = await exampleWorkspace(tmp);
    await commitWorkspace(folder);
    server = await startCodeServer(bin, vsix, tmp, join(RESULTS, 'e2e-code-server.log'));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`));
    page.on('console', (m) => {
      // code-server lacks VS Code's closed-source `vsda` module; the workbench asks for it and carries on.
      if (m.type() === 'error' && !m.location().url.includes('/vsda/')) pageErrors.push(`${m.location().url}: ${m.text()}`);
    });
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor();

    // Open the session with Quick Open.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: EXAMPLE_FILE }).waitFor();
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(EXAMPLE_FILE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: EXAMPLE_FILE }).first().click();
    await page.locator('.tab.active', { hasText: EXAMPLE_FILE }).waitFor();
    await page.locator('.monaco-editor .view-lines').first().waitFor();
  }, 900_000); // a first install of code-server takes a few minutes

  /** Errors the workbench and the webviews logged, shown with a failed step. */
  const pageErrors: string[] = [];

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !page) return;
    const step = /^\((\w)\)/.exec(context.task.name)?.[1] ?? 'step';
    await page.screenshot({ path: join(RESULTS, `e2e-failed-${step}.png`) }).catch(() => {});
    if (pageErrors.length) console.error(`errors logged in the page before step (${step}) failed:\n${pageErrors.slice(-30).join('\n')}`);
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('(a) shows the language server\'s diagnostics as the text changes', async () => {
    // The example's one note (a take at 44.1 kHz, resampled) is counted once the server has checked the file and read the audio headers.
    await expect.poll(problems, { timeout: UI_TIMEOUT }).toEqual(NOTE_ONLY);

    // `gain -1.5 dB` becomes `gain -1.5 Hz`: a wrong unit, typed over the selected unit in one edit.
    // (Retyped key by key, `gain -1.5 ` on the way has the same counts, one error and the note,
    // so the checks below could pass on its diagnostics and the hover show its message.)
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToLine(KICK_GAIN);
    await replaceUnitAtEnd('Hz');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'attached' });
    await expect.poll(problems, { timeout: UI_TIMEOUT }).toEqual({ ...NOTE_ONLY, errors: 1 });

    // The message, on hover of the squiggle (Ctrl+K Ctrl+I shows the hover at the cursor);
    // asked again until it shows this edit's message, should a hover come up before the diagnostics do.
    await page.keyboard.press('ArrowLeft');
    const hover = page.locator('.monaco-hover-content', { hasText: 'wrong unit' });
    await expect.poll(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      return hover.first().waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    }, { timeout: UI_TIMEOUT, interval: 500 }).toBe(true);
    await expect(hover.first().textContent()).resolves.toContain("use 'dB'");
    await shot('diagnostic');
    await page.keyboard.press('Escape');

    // The right unit back, in one edit too: the error goes.
    await replaceUnitAtEnd('dB');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached' });
    await expect.poll(problems, { timeout: UI_TIMEOUT }).toEqual(NOTE_ONLY);
  });

  /** Replaces the two-letter unit at the end of the cursor's line with `unit`, as one edit: selected, then typed over. */
  async function replaceUnitAtEnd(unit: string): Promise<void> {
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.insertText(unit);
  }

  it('(b) completes a keyword in the master block with its snippet', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToLine(MASTER_TARGET);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter'); // keeps the block's indentation
    await page.keyboard.type('gai');
    // `gai` is no setting: counted as an error. Only the accepted completion below clears it, so the
    // last check of this step cannot pass on the counts from before this step's edit.
    await expect.poll(problems, { timeout: UI_TIMEOUT }).toEqual({ ...NOTE_ONLY, errors: 1 });
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget.visible');
    await suggest.waitFor({ state: 'visible' });
    const focused = suggest.locator('.monaco-list-row.focused');
    await expect.poll(() => focused.getAttribute('aria-label'), { timeout: UI_TIMEOUT }).toMatch(/^gain\b/);
    await shot('completion');
    await page.keyboard.press('Enter');
    await suggest.waitFor({ state: 'hidden' });
    await page.keyboard.press('Escape'); // leaves the snippet's placeholder

    // Saved, the file is the example with one line more: the snippet `gain ${1:0} dB`.
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached' });
    const lines = EXAMPLE_TEXT.split('\n');
    lines.splice(MASTER_TARGET, 0, '  gain 0 dB');
    expect(await readFile(join(folder, EXAMPLE_FILE), 'utf8')).toBe(lines.join('\n'));
    // The `gai` error gone with the completed line: no error.
    await expect.poll(problems, { timeout: UI_TIMEOUT }).toEqual(NOTE_ONLY);
  });

  it('(c) opens the preview, plays, and the meters move', async () => {
    await runCommand('Mix: Open Preview');
    await page.locator('.tab', { hasText: /preview/i }).first().waitFor();
    // A webview is an iframe (the host page) holding another (the extension's page).
    const view: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const play = view.locator('button#play[aria-label="Play"]');
    await play.waitFor({ state: 'visible' });
    await expect(view.locator('#meter-momentary').textContent()).resolves.toMatch(/^\s*–\s*$/);
    // Play at once, as a person would, while the panel is still loading: the page may not have the
    // session yet, nor its audio. The press must be taken at once (the button offers Pause) and
    // playback start as soon as the page has the session and has fetched and decoded its audio.
    const loading = await view.locator('#status').textContent();
    await play.click();
    await view.locator('button#play[aria-label="Pause"]').waitFor({ state: 'visible' });
    await view.locator('body[data-state="playing"]').waitFor({ state: 'attached', timeout: 2 * UI_TIMEOUT }).catch(async (err: Error) => {
      const status = await view.locator('#status').textContent().catch(() => null);
      throw new Error(`Play, pressed while the panel said '${loading?.trim()}', did not start playback: the panel says '${status?.trim()}' (${err.message})`);
    });
    expect(await view.locator('#play').getAttribute('aria-label'), 'what the button offers while playing').toBe('Pause');

    // Both meters show numbers, and the momentary loudness changes from one reading to a later one.
    const read = async (id: string) => meterValue(await view.locator(`#${id}`).textContent());
    await expect.poll(() => read('meter-momentary'), { timeout: UI_TIMEOUT }).not.toBeNull();
    await expect.poll(() => read('meter-peak-master'), { timeout: UI_TIMEOUT }).not.toBeNull();
    const first = (await read('meter-momentary'))!;
    await expect.poll(() => read('meter-momentary'), { timeout: UI_TIMEOUT }).not.toBe(first);
    const second = (await read('meter-momentary'))!;
    expect(second, 'momentary loudness of the playing example (LUFS)').toBeGreaterThan(-70);
    expect(second).toBeLessThan(0);
    const alert = view.getByRole('alert');
    expect(await alert.isVisible() ? await alert.textContent() : null, 'an error shown by the preview').toBeNull();
    // The audio is streamed by Range requests, which VS Code's webview resource loader answers with the part asked for.
    expect(await view.locator('body').getAttribute('data-range-ignored'), 'a Range request answered with the whole file').toBeNull();
    await expect(view.locator('#engine-load').textContent()).resolves.toMatch(/audio in memory \d+ MB/);
    // Once the background render has written the summing groups' stems (in the extension's storage, served to
    // the webview like the session's audio), the audio thread plays the groups from them, and nothing fails.
    await expect.poll(async () => Number(await view.locator('body').getAttribute('data-frozen-groups')), { timeout: 90_000 }).toBeGreaterThan(0);
    await expect(view.locator('#engine-load').textContent()).resolves.toMatch(/channels live, [1-9]\d* frozen/);
    expect(await alert.isVisible() ? await alert.textContent() : null, 'an error shown by the preview once frozen').toBeNull();
    // The editor's cursor in a frozen track's block: the extension tells the page, which keeps that
    // track's group streamed and its tracks running unheard (warm), so an edit there would be heard at once.
    const frozenTrack = await view.locator('li.channel--frozen').first().getAttribute('data-channel');
    expect(frozenTrack, 'a frozen track').not.toBeNull();
    await page.locator('.tab', { hasText: EXAMPLE_FILE }).first().click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToLine(lineOf(`track ${frozenTrack} {`) + 1);
    await expect.poll(async () => Number(await view.locator('body').getAttribute('data-warm')), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    await expect.poll(async () => Number(await view.locator('body').getAttribute('data-warm-groups')), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    await shot('preview');
  });

  it('(d) brings the preview back after a reload, for the same file', async () => {
    // Web storage keeps the editor layout; the panel serializer revives the preview from the page's saved state.
    await page.reload();
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.tab', { hasText: /preview/i }).first().waitFor();
    const view: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await expect.poll(() => view.locator('#title').textContent(), { timeout: UI_TIMEOUT }).toBe(EXAMPLE_FILE);
    await view.locator('#channels li[data-channel="master"]').waitFor();
    await view.locator('button#play[aria-label="Play"]').waitFor({ state: 'visible' });
  });
  it('(e) compares with HEAD: the semantic diff beside the editor, and HEAD on the preview\'s A/B, loudness-matched', async () => {
    await page.locator('.tab', { hasText: EXAMPLE_FILE }).first().click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await goToLine(KICK_GAIN);
    // `gain -1.5 dB` becomes `gain -4.5 dB`, unsaved.
    await page.keyboard.press('End');
    for (let i = 0; i < '-1.5 dB'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.insertText('-4.5 dB');
    await page.locator('.tab.active.dirty', { hasText: EXAMPLE_FILE }).waitFor();

    // The button in the editor's title bar, as a person would find it.
    await page.locator('.editor-actions [aria-label="Compare with HEAD"]').first().click();
    const diffTab = page.locator('.tab', { hasText: 'changes since HEAD' });
    await diffTab.first().waitFor();
    const diffGroup = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: 'changes since HEAD' }) });
    const diffText = async () => ((await diffGroup.locator('.view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
    await expect.poll(diffText, { timeout: UI_TIMEOUT }).toContain('~ track kick: gain -1.5 dB -> -4.5 dB');
    expect(await diffText()).toMatch(/night-drive\.mix: HEAD \([0-9a-f]{7}\) -> working copy \(unsaved\)/);
    await shot('compare-diff');

    // The preview, in the diff's column: HEAD's render on the A/B buttons once it is made.
    await page.locator('.tab', { hasText: /preview/i }).first().click();
    const view: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const head = view.locator('#ab button[data-key="version"]');
    await head.waitFor({ state: 'visible' });
    await view.locator('#ab button[data-key="version"]:not([disabled])').waitFor({ state: 'visible', timeout: 2 * UI_TIMEOUT });
    expect(await head.getAttribute('title')).toMatch(/^Listen to HEAD \([0-9a-f]{7}\), as committed, loudness-matched$/);
    await view.locator('button#play').click();
    await view.locator('body[data-state="playing"]').waitFor({ state: 'attached', timeout: 2 * UI_TIMEOUT });
    await head.click();
    await view.locator('body[data-listening="HEAD"]').waitFor({ state: 'attached' });
    // Matched once the whole-mix analysis of the edited text has measured the mix.
    await expect.poll(() => view.locator('#ab-gain').textContent(), { timeout: 2 * UI_TIMEOUT }).toMatch(/^HEAD [+-]?\d+\.\d dB to match the mix$/);
    await shot('compare-preview');
    await view.locator('#ab-mix').click();
    await view.locator('body[data-listening=""]').waitFor({ state: 'attached' });
  });
});
