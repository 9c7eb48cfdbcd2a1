/**
 * Semantic diff speed: two versions of the 400-track benchmark session
 * (bench/session-400.ts) that differ by a day's mix moves (faders, EQ
 * bands, compressor settings, a renamed track, a track added, a bus
 * removed, two tracks swapped), compared by the built CLI as a reviewer or
 * CI runs it: `mixdown diff OLD NEW`, a new process each time, text and
 * JSON; and the comparison alone, in-process.
 *
 *   npm run bench:diff         (builds first)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { check, diffModels } from '../grammar/src/index.js';
import { generateSession, TRACKS } from './session-400.js';

const TARGET_S = 1;
const RUNS = 7;
const cli = resolve('dist/cli.js');

/** The new version: every 20th fader down 1 dB, bands and thresholds moved, and some structure. */
function edited(text: string): string {
  let n = 0;
  let out = text.replace(/^  gain (\S+) dB$/gm, (line, v: string) => (++n % 20 === 0 ? `  gain ${Number(v) - 1} dB` : line));
  n = 0;
  out = out.replace(/^    bell (\d+) Hz (\S+) dB/gm, (line, f: string, g: string) => (++n % 25 === 0 ? `    bell ${f} Hz ${Number(g) - 1.5} dB` : line));
  n = 0;
  out = out.replace(/^    threshold (\S+) dB$/gm, (line, v: string) => (++n % 30 === 0 ? `    threshold ${Number(v) - 2} dB` : line));
  out = out.replace('track t100 {', 'track lead_vox {');
  const delay = out.indexOf('bus delay {');
  out = (out.slice(0, delay) + out.slice(out.indexOf('\n}\n', delay) + 3)).replace(/^  send delay .*\n/gm, '');
  out = out.replace('master {', 'track shaker {\n  file "audio/t001.wav"\n  to mixbus\n}\n\nmaster {');
  // Swap two tracks' places in the file.
  const block = (name: string) => out.slice(out.indexOf(`track ${name} {`), out.indexOf('\n}\n', out.indexOf(`track ${name} {`)) + 3);
  const [a, b] = [block('t012'), block('t013')];
  return out.replace(a + '\n' + b, b + '\n' + a);
}

const dir = mkdtempSync(join(tmpdir(), 'mixdown-bench-diff-'));
try {
  const oldText = generateSession();
  const newText = edited(oldText);
  const [oldFile, newFile] = [join(dir, 'old.mix'), join(dir, 'new.mix')];
  writeFileSync(oldFile, oldText);
  writeFileSync(newFile, newText);
  console.log(`mixdown diff: two versions of a ${TRACKS}-track session (${oldText.split('\n').length} lines, ${(oldText.length / 1024).toFixed(0)} KB each)`);

  const time = (fn: () => void) => { const t0 = performance.now(); fn(); return (performance.now() - t0) / 1000; };
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const diffOnce = (format: string) => execFileSync(process.execPath, [cli, 'diff', oldFile, newFile, '--format', format, '--exit-zero'], { encoding: 'utf8' });

  const changes = diffOnce('text').trimEnd().split('\n');
  console.log(`  ${changes.length} changes, e.g.\n${changes.slice(0, 4).map((l) => `    ${l}`).join('\n')}`);

  for (const format of ['text', 'json']) {
    const runs = Array.from({ length: RUNS }, () => time(() => diffOnce(format)));
    const m = median(runs);
    console.log(`  ${format.padEnd(4)}  whole command, median of ${RUNS}: ${m.toFixed(3)} s (max ${Math.max(...runs).toFixed(3)} s)  target < ${TARGET_S} s: ${m < TARGET_S ? 'ok' : 'MISSED'}`);
  }
  const a = check(oldText);
  const b = check(newText);
  const inProcess = Array.from({ length: RUNS }, () => time(() => diffModels(a.model, b.model)));
  const parse = Array.from({ length: 3 }, () => time(() => check(newText)));
  console.log(`  in-process: check of one version ${(median(parse) * 1000).toFixed(0)} ms, the comparison ${(median(inProcess) * 1000).toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
