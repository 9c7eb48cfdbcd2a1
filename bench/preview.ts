/**
 * The preview at scale: N stereo 16-bit tracks x S seconds (32 x 300 unless
 * told; each with an EQ, a compressor, a fader and a pan; a limiter on the
 * master), played by the preview page in Chromium through the engine's
 * AudioWorklet. Prints:
 * - time to first sound: from the session reaching the page, with Play
 *   pressed at once, to the first meter report of audible output;
 * - how long until the page has every file it needs to play on (its status
 *   line settles);
 * - the audio thread's load while playing (share of each render quantum's
 *   time budget the engine used; at 100% it would fall behind and drop out),
 *   and how far the playhead moved against the wall clock;
 * - how long an edit takes to be heard (session message in, crossfade out),
 *   and how long the extension host takes to check the edited file;
 * - seek-to-sound: from a click on the overview far from the playhead to
 *   the first report of audible output there;
 * - a preview Mute on a frozen track: from the click to the audio thread
 *   taking the session that runs its group live;
 * - first sound again for a panel opened once more, whose last analysis's
 *   stems the host hands over before the session;
 * - how busy Chromium's threads are while it plays (the page's own thread
 *   reads every fetched byte, draws the panel and takes the edits);
 * - the memory of Chromium's processes.
 *
 *   npm run bench:preview                                  (builds first)
 *   npm run bench:preview -- --tracks 128 --seconds 300
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { writeNoiseStem } from './stems.js';
import { SessionChecker } from '../client/src/preview/session.js';
import { CHROMIUM, launchChromium } from '../test/browser/prepare.js';
import { frozenStems, openPreview, previewSite, send } from '../test/browser/preview-page.js';

const { values: args } = parseArgs({ options: { tracks: { type: 'string', default: '32' }, seconds: { type: 'string', default: '300' } } });
const TRACKS = Number(args.tracks);
const SECONDS = Number(args.seconds);
if (!(Number.isInteger(TRACKS) && TRACKS > 0 && Number.isFinite(SECONDS) && SECONDS >= 30)) {
  console.error(`bench:preview: --tracks takes a whole number above 0 and --seconds 30 or more (got ${args.tracks}, ${args.seconds})`);
  process.exit(2);
}
const RATE = 48000;
const PLAY_SECONDS = 20;
const EDITS = 12;
const SEEKS = 5;
/** A seek not heard within this long is reported as such. */
const SEEK_TIMEOUT_MS = 15_000;
// Stems are kept between runs; one folder serves every track count of a length.
const dir = join(tmpdir(), `mixdown-bench-preview-${SECONDS}s`);

function mixFile(): string {
  let s = `title "preview benchmark"\nsamplerate ${RATE} Hz\ntempo 120 bpm\n`;
  for (let t = 0; t < TRACKS; t++) {
    s += `track t${t} {\n  file "stem${t}.wav"\n  eq {\n    highpass 80 Hz\n    bell 1 kHz -3 dB q 1\n    highshelf 8 kHz +2 dB\n  }\n`;
    s += `  comp {\n    threshold -20 dB\n    ratio 4:1\n    attack 10 ms\n    release 100 ms\n  }\n  gain -18 dB\n  pan ${((t % 9) - 4) * 10}%\n}\n`;
  }
  s += `master {\n  limit { ceiling -1 dBTP }\n}\n`;
  return s;
}

/**
 * Memory (MB) of a process's descendants (Chromium's processes, not this
 * one): resident (RSS, which counts pages shared between Chromium's
 * processes, such as its code, once in every process) and proportional
 * (PSS, shared pages split between the processes sharing them: what the
 * browser really takes).
 */
function descendantsMemoryMb(root: number): { rss: number; pss: number } {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid!, [...(children.get(ppid!) ?? []), pid!]);
  let rss = 0;
  let pss = 0;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
    stack.push(...(children.get(p) ?? []));
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

/**
 * How busy Chromium's threads are for `ms` of wall time, from a trace of
 * their top-level tasks: the page's main thread (streaming, messages,
 * drawing), the audio thread, the compositor. The busiest first.
 */
async function threadsBusy(page: Page, ms: number): Promise<[string, number][]> {
  const cdp = await page.context().newCDPSession(page);
  const events: { name: string; ph: string; dur?: number; tid: number; args?: { name?: string } }[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as typeof events)));
  const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.start', { categories: 'toplevel', transferMode: 'ReportEvents' });
  await page.waitForTimeout(ms);
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const names = new Map<number, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(e.tid, e.args.name);
  const busy = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || !e.dur) continue;
    const name = names.get(e.tid) ?? `thread ${e.tid}`;
    busy.set(name, (busy.get(name) ?? 0) + e.dur / 1000 / ms);
  }
  return [...busy].sort((a, b) => b[1] - a[1]).slice(0, 4);
}

interface Playing {
  readonly loads: number[];
  readonly starved: number;
  readonly samples: number;
  readonly moved: number;
  readonly wall: number;
  readonly busy: [string, number][];
  readonly memory: { rss: number; pss: number };
}

/** PLAY_SECONDS of playing: the audio thread's load, whether the files kept up, the threads' business, the memory. */
async function playing(page: Page): Promise<Playing> {
  const busy = await threadsBusy(page, 3000);
  // (No named functions inside evaluate: the bundler's helpers do not exist in the page.)
  const samples = await page.evaluate(async (seconds) => {
    const loads: number[] = [];
    let starved = 0;
    const wall0 = performance.now();
    const pos0 = (document.querySelector('#position-clock')?.textContent ?? '0:0').split(':').reduce((m, s) => m * 60 + Number(s), 0);
    while (performance.now() - wall0 < seconds * 1000) {
      await new Promise((r) => setTimeout(r, 100));
      loads.push(Number(document.body.dataset['load'] ?? 0));
      if (document.body.dataset['starved'] === 'true') starved++;
    }
    const pos1 = (document.querySelector('#position-clock')?.textContent ?? '0:0').split(':').reduce((m, s) => m * 60 + Number(s), 0);
    return { loads, starved, moved: pos1 - pos0, wall: (performance.now() - wall0) / 1000 };
  }, PLAY_SECONDS);
  // Chromium runs as this process's child: its processes are our descendants, less ourselves.
  return { ...samples, loads: samples.loads.filter((x) => x > 0), samples: samples.loads.length, busy, memory: descendantsMemoryMb(process.pid) };
}

function report(label: string, p: Playing): void {
  const loads = p.loads;
  console.log(`${label}, playing ${PLAY_SECONDS} s: engine load mean ${(100 * loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(0)}%, p95 ${(100 * quantile(loads, 0.95)).toFixed(0)}%, max ${(100 * Math.max(...loads)).toFixed(0)}% of the real-time budget; `
    + `playhead moved ${p.moved.toFixed(2)} s in ${p.wall.toFixed(2)} s of wall time; `
    + `${p.starved === 0 ? 'the files kept up all along' : `the files did not keep up in ${p.starved} of ${p.samples} samples`}`);
  console.log(`  busy (share of 3 s of wall time): ${p.busy.map(([name, share]) => `${name} ${(100 * share).toFixed(0)}%`).join(', ')}`);
  console.log(`  Chromium memory: ${p.memory.pss.toFixed(0)} MB proportional (PSS), ${p.memory.rss.toFixed(0)} MB resident counting shared pages in each process (RSS); all its processes`);
}

/**
 * Seeks far from the playhead: a click on the overview, then the first
 * report of sound from at least 50 ms past the click's time (so the
 * report's peak is of audio played after the seek).
 */
async function seeks(page: Page, label: string): Promise<void> {
  const seekMs: number[] = [];
  const box = (await page.locator('.md-waveform-top').boundingBox())!;
  for (let i = 0; i < SEEKS; i++) {
    const fraction = [0.8, 0.3, 0.6, 0.15, 0.9][i]!;
    const target = fraction * SECONDS;
    const clickAt = await page.evaluate(() => Date.now());
    await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
    const heard = await page.waitForFunction(({ target, clickAt }) => {
      const clock = (document.querySelector('#position-clock')?.textContent ?? '0:0').split(':').reduce((m, s) => m * 60 + Number(s), 0);
      const peak = document.querySelector('#meter-peak-master')?.textContent?.trim() ?? '';
      const now = Date.now();
      return clock - target > 0.05 && clock - target < 2 && /^-?\d/.test(peak) && Number(peak) > -60 && now;
    }, { target, clickAt }, { timeout: SEEK_TIMEOUT_MS, polling: 10 }).catch(() => null);
    // No sound there within the time: counted as that long, and said.
    seekMs.push(heard ? Number(await heard.jsonValue()) - clickAt : Infinity);
    await page.waitForTimeout(500);
  }
  const unheard = seekMs.filter((ms) => ms === Infinity).length;
  const heardMs = seekMs.filter((ms) => ms !== Infinity);
  console.log(heardMs.length === 0
    ? `seek to sound (${label}): none of ${SEEKS} clicks on the overview was heard within ${SEEK_TIMEOUT_MS / 1000} s`
    : `seek to sound (${label}): p50 ${quantile(heardMs, 0.5).toFixed(0)} ms, max ${Math.max(...heardMs).toFixed(0)} ms (${SEEKS} clicks on the overview)`
      + (unheard > 0 ? `; ${unheard} not heard within ${SEEK_TIMEOUT_MS / 1000} s` : ''));
}

/** Posts `session` to the page (Play already pressed) and times it to the first meter report with sound in it. */
async function firstSound(page: Page, session: unknown): Promise<{ sessionAt: number; firstSoundS: number }> {
  const sessionAt = await page.evaluate((message) => {
    const t = Date.now();
    window.postMessage(message, '*');
    return t;
  }, session as Record<string, unknown>);
  const soundAt = await page.waitForFunction(() => {
    const peak = document.querySelector('#meter-peak-master')?.textContent?.trim() ?? '';
    return document.body.dataset['state'] === 'playing' && /^-?\d/.test(peak) && Number(peak) > -60 && Date.now();
  }, undefined, { timeout: 900_000, polling: 10 });
  return { sessionAt, firstSoundS: (Number(await soundAt.jsonValue()) - sessionAt) / 1000 };
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
    // Play pressed as the session arrives, as a producer presses it on opening the panel: the clock runs
    // from the session message to the first meter report with sound in it.
    await page.click('#play');
    const { sessionAt, firstSoundS } = await firstSound(page, site.session);
    await page.waitForFunction(() => (document.querySelector('#status')?.textContent ?? '') === '', undefined, { timeout: 900_000, polling: 100 });
    const settledS = (Date.now() - sessionAt) / 1000;
    console.log(`first sound ${firstSoundS.toFixed(2)} s after the session reached the page (Play already pressed); every file in ${settledS.toFixed(1)} s`);

    // Every track live, streamed, as before the extension's first analysis is done.
    report('every track live (before the analysis)', await playing(page));

    // The analysis, as the extension runs it (one thread, beside the playing page), writes the summing
    // groups' stems (kept between runs); then the page plays the groups that did not change from them.
    const stemsAt = performance.now();
    const { frozen, trims } = await frozenStems(site, mix, 1);
    const stemsS = (performance.now() - stemsAt) / 1000;
    await send(page, { type: 'trims', generation: site.session.generation, trims });
    await send(page, frozen);
    await page.waitForFunction(() => Number(document.body.dataset['frozen'] ?? 0) > 0, undefined, { timeout: 60_000, polling: 50 });
    const frozenTracks = Number(await page.evaluate(() => document.body.dataset['frozen']));
    console.log(`analysis with the stems of ${frozen.stems.length} summing groups: ${stemsS.toFixed(1)} s (stems already written are kept); ${frozenTracks} of ${TRACKS} tracks frozen`);
    report('frozen, nothing edited', await playing(page));
    // The overview's length (the host's analysis would bring it with the waveform): clicks map to times.
    await send(page, {
      type: 'analysis',
      analysis: { generation: site.session.generation, headGainDb: 0, targetProblem: null, integratedLufs: -20, truePeakDb: -1, overview: { peaks: [], duration: SECONDS }, references: {} },
    });
    await seeks(page, 'every track frozen');


    // Edits while playing: each changes one track's fader. The latency is from the message reaching
    // the page to the audio thread starting to crossfade to the edit (both clocks are Date.now()).
    // First, edits with no warning: the first finds t0's group frozen, so the group goes live and its
    // tracks' files are read first; the rest find it running and are taken at once.
    const toFrozen: number[] = [];
    const toWarm: number[] = [];
    const toLive: number[] = [];
    const edited = new Set<string>();
    const modelWith = (names: ReadonlySet<string>) => ({
      ...site.session.model,
      channels: site.session.model.channels.map((c) => (names.has(c.name) ? { ...c, gainDb: c.gainDb - 3 } : c)),
    });
    let generation = 100;
    /** Sends `model` as an edit; returns the milliseconds from the page message to the crossfade's start. */
    const editTo = async (model: typeof site.session.model): Promise<number> => {
      const g = ++generation;
      const start = await page.evaluate((message) => {
        const t = Date.now();
        window.postMessage(message, '*');
        return t;
      }, { ...site.session, generation: g, model } as unknown as Record<string, unknown>);
      await page.waitForFunction((x) => document.body.dataset['heard'] === String(x), g, { timeout: 10_000, polling: 10 });
      return Number(await page.evaluate(() => document.body.dataset['heardAt'])) - start;
    };
    const isFrozen = (name: string) => page.evaluate((n) => document.querySelector(`li[data-channel="${n}"]`)?.classList.contains('channel--frozen') ?? false, name);
    for (let i = 0; i < EDITS / 2; i++) {
      const name = `t${i}`;
      const wasFrozen = await isFrozen(name);
      edited.add(name);
      (wasFrozen ? toFrozen : toLive).push(await editTo(modelWith(edited)));
      await page.waitForTimeout(150);
    }
    // Then edits as a person makes them in the editor: the cursor comes into a frozen track's block
    // (the host says so as it moves) and the edit follows a second later. The page has meanwhile kept
    // that group's files streamed and its tracks running unheard. Each edit is undone before the next
    // (its group plays its stem again), and each goes to another group where there are several.
    const groups = Math.ceil(TRACKS / 16);
    const warmDetails: string[] = [];
    const frozenBefore = Number(await page.evaluate(() => document.body.dataset['frozen']));
    for (let i = 0; i < EDITS / 2; i++) {
      const name = `t${Math.min(TRACKS - 1, 16 * (1 + (i % Math.max(1, groups - 1))) + i)}`;
      if (!(await isFrozen(name))) continue;
      await send(page, { type: 'focus', channel: name });
      await page.waitForTimeout(1000);
      // Whether the audio thread ran the group unheard by then (its files must be in first).
      const warmAtEdit = Number(await page.evaluate(() => document.body.dataset['warmGroups'] ?? 0));
      const ms = await editTo(modelWith(new Set([...edited, name])));
      toWarm.push(ms);
      warmDetails.push(`${name} ${ms} ms (${warmAtEdit} group${warmAtEdit === 1 ? '' : 's'} running unheard)`);
      await page.waitForTimeout(150);
      await editTo(modelWith(edited));
      await page.waitForFunction((n) => Number(document.body.dataset['frozen'] ?? 0) === n, frozenBefore, { timeout: 60_000, polling: 50 });
    }
    await send(page, { type: 'focus', channel: null });
    console.log(`edits a second after the cursor came into the track's block: ${warmDetails.join(', ')}`);
    const outputLatencyMs = 1000 * Number(await page.evaluate(() => document.body.dataset['outputLatency']));
    const figures = (xs: number[]) => (xs.length === 0 ? 'none' : `p50 ${quantile(xs, 0.5).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (${xs.length})`);
    console.log(`edit reaches the audio thread's output after (page message to crossfade start; then the browser's output latency, ${outputLatencyMs.toFixed(0)} ms):`);
    console.log(`  to a track that runs: ${figures(toLive)}; to a frozen track (its group goes live): ${figures(toFrozen)} with its files read first, ${figures(toWarm)} with the cursor in its block for a second before (its group warm)`);
    console.log(`host check of the edited file: p50 ${quantile(checkMs, 0.5).toFixed(0)} ms, max ${Math.max(...checkMs).toFixed(0)} ms (plus the panel's 15 ms debounce after the last keystroke)`);

    const liveNow = await page.evaluate(() => document.querySelectorAll('li.channel--track:not(.channel--frozen)').length);
    await seeks(page, `${liveNow} tracks live after the edits`);

    // Mute in the panel on a track of a frozen group, and unmute. The edits undone, every group plays
    // frozen again; 20 s on, what the edits fetched of the tracks' files is behind the playhead.
    await page.evaluate((message) => window.postMessage(message, '*'), { ...site.session, generation: 200 } as unknown as Record<string, unknown>);
    await page.waitForFunction((n) => Number(document.body.dataset['frozen'] ?? 0) === n, frozenTracks, { timeout: 60_000, polling: 50 });
    await page.waitForTimeout(20_000);
    await send(page, { type: 'focus', channel: null });
    const unfreezeMs: number[] = [];
    const unfreezeHoveredMs: number[] = [];
    const refreezeMs: number[] = [];
    // The pointer moves straight onto Mute and clicks; then, on another group, rests on it for half a
    // second first (the page keeps the group of a row whose Mute or Solo is under the pointer streamed).
    for (const [name, restMs] of [['t3', 0], ['t20', 500]] as const) {
      for (const list of [restMs > 0 ? unfreezeHoveredMs : unfreezeMs, refreezeMs]) {
        const button = `li[data-channel="${name}"] .channel-mute`;
        if (restMs > 0 && list !== refreezeMs) {
          await page.hover(button);
          await page.waitForTimeout(restMs);
        }
        const before = await page.evaluate(() => document.body.dataset['loadedAt'] ?? '');
        const clickAt = await page.evaluate(() => Date.now());
        await page.click(button);
        const loaded = await page.waitForFunction((b) => (document.body.dataset['loadedAt'] ?? '') !== b && Number(document.body.dataset['loadedAt']), before, { timeout: 10_000, polling: 10 });
        list.push(Number(await loaded.jsonValue()) - clickAt);
        await page.waitForTimeout(500);
      }
    }
    console.log(`preview Mute in the panel, click to the audio thread taking the session: on a frozen track (its group goes live) ${figures(unfreezeMs)} clicked at once, ${figures(unfreezeHoveredMs)} with the pointer on Mute for 0.5 s first; unmuted (the group plays its stem again) ${figures(refreezeMs)}`);
    await page.close();

    // The panel opened again: the host hands over the last analysis's stems (and its trims) before
    // the session, so the groups play frozen from the first sound.
    const again = await openPreview(browser, site);
    await again.click('#play');
    await send(again, { type: 'trims', generation: 0, trims });
    await send(again, frozen);
    const againS = (await firstSound(again, site.session)).firstSoundS;
    const againFrozen = await again.evaluate(() => document.body.dataset['frozen']);
    console.log(`panel opened again with the stems on disk: first sound ${againS.toFixed(2)} s after the session, ${againFrozen} of ${TRACKS} tracks frozen`);
  } finally {
    await browser.close();
    await site.server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
