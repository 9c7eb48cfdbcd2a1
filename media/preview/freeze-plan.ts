/**
 * Which of the session's summing groups play frozen (from the stems the
 * extension rendered with its last analysis) and which run live, worked out
 * on the page before a session goes to the audio thread, so that the
 * streamer fetches only what will be played: the stems of the frozen groups
 * and the files of the tracks that run.
 *
 * The audio thread builds the same graph from the same model, trims and
 * file versions, so it finds the same signatures and freezes the same
 * groups. A group plays from its stem only when its signature is the one
 * the stem was rendered for: any change to one of its tracks (a setting, a
 * mute or solo in the panel, a new version of a file) makes it live at once.
 */
import { MixGraph } from '../../engine/src/index.js';
import type { MixModel } from '../../grammar/src/model.js';
import type { AudioRef, FrozenStemRef } from './protocol.js';
import { previewGraphOptions } from '../worklet/player.js';

export interface FreezePlan {
  /** The stems the audio thread plays from, by group signature. */
  readonly frozen: readonly { readonly signature: string; readonly path: string }[];
  /** Those stems' files, to stream. */
  readonly stems: readonly AudioRef[];
  /** Channels that run: every bus, and the tracks not all of whose groups are frozen or silent. */
  readonly running: ReadonlySet<string>;
  /** Tracks that play from stems (every group they feed is frozen). */
  readonly frozenTracks: ReadonlySet<string>;
  /** Each frozen group's signature and tracks: an edit to one of them makes them all run. */
  readonly frozenGroups: readonly { readonly signature: string; readonly members: readonly string[] }[];
  /** Frames the master lags the timeline: a stem's frame p sounds at timeline frame p - latency. */
  readonly latency: number;
}

/**
 * `channelsOf` gives each audio file's channel count (from its header):
 * a mono track's pre-fader send is scaled, and the scale is part of its
 * group's signature.
 */
export function freezePlan(
  model: MixModel,
  autoTrims: ReadonlyMap<string, number>,
  versions: Readonly<Record<string, string>>,
  stems: readonly FrozenStemRef[],
  channelsOf: (path: string) => 1 | 2,
): FreezePlan {
  const bySignature = new Map(stems.map((s) => [s.signature, s.audio]));
  // Only the graph's shape is needed: sources and stems that are never read.
  const unread = (channels: 1 | 2) => ({ channels, frames: 0, read: () => {} });
  const spec = { autoTrims, fileVersions: versions, frozen: stems.map((s) => ({ signature: s.signature, path: s.audio.path })) };
  const graph = new MixGraph(model, { open: (path) => unread(channelsOf(path)) }, previewGraphOptions(spec, () => unread(2)));
  const used = graph.groups.filter((g) => bySignature.has(g.signature));
  const running = new Set(graph.strips.filter((s) => graph.runs(s)).map((s) => s.name));
  // Tracks that do not run because they are silenced (a solo elsewhere, a mute) are not frozen, only silent.
  const frozenTracks = new Set(graph.strips.filter((s) => s.kind === 'track' && !running.has(s.name) && !s.silent).map((s) => s.name));
  return {
    frozen: used.map((g) => ({ signature: g.signature, path: bySignature.get(g.signature)!.path })),
    stems: used.map((g) => bySignature.get(g.signature)!),
    running,
    frozenTracks,
    frozenGroups: used.map((g) => ({ signature: g.signature, members: g.members })),
    latency: graph.latency,
  };
}
