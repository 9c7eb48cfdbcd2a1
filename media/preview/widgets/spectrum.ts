/**
 * The master's spectrum from an AnalyserNode, on a log frequency axis
 * (20 Hz-20 kHz) and -100..0 dB. Draws in a requestAnimationFrame loop only
 * between start() and stop(), and not while the page is hidden. Every
 * per-frame buffer is allocated on resize or FFT size change, not per frame.
 */
import { Surface, readPalette, watchSize, watchTheme, drawFrequencyLabels, type Palette } from './surface.js';

const MIN_HZ = 20;
const MAX_HZ = 20_000;
const MIN_DB = -100;
const MAX_DB = 0;
/** How fast a column falls after a peak: the analyser's own smoothing plus this keeps the picture calm. */
const FALL_DB_PER_S = 48;
const GRID_HZ = [50, 100, 200, 500, 1000, 2000, 5000, 10_000];
const PAD_BOTTOM = 14;

export class SpectrumView {
  readonly element: HTMLCanvasElement;
  /** Frames drawn since construction (for tests and diagnostics). */
  frames = 0;
  private readonly surface: Surface;
  private palette: Palette;
  private data: Float32Array<ArrayBuffer>;
  /** Per column: the first bin, the bin after the last, and (when a column is narrower than a bin) the fractional bin to interpolate at. */
  private binLo = new Int32Array(0);
  private binHi = new Int32Array(0);
  private binAt = new Float32Array(0);
  private shown = new Float32Array(0);
  private layoutFor = '';
  private running = false;
  private raf = 0;
  private lastTime = 0;
  private readonly stops: (() => void)[] = [];

  constructor(host: HTMLElement, private readonly analyser: AnalyserNode) {
    this.element = document.createElement('canvas');
    this.element.className = 'md-widget md-spectrum';
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', 'Spectrum of the master');
    host.append(this.element);
    this.surface = new Surface(this.element);
    this.palette = readPalette(this.element);
    this.data = new Float32Array(analyser.frequencyBinCount);
    document.addEventListener('visibilitychange', this.visibility);
    this.stops.push(
      () => document.removeEventListener('visibilitychange', this.visibility),
      watchSize(this.element, () => {
        // Also when first laid out: a widget made before it was in the document read no theme colours then.
        this.palette = readPalette(this.element);
        this.surface.fit();
        if (!this.running) this.frame(performance.now());
      }),
      watchTheme(() => {
        this.palette = readPalette(this.element);
      }),
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastTime = 0;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Where (freq, dB) is drawn, in CSS pixels inside the canvas. */
  pointAt(freq: number, db: number): { x: number; y: number } {
    const h = this.surface.height - PAD_BOTTOM;
    return {
      x: (Math.log(freq / MIN_HZ) / Math.log(MAX_HZ / MIN_HZ)) * this.surface.width,
      y: ((MAX_DB - Math.max(MIN_DB, Math.min(MAX_DB, db))) / (MAX_DB - MIN_DB)) * h,
    };
  }

  dispose(): void {
    this.stop();
    this.stops.forEach((s) => s());
    this.element.remove();
  }

  private schedule(): void {
    if (this.running && !this.raf && !document.hidden) this.raf = requestAnimationFrame(this.tick);
  }

  private readonly tick = (now: number): void => {
    this.raf = 0;
    if (!this.running) return;
    this.frame(now);
    this.schedule();
  };

  private readonly visibility = (): void => {
    if (document.hidden) {
      if (this.raf) cancelAnimationFrame(this.raf);
      this.raf = 0;
    } else {
      this.lastTime = 0;
      this.schedule();
    }
  };

  /** Per-column bin ranges for the current width, FFT size and sample rate. */
  private layout(): void {
    const bins = this.analyser.frequencyBinCount;
    const cols = Math.max(1, Math.round(this.surface.width));
    const rate = this.analyser.context.sampleRate;
    const key = `${cols}/${bins}/${rate}`;
    if (key === this.layoutFor) return;
    this.layoutFor = key;
    if (this.data.length !== bins) this.data = new Float32Array(bins);
    this.binLo = new Int32Array(cols);
    this.binHi = new Int32Array(cols);
    this.binAt = new Float32Array(cols);
    this.shown = new Float32Array(cols).fill(MIN_DB);
    const binHz = rate / (2 * bins);
    const ratio = Math.log(MAX_HZ / MIN_HZ);
    for (let c = 0; c < cols; c++) {
      const fLo = MIN_HZ * Math.exp((ratio * c) / cols);
      const fHi = MIN_HZ * Math.exp((ratio * (c + 1)) / cols);
      const lo = Math.ceil(fLo / binHz);
      const hi = Math.min(bins, Math.ceil(fHi / binHz));
      this.binLo[c] = Math.min(lo, bins - 1);
      this.binHi[c] = hi;
      this.binAt[c] = Math.min(bins - 1, Math.sqrt(fLo * fHi) / binHz);
    }
  }

  private frame(now: number): void {
    const s = this.surface;
    const { ctx, width: w, height: h } = s;
    if (w <= 0 || h <= PAD_BOTTOM) return;
    this.layout();
    const dt = this.lastTime ? Math.min(0.25, (now - this.lastTime) / 1000) : 0;
    this.lastTime = now;
    const data = this.data;
    if (this.running) this.analyser.getFloatFrequencyData(data);
    const cols = this.shown.length;
    const fall = FALL_DB_PER_S * dt;
    for (let c = 0; c < cols; c++) {
      const lo = this.binLo[c]!;
      const hi = this.binHi[c]!;
      let v: number;
      if (hi - lo >= 1) {
        // A column over several bins shows the loudest: narrow peaks stay visible.
        v = -Infinity;
        for (let b = lo; b < hi; b++) if (data[b]! > v) v = data[b]!;
      } else {
        const at = this.binAt[c]!;
        const b = Math.floor(at);
        const t = at - b;
        const a = data[b]!;
        const z = data[Math.min(data.length - 1, b + 1)]!;
        v = a + (z - a) * t;
      }
      if (!(v > MIN_DB)) v = MIN_DB;
      const prev = this.shown[c]!;
      this.shown[c] = v >= prev || dt === 0 ? v : Math.max(v, prev - fall);
    }

    const p = this.palette;
    const plotH = h - PAD_BOTTOM;
    s.clear();
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, w, h);
    ctx.lineWidth = 1 / s.dpr;
    ctx.strokeStyle = p.grid;
    ctx.beginPath();
    for (const f of GRID_HZ) {
      const x = s.crisp(this.pointAt(f, 0).x);
      ctx.moveTo(x, 0);
      ctx.lineTo(x, plotH);
    }
    for (let d = MAX_DB - 20; d > MIN_DB; d -= 20) {
      const y = s.crisp(this.pointAt(MIN_HZ, d).y);
      ctx.moveTo(0, y);
      ctx.lineTo(w, y);
    }
    ctx.stroke();
    drawFrequencyLabels(ctx, p, (f) => this.pointAt(f, 0).x, h - 1);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    for (let d = MAX_DB - 20; d > MIN_DB; d -= 20) ctx.fillText(String(d), 2, this.pointAt(MIN_HZ, d).y + 1);

    const colW = w / cols;
    ctx.beginPath();
    ctx.moveTo(0, plotH);
    for (let c = 0; c < cols; c++) {
      const y = ((MAX_DB - this.shown[c]!) / (MAX_DB - MIN_DB)) * plotH;
      ctx.lineTo((c + 0.5) * colW, y);
    }
    ctx.lineTo(w, plotH);
    ctx.closePath();
    ctx.globalAlpha = 0.3;
    ctx.fillStyle = p.accent;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = p.accent;
    ctx.lineWidth = 1.25;
    ctx.stroke();
    this.frames++;
  }
}
