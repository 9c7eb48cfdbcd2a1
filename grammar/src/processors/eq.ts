/**
 * `eq { … }`: biquad bands in written order (RBJ Audio EQ Cookbook). Its
 * body is bands (`bell 300 Hz -3 dB q 1.4`), not parameters, so it declares
 * its band types, their defaults and how a band becomes a `BandModel`.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import type { BandModel, EqModel } from '../model.js';
import { showValue } from '../units.js';
import type { BandDecl, BandParamDecl, ClauseDoc, ProcessorDecl, ValueContext } from './types.js';

/** Slopes a highpass or lowpass may have, dB/oct: 6 is one-pole, 12 a biquad, steeper ones Butterworth cascades. */
export const SLOPES = [6, 12, 18, 24, 36, 48] as const;
export const DEFAULT_SLOPE = 12;

const PASS_RANGE = 'F 10 Hz – 0.49 × samplerate; slope 6, 12, 18, 24, 36, 48';
const GAIN_RANGE = 'G -30 – +30 dB; q 0.1 – 40';

export const BANDS: readonly BandDecl[] = [
  {
    type: 'highpass', usage: 'highpass F [slope S dB/oct] [q Q]',
    summary: 'Removes content below F. Slope 6 is one-pole; 12 is a biquad (with q); steeper slopes are Butterworth cascades.',
    unit: 'Hz', range: PASS_RANGE, default: 'slope 12 dB/oct, q 0.7071', example: 'highpass 80 Hz slope 24 dB/oct', snippet: 'highpass ${1:80} Hz', defaultQ: Math.SQRT1_2,
  },
  {
    type: 'lowpass', usage: 'lowpass F [slope S dB/oct] [q Q]', summary: 'Removes content above F.',
    unit: 'Hz', range: PASS_RANGE, default: 'slope 12 dB/oct, q 0.7071', example: 'lowpass 12 kHz', snippet: 'lowpass ${1:12} kHz', defaultQ: Math.SQRT1_2,
  },
  {
    type: 'lowshelf', usage: 'lowshelf F G [q Q]', summary: 'Raises or lowers everything below F by G (RBJ shelf, Q form).',
    unit: 'Hz, dB', range: GAIN_RANGE, default: 'q 0.7071', example: 'lowshelf 100 Hz +1 dB', snippet: 'lowshelf ${1:100} Hz ${2:+1} dB', defaultQ: Math.SQRT1_2,
  },
  {
    type: 'highshelf', usage: 'highshelf F G [q Q]', summary: 'Raises or lowers everything above F by G (RBJ shelf, Q form).',
    unit: 'Hz, dB', range: GAIN_RANGE, default: 'q 0.7071', example: 'highshelf 10 kHz +2 dB', snippet: 'highshelf ${1:10} kHz ${2:+2} dB', defaultQ: Math.SQRT1_2,
  },
  {
    type: 'bell', usage: 'bell F G [q Q]', summary: 'A peak or dip of G at F (RBJ peakingEQ).',
    unit: 'Hz, dB', range: GAIN_RANGE, default: 'q 1', example: 'bell 300 Hz -3 dB q 1.4', snippet: 'bell ${1:1000} Hz ${2:-3} dB q ${3:1}', defaultQ: 1,
  },
  {
    type: 'notch', usage: 'notch F [q Q]', summary: 'A deep, narrow cut at F (RBJ notch).',
    unit: 'Hz', default: 'q 10', example: 'notch 60 Hz q 10', snippet: 'notch ${1:60} Hz', defaultQ: 10,
  },
  {
    type: 'bandpass', usage: 'bandpass F [q Q]', summary: 'Keeps a band around F (RBJ band-pass, 0 dB peak).',
    unit: 'Hz', default: 'q 1', example: 'bandpass 1 kHz q 1', snippet: 'bandpass ${1:1} kHz', defaultQ: 1,
  },
];

const CLAUSES: readonly ClauseDoc[] = [
  { keyword: 'slope', usage: 'slope S dB/oct', summary: 'Steepness of a highpass or lowpass.', range: '6, 12, 18, 24, 36, 48 dB/oct', default: '12 dB/oct' },
  { keyword: 'q', usage: 'q Q', summary: 'Bandwidth of a band: higher is narrower.', range: '0.1 – 40' },
];

const bandDecl = (type: ast.BandType): BandDecl => BANDS.find((b) => b.type === type)!;
const hasGain = (type: ast.BandType) => type === 'bell' || type === 'lowshelf' || type === 'highshelf';
const isPass = (type: ast.BandType) => type === 'highpass' || type === 'lowpass';

/** What automation moves in a band (`automate presence.freq { … }`), with the ranges a written band has. */
const BAND_PARAMS: readonly BandParamDecl[] = [
  {
    keyword: 'freq', field: 'freq', kind: 'frequency', unit: 'Hz', range: (sampleRate) => ({ min: 10, max: 0.49 * sampleRate }),
    appliesTo: () => true, absentWhy: '', summary: 'The band’s frequency. Moves in octaves.',
  },
  {
    keyword: 'gain', field: 'gainDb', kind: 'gain', unit: 'dB', range: () => ({ min: -30, max: 30 }),
    appliesTo: (b) => hasGain(b.type), absentWhy: 'only bell and shelf bands have a gain', summary: 'The band’s gain. Moves in dB.',
  },
  {
    keyword: 'q', field: 'q', kind: 'plain', unit: null, range: () => ({ min: 0.1, max: 40 }),
    appliesTo: (b) => !isPass(b.type) || b.slope === 12, absentWhy: 'a highpass or lowpass has a q only at 12 dB/oct', summary: 'The band’s q.',
  },
];

/** A written band as its model; what is wrong is reported and falls back to a default. */
function band(b: ast.BandStatement, ctx: ValueContext): BandModel {
  for (const d of b.repeated) {
    ctx.report(CODES.duplicateSetting, d.keywordSpan, `'${d.keyword}' is already set for this band; only the first one counts`, 'error', { kind: 'deleteStatement', span: d.span });
  }
  const nyquistLimit = 0.49 * ctx.sampleRate;
  let freq = 1000;
  const f = ctx.value(b.freq, 'frequency');
  if (f !== undefined) {
    if (f > nyquistLimit && f > 10) {
      ctx.report(CODES.aboveNyquist, b.freq!.span, `${showValue(b.freq!.value, b.freq!.unit ?? 'Hz')} is above the highest usable frequency at ${ctx.sampleRate} Hz (${showValue(nyquistLimit, 'Hz')}, 0.49 x the sample rate; Nyquist is ${showValue(ctx.sampleRate / 2, 'Hz')})`);
    } else if (ctx.inRange(b.freq!, f, 10, nyquistLimit, 'frequency', 'Hz', 'frequency')) {
      freq = f;
    }
  }
  let gainDb = 0;
  if (hasGain(b.band)) {
    if (!b.gain) {
      if (b.freq) ctx.report(CODES.syntax, b.keywordSpan, `'${b.band}' needs a gain after the frequency, e.g. ${b.band} ${b.freq.text} ${b.freq.unit ?? 'Hz'} -3 dB`);
    } else {
      gainDb = ctx.ranged(b.gain, 'gain', -30, 30, 'gain', 0);
    }
  } else if (b.gain) {
    ctx.report(CODES.notAllowedHere, b.gain.span, `a ${b.band} has no gain`);
  }
  let slope: number | null = null;
  if (isPass(b.band)) {
    slope = DEFAULT_SLOPE;
    if (b.slope) {
      const s = ctx.value(b.slope, 'slope');
      if (s !== undefined) {
        if ((SLOPES as readonly number[]).includes(s)) slope = s;
        else ctx.report(CODES.invalidValue, b.slope.span, `slope is 6, 12, 18, 24, 36 or 48 dB/oct`);
      }
    }
  } else if (b.slope) {
    ctx.report(CODES.notAllowedHere, b.slope.span, `only highpass and lowpass have a slope`);
  }
  const defaultQ = bandDecl(b.band).defaultQ;
  let q = defaultQ;
  if (b.q) {
    if (isPass(b.band) && slope !== 12) {
      ctx.report(CODES.notAllowedHere, b.q.span, `q only applies to a ${b.band} with slope 12 dB/oct; steeper slopes are Butterworth`);
    } else {
      q = ctx.ranged(b.q, 'plain', 0.1, 40, 'q', defaultQ);
    }
  }
  return { type: b.band, freq, gainDb, q, slope };
}

export const eq: ProcessorDecl<'eq'> = {
  type: 'eq',
  usage: 'eq { BANDS }',
  summary: 'Biquad EQ bands in written order (RBJ Audio EQ Cookbook).',
  example: 'eq { highpass 80 Hz; bell 300 Hz -3 dB q 1.4 }',
  snippet: 'eq {\n\t${1:bell} ${2:1000} Hz ${3:-3} dB\n}',
  params: [],
  bands: { types: BANDS, clauses: CLAUSES, params: BAND_PARAMS, convert: band },
  misplaced: 'name-owner',
  model: ({ bypass, bands }): EqModel => ({ type: 'eq', bypass, bands }),
};
