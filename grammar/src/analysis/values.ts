/**
 * Values and units: a quantity's number and unit checked against its value
 * kind (units.ts) and converted to base units, and range checks whose message
 * shows the range in the unit written.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import { showValue, UNIT_RULES, unitSpanOf, unitsOf, type ValueKind } from '../units.js';
import type { Reporter } from './context.js';

/**
 * The value of a quantity in base units, after checking its number and
 * unit. Returns undefined when there is no usable number.
 */
export function value(r: Reporter, q: ast.Quantity | null | undefined, kind: ValueKind): number | undefined {
  if (!q || q.recovered || Number.isNaN(q.value)) return undefined;
  if (/^[+-]?\./.test(q.text) || q.text.endsWith('.')) {
    const fixed = q.text.endsWith('.') ? q.text.slice(0, -1) : q.text.replace('.', '0.');
    r.report(CODES.invalidNumber, q.numberSpan, `'${q.text}' is not a number: write ${fixed}`);
  }
  const rule = UNIT_RULES[kind];
  const allowed = unitsOf(kind);
  if (q.unit === null) {
    if (allowed.length > 0 && !rule.implied) {
      r.report(CODES.missingUnit, q.span, `${q.text} needs a unit: ${allowed.map((u) => showValue(q.value, u)).join(' or ')}`, 'error', {
        kind: 'units',
        units: allowed,
      });
    }
    const implied = rule.implied ? rule.units[rule.implied]! : allowed.length > 0 ? rule.units[allowed[0]!]! : 1;
    return q.value * implied;
  }
  const factor = rule.units[q.unit];
  if (factor === undefined) {
    const message = allowed.length === 0
      ? `this value takes no unit: write ${q.text}`
      : `'${q.unit}' is the wrong unit here: use ${allowed.map((u) => `'${u}'`).join(' or ')}`;
    r.report(CODES.wrongUnit, q.span, message, 'error', { kind: 'units', units: allowed, unitSpan: unitSpanOf(q) });
    return undefined; // unknown intent: the default stands, and no range error piles on
  }
  return q.value * factor;
}

/**
 * Checks `min <= v <= max` (v in base units); the message shows the range
 * in the unit written, so `attack 0 ms` reads "0.05 ms to 1000 ms".
 */
export function inRange(r: Reporter, q: ast.Quantity, v: number, min: number, max: number, what: string, unit: string | null, kind?: ValueKind): boolean {
  if (v >= min && v <= max) return true;
  const rule = kind ? UNIT_RULES[kind] : undefined;
  const shownUnit = q.unit ?? unit;
  const factor = (rule && shownUnit ? rule.units[shownUnit as keyof typeof rule.units] : undefined) ?? 1;
  const lo = showValue(min / factor, shownUnit);
  const hi = showValue(max / factor, shownUnit);
  r.report(CODES.outOfRange, q.span, `${what} ${showValue(q.value, shownUnit)} is out of range: ${lo} to ${hi}`);
  return false;
}

/** A value with its range; falls back to `fallback` when missing or wrong. */
export function ranged(r: Reporter, q: ast.Quantity | null | undefined, kind: ValueKind, min: number, max: number, what: string, fallback: number): number {
  const v = value(r, q, kind);
  if (v === undefined) return fallback;
  const unit = UNIT_RULES[kind].implied ?? unitsOf(kind)[0] ?? null;
  return inRange(r, q!, v, min, max, what, unit, kind) ? v : fallback;
}

export function spanFrom(a: ast.Span, b: ast.Span): ast.Span {
  return { start: a.start, end: Math.max(a.end, b.end) };
}
