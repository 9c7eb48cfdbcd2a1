/**
 * `limit { … }`: lookahead brickwall limiter; no output sample above the
 * ceiling, and with dBTP the true peak stays within ceiling + 0.1 dB.
 * Parameters in the order of `LimitModel`'s fields.
 */
import type { LimitModel } from '../model.js';
import { settingsModel } from './settings.js';
import type { ParamDecl, ProcessorDecl } from './types.js';

const CEILING = { min: -20, max: 0 };
const CEILING_DEFAULT = -1;

const params: readonly ParamDecl<LimitModel>[] = [
  {
    keyword: 'ceiling', syntax: 'quantity', kind: 'ceiling', unit: 'dBTP', range: CEILING, default: CEILING_DEFAULT,
    example: 'ceiling -1 dBTP', usage: 'ceiling DB dBFS|dBTP', summary: 'The limiter’s ceiling: sample peak (dBFS) or true peak, 4× oversampled (dBTP).',
    automatable: true, field: 'ceilingDb', alsoSets: { ceilingMode: 'dBTP' }, docs: { unit: 'dBFS or dBTP', range: '-20 – 0' },
    // The unit written is also the mode, even when the level is out of range.
    convert: (item, ctx) => {
      const v = item.value;
      const ceilingDb = ctx.ranged(v, 'ceiling', CEILING.min, CEILING.max, 'ceiling', CEILING_DEFAULT);
      return v?.unit === 'dBFS' || v?.unit === 'dBTP' ? { ceilingDb, ceilingMode: v.unit } : { ceilingDb };
    },
  },
  {
    keyword: 'release', syntax: 'quantity', kind: 'duration', unit: 'ms', range: { min: 0.001, max: 5 }, default: 0.05,
    example: 'release 50 ms', usage: 'release DUR', summary: 'Time constant of the gain reduction falling back.',
    automatable: true, field: 'release', docs: { unit: 'ms or s' },
  },
  {
    keyword: 'lookahead', syntax: 'quantity', kind: 'duration', unit: 'ms', range: { min: 0.0005, max: 0.01 }, default: 0.0015,
    example: 'lookahead 1.5 ms', usage: 'lookahead DUR', summary: 'How far ahead the limiter looks; the delay it adds is compensated.',
    // The look-ahead is the limiter's latency: moving it would move the whole mix in time.
    automatable: false, field: 'lookahead',
  },
];

export const limit: ProcessorDecl<'limit'> = {
  type: 'limit',
  usage: 'limit { SETTINGS }',
  summary: 'Lookahead brickwall limiter: no output sample above the ceiling; with dBTP the true peak stays within ceiling + 0.1 dB.',
  example: 'limit { ceiling -1 dBTP; release 50 ms }',
  snippet: 'limit {\n\tceiling ${1:-1} dBTP\n}',
  params,
  misplaced: 'list-own',
  model: ({ bypass, settings }) => settingsModel<LimitModel>('limit', params, bypass, settings),
};
