/**
 * State carried from one DSP block to another (engine/src/render/state.ts),
 * as live edits in the preview do it: after the copy, the new block must
 * continue exactly where the old one is, sample for sample.
 */
import { describe, expect, it } from 'vitest';
import { BiquadChain, bandSections, Compressor, Limiter, copyState } from '../../engine/src/index.js';
import { noise } from './fixtures.js';

const RATE = 48000;

/** Runs `a` for a while, copies its state into a fresh `b`, then feeds both the same block: their outputs must be equal. */
function continuesExactly(make: () => { process(b: Float64Array[], n: number): void }): void {
  const a = make();
  const b = make();
  const warm = [noise(9000, 1, 0.5), noise(9000, 2, 0.5)];
  a.process(warm, 9000);
  copyState(b, a);
  const x = [noise(4000, 3, 0.8), noise(4000, 4, 0.8)];
  const y = x.map((c) => c.slice());
  a.process(x, 4000);
  b.process(y, 4000);
  expect(y).toEqual(x);
  // And a fresh block would not have: the test can tell.
  const fresh = make();
  const z = [noise(4000, 3, 0.8), noise(4000, 4, 0.8)];
  fresh.process(z, 4000);
  expect(z).not.toEqual(x);
}

describe('carrying state over for live edits', () => {
  it('a filter cascade continues its memories', () => {
    const sections = [...bandSections({ type: 'highpass', freq: 80, gainDb: 0, q: Math.SQRT1_2, slope: 24 }, RATE), ...bandSections({ type: 'bell', freq: 1000, gainDb: 4, q: 1, slope: null }, RATE)];
    continuesExactly(() => new BiquadChain(sections, 2));
  });

  it('a compressor continues its envelope', () => {
    const p = { thresholdDb: -30, ratio: 4, kneeDb: 6, attack: 0.005, release: 0.2, makeupDb: 0, mix: 1 };
    continuesExactly(() => {
      const c = new Compressor(2, RATE, p);
      return { process: (b: Float64Array[], n: number) => c.process(b, n, null), c };
    });
  });

  it('a true-peak limiter continues its look-ahead, detector and release', () => {
    const p = { ceilingDb: -12, ceilingMode: 'dBTP' as const, release: 0.05, lookahead: 0.005 };
    continuesExactly(() => new Limiter(2, RATE, p));
  });

  it('refuses state of another shape rather than half-copying it', () => {
    const a = new BiquadChain(bandSections({ type: 'bell', freq: 1000, gainDb: 4, q: 1, slope: null }, RATE), 2);
    const b = new BiquadChain(bandSections({ type: 'highpass', freq: 80, gainDb: 0, q: 1, slope: 48 }, RATE), 2);
    expect(() => copyState(b, a)).toThrow(/state shapes differ/);
  });
});
