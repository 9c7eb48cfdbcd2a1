/**
 * What the passes of analysis share: the diagnostics sink, the source map,
 * the symbol table, and the session facts later passes depend on (sample
 * rate, tempo, meter). Each pass reads what earlier ones left here and adds
 * its own part.
 */
import type * as ast from '../ast.js';
import type { Diagnostic, DiagnosticCode, DiagnosticData, Severity } from '../diagnostics.js';
import { CODES } from '../diagnostics.js';
import { noFacts, type AudioFacts } from '../facts.js';
import { DEFAULTS, type ClipModel } from '../model.js';
import type { TempoMap, TempoMapModel } from '../tempo-map.js';
import type { ValueContext } from '../processors/index.js';
import type { ValueKind } from '../units.js';
import type { AnalyzeOptions, MixSymbol, NameUse } from './types.js';
import { inRange, ranged, value } from './values.js';

type Span = ast.Span;

export interface Reporter {
  report(code: DiagnosticCode, span: Span, message: string, severity?: Severity, data?: DiagnosticData): void;
}

/** An edge of the signal graph: `to`, `send`, or a side-chain key (from the key to the keyed channel). */
export interface RouteEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'to' | 'send' | 'sidechain';
  readonly span: Span;
}

export class AnalysisContext implements ValueContext, Reporter {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources: Record<string, Span> = {};
  readonly symbols: MixSymbol[] = [];
  readonly uses: NameUse[] = [];
  readonly facts: AudioFacts;

  sampleRate = DEFAULTS.sampleRate;
  /** The tempo and meter at bar 1, and the changes after it (set by the session pass). */
  tempo: number | null = null;
  meter = { ...DEFAULTS.meter };
  tempoChanges: TempoMapModel = { tempos: [], meters: [] };
  /** Bar times through the tempo map; null without a tempo. */
  tempoMap: TempoMap | null = null;

  /** Every defined name (names are unique; duplicates are reported and left out). */
  readonly symbolsByName = new Map<string, MixSymbol>();
  readonly channelSymbols = new Map<string, MixSymbol>();
  readonly markerStatements = new Map<string, ast.MarkerStatement>();
  /** Marker times worked out so far (undefined: it has none), and those being worked out (to catch self-reference). */
  readonly markerTimes = new Map<string, number | undefined>();
  readonly resolving = new Set<string>();
  /** `to`, `send` and `sidechain` statements that analysis accepted (not duplicates, not misplaced). */
  readonly acceptedRoutes = new Set<ast.AnyStatement>();
  /** Clips with a time that could not be worked out: left out of overlap checks. */
  readonly uncertainClips = new Set<ClipModel>();
  /** The signal graph, once routing has resolved it; `stuck` are the channels on or behind a cycle. */
  routes: { readonly edges: readonly RouteEdge[]; readonly stuck: readonly string[] } = { edges: [], stuck: [] };

  constructor(readonly doc: ast.MixDocument, readonly options: AnalyzeOptions) {
    this.facts = options.facts ?? noFacts;
  }

  report(code: DiagnosticCode, span: Span, message: string, severity: Severity = 'error', data?: DiagnosticData): void {
    this.diagnostics.push(data ? { code, severity, message, span, data } : { code, severity, message, span });
  }

  /** For settings that may appear once per block: true for the first, a diagnostic for the rest. */
  firstOfItsKind<T extends { span: Span; keywordSpan: Span; keyword: string }>(seen: Map<string, T>, key: string, s: T): boolean {
    const first = seen.get(key);
    if (!first) {
      seen.set(key, s);
      return true;
    }
    this.report(CODES.duplicateSetting, s.keywordSpan, `'${s.keyword}' is already set in this block; only the first one counts`, 'error', {
      kind: 'deleteStatement',
      span: s.span,
    });
    return false;
  }

  /** Reports a statement written where it means nothing, with a quick fix that deletes it. */
  notAllowedHere(item: { keywordSpan: Span; span: Span }, why: string): void {
    this.report(CODES.notAllowedHere, item.keywordSpan, why, 'error', { kind: 'deleteStatement', span: item.span });
  }

  value(q: ast.Quantity | null | undefined, kind: ValueKind): number | undefined {
    return value(this, q, kind);
  }

  inRange(q: ast.Quantity, v: number, min: number, max: number, what: string, unit: string | null, kind?: ValueKind): boolean {
    return inRange(this, q, v, min, max, what, unit, kind);
  }

  ranged(q: ast.Quantity | null | undefined, kind: ValueKind, min: number, max: number, what: string, fallback: number): number {
    return ranged(this, q, kind, min, max, what, fallback);
  }
}
