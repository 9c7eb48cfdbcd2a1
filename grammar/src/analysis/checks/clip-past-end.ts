/** A clip that plays from after its file's end (an error), or runs past it (a warning: the rest is silence). */
import { CODES } from '../../diagnostics.js';
import { durationOf } from '../../facts.js';
import { showValue } from '../../units.js';
import type { ModelCheck } from './types.js';

export const clipPastEnd: ModelCheck = {
  name: 'clip-past-end',
  codes: [CODES.clipPastEnd],
  run(model, ctx) {
    for (const c of model.channels) {
      c.clips.forEach((clip, i) => {
        const fact = ctx.facts.get(clip.path);
        if (fact?.status !== 'ok') return;
        const fileEnd = clip.at + durationOf(fact.info);
        const span = ctx.sources[`channel:${c.name}/clip:${i}`]!;
        if (clip.from >= fileEnd) {
          ctx.report(CODES.clipPastEnd, span, `the clip plays from ${showValue(clip.from, 's')}, after its file ends (${showValue(fileEnd, 's')}): nothing is heard`);
        } else if (clip.to !== null && clip.to > fileEnd + 1e-9) {
          ctx.report(CODES.clipPastEnd, span, `the clip runs to ${showValue(clip.to, 's')}, past the end of its file (${showValue(Number(fileEnd.toFixed(3)), 's')}); the rest is silence`, 'warning');
        }
      });
    }
  },
};
