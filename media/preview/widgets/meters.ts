/**
 * Level meters as plain elements (no canvas): a bar's lit length is a CSS
 * transform set from script, so a frame costs a style write per bar and
 * the CSP needs no inline styles. ARIA values are rewritten only when their
 * text changes.
 */
import { clamp } from './surface.js';

export type Orientation = 'vertical' | 'horizontal';

/** The peak meter's scale, dBFS. */
export const METER_MIN_DB = -60;
export const METER_MAX_DB = 6;
/** How long the peak-hold marker stays before it falls, and how fast it falls. */
const HOLD_MS = 1500;
const FALL_DB_PER_S = 20;
/** The gain-reduction meter's scale, dB. */
export const GR_MIN_DB = -24;

export interface MeterOptions {
  /** Accessible name, e.g. "vox peak level". */
  label: string;
  orientation?: Orientation;
  /** Milliseconds now; performance.now by default (tests pass their own). */
  clock?: () => number;
}

/** 0..1 along the peak meter's scale. */
export function meterFraction(db: number): number {
  if (!(db > METER_MIN_DB)) return 0;
  return clamp((db - METER_MIN_DB) / (METER_MAX_DB - METER_MIN_DB), 0, 1);
}

function dbText(db: number): string {
  return db > -Infinity ? `${db.toFixed(1)} dB` : 'silent';
}

interface Bar {
  track: HTMLDivElement;
  /** Covers the unlit part of the gradient; scaled from the top (or right). */
  cover: HTMLDivElement;
  hold: HTMLDivElement;
  holdDb: number;
  holdUntil: number;
  holdAt: number;
  lastCover: number;
  lastHold: number;
}

/**
 * A dBFS bar meter (-60..+6) for one or two channels with peak hold and a
 * clip light (lit above 0 dBFS until clicked). The hold marker moves only
 * when `set` is called, so call it every animation frame while playing.
 */
export class PeakMeter {
  /** The whole widget: the clip button and the meter. */
  readonly element: HTMLDivElement;
  /** The role="meter" element, with the ARIA values. */
  readonly meter: HTMLDivElement;
  private readonly bars: Bar[];
  private readonly clipButton: HTMLButtonElement;
  private readonly vertical: boolean;
  private readonly clock: () => number;
  private channels = 2;
  private clipped = false;
  private ariaText = '';

  constructor(host: HTMLElement, options: MeterOptions) {
    this.vertical = (options.orientation ?? 'vertical') === 'vertical';
    this.clock = options.clock ?? (() => performance.now());
    this.element = document.createElement('div');
    this.element.className = `md-widget md-meter md-meter--${this.vertical ? 'vertical' : 'horizontal'}`;
    // The button is the meter's sibling: a meter's children are presentational to assistive technology.
    this.meter = document.createElement('div');
    this.meter.className = 'md-meter-bars';
    this.meter.tabIndex = -1; // where focus goes when the clip button it had is disabled
    this.meter.setAttribute('role', 'meter');
    this.meter.setAttribute('aria-label', options.label);
    this.meter.setAttribute('aria-valuemin', String(METER_MIN_DB));
    this.meter.setAttribute('aria-valuemax', String(METER_MAX_DB));
    this.bars = [0, 1].map(() => {
      const track = document.createElement('div');
      track.className = 'md-meter-track';
      const cover = document.createElement('div');
      cover.className = 'md-meter-cover';
      const hold = document.createElement('div');
      hold.className = 'md-meter-hold';
      track.append(cover, hold);
      this.meter.append(track);
      return { track, cover, hold, holdDb: -Infinity, holdUntil: 0, holdAt: 0, lastCover: -1, lastHold: -1 };
    });
    this.clipButton = document.createElement('button');
    this.clipButton.type = 'button';
    this.clipButton.className = 'md-meter-clip';
    this.clipButton.disabled = true;
    this.clipButton.setAttribute('aria-label', `${options.label}: clipped; reset`);
    this.clipButton.title = 'Clipped above 0 dBFS (click to reset)';
    this.clipButton.addEventListener('click', () => this.resetClip());
    this.element.append(this.clipButton, this.meter);
    host.append(this.element);
    this.set(-Infinity, -Infinity);
  }

  /** Levels in dBFS; a mono meter when `dbRight` is left out. -Infinity is silence. */
  set(dbLeft: number, dbRight?: number): void {
    const channels = dbRight === undefined ? 1 : 2;
    if (channels !== this.channels) {
      this.channels = channels;
      this.bars[1]!.track.hidden = channels === 1;
      this.element.classList.toggle('md-meter--mono', channels === 1);
    }
    const now = this.clock();
    this.update(this.bars[0]!, dbLeft, now);
    if (channels === 2) this.update(this.bars[1]!, dbRight!, now);
    const loudest = channels === 2 ? Math.max(dbLeft, dbRight!) : dbLeft;
    if (loudest > 0 && !this.clipped) {
      this.clipped = true;
      this.clipButton.disabled = false;
      this.element.classList.add('md-meter--clipped');
    }
    const shown = Number.isNaN(loudest) ? -Infinity : loudest;
    const text = dbText(shown);
    if (text !== this.ariaText) {
      this.ariaText = text;
      const now1 = shown > -Infinity ? Math.round(clamp(shown, METER_MIN_DB, METER_MAX_DB) * 10) / 10 : METER_MIN_DB;
      this.meter.setAttribute('aria-valuenow', String(now1));
      this.meter.setAttribute('aria-valuetext', text);
    }
  }

  /** Whether the clip light is on. */
  get isClipped(): boolean {
    return this.clipped;
  }

  /** The peak-hold level of a channel (0 left, 1 right), dBFS. */
  holdDb(channel = 0): number {
    return this.bars[channel]?.holdDb ?? -Infinity;
  }

  resetClip(): void {
    if (!this.clipped) return;
    this.clipped = false;
    this.element.classList.remove('md-meter--clipped');
    // Moving focus off a button that is about to be disabled keeps keyboard users in place.
    if (document.activeElement === this.clipButton) this.meter.focus();
    this.clipButton.disabled = true;
  }

  dispose(): void {
    this.element.remove();
  }

  private update(bar: Bar, db: number, now: number): void {
    if (Number.isNaN(db)) db = -Infinity;
    if (db >= bar.holdDb) {
      bar.holdDb = db;
      bar.holdUntil = now + HOLD_MS;
      bar.holdAt = now;
    } else if (now > bar.holdUntil) {
      const from = Math.max(bar.holdAt, bar.holdUntil);
      bar.holdDb = Math.max(db, bar.holdDb - (FALL_DB_PER_S * (now - from)) / 1000);
      bar.holdAt = now;
    }
    const lit = meterFraction(db);
    // Quantised to a thousandth so still levels write no style at all.
    const cover = Math.round((1 - lit) * 1000) / 1000;
    if (cover !== bar.lastCover) {
      bar.lastCover = cover;
      bar.cover.style.transform = this.vertical ? `scaleY(${cover})` : `scaleX(${cover})`;
    }
    const hold = Math.round(meterFraction(bar.holdDb) * 1000) / 1000;
    if (hold !== bar.lastHold) {
      bar.lastHold = hold;
      bar.hold.hidden = hold <= 0;
      const pct = `${hold * 100}%`;
      if (this.vertical) bar.hold.style.bottom = pct;
      else bar.hold.style.left = pct;
    }
  }
}

/** A compressor's gain reduction: a bar growing down (or leftward) from 0 to -24 dB. */
export class GainReductionMeter {
  readonly element: HTMLDivElement;
  private readonly fill: HTMLDivElement;
  private readonly vertical: boolean;
  private last = -1;
  private ariaText = '';

  constructor(host: HTMLElement, options: MeterOptions) {
    this.vertical = (options.orientation ?? 'vertical') === 'vertical';
    this.element = document.createElement('div');
    this.element.className = `md-widget md-gr md-gr--${this.vertical ? 'vertical' : 'horizontal'}`;
    this.element.setAttribute('role', 'meter');
    this.element.setAttribute('aria-label', options.label);
    this.element.setAttribute('aria-valuemin', String(GR_MIN_DB));
    this.element.setAttribute('aria-valuemax', '0');
    const track = document.createElement('div');
    track.className = 'md-gr-track';
    this.fill = document.createElement('div');
    this.fill.className = 'md-gr-fill';
    track.append(this.fill);
    this.element.append(track);
    host.append(this.element);
    this.set(0);
  }

  /** Gain reduction in dB, 0 or negative (positive values read as 0). */
  set(grDb: number): void {
    const gr = Number.isFinite(grDb) ? clamp(Math.min(0, grDb), GR_MIN_DB, 0) : grDb === -Infinity ? GR_MIN_DB : 0;
    const frac = Math.round((gr / GR_MIN_DB) * 1000) / 1000;
    if (frac !== this.last) {
      this.last = frac;
      this.fill.style.transform = this.vertical ? `scaleY(${frac})` : `scaleX(${frac})`;
    }
    const shown = Math.round(gr * 10) / 10 || 0; // no "-0.0"
    const text = `${shown.toFixed(1)} dB`;
    if (text !== this.ariaText) {
      this.ariaText = text;
      this.element.setAttribute('aria-valuenow', String(shown));
      this.element.setAttribute('aria-valuetext', text);
    }
  }

  dispose(): void {
    this.element.remove();
  }
}

export interface LoudnessValues {
  /** LUFS; null or -Infinity while there is nothing to measure. */
  momentary?: number | null;
  shortTerm?: number | null;
  integrated?: number | null;
  /** dBTP. */
  truePeak?: number | null;
}

export interface LoudnessOptions {
  /** Value elements get ids `${idPrefix}-momentary`, `-short-term`, `-integrated`, `-true-peak`. Default "meter". */
  idPrefix?: string;
}

const LOUDNESS_ROWS = [
  ['momentary', 'momentary', 'Momentary', 'LUFS'],
  ['shortTerm', 'short-term', 'Short-term', 'LUFS'],
  ['integrated', 'integrated', 'Integrated', 'LUFS'],
  ['truePeak', 'true-peak', 'True peak', 'dBTP'],
] as const;

type LoudnessKey = (typeof LOUDNESS_ROWS)[number][0];

/** No value yet. */
export const NO_VALUE = '–';

/** A value as the readout writes it: one decimal with an ASCII '-', or '–' when there is none. */
export function formatLevel(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NO_VALUE;
  const r = Math.round(v * 10) / 10;
  return (r === 0 ? 0 : r).toFixed(1);
}

/**
 * Momentary, short-term and integrated loudness and true peak, as text.
 * With a target set, integrated loudness within ±1 LU of it is marked
 * (class md-loudness-value--on-target, green).
 */
export class LoudnessReadout {
  readonly element: HTMLDListElement;
  private readonly values = new Map<LoudnessKey, HTMLElement>();
  private readonly text = new Map<LoudnessKey, string>();
  private readonly targetRow: HTMLDivElement;
  private readonly targetValue: HTMLElement;
  private target: number | null = null;
  private integrated: number | null = null;

  constructor(host: HTMLElement, options: LoudnessOptions = {}) {
    const prefix = options.idPrefix ?? 'meter';
    this.element = document.createElement('dl');
    this.element.className = 'md-widget md-loudness';
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Master loudness');
    for (const [key, id, label, unit] of LOUDNESS_ROWS) {
      const row = document.createElement('div');
      row.className = `md-loudness-row md-loudness-row--${id}`;
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      const value = document.createElement('span');
      value.className = 'md-loudness-value';
      value.id = `${prefix}-${id}`;
      value.textContent = NO_VALUE;
      const u = document.createElement('span');
      u.className = 'md-loudness-unit';
      u.textContent = unit;
      dd.append(value, ' ', u);
      row.append(dt, dd);
      this.element.append(row);
      this.values.set(key, value);
      this.text.set(key, NO_VALUE);
    }
    this.targetRow = document.createElement('div');
    this.targetRow.className = 'md-loudness-row md-loudness-row--target';
    this.targetRow.hidden = true;
    const dt = document.createElement('dt');
    dt.textContent = 'Target';
    const dd = document.createElement('dd');
    this.targetValue = document.createElement('span');
    this.targetValue.className = 'md-loudness-value';
    this.targetValue.id = `${prefix}-target`;
    const u = document.createElement('span');
    u.className = 'md-loudness-unit';
    u.textContent = 'LUFS';
    dd.append(this.targetValue, ' ', u);
    this.targetRow.append(dt, dd);
    this.element.append(this.targetRow);
    host.append(this.element);
  }

  /** Updates the values given; keys left out keep their value. */
  set(values: LoudnessValues): void {
    for (const [key] of LOUDNESS_ROWS) {
      if (!(key in values)) continue;
      const v = values[key];
      const t = formatLevel(v);
      if (key === 'integrated') this.integrated = Number.isFinite(v) ? (v as number) : null;
      if (t === this.text.get(key)) continue;
      this.text.set(key, t);
      this.values.get(key)!.textContent = t;
    }
    if ('truePeak' in values) {
      const tp = values.truePeak;
      this.values.get('truePeak')!.classList.toggle('md-loudness-value--over', typeof tp === 'number' && Number.isFinite(tp) && tp > 0);
    }
    this.markTarget();
  }

  /** Target integrated loudness in LUFS, or null for none. */
  setTarget(lufs: number | null): void {
    this.target = lufs !== null && Number.isFinite(lufs) ? lufs : null;
    this.targetRow.hidden = this.target === null;
    this.targetValue.textContent = formatLevel(this.target);
    this.markTarget();
  }

  dispose(): void {
    this.element.remove();
  }

  private markTarget(): void {
    const el = this.values.get('integrated')!;
    const on = this.target !== null && this.integrated !== null && Math.abs(this.integrated - this.target) <= 1;
    el.classList.toggle('md-loudness-value--on-target', on);
    el.classList.toggle('md-loudness-value--off-target', this.target !== null && this.integrated !== null && !on);
  }
}
