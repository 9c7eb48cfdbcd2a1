/**
 * Diagnostics: every problem the language knows, each with a stable code.
 * Codes are part of the product: quick fixes look them up, `mixdown check
 * --json` prints them and docs/language.md lists them. Never rename one.
 */
import type { Span } from './ast.js';

export const CODES = {
  /** The text does not follow the grammar (every such problem is reported, not only the first). */
  syntax: 'syntax',
  /** A number written as `.5` or `5.`. */
  invalidNumber: 'invalid-number',
  /** A name that no track, bus, reference or marker has. */
  unknownName: 'unknown-name',
  /** Two tracks, buses, references or markers share a name. */
  duplicateName: 'duplicate-name',
  /** `master` used as a name, or a keyword used as a marker name. */
  reservedName: 'reserved-name',
  /** The same setting twice in one block. */
  duplicateSetting: 'duplicate-setting',
  /** Routing (`to`, `send`) goes round in a circle. */
  routingCycle: 'routing-cycle',
  /** A side-chain key depends on the channel it compresses. */
  sidechainCycle: 'sidechain-cycle',
  /** `to`/`send` names something that cannot take input (a track, a reference, a marker), or `sidechain` names something that is not a channel. */
  invalidRoute: 'invalid-route',
  audioMissing: 'audio-missing',
  audioUnreadable: 'audio-unreadable',
  audioUnsupported: 'audio-unsupported',
  outOfRange: 'out-of-range',
  missingUnit: 'missing-unit',
  wrongUnit: 'wrong-unit',
  /** A value that is not one of the allowed ones (a slope of 30 dB/oct, a colour that is not #rrggbb). */
  invalidValue: 'invalid-value',
  barWithoutTempo: 'bar-without-tempo',
  aboveNyquist: 'above-nyquist',
  clipPastEnd: 'clip-past-end',
  overlappingClips: 'overlapping-clips',
  /** A setting in a block where it means nothing (`file` in a bus, `ceiling` in a comp). */
  notAllowedHere: 'not-allowed-here',
  busNoInputs: 'bus-no-inputs',
  trackNoSources: 'track-no-sources',
  sampleRateDiffers: 'samplerate-differs',
  /** An automation lane's points are not in time order. */
  pointsOutOfOrder: 'points-out-of-order',
  /** An automation target that does not exist or that automation cannot move. */
  notAutomatable: 'not-automatable',
  /** A tempo or meter change off a bar start, out of order, without the tempo it changes, or a ramp across a meter change. */
  misplacedChange: 'misplaced-change',
} as const;

export type DiagnosticCode = (typeof CODES)[keyof typeof CODES];
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Facts a quick fix needs, by code. */
export type DiagnosticData =
  /** The units that fit; for a wrong unit, where the written unit is. */
  | { readonly kind: 'units'; readonly units: readonly string[]; readonly unitSpan?: Span }
  | { readonly kind: 'didYouMean'; readonly candidates: readonly string[]; readonly expects: NameExpectation }
  | { readonly kind: 'deleteStatement'; readonly span: Span }
  /** The points of a lane (their spans) in time order, and the body they are in, to rewrite it sorted. */
  | { readonly kind: 'sortPoints'; readonly body: Span; readonly sorted: readonly Span[] };

export type NameExpectation = 'bus' | 'channel' | 'marker' | 'part';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly data?: DiagnosticData;
}
