/**
 * The semantic diff as text for a terminal or `git diff`, and as markdown
 * for a pull request. (JSON is the change list itself.)
 *
 *   ~ track vox: eq bell 300 Hz: gain -3 dB -> -4.5 dB
 *   + track shaker
 *   - bus old_fx
 */
import type { ChangeOp, MixChange } from './changes.js';

/**
 * The path as a line reads it: the channel (or session part), then the
 * processor and band, then the setting: `track vox: eq bell 300 Hz: gain`.
 */
function where(c: MixChange): { head: string; setting: string | null } {
  const [first, ...rest] = c.path;
  if (c.op !== 'change' || rest.length === 0) return { head: [first, rest.join(' ')].filter(Boolean).join(': '), setting: null };
  const setting = rest.at(-1)!;
  const middle = rest.slice(0, -1).join(' ');
  return { head: middle ? `${first}: ${middle}` : first!, setting };
}

export function changeLine(c: MixChange): string {
  const { head, setting } = where(c);
  switch (c.op) {
    case 'change': return `~ ${head}: ${setting} ${c.old} -> ${c.new}`;
    case 'add': return `+ ${head}${c.new ? `: ${c.new}` : ''}`;
    case 'remove': return `- ${head}${c.old ? `: ${c.old}` : ''}`;
    case 'move': return `~ ${head}: moved, ${c.old} -> ${c.new}`;
    case 'rename': return `~ ${head}: renamed to ${c.new}`;
  }
}

export function formatChangesText(changes: readonly MixChange[]): string {
  if (changes.length === 0) return 'no mix changes\n';
  return changes.map((c) => `${changeLine(c)}\n`).join('');
}

/** Markdown cells must not break the table. */
function cell(s: string | null): string {
  return s === null ? '' : s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const VERB: Record<ChangeOp, string> = { add: 'added', remove: 'removed', change: 'changed', move: 'moved', rename: 'renamed' };

/**
 * A compact table grouped by channel (the session's own settings first),
 * for a pull request: one row a change, the channel named on its first row.
 */
export function formatChangesMarkdown(changes: readonly MixChange[], title = 'Mix changes'): string {
  if (changes.length === 0) return `**${cell(title).replace(/[~*_`]/g, '\\$&')}:** no mix changes\n`;
  const groups = new Map<string, MixChange[]>();
  for (const c of changes) {
    const key = c.path[0]!;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rows: string[] = [];
  for (const [group, list] of groups) {
    list.forEach((c, i) => {
      const what = c.path.slice(1).join(' › ') || (c.op === 'rename' ? 'name' : '');
      rows.push(`| ${i === 0 ? `**${cell(group)}**` : ''} | ${cell(what)} | ${VERB[c.op]} | ${cell(c.old)} | ${cell(c.new)} |`);
    });
  }
  const count = `${changes.length} change${changes.length === 1 ? '' : 's'}`;
  return `**${cell(title).replace(/[~*_`]/g, '\\$&')}** (${count})\n\n| channel | setting | | old | new |\n|---|---|---|---|---|\n${rows.join('\n')}\n`;
}
