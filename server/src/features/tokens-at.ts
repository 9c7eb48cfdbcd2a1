/** Finding tokens around an offset. */
import type { IToken } from '../../../grammar/src/index.js';

/** Index of the first token that starts at or after `offset`. */
export function firstTokenFrom(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The token that contains `offset` (its end inclusive, so a cursor right after a word finds it). */
export function tokenAt(tokens: readonly IToken[], offset: number): IToken | undefined {
  const i = firstTokenFrom(tokens, offset + 1) - 1;
  const t = tokens[i];
  if (t && t.startOffset <= offset && offset <= t.endOffset! + 1) return t;
  return undefined;
}

export function endOf(t: IToken): number {
  return t.endOffset! + 1;
}
