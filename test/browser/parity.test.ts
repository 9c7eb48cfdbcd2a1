/**
 * The engine in an AudioWorklet in real Chromium renders the example session
 * with the samples of `mixdown render --bits 32f`.
 *
 * The page (test/browser/pages/parity) checks the .mix text, fetches and decodes the WAV
 * files with our own code, measures `trim auto`, and renders the session in
 * an OfflineAudioContext through the processor (media/worklet), 128 frames
 * at a time. The `target` head gain comes from the CLI's own search, run
 * here in Node (it needs a whole render of every channel first), and is
 * passed to the page.
 *
 * Bit for bit, and why. Both sides run the same code in float64 and round
 * each output sample to float32 once, to nearest (the WAV writer with
 * DataView.setFloat32, the worklet by storing into its output array, which
 * the OfflineAudioContext hands to the destination untouched), and the
 * engine's output does not depend on the block size. So the processor
 * bundle, run in Node (worklet-in-node.ts) with its 128-frame blocks and
 * in-memory sources, must give the CLI's file bit for bit: that is asserted
 * first. Chromium is another V8, whose Math.sin, cos, tan, exp, log10 and
 * pow differ from Node 20's in the last bit for a few percent of arguments;
 * the engine uses none of them for anything that reaches a sample (its own
 * portable versions, engine/src/dsp/portable-math.ts, are built from the
 * operations IEEE 754 fixes), so Chromium's render must be the CLI's too,
 * every sample of it.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureAutoTrims, decodeFrames, parseWavHeader } from '../../engine/src/index.js';
import { checkWithFacts, renderMix, WavFileProvider } from '../../session/src/index.js';
import { buildMedia, CHROMIUM, ensureCliBuilt, exampleSession, HAVE_CHROMIUM, launchChromium, ROOT, run } from './prepare.js';
import { serve, type TestServer } from './server.js';
import { renderInNode } from './worklet-in-node.js';
import { StemWriter } from '../../client/src/preview/frozen-stems.js';

const MISSING = `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
const TITLE = HAVE_CHROMIUM ? 'the engine in an AudioWorklet (Chromium)' : `the engine in an AudioWorklet: skipped, ${MISSING}`;
if (!HAVE_CHROMIUM) console.warn(`test/browser skipped: ${MISSING}`);

/** What test/browser/pages/parity/main.ts returns (the page's types need the DOM library, which Node tests do not have). */
interface ParityResult {
  sampleRate: number;
  channels: number;
  frames: number;
  latency: number;
  frozenGroups: number;
  autoTrims: [string, number][];
  fetchMs: number;
  decodeMs: number;
  trimsMs: number;
  renderMs: number;
  uploadBytes: number;
}
interface ParityPage {
  mixdownParity: { run(options: { mix: string; headGainDb: number | null; upload: string; frozen?: { signature: string; path: string }[] }): Promise<ParityResult> };
}

/** A whole WAV file decoded by the engine's code, at its own rate, as float64. */
function decodeWhole(bytes: Buffer): { sampleRate: number; frames: number; channels: Float64Array[] } {
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = parseWavHeader(u8, u8.byteLength);
  if (!header.ok) throw new Error(header.reason);
  const f = header.format;
  const channels = Array.from({ length: f.channels }, () => new Float64Array(f.frames));
  decodeFrames(u8, 0, f, 0, f.frames, channels);
  return { sampleRate: f.sampleRate, frames: f.frames, channels };
}

/** Planar float32 channels of a 32-bit float WAV file. */
function readFloatWav(bytes: Buffer): { sampleRate: number; channels: Float32Array[] } {
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = parseWavHeader(u8, u8.byteLength);
  if (!header.ok) throw new Error(`the CLI's render: ${header.reason}`);
  const f = header.format;
  expect([f.encoding, f.bitsPerSample]).toEqual(['float', 32]);
  const view = new DataView(u8.buffer, u8.byteOffset + f.dataOffset, f.frames * f.blockAlign);
  const channels = Array.from({ length: f.channels }, () => new Float32Array(f.frames));
  for (let i = 0, p = 0; i < f.frames; i++) for (let c = 0; c < f.channels; c++, p += 4) channels[c]![i] = view.getFloat32(p, true);
  return { sampleRate: f.sampleRate, channels };
}

interface Comparison {
  differing: number;
  /** Largest distance in float32 steps (ulps). */
  maxSteps: number;
  maxDiff: number;
  /** First frame that differs in any channel, or -1. */
  first: number;
}

function compare(a: readonly Float32Array[], b: readonly Float32Array[]): Comparison {
  expect(a.map((x) => x.length)).toEqual(b.map((x) => x.length));
  const d: Comparison = { differing: 0, maxSteps: 0, maxDiff: 0, first: -1 };
  a.forEach((x, c) => {
    const y = b[c]!;
    const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
    const yi = new Int32Array(y.buffer, y.byteOffset, y.length);
    for (let i = 0; i < x.length; i++) {
      if (x[i] === y[i]) continue;
      d.differing++;
      if (d.first < 0 || i < d.first) d.first = i;
      d.maxDiff = Math.max(d.maxDiff, Math.abs(x[i]! - y[i]!));
      d.maxSteps = Math.max(d.maxSteps, Math.abs(ordered(xi[i]!) - ordered(yi[i]!)));
    }
  });
  return d;
}

/** A float32's bit pattern as an integer that orders like the values (both zeros are 0), so float32 steps subtract. */
function ordered(bits: number): number {
  return bits >= 0 ? bits : -(bits & 0x7fffffff);
}

function peak(x: Float32Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

function rms(x: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / x.length);
}

describe.skipIf(!HAVE_CHROMIUM)(TITLE, () => {
  let tmp = '';
  let mix = '';
  /** The webview bundles, built for this test (dist/media is left to `npm run build`). */
  let media = '';
  let server: TestServer | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mixdown-browser-'));
    [mix, , media] = await Promise.all([exampleSession(tmp), ensureCliBuilt(), buildMedia(join(tmp, 'media'), ['parity'])]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('renders the example session sample for sample like `mixdown render --bits 32f`', async () => {
    const times: Record<string, number> = {};
    const t0 = performance.now();

    // The CLI, as users run it (in the background while the rest goes on).
    const cliOut = join(tmp, 'cli.wav');
    const cli = run(process.execPath, [join(ROOT, 'dist/cli.js'), 'render', mix, '-o', cliOut, '--bits', '32f'])
      .then((r) => ((times.cliS = (performance.now() - t0) / 1000), r));
    cli.catch(() => {}); // awaited below; this only keeps an early failure from being reported as unhandled

    // The CLI's own code for `trim auto` and the target search, in this process.
    const checked = await checkWithFacts(mix, await readFile(mix, 'utf8'));
    expect(checked.hasErrors).toBe(false);
    const model = checked.model;
    const provider = new WavFileProvider(dirname(mix), model.sampleRate);
    const nodeTrims = measureAutoTrims(model, provider);
    provider.close();
    const t1 = performance.now();
    const search = await renderMix(checked.model, { file: mix, out: null, bits: '32f', stems: null, from: null, to: null, threads: 1 });
    times.targetSearchS = (performance.now() - t1) / 1000;
    expect(search.target?.reached).toBe(true);
    const headGainDb = search.target!.headGainDb;

    // The processor bundle in Node, sent what the page sends (media/worklet/protocol.ts).
    const t1b = performance.now();
    const paths = [...new Set(model.channels.flatMap((c) => c.clips.map((k) => k.path)))];
    const sources = await Promise.all(paths.map(async (p) => ({ path: p, ...decodeWhole(await readFile(join(dirname(mix), p))) })));
    const frames = Math.round(model.length! * model.sampleRate);
    const load = { type: 'load', model, sources, autoTrims: nodeTrims, headGainDb, generation: 0 };
    const nodeWorklet = await renderInNode(join(media, 'worklet/processor.js'), model.sampleRate, load, frames, 2);
    times.nodeWorkletS = (performance.now() - t1b) / 1000;

    // The page, in Chromium.
    await mkdir(join(tmp, 'frozen'), { recursive: true });
    server = await serve({ '/media/': media, '/session/': dirname(mix), '/frozen/': join(tmp, 'frozen') });
    browser = await launchChromium();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(`${server.origin}/media/parity/index.html`);
    await page.waitForFunction(() => 'mixdownParity' in globalThis);
    const t2 = performance.now();
    const result = await page.evaluate(
      (options) => (globalThis as unknown as ParityPage).mixdownParity.run(options),
      { mix: `/session/${encodeURIComponent(basename(mix))}`, headGainDb, upload: '/upload/worklet' },
    );
    times.pageS = (performance.now() - t2) / 1000;
    expect(pageErrors).toEqual([]);

    // The page measured `trim auto` exactly as the CLI does.
    expect(result.autoTrims).toEqual([...nodeTrims]);
    expect(result.autoTrims.length).toBeGreaterThan(0);

    // The expected length and shape: stereo, 48 kHz, `length bar 25`: 20 bars of 4/4 at 124 bpm, then 16 beats
    // ramping to 100 bpm, (60/k)·ln(100/124) with k = -24/16 bpm a beat.
    expect(frames).toBe(Math.round(((80 * 60) / 124 + (60 / (-24 / 16)) * Math.log(100 / 124)) * 48_000));
    expect(result).toMatchObject({ sampleRate: 48_000, channels: 2, frames });
    const upload = server.uploads.get('worklet');
    expect(upload?.byteLength).toBe(frames * 2 * 4);
    const aligned = new Uint8Array(upload!).buffer; // a copy at offset 0, so float32 views line up
    const worklet = [0, 1].map((c) => new Float32Array(aligned, c * frames * 4, frames));

    await cli;
    const reference = readFloatWav(await readFile(cliOut));
    expect(reference.sampleRate).toBe(48_000);
    expect(reference.channels.map((c) => c.length)).toEqual([frames, frames]);

    // Not silent: a -14 LUFS master just under its -1 dBTP ceiling.
    for (const ch of worklet) {
      expect(peak(ch)).toBeGreaterThan(0.5);
      expect(peak(ch)).toBeLessThan(1);
      expect(rms(ch)).toBeGreaterThan(0.05);
    }

    // Sample by sample.
    const inNode = compare(nodeWorklet, reference.channels);
    const browserVsNode = compare(worklet, nodeWorklet);
    const browserVsCli = compare(worklet, reference.channels);
    times.totalS = (performance.now() - t0) / 1000;
    const rtf = frames / model.sampleRate / (result.renderMs / 1000);
    const show = (d: Comparison) =>
      `${d.differing} samples differ, by at most ${d.maxSteps} float32 step(s), max |difference| ${d.maxDiff}` +
      (d.first >= 0 ? `, first at frame ${d.first} (${(d.first / model.sampleRate).toFixed(3)} s)` : '');
    console.log(
      `${frames} frames x 2` +
        `\nprocessor in Node vs CLI: ${show(inNode)}` +
        `\nChromium worklet vs processor in Node: ${show(browserVsNode)}` +
        `\nChromium worklet vs CLI: ${show(browserVsCli)}` +
        `\nhead gain ${headGainDb} dB (the CLI's search, in Node: ${times.targetSearchS!.toFixed(1)} s); latency ${result.latency} frames` +
        `\npage: fetch ${result.fetchMs.toFixed(0)} ms, decode ${result.decodeMs.toFixed(0)} ms, trim auto ${result.trimsMs.toFixed(0)} ms, ` +
        `worklet render ${(result.renderMs / 1000).toFixed(1)} s (${rtf.toFixed(1)}x real time); whole page ${times.pageS!.toFixed(1)} s` +
        `\nprocessor in Node ${times.nodeWorkletS!.toFixed(1)} s; CLI render done after ${times.cliS?.toFixed(1)} s; test ${times.totalS.toFixed(1)} s`,
    );
    // The worklet path itself (sources, resampling, blocks, latency) changes nothing,
    // and neither does Chromium's V8: not one sample differs.
    expect(inNode.differing).toBe(0);
    expect(browserVsNode.differing).toBe(0);
    expect(browserVsCli.differing).toBe(0);

    // Frozen: every summing group played from the stem the extension's analysis writes (in Node), the rest
    // run in Chromium. The bus inputs get the same numbers in the same order: the CLI's render again.
    const folder = join(tmp, 'frozen'); // served under /frozen/ (never in the example's own folder)
    const writer = new StemWriter(folder, model.sampleRate);
    await renderMix(checked.model, { file: mix, out: null, bits: '32f', stems: null, from: null, to: null, threads: 1, onGroup: (g, sum, p, n) => writer.add(g, sum, p, n) });
    const stems = writer.finish();
    expect(stems.length).toBeGreaterThan(0);
    const frozenResult = await page.evaluate(
      (options) => (globalThis as unknown as ParityPage).mixdownParity.run(options),
      {
        mix: `/session/${encodeURIComponent(basename(mix))}`, headGainDb, upload: '/upload/frozen',
        frozen: stems.map((f) => ({ signature: f.signature, path: `/frozen/${basename(f.file)}` })),
      },
    );
    expect(pageErrors).toEqual([]);
    expect(frozenResult.frames).toBe(frames);
    expect(result.frozenGroups).toBe(0);
    expect(frozenResult.frozenGroups).toBe(stems.length);
    const frozenUpload = new Uint8Array(server.uploads.get('frozen')!).buffer;
    const frozen = [0, 1].map((c) => new Float32Array(frozenUpload, c * frames * 4, frames));
    const frozenVsCli = compare(frozen, reference.channels);
    console.log(`Chromium worklet with ${stems.length} frozen groups vs CLI: ${show(frozenVsCli)}`);
    expect(frozenVsCli.differing).toBe(0);
  }, 300_000);
});
