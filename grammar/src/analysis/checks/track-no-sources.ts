/** A track with no `file` or `clip` is silent: a warning whose quick fix deletes it (prep means deleting empty tracks). */
import { CODES } from '../../diagnostics.js';
import type { ModelCheck } from './types.js';

export const trackNoSources: ModelCheck = {
  name: 'track-no-sources',
  codes: [CODES.trackNoSources],
  run(model, ctx) {
    for (const c of model.channels) {
      if (c.kind !== 'track' || c.clips.length > 0) continue;
      const symbol = ctx.channelSymbols.get(c.name)!;
      ctx.report(CODES.trackNoSources, symbol.nameSpan, `track ${c.name} has no file or clip, so it is silent`, 'warning', {
        kind: 'deleteStatement',
        span: symbol.span,
      });
    }
  },
};
