/**
 * The messages between the extension host (client/src/preview) and the
 * preview webview (media/preview). One typed protocol, string-literal
 * unions on `type`, used by both sides. Plain data only: it goes through
 * `postMessage`'s structured clone.
 */
import type { MixModel } from '../../grammar/src/model.js';
import type { ChannelMeterEnvelopes } from '../../engine/src/index.js';

/** An audio file the page may fetch: its path as written, where to fetch it, and a version that changes when the file does. */
export interface AudioRef {
  /** As written in the mix file (the key the engine opens it by). */
  readonly path: string;
  /** A webview URI (`asWebviewUri`) the page can `fetch`. */
  readonly url: string;
  /** Changes whenever the file changes (size and modification time). */
  readonly version: string;
}

/** A problem that stops the edited text from playing. */
export interface Problem {
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

/** The master's overview: min/max pairs per bucket, per output channel. */
export interface Overview {
  /** Per channel: [min0, max0, min1, max1, …], values in -1..1. */
  readonly peaks: readonly Float32Array[];
  /** Seconds the render lasts. */
  readonly duration: number;
}

/** What the whole render says, measured on the extension host with the CLI's renderer. */
export interface Analysis {
  /** The model generation this analysis was made for. */
  readonly generation: number;
  /** Gain at the head of the master chain (dB) that meets `master target`, or null when there is no target or it cannot be met. */
  readonly headGainDb: number | null;
  /** Why the target cannot be met, when it cannot. */
  readonly targetProblem: string | null;
  readonly integratedLufs: number;
  readonly truePeakDb: number;
  readonly overview: Overview;
  /** Integrated loudness of each reference, by name (null when it could not be measured). */
  readonly references: Readonly<Record<string, number | null>>;
  /** Each track's meters over the song, for the rows of frozen channels (which do not run). */
  readonly channelMeters?: ChannelMeterEnvelopes;
}

/** Extension host → page. */
export type ToPage = SessionMessage | InvalidMessage | TrimsMessage | AnalysisMessage | AnalysisFailedMessage | FrozenMessage | ComparedMessage | TransportCommand | FocusMessage;

/** The file is valid: play this. Sent when the preview opens and after each edit that leaves the file valid. */
export interface SessionMessage {
  readonly type: 'session';
  /** Counts up with each model sent; analyses name the generation they belong to. */
  readonly generation: number;
  /** The file's name, for the panel's title line. */
  readonly fileName: string;
  readonly model: MixModel;
  /** Every audio file the model's clips name, once each. */
  readonly audio: readonly AudioRef[];
  /** The references' files, by reference name. */
  readonly references: Readonly<Record<string, AudioRef>>;
  /** Warnings the file has (it still plays). */
  readonly warnings: number;
}

/** The file has errors: the last valid mix keeps playing, and the panel says why. */
export interface InvalidMessage {
  readonly type: 'invalid';
  readonly fileName: string;
  readonly problems: readonly Problem[];
}

/** `trim auto` gains (linear) by track, measured on the host for a generation. */
export interface TrimsMessage {
  readonly type: 'trims';
  readonly generation: number;
  readonly trims: Readonly<Record<string, number>>;
}

export interface AnalysisMessage {
  readonly type: 'analysis';
  readonly analysis: Analysis;
}

/**
 * Stems of the session's summing groups, rendered with the analysis: a
 * group whose signature matches one here plays from its stem (frozen)
 * instead of running its tracks. Each replaces the last list.
 */
export interface FrozenMessage {
  readonly type: 'frozen';
  readonly stems: readonly FrozenStemRef[];
}

/** A frozen stem: its group's signature and the file, streamed like the session's audio. */
export interface FrozenStemRef {
  readonly signature: string;
  readonly audio: AudioRef;
}

export interface AnalysisFailedMessage {
  readonly type: 'analysisFailed';
  readonly generation: number;
  readonly message: string;
}

/**
 * Another version of the mix to A/B against the text being edited ("Mix:
 * Compare with HEAD"), rendered on the host by the CLI's renderer to a
 * file, and its integrated loudness for the match.
 */
export type ComparedVersion = {
  /** The A/B button's label: `HEAD`. */
  readonly label: string;
  /** What it is, for tooltips and messages: `HEAD (1a2b3c4), as committed`. */
  readonly description: string;
} & (
  | { readonly state: 'rendering' }
  | { readonly state: 'ready'; readonly audio: AudioRef; readonly integratedLufs: number | null }
  | { readonly state: 'failed'; readonly problem: string }
);

/** The version to compare with changed (null: none any more). */
export interface ComparedMessage {
  readonly type: 'compared';
  readonly compared: ComparedVersion | null;
}

/** Keyboard commands routed from the editor (e.g. a key binding while the editor has focus). */
export interface TransportCommand {
  readonly type: 'transport';
  readonly command: 'togglePlay';
}

/**
 * The channel whose block holds the editor's cursor (null: none): the page
 * keeps its files streamed when it plays frozen, so an edit there is heard
 * at once.
 */
export interface FocusMessage {
  readonly type: 'focus';
  readonly channel: string | null;
}

/** Page → extension host. */
export type FromPage = ReadyMessage | RevealMessage | RenderRequest;

/** The page has loaded and wants the session. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Show this line of the mix file (a problem or a channel was clicked). */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly line: number;
}

/** The panel's "Render to WAV" button. */
export interface RenderRequest {
  readonly type: 'render';
}


/** What the page keeps across reloads (`vscode.setState`); the panel serializer reads `document`. */
export interface PageState {
  /** URI of the mix file the panel previews. */
  readonly document: string;
  readonly position: number;
  readonly loop: { readonly from: number; readonly to: number } | null;
  /** Mute and solo pressed in the panel: turned on, and turned off where the file has them on. */
  readonly muted: readonly string[];
  readonly unmuted?: readonly string[];
  readonly soloed: readonly string[];
  readonly unsoloed?: readonly string[];
  readonly selected: string | null;
}

/**
 * VS Code carries webview messages as JSON (typed arrays aside), where
 * `Infinity`, `-Infinity` and `NaN` would arrive as `null`; the model has
 * `-Infinity` gains (`gain -inf dB`) and `Infinity` ratios (`ratio inf`).
 * The host sends them as `{ "$number": "-Infinity" }` and the page turns
 * them back into numbers.
 */
export function toWire<T>(value: T): T {
  return mapNumbers(value, (n) => (Number.isFinite(n) ? n : { $number: String(n) })) as T;
}

export function fromWire<T>(value: T): T {
  return mapNumbers(value, (n) => n, true) as T;
}

function mapNumbers(value: unknown, number: (n: number) => unknown, decode = false): unknown {
  if (typeof value === 'number') return number(value);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) return value.map((v) => mapNumbers(v, number, decode));
  const entries = Object.entries(value);
  if (decode && entries.length === 1 && entries[0]![0] === '$number') return Number(entries[0]![1]);
  return Object.fromEntries(entries.map(([k, v]) => [k, mapNumbers(v, number, decode)]));
}
