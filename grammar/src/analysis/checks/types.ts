import type { DiagnosticCode } from '../../diagnostics.js';
import type { MixModel } from '../../model.js';
import type { AnalysisContext } from '../context.js';

/** What a check may read besides the model: where things were written, audio facts, the signal graph. */
export type CheckContext = Pick<AnalysisContext, 'report' | 'facts' | 'sources' | 'channelSymbols' | 'uncertainClips' | 'routes'>;

/**
 * A rule on the built model, in a file of its own (as SAP xml-tools'
 * constraints and Langium's registered validations are). A check reports
 * only the codes it declares; a code may also be reported by a pass that
 * finds the problem while reading the tree (routing reports a route to
 * itself as a routing cycle).
 */
export interface ModelCheck {
  /** A stable name: the file's name. */
  readonly name: string;
  readonly codes: readonly DiagnosticCode[];
  readonly run: (model: MixModel, ctx: CheckContext) => void;
}
