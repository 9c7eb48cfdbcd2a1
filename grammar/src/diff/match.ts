/** Matching the parts of two models: by identity, never by line or position in the file. */

/**
 * Pairs items of two lists that share a key, the nth item with a key in
 * `old` to the nth with that key in `neu` (the second `comp` of a channel
 * to its second `comp`). Items of one side only are left unpaired.
 */
export function pairByKey<T>(old: readonly T[], neu: readonly T[], key: (x: T) => string): {
  readonly pairs: readonly { readonly old: T; readonly neu: T; readonly id: string }[];
  readonly removed: readonly { readonly item: T; readonly id: string }[];
  readonly added: readonly { readonly item: T; readonly id: string }[];
} {
  const ids = (list: readonly T[]) => {
    const seen = new Map<string, number>();
    return list.map((x) => {
      const k = key(x);
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      return `${k}#${n}`;
    });
  };
  const oldIds = ids(old);
  const neuIds = ids(neu);
  const neuById = new Map(neuIds.map((id, i) => [id, neu[i]!]));
  const oldById = new Map(oldIds.map((id, i) => [id, old[i]!]));
  return {
    pairs: oldIds.filter((id) => neuById.has(id)).map((id) => ({ old: oldById.get(id)!, neu: neuById.get(id)!, id })),
    removed: oldIds.filter((id) => !neuById.has(id)).map((id) => ({ item: oldById.get(id)!, id })),
    added: neuIds.filter((id) => !oldById.has(id)).map((id) => ({ item: neuById.get(id)!, id })),
  };
}

/**
 * The items of `neu` (all present in `old` too) that moved: those outside a
 * longest common subsequence of the two orders. The fewest items that,
 * taken out and put back elsewhere, turn one order into the other.
 */
export function movedItems(old: readonly string[], neu: readonly string[]): Set<string> {
  const inBoth = new Set(old.filter((x) => neu.includes(x)));
  const a = old.filter((x) => inBoth.has(x));
  const b = neu.filter((x) => inBoth.has(x));
  // Classic O(n·m) LCS table: chains and channel lists are short.
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) { kept.add(a[i]!); i++; j++; }
    else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  return new Set(b.filter((x) => !kept.has(x)));
}

/** Where `item` stands in `order`: `first`, or `after X` (X shown by `label`). */
export function placeOf(item: string, order: readonly string[], label: (x: string) => string = (x) => x): string {
  const i = order.indexOf(item);
  return i <= 0 ? 'first' : `after ${label(order[i - 1]!)}`;
}
