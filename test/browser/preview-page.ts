/// <reference lib="dom" />
/**
 * The preview page outside VS Code, for the browser test and the preview
 * benchmark: the HTML the extension makes (previewHtml, under its CSP),
 * with a stand-in for `acquireVsCodeApi` that records what the page posts,
 * and the session message the extension host would send for a mix file.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { previewHtml } from '../../client/src/preview/html.js';
import { toWire, type FromPage, type FrozenMessage, type SessionMessage, type ToPage } from '../../media/preview/protocol.js';
import { StemWriter } from '../../client/src/preview/frozen-stems.js';
import { ChannelMeterRecorder, type ChannelMeterEnvelopes } from '../../engine/src/index.js';
import { renderMix } from '../../session/src/index.js';
import { SessionChecker } from '../../client/src/preview/session.js';
import { buildMedia, exampleSession, launchChromium } from './prepare.js';
import { serve, type TestServer } from './server.js';

const NONCE = 'testnonce0123456789abcdef0123456';


/** The stand-in for acquireVsCodeApi: records what the page posts and keeps its state. */
const STUB = `
  window.__posted = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
`;

export interface PreviewSite {
  readonly server: TestServer;
  /** The session message for the mix file, its audio served by `server`. */
  readonly session: SessionMessage;
  readonly pageUrl: string;
  /** The mix file's folder, whose files are served under /session/. */
  readonly folder: string;
  /** The page's folder, served under /page/. */
  readonly pageFolder: string;
}

/**
 * Serves the built media (`dist`), the mix file's folder and the page (written to `pageDir`),
 * and checks the mix file as the extension host does.
 */
export async function previewSite(dist: string, mix: string, pageDir: string): Promise<PreviewSite> {
  const result = await new SessionChecker().check(mix, await readFile(mix, 'utf8'));
  if (!result.ok) throw new Error(`${mix} has errors: ${JSON.stringify(result.problems)}`);
  const server = await serve({ '/media/': join(dist, 'media'), '/session/': dirname(mix), '/page/': pageDir });
  const url = (written: string) => `${server.origin}/session/${written.split('/').map(encodeURIComponent).join('/')}`;
  const session: SessionMessage = {
    type: 'session', generation: 1, fileName: mix.split('/').pop()!, model: result.model, warnings: result.warnings,
    audio: result.audio.map((f) => ({ path: f.written, url: url(f.written), version: f.version })),
    references: Object.fromEntries(Object.entries(result.references).map(([n, f]) => [n, { path: f.written, url: url(f.written), version: f.version }])),
  };
  const html = previewHtml({
    source: server.origin, nonce: NONCE,
    script: `${server.origin}/media/preview/main.js`,
    styles: [`${server.origin}/media/preview/widgets.css`, `${server.origin}/media/preview/preview.css`],
    processor: `${server.origin}/media/worklet/processor.js`,
    title: `Preview ${session.fileName}`, document: `file:///songs/${session.fileName}`,
  }).replace('<script type="module"', `<script nonce="${NONCE}">${STUB}</script>\n  <script type="module"`);
  await mkdir(join(pageDir, 'preview'), { recursive: true });
  await writeFile(join(pageDir, 'preview', 'index.html'), html);
  return { server, session, pageUrl: `${server.origin}/page/preview/index.html`, folder: dirname(mix), pageFolder: pageDir };
}

/**
 * The frozen stems of the site's session, as the extension's analysis
 * writes them (into the page's folder, under frozen/, where they are
 * served), the message that hands them to the page, and the `trim auto`
 * gains the render measured (the page needs the same to match the stems),
 * and the tracks' meters it measured (what frozen rows show). Stems
 * already there are not written again.
 */
export async function frozenStems(site: PreviewSite, mixFile: string, threads: number | null = 1): Promise<{ frozen: FrozenMessage; trims: Record<string, number>; channelMeters: ChannelMeterEnvelopes }> {
  // Beside the page (never in the session's folder, which may be the repository's example).
  const folder = join(site.pageFolder, 'frozen');
  await mkdir(folder, { recursive: true });
  const writer = new StemWriter(folder, site.session.model.sampleRate);
  const versions = Object.fromEntries(site.session.audio.map((a) => [a.path, a.version]));
  let trims: Record<string, number> = {};
  const meters = new ChannelMeterRecorder(site.session.model);
  await renderMix(site.session.model, {
    onStrip: (s, p, n) => meters.add(s, p, n),
    onAutoTrims: (gains) => { trims = Object.fromEntries(gains); },
    file: mixFile, out: null, bits: '32f', stems: null, from: null, to: null, threads,
    onGroup: (g, sum, p, n) => writer.add(g, sum, p, n),
    fileVersion: (path) => versions[path] ?? '',
  });
  const stems = writer.finish();
  const frozen: FrozenMessage = {
    type: 'frozen',
    stems: stems.map((f) => ({ signature: f.signature, audio: { path: f.file, url: `${site.server.origin}/page/frozen/${basename(f.file)}`, version: basename(f.file) } })),
  };
  return { frozen, trims, channelMeters: meters.finish() };
}

/** What a test of the preview page runs on: the example session's site, and Chromium. */
export interface PreviewTestBed {
  readonly site: PreviewSite;
  readonly browser: Browser;
  /** Closes the browser and the server and removes the bed's folder. */
  close(): Promise<void>;
}

/**
 * The example session served with the webview bundles built from the sources
 * as they are now, into a temporary folder of its own (`mixdown-NAME-…`):
 * other test files read dist/ meanwhile, so no test rewrites it.
 */
export async function previewTestBed(name: string): Promise<PreviewTestBed> {
  const tmp = await mkdtemp(join(tmpdir(), `mixdown-${name}-`));
  let site: PreviewSite | null = null;
  try {
    const [mix] = await Promise.all([exampleSession(tmp), buildMedia(join(tmp, 'build', 'media'))]);
    site = await previewSite(join(tmp, 'build'), mix, tmp);
    const browser = await launchChromium();
    const served = site;
    return {
      site, browser,
      close: async () => {
        await browser.close();
        await served.server.close();
        await rm(tmp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await site?.server.close();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Opens the page (after `initScript`, if given, has run in it) and waits until it has said it is ready. */
export async function openPreview(browser: Browser, site: PreviewSite, initScript?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  if (initScript) await page.addInitScript(initScript);
  await page.goto(site.pageUrl);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return page;
}

/**
 * What VS Code does to a message on its way to a webview: JSON, with typed
 * arrays carried as they are (here: through a tag and back).
 */
export function asVsCodeDelivers<T>(message: T): T {
  const json = JSON.stringify(message, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { $typed: v.constructor.name, data: Array.from(v as Float32Array) } : v));
  return JSON.parse(json, (_k, v: unknown) => {
    const t = v as { $typed?: string; data?: number[] } | null;
    return t && typeof t === 'object' && t.$typed === 'Float32Array' ? Float32Array.from(t.data!) : v;
  }) as T;
}

/** Posts a message to the page as the extension host does (encoded for the wire, delivered as VS Code delivers it). */
export async function send(page: Page, message: ToPage): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), asVsCodeDelivers(toWire(message)) as unknown as Record<string, unknown>);
}

/** What the page has posted to the extension host. */
export async function posted(page: Page): Promise<FromPage[]> {
  return page.evaluate(() => (window as unknown as { __posted: FromPage[] }).__posted);
}
