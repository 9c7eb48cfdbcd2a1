/**
 * The preview at scale: 32 stereo tracks x 5 minutes (each with an EQ, a
 * compressor, a fader and a pan; a limiter on the master), played by the
 * preview page in Chromium through the engine's AudioWorklet. Prints:
 * - how long the page takes to fetch and decode the session's audio;
 * - the audio thread's load while playing (share of each render quantum's
 *   time budget the engine used; at 100% it would fall behind and drop out),
 *   and how far the playhead moved against the wall clock;
 * - how long an edit takes to be heard (session message in, crossfade out),
 *   and how long the extension host takes to check the edited file;
 * - the memory of Chromium's processes.
 *
 *   npm run bench:preview            (builds first)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNoiseStem } from './stems.js';
import { SessionChecker } from '../client/src/preview/session.js';
import { CHROMIUM, launchChromium } from '../test/browser/prepare.js';
import { openPreview, previewSite, send } from '../test/browser/preview-page.js';

const TRACKS = 32;
const SECONDS = 300;
const RATE = 48000;
const PLAY_SECONDS = 20;
const EDITS = 12;
const dir = join(tmpdir(), 'mixdown-bench-preview');

function mixFile(): string {
  let s = `title "preview benchmark"\nsamplerate ${RATE} Hz\ntempo 120 bpm\n`;
  for (let t = 0; t < TRACKS; t++) {
    s += `track t${t} {\n  file "stem${t}.wav"\n  eq {\n    highpass 80 Hz\n    bell 1 kHz -3 dB q 1\n    highshelf 8 kHz +2 dB\n  }\n`;
    s += `  comp {\n    threshold -20 dB\n    ratio 4:1\n    attack 10 ms\n    release 100 ms\n  }\n  gain -18 dB\n  pan ${((t % 9) - 4) * 10}%\n}\n`;
  }
  s += `master {\n  limit { ceiling -1 dBTP }\n}\n`;
  return s;
}

/** Resident memory (MB) of a process and all its descendants. */
function treeRssMb(root: number): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid!, [...(children.get(ppid!) ?? []), pid!]);
  const rss = new Map(rows.map(([pid, , kb]) => [pid!, kb!]));
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total / 1024;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (Debian: apt-get install chromium)`);
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  for (let t = 0; t < TRACKS; t++) writeNoiseStem(join(dir, `stem${t}.wav`), SECONDS, RATE, 1000 + t, 16);
  const mix = join(dir, 'bench.mix');
  await writeFile(mix, mixFile());
  console.log(`session: ${TRACKS} stereo tracks x ${SECONDS} s, 16-bit (${((TRACKS * SECONDS * RATE * 4) / 2 ** 20).toFixed(0)} MB of audio); stems ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The extension host's per-edit check of this file.
  const checker = new SessionChecker();
  const text = await readFile(mix, 'utf8');
  await checker.check(mix, text);
  const checkMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    await checker.check(mix, text.replace('gain -18 dB', `gain -${18 + i} dB`));
    checkMs.push(performance.now() - s);
  }

  const site = await previewSite(resolve('dist'), mix, join(dir, 'page'));
  const browser = await launchChromium();
  try {
    const page = await openPreview(browser, site);
    const loadStart = performance.now();
    await send(page, site.session);
    await page.waitForFunction(() => /Ready/.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 600_000, polling: 100 });
    const loadS = (performance.now() - loadStart) / 1000;

    await page.click('#play');
    await page.waitForFunction(() => document.body.dataset['state'] === 'playing', undefined, { timeout: 60_000 });
    // (No named functions inside evaluate: the bundler's helpers do not exist in the page.)
    const samples = await page.evaluate(async (seconds) => {
      const loads: number[] = [];
      const wall0 = performance.now();
      const pos0 = (document.querySelector('#position-clock')?.textContent ?? '0:0').split(':').reduce((m, s) => m * 60 + Number(s), 0);
      while (performance.now() - wall0 < seconds * 1000) {
        await new Promise((r) => setTimeout(r, 100));
        loads.push(Number(document.body.dataset['load'] ?? 0));
      }
      const pos1 = (document.querySelector('#position-clock')?.textContent ?? '0:0').split(':').reduce((m, s) => m * 60 + Number(s), 0);
      return { loads, moved: pos1 - pos0, wall: (performance.now() - wall0) / 1000 };
    }, PLAY_SECONDS);
    // Chromium runs as this process's child: its processes are our descendants, less ourselves.
    const rssPlaying = treeRssMb(process.pid) - process.memoryUsage().rss / 2 ** 20;

    // Edits while playing: each changes one track's fader. The latency is from the message reaching
    // the page to the audio thread starting to crossfade to the edit (both clocks are Date.now()).
    const latencies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const generation = 100 + i;
      const model = { ...site.session.model, channels: site.session.model.channels.map((c) => (c.name === `t${i}` ? { ...c, gainDb: c.gainDb - 3 } : c)) };
      const start = await page.evaluate((message) => {
        const t = Date.now();
        window.postMessage(message, '*');
        return t;
      }, { ...site.session, generation, model } as unknown as Record<string, unknown>);
      await page.waitForFunction((g) => document.body.dataset['heard'] === String(g), generation, { timeout: 10_000, polling: 10 });
      latencies.push(Number(await page.evaluate(() => document.body.dataset['heardAt'])) - start);
      await page.waitForTimeout(150);
    }
    const outputLatencyMs = 1000 * Number(await page.evaluate(() => document.body.dataset['outputLatency']));

    const loads = samples.loads.filter((x) => x > 0);
    console.log(`page: fetch and decode ${loadS.toFixed(1)} s`);
    console.log(`playing ${PLAY_SECONDS} s: engine load mean ${(100 * loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(0)}%, p95 ${(100 * quantile(loads, 0.95)).toFixed(0)}%, max ${(100 * Math.max(...loads)).toFixed(0)}% of the real-time budget; playhead moved ${samples.moved.toFixed(2)} s in ${samples.wall.toFixed(2)} s of wall time`);
    console.log(`edit reaches the audio thread's output after: p50 ${quantile(latencies, 0.5).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (page message to crossfade start), then the browser's output latency ${outputLatencyMs.toFixed(0)} ms`);
    console.log(`host check of the edited file: p50 ${quantile(checkMs, 0.5).toFixed(0)} ms, max ${Math.max(...checkMs).toFixed(0)} ms (plus the panel's 15 ms debounce after the last keystroke)`);
    console.log(`Chromium memory while playing: ${rssPlaying.toFixed(0)} MB (all its processes)`);
  } finally {
    await browser.close();
    await site.server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
