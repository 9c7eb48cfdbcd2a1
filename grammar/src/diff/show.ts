/**
 * How the semantic diff shows a value: in the unit a mix engineer writes it
 * in (`300 Hz`, `3 kHz`, `-4.5 dB`, `10 ms`, `4:1`, `bar 17`), never in the
 * model's base units.
 */
import { TempoMap } from '../tempo-map.js';
import type { MixModel } from '../model.js';
import { showValue } from '../units.js';

/** `+2 dB`, `-4.5 dB`, `0 dB`, `-inf dB`: gains read as moves up or down. */
export function showDb(db: number, unit = 'dB'): string {
  return `${db > 0 ? '+' : ''}${showValue(db, unit)}`;
}

export function showHz(hz: number): string {
  return hz >= 1000 ? showValue(hz / 1000, 'kHz') : showValue(hz, 'Hz');
}

/** Durations as written for processors: milliseconds below a second. */
export function showDuration(seconds: number): string {
  return seconds < 1 ? showValue(Number((seconds * 1000).toPrecision(6)), 'ms') : showValue(seconds, 's');
}

export function showPercent(fraction: number, signed = false): string {
  const pct = Number((fraction * 100).toPrecision(6));
  return `${signed && pct > 0 ? '+' : ''}${showValue(pct, '%')}`;
}

export function showRatio(ratio: number): string {
  return ratio === Infinity ? 'inf' : `${showValue(ratio, null)}:1`;
}

export function showFlag(on: boolean): string {
  return on ? 'on' : 'off';
}

export function showString(s: string | null): string {
  return s === null ? 'none' : JSON.stringify(s);
}

/** `m:ss` or `m:ss.fff` with the fraction's trailing zeros dropped: `2:03.2`, `0:05`. */
export function showClock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const m = Math.floor(ms / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  const frac = ms % 1000;
  const fraction = frac === 0 ? '' : `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  return `${m}:${String(s).padStart(2, '0')}${fraction}`;
}

/**
 * A position in the song: `bar 17` or `bar 17 beat 3` when it falls exactly
 * on a beat of the session's tempo and meter, else a clock time.
 */
export function showTime(seconds: number, model: Pick<MixModel, 'tempo' | 'meter' | 'tempoMap'>): string {
  const map = TempoMap.of(model);
  if (map && seconds >= 0) {
    // Through the tempo map; on a beat when the bar and beat it finds give the same time back.
    const { bar, beat } = map.position(seconds);
    const whole = Math.round(beat);
    if (Math.abs(map.seconds(bar, whole) - seconds) < 1e-9 && whole >= 1) return whole === 1 ? `bar ${bar}` : `bar ${bar} beat ${whole}`;
  }
  return showClock(seconds);
}
