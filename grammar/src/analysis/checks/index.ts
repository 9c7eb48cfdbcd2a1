/**
 * Checks on the built model, in the order they run. A new one is a file in
 * this folder, a code in diagnostics.ts and a line here (and in
 * docs/language.md's list of diagnostics).
 */
import { busNoInputs } from './bus-no-inputs.js';
import { clipPastEnd } from './clip-past-end.js';
import { overlappingClips } from './overlapping-clips.js';
import { routingCycles } from './routing-cycles.js';
import { trackNoSources } from './track-no-sources.js';
import type { ModelCheck } from './types.js';

export type { CheckContext, ModelCheck } from './types.js';

export const CHECKS: readonly ModelCheck[] = [
  clipPastEnd,
  overlappingClips,
  trackNoSources,
  busNoInputs,
  routingCycles,
];
