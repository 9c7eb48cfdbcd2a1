/**
 * Equal-power (sine/cosine) fades, centred on the edge they soften (design
 * §4): a fade of length D at edge E runs from E - D/2 to E + D/2, so two
 * clips that meet at E crossfade with constant power and no dip.
 */
import { pcos, psin } from '../dsp/portable-math.js';

/** Gain of a fade-in at timeline frame t (edge and length in frames). */
export function fadeInGain(t: number, edge: number, length: number): number {
  if (length <= 0) return t >= edge ? 1 : 0;
  const u = (t - (edge - length / 2)) / length;
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return psin((Math.PI / 2) * u);
}

/** Gain of a fade-out at timeline frame t. */
export function fadeOutGain(t: number, edge: number, length: number): number {
  if (length <= 0) return t < edge ? 1 : 0;
  const u = (t - (edge - length / 2)) / length;
  if (u <= 0) return 1;
  if (u >= 1) return 0;
  return pcos((Math.PI / 2) * u);
}
