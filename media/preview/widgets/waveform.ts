/**
 * The overview of the whole render with a playhead, loop span and markers.
 * Two stacked canvases: the waveform (redrawn when the overview, loop,
 * markers, size or theme change) and, on top, the playhead (redrawn on
 * every position update, which is cheap). The top canvas is the slider
 * that takes pointer and keyboard input.
 */
import { Surface, clamp, readPalette, watchSize, watchTheme, type Palette } from './surface.js';
import { formatClock } from './time-format.js';

export interface WaveformOverview {
  /** Per channel: interleaved min,max per bucket, values -1..1. */
  readonly peaks: readonly Float32Array[];
  /** Seconds. */
  readonly duration: number;
}

export interface LoopSpan {
  readonly from: number;
  readonly to: number;
}

export interface Marker {
  /** Seconds. */
  readonly time: number;
  readonly label: string;
}

/** Pointer travel under which a shift-press counts as a click (clears the loop) rather than a drag. */
const CLICK_SLOP_PX = 3;

export class WaveformView {
  /** Seconds one Shift+Arrow moves. */
  barSeconds = 2;
  /** Text for aria-valuetext, e.g. "12.3, 0:22.500". */
  formatValueText: (seconds: number) => string = formatClock;
  onSeek: ((seconds: number) => void) | null = null;
  onLoop: ((span: LoopSpan | null) => void) | null = null;
  /** The pointer rests over a time (no button pressed): where a click may seek next. */
  onHover: ((seconds: number) => void) | null = null;

  /** The slider: the top canvas. */
  readonly element: HTMLCanvasElement;
  private readonly root: HTMLDivElement;
  private readonly messageEl: HTMLDivElement;
  private readonly base: Surface;
  private readonly top: Surface;
  private palette: Palette;
  private overview: WaveformOverview | null = null;
  private duration = 0;
  private position = 0;
  private loop: LoopSpan | null = null;
  private markers: Marker[] = [];
  /** aria-valuenow as last written, so per-frame updates touch the DOM once a second at most. */
  private ariaSecond = Number.NaN;
  private drag: { shift: boolean; startX: number; startTime: number; moved: boolean } | null = null;
  private dragSpan: LoopSpan | null = null;
  private readonly stop: (() => void)[] = [];

  constructor(host: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'md-widget md-waveform';
    const baseCanvas = document.createElement('canvas');
    baseCanvas.className = 'md-waveform-base';
    baseCanvas.setAttribute('aria-hidden', 'true');
    this.element = document.createElement('canvas');
    this.element.className = 'md-waveform-top';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'slider');
    this.element.setAttribute('aria-label', 'Position');
    this.element.setAttribute('aria-orientation', 'horizontal');
    this.element.setAttribute('aria-valuemin', '0');
    this.element.setAttribute('aria-valuemax', '0');
    this.element.setAttribute('aria-valuenow', '0');
    this.messageEl = document.createElement('div');
    this.messageEl.className = 'md-waveform-message';
    this.messageEl.setAttribute('aria-live', 'polite');
    this.root.append(baseCanvas, this.element, this.messageEl);
    host.append(this.root);
    this.base = new Surface(baseCanvas);
    this.top = new Surface(this.element);
    this.palette = readPalette(this.root);

    this.element.addEventListener('pointerdown', this.pointerDown);
    this.element.addEventListener('pointermove', this.pointerMove);
    this.element.addEventListener('pointerup', this.pointerUp);
    this.element.addEventListener('pointercancel', this.pointerCancel);
    this.element.addEventListener('keydown', this.keyDown);
    this.stop.push(
      watchSize(this.root, () => {
        // Also when first laid out: a widget made before it was in the document read no theme colours then.
        this.palette = readPalette(this.root);
        this.redraw();
      }),
      watchTheme(() => {
        this.palette = readPalette(this.root);
        this.redraw();
      }),
    );
    this.setMessage('Rendering overview…');
    this.updateAria(true);
  }

  /** The render's overview, or null while there is none (the message shows instead). Keeps the duration when null. */
  setOverview(o: WaveformOverview | null): void {
    this.overview = o;
    if (o) {
      this.setDuration(o.duration);
      this.messageEl.hidden = true;
    } else {
      this.messageEl.hidden = false;
    }
    this.drawBase();
  }

  /** Seconds the slider spans; set by setOverview, or alone when the length is known before the overview. */
  setDuration(seconds: number): void {
    this.duration = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
    this.element.setAttribute('aria-valuemax', String(round3(this.duration)));
    this.element.setAttribute('aria-disabled', String(this.duration <= 0));
    this.updateAria(true);
    this.drawBase();
    this.drawTop();
  }

  /** The text shown while there is no overview. */
  setMessage(text: string): void {
    this.messageEl.textContent = text;
    this.messageEl.hidden = this.overview !== null;
  }

  setPosition(seconds: number): void {
    this.position = Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
    this.updateAria(false);
    this.drawTop();
  }

  setLoop(span: LoopSpan | null): void {
    this.loop = span && span.to > span.from ? { from: span.from, to: span.to } : null;
    this.drawBase();
  }

  setMarkers(markers: readonly Marker[]): void {
    this.markers = markers.map((m) => ({ time: m.time, label: m.label })).sort((a, b) => a.time - b.time);
    this.drawBase();
  }

  /** Seconds at a CSS-pixel x inside the canvas. */
  timeAt(x: number): number {
    if (this.top.width <= 0 || this.duration <= 0) return 0;
    return clamp((x / this.top.width) * this.duration, 0, this.duration);
  }

  /** CSS-pixel x inside the canvas of a time. */
  xOf(seconds: number): number {
    return this.duration > 0 ? (seconds / this.duration) * this.top.width : 0;
  }

  dispose(): void {
    this.stop.forEach((s) => s());
    this.root.remove();
  }

  private redraw(): void {
    this.base.fit();
    this.top.fit();
    this.drawBase();
    this.drawTop();
  }

  private updateAria(force: boolean): void {
    const second = Math.floor(this.position);
    if (!force && second === this.ariaSecond) return;
    this.ariaSecond = second;
    this.element.setAttribute('aria-valuenow', String(round3(Math.min(this.position, this.duration))));
    this.element.setAttribute('aria-valuetext', this.formatValueText(this.position));
  }

  private drawBase(): void {
    const s = this.base;
    const { ctx, width: w, height: h } = s;
    const p = this.palette;
    s.clear();
    if (w <= 0 || h <= 0) return;
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, w, h);

    if (this.loop && this.duration > 0) {
      const [x0, x1] = this.shadeSpan(ctx, this.loop, p.warn, 0.22, h);
      ctx.strokeStyle = p.warn;
      ctx.lineWidth = 1 / s.dpr;
      ctx.beginPath();
      ctx.moveTo(s.crisp(x0), 0);
      ctx.lineTo(s.crisp(x0), h);
      ctx.moveTo(s.crisp(x1), 0);
      ctx.lineTo(s.crisp(x1), h);
      ctx.stroke();
    }

    const o = this.overview;
    if (o && o.peaks.length > 0) {
      const lanes = o.peaks.length;
      const laneH = h / lanes;
      // Columns in device pixels: one fillRect each, min and max of the buckets the column covers.
      const cols = this.base.canvas.width;
      const colW = w / cols;
      const full = this.duration > 0 ? o.duration / this.duration : 1;
      ctx.fillStyle = p.accent;
      for (let c = 0; c < lanes; c++) {
        const peaks = o.peaks[c]!;
        const buckets = peaks.length >> 1;
        if (buckets === 0) continue;
        const mid = laneH * c + laneH / 2;
        const half = laneH / 2 - 1;
        const perCol = buckets / (cols * full);
        for (let x = 0; x < cols; x++) {
          const b0 = Math.floor(x * perCol);
          if (b0 >= buckets) break;
          const b1 = Math.min(buckets, Math.max(b0 + 1, Math.floor((x + 1) * perCol)));
          let lo = 1;
          let hi = -1;
          for (let b = b0; b < b1; b++) {
            const mn = peaks[2 * b]!;
            const mx = peaks[2 * b + 1]!;
            if (mn < lo) lo = mn;
            if (mx > hi) hi = mx;
          }
          if (hi < lo) continue;
          const y0 = mid - clamp(hi, -1, 1) * half;
          const y1 = mid - clamp(lo, -1, 1) * half;
          ctx.fillRect(x * colW, y0, colW, Math.max(1 / s.dpr, y1 - y0));
        }
      }
      // The lane axes.
      ctx.strokeStyle = p.grid;
      ctx.lineWidth = 1 / s.dpr;
      ctx.beginPath();
      for (let c = 0; c < lanes; c++) {
        const y = s.crisp(laneH * c + laneH / 2);
        ctx.moveTo(0, y);
        ctx.lineTo(w, y);
      }
      ctx.stroke();
    }

    if (this.markers.length > 0 && this.duration > 0) {
      ctx.font = p.font;
      ctx.textBaseline = 'top';
      ctx.lineWidth = 1 / s.dpr;
      ctx.strokeStyle = p.muted;
      ctx.beginPath();
      for (const m of this.markers) {
        if (m.time < 0 || m.time > this.duration) continue;
        const x = s.crisp(this.xOf(m.time));
        ctx.moveTo(x, 0);
        ctx.lineTo(x, h);
      }
      ctx.stroke();
      // Labels left to right, each skipped where it would overlap the one before.
      let freeFrom = -Infinity;
      for (const m of this.markers) {
        if (m.time < 0 || m.time > this.duration) continue;
        const x = this.xOf(m.time) + 3;
        const tw = ctx.measureText(m.label).width;
        if (x < freeFrom || x + tw > w) continue;
        ctx.fillStyle = p.bg;
        ctx.globalAlpha = 0.75;
        ctx.fillRect(x - 1, 1, tw + 2, 12);
        ctx.globalAlpha = 1;
        ctx.fillStyle = p.fg;
        ctx.fillText(m.label, x, 2);
        freeFrom = x + tw + 6;
      }
    }
  }

  /** Shades a span of time (the loop, or the one being dragged) and returns its edges in CSS pixels. */
  private shadeSpan(ctx: CanvasRenderingContext2D, span: LoopSpan, colour: string, alpha: number, h: number): [number, number] {
    const x0 = this.xOf(span.from);
    const x1 = this.xOf(span.to);
    ctx.globalAlpha = alpha;
    ctx.fillStyle = colour;
    ctx.fillRect(x0, 0, Math.max(1, x1 - x0), h);
    ctx.globalAlpha = 1;
    return [x0, x1];
  }

  private drawTop(): void {
    const s = this.top;
    const { ctx, width: w, height: h } = s;
    s.clear();
    if (w <= 0 || h <= 0 || this.duration <= 0) return;
    const p = this.palette;
    if (this.dragSpan) this.shadeSpan(ctx, this.dragSpan, p.focus, 0.3, h);
    const x = s.crisp(clamp(this.xOf(this.position), 0, w - 1 / s.dpr));
    ctx.strokeStyle = p.fg;
    ctx.lineWidth = Math.max(1, Math.round(1.5 * s.dpr)) / s.dpr;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, h);
    ctx.stroke();
  }

  private seek(seconds: number): void {
    const t = clamp(seconds, 0, this.duration);
    this.setPosition(t);
    this.updateAria(true);
    this.onSeek?.(t);
  }

  private localX(e: PointerEvent): number {
    return e.clientX - this.element.getBoundingClientRect().left;
  }

  private readonly pointerDown = (e: PointerEvent): void => {
    if (e.button !== 0 || this.duration <= 0) return;
    e.preventDefault();
    this.element.focus();
    this.element.setPointerCapture(e.pointerId);
    const x = this.localX(e);
    this.drag = { shift: e.shiftKey, startX: x, startTime: this.timeAt(x), moved: false };
    if (!e.shiftKey) this.seek(this.timeAt(x));
  };

  private readonly pointerMove = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d) {
      this.onHover?.(this.timeAt(this.localX(e)));
      return;
    }
    const x = this.localX(e);
    if (Math.abs(x - d.startX) >= CLICK_SLOP_PX) d.moved = true;
    if (!d.shift) {
      this.seek(this.timeAt(x));
      return;
    }
    if (!d.moved) return;
    const t = this.timeAt(x);
    this.dragSpan = { from: Math.min(t, d.startTime), to: Math.max(t, d.startTime) };
    this.drawTop();
  };

  private readonly pointerUp = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    if (this.element.hasPointerCapture(e.pointerId)) this.element.releasePointerCapture(e.pointerId);
    if (!d.shift) return;
    const span = d.moved ? this.dragSpan : null;
    this.dragSpan = null;
    this.setLoop(span);
    this.drawTop();
    this.onLoop?.(this.loop);
  };

  private readonly pointerCancel = (): void => {
    this.drag = null;
    this.dragSpan = null;
    this.drawTop();
  };

  private readonly keyDown = (e: KeyboardEvent): void => {
    if (this.duration <= 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey ? this.barSeconds : 1;
    let to: number;
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowDown':
        to = this.position - step;
        break;
      case 'ArrowRight':
      case 'ArrowUp':
        to = this.position + step;
        break;
      case 'PageDown':
        to = this.position - this.barSeconds;
        break;
      case 'PageUp':
        to = this.position + this.barSeconds;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = this.duration;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.seek(to);
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
