/**
 * Routing: resolves `to`, `send` and `sidechain` into edges of the signal
 * graph (what cannot be resolved is reported and dropped from the model), then
 * orders channels so each comes after everything that feeds it. Cycles are
 * reported by the routing-cycles check from the graph left in the context.
 */
import type * as ast from '../ast.js';
import { CODES } from '../diagnostics.js';
import type { ChannelModel } from '../model.js';
import { sidechainOf, takesSidechain, withoutSidechain } from '../processors/index.js';
import type { AnalysisContext, RouteEdge } from './context.js';
import { unknownName } from './symbols.js';

/** Channels with only the routes that resolve; the graph goes to `ctx.routes`. */
export function resolveRoutes(ctx: AnalysisContext, channels: readonly ChannelModel[]): ChannelModel[] {
  const statementOf = new Map<string, ast.ChannelStatement>();
  for (const s of ctx.doc.statements) if (s.kind === 'channel' && !statementOf.has(s.name.name)) statementOf.set(s.name.name, s);
  const edges: RouteEdge[] = [];

  for (const c of channels) {
    const st = statementOf.get(c.name);
    const items = st?.body ?? [];
    for (const item of items) {
      if (item.kind === 'to' || item.kind === 'send') {
        if (!item.target.name || !ctx.acceptedRoutes.has(item)) continue;
        const target = ctx.channelSymbols.get(item.target.name) ?? null;
        ctx.uses.push({ name: item.target.name, span: item.target.span, expects: 'bus', target });
        if (!target) {
          const other = ctx.symbolsByName.get(item.target.name);
          if (other) ctx.report(CODES.invalidRoute, item.target.span, `${item.target.name} is a ${other.kind}, not a bus: only buses and master take input`);
          else unknownName(ctx, item.target, 'bus');
          continue;
        }
        if (target.kind === 'track') {
          ctx.report(CODES.invalidRoute, item.target.span, `${target.name} is a track: only buses and master take input`);
          continue;
        }
        if (target.name === c.name) {
          ctx.report(CODES.routingCycle, item.target.span, `${c.name} cannot feed itself`);
          continue;
        }
        edges.push({ from: c.name, to: target.name, kind: item.kind, span: item.target.span });
      } else if (item.kind === 'processor') {
        for (const p of item.body) {
          if (p.kind !== 'sidechain' || !p.target.name || !ctx.acceptedRoutes.has(p)) continue;
          const target = ctx.channelSymbols.get(p.target.name) ?? null;
          ctx.uses.push({ name: p.target.name, span: p.target.span, expects: 'channel', target });
          if (!target) {
            const other = ctx.symbolsByName.get(p.target.name);
            if (other) ctx.report(CODES.invalidRoute, p.target.span, `${p.target.name} is a ${other.kind}, not a channel: a side-chain is keyed by a track or bus`);
            else unknownName(ctx, p.target, 'channel');
            continue;
          }
          if (target.name === c.name) {
            ctx.report(CODES.sidechainCycle, p.target.span, `a compressor keyed by its own channel needs no sidechain: leave it out`);
            continue;
          }
          if (takesSidechain(item.processor)) edges.push({ from: target.name, to: c.name, kind: 'sidechain', span: p.target.span });
        }
      }
    }
    // The default route: every track and bus feeds master unless told otherwise.
    if (c.kind !== 'master' && !items.some((i) => i.kind === 'to' && i.target.name && ctx.acceptedRoutes.has(i))) {
      edges.push({ from: c.name, to: 'master', kind: 'to', span: st?.name.span ?? { start: 0, end: 0 } });
    }
  }
  ctx.routes = { edges, stuck: [] };

  // Drop channels' outputs that could not be resolved back to master.
  const validTo = new Set(edges.filter((e) => e.kind === 'to').map((e) => `${e.from}>${e.to}`));
  const fixed = channels.map((c) =>
    c.kind === 'master' || validTo.has(`${c.name}>${c.output}`) ? c : { ...c, output: 'master' },
  );
  const validSends = new Set(edges.filter((e) => e.kind === 'send').map((e) => `${e.from}>${e.to}`));
  const cleaned = fixed.map((c) => (c.sends.every((s) => validSends.has(`${c.name}>${s.bus}`)) ? c : { ...c, sends: c.sends.filter((s) => validSends.has(`${c.name}>${s.bus}`)) }));
  const validKeys = new Set(edges.filter((e) => e.kind === 'sidechain').map((e) => `${e.from}>${e.to}`));
  const unresolvedKey = (c: ChannelModel, p: ChannelModel['inserts'][number]) => {
    const key = sidechainOf(p);
    return key !== null && !validKeys.has(`${key}>${c.name}`);
  };
  return cleaned.map((c) =>
    c.inserts.some((p) => unresolvedKey(c, p)) ? { ...c, inserts: c.inserts.map((p) => (unresolvedKey(c, p) ? withoutSidechain(p) : p)) } : c,
  );
}

/**
 * Processing order by Kahn's algorithm; ties keep the written order, so the
 * order is stable. With a cycle the file has errors and is not rendered, but
 * the model stays complete: every channel once, master last.
 */
export function processingOrder(ctx: AnalysisContext, channels: readonly ChannelModel[]): ChannelModel[] {
  const { edges } = ctx.routes;
  const indegree = new Map(channels.map((c) => [c.name, 0]));
  const out = new Map<string, RouteEdge[]>(channels.map((c) => [c.name, []]));
  for (const e of edges) {
    if (!indegree.has(e.from) || !indegree.has(e.to)) continue;
    indegree.set(e.to, indegree.get(e.to)! + 1);
    out.get(e.from)!.push(e);
  }
  const order: ChannelModel[] = [];
  const done = new Set<string>();
  const ready = () => channels.find((c) => !done.has(c.name) && indegree.get(c.name) === 0 && (c.kind !== 'master' || channels.every((x) => x === c || done.has(x.name) || indegree.get(x.name)! > 0)));
  for (let c = ready(); c; c = ready()) {
    done.add(c.name);
    order.push(c);
    for (const e of out.get(c.name)!) indegree.set(e.to, indegree.get(e.to)! - 1);
  }
  if (order.length === channels.length) return order;
  ctx.routes = { edges, stuck: channels.filter((c) => !done.has(c.name)).map((c) => c.name) };
  const rest = channels.filter((c) => !done.has(c.name) && c.kind !== 'master');
  const master = channels.find((c) => c.kind === 'master')!;
  return [...order.filter((c) => c !== master), ...rest, master];
}
