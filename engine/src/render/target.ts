/**
 * `master { target L LUFS }`: find the gain at the head of the master chain
 * that puts the render's integrated loudness within 0.1 LU of L (design §5),
 * or say why it cannot be reached.
 *
 * Loudness is monotonic in the head gain but not linear once the master's
 * compressor and limiter act, so the gain is found by the secant method on
 * L(g) - target, starting from the linear guess. Each step re-runs only the
 * master chain over the master's cached input, which is cheap.
 */

export interface TargetSearch {
  /** Integrated loudness (LUFS) of the master output with this head gain (dB). */
  measure(headGainDb: number): number;
}

export interface TargetResult {
  readonly headGainDb: number;
  readonly integratedLufs: number;
  readonly reached: boolean;
  /** Why the target was not reached, for the user. */
  readonly reason?: string;
  readonly iterations: number;
}

/** Aim inside the tolerance, so the final render (not the estimate) lands within 0.1 LU. */
const AIM = 0.03;
const MAX_GAIN_DB = 48;
const MAX_ITERATIONS = 10;

export function findTargetGain(search: TargetSearch, targetLufs: number, tolerance = 0.1): TargetResult {
  let g0 = 0;
  let l0 = search.measure(g0);
  if (!Number.isFinite(l0)) {
    return { headGainDb: 0, integratedLufs: l0, reached: false, reason: 'the mix is silent, so no gain can reach the target', iterations: 1 };
  }
  if (Math.abs(l0 - targetLufs) <= AIM) return { headGainDb: 0, integratedLufs: l0, reached: true, iterations: 1 };
  let g1 = clamp(targetLufs - l0);
  let l1 = search.measure(g1);
  let iterations = 2;
  while (Math.abs(l1 - targetLufs) > AIM && iterations < MAX_ITERATIONS) {
    const slope = (l1 - l0) / (g1 - g0);
    if (!(slope > 0.05)) break; // loudness no longer follows the gain: a ceiling holds it
    const g2 = clamp(g1 + (targetLufs - l1) / slope);
    if (g2 === g1) break;
    [g0, l0] = [g1, l1];
    g1 = g2;
    l1 = search.measure(g1);
    iterations++;
  }
  const reached = Math.abs(l1 - targetLufs) <= tolerance;
  if (reached) return { headGainDb: g1, integratedLufs: l1, reached, iterations };
  const reason =
    l1 < targetLufs
      ? g1 >= MAX_GAIN_DB
        ? `it would take more than +${MAX_GAIN_DB} dB of gain`
        : `the master's limiter and compressor hold the loudness at ${l1.toFixed(1)} LUFS; lower the target or raise the ceiling`
      : g1 <= -MAX_GAIN_DB
        ? `it would take more than -${MAX_GAIN_DB} dB of gain`
        : `the loudness does not settle within 0.1 LU of the target (reached ${l1.toFixed(1)} LUFS)`;
  return { headGainDb: g1, integratedLufs: l1, reached, reason, iterations };
}

function clamp(db: number): number {
  return Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, db));
}
