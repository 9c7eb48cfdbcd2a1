/// <reference lib="dom" />
/**
 * The preview's audio streamed in real Chromium (media/preview/streamer.ts):
 * the page holds a window of each file around the playhead, not the files,
 * and when the files come too slowly for the playhead (a slow disk, a
 * remote connection), the panel says so instead of glitching in silence.
 * The server answers `Range` requests as VS Code's webview resource loader
 * does; a slow disk is made by holding its answers back.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM } from './prepare.js';
import { openPreview, send, previewTestBed, type PreviewTestBed } from './preview-page.js';

describe.skipIf(!HAVE_CHROMIUM)('streamed audio in the preview (Chromium)', () => {
  let bed: PreviewTestBed | null = null;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    bed = await previewTestBed('streaming');
    page = await openPreview(bed.browser, bed.site);
    page.on('pageerror', (err) => errors.push(err.message));
  }, 120_000);

  afterAll(() => bed?.close());

  const dataset = (key: string) => page.evaluate((k) => document.body.dataset[k] ?? '', key);

  it('plays holding only a window of each file, never the files', async () => {
    const session = bed!.site.session;
    await send(page, session);
    await page.click('#play');
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 20_000 });
    await page.waitForFunction(() => Number(document.body.dataset['audioBytes'] ?? 0) > 0, undefined, { timeout: 10_000 });
    // The example's files, decoded whole, as the preview held them before it streamed: 16-bit stays 16-bit.
    let whole = 0;
    for (const ref of [...session.audio, ...Object.values(session.references)]) whole += (await stat(join(bed!.site.folder, ref.path))).size;
    const held = Number(await dataset('audioBytes'));
    // The song is 46 s; the window about 14 s of it (2 behind, 12 ahead).
    expect(held).toBeLessThan(0.6 * whole);
    expect(await page.textContent('#engine-load')).toMatch(/audio in memory \d+ MB/);
    expect(await dataset('rangeIgnored')).toBe('');
    expect(await dataset('starved')).toBe('false');
  });

  it('says on screen when the files come too late, and stops saying it once they keep up', async () => {
    const duration = bed!.site.session.model.length!;
    await send(page, {
      type: 'analysis',
      analysis: { generation: 1, headGainDb: 0, targetProblem: null, integratedLufs: -14, truePeakDb: -1, overview: { peaks: [], duration }, references: {} },
    });
    // A disk that answers after 4 s: a seek waits 1.5 s for its audio, then plays on without it.
    await page.route('**/session/**', async (route) => {
      await new Promise((done) => setTimeout(done, 4000));
      await route.continue().catch(() => {});
    });
    const box = (await page.locator('.md-waveform-top').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height / 2);
    await page.waitForFunction(() => document.body.dataset['starved'] === 'true', undefined, { timeout: 10_000 });
    expect(await page.textContent('#engine-load')).toMatch(/the disk is not keeping up/);
    await page.unroute('**/session/**');
    await page.waitForFunction(() => document.body.dataset['starved'] === 'false', undefined, { timeout: 15_000 });
    expect(await page.textContent('#engine-load')).not.toMatch(/not keeping up/);
    expect(errors).toEqual([]);
  });
});
