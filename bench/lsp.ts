/**
 * Language-server benchmark: the built server (`node dist/server.js --stdio`)
 * as its own process, spoken to over its stdio exactly as an editor does.
 *
 *   npm run bench:lsp          (builds first)
 *   npx tsx bench/lsp.ts       (uses the existing dist/server.js)
 *
 * It writes a realistic 400-track session and a folder of real WAV files
 * (long but sparse: a real header, a little audio, then silence the file
 * system does not store), then prints:
 *   - didOpen → first publishDiagnostics, and → the publish that carries the files' facts
 *   - completion latency p50/p95 over ~100 requests at varied positions
 *   - didChange → publishDiagnostics for that version, p50/p95 over 30 edits
 *   - the server's peak resident memory (VmHWM from /proc, on Linux)
 * beside the targets. A missed target is reported, not failed; the exit code
 * is non-zero only when the server crashes or a request fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type Position } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { codesOf, LspClient } from '../test/lsp/client.js';
import { writeLongWav } from '../test/lsp/wav.js';
import { audioPath, generateSession, GROUPS, prng, TRACKS } from './session-400.js';

const COMPLETIONS = 100;
const EDITS = 30;
const FILE_SECONDS = 180;
/** One file in this many is at 44.1 kHz (resampled): their diagnostics mark the publish that carries file facts. */
const CD_RATE_EVERY = 20;

const TARGETS = { openMs: 300, completionP50Ms: 20, editMs: 150 };

// ---- positions ----------------------------------------------------------------------------------

interface Probe {
  readonly what: string;
  readonly position: Position;
}

/** Varied completion positions: statement starts in each kind of block, names after `to`, units after numbers, paths in strings. */
function completionProbes(text: string, count: number): Probe[] {
  const lines = text.split('\n');
  const rnd = prng(99);
  const find = (re: RegExp) => lines.flatMap((l, i) => (re.test(l) ? [i] : []));
  const kinds: { what: string; lines: number[]; at: (line: string) => number }[] = [
    { what: 'keyword, track', lines: find(/^ {2}gain /), at: () => 2 },
    { what: 'keyword, eq', lines: find(/^ {4}bell /), at: () => 4 },
    { what: 'keyword, comp', lines: find(/^ {4}release /), at: () => 4 },
    { what: 'keyword, top', lines: find(/^track /), at: () => 0 },
    { what: 'bus after to', lines: find(/^ {2}to grp/), at: () => 5 },
    { what: 'unit after number', lines: find(/^ {2}gain /), at: (l) => l.indexOf(' dB') },
    { what: 'unit after freq', lines: find(/^ {4}bell /), at: (l) => l.indexOf(' Hz') },
    { what: 'marker after from', lines: find(/from chorus/), at: (l) => l.indexOf('from ') + 5 },
    { what: 'path in string', lines: find(/^ {2}clip "/), at: (l) => l.indexOf('"') + 7 },
  ];
  const probes: Probe[] = [];
  for (let k = 0; k < count; k++) {
    const kind = kinds[k % kinds.length]!;
    const line = kind.lines[Math.floor(rnd() * kind.lines.length)]!;
    probes.push({ what: kind.what, position: { line, character: kind.at(lines[line]!) } });
  }
  return probes;
}

// ---- numbers ------------------------------------------------------------------------------------

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

function peakRss(pid: number): { hwmKb: number; rssKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(/^(\w+):\s+(\d+) kB$/m.exec(status.split('\n').find((l) => l.startsWith(key + ':')) ?? '')?.[2]);
    const hwmKb = kb('VmHWM');
    const rssKb = kb('VmRSS');
    return Number.isFinite(hwmKb) ? { hwmKb, rssKb } : null;
  } catch {
    return null;
  }
}

// ---- the run ------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const serverJs = fileURLToPath(new URL('../dist/server.js', import.meta.url));
  if (!existsSync(serverJs)) {
    console.error(`${serverJs} not found: build first (npm run build, or npm run bench:lsp)`);
    return 2;
  }

  const folder = mkdtempSync(join(tmpdir(), 'mix-bench-'));
  try {
    // Audio: one long sparse file per track; a few at 44.1 kHz.
    const t0 = performance.now();
    let cdFiles = 0;
    for (let i = 1; i <= TRACKS; i++) {
      const sampleRate = i % CD_RATE_EVERY === 0 ? 44100 : 48000;
      if (sampleRate === 44100) cdFiles++;
      writeLongWav(join(folder, audioPath(i)), { sampleRate, channels: 2, bits: 16, frames: FILE_SECONDS * sampleRate, amplitude: 0.5 });
    }
    const text = generateSession();
    const mixPath = join(folder, 'bench.mix');
    writeFileSync(mixPath, text);
    const lineCount = text.split('\n').length;
    console.log('mixdown language server benchmark');
    console.log(`  session   ${TRACKS} tracks, ${GROUPS + 3} buses, 5 markers: ${lineCount} lines, ${(text.length / 1024).toFixed(0)} KB`);
    console.log(`  audio     ${TRACKS} WAV files, ${FILE_SECONDS} s stereo 16-bit each (${cdFiles} at 44.1 kHz), written in ${ms(performance.now() - t0)}`);
    console.log(`  server    node ${serverJs} --stdio`);
    console.log('');

    const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    let expectingExit = false;
    const crashed = new Promise<never>((_, reject) => {
      child.on('exit', (code, signal) => {
        if (!expectingExit) reject(new Error(`the server exited unexpectedly (code ${code}, signal ${signal})${stderr ? `:\n${stderr}` : ''}`));
      });
      child.on('error', reject);
    });
    crashed.catch(() => undefined); // observed through `guard`
    const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, crashed]);

    const client = new LspClient(createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin)));
    try {
      await guard(client.initialize(URI.file(folder).toString(), process.pid));
      const uri = URI.file(mixPath).toString();

      // 1. Open → diagnostics.
      const openStart = performance.now();
      const first = await guard(client.open(uri, text));
      const openMs = performance.now() - openStart;
      const facts = await guard(
        client.diagnostics(uri, {
          version: 1,
          where: (p) => codesOf(p).filter((x) => x === 'samplerate-differs').length >= cdFiles * 2, // two clips per track
          timeoutMs: 30_000,
        }),
      );
      const factsMs = performance.now() - openStart;
      const unexpected = codesOf(facts).filter((x) => x !== 'samplerate-differs');

      // 2. Completion latency.
      const probes = completionProbes(text, COMPLETIONS);
      const latencies: number[] = [];
      const emptyKinds = new Set<string>();
      for (const probe of probes) {
        const s = performance.now();
        const items = await guard(client.completion(uri, probe.position));
        latencies.push(performance.now() - s);
        if (items.length === 0) emptyKinds.add(probe.what);
      }

      // 3. Edit → diagnostics for that version: change one track's fader, as typing would.
      let doc = TextDocument.create(uri, 'mix', 1, text);
      const gainLines = text.split('\n').flatMap((l, i) => (/^ {2}gain /.test(l) ? [i] : []));
      const rnd = prng(7);
      const editLatencies: number[] = [];
      for (let k = 0; k < EDITS; k++) {
        const line = gainLines[Math.floor(rnd() * gainLines.length)]!;
        const current = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
        const value = /^ {2}gain (\S+) dB/.exec(current)![1]!;
        const range = { start: { line, character: 7 }, end: { line, character: 7 + value.length } };
        const newValue = (-(k % 12) - 0.5).toFixed(1);
        doc = TextDocument.update(doc, [{ range, text: newValue }], doc.version + 1);
        const s = performance.now();
        const p = await guard(client.change(uri, [{ range, text: newValue }], doc.getText()));
        editLatencies.push(performance.now() - s);
        if (p.version !== doc.version) throw new Error(`diagnostics for version ${p.version}, expected ${doc.version}`);
      }

      const rss = peakRss(child.pid!);

      const compP50 = percentile(latencies, 50);
      const compP95 = percentile(latencies, 95);
      const editP50 = percentile(editLatencies, 50);
      const editP95 = percentile(editLatencies, 95);
      const row = (label: string, value: string, target = '', ok?: boolean) =>
        console.log(`  ${label.padEnd(44)}${value.padEnd(22)}${target.padEnd(22)}${ok === undefined ? '' : verdict(ok)}`);
      console.log(`  ${'measure'.padEnd(44)}${'result'.padEnd(22)}${'target'.padEnd(22)}`);
      row('didOpen → first diagnostics', ms(openMs), `< ${TARGETS.openMs} ms`, openMs < TARGETS.openMs);
      row('didOpen → diagnostics with file facts', ms(factsMs));
      row(`completion p50 / p95 (${latencies.length} requests)`, `${ms(compP50)} / ${ms(compP95)}`, `p50 < ${TARGETS.completionP50Ms} ms`, compP50 < TARGETS.completionP50Ms);
      row(`didChange → diagnostics p50 / p95 (${editLatencies.length})`, `${ms(editP50)} / ${ms(editP95)}`, `< ${TARGETS.editMs} ms (p95)`, editP95 < TARGETS.editMs);
      row('server peak RSS (VmHWM)', rss ? `${(rss.hwmKb / 1024).toFixed(0)} MB` : 'n/a (no /proc)');
      console.log('');
      console.log(`  first publish: ${first.diagnostics.length} diagnostics; with facts: ${facts.diagnostics.length} (${cdFiles * 2} expected, all samplerate-differs)`);
      if (unexpected.length > 0) console.log(`  note: the session has unexpected diagnostics: ${[...new Set(unexpected)].join(', ')}`);
      if (emptyKinds.size > 0) console.log(`  note: completion returned nothing for: ${[...emptyKinds].join(', ')}`);

      expectingExit = true;
      const exited = new Promise<number | string | null>((resolve) => {
        child.once('exit', (code) => resolve(code));
        setTimeout(() => resolve('no exit within 5 s'), 5000).unref();
      });
      await guard(client.shutdown(true));
      const code = await exited;
      client.dispose();
      if (code !== 0) {
        console.error(`the server did not end cleanly after shutdown/exit: ${code}${stderr ? `\n${stderr}` : ''}`);
        if (child.exitCode === null) child.kill();
        return 1;
      }
      return 0;
    } catch (err) {
      console.error(`benchmark failed: ${(err as Error).message}`);
      if (!child.killed && child.exitCode === null) child.kill();
      return 1;
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

process.exitCode = await main();
