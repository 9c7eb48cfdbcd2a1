/**
 * What "Mix: Compare with HEAD" shows beside the editor: the semantic diff
 * (grammar's diffModels, the lines `mixdown diff` prints) of a committed
 * version against the text in the editor, saved or not, under a heading
 * that names both sides.
 *
 * No vscode imports: tests run it in Node.
 */
import { check, diffModels, formatChangesText, LineIndex } from '../../../grammar/src/index.js';

export interface ComparedText {
  /** As the heading names it: `HEAD (1a2b3c4)`, `working copy`. */
  readonly label: string;
  readonly text: string;
}

/** Changes of `newer` against `older`, both versions of the mix file `fileName`. */
export function describeComparison(older: ComparedText, newer: ComparedText, fileName: string): string {
  // Both checked as the file itself: a title left to default is the file's name in both.
  const [a, b] = [older, newer].map((v) => check(v.text, { fileName }));
  const changes = diffModels(a!.model, b!.model);
  const lines = [`${fileName}: ${older.label} -> ${newer.label}`, ''];
  for (const [side, doc] of [[older, a!], [newer, b!]] as const) {
    const errors = doc.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0) continue;
    const first = errors[0]!;
    const line = new LineIndex(side.text).position(first.span.start).line + 1;
    lines.push(`! ${side.label} has ${errors.length} error${errors.length === 1 ? '' : 's'} (line ${line}: ${first.message}); the changes below are what could be read`);
  }
  if (lines.length > 2) lines.push('');
  lines.push(formatChangesText(changes).trimEnd());
  lines.push('');
  lines.push(changes.length === 0
    ? 'Formatting and comments are never changes; a setting written at its default value is none either.'
    : `${changes.length} change${changes.length === 1 ? '' : 's'}. ~ changed, + added, - removed. Formatting and comments are never changes.`);
  return lines.join('\n') + '\n';
}
