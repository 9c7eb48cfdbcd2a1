/**
 * A page with every preview widget on it, driven from test/browser/widgets.test.ts
 * through `globalThis.widgetsDemo`. Pixel checks run here, where the canvases are.
 */
import type { BandModel, EqModel } from '../../../../grammar/src/model.js';
import { eqCurveDb, logFrequencies } from '../../../../engine/src/index.js';
import { EqCurveView, GainReductionMeter, LoudnessReadout, PeakMeter, SpectrumView, WaveformView, formatBars, formatClock, type LoopSpan } from '../../../../media/preview/widgets/index.js';

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el;
}

// A dark theme as VS Code would set it on the root element.
const root = document.documentElement.style;
root.setProperty('--vscode-editor-background', '#1e1e1e');
root.setProperty('--vscode-editor-foreground', '#d4d4d4');
root.setProperty('--vscode-charts-blue', '#ff00ff');
document.body.style.background = '#1e1e1e';
document.body.style.color = '#d4d4d4';
document.body.style.margin = '12px';
byId('meters').style.display = 'flex';
byId('meters').style.gap = '8px';
byId('peak-h').style.width = '200px';

let now = 0;
const clock = () => now;

const waveform = new WaveformView(byId('waveform'));
waveform.barSeconds = 2;
waveform.formatValueText = (s) => `bar ${formatBars(s, 2, 4)}, ${formatClock(s)}`;
const seeks: number[] = [];
const loops: (LoopSpan | null)[] = [];
waveform.onSeek = (s) => seeks.push(s);
waveform.onLoop = (span) => loops.push(span);

const peak = new PeakMeter(byId('peak'), { label: 'Master peak', clock });
const peakMono = new PeakMeter(byId('peak-mono'), { label: 'Bass peak', clock });
const gr = new GainReductionMeter(byId('gr'), { label: 'Vox gain reduction' });
const peakH = new PeakMeter(byId('peak-h'), { label: 'Drums peak', orientation: 'horizontal', clock });
const loudness = new LoudnessReadout(byId('loudness'), { idPrefix: 'meter' });
const eq = new EqCurveView(byId('eq'));

/** The overview of a 60 s stereo render: a decaying tone per bar. */
function overview(duration: number, buckets: number): { peaks: Float32Array[]; duration: number } {
  const peaks = [0, 1].map((c) => {
    const p = new Float32Array(buckets * 2);
    for (let b = 0; b < buckets; b++) {
      const t = (b / buckets) * duration;
      const a = (0.2 + 0.7 * Math.exp(-3 * (t % 2))) * (c === 0 ? 1 : 0.8);
      p[2 * b] = -a;
      p[2 * b + 1] = a;
    }
    return p;
  });
  return { peaks, duration };
}

function band(type: BandModel['type'], freq: number, gainDb = 0, q = Math.SQRT1_2, slope: number | null = null): BandModel {
  return { type, freq, gainDb, q, slope: type === 'highpass' || type === 'lowpass' ? slope ?? 12 : null };
}

const EQS: EqModel[] = [
  { type: 'eq', bypass: false, bands: [band('highpass', 80, 0, Math.SQRT1_2, 24), band('bell', 1000, 9, 1.2), band('highshelf', 8000, -6)] },
];
const FREQS = logFrequencies(256);

function parseRgb(css: string): [number, number, number] {
  const c = document.createElement('canvas').getContext('2d')!;
  c.fillStyle = css;
  const hex = c.fillStyle; // normalised to #rrggbb
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/**
 * For each frequency, whether a pixel of `rgb` (within 40 per channel) is
 * within 3 CSS pixels above or below where the curve should be.
 */
function curveHits(canvas: HTMLCanvasElement, points: { x: number; y: number }[], rgb: [number, number, number]): number {
  const dpr = canvas.width / canvas.clientWidth;
  const img = pixels(canvas, 0, 0, canvas.width, canvas.height);
  let hits = 0;
  for (const { x, y } of points) {
    const px = Math.round(x * dpr);
    let hit = false;
    for (let dy = -3 * dpr; dy <= 3 * dpr && !hit; dy++) {
      const py = Math.round(y * dpr) + dy;
      if (py < 0 || py >= canvas.height || px < 0 || px >= canvas.width) continue;
      const i = (py * canvas.width + px) * 4;
      hit = Math.abs(img[i]! - rgb[0]) < 40 && Math.abs(img[i + 1]! - rgb[1]) < 40 && Math.abs(img[i + 2]! - rgb[2]) < 40;
    }
    if (hit) hits++;
  }
  return hits;
}

/** A canvas's pixels, read through a copy made for reading (reading the widget's own canvas again and again slows its drawing). */
function pixels(canvas: HTMLCanvasElement, x: number, y: number, w: number, h: number): Uint8ClampedArray {
  const copy = document.createElement('canvas');
  copy.width = w;
  copy.height = h;
  const ctx = copy.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(canvas, x, y, w, h, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h).data;
}

let spectrum: SpectrumView | null = null;
let audio: AudioContext | null = null;

const api = {
  seeks,
  loops,
  setNow(ms: number) {
    now = ms;
  },
  setOverview(duration: number) {
    waveform.setOverview(overview(duration, 2048));
    waveform.setMarkers([
      { time: 0, label: 'intro' },
      { time: 16, label: 'verse' },
      { time: 32, label: 'chorus' },
      { time: 33, label: 'hidden under chorus' },
    ]);
  },
  clearOverview(text: string) {
    waveform.setOverview(null);
    waveform.setMessage(text);
  },
  setPosition(s: number) {
    waveform.setPosition(s);
  },
  setLoop(span: LoopSpan | null) {
    waveform.setLoop(span);
  },
  peak(l: number, r?: number) {
    peak.set(l, r);
  },
  peakMono(l: number) {
    peakMono.set(l);
    peakH.set(l);
  },
  peakHold(channel: number): number {
    return peak.holdDb(channel);
  },
  peakClipped(): boolean {
    return peak.isClipped;
  },
  gr(db: number) {
    gr.set(db);
  },
  loudness(v: { momentary?: number | null; shortTerm?: number | null; integrated?: number | null; truePeak?: number | null }) {
    loudness.set(v);
  },
  loudnessTarget(t: number | null) {
    loudness.setTarget(t);
  },
  /** Draws the demo EQ and counts the sampled points where the curve is drawn in `colour`. */
  eqCheck(colour: string): { hits: number; total: number; range: number; emptyLabel: string } {
    eq.setEmpty('vox has no EQ');
    const emptyLabel = eq.element.getAttribute('aria-label') ?? '';
    const db = eqCurveDb(EQS, 48_000, FREQS);
    eq.setCurve(FREQS, db, 'vox', 'EQ curve of vox: high pass 80 Hz 24 dB/oct, bell 1 kHz +9 dB, high shelf 8 kHz -6 dB');
    const points: { x: number; y: number }[] = [];
    for (let i = 8; i < FREQS.length - 8; i += 8) points.push(eq.pointAt(FREQS[i]!, db[i]!));
    return { hits: curveHits(eq.element, points, parseRgb(colour)), total: points.length, range: eq.range, emptyLabel };
  },
  /** A curve beyond ±24 dB widens the axis in 6 dB steps. */
  eqRangeFor(gainDb: number): number {
    const db = eqCurveDb([{ type: 'eq', bypass: false, bands: [band('bell', 500, gainDb, 2)] }], 48_000, FREQS);
    eq.setCurve(FREQS, db, 'big');
    const range = eq.range;
    return range;
  },
  setThemeColour(name: string, value: string) {
    root.setProperty(name, value);
  },
  /** A 1 kHz tone into an analyser, drawn by a SpectrumView. */
  async startSpectrum(): Promise<void> {
    audio = new AudioContext();
    await audio.resume();
    const osc = new OscillatorNode(audio, { frequency: 1000 });
    const gain = new GainNode(audio, { gain: 0.5 });
    const analyser = new AnalyserNode(audio, { fftSize: 8192, smoothingTimeConstant: 0.5 });
    osc.connect(gain).connect(analyser);
    osc.start();
    spectrum = new SpectrumView(byId('spectrum'), analyser);
    spectrum.start();
  },
  spectrumFrames(): number {
    return spectrum?.frames ?? 0;
  },
  stopSpectrum() {
    spectrum?.stop();
  },
  /** The height (CSS px from the bottom of the plot) of the drawn spectrum at a frequency: the topmost accent pixel in its column. */
  spectrumHeightAt(freq: number, colour: string): number {
    const s = spectrum!;
    const canvas = s.element;
    const dpr = canvas.width / canvas.clientWidth;
    const px = Math.round(s.pointAt(freq, 0).x * dpr);
    const bottom = s.pointAt(freq, -100).y;
    const img = pixels(canvas, px, 0, 1, canvas.height);
    const rgb = parseRgb(colour);
    for (let py = 0; py < canvas.height; py++) {
      const i = py * 4;
      if (Math.abs(img[i]! - rgb[0]) < 60 && Math.abs(img[i + 1]! - rgb[1]) < 60 && Math.abs(img[i + 2]! - rgb[2]) < 60) return bottom - py / dpr;
    }
    return 0;
  },
  async closeAudio(): Promise<void> {
    await audio?.close();
  },
};

(globalThis as unknown as { widgetsDemo: typeof api }).widgetsDemo = api;
