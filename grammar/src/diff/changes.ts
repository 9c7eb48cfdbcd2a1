/** What the semantic diff reports: a list of changes, each with its place in the session's hierarchy. */

export type ChangeOp = 'add' | 'remove' | 'change' | 'move' | 'rename';

export interface MixChange {
  readonly op: ChangeOp;
  /**
   * From the session down to the setting: `['track vox', 'eq', 'bell 300 Hz', 'gain']`,
   * `['session', 'tempo']`, `['marker chorus']`. Parts of a processor are
   * named as the language writes them; the nth unnamed processor of a type
   * is `comp#2`. An automation lane is named by its target as written,
   * its points by their time: `['track vox', 'automate glue.threshold', 'point at 0:32']`.
   */
  readonly path: readonly string[];
  /**
   * Values as written, in their units (`-3 dB`, `3 kHz`, `bar 17`): for a
   * change the old and new value; for an addition the new item written out
   * (old is null), for a removal the old one (new is null); for a move the
   * old and new place (`first`, `after bass`); for a rename the old and new name.
   */
  readonly old: string | null;
  readonly new: string | null;
}

/** The channel a change is about (`track vox`, `bus verb`, `master`), or null for the session, a marker or a reference. */
export function channelOfChange(c: MixChange): { readonly kind: 'track' | 'bus' | 'master'; readonly name: string } | null {
  const m = /^(track|bus) (.+)$/.exec(c.path[0]!);
  if (m) return { kind: m[1] as 'track' | 'bus', name: m[2]! };
  return c.path[0] === 'master' ? { kind: 'master', name: 'master' } : null;
}

/** The channels a change list renames: new name → old name. */
export function renamedChannels(changes: readonly MixChange[]): Map<string, string> {
  const renamed = new Map<string, string>();
  for (const c of changes) if (c.op === 'rename' && channelOfChange(c)) renamed.set(c.new!, c.old!);
  return renamed;
}
