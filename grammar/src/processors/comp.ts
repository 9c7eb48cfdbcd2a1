/**
 * `comp { … }`: feed-forward, log-domain, stereo-linked compressor
 * (Giannoulis, Massberg & Reiss, JAES 2012). Parameters in the order of
 * `CompModel`'s fields.
 */
import { CODES } from '../diagnostics.js';
import type { CompModel } from '../model.js';
import { showValue, unitSpanOf } from '../units.js';
import { settingsModel } from './settings.js';
import type { ParamDecl, ProcessorDecl } from './types.js';

const RATIO_DEFAULT = 4;
const RATIO_RANGE = { min: 1, max: 100 };

const params: readonly ParamDecl<CompModel>[] = [
  {
    keyword: 'threshold', syntax: 'quantity', kind: 'gain', unit: 'dB', range: { min: -60, max: 0 }, default: -20,
    example: 'threshold -18 dB', usage: 'threshold DB', summary: 'Level above which the compressor reduces gain.',
    automatable: true, field: 'thresholdDb',
  },
  {
    keyword: 'ratio', syntax: 'ratio', kind: 'plain', unit: null, range: RATIO_RANGE, default: RATIO_DEFAULT,
    example: 'ratio 4:1', usage: 'ratio R[:1] | ratio inf', summary: 'Input dB above threshold per output dB.',
    automatable: true, field: 'ratio', docs: { range: '1 – 100, or inf', default: '4:1' },
    // `ratio 4:1`, `ratio 4`, `ratio inf`; a unit or a denominator other than 1 is an error.
    convert: (item, ctx) => {
      const q = item.value;
      if (!q || Number.isNaN(q.value)) return {};
      if (q.unit) ctx.report(CODES.wrongUnit, q.span, `a ratio takes no unit: write ratio ${q.text}:1`, 'error', { kind: 'units', units: [], unitSpan: unitSpanOf(q) });
      if (item.denominator && item.denominator.value !== 1) {
        ctx.report(CODES.invalidValue, item.span, `a ratio is written R:1 (e.g. 4:1); ${q.text}:${item.denominator.text} means ${showValue(q.value / item.denominator.value, null)}:1`);
        return {};
      }
      const v = ctx.value({ ...q, unit: null }, 'plain');
      if (v === undefined) return {};
      if (v === Infinity) return { ratio: Infinity };
      return ctx.inRange(q, v, RATIO_RANGE.min, RATIO_RANGE.max, 'ratio', null) ? { ratio: v } : {};
    },
  },
  {
    keyword: 'knee', syntax: 'quantity', kind: 'gain', unit: 'dB', range: { min: 0, max: 24 }, default: 6,
    example: 'knee 6 dB', usage: 'knee DB', summary: 'Width of the soft knee around the threshold.',
    automatable: true, field: 'kneeDb',
  },
  {
    keyword: 'attack', syntax: 'quantity', kind: 'duration', unit: 'ms', range: { min: 0.00005, max: 1 }, default: 0.01,
    example: 'attack 10 ms', usage: 'attack DUR', summary: 'Time constant of the gain reduction rising.',
    automatable: true, field: 'attack', docs: { unit: 'ms or s' },
  },
  {
    keyword: 'release', syntax: 'quantity', kind: 'duration', unit: 'ms', range: { min: 0.001, max: 5 }, default: 0.1,
    example: 'release 100 ms', usage: 'release DUR', summary: 'Time constant of the gain reduction falling back.',
    automatable: true, field: 'release', docs: { unit: 'ms or s' },
  },
  {
    keyword: 'makeup', syntax: 'quantity', kind: 'gain', unit: 'dB', range: { min: -24, max: 24 }, default: 0,
    example: 'makeup 3 dB', usage: 'makeup DB', summary: 'Gain after compression.',
    automatable: true, field: 'makeupDb',
  },
  {
    keyword: 'mix', syntax: 'quantity', kind: 'percent', unit: '%', range: { min: 0, max: 1 }, default: 1,
    example: 'mix 50%', usage: 'mix PCT', summary: 'Parallel compression: how much of the compressed signal is mixed with the dry one.',
    automatable: true, field: 'mix',
  },
  {
    keyword: 'sidechain', syntax: 'channel', kind: null, unit: null, range: null, default: null,
    example: 'sidechain kick', usage: 'sidechain CHANNEL', summary: 'Keys the detector from another channel, taken after its inserts and before its fader.',
    automatable: false, field: 'sidechain', needs: 'the channel that keys the compressor', docs: { default: 'the channel itself' },
  },
];

export const comp: ProcessorDecl<'comp'> = {
  type: 'comp',
  usage: 'comp { SETTINGS }',
  summary: 'Feed-forward, log-domain, stereo-linked compressor (Giannoulis, Massberg & Reiss 2012).',
  example: 'comp { threshold -18 dB; ratio 3:1; attack 5 ms; release 60 ms }',
  snippet: 'comp {\n\tthreshold ${1:-18} dB\n\tratio ${2:4}:1\n}',
  params,
  misplaced: 'name-owner',
  model: ({ bypass, settings }) => settingsModel<CompModel>('comp', params, bypass, settings),
};
