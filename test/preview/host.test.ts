/**
 * The preview's extension-host side, without VS Code: the per-edit check
 * (client/src/preview/session.ts) and the analysis worker
 * (dist/preview-analysis.js, run in a worker thread as the extension runs
 * it). The worker's figures must be the CLI's own: the same `target` gain,
 * the same loudness, the same rendered file.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../client/src/preview/analysis-protocol.js';
import { SessionChecker } from '../../client/src/preview/session.js';
import { decodeFrames, metersOver, MixGraph, parseWavHeader } from '../../engine/src/index.js';
import { Player } from '../../media/worklet/player.js';
import type { DecodedAudio } from '../../media/worklet/protocol.js';
import { DecodedProvider } from '../../media/worklet/sources.js';
import { ensureCliBuilt, exampleSession, ROOT, run } from '../browser/prepare.js';

/** Runs one job in a fresh worker and collects its messages until it is done. */
function runWorker(job: ToWorker): Promise<FromWorker[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(ROOT, 'dist/preview-analysis.js'));
    const messages: FromWorker[] = [];
    worker.on('message', (m: FromWorker) => {
      messages.push(m);
      if (m.type === 'analysis' || m.type === 'rendered' || m.type === 'failed') {
        void worker.terminate();
        resolve(messages);
      }
    });
    worker.on('error', reject);
    worker.postMessage(job);
  });
}

/** The example session with its audio in a temporary folder, made once for every test here (and the CLI built). */
let tmp = '';
let mix = '';
let text = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mixdown-host-'));
  [mix] = await Promise.all([exampleSession(tmp), ensureCliBuilt()]);
  text = await readFile(mix, 'utf8');
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the preview host side', () => {

  it('checks an edit: the model and every file it plays, each with a version', async () => {
    const result = await new SessionChecker().check(mix, text);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const clips = new Set(result.model.channels.flatMap((c) => c.clips.map((k) => k.path)));
    expect(new Set(result.audio.map((f) => f.written))).toEqual(clips);
    for (const f of result.audio) {
      expect(f.absolute).toBe(join(dirname(mix), f.written));
      expect(f.version).toMatch(/^\d+-[\d.]+$/);
    }
    expect(Object.keys(result.references)).toEqual(result.model.references.map((r) => r.name));
    // Where each channel's statement is: from its keyword to its closing brace (the cursor's channel for the page).
    expect(result.channelSpans.map((c) => c.name).sort()).toEqual(result.model.channels.map((c) => c.name).sort());
    for (const c of result.channelSpans) {
      const statement = text.slice(c.start, c.end);
      expect(statement, c.name).toMatch(c.name === 'master' ? /^master\b/ : new RegExp(`^(track|bus) ${c.name}\\b`));
      expect(statement.endsWith('}'), c.name).toBe(true);
    }
  });

  it('reports what stops an edit from playing, by line: a syntax error, a missing file', async () => {
    const checker = new SessionChecker();
    const lines = text.split('\n');
    const at = lines.findIndex((l) => /^\s*gain /.test(l));
    const broken = [...lines.slice(0, at), '  gian -3 dB', ...lines.slice(at + 1)].join('\n');
    const syntax = await checker.check(mix, broken);
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.problems.map((p) => p.line)).toContain(at + 1);

    const missing = text.replace(/"stems\/[^"]+\.wav"/, '"stems/nowhere.wav"');
    const result = await checker.check(mix, missing);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.some((p) => /nowhere\.wav/.test(p.message))).toBe(true);
  });

  it("writes the summing groups' stems with the analysis, and the player plays them bit for bit as it plays the tracks", async () => {
    const checked = await new SessionChecker().check(mix, text);
    if (!checked.ok) throw new Error('the example has errors');
    const folder = join(tmp, 'frozen');
    const versions = Object.fromEntries(checked.audio.map((f) => [f.written, f.version]));
    const analyse = (): ToWorker => ({
      type: 'analyse', file: mix, model: checked.model, generation: 3, buckets: 100, knownReferences: {},
      references: [], freeze: { folder, versions },
    });
    const messages = await runWorker(analyse());
    const analysis = messages.find((m) => m.type === 'analysis');
    const trims = messages.find((m) => m.type === 'trims');
    if (analysis?.type !== 'analysis' || trims?.type !== 'trims') throw new Error(JSON.stringify(messages));
    const autoTrims = new Map(Object.entries(trims.trims));
    const graph = new MixGraph(checked.model, { open: () => ({ channels: 2, frames: 0, read: () => {} }) }, { autoTrims, fileVersion: (p) => versions[p] ?? '' });
    // A stem for every group, named after its signature; nothing half written.
    expect(analysis.frozen.map((f) => f.signature).sort()).toEqual(graph.groups.map((g) => g.signature).sort());
    expect(graph.groups.length).toBeGreaterThan(0);
    expect((await readdir(folder)).filter((n) => !n.endsWith('.wav'))).toEqual([]);
    // A second analysis of the same text finds them all and writes none again.
    const written = await Promise.all(analysis.frozen.map(async (f) => (await stat(f.file)).mtimeMs));
    const again = (await runWorker(analyse())).find((m) => m.type === 'analysis');
    if (again?.type !== 'analysis') throw new Error('no second analysis');
    expect(await Promise.all(again.frozen.map(async (f) => (await stat(f.file)).mtimeMs))).toEqual(written);

    // The worklet's player, in Node, over the session's files and the stems (64-bit float WAV).
    const decode = async (path: string, file: string): Promise<DecodedAudio> => {
      const bytes = new Uint8Array(await readFile(file));
      const h = parseWavHeader(bytes, bytes.length);
      if (!h.ok) throw new Error(`${file}: ${h.reason}`);
      const f = h.format;
      const channels = Array.from({ length: f.channels }, () => new Float64Array(f.frames));
      decodeFrames(bytes, 0, f, 0, f.frames, channels, 0);
      return { path, sampleRate: f.sampleRate, frames: f.frames, channels };
    };
    const files = await Promise.all(checked.audio.map((f) => decode(f.written, f.absolute)));
    const stems = await Promise.all(analysis.frozen.map((f) => decode(f.file, f.file)));
    expect(stems.every((s) => s.channels.length === 2)).toBe(true);
    const frames = 8 * checked.model.sampleRate;
    const play = (frozen: { signature: string; path: string }[]) => {
      const player = new Player(checked.model.sampleRate, new DecodedProvider([...files, ...stems], checked.model.sampleRate));
      player.setSession({ model: checked.model, autoTrims, headGainDb: 0, generation: 1, frozen, fileVersions: versions });
      // From the start, as the stems were rendered: after a seek, live tracks start with fresh filters and
      // envelopes, while a stem carries the whole song's history (it is closer to the CLI's render).
      player.play(true);
      const out = [new Float32Array(frames), new Float32Array(frames)];
      player.render(out, frames);
      return out;
    };
    const live = play([]);
    const frozen = play(analysis.frozen.map((f) => ({ signature: f.signature, path: f.file })));
    const differing = live.reduce((n, side, c) => n + side.filter((v, i) => !Object.is(v, frozen[c]![i])).length, 0);
    expect(differing).toBe(0);
    expect(live[0]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.05);
    // The frozen channels' meters the analysis measured are those the player measures live: over the
    // whole song, each track's largest peak of each side is the same number.
    const meters = analysis.analysis.channelMeters!;
    const whole = graph.length;
    const player = new Player(checked.model.sampleRate, new DecodedProvider(files, checked.model.sampleRate));
    player.setSession({ model: checked.model, autoTrims, headGainDb: 0, generation: 1, frozen: [], fileVersions: versions });
    player.play(true);
    player.render([new Float32Array(whole), new Float32Array(whole)], whole);
    const snapshot = player.snapshot();
    const tracks = graph.strips.map((st, i) => ({ name: st.name, kind: st.kind, i })).filter((st) => st.kind === 'track');
    expect(meters.channels.map((c) => c.name).sort()).toEqual(tracks.map((t) => t.name).sort());
    for (const t of tracks) {
      const envelope = meters.channels.find((c) => c.name === t.name)!;
      const over = metersOver(meters, envelope, 0, whole);
      expect([over.left, over.right], t.name).toEqual([snapshot.peaks[2 * t.i], snapshot.peaks[2 * t.i + 1]]);
    }
    expect(meters.channels.some((c) => c.gainReduction.some((db) => db > 0.5))).toBe(true);
    // Stems of another take would be heard: the comparison can fail.
    const swapped = play(analysis.frozen.map((f, i, all) => ({ signature: f.signature, path: all[(i + 1) % all.length]!.file })));
    expect(swapped[0]!.some((v, i) => v !== live[0]![i])).toBe(analysis.frozen.length > 1);
  });

  it("measures trims, then the whole mix: the CLI's target gain, loudness and an overview of its length", async () => {
    const checked = await new SessionChecker().check(mix, text);
    if (!checked.ok) throw new Error('the example has errors');
    const messages = await runWorker({
      type: 'analyse', file: mix, model: checked.model, generation: 7, buckets: 500, knownReferences: {},
      references: Object.entries(checked.references).map(([name, f]) => ({ name, absolute: f.absolute, version: f.version })),
      freeze: null,
    });
    const trims = messages.find((m) => m.type === 'trims');
    const analysis = messages.find((m) => m.type === 'analysis');
    if (trims?.type !== 'trims' || analysis?.type !== 'analysis') throw new Error(JSON.stringify(messages.map((m) => m.type === 'failed' ? m.message : m.type)));
    expect(trims.generation).toBe(7);
    const trimmed = checked.model.channels.filter((c) => c.trim.mode === 'auto').map((c) => c.name).sort();
    expect(Object.keys(trims.trims).sort()).toEqual(trimmed);
    for (const g of Object.values(trims.trims)) expect(g).toBeGreaterThan(0);

    const a = analysis.analysis;
    expect(a.generation).toBe(7);
    // The CLI on the same file: its summary names the master gain for the target and the loudness.
    const cli = await run(process.execPath, [join(ROOT, 'dist/cli.js'), 'render', mix, '-o', join(tmp, 'cli.wav'), '--bits', '32f']);
    const gain = Number(/master gain ([+-][\d.]+) dB/.exec(cli.stdout)?.[1]);
    const lufs = Number(/(-?[\d.]+) LUFS/.exec(cli.stdout)?.[1]);
    expect(a.headGainDb).toBeCloseTo(gain, 2);
    expect(a.integratedLufs).toBeCloseTo(lufs, 1);
    expect(a.overview.duration).toBeCloseTo(Math.round(checked.model.length! * checked.model.sampleRate) / checked.model.sampleRate, 9);
    expect(a.overview.peaks).toHaveLength(2);
    for (const p of a.overview.peaks) {
      expect(p).toHaveLength(1000);
      for (let i = 0; i < 500; i++) expect(p[2 * i]!).toBeLessThanOrEqual(p[2 * i + 1]!);
      expect(Math.max(...p.map(Math.abs))).toBeGreaterThan(0.1);
    }
    // Each reference measured as `mixdown meter` measures it.
    for (const r of checked.model.references) {
      const meter = JSON.parse((await run(process.execPath, [join(ROOT, 'dist/cli.js'), 'meter', join(dirname(mix), r.path), '--json'])).stdout) as Record<string, number>;
      const integrated = meter['integratedLufs'];
      expect(a.references[r.name]).toBeCloseTo(integrated!, 1);
    }
  }, 120_000);

  it('renders to WAV exactly as `mixdown render` does, reporting progress up to 1', async () => {
    const out = join(tmp, 'editor.wav');
    const messages = await runWorker({ type: 'render', file: mix, text, out, bits: '24' });
    const done = messages.at(-1)!;
    if (done.type !== 'rendered') throw new Error(JSON.stringify(done));
    expect(done.summary).toMatch(/LUFS, true peak -?[\d.]+ dBTP/);
    const fractions = messages.flatMap((m) => (m.type === 'progress' ? [m.fraction] : []));
    expect(fractions.length).toBeGreaterThan(2);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    const cliOut = join(tmp, 'cli24.wav');
    await run(process.execPath, [join(ROOT, 'dist/cli.js'), 'render', mix, '-o', cliOut, '--bits', '24']);
    const hash = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
    expect(await hash(out)).toBe(await hash(cliOut));
  }, 120_000);

  it('refuses to render over one of the session\'s own files, and says which', async () => {
    const checked = await new SessionChecker().check(mix, text);
    if (!checked.ok) throw new Error('the example has errors');
    const victim = checked.audio[0]!.absolute;
    const before = await readFile(victim);
    const messages = await runWorker({ type: 'render', file: mix, text, out: victim, bits: '24' });
    const last = messages.at(-1)!;
    expect(last.type).toBe('failed');
    if (last.type === 'failed') expect(last.message).toMatch(/^render: writing .*\.wav would replace .*; choose another output name$/);
    expect((await readFile(victim)).equals(before)).toBe(true);
  }, 60_000);
});

describe("the host side of Compare with HEAD", () => {

  it("renders another version of the file with the file's audio, and gives its loudness as `mixdown meter` measures it", async () => {
    // HEAD's text, 4 dB quieter on the master: a version that is not the file on disk.
    const head = text.replace(/^master \{\n/m, 'master {\n  gain -4 dB\n').replace(/^\s*target .*\n/m, '');
    expect(head).not.toBe(text);
    const out = join(tmp, 'head.wav');
    const done = (await runWorker({ type: 'render', file: mix, text: head, version: 'HEAD', out, bits: '32f' })).at(-1)!;
    if (done.type !== 'rendered') throw new Error(JSON.stringify(done));
    const meter = JSON.parse((await run(process.execPath, [join(ROOT, 'dist/cli.js'), 'meter', out, '--json'])).stdout) as { integratedLufs: number };
    expect(done.integratedLufs).toBeCloseTo(meter.integratedLufs, 1);
    // The same text rendered by the CLI from a file beside the session is the same audio.
    const copy = join(dirname(mix), `head-copy-${process.pid}.mix`);
    await writeFile(copy, head);
    const cliOut = join(tmp, 'head-cli.wav');
    try {
      await run(process.execPath, [join(ROOT, 'dist/cli.js'), 'render', copy, '-o', cliOut, '--bits', '32f']);
    } finally {
      await rm(copy, { force: true }); // the example's folder may be the repository's own
    }
    const hash = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
    expect(await hash(out)).toBe(await hash(cliOut));
  }, 120_000);

  it('names the version and its first error when that version does not check', async () => {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => /^\s*gain /.test(l));
    const broken = [...lines.slice(0, at), '  gian -3 dB', ...lines.slice(at + 1)].join('\n');
    const last = (await runWorker({ type: 'render', file: mix, text: broken, version: 'HEAD', out: join(tmp, 'broken.wav'), bits: '32f' })).at(-1)!;
    expect(last.type).toBe('failed');
    if (last.type === 'failed') expect(last.message).toMatch(new RegExp(`^HEAD's version of ${basename(mix).replace('.', '\\.')} has (an error|\\d+ errors) \\(line ${at + 1}: `));
  }, 60_000);
});
