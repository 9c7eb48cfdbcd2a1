/**
 * `comp { … }`: the feed-forward, log-domain compressor of Giannoulis,
 * Massberg & Reiss (JAES 2012), see dsp/compressor.ts.
 */
import type { CompModel } from '../../../grammar/src/model.js';
import { Compressor } from '../dsp/compressor.js';
import type { EngineProcessor } from './types.js';

export const compProcessor: EngineProcessor<CompModel> = {
  type: 'comp',
  reportsGainReduction: true,
  create(model, { channels, sampleRate }) {
    const comp = new Compressor(channels, sampleRate, model);
    return {
      latency: 0,
      get gainReductionDb() { return comp.gainReductionDb; },
      structure: `comp ${model.bypass} ${channels}`,
      state: comp,
      process: (buffers, frames, key, offset) => comp.process(buffers, frames, key, offset),
      reset: () => comp.reset(),
      reapply: () => comp.setParams(model),
      retune: (m) => comp.setParams(m as CompModel),
    };
  },
  latency: () => 0,
  // Its output is its input times a gain: silence in, silence out at once.
  tailSeconds: () => 0,
  keyChannelOf: (model) => (model.bypass ? null : model.sidechain),
  cost: () => 6,
};
