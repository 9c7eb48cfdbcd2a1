/** A bus that nothing is routed or sent to is silent. */
import { CODES } from '../../diagnostics.js';
import type { ModelCheck } from './types.js';

export const busNoInputs: ModelCheck = {
  name: 'bus-no-inputs',
  codes: [CODES.busNoInputs],
  run(model, ctx) {
    // The model keeps only routes that resolved, so these are the real inputs.
    const fed = new Set<string>();
    for (const c of model.channels) {
      if (c.output !== null) fed.add(c.output);
      for (const s of c.sends) fed.add(s.bus);
    }
    for (const c of model.channels) {
      if (c.kind !== 'bus' || fed.has(c.name)) continue;
      const symbol = ctx.channelSymbols.get(c.name);
      if (symbol) ctx.report(CODES.busNoInputs, symbol.nameSpan, `nothing is routed or sent to bus ${c.name}, so it is silent`, 'warning');
    }
  },
};
