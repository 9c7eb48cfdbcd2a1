/**
 * A channel's EQ magnitude response on a log frequency axis (20 Hz-20 kHz)
 * and a dB axis of ±24 dB, widened in 6 dB steps for a bigger boost or cut.
 * The page computes the curve (engine/src/dsp/eq-curve.ts); this draws it.
 */
import { Surface, clamp, readPalette, watchSize, watchTheme, drawFrequencyLabels, type Palette } from './surface.js';

export const EQ_MIN_HZ = 20;
export const EQ_MAX_HZ = 20_000;
const DEFAULT_RANGE_DB = 24;
/** The axis never widens past this: a notch's centre (tens of dB deep, or -Infinity) is drawn at the edge instead. */
const MAX_RANGE_DB = 48;
const GRID_HZ = [30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 20_000];
/** Room for the dB labels on the left and the Hz labels at the bottom, CSS pixels. */
const PAD_LEFT = 28;
const PAD_BOTTOM = 14;
const PAD_TOP = 16;
const PAD_RIGHT = 4;

export class EqCurveView {
  readonly element: HTMLCanvasElement;
  private readonly surface: Surface;
  private palette: Palette;
  private freqs: Float64Array | null = null;
  private db: Float64Array | null = null;
  private title = '';
  private empty = 'No EQ';
  private rangeDb = DEFAULT_RANGE_DB;
  private readonly stop: (() => void)[] = [];

  constructor(host: HTMLElement) {
    this.element = document.createElement('canvas');
    this.element.className = 'md-widget md-eq-curve';
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', this.empty);
    host.append(this.element);
    this.surface = new Surface(this.element);
    this.palette = readPalette(this.element);
    this.stop.push(
      watchSize(this.element, () => {
        // Also when first laid out: a widget made before it was in the document read no theme colours then.
        this.palette = readPalette(this.element);
        this.surface.fit();
        this.draw();
      }),
      watchTheme(() => {
        this.palette = readPalette(this.element);
        this.draw();
      }),
    );
  }

  /**
   * The response `db` at `freqs` (same length), with a title drawn in the
   * corner. `ariaLabel` describes it in words (e.g. "EQ curve of vox: bell
   * 3 kHz +2.5 dB"); the title is used when it is left out.
   */
  setCurve(freqs: Float64Array, db: Float64Array, title: string, ariaLabel?: string): void {
    this.freqs = freqs;
    this.db = db;
    this.title = title;
    // Boosts widen the axis, and so do cuts the curve comes back up from
    // (a deep bell); a pass filter's skirt falls off the bottom edge instead.
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < db.length; i++) {
      const v = db[i]!;
      if (!Number.isFinite(v)) continue;
      if (v > hi) hi = v;
      if (v < lo && i > 0 && i < db.length - 1 && v <= db[i - 1]! && v <= db[i + 1]!) lo = v;
    }
    const need = Math.max(-lo, hi);
    this.rangeDb = need <= DEFAULT_RANGE_DB ? DEFAULT_RANGE_DB : Math.min(MAX_RANGE_DB, Math.ceil(need / 6) * 6);
    this.element.setAttribute('aria-label', ariaLabel ?? title);
    this.draw();
  }

  /** No curve; `text` shows in its place (e.g. "vox has no EQ"). */
  setEmpty(text: string): void {
    this.freqs = null;
    this.db = null;
    this.title = '';
    this.empty = text;
    this.rangeDb = DEFAULT_RANGE_DB;
    this.element.setAttribute('aria-label', text);
    this.draw();
  }

  /** The dB axis's half-range now shown (24 unless the curve needed more). */
  get range(): number {
    return this.rangeDb;
  }

  /** Where (freq, dB) is drawn, in CSS pixels inside the canvas. */
  pointAt(freq: number, db: number): { x: number; y: number } {
    return { x: this.xOf(freq), y: this.yOf(db) };
  }

  dispose(): void {
    this.stop.forEach((s) => s());
    this.element.remove();
  }

  private xOf(freq: number): number {
    const w = this.surface.width - PAD_LEFT - PAD_RIGHT;
    return PAD_LEFT + (Math.log(freq / EQ_MIN_HZ) / Math.log(EQ_MAX_HZ / EQ_MIN_HZ)) * w;
  }

  private yOf(db: number): number {
    const h = this.surface.height - PAD_TOP - PAD_BOTTOM;
    const r = this.rangeDb;
    return PAD_TOP + ((r - clamp(db, -r, r)) / (2 * r)) * h;
  }

  private draw(): void {
    const s = this.surface;
    const { ctx, width: w, height: h } = s;
    const p = this.palette;
    s.clear();
    if (w <= PAD_LEFT + PAD_RIGHT || h <= PAD_TOP + PAD_BOTTOM) return;
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, w, h);
    const x0 = PAD_LEFT;
    const x1 = w - PAD_RIGHT;
    const y0 = PAD_TOP;
    const y1 = h - PAD_BOTTOM;

    // Grid.
    ctx.lineWidth = 1 / s.dpr;
    ctx.strokeStyle = p.grid;
    ctx.beginPath();
    for (const f of GRID_HZ) {
      const x = s.crisp(this.xOf(f));
      ctx.moveTo(x, y0);
      ctx.lineTo(x, y1);
    }
    const step = this.rangeDb > 24 ? 12 : 6;
    for (let d = -this.rangeDb; d <= this.rangeDb; d += step) {
      if (d === 0) continue;
      const y = s.crisp(this.yOf(d));
      ctx.moveTo(x0, y);
      ctx.lineTo(x1, y);
    }
    ctx.stroke();
    ctx.strokeStyle = p.muted;
    ctx.beginPath();
    const yZero = s.crisp(this.yOf(0));
    ctx.moveTo(x0, yZero);
    ctx.lineTo(x1, yZero);
    ctx.stroke();

    // Labels.
    drawFrequencyLabels(ctx, p, (f) => this.xOf(f), h - 1);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let d = -this.rangeDb; d <= this.rangeDb; d += step) {
      ctx.fillText(d > 0 ? `+${d}` : String(d), x0 - 4, this.yOf(d));
    }

    const freqs = this.freqs;
    const db = this.db;
    if (!freqs || !db || freqs.length === 0) {
      ctx.textAlign = 'center';
      ctx.fillStyle = p.muted;
      ctx.fillText(this.empty, (x0 + x1) / 2, (y0 + y1) / 2);
      return;
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0 - 1, x1 - x0, y1 - y0 + 2);
    ctx.clip();
    // The area between the curve and 0 dB, faint, then the curve. NaN (above Nyquist) ends the line.
    const n = Math.min(freqs.length, db.length);
    ctx.beginPath();
    let open = false;
    let firstX = 0;
    let lastX = 0;
    for (let i = 0; i < n; i++) {
      const v = db[i]!;
      const f = freqs[i]!;
      if (Number.isNaN(v) || !(f > 0)) {
        if (open) this.closeArea(lastX, firstX, yZero);
        open = false;
        continue;
      }
      const x = this.xOf(f);
      const y = this.yOf(v === -Infinity ? -this.rangeDb : v);
      if (!open) {
        ctx.moveTo(x, yZero);
        firstX = x;
        open = true;
      }
      ctx.lineTo(x, y);
      lastX = x;
    }
    if (open) this.closeArea(lastX, firstX, yZero);
    ctx.globalAlpha = 0.18;
    ctx.fillStyle = p.accent;
    ctx.fill();
    ctx.globalAlpha = 1;

    ctx.beginPath();
    open = false;
    for (let i = 0; i < n; i++) {
      const v = db[i]!;
      const f = freqs[i]!;
      if (Number.isNaN(v) || !(f > 0)) {
        open = false;
        continue;
      }
      const x = this.xOf(f);
      const y = this.yOf(v === -Infinity ? -this.rangeDb : v);
      if (open) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      open = true;
    }
    ctx.strokeStyle = p.accent;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.stroke();
    ctx.restore();

    if (this.title) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillStyle = p.fg;
      ctx.fillText(this.title, x0 + 2, 2);
    }
  }

  private closeArea(lastX: number, firstX: number, yZero: number): void {
    this.surface.ctx.lineTo(lastX, yZero);
    this.surface.ctx.lineTo(firstX, yZero);
    this.surface.ctx.closePath();
  }
}
