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
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MixModel } from '../../grammar/src/model.js';
import type { SessionMessage } from '../../media/preview/protocol.js';
import { HAVE_CHROMIUM, ROOT } from './prepare.js';
import { frozenStems, openPreview, posted, previewTestBed, send, type PreviewTestBed } from './preview-page.js';


async function numberIn(page: Page, selector: string): Promise<number> {
  const text = (await page.textContent(selector))?.trim() ?? '';
  return text === '–' ? -Infinity : Number(text);
}

/** Waits until `selector` shows a number and returns it. */
async function waitForNumber(page: Page, selector: string): Promise<number> {
  await page.waitForFunction((s) => /^-?\d/.test(document.querySelector(s)?.textContent?.trim() ?? ''), selector, { timeout: 20_000 });
  return numberIn(page, selector);
}

/** A meter report as the page showed it, recorded in the page as it arrived (recordReports). */
interface Report {
  /** body data-reports: the page's count of reports, so consecutive reports have consecutive numbers. */
  readonly n: number;
  /** Seconds, from the position clock: the playhead at the report (the audio it covers ends here). */
  readonly position: number;
  /** The master peak readout, dB: the loudest sample since the report before (-Infinity when stopped). */
  readonly peak: number;
  readonly generation: number;
  readonly state: string;
}

interface Recorder {
  __reports: Report[];
}

/**
 * Records every meter report the page shows into window.__reports: a
 * mutation observer on body data-reports runs after each report's message
 * (each its own task), so a busy page that handles reports late still has
 * each one recorded, with what that report put on the page.
 */
async function recordReports(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Recorder;
    w.__reports = [];
    const text = (selector: string) => document.querySelector(selector)?.textContent?.trim() ?? '';
    new MutationObserver(() => {
      const d = document.body.dataset;
      const peak = text('#meter-peak-master');
      w.__reports.push({
        n: Number(d['reports']),
        position: text('#position-clock').split(':').reduce((sum, part) => sum * 60 + Number(part), 0),
        peak: /^-?\d/.test(peak) ? Number(peak) : -Infinity,
        generation: Number(d['generation']),
        state: d['state'] ?? '',
      });
    }).observe(document.body, { attributes: true, attributeFilter: ['data-reports'] });
  });
}

/** How many meter reports the page has had. */
async function reportCount(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset['reports'] ?? 0));
}

/** The largest master peak in the next `count` meter reports (together they cover every sample played meanwhile). */
async function peakOverReports(page: Page, count: number): Promise<number> {
  const after = await reportCount(page);
  const peak = await page.waitForFunction(({ after, count }) => {
    const next = (window as unknown as Recorder).__reports.filter((r) => r.n > after);
    return next.length >= count && { peak: Math.max(...next.slice(0, count).map((r) => r.peak)) };
  }, { after, count }, { timeout: 20_000 });
  return ((await peak.jsonValue()) as { peak: number }).peak;
}

/**
 * Seeks to the start (Home on the waveform slider) and returns the largest
 * master peak over the song's [from, to] seconds as played by `generation`:
 * the reports of one unbroken pass of playback from before `from` to `to`
 * (consecutive reports, the position running on without a jump, the same
 * generation all along, so no crossfade and no seek's fade is in it), each
 * covering audio inside [from, to]. The same samples each time, however
 * long the steps before took.
 */
async function peakOfSpan(page: Page, from: number, to: number, generation: number): Promise<{ peak: number; reports: number }> {
  const after = await reportCount(page);
  await page.focus('.md-waveform-top');
  await page.keyboard.press('Home');
  const measured = await page.waitForFunction(({ after, from, to, generation }) => {
    const reports = (window as unknown as Recorder).__reports.filter((r) => r.n > after);
    let run: { peak: number; reports: number } | null = null;
    for (let i = 1; i < reports.length; i++) {
      const a = reports[i - 1]!;
      const b = reports[i]!;
      const step = b.position - a.position;
      const unbroken = b.n === a.n + 1 && step >= 0 && step < 0.5 &&
        [a, b].every((r) => r.generation === generation && r.state === 'playing');
      if (!unbroken) {
        run = null;
        continue;
      }
      if (a.position <= from) run = { peak: -Infinity, reports: 0 };
      if (!run) continue;
      if (a.position >= from && b.position <= to) {
        run.peak = Math.max(run.peak, b.peak);
        run.reports++;
      }
      if (b.position >= to) return run;
    }
    return false;
  }, { after, from, to, generation }, { timeout: 20_000 });
  return (await measured.jsonValue()) as { peak: number; reports: number };
}

function withGain(model: MixModel, channel: string, gainDb: number): MixModel {
  return { ...model, channels: model.channels.map((c) => (c.name === channel ? { ...c, gainDb } : c)) };
}

describe.skipIf(!HAVE_CHROMIUM)('the preview page in Chromium', () => {
  let bed: PreviewTestBed | null = null;
  let page: Page;
  let session: SessionMessage;
  const errors: string[] = [];

  beforeAll(async () => {
    bed = await previewTestBed('preview');
    session = bed.site.session;
    page = await openPreview(bed.browser, bed.site);
    await recordReports(page);
    page.on('pageerror', (err) => errors.push(err.message));
    // Failed loads are reported below with their URL (the browser's own favicon request aside).
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  }, 120_000);

  afterAll(() => bed?.close());

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
    expect(await peakOverReports(page, 12)).toBeGreaterThan(-30);
    const clock1 = await page.textContent('#position-clock');
    await page.waitForFunction((c) => document.querySelector('#position-clock')?.textContent !== c, clock1, { timeout: 5_000 });
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Pause');
  });

  it('hears an edit: the master 12 dB down brings the peak down by 12 dB, without stopping', async () => {
    // The waveform slider seeks once it knows the song's length, which the analysis brings.
    await send(page, {
      type: 'analysis',
      analysis: { generation: 1, headGainDb: 0, targetProblem: null, integratedLufs: -15, truePeakDb: -1.5, overview: { peaks: [], duration: session.model.length! }, references: {} },
    });
    await page.waitForFunction(() => Number(document.querySelector('.md-waveform-top')?.getAttribute('aria-valuemax')) > 0, undefined, { timeout: 10_000 });
    // The same stretch of the song both times: the peak of one second to four.
    const before = await peakOfSpan(page, 1, 4, 1);
    const sent = await reportCount(page);
    const quieter = { ...session, generation: 2, model: withGain(session.model, 'master', session.model.channels.at(-1)!.gainDb - 12) };
    await send(page, quieter);
    await page.waitForFunction(() => document.body.dataset['generation'] === '2', undefined, { timeout: 5_000 });
    // Measured on the edit alone, once the crossfade to it is over.
    const after = await peakOfSpan(page, 1, 4, 2);
    expect(before.reports).toBeGreaterThan(40);
    expect(after.reports).toBeGreaterThan(40);
    // The master's gain comes after its limiter: the same samples, 12 dB down (measured: 12.0 on every run,
    // loaded or not; the readout shows 0.1 dB).
    expect(before.peak - after.peak).toBeGreaterThan(11.5);
    expect(before.peak - after.peak).toBeLessThan(12.5);
    // It played on through the edit.
    const since = await page.evaluate((n) => (window as unknown as Recorder).__reports.filter((r) => r.n > n).map((r) => r.state), sent);
    expect(since.filter((state) => state !== 'playing')).toEqual([]);
    await send(page, { ...session, generation: 3 });
  }, 60_000);

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
    expect(await peakOverReports(page, 10)).toBeGreaterThan(-40);
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
    // From the start (Home), a click a quarter of the way along: the playhead jumps there, and the
    // rest of the song (about 35 s) plays on through the steps below.
    const start = await reportCount(page);
    await page.focus('.md-waveform-top');
    await page.keyboard.press('Home');
    await page.waitForFunction((n) => (window as unknown as Recorder).__reports.some((r) => r.n > n && r.state === 'playing' && r.position < 2), start, { timeout: 10_000 });
    const clicked = await reportCount(page);
    const box = (await page.locator('.md-waveform-top').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height / 2);
    // A report straight after another far from there: the playing audio jumped to the click, it did not play its way there.
    const jump = await page.waitForFunction(({ n, to }) => {
      const reports = (window as unknown as Recorder).__reports;
      const i = reports.findIndex((r, k) => k > 0 && r.n > n && r.n === reports[k - 1]!.n + 1 && Math.abs(r.position - to) < 0.5 && Math.abs(reports[k - 1]!.position - to) > 2);
      return i >= 0 && { from: reports[i - 1]!.position, to: reports[i]!.position, state: reports[i]!.state };
    }, { n: clicked, to: duration * 0.25 }, { timeout: 10_000 });
    expect(((await jump.jsonValue()) as { state: string }).state).toBe('playing');
    const now = Number(await page.getAttribute('.md-waveform-top', 'aria-valuenow'));
    expect(now).toBeGreaterThanOrEqual(duration * 0.24);
    expect(now).toBeLessThan(duration * 0.5);
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

  it('offers the version compared with (HEAD): greyed while it renders, then loudness-matched, and gone when the comparison ends', async () => {
    const button = '#ab button[data-key="version"]';
    const head = { label: 'HEAD', description: 'HEAD (1a2b3c4), as committed' };
    await send(page, { type: 'compared', compared: { ...head, state: 'rendering' } });
    await page.waitForSelector(`${button}[disabled]`, { timeout: 10_000 });
    expect(await page.getAttribute(button, 'title')).toBe('Rendering HEAD (1a2b3c4), as committed…');
    expect(await page.textContent(button)).toBe('HEAD');

    // The render: a file the host wrote into its storage (here the reference's audio, under another key).
    const file = Object.values(session.references)[0]!;
    const audio = { path: '/storage/compare/0123456789abcdef.wav', url: file.url, version: 'head-1' };
    await send(page, { type: 'compared', compared: { ...head, state: 'ready', audio, integratedLufs: -17.25 } });
    await page.waitForSelector(`${button}:not([disabled])`, { timeout: 10_000 });
    await page.click(button);
    await page.waitForFunction(() => document.body.dataset['listening'] === 'HEAD', undefined, { timeout: 10_000 });
    // The mix measured -14 LUFS (the analysis above), HEAD -17.25: HEAD plays 3.25 dB up.
    expect(await page.textContent('#ab-gain')).toBe('HEAD +3.3 dB to match the mix');
    expect(await page.getAttribute(button, 'aria-checked')).toBe('true');
    expect(await page.getAttribute('#ab-mix', 'aria-checked')).toBe('false');

    // A render that failed says why on the button, and the mix is heard again.
    await send(page, { type: 'compared', compared: { ...head, state: 'failed', problem: "HEAD's version of song.mix has an error (line 3: unknown setting)" } });
    await page.waitForFunction(() => document.body.dataset['listening'] === '', undefined, { timeout: 10_000 });
    expect(await page.getAttribute(button, 'title')).toBe("HEAD (1a2b3c4), as committed cannot be played: HEAD's version of song.mix has an error (line 3: unknown setting)");
    expect(await page.textContent('#ab-gain')).toBe('');

    await send(page, { type: 'compared', compared: null });
    await page.waitForSelector(button, { state: 'detached', timeout: 10_000 });
    // The references stay.
    expect(await page.locator('#ab button').count()).toBe(1 + session.model.references.length);
  });

  it('draws the meters of the rows in view only, and draws a row scrolled into view at once', async () => {
    const tracks = session.model.channels.filter((c) => c.kind === 'track' && !c.hidden).map((c) => c.name);
    // The first track plays all along (the mute test heard it); it is scrolled out of view above a low window.
    const first = tracks[0]!;
    const row = page.locator(`li[data-channel="${first}"]`);
    const meter = `li[data-channel="${first}"] .md-meter-bars`;
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width, height: 200 });
    try {
      await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 10_000 });
      await page.locator('li.channel--master').scrollIntoViewIfNeeded();
      expect(await row.evaluate((r) => r.getBoundingClientRect().bottom <= 0)).toBe(true);
      // Observed out of view (the observer reports after a frame), then left alone for ten reports.
      await page.waitForTimeout(200);
      const before = await page.getAttribute(meter, 'aria-valuenow');
      const after = await reportCount(page);
      await page.waitForFunction((n) => Number(document.body.dataset['reports']) >= n + 10, after, { timeout: 10_000 });
      expect(await page.getAttribute(meter, 'aria-valuenow')).toBe(before);
      // Scrolled into view, it shows the music at the next reports.
      await row.scrollIntoViewIfNeeded();
      await page.waitForFunction((s) => Number(document.querySelector(s)?.getAttribute('aria-valuenow') ?? -999) > -60, meter, { timeout: 10_000 });
      await page.waitForFunction((s) => {
        const v = document.querySelector(s)?.getAttribute('aria-valuenow');
        const w = (window as unknown as { __seen?: Set<string> }).__seen ??= new Set();
        if (v) w.add(v);
        return w.size >= 3;
      }, meter, { timeout: 10_000, polling: 30 });
    } finally {
      await page.setViewportSize(size);
      await page.evaluate(() => window.scrollTo(0, 0));
    }
  });

  it("plays the analysis's frozen stems instead of the tracks, and makes a group live again for a mute in the panel", async () => {
    const { frozen, trims, channelMeters } = await frozenStems(bed!.site, join(bed!.site.folder, session.fileName));
    expect(frozen.stems.length).toBeGreaterThan(0);
    await send(page, { type: 'trims', generation: session.generation, trims });
    await send(page, frozen);
    await page.waitForFunction(() => Number(document.body.dataset['frozen'] ?? 0) > 0, undefined, { timeout: 20_000 });
    // The audio thread plays them: every group from its stem.
    await page.waitForFunction((n) => Number(document.body.dataset['frozenGroups'] ?? 0) === n, frozen.stems.length, { timeout: 10_000 });
    const frozenTracks = Number(await page.evaluate(() => document.body.dataset['frozen']));
    expect(await page.textContent('#engine-load')).toMatch(new RegExp(`\\d+ channels live, ${frozenTracks} frozen`));
    // The frozen rows say so; their meters rest until the analysis brings what it measured.
    expect(await page.locator('li.channel--frozen').count()).toBe(frozenTracks);
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 10_000 });
    expect(await peakOverReports(page, 10)).toBeGreaterThan(-40);
    const frozenRow = (await page.$$eval('li.channel--frozen', (rows) => rows.map((r) => (r as HTMLElement).dataset['channel']!)))[0]!;
    const frozenMeter = `li[data-channel="${frozenRow}"] .md-meter-bars`;
    expect(await page.getAttribute(frozenMeter, 'aria-valuetext')).toBe('silent');
    const duration = session.model.length ?? 46;
    await send(page, {
      type: 'analysis',
      analysis: { generation: session.generation, headGainDb: null, targetProblem: null, integratedLufs: -14, truePeakDb: -1, overview: { peaks: [], duration }, references: {}, channelMeters },
    });
    await page.waitForFunction((s) => Number(document.querySelector(s)?.getAttribute('aria-valuenow') ?? -999) > -60, frozenMeter, { timeout: 10_000 });
    expect(await page.locator('li.channel--frozen').count()).toBe(frozenTracks);
    // The stems are streamed as the tracks' files were: nothing the audio thread reads is missing.
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => document.body.dataset['starved'])).toBe('false');
    // Muting a frozen track in the panel: its group runs live, without it.
    const tracks = session.model.channels.filter((c) => c.kind === 'track' && !c.hidden).map((c) => c.name);
    const mutedName = tracks.find((n) => n !== tracks[0]) ?? tracks[0]!;
    await page.click(`li[data-channel="${mutedName}"] .channel-mute`);
    await page.waitForFunction((n) => Number(document.body.dataset['frozen']) < n, frozenTracks, { timeout: 10_000 });
    expect(await peakOverReports(page, 10)).toBeGreaterThan(-40);
    // Unmuted, the stems match again, and the audio thread plays them (it still has the one it did not play meanwhile).
    await page.click(`li[data-channel="${mutedName}"] .channel-mute`);
    await page.waitForFunction((n) => Number(document.body.dataset['frozen']) === n, frozenTracks, { timeout: 10_000 });
    await page.waitForFunction((n) => Number(document.body.dataset['frozenGroups'] ?? 0) === n, frozen.stems.length, { timeout: 10_000 });
    const alert = page.getByRole('alert');
    expect(await alert.isVisible() ? await alert.textContent() : null).toBeNull();
    expect(errors).toEqual([]);
  });

  it('plays the stems from the first sound when the panel is opened again (the host hands them over before the session)', async () => {
    const { frozen, trims } = await frozenStems(bed!.site, join(bed!.site.folder, session.fileName));
    const again = await openPreview(bed!.browser, bed!.site);
    await recordReports(again);
    const pageErrors: string[] = [];
    again.on('pageerror', (err) => pageErrors.push(err.message));
    // The requests for each file the page reads (the first brings its header and first second).
    const requests = new Map<string, number>();
    again.on('request', (r) => {
      const path = decodeURIComponent(new URL(r.url()).pathname);
      if (path.startsWith('/session/') || path.startsWith('/page/frozen/')) requests.set(path, (requests.get(path) ?? 0) + 1);
    });
    const streamed = (path: string) => (requests.get(path) ?? 0) > 1;
    await again.click('#play');
    await send(again, { type: 'trims', generation: 0, trims });
    await send(again, frozen);
    await send(again, session);
    await again.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 20_000 });
    // The first session the audio thread took already played every group from its stem.
    expect(Number(await again.evaluate(() => document.body.dataset['frozenGroups']))).toBe(frozen.stems.length);
    expect(await peakOverReports(again, 10)).toBeGreaterThan(-40);
    // Only the stems and the files of the tracks that still run are streamed; of the frozen ones, only the header is read.
    const frozenTracks = await again.$$eval('li.channel--frozen', (rows) => rows.map((r) => (r as HTMLElement).dataset['channel']!));
    expect(frozenTracks.length).toBeGreaterThan(0);
    const frozenFiles = new Set(session.model.channels.filter((c) => frozenTracks.includes(c.name)).flatMap((c) => c.clips.map((k) => `/session/${k.path}`)));
    const running = new Set(session.model.channels.filter((c) => !frozenTracks.includes(c.name)).flatMap((c) => c.clips.map((k) => `/session/${k.path}`)));
    const onlyFrozen = [...frozenFiles].filter((f) => !running.has(f));
    expect(onlyFrozen.length).toBeGreaterThan(0);
    await again.waitForTimeout(1500);
    expect(onlyFrozen.filter((f) => streamed(f))).toEqual([]);
    expect([...requests.keys()].some((f) => f.startsWith('/page/frozen/') && streamed(f))).toBe(true);
    // The editor's cursor in a frozen track's block: its group's files are read (kept streamed, not
    // played), so an edit there is heard at once; so are those of a row whose Mute the pointer is on.
    const focusedTrack = session.model.channels.find((c) => c.name === frozenTracks[0])!;
    await send(again, { type: 'focus', channel: focusedTrack.name });
    await expect.poll(() => streamed(`/session/${focusedTrack.clips[0]!.path}`), { timeout: 10_000 }).toBe(true);
    expect(Number(await again.evaluate(() => document.body.dataset['frozenGroups']))).toBe(frozen.stems.length);
    // Once its files are in, the audio thread runs that group's tracks unheard beside its stem (and the
    // tracks of any other frozen group the track feeds, through a send).
    await again.waitForFunction(() => Number(document.body.dataset['warmGroups'] ?? 0) > 0, undefined, { timeout: 10_000 });
    const hoveredTrack = session.model.channels.find((c) => frozenTracks.includes(c.name) && c.clips.some((k) => !streamed(`/session/${k.path}`)));
    // With another frozen group, some frozen track's files are still not streamed.
    expect(hoveredTrack !== undefined).toBe(frozen.stems.length > 1);
    if (hoveredTrack) {
      const unread = hoveredTrack.clips.find((k) => !streamed(`/session/${k.path}`))!;
      await again.hover(`li[data-channel="${hoveredTrack.name}"] .channel-mute`);
      await expect.poll(() => streamed(`/session/${unread.path}`), { timeout: 10_000 }).toBe(true);
    }
    // An edit to the warm track: its group goes live and is heard, and nothing played short.
    const edited = {
      ...session,
      generation: session.generation + 1,
      model: { ...session.model, channels: session.model.channels.map((c) => (c.name === focusedTrack.name ? { ...c, gainDb: c.gainDb - 3 } : c)) },
    };
    await send(again, edited);
    await again.waitForFunction((g) => document.body.dataset['heard'] === String(g), edited.generation, { timeout: 10_000 });
    await again.waitForFunction((n) => Number(document.body.dataset['frozenGroups']) < n, frozen.stems.length, { timeout: 10_000 });
    expect(await again.evaluate(() => document.body.dataset['starved'])).toBe('false');
    expect(pageErrors).toEqual([]);
    await again.close();
  });

  it("draws the selected channel's automation lanes under the waveform, and its EQ curve follows them at the playhead", async () => {
    // The example's lead vocal rides its fader, opens its air band for the chorus and throws its last word into a send.
    const vox = session.model.channels.find((c) => c.name === 'vox')!;
    expect(vox.automation?.length).toBe(3);
    await page.click('li[data-channel="vox"] .channel-name');
    await page.waitForFunction(() => document.querySelector('.md-lanes')?.getAttribute('data-lanes') === 'gain,air.gain,send crush', undefined, { timeout: 10_000 });
    expect(await page.isVisible('.md-lanes')).toBe(true);
    const label = (await page.getAttribute('.md-lanes', 'aria-label')) ?? '';
    expect(label).toContain('Automation of vox: gain (5 points, -1 dB … +1 dB)');
    expect(label).toContain('air.gain (2 points, +2 dB … +3.5 dB)');
    // Before the air lane's first point the written +2 dB holds; after the chorus, +3.5 dB. Paused, so the seeks stay put.
    if (await page.evaluate(() => document.body.dataset['state'] === 'playing')) await page.click('#play');
    await page.waitForFunction(() => document.body.dataset['state'] !== 'playing', undefined, { timeout: 10_000 });
    await page.focus('.md-waveform-top');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => /highshelf 10 kHz \+2\.0 dB/.test(document.querySelector('.md-eq-curve')?.getAttribute('aria-label') ?? ''), undefined, { timeout: 10_000 });
    await page.keyboard.press('End');
    await page.waitForFunction(() => /highshelf 10 kHz \+3\.5 dB/.test(document.querySelector('.md-eq-curve')?.getAttribute('aria-label') ?? ''), undefined, { timeout: 10_000 });
    await page.keyboard.press('Home');
    // Play on from the start, as the next test expects.
    await page.click('#play');
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 10_000 });
    // A channel without lanes shows none.
    const plain = session.model.channels.find((c) => c.kind === 'track' && !c.hidden && !c.automation)!;
    await page.click(`li[data-channel="${plain.name}"] .channel-name`);
    await page.waitForSelector('.md-lanes', { state: 'hidden', timeout: 10_000 });
  });

  it('pauses with the Space bar, and has thrown nothing', async () => {
    // Space on the page (not on a button, which Space presses).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // Still playing (the song has not run to its end): Space must pause it, not start it again.
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 10_000 });
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Pause');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.body.dataset['state'] === 'stopped', undefined, { timeout: 10_000 });
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Play');
    expect(errors).toEqual([]);
  });
});
