/** `reference NAME "FILE" [gain DB]`: tracks for A/B in the preview, never mixed in. */
import { type ReferenceModel } from '../model.js';
import { audioFileFacts, checkPath } from './clips.js';
import type { AnalysisContext } from './context.js';

export function referenceModels(ctx: AnalysisContext): ReferenceModel[] {
  const out: ReferenceModel[] = [];
  for (const s of ctx.doc.statements) {
    if (s.kind !== 'reference' || !s.name.name) continue;
    if (ctx.symbolsByName.get(s.name.name)?.span !== s.span) continue; // a duplicate name, reported
    const gainDb = s.gain ? ctx.ranged(s.gain, 'gain', -60, 24, 'reference gain', 0) : 0;
    if (s.path) {
      checkPath(ctx, s.path);
      audioFileFacts(ctx, s.path);
    }
    ctx.sources[`reference:${s.name.name}`] = s.span;
    out.push({ name: s.name.name, path: s.path?.value ?? '', gainDb });
  }
  return out;
}
