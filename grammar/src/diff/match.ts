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
  const oldIds = idsOf(old, key);
  const neuIds = idsOf(neu, key);
  // The common case, the same parts in the same order: pair them by position.
  if (oldIds.length === neuIds.length && oldIds.every((id, i) => id === neuIds[i])) {
    return { pairs: oldIds.map((id, i) => ({ old: old[i]!, neu: neu[i]!, id })), removed: [], added: [] };
  }
  const neuById = new Map(neuIds.map((id, i) => [id, neu[i]!]));
  const oldById = new Map(oldIds.map((id, i) => [id, old[i]!]));
  return {
    pairs: oldIds.filter((id) => neuById.has(id)).map((id) => ({ old: oldById.get(id)!, neu: neuById.get(id)!, id })),
    removed: oldIds.filter((id) => !neuById.has(id)).map((id) => ({ item: oldById.get(id)!, id })),
    added: neuIds.filter((id) => !oldById.has(id)).map((id) => ({ item: neuById.get(id)!, id })),
  };
}

/** Each item's identity: its key and which occurrence of that key it is, `comp#2`. */
export function idsOf<T>(list: readonly T[], key: (x: T) => string): string[] {
  const seen = new Map<string, number>();
  return list.map((x) => {
    const k = key(x);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return `${k}#${n}`;
  });
}

/**
 * The items present in both orders that moved: those outside a longest
 * common subsequence of the two orders. The fewest items that, taken out
 * and put back elsewhere, turn one order into the other. Items are distinct
 * within each order.
 */
export function movedItems(old: readonly string[], neu: readonly string[]): Set<string> {
  const inNew = new Set(neu);
  const a = old.filter((x) => inNew.has(x));
  const inA = new Set(a);
  const b = neu.filter((x) => inA.has(x));
  // Nothing moved (the common case): no table to build.
  if (a.every((x, i) => x === b[i])) return new Set();
  // The items are distinct, so the LCS of the two orders is the longest
  // increasing run of old positions read in the new order: O(n log n)
  // (patience sorting), where a table would be O(n·m) on 400 channels.
  const position = new Map(a.map((x, i) => [x, i]));
  const seq = b.map((x) => position.get(x)!);
  const tails: number[] = []; // tails[k]: index in seq of the smallest end of a run of length k+1
  const previous = new Int32Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < seq[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const kept = new Set<string>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) kept.add(b[i]!);
  return new Set(b.filter((x) => !kept.has(x)));
}

/** Where `item` stands in `order`: `first`, or `after X` (X shown by `label`). */
export function placeOf(item: string, order: readonly string[], label: (x: string) => string = (x) => x): string {
  const i = order.indexOf(item);
  return i <= 0 ? 'first' : `after ${label(order[i - 1]!)}`;
}
