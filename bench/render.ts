/**
 * Render speed: 16 stereo tracks x 60 s, each with a bell, a high pass, a
 * high shelf, a compressor and a fader, summed to master. The same graph is
 * rendered by ffmpeg in the same run, and the figures are printed side by
 * side with the peak memory of our render (medians of three interleaved runs).
 * Then the same mix with a gain, a pan and an EQ-frequency automation lane
 * on every track, against the mix without them (the target: at most 15%
 * slower).
 *
 *   npm run bench:render            (builds first)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeNoiseStem } from './stems.js';

/**
 * `--large`: 100 tracks x 5 minutes (4 distinct 5-minute stems shared by the
 * tracks, to spare the disk), our render only: that it works, its speed and
 * its peak memory.
 */
const LARGE = process.argv.includes('--large');
const TRACKS = LARGE ? 100 : 16;
const SECONDS = LARGE ? 300 : 60;
const STEMS = LARGE ? 4 : TRACKS;
const RATE = 48000;
const dir = join(tmpdir(), LARGE ? 'mixdown-bench-render-large' : 'mixdown-bench-render');
const cli = resolve('dist/cli.js');

function mixFile(automated = false): string {
  let s = `title "render benchmark"\nsamplerate ${RATE} Hz\n`;
  for (let t = 0; t < TRACKS; t++) {
    s += `track t${t} {\n  file "stem${t % STEMS}.wav"\n  eq {\n    highpass 80 Hz\n    bell mid 1 kHz -3 dB q 1\n    highshelf 8 kHz +2 dB\n  }\n`;
    s += `  comp {\n    threshold -20 dB\n    ratio 4:1\n    attack 10 ms\n    release 100 ms\n    knee 6 dB\n  }\n  gain -12 dB\n`;
    if (automated) s += automationOf(t);
    s += `}\n`;
  }
  return s;
}

/**
 * Lanes that move all the time, so every block pays for them: a fader ride
 * every 2 s, a pan sweep across the song, and the bell swept up and down
 * every 5 s (retuned every 32 frames throughout).
 */
function automationOf(t: number): string {
  const rides: string[] = [];
  const sweeps: string[] = [];
  for (let at = 0; at <= SECONDS; at += 2) rides.push(`${at} s ${at % 4 === 0 ? -14 : -10} dB${t % 2 === 0 ? ' smooth' : ''}`);
  for (let at = 0; at <= SECONDS; at += 5) sweeps.push(`${at} s ${at % 10 === 0 ? 500 : 4000} Hz`);
  return `  automate gain { ${rides.join('; ')} }\n  automate pan { 0 s -30% smooth; ${SECONDS} s +30% }\n  automate mid.freq { ${sweeps.join('; ')} }\n`;
}

/**
 * The same graph for ffmpeg: per input the three biquads, acompressor (peak
 * detection and max-linked like ours), volume; then a plain sum.
 */
function ffmpegArgs(out: string): string[] {
  const inputs = Array.from({ length: TRACKS }, (_, t) => ['-i', join(dir, `stem${t}.wav`)]).flat();
  const chains = Array.from({ length: TRACKS }, (_, t) =>
    `[${t}:a]highpass=f=80:p=2:t=q:w=0.7071,equalizer=f=1000:t=q:w=1:g=-3,highshelf=f=8000:t=q:w=0.7071:g=2,` +
    `acompressor=threshold=-20dB:ratio=4:attack=10:release=100:knee=6:detection=peak:link=maximum,volume=-12dB[a${t}]`,
  );
  const mix = `${Array.from({ length: TRACKS }, (_, t) => `[a${t}]`).join('')}amix=inputs=${TRACKS}:normalize=0[out]`;
  return ['-y', '-nostats', '-loglevel', 'error', ...inputs, '-filter_complex', [...chains, mix].join(';'), '-map', '[out]', '-c:a', 'pcm_f32le', out];
}

function timeRun(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

function renderOurs(threads: number, mix = 'bench.mix'): { seconds: number; peakMb: number } {
  // A small wrapper reports the render process's peak RSS (worker threads included).
  const wrapper = join(dir, 'measure.mjs');
  writeFileSync(wrapper, `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));
process.argv.splice(1, 1, ${JSON.stringify(cli)});
await import(${JSON.stringify(pathToFileURL(cli).href)});
`);
  const args = [wrapper, 'render', join(dir, mix), '-o', join(dir, `ours-${threads}.wav`), '--bits', '32f', '--threads', String(threads)];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`render failed (${r.status ?? r.signal}): ${r.stderr}`);
  const kb = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { seconds, peakMb: kb / 1024 };
}

mkdirSync(dir, { recursive: true });
process.stdout.write(`preparing ${STEMS} stereo stems of ${SECONDS} s in ${dir} ...\n`);
for (let t = 0; t < STEMS; t++) writeNoiseStem(join(dir, `stem${t}.wav`), SECONDS, RATE, 1000 + t, 24);
writeFileSync(join(dir, 'bench.mix'), mixFile());
writeFileSync(join(dir, 'bench-automated.mix'), mixFile(true));

if (LARGE) {
  const two = renderOurs(2);
  process.stdout.write(`\nrender: ${TRACKS} stereo tracks x ${SECONDS} s, bell + high pass + high shelf + compressor + fader, 48 kHz\n`);
  process.stdout.write(`mixdown, 2 threads   ${two.seconds.toFixed(1)} s   ${(SECONDS / two.seconds).toFixed(1)}x real time   peak RSS ${two.peakMb.toFixed(0)} MB\n`);
  process.exit(0);
}

const ffmpegVersion = execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0];
/**
 * Each side runs ROUNDS times, interleaved (ffmpeg, ours, ours, ffmpeg, …),
 * and the medians are compared: a single run of either swings by a third on
 * this machine, and interleaving shares any slow spell between them.
 */
const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ffmpegRuns: number[] = [];
const oneRuns: { seconds: number; peakMb: number }[] = [];
const twoRuns: { seconds: number; peakMb: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  ffmpegRuns.push(timeRun(() => execFileSync('ffmpeg', ffmpegArgs(join(dir, 'ffmpeg.wav')))));
  oneRuns.push(renderOurs(1));
  twoRuns.push(renderOurs(2));
}
const ffmpegSeconds = median(ffmpegRuns);
const one = { seconds: median(oneRuns.map((r) => r.seconds)), peakMb: Math.max(...oneRuns.map((r) => r.peakMb)) };
const two = { seconds: median(twoRuns.map((r) => r.seconds)), peakMb: Math.max(...twoRuns.map((r) => r.peakMb)) };

const audio = TRACKS * SECONDS;
const runs = (xs: number[]) => `   runs ${xs.map((x) => x.toFixed(2)).join(', ')} s`;
const line = (name: string, s: number, extra = '') =>
  `${name.padEnd(26)} ${s.toFixed(2).padStart(6)} s   ${(SECONDS / s).toFixed(1).padStart(5)}x real time   ${(ffmpegSeconds / s).toFixed(2).padStart(5)}x ffmpeg${extra}`;
process.stdout.write(`\nrender: ${TRACKS} stereo tracks x ${SECONDS} s (${audio} s of audio), bell + high pass + high shelf + compressor + fader, 48 kHz; medians of ${ROUNDS} runs\n`);
process.stdout.write(`${line(`ffmpeg (${ffmpegVersion?.split(' ')[2] ?? '?'})`, ffmpegSeconds, runs(ffmpegRuns))}\n`);
process.stdout.write(`${line('mixdown, 1 thread', one.seconds, `   peak RSS ${one.peakMb.toFixed(0)} MB${runs(oneRuns.map((r) => r.seconds))}`)}\n`);
process.stdout.write(`${line('mixdown, 2 threads', two.seconds, `   peak RSS ${two.peakMb.toFixed(0)} MB${runs(twoRuns.map((r) => r.seconds))}`)}\n`);
process.stdout.write(`worst pairing (fastest ffmpeg run against our slowest 2-thread run): ${(Math.min(...ffmpegRuns) / Math.max(...twoRuns.map((r) => r.seconds))).toFixed(2)}x\n`);
process.stdout.write(`target: at least 4x ffmpeg (aim 10x); peak RSS under 250 MB\n`);

/**
 * Automation: the same mix with lanes on every track, one thread each,
 * interleaved, five rounds. On a shared machine a slow spell can catch a
 * few runs of one side; the fastest runs of each side are compared as well
 * as the medians.
 */
const AUTOMATION_ROUNDS = 5;
const plainRuns: number[] = [];
const automatedRuns: number[] = [];
for (let r = 0; r < AUTOMATION_ROUNDS; r++) {
  plainRuns.push(renderOurs(1).seconds);
  automatedRuns.push(renderOurs(1, 'bench-automated.mix').seconds);
}
const cost = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)}%`;
process.stdout.write(`\nautomation: a gain, a pan and an EQ-frequency lane on every track, 1 thread; ${AUTOMATION_ROUNDS} rounds\n`);
process.stdout.write(`without lanes median ${median(plainRuns).toFixed(2)} s, fastest ${Math.min(...plainRuns).toFixed(2)} s${runs(plainRuns)}\n`);
process.stdout.write(`with lanes    median ${median(automatedRuns).toFixed(2)} s, fastest ${Math.min(...automatedRuns).toFixed(2)} s${runs(automatedRuns)}\n`);
process.stdout.write(`cost of automation: ${cost(median(automatedRuns), median(plainRuns))} (medians), ${cost(Math.min(...automatedRuns), Math.min(...plainRuns))} (fastest runs); target: at most 15%\n`);
