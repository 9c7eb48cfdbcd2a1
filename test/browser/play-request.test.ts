/// <reference lib="dom" />
/**
 * Play pressed before the page can play: before the session has come, and
 * while the browser holds the audio output back. The press must be
 * remembered (Pause and Stop cancel it) and carried out once the page can.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM } from './prepare.js';
import { openPreview, previewTestBed, send, type PreviewTestBed } from './preview-page.js';

const state = (page: Page) => page.evaluate(() => document.body.dataset['state']);
const status = (page: Page) => page.evaluate(() => document.querySelector('#status')?.textContent ?? '');
const label = (page: Page) => page.getAttribute('#play', 'aria-label');

/**
 * Every AudioContext starts suspended, and resume() waits until the test
 * calls window.__releaseAudio(): a browser that starts audio late, or only
 * after a click the page has not had.
 */
const HOLD_AUDIO = `
  (() => {
    const held = [];
    window.__releaseAudio = () => held.splice(0).forEach((go) => go());
    const resume = AudioContext.prototype.resume;
    AudioContext.prototype.resume = function () {
      return new Promise((done, fail) => held.push(() => resume.call(this).then(done, fail)));
    };
    const Original = AudioContext;
    window.AudioContext = class extends Original {
      constructor(options) {
        super(options);
        void this.suspend();
      }
    };
  })();
`;

describe.skipIf(!HAVE_CHROMIUM)('Play pressed before the preview can play', () => {
  let bed: PreviewTestBed | null = null;
  const errors: string[] = [];

  async function open(init?: string): Promise<Page> {
    const page = await openPreview(bed!.browser, bed!.site, init);
    page.on('pageerror', (err) => errors.push(err.message));
    return page;
  }

  beforeAll(async () => {
    bed = await previewTestBed('play-request');
  }, 120_000);

  afterAll(() => bed?.close());

  it('plays once the session comes when Play was pressed before it', async () => {
    const page = await open();
    expect(await status(page)).toMatch(/Waiting for the session/);
    await page.click('#play');
    // Taken at once: the button offers Pause, and the page says it is loading.
    expect(await label(page)).toBe('Pause');
    expect(await status(page)).toMatch(/Loading the session/);
    expect(await state(page)).toBe('loading');
    await send(page, bed!.site.session);
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 30_000 });
    expect(await label(page)).toBe('Pause');
    expect(await status(page)).toBe('');
  });

  it('does not play when a Play pressed before the session is taken back by Pause', async () => {
    const page = await open();
    await page.click('#play');
    await page.click('#play');
    expect(await label(page)).toBe('Play');
    await send(page, bed!.site.session);
    await page.waitForFunction(() => /Ready|^$/.test(document.querySelector('#status')?.textContent ?? 'x') && Number(document.body.dataset['reports'] ?? 0) > 5, undefined, { timeout: 30_000 });
    expect(await state(page)).toBe('stopped');
    expect(await label(page)).toBe('Play');
  });

  it('keeps the request while the browser holds the audio back, asks for a click, and plays when it starts', async () => {
    const page = await open(HOLD_AUDIO);
    await send(page, bed!.site.session);
    await page.waitForFunction(() => /Ready/.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await page.click('#play');
    expect(await label(page)).toBe('Pause');
    // Still held after a while: the hint, and the button offers the click the browser waits for.
    await page.waitForFunction(() => /Click Play/.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 10_000 });
    expect(await label(page)).toBe('Play');
    expect(await state(page)).not.toBe('playing');
    // The browser lets the audio start: the request still stands, so it plays, without another click.
    await page.evaluate(() => (window as unknown as { __releaseAudio(): void }).__releaseAudio());
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 20_000 });
    expect(await label(page)).toBe('Pause');
    expect(await status(page)).not.toMatch(/Click Play/);
    expect(errors).toEqual([]);
  });
});
