/** Clips of one track that play at the same time. Clips whose times could not be worked out are left out. */
import { CODES } from '../../diagnostics.js';
import { durationOf } from '../../facts.js';
import type { Span } from '../../ast.js';
import type { ModelCheck } from './types.js';

export const overlappingClips: ModelCheck = {
  name: 'overlapping-clips',
  codes: [CODES.overlappingClips],
  run(model, ctx) {
    for (const c of model.channels) {
      const spans: { start: number; end: number | null; span: Span }[] = [];
      c.clips.forEach((clip, i) => {
        if (ctx.uncertainClips.has(clip)) return;
        const fact = ctx.facts.get(clip.path);
        const fileEnd = fact?.status === 'ok' ? clip.at + durationOf(fact.info) : null;
        spans.push({ start: clip.from, end: clip.to ?? fileEnd, span: ctx.sources[`channel:${c.name}/clip:${i}`]! });
      });
      for (let i = 0; i < spans.length; i++) {
        for (let j = 0; j < i; j++) {
          const a = spans[j]!;
          const b = spans[i]!;
          const aEnd = a.end ?? Infinity;
          const bEnd = b.end ?? Infinity;
          // Clips that only meet (one's `to` is the other's `from`) crossfade; that is not an overlap.
          if (a.start < bEnd - 1e-9 && b.start < aEnd - 1e-9 && (a.end !== null || b.end !== null || a.start === b.start)) {
            ctx.report(CODES.overlappingClips, b.span, `this clip overlaps an earlier clip of the same track; both would play at once`, 'warning');
            break;
          }
        }
      }
    }
  },
};
