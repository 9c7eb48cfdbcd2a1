/**
 * Transport position as text: clock time and musical position. No DOM use,
 * so Node tests import it directly.
 */

/** `m:ss.mmm`, or `h:mm:ss.mmm` from one hour on. Negative times get a leading '-'; NaN reads as 0. */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds)) seconds = 0;
  const sign = seconds < 0 ? '-' : '';
  // Round once, in whole milliseconds, so 59.9996 s reads 1:00.000 and not 0:60.000.
  let ms = Math.round(Math.abs(seconds) * 1000);
  const h = Math.floor(ms / 3_600_000);
  ms -= h * 3_600_000;
  const m = Math.floor(ms / 60_000);
  ms -= m * 60_000;
  const s = Math.floor(ms / 1000);
  ms -= s * 1000;
  const tail = `${pad(s, 2)}.${pad(ms, 3)}`;
  return h > 0 ? `${sign}${h}:${pad(m, 2)}:${tail}` : `${sign}${m}:${tail}`;
}

/**
 * `bar.beat`, both 1-based (0 s is `1.1`). Times before the start read as
 * `1.1`. A time a hair under a beat boundary (float error from bar
 * arithmetic) counts as that beat.
 */
export function formatBars(seconds: number, barSeconds: number, beatsPerBar: number): string {
  const beats = Math.max(1, Math.round(beatsPerBar));
  if (!(barSeconds > 0) || !Number.isFinite(seconds) || seconds <= 0) return '1.1';
  const beat = barSeconds / beats;
  const whole = Math.floor(seconds / beat + 1e-9);
  return `${Math.floor(whole / beats) + 1}.${(whole % beats) + 1}`;
}

/** `bar.beat` of a position the tempo map found (tempo-map.ts): the beat it is in, a hair under the next counting as that. */
export function formatBarBeat(p: { readonly bar: number; readonly beat: number }): string {
  return `${p.bar}.${Math.max(1, Math.floor(p.beat + 1e-9))}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
