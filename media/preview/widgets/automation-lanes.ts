/**
 * The automation lanes of the selected channel, drawn under the waveform on
 * the same time axis: one strip per lane, its value over time as a line
 * (a mute lane as the spans it mutes), the markers, and the playhead. The
 * page samples the lanes (with the engine's own lane maths); this draws.
 */
import { Surface, clamp, readPalette, watchSize, watchTheme, type Palette } from './surface.js';
import type { Marker } from './waveform.js';

export interface LaneCurve {
  /** As written after `automate`: `gain`, `send verb`, `glue.threshold`. */
  readonly label: string;
  /** The value per column, 0 (bottom) … 1 (top), evenly over the duration. */
  readonly heights: Float32Array;
  /** Draw as on/off spans rather than a line (a mute lane: 1 is muted). */
  readonly switched: boolean;
  /** The range shown, in words: `-inf … +1 dB`. */
  readonly range: string;
  /** Point times, seconds: drawn as dots on the line. */
  readonly points: readonly number[];
}

/** Height of one lane's strip, CSS pixels. */
const LANE_HEIGHT = 28;

export class AutomationLanesView {
  readonly element: HTMLCanvasElement;
  private readonly surface: Surface;
  private palette: Palette;
  private lanes: readonly LaneCurve[] = [];
  private duration = 0;
  private position = 0;
  private markers: readonly Marker[] = [];
  private readonly stop: (() => void)[] = [];

  constructor(host: HTMLElement) {
    this.element = document.createElement('canvas');
    this.element.className = 'md-widget md-lanes';
    this.element.setAttribute('role', 'img');
    this.element.hidden = true;
    host.append(this.element);
    this.surface = new Surface(this.element);
    this.palette = readPalette(this.element);
    this.stop.push(
      watchSize(this.element, () => {
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

  /** The lanes of `channel` over `duration` seconds; none hides the strip. */
  setLanes(channel: string, lanes: readonly LaneCurve[], duration: number): void {
    this.lanes = lanes;
    this.duration = duration;
    this.element.hidden = lanes.length === 0;
    this.element.style.height = `${lanes.length * LANE_HEIGHT}px`;
    this.element.dataset['lanes'] = lanes.map((l) => l.label).join(',');
    this.element.setAttribute('aria-label', lanes.length === 0 ? '' : `Automation of ${channel}: ${lanes.map((l) => `${l.label} (${l.points.length} point${l.points.length === 1 ? '' : 's'}, ${l.range})`).join('; ')}`);
    this.surface.fit();
    this.draw();
  }

  setMarkers(markers: readonly Marker[]): void {
    this.markers = markers;
    this.draw();
  }

  setPosition(seconds: number): void {
    if (this.lanes.length === 0) return;
    this.position = seconds;
    this.draw();
  }

  /** The number of columns the page should sample: the canvas width in CSS pixels. */
  get columns(): number {
    return Math.max(1, Math.round(this.surface.width || this.element.clientWidth || 600));
  }

  dispose(): void {
    this.stop.forEach((s) => s());
    this.element.remove();
  }

  private draw(): void {
    const s = this.surface;
    const { ctx, width: w, height: h } = s;
    s.clear();
    if (w <= 0 || h <= 0 || this.lanes.length === 0) return;
    const p = this.palette;
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, w, h);
    const x = (t: number) => (this.duration > 0 ? (t / this.duration) * w : 0);
    ctx.lineWidth = 1 / s.dpr;
    ctx.strokeStyle = p.grid;
    ctx.beginPath();
    for (const m of this.markers) {
      const mx = s.crisp(x(m.time));
      ctx.moveTo(mx, 0);
      ctx.lineTo(mx, h);
    }
    this.lanes.forEach((_, i) => {
      const y = s.crisp(i * LANE_HEIGHT);
      ctx.moveTo(0, y);
      ctx.lineTo(w, y);
    });
    ctx.stroke();
    this.lanes.forEach((lane, i) => {
      const top = i * LANE_HEIGHT + 3;
      const span = LANE_HEIGHT - 6;
      const n = lane.heights.length;
      const colX = (c: number) => (c / n) * w;
      if (lane.switched) {
        ctx.fillStyle = p.warn;
        ctx.globalAlpha = 0.45;
        for (let c = 0; c < n; c++) if (lane.heights[c]! >= 0.5) ctx.fillRect(colX(c), top, w / n + 0.5, span);
        ctx.globalAlpha = 1;
      } else {
        ctx.strokeStyle = p.accent;
        ctx.lineWidth = Math.max(1, Math.round(1.5 * s.dpr)) / s.dpr;
        ctx.beginPath();
        for (let c = 0; c < n; c++) {
          const y = top + (1 - clamp(lane.heights[c]!, 0, 1)) * span;
          if (c === 0) ctx.moveTo(colX(c), y);
          else ctx.lineTo(colX(c), y);
        }
        ctx.stroke();
        ctx.fillStyle = p.accent;
        for (const t of lane.points) {
          const c = clamp(Math.floor((t / (this.duration || 1)) * n), 0, n - 1);
          ctx.fillRect(x(t) - 1.5, top + (1 - clamp(lane.heights[c]!, 0, 1)) * span - 1.5, 3, 3);
        }
      }
      ctx.font = p.font;
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      const label = `${lane.label}  ${lane.range}`;
      const tw = ctx.measureText(label).width;
      ctx.fillStyle = p.bg;
      ctx.globalAlpha = 0.75;
      ctx.fillRect(2, top - 2, tw + 4, 12);
      ctx.globalAlpha = 1;
      ctx.fillStyle = p.fg;
      ctx.fillText(label, 4, top - 1);
    });
    const px = s.crisp(clamp(x(this.position), 0, w - 1 / s.dpr));
    ctx.strokeStyle = p.fg;
    ctx.lineWidth = 1 / s.dpr;
    ctx.beginPath();
    ctx.moveTo(px, 0);
    ctx.lineTo(px, h);
    ctx.stroke();
  }
}
