/**
 * Pan and balance (design §4).
 *
 * Mono source, constant power: θ = (p+1)·π/4, L = cos θ·x, R = sin θ·x, so
 * the centre is -3 dB in each side and the power is the same at any p.
 * Stereo source, balance: p < 0 scales R by (1+p); p > 0 scales L by (1-p).
 */
import { pcos, psin } from './portable-math.js';

export interface PanGains {
  readonly ll: number; // left input to left output
  readonly rr: number;
}

/** Gains for a mono source at pan `p` in -1..1. */
export function monoPanGains(p: number): { left: number; right: number } {
  const theta = ((p + 1) * Math.PI) / 4;
  return { left: pcos(theta), right: psin(theta) };
}

/** Gains for a stereo source at balance `p` in -1..1. */
export function balanceGains(p: number): { left: number; right: number } {
  return { left: p > 0 ? 1 - p : 1, right: p < 0 ? 1 + p : 1 };
}
