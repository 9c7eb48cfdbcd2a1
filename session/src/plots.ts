/**
 * `mixdown diff --plots DIR`: PNG charts for a review. For each channel
 * whose EQ changed, its magnitude response old and new (from the engine's
 * own coefficients, as the preview draws it); and the master's short-term
 * loudness over time, old and new, with the session's markers.
 *
 * Charts are vega-lite specifications rendered to SVG by vega (no browser),
 * then to PNG by resvg, 1200 pixels wide. The libraries are loaded only when
 * plots are asked for.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { channelOfChange, renamedChannels, type ChannelModel, type EqModel, type MixChange, type MixModel } from '../../grammar/src/index.js';
import { eqCurveDb, logFrequencies } from '../../engine/src/index.js';
import type { AudioDiff, AudioSide } from './audio-diff.js';
import { SessionError } from './errors.js';

/** Pixels across every chart. */
export const PLOT_WIDTH = 1200;
const OLD_COLOUR = '#8c8c8c';
const NEW_COLOUR = '#1f77b4';
const FONT = 'DejaVu Sans';

type Spec = Record<string, unknown>;

/** Channels whose EQ changed: new name → old name. */
function eqChanges(changes: readonly MixChange[]): Map<string, string> {
  const renamed = renamedChannels(changes);
  const out = new Map<string, string>();
  for (const c of changes) {
    const channel = channelOfChange(c);
    if (channel && c.path.length > 1 && /^eq(#\d+)?$/.test(c.path[1]!)) out.set(channel.name, renamed.get(channel.name) ?? channel.name);
  }
  return out;
}

function eqsOf(c: ChannelModel | undefined): EqModel[] {
  return (c?.inserts ?? []).filter((p): p is EqModel => p.type === 'eq');
}

function eqSpec(title: string, colour: string, freqs: Float64Array, top: number, old: Float64Array | null, neu: Float64Array | null): Spec {
  const rows: { f: number; db: number; version: string }[] = [];
  // Nothing is drawn at or above Nyquist, where a curve has no value.
  const add = (curve: Float64Array | null, version: string) => curve?.forEach((db, i) => { if (Number.isFinite(db) && freqs[i]! <= top) rows.push({ f: freqs[i]!, db, version }); });
  add(old, 'old');
  add(neu, 'new');
  const dbs = rows.map((r) => r.db);
  const lo = Math.min(-6, Math.floor(Math.min(...dbs) / 3) * 3 - 3);
  const hi = Math.max(6, Math.ceil(Math.max(...dbs) / 3) * 3 + 3);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 20 },
    width: PLOT_WIDTH - 160,
    height: 480,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2.5, clip: true },
    encoding: {
      x: {
        field: 'f', type: 'quantitative', title: 'frequency (Hz)',
        scale: { type: 'log', domain: [20, top] },
        axis: { values: [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000], format: '~s', labelFontSize: 14, titleFontSize: 15 },
      },
      y: { field: 'db', type: 'quantitative', title: 'gain (dB)', scale: { domain: [lo, hi] }, axis: { labelFontSize: 14, titleFontSize: 15 } },
      // One legend for both: the colour and the dash of each version.
      color: { field: 'version', type: 'nominal', title: null, scale: { domain: ['old', 'new'], range: [OLD_COLOUR, colour] }, legend: { labelFontSize: 15, symbolStrokeWidth: 3, orient: 'bottom-right' } },
      strokeDash: { field: 'version', type: 'nominal', title: null, scale: { domain: ['old', 'new'], range: [[7, 5], [1, 0]] } },
    },
    config: { background: 'white', font: FONT },
  };
}

function loudnessSpec(audio: NonNullable<AudioDiff['shortTerm']>, model: MixModel): Spec {
  const rows: { t: number; lufs: number; version: string }[] = [];
  const add = (values: readonly number[], version: string) =>
    values.forEach((v, i) => { if (Number.isFinite(v)) rows.push({ t: (i + 1) * audio.stepS, lufs: v, version }); });
  add(audio.old, 'old');
  add(audio.new, 'new');
  const lufs = rows.map((r) => r.lufs);
  const lo = lufs.length > 0 ? Math.floor(Math.min(...lufs) / 6) * 6 - 6 : -60;
  const hi = lufs.length > 0 ? Math.ceil(Math.max(...lufs) / 6) * 6 + 3 : 0;
  const markers = model.markers.map((m) => ({ t: m.time, name: m.name }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'master: short-term loudness, old and new', fontSize: 20 },
    width: PLOT_WIDTH - 160,
    height: 420,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2, clip: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time (s)', axis: { labelFontSize: 14, titleFontSize: 15 } },
          y: { field: 'lufs', type: 'quantitative', title: 'short-term loudness (LUFS)', scale: { domain: [lo, hi] }, axis: { labelFontSize: 14, titleFontSize: 15 } },
          color: { field: 'version', type: 'nominal', title: null, scale: { domain: ['old', 'new'], range: [OLD_COLOUR, NEW_COLOUR] }, legend: { labelFontSize: 15, symbolStrokeWidth: 3, orient: 'bottom-right' } },
          strokeDash: { field: 'version', type: 'nominal', title: null, scale: { domain: ['old', 'new'], range: [[7, 5], [1, 0]] } },
        },
      },
      ...(markers.length > 0 ? [
        { data: { values: markers }, mark: { type: 'rule', color: '#b0b0b0', strokeWidth: 1 }, encoding: { x: { field: 't', type: 'quantitative' } } },
        { data: { values: markers }, mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, fontSize: 14, color: '#555555' }, encoding: { x: { field: 't', type: 'quantitative' }, y: { value: 0 }, text: { field: 'name' } } },
      ] : []),
    ],
    config: { background: 'white', font: FONT },
  };
}

type Libraries = [typeof import('vega'), typeof import('vega-lite'), typeof import('@resvg/resvg-js')];
let libraries: Promise<Libraries> | null = null;

/** The chart libraries, loaded once; a missing one is a clear error (they are optional dependencies). */
export function loadPlotLibraries(): Promise<Libraries> {
  libraries ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).catch((err: unknown) => {
    libraries = null;
    throw new SessionError('io', `plots need the packages vega, vega-lite and @resvg/resvg-js: ${(err as Error).message}`);
  });
  return libraries;
}

/** A vega-lite specification as a PNG of PLOT_WIDTH pixels. */
async function png(spec: Spec): Promise<Buffer> {
  const [vega, vegaLite, { Resvg }] = await loadPlotLibraries();
  const view = new vega.View(vega.parse(vegaLite.compile(spec as never).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: PLOT_WIDTH }, font: { loadSystemFonts: true, defaultFontFamily: FONT } });
  return image.render().asPng();
}

/** The folder for the plots, made before anything is rendered, so a bad one is told at once. */
export async function makePlotFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new SessionError('io', `cannot make the plot folder ${dir}: ${(err as Error).message}`);
  }
}

/** Writes a file whole or not at all: to a temporary name, then renamed. */
async function writeWhole(path: string, data: Buffer): Promise<void> {
  const part = `${path}.part`;
  try {
    await writeFile(part, data);
    await rename(part, path);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
}

/**
 * Writes the review's charts into `dir` (created if need be) and returns
 * their paths: `eq-KIND-NAME.png` for each channel whose EQ changed, and
 * `loudness.png` when `audio` has the master's loudness over time.
 */
export async function writeDiffPlots(dir: string, older: AudioSide, newer: AudioSide, changes: readonly MixChange[], audio: AudioDiff | null): Promise<string[]> {
  await makePlotFolder(dir);
  // Every chart is drawn before any is written, so a failure leaves no half set behind.
  const charts: { path: string; png: Buffer }[] = [];
  const top = Math.min(20000, 0.49 * Math.min(older.model.sampleRate, newer.model.sampleRate));
  const freqs = logFrequencies(400, 20, top);
  for (const [name, oldName] of eqChanges(changes)) {
    const neu = newer.model.channels.find((c) => c.name === name);
    const old = older.model.channels.find((c) => c.name === oldName);
    const curve = (c: ChannelModel | undefined, m: MixModel) => (c ? eqCurveDb(eqsOf(c), m.sampleRate, freqs) : null);
    const kind = neu?.kind ?? old?.kind ?? 'track';
    const label = kind === 'master' ? 'master' : `${kind} ${name}`;
    const spec = eqSpec(`${label}: EQ, old and new`, neu?.color ?? old?.color ?? NEW_COLOUR, freqs, top, curve(old, older.model), curve(neu, newer.model));
    charts.push({ path: join(dir, kind === 'master' ? 'eq-master.png' : `eq-${kind}-${name}.png`), png: await png(spec) });
  }
  if (audio?.shortTerm) charts.push({ path: join(dir, 'loudness.png'), png: await png(loudnessSpec(audio.shortTerm, newer.model)) });
  try {
    for (const c of charts) await writeWhole(c.path, c.png);
  } catch (err) {
    throw new SessionError('io', `cannot write the plots into ${dir}: ${(err as Error).message}`);
  }
  return charts.map((c) => c.path);
}
