/**
 * What the canvas widgets share: a canvas whose backing store follows its
 * CSS size times devicePixelRatio, theme colours read from CSS custom
 * properties (widgets.css maps them to VS Code's), and one observer for
 * theme switches (VS Code rewrites the body class and the root style).
 */

/** A canvas sized in device pixels and drawn in CSS pixels. */
export class Surface {
  readonly ctx: CanvasRenderingContext2D;
  /** CSS pixels. */
  width = 0;
  height = 0;
  dpr = 1;

  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas context');
    this.ctx = ctx;
  }

  /** Matches the backing store to the element's box; true when it changed (the drawing is then lost). */
  fit(): boolean {
    const dpr = window.devicePixelRatio || 1;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    const pw = Math.max(1, Math.round(w * dpr));
    const ph = Math.max(1, Math.round(h * dpr));
    if (pw === this.canvas.width && ph === this.canvas.height && dpr === this.dpr && w === this.width && h === this.height) return false;
    this.canvas.width = pw;
    this.canvas.height = ph;
    this.width = w;
    this.height = h;
    this.dpr = dpr;
    return true;
  }

  /** Resets the transform to CSS pixels and clears the canvas. */
  clear(): void {
    const { ctx } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
  }

  /** Snaps a CSS coordinate to the middle of a device pixel, so 1-device-pixel lines stay sharp. */
  crisp(v: number): number {
    return (Math.round(v * this.dpr) + 0.5) / this.dpr;
  }
}

/**
 * Calls `onResize` when `el` changes size or the window's devicePixelRatio
 * changes (zoom, another monitor). Returns a function that stops watching.
 */
export function watchSize(el: Element, onResize: () => void): () => void {
  const ro = new ResizeObserver(() => onResize());
  ro.observe(el);
  let media: MediaQueryList | null = null;
  const onDpr = () => {
    listenDpr();
    onResize();
  };
  const listenDpr = () => {
    media?.removeEventListener('change', onDpr);
    media = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    media.addEventListener('change', onDpr);
  };
  listenDpr();
  return () => {
    ro.disconnect();
    media?.removeEventListener('change', onDpr);
  };
}

const themeListeners = new Set<() => void>();
let themeObserver: MutationObserver | null = null;

/** Calls `listener` after a VS Code theme switch. Returns a function that stops it. */
export function watchTheme(listener: () => void): () => void {
  themeListeners.add(listener);
  if (!themeObserver) {
    const notify = () => themeListeners.forEach((l) => l());
    themeObserver = new MutationObserver(notify);
    themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    // VS Code may apply the theme's variables after the page's scripts ran, in ways the observer
    // does not see (a style sheet added to the head): read the colours again once the page has loaded.
    themeObserver.observe(document.head, { childList: true });
    if (document.readyState !== 'complete') window.addEventListener('load', notify, { once: true });
  }
  return () => {
    themeListeners.delete(listener);
    if (themeListeners.size === 0) {
      themeObserver?.disconnect();
      themeObserver = null;
    }
  };
}

/** A colour from a CSS custom property on `el` (widgets.css defines them, with fallbacks), or `fallback`. */
export function cssColor(el: Element, property: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(property).trim();
  return v || fallback;
}

/** A canvas `font` in the element's own font family at `sizePx`. */
export function cssFont(el: Element, sizePx: number): string {
  const family = getComputedStyle(el).fontFamily || 'sans-serif';
  return `${sizePx}px ${family}`;
}

/** The widgets' palette, read once per theme. */
export interface Palette {
  fg: string;
  bg: string;
  muted: string;
  grid: string;
  accent: string;
  ok: string;
  warn: string;
  hot: string;
  focus: string;
  font: string;
}

export function readPalette(el: Element): Palette {
  return {
    fg: cssColor(el, '--md-fg', '#cccccc'),
    bg: cssColor(el, '--md-bg', '#1e1e1e'),
    muted: cssColor(el, '--md-muted', '#9d9d9d'),
    grid: cssColor(el, '--md-grid', 'rgba(128, 128, 128, 0.35)'),
    accent: cssColor(el, '--md-accent', '#3794ff'),
    ok: cssColor(el, '--md-ok', '#89d185'),
    warn: cssColor(el, '--md-warn', '#cca700'),
    hot: cssColor(el, '--md-hot', '#f14c4c'),
    focus: cssColor(el, '--md-focus', '#007fd4'),
    font: cssFont(el, 10),
  };
}

/** The frequencies labelled under a log-frequency axis (the EQ curve's and the spectrum's). */
const FREQUENCY_LABELS: readonly (readonly [number, string])[] = [[100, '100'], [1000, '1k'], [10_000, '10k']];

/** Writes the frequency labels along the bottom edge `y`, each at `x(hz)`; leaves the font and colour set for more labels. */
export function drawFrequencyLabels(ctx: CanvasRenderingContext2D, p: Palette, x: (hz: number) => number, y: number): void {
  ctx.font = p.font;
  ctx.fillStyle = p.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  for (const [f, label] of FREQUENCY_LABELS) ctx.fillText(label, x(f), y);
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
