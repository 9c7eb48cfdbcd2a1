/// <reference lib="dom" />
/**
 * The preview page (media/preview) in real Chromium, with a stand-in for the
 * VS Code API: the page is made by the same previewHtml() the extension
 * uses, under its CSP, and sent the same messages (the session as the
 * extension host checks it, the trims and the analysis as its worker
 * measures them). It must play through the AudioWorklet, move its meters,
 * take mute and solo without touching the file, hear an edit, keep playing
 * through an invalid edit, and show the whole-mix overview.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MixModel } from '../../grammar/src/model.js';
import type { SessionMessage } from '../../media/preview/protocol.js';
import { buildMedia, exampleSession, HAVE_CHROMIUM, launchChromium, ROOT } from './prepare.js';
import { openPreview, posted, previewSite, send, type PreviewSite } from './preview-page.js';


async function numberIn(page: Page, selector: string): Promise<number> {
  const text = (await page.textContent(selector))?.trim() ?? '';
  return text === '–' ? -Infinity : Number(text);
}

/** Waits until `selector` shows a number and returns it. */
async function waitForNumber(page: Page, selector: string): Promise<number> {
  await page.waitForFunction((s) => /^-?\d/.test(document.querySelector(s)?.textContent?.trim() ?? ''), selector, { timeout: 20_000 });
  return numberIn(page, selector);
}

/** The largest master peak over `ms` of playing (the readout shows the latest block's peak). */
async function peakOver(page: Page, ms: number): Promise<number> {
  return page.evaluate(async (duration) => {
    let best = -Infinity;
    const end = performance.now() + duration;
    while (performance.now() < end) {
      const t = document.querySelector('#meter-peak-master')?.textContent?.trim() ?? '';
      if (/^-?\d/.test(t)) best = Math.max(best, Number(t));
      await new Promise((r) => setTimeout(r, 30));
    }
    return best;
  }, ms);
}

function withGain(model: MixModel, channel: string, gainDb: number): MixModel {
  return { ...model, channels: model.channels.map((c) => (c.name === channel ? { ...c, gainDb } : c)) };
}

describe.skipIf(!HAVE_CHROMIUM)('the preview page in Chromium', () => {
  let tmp = '';
  let site: PreviewSite | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let session: SessionMessage;
  const errors: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mixdown-preview-'));
    const [mix] = await Promise.all([exampleSession(tmp), buildMedia()]);
    site = await previewSite(join(ROOT, 'dist'), mix, tmp);
    session = site.session;
    browser = await launchChromium();
    page = await openPreview(browser, site);
    page.on('pageerror', (err) => errors.push(err.message));
    // Failed loads are reported below with their URL (the browser's own favicon request aside).
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.server.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('shows the session: title, a row per channel with mute and solo, the EQ curve', async () => {
    await send(page, session);
    await page.waitForSelector('#channels li[data-channel="master"]');
    expect(await page.textContent('#title')).toBe('night-drive.mix');
    const names = await page.$$eval('#channels li', (lis) => lis.map((li) => li.getAttribute('data-channel')));
    expect(names).toEqual(session.model.channels.filter((c) => !c.hidden || c.kind === 'master').map((c) => c.name));
    // Every control has a name a screen reader can say, and can be reached with the keyboard.
    const unnamed = await page.$$eval('button, [role=slider], [role=radio], [role=meter], canvas', (els) =>
      els.filter((e) => !(e as HTMLElement).hidden && e.getAttribute('aria-hidden') !== 'true' && !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.textContent?.trim()))
        .map((e) => e.outerHTML.slice(0, 80)));
    expect(unnamed).toEqual([]);
    const unreachable = await page.$$eval('[role=slider], [role=radio]', (els) => els.filter((e) => e.tagName !== 'BUTTON' && (e as HTMLElement).tabIndex < 0).map((e) => e.outerHTML.slice(0, 80)));
    expect(unreachable).toEqual([]);
    expect(await page.getAttribute('.md-eq-curve', 'aria-label')).toMatch(/^EQ curve of /);
    await page.waitForFunction(() => /Ready/.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 30_000 });
  });

  it('plays when Play is pressed: the position runs and the meters move', async () => {
    await page.click('#play');
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 20_000 });
    const momentary = await waitForNumber(page, '#meter-momentary');
    expect(momentary).toBeGreaterThan(-40);
    expect(momentary).toBeLessThan(0);
    expect(await peakOver(page, 400)).toBeGreaterThan(-30);
    const clock1 = await page.textContent('#position-clock');
    await page.waitForFunction((c) => document.querySelector('#position-clock')?.textContent !== c, clock1, { timeout: 5_000 });
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Pause');
  });

  it('hears an edit: the master 12 dB down brings the peak down by about 12 dB, without stopping', async () => {
    const before = await peakOver(page, 1500);
    const quieter = { ...session, generation: 2, model: withGain(session.model, 'master', session.model.channels.at(-1)!.gainDb - 12) };
    await send(page, quieter);
    // Measured once the crossfade to the edit is over, from the meter report after the one that ended it.
    await page.waitForFunction(() => document.body.dataset['generation'] === '2', undefined, { timeout: 5_000 });
    const reports = Number(await page.evaluate(() => document.body.dataset['reports']));
    await page.waitForFunction((r) => Number(document.body.dataset['reports']) >= r + 2, reports, { timeout: 5_000 });
    const after = await peakOver(page, 1500);
    // The music's own peaks differ between the two windows by a dB or two.
    expect(before - after).toBeGreaterThan(9);
    expect(before - after).toBeLessThan(16);
    expect(await page.evaluate(() => document.body.dataset['state'])).toBe('playing');
    await send(page, { ...session, generation: 3 });
  });

  it('mutes a channel in the preview only: its meter falls silent, the others play on', async () => {
    const track = session.model.channels.find((c) => c.kind === 'track' && !c.hidden)!;
    const meter = `li[data-channel="${track.name}"] .md-meter-bars`;
    await page.waitForFunction((s) => Number(document.querySelector(s)?.getAttribute('aria-valuenow') ?? -999) > -60, meter, { timeout: 20_000 });
    await page.click(`li[data-channel="${track.name}"] .channel-mute`);
    expect(await page.getAttribute(`li[data-channel="${track.name}"] .channel-mute`, 'aria-pressed')).toBe('true');
    await page.waitForFunction((s) => {
      const v = document.querySelector(s)?.getAttribute('aria-valuenow');
      return v === null || v === undefined || Number(v) <= -60 || v === '-Infinity';
    }, meter, { timeout: 10_000 });
    expect(await peakOver(page, 300)).toBeGreaterThan(-40);
    // Nothing was sent to change the file.
    expect((await posted(page)).filter((m) => m.type !== 'ready')).toEqual([]);
    await page.click(`li[data-channel="${track.name}"] .channel-mute`);
  });

  it('keeps playing through an invalid edit and says why', async () => {
    await send(page, { type: 'invalid', fileName: 'night-drive.mix', problems: [{ line: 12, message: "unknown keyword 'gian'" }] });
    await page.waitForSelector('#problems:not([hidden])');
    expect(await page.textContent('#problems')).toContain("unknown keyword 'gian'");
    expect(await page.evaluate(() => document.body.dataset['state'])).toBe('playing');
    await page.click('#problems button.link');
    expect((await posted(page)).some((m) => m.type === 'reveal' && m.line === 12)).toBe(true);
    await send(page, { ...session, generation: 4 });
    await page.waitForSelector('#problems', { state: 'hidden' });
  });

  it('draws the overview from the analysis and seeks where the waveform is clicked', async () => {
    const duration = session.model.length ?? 30;
    const buckets = 600;
    const peaks = [0, 1].map(() => {
      const p = new Float32Array(2 * buckets);
      for (let i = 0; i < buckets; i++) { p[2 * i] = -0.5 * Math.abs(Math.sin(i / 20)); p[2 * i + 1] = 0.5 * Math.abs(Math.sin(i / 20)); }
      return p;
    });
    await send(page, {
      type: 'analysis',
      analysis: { generation: 4, headGainDb: 0, targetProblem: null, integratedLufs: -14, truePeakDb: -1.1, overview: { peaks, duration }, references: {} },
    });
    await page.waitForFunction(() => /Whole mix: -14\.0 LUFS/.test(document.querySelector('#analysis')?.textContent ?? ''));
    const box = (await page.locator('.md-waveform-top').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    await page.waitForFunction((d) => {
      const now = Number(document.querySelector('.md-waveform-top')?.getAttribute('aria-valuenow'));
      return now >= d * 0.7 && now <= d * 0.9;
    }, duration, { timeout: 10_000 });
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'preview-page.png') });
  });

  it('switches to the reference, loudness-matched to the mix, and back', async () => {
    const ref = session.model.references[0]!;
    await send(page, {
      type: 'analysis',
      analysis: { generation: 4, headGainDb: 0, targetProblem: null, integratedLufs: -14, truePeakDb: -1.1, overview: { peaks: [], duration: 30 }, references: { [ref.name]: -20.5 } },
    });
    await page.click(`#ab button:has-text("${ref.name}")`);
    await page.waitForFunction((n) => document.body.dataset['listening'] === n, ref.name, { timeout: 10_000 });
    // The mix measured -14 LUFS and the reference -20.5: the reference plays 6.5 dB up.
    expect(await page.textContent('#ab-gain')).toBe(`${ref.name} +6.5 dB to match the mix`);
    expect(await page.getAttribute(`#ab button:has-text("${ref.name}")`, 'aria-checked')).toBe('true');
    await page.click('#ab-mix');
    await page.waitForFunction(() => document.body.dataset['listening'] === '', undefined, { timeout: 10_000 });
  });

  it('pauses with the Space bar, and has thrown nothing', async () => {
    // Space on the page (not on a button, which Space presses).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.body.dataset['state'] === 'stopped', undefined, { timeout: 10_000 });
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Play');
    expect(errors).toEqual([]);
  });
});
