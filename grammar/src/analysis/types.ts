/** What analysis gives back: the model, where each part was written, diagnostics, and the names defined and used. */
import type { Span } from '../ast.js';
import type { Diagnostic, NameExpectation } from '../diagnostics.js';
import type { AudioFacts } from '../facts.js';
import type { MixModel, SourceMap } from '../model.js';

export type SymbolKind = 'track' | 'bus' | 'master' | 'reference' | 'marker' | 'processor' | 'band';

/** A name defined in the file. */
export interface MixSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The name as written (for `master`, the keyword). */
  readonly nameSpan: Span;
  /** The whole defining statement. */
  readonly span: Span;
  /** True for the `master` that exists without being written. */
  readonly implicit?: boolean;
  /**
   * For a processor or an EQ band: the channel it is in. Its name is unique
   * within that channel only (`comp glue`, `bell presence`).
   */
  readonly channel?: string;
}

/** A use of a name: `to drums`, `send crush`, `sidechain kick`, `from chorus`. */
export interface NameUse {
  readonly name: string;
  readonly span: Span;
  readonly expects: NameExpectation;
  readonly target: MixSymbol | null;
}

export interface Analysis {
  readonly model: MixModel;
  readonly sources: SourceMap;
  readonly diagnostics: readonly Diagnostic[];
  readonly symbols: readonly MixSymbol[];
  readonly uses: readonly NameUse[];
}

export interface AnalyzeOptions {
  readonly facts?: AudioFacts;
  /** Used as the title when the file sets none. */
  readonly fileName?: string;
}
