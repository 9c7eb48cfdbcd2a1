/**
 * What unit each kind of value takes (design §2) and how it converts to the
 * model's base units: seconds, hertz, decibels and plain fractions.
 */
import type { Quantity, Span } from './ast.js';
import type { UnitImage } from './tokens.js';

export type ValueKind =
  | 'gain' // dB
  | 'level' // dBFS (trim auto)
  | 'ceiling' // dBFS or dBTP
  | 'loudness' // LUFS
  | 'frequency' // Hz, kHz
  | 'duration' // s, ms
  | 'percent' // %
  | 'slope' // dB/oct
  | 'plain' // no unit: q, ratio, meter
  | 'tempo' // bpm, may be left out
  | 'samplerate'; // Hz, may be left out

interface UnitRule {
  /** Accepted units and their factor to the base unit. */
  readonly units: Partial<Record<UnitImage, number>>;
  /** The unit assumed when none is written; absent means a missing unit is an error. */
  readonly implied?: UnitImage;
}

export const UNIT_RULES: Record<ValueKind, UnitRule> = {
  gain: { units: { dB: 1 } },
  level: { units: { dBFS: 1 } },
  ceiling: { units: { dBFS: 1, dBTP: 1 } },
  loudness: { units: { LUFS: 1 } },
  frequency: { units: { Hz: 1, kHz: 1000 } },
  duration: { units: { s: 1, ms: 0.001 } },
  percent: { units: { '%': 0.01 } },
  slope: { units: { 'dB/oct': 1 } },
  plain: { units: {} },
  tempo: { units: { bpm: 1 }, implied: 'bpm' },
  samplerate: { units: { Hz: 1, kHz: 1000 }, implied: 'Hz' },
};

export function unitsOf(kind: ValueKind): UnitImage[] {
  return Object.keys(UNIT_RULES[kind].units) as UnitImage[];
}

/** How a value is shown in messages: `300 Hz`, `-3 dB`, `25%`. */
export function showValue(value: number, unit: string | null): string {
  const n = value === -Infinity ? '-inf' : value === Infinity ? 'inf' : String(Number(value.toPrecision(6)));
  if (!unit) return n;
  return unit === '%' ? `${n}%` : `${n} ${unit}`;
}

/** Where the unit of a quantity is written: the end of its span. */
export function unitSpanOf(q: Quantity): Span {
  return { start: q.span.end - (q.unit?.length ?? 0), end: q.span.end };
}
