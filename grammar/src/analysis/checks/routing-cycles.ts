/**
 * Routing and side-chain cycles. Every edge that lies on a cycle gets a
 * diagnostic naming one cycle through it (the shortest), so each offending
 * `to`, `send` or `sidechain` is marked.
 */
import { CODES } from '../../diagnostics.js';
import type { RouteEdge } from '../context.js';
import type { ModelCheck } from './types.js';

export const routingCycles: ModelCheck = {
  name: 'routing-cycles',
  codes: [CODES.routingCycle, CODES.sidechainCycle],
  run(_model, ctx) {
    const inStuck = new Set(ctx.routes.stuck);
    if (inStuck.size === 0) return;
    const inner = ctx.routes.edges.filter((e) => inStuck.has(e.from) && inStuck.has(e.to));
    for (const e of inner) {
      const cycle = shortestCycleThrough(e, inner);
      if (!cycle) continue; // this edge leads into a cycle but is not on one
      const names = [...cycle.map((x) => x.from), e.from].join(' → ');
      const viaSidechain = cycle.some((x) => x.kind === 'sidechain');
      ctx.report(
        viaSidechain ? CODES.sidechainCycle : CODES.routingCycle,
        e.span,
        viaSidechain ? `side-chain cycle: ${names} (a key must not depend on the channel it compresses)` : `routing cycle: ${names}`,
      );
    }
  },
};

/** The edges of the shortest cycle that starts with `e` (breadth first back from e.to to e.from), or null. */
function shortestCycleThrough(e: RouteEdge, edges: readonly RouteEdge[]): RouteEdge[] | null {
  const back = new Map<string, RouteEdge | null>([[e.to, null]]);
  const queue = [e.to];
  while (queue.length > 0 && !back.has(e.from)) {
    const node = queue.shift()!;
    for (const next of edges) {
      if (next.from !== node || back.has(next.to)) continue;
      back.set(next.to, next);
      queue.push(next.to);
    }
  }
  if (!back.has(e.from)) return null;
  const cycle = [e];
  for (let node = e.from; node !== e.to; ) {
    const via = back.get(node)!;
    cycle.splice(1, 0, via);
    node = via.from;
  }
  return cycle;
}
