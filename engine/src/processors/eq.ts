/**
 * `eq { … }`: the bands in written order as one cascade of biquad sections
 * (RBJ Audio EQ Cookbook; Butterworth cascades for steep passes), see
 * dsp/biquad.ts.
 */
import type { EqModel } from '../../../grammar/src/model.js';
import { BiquadChain, bandSections, type BiquadCoefficients } from '../dsp/biquad.js';
import type { EngineProcessor } from './types.js';
import { dbToGain, plog } from '../dsp/portable-math.js';

/** −90 dB as a factor of amplitude: where a tail counts as gone. */
const TAIL_FLOOR = plog(dbToGain(-90));

/**
 * Seconds for a section's impulse response to fall by 90 dB: its slowest
 * pole's radius r shrinks the response by r per sample. The poles are the
 * roots of z² + a1·z + a2.
 */
function sectionTail(s: BiquadCoefficients, sampleRate: number): number {
  const disc = s.a1 * s.a1 - 4 * s.a2;
  const r = disc < 0 ? Math.sqrt(s.a2) : Math.max(Math.abs((-s.a1 + Math.sqrt(disc)) / 2), Math.abs((-s.a1 - Math.sqrt(disc)) / 2));
  if (r <= 0) return 2 / sampleRate; // FIR section: two samples of memory
  if (r >= 1) return Infinity; // not a stable filter (cannot happen for valid bands)
  return TAIL_FLOOR / plog(r) / sampleRate;
}

export const eqProcessor: EngineProcessor<EqModel> = {
  type: 'eq',
  reportsGainReduction: false,
  create(model, { channels, sampleRate }) {
    const sections = model.bands.flatMap((b) => bandSections(b, sampleRate));
    const chain = new BiquadChain(sections, channels);
    // Automation retunes band by band: each band's first section and the band it was last designed for.
    const firstSection: number[] = [];
    model.bands.reduce((at, b) => (firstSection.push(at), at + bandSections(b, sampleRate).length), 0);
    const designed = model.bands.map((b) => ({ freq: b.freq, gainDb: b.gainDb, q: b.q }));
    return {
      latency: 0,
      gainReductionDb: 0,
      structure: `eq ${model.bypass} ${channels} ${sections.length}`,
      state: chain,
      process: (buffers, frames, _key, offset) => chain.process(buffers, frames, offset),
      reset: () => chain.reset(),
      reapply: () => {
        chain.setCoefficients(sections);
        model.bands.forEach((b, i) => Object.assign(designed[i]!, { freq: b.freq, gainDb: b.gainDb, q: b.q }));
      },
      retune: (m) => {
        (m as EqModel).bands.forEach((b, i) => {
          const was = designed[i]!;
          if (b.freq === was.freq && b.gainDb === was.gainDb && b.q === was.q) return;
          bandSections(b, sampleRate).forEach((s, j) => chain.setSection(firstSection[i]! + j, s));
          was.freq = b.freq;
          was.gainDb = b.gainDb;
          was.q = b.q;
        });
      },
    };
  },
  latency: () => 0,
  // A cascade rings for about the sum of its sections' tails (an upper bound).
  tailSeconds: (model, sampleRate) =>
    model.bands.flatMap((b) => bandSections(b, sampleRate)).reduce((sum, s) => sum + sectionTail(s, sampleRate), 0),
  keyChannelOf: () => null,
  // Two units a band: kept as the thread split has always weighed an eq.
  cost: (model) => model.bands.length * 2,
};
