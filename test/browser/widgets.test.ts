/**
 * The preview's widgets (media/preview/widgets) in Chromium, on a demo page
 * under the webview's content security policy: ARIA values and classes
 * follow `set`, the waveform seeks and loops from the pointer and keyboard,
 * the EQ curve is drawn where the response says in the theme's colour, the
 * spectrum of a 1 kHz tone peaks at 1 kHz and its loop stops on stop().
 * The demo is bundled here with esbuild into a temporary folder and served
 * through playwright's request routing (no server, no network).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMedia, CHROMIUM, HAVE_CHROMIUM, launchChromium, ROOT } from './prepare.js';

const ORIGIN = 'http://widgets.test';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
if (!HAVE_CHROMIUM) console.warn(`test/browser/widgets skipped: ${CHROMIUM} is missing`);

interface LoopSpan {
  from: number;
  to: number;
}
/** What test/browser/pages/widgets/main.ts puts on globalThis (its types need the DOM library). */
interface Demo {
  seeks: number[];
  loops: (LoopSpan | null)[];
  setNow(ms: number): void;
  setOverview(duration: number): void;
  clearOverview(text: string): void;
  setPosition(s: number): void;
  setLoop(span: LoopSpan | null): void;
  peak(l: number, r?: number): void;
  peakMono(l: number): void;
  peakHold(channel: number): number;
  peakClipped(): boolean;
  gr(db: number): void;
  loudness(v: Record<string, number | null>): void;
  loudnessTarget(t: number | null): void;
  eqCheck(colour: string): { hits: number; total: number; range: number; emptyLabel: string };
  eqRangeFor(gainDb: number): number;
  setThemeColour(name: string, value: string): void;
  startSpectrum(): Promise<void>;
  spectrumFrames(): number;
  stopSpectrum(): void;
  spectrumHeightAt(freq: number, colour: string): number;
  closeAudio(): Promise<void>;
}
/** Heights (CSS px) of the drawn spectrum at 1 kHz, 300 Hz and 5 kHz. */
interface Heights {
  at1k: number;
  at300: number;
  at5k: number;
}
type DemoCall = <R>(fn: (demo: Demo, arg: unknown) => R | Promise<R>, arg?: unknown) => Promise<R>;

describe.skipIf(!HAVE_CHROMIUM)('the preview widgets (Chromium)', () => {
  let tmp = '';
  let browser: Browser | null = null;
  let page: Page;
  const problems: string[] = [];
  let demo: DemoCall;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mixdown-widgets-'));
    await mkdir(tmp, { recursive: true });
    // The webview's bundles with the widgets page beside them (widgets/, next to preview/widgets.css).
    const [, b] = await Promise.all([buildMedia(tmp, ['widgets']), launchChromium()]);
    browser = b;
    page = await browser.newPage({ viewport: { width: 720, height: 900 }, deviceScaleFactor: 2 });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    // Everything the page asks for comes from the temporary folder; anything else (remote content) fails the test.
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) {
        problems.push(`request outside the page: ${url.href}`);
        return route.abort();
      }
      const name = url.pathname.slice(1);
      const body = await readFile(join(tmp, name)).catch(() => null);
      if (!body) return route.fulfill({ status: 404 });
      return route.fulfill({ status: 200, body, contentType: TYPES[extname(name)] ?? 'application/octet-stream' });
    });
    await page.goto(`${ORIGIN}/widgets/index.html`);
    await page.waitForFunction(() => 'widgetsDemo' in globalThis);
    // An expression string, evaluated by the devtools protocol (the page's own policy forbids eval).
    demo = (fn, arg) => page.evaluate(`(${fn.toString()})(globalThis.widgetsDemo, ${JSON.stringify(arg ?? null)})`) as never;
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('meters: ARIA values, peak hold, clip light, gain reduction', async () => {
    const meter = page.locator('#peak [role=meter]');
    await expect(meter.getAttribute('aria-label')).resolves.toBe('Master peak');
    await expect(meter.getAttribute('aria-valuenow')).resolves.toBe('-60');
    await expect(meter.getAttribute('aria-valuetext')).resolves.toBe('silent');
    await demo((d) => d.peak(-12, -6.04));
    await expect(meter.getAttribute('aria-valuenow')).resolves.toBe('-6');
    await expect(meter.getAttribute('aria-valuetext')).resolves.toBe('-6.0 dB');
    // The left bar is lit to (-12 + 60) / 66 of its length: its cover is the rest.
    const cover = await page.locator('#peak .md-meter-cover').first().evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    expect(cover).toBe(`scaleY(${Math.round((1 - 48 / 66) * 1000) / 1000})`);

    // The hold marker stays 1.5 s, then falls at 20 dB/s.
    await demo((d) => { d.setNow(1000); d.peak(-40, -40); });
    expect(await demo((d) => d.peakHold(0))).toBe(-12);
    await demo((d) => { d.setNow(2000); d.peak(-40, -40); });
    expect(await demo((d) => d.peakHold(0))).toBeCloseTo(-12 - 20 * 0.5, 9);
    expect(await demo((d) => d.peakHold(1))).toBeCloseTo(-6.04 - 20 * 0.5, 9);

    // Over 0 dBFS lights the clip button; clicking it resets.
    const clip = page.locator('#peak .md-meter-clip');
    await expect(clip.isDisabled()).resolves.toBe(true);
    await demo((d) => d.peak(0.4, -3));
    await expect(clip.isDisabled()).resolves.toBe(false);
    await expect(page.locator('#peak .md-meter').getAttribute('class')).resolves.toContain('md-meter--clipped');
    await demo((d) => d.peak(-20, -20));
    expect(await demo((d) => d.peakClipped())).toBe(true);
    await clip.click();
    expect(await demo((d) => d.peakClipped())).toBe(false);
    await expect(clip.isDisabled()).resolves.toBe(true);

    // Mono: one bar.
    await demo((d) => d.peakMono(-3));
    await expect(page.locator('#peak-mono .md-meter-track:not([hidden])').count()).resolves.toBe(1);
    await expect(page.locator('#peak-mono [role=meter]').getAttribute('aria-valuenow')).resolves.toBe('-3');

    const gr = page.locator('#gr [role=meter]');
    await expect(gr.getAttribute('aria-valuenow')).resolves.toBe('0');
    await demo((d) => d.gr(-6));
    await expect(gr.getAttribute('aria-valuenow')).resolves.toBe('-6');
    await expect(gr.getAttribute('aria-valuemin')).resolves.toBe('-24');
    const fill = await page.locator('#gr .md-gr-fill').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    expect(fill).toBe('scaleY(0.25)');
  });

  it('loudness readout: ids, one decimal with an ASCII minus, "–" for none, the target colour', async () => {
    const text = (id: string) => page.locator(`#meter-${id}`).textContent();
    for (const id of ['momentary', 'short-term', 'integrated', 'true-peak']) await expect(text(id)).resolves.toBe('–');
    await demo((d) => d.loudness({ momentary: -13.26, shortTerm: -14.04, integrated: -14.46, truePeak: -1.2 }));
    expect(Number(await text('momentary'))).toBe(-13.3);
    expect(Number(await text('short-term'))).toBe(-14);
    await expect(text('short-term')).resolves.toBe('-14.0');
    expect(Number(await text('integrated'))).toBe(-14.5);
    expect(Number(await text('true-peak'))).toBe(-1.2);
    await demo((d) => d.loudness({ momentary: Number.NEGATIVE_INFINITY }));
    await expect(text('momentary')).resolves.toBe('–');
    await expect(text('integrated')).resolves.toBe('-14.5');

    const integrated = page.locator('#meter-integrated');
    await expect(integrated.getAttribute('class')).resolves.not.toContain('on-target');
    await demo((d) => d.loudnessTarget(-14));
    await expect(integrated.getAttribute('class')).resolves.toContain('md-loudness-value--on-target');
    const green = await integrated.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    expect(green).toBe('rgb(137, 209, 133)'); // --vscode-charts-green's fallback
    await demo((d) => d.loudness({ integrated: -15.2 }));
    await expect(integrated.getAttribute('class')).resolves.not.toContain('on-target');
    await demo((d) => d.loudnessTarget(null));
    await expect(page.locator('#meter-target').isVisible()).resolves.toBe(false);
    await demo((d) => d.loudness({ integrated: -14.46, truePeak: 0.3 }));
    await expect(page.locator('#meter-true-peak').getAttribute('class')).resolves.toContain('md-loudness-value--over');
  });

  it('EQ curve: drawn along the response in the theme colour, axis widened when needed, redrawn on a theme change', async () => {
    const eq = page.locator('#eq canvas');
    await expect(eq.getAttribute('role')).resolves.toBe('img');
    const magenta = await demo((d) => d.eqCheck('#ff00ff'));
    expect(magenta.emptyLabel).toBe('vox has no EQ');
    expect(magenta.range).toBe(24);
    expect(magenta.hits).toBe(magenta.total);
    await expect(eq.getAttribute('aria-label')).resolves.toMatch(/^EQ curve of vox: .*bell 1 kHz \+9 dB/);
    // Nothing in another colour is where the curve is: the check is not fooled by a blank canvas.
    const none = await demo((d) => d.eqCheck('#00ff00'));
    expect(none.hits).toBe(0);

    // A theme switch (VS Code rewrites the root style) redraws with the new colour.
    await demo((d) => d.setThemeColour('--vscode-charts-blue', '#00ff00'));
    await page.waitForTimeout(50);
    const green = await demo((d) => d.eqCheck('#00ff00'));
    expect(green.hits).toBe(green.total);
    await demo((d) => d.setThemeColour('--vscode-charts-blue', '#ff00ff'));

    expect(await demo((d) => d.eqRangeFor(20))).toBe(24);
    expect(await demo((d) => d.eqRangeFor(-27))).toBe(30);
    expect(await demo((d) => d.eqRangeFor(40))).toBe(42);
    await demo((d) => d.eqCheck('#ff00ff'));
  });

  it('waveform: slider semantics, click and drag to seek, shift-drag to loop, keyboard', async () => {
    const slider = page.locator('#waveform [role=slider]');
    await expect(slider.getAttribute('aria-label')).resolves.toBe('Position');
    await expect(slider.getAttribute('tabindex')).resolves.toBe('0');
    await expect(page.locator('#waveform .md-waveform-message').textContent()).resolves.toBe('Rendering overview…');
    await demo((d) => d.setOverview(60));
    await expect(page.locator('#waveform .md-waveform-message').isVisible()).resolves.toBe(false);
    await expect(slider.getAttribute('aria-valuemax')).resolves.toBe('60');

    const box = (await slider.boundingBox())!;
    const xAt = (t: number) => box.x + (t / 60) * box.width;
    const y = box.y + box.height / 2;
    await page.mouse.click(xAt(15), y);
    const seeks = await demo((d) => d.seeks.slice());
    expect(seeks.length).toBe(1);
    expect(seeks[0]!).toBeCloseTo(15, 0);
    expect(Number(await slider.getAttribute('aria-valuenow'))).toBeCloseTo(15, 0);
    await expect(slider.getAttribute('aria-valuetext')).resolves.toMatch(/^bar 8\.[23], 0:1[45]\.\d{3}$/);
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string } } }).document.activeElement.getAttribute('role'))).resolves.toBe('slider');

    // Dragging scrubs: each move the page sees seeks, before the button is let go. (Chromium may
    // coalesce moves that arrive within one frame, so the test waits for each move's seek.)
    const lastSeekNear = (t: number) => page.waitForFunction((t) => Math.abs(((globalThis as unknown as { widgetsDemo: Demo }).widgetsDemo.seeks.at(-1) ?? -1) - t) < 0.5, t, { timeout: 10_000 });
    await page.mouse.move(xAt(20), y);
    await page.mouse.down();
    await page.mouse.move(xAt(22.5), y);
    await lastSeekNear(22.5);
    await page.mouse.move(xAt(25), y, { steps: 2 });
    await lastSeekNear(25);
    await page.mouse.up();
    const scrub = await demo((d) => d.seeks.slice(1));
    expect(scrub[0]!).toBeCloseTo(20, 0);
    expect(scrub.some((t) => t > 21 && t < 24)).toBe(true);
    expect(scrub.at(-1)!).toBeCloseTo(25, 0);
    expect(scrub).toEqual([...scrub].sort((a, b) => a - b));

    // Shift+drag selects a loop span, and does not seek; shift+click clears it.
    const before = (await demo((d) => d.seeks.length));
    await page.keyboard.down('Shift');
    await page.mouse.move(xAt(30), y);
    await page.mouse.down();
    await page.mouse.move(xAt(45), y, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    let loops = await demo((d) => d.loops.slice());
    expect(loops.length).toBe(1);
    expect(loops[0]!.from).toBeCloseTo(30, 0);
    expect(loops[0]!.to).toBeCloseTo(45, 0);
    expect(await demo((d) => d.seeks.length)).toBe(before);
    await page.screenshot({ path: join(ROOT, 'test-results/widgets.png'), fullPage: true });
    await page.keyboard.down('Shift');
    await page.mouse.click(xAt(40), y);
    await page.keyboard.up('Shift');
    loops = await demo((d) => d.loops.slice());
    expect(loops).toEqual([loops[0], null]);
    await demo((d) => d.setLoop({ from: 8, to: 16 }));

    // Keyboard: ±1 s, Shift ±1 bar (2 s), Home, End.
    await demo((d) => d.setPosition(10));
    await slider.focus();
    const last = async () => (await demo((d) => d.seeks.at(-1)))!;
    await page.keyboard.press('ArrowRight');
    expect(await last()).toBe(11);
    await page.keyboard.press('Shift+ArrowRight');
    expect(await last()).toBe(13);
    await page.keyboard.press('ArrowLeft');
    expect(await last()).toBe(12);
    await page.keyboard.press('Shift+ArrowLeft');
    expect(await last()).toBe(10);
    await page.keyboard.press('End');
    expect(await last()).toBe(60);
    await expect(slider.getAttribute('aria-valuenow')).resolves.toBe('60');
    await page.keyboard.press('ArrowRight');
    expect(await last()).toBe(60);
    await page.keyboard.press('Home');
    expect(await last()).toBe(0);
    await demo((d) => d.setPosition(22.5));
  });

  it('spectrum: a 1 kHz tone peaks at 1 kHz; the loop runs only while started', async () => {
    await demo((d) => d.startSpectrum());
    // Waits for a frame drawn with the tone's peak standing out (failing that, the heights drawn last are reported).
    const heights = (d: Demo): Heights => ({ at1k: d.spectrumHeightAt(1000, '#ff00ff'), at300: d.spectrumHeightAt(300, '#ff00ff'), at5k: d.spectrumHeightAt(5000, '#ff00ff') });
    const drawn = await page.waitForFunction((): Heights | null => {
      const d = (globalThis as unknown as { widgetsDemo: Demo }).widgetsDemo;
      const h = { at1k: d.spectrumHeightAt(1000, '#ff00ff'), at300: d.spectrumHeightAt(300, '#ff00ff'), at5k: d.spectrumHeightAt(5000, '#ff00ff') };
      return h.at1k > h.at300 + 20 && h.at1k > h.at5k + 20 ? h : null;
    }, undefined, { timeout: 20_000 }).then((found) => found.jsonValue() as Promise<Heights>, () => demo(heights));
    expect(drawn.at1k).toBeGreaterThan(drawn.at300 + 20);
    expect(drawn.at1k).toBeGreaterThan(drawn.at5k + 20);
    await demo((d) => d.stopSpectrum());
    const frames = await demo((d) => d.spectrumFrames());
    // Stopped, it draws in none of the next ten animation frames.
    await page.evaluate(async () => {
      for (let i = 0; i < 10; i++) await new Promise((done) => requestAnimationFrame(done));
    });
    expect(await demo((d) => d.spectrumFrames())).toBe(frames);
    await page.screenshot({ path: join(ROOT, 'test-results/widgets.png'), fullPage: true });
    await demo((d) => d.closeAudio());
    expect(problems).toEqual([]);
  });
});
