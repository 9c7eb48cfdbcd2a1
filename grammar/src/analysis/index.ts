/**
 * From syntax tree to semantic model, with every diagnostic of design §6, as
 * named passes in order (as Langium's document builder runs its phases).
 * Each pass adds its part to a shared context and reports what is wrong with
 * what it read; values that are wrong fall back to their defaults, so the
 * rest of the file is still checked and the model is always complete (the
 * preview keeps playing the last valid model; it only swaps in a model
 * whose analysis has no errors). Checks on the built model run last.
 */
import type * as ast from '../ast.js';
import type { MixModel } from '../model.js';
import { channelModels } from './channels.js';
import { CHECKS } from './checks/index.js';
import { AnalysisContext } from './context.js';
import { referenceModels } from './references.js';
import { processingOrder, resolveRoutes } from './routing.js';
import { sessionLength, sessionSettings } from './session.js';
import { defineNames } from './symbols.js';
import { markerModels } from './times.js';
import type { Analysis, AnalyzeOptions } from './types.js';

export type { Analysis, AnalyzeOptions, MixSymbol, NameUse, SymbolKind } from './types.js';
export { CHECKS, type CheckContext, type ModelCheck } from './checks/index.js';

export function analyze(document: ast.MixDocument, options: AnalyzeOptions = {}): Analysis {
  const ctx = new AnalysisContext(document, options);
  // 1. Names first: times, routes and side-chains refer to them.
  defineNames(ctx);
  // 2. Session settings: bar times need tempo and meter, EQ bands the sample rate.
  const session = sessionSettings(ctx);
  // 3. Markers (which may be defined in terms of each other), references, the render length.
  const markers = markerModels(ctx);
  const references = referenceModels(ctx);
  const length = sessionLength(ctx, session.lengthStatement);
  // 4. Channels with their clips and processors, in written order.
  const written = channelModels(ctx);
  // 5. Routing: resolve `to`/`send`/`sidechain`, then order by the signal graph.
  const routed = resolveRoutes(ctx, written);
  const channels = processingOrder(ctx, routed);

  const model: MixModel = {
    title: session.title,
    sampleRate: ctx.sampleRate,
    tempo: ctx.tempo,
    meter: ctx.meter,
    ...(ctx.tempoChanges.tempos.length + ctx.tempoChanges.meters.length > 0 ? { tempoMap: ctx.tempoChanges } : {}),
    output: session.output,
    length,
    references,
    markers,
    channels,
  };
  // 6. Checks on the built model.
  for (const check of CHECKS) check.run(model, ctx);

  ctx.diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { model, sources: ctx.sources, diagnostics: ctx.diagnostics, symbols: ctx.symbols, uses: ctx.uses };
}
