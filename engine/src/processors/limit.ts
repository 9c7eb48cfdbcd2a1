/**
 * `limit { … }`: the look-ahead brickwall limiter, sample peak or BS.1770
 * true peak, see dsp/limiter.ts.
 */
import type { LimitModel } from '../../../grammar/src/model.js';
import { Limiter } from '../dsp/limiter.js';
import type { EngineProcessor } from './types.js';

export const limitProcessor: EngineProcessor<LimitModel> = {
  type: 'limit',
  reportsGainReduction: true,
  create(model, { channels, sampleRate }) {
    const limiter = new Limiter(channels, sampleRate, model);
    return {
      get latency() { return limiter.latency; },
      get gainReductionDb() { return limiter.gainReductionDb; },
      structure: `limit ${model.bypass} ${channels} ${limiter.latency} ${model.ceilingMode}`,
      state: limiter,
      process: (buffers, frames, _key, offset) => limiter.process(buffers, frames, offset),
      reset: () => limiter.reset(),
      reapply: () => limiter.setParams(model),
      // Ceiling and release only: the look-ahead is not automatable, so the structure stays.
      retune: (m) => limiter.setParams(m as LimitModel),
    };
  },
  latency: (model, sampleRate) => Limiter.latencyFor(model, sampleRate),
  // The look-ahead delay still holds the last input when the input stops.
  tailSeconds: (model, sampleRate) => Limiter.latencyFor(model, sampleRate) / sampleRate,
  keyChannelOf: () => null,
  cost: () => 10,
};
