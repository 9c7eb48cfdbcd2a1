/**
 * Fades, centred on the edge they soften (design §4, §10.4): a fade of
 * length D at edge E runs from E − D/2 to E + D/2. With u from 0 to 1 across
 * it, a fade-in's gain is f(u) and a fade-out's f(1 − u), for the shape f:
 *
 *   equal   sin(π/2·u)                      equal power: in² + out² = 1
 *   linear  u                               equal amplitude: in + out = 1
 *   s       (1 − cos πu)/2                  equal amplitude, gentle at both ends
 *   exp     (10^(−3(1−u)) − 10^−3)/(1 − 10^−3)   straight in dB over 60 dB, then to 0
 *
 * Two clips meeting at E with the same length crossfade with a flat sum of
 * power (`equal`: uncorrelated takes, different performances) or of
 * amplitude (`linear`, `s`: correlated takes, the same performance).
 */
import type { FadeShape } from '../../../grammar/src/ast.js';
import { dbToGain, pcos, psin } from '../dsp/portable-math.js';

/** Shapes as numbers for the per-sample loop; 0 is equal-power, the default. */
export const FADE_SHAPES: { readonly [S in FadeShape]: number } = { equal: 0, linear: 1, s: 2, exp: 3 };

const EXP_FLOOR = dbToGain(-60);

/** The fade-in curve of shape `shape` (FADE_SHAPES) at u in (0, 1). */
function rise(u: number, shape: number): number {
  switch (shape) {
    case 1: return u;
    case 2: return (1 - pcos(Math.PI * u)) / 2;
    case 3: return (dbToGain(-60 * (1 - u)) - EXP_FLOOR) / (1 - EXP_FLOOR);
    default: return psin((Math.PI / 2) * u);
  }
}

/** Gain of a fade-in at timeline frame t (edge and length in frames). */
export function fadeInGain(t: number, edge: number, length: number, shape = 0): number {
  if (length <= 0) return t >= edge ? 1 : 0;
  const u = (t - (edge - length / 2)) / length;
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return rise(u, shape);
}

/** Gain of a fade-out at timeline frame t. */
export function fadeOutGain(t: number, edge: number, length: number, shape = 0): number {
  if (length <= 0) return t < edge ? 1 : 0;
  const u = (t - (edge - length / 2)) / length;
  if (u <= 0) return 1;
  if (u >= 1) return 0;
  // The equal-power fade-out is cos(π/2·u) itself, as it always was.
  return shape === 0 ? pcos((Math.PI / 2) * u) : rise(1 - u, shape);
}
