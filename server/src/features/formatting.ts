import type { TextEdit } from 'vscode-languageserver';
import { format } from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';

/** The whole document reformatted, as one edit; nothing when it has syntax errors or is already canonical. */
export function formatting(doc: DocState): TextEdit[] {
  const result = format(doc.text);
  if (!result.ok || result.text === doc.text) return [];
  return [{ range: doc.lines.range({ start: 0, end: doc.text.length }), newText: result.text }];
}
