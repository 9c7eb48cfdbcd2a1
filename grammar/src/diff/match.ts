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

export interface Aligned<T> {
  readonly pairs: readonly { readonly old: T; readonly neu: T; readonly oldIndex: number; readonly newIndex: number }[];
  readonly removed: readonly { readonly item: T; readonly index: number }[];
  readonly added: readonly { readonly item: T; readonly index: number }[];
}

/**
 * Pairs items of the same key by what they are, not where they stand: first
 * the items that are equal on both sides (so reordering or inserting one
 * changes nothing else), then, of what is left, the nearest by `distance`
 * (a band by its frequency, a clip by its time), else in written order.
 * Pairs come in the new order.
 */
export function alignItems<T>(
  old: readonly T[],
  neu: readonly T[],
  key: (x: T) => string,
  equal: (a: T, b: T) => boolean,
  distance?: (a: T, b: T) => number,
): Aligned<T> {
  const oldTaken = new Array<boolean>(old.length).fill(false);
  const newTaken = new Array<boolean>(neu.length).fill(false);
  const pairs: { old: T; neu: T; oldIndex: number; newIndex: number }[] = [];
  const pair = (i: number, j: number) => {
    oldTaken[i] = true;
    newTaken[j] = true;
    pairs.push({ old: old[i]!, neu: neu[j]!, oldIndex: i, newIndex: j });
  };
  for (let i = 0; i < old.length; i++) {
    const j = neu.findIndex((n, k) => !newTaken[k] && key(n) === key(old[i]!) && equal(old[i]!, n));
    if (j >= 0) pair(i, j);
  }
  if (distance) {
    const candidates: [number, number, number][] = [];
    old.forEach((o, i) => neu.forEach((n, j) => { if (!oldTaken[i] && !newTaken[j] && key(o) === key(n)) candidates.push([distance(o, n), i, j]); }));
    candidates.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    for (const [, i, j] of candidates) if (!oldTaken[i] && !newTaken[j]) pair(i, j);
  } else {
    for (let i = 0; i < old.length; i++) {
      if (oldTaken[i]) continue;
      const j = neu.findIndex((n, k) => !newTaken[k] && key(n) === key(old[i]!));
      if (j >= 0) pair(i, j);
    }
  }
  pairs.sort((a, b) => a.newIndex - b.newIndex);
  return {
    pairs,
    removed: old.flatMap((item, index) => (oldTaken[index] ? [] : [{ item, index }])),
    added: neu.flatMap((item, index) => (newTaken[index] ? [] : [{ item, index }])),
  };
}

/** Which occurrence of its key the item at `index` is, from 1. */
export function occurrence<T>(list: readonly T[], index: number, key: (x: T) => string): number {
  const k = key(list[index]!);
  let n = 0;
  for (let i = 0; i <= index; i++) if (key(list[i]!) === k) n++;
  return n;
}

/**
 * Pairs parts that carry a name (`comp glue`, `bell presence`) by name and
 * type first, wherever they went; the rest are paired by `align`. A part
 * that kept its name is the same part even if every setting changed.
 */
export function alignNamed<T extends { readonly type: string; readonly name?: string }>(
  old: readonly T[],
  neu: readonly T[],
  align: (old: readonly T[], neu: readonly T[]) => Aligned<T>,
): Aligned<T> {
  const byName = new Map<string, number>();
  neu.forEach((x, j) => { if (x.name !== undefined) byName.set(`${x.type} ${x.name}`, j); });
  const pairs: { old: T; neu: T; oldIndex: number; newIndex: number }[] = [];
  const oldRest: number[] = [];
  const newTaken = new Set<number>();
  old.forEach((x, i) => {
    const j = x.name === undefined ? undefined : byName.get(`${x.type} ${x.name}`);
    if (j === undefined) oldRest.push(i);
    else {
      pairs.push({ old: x, neu: neu[j]!, oldIndex: i, newIndex: j });
      newTaken.add(j);
    }
  });
  if (pairs.length === 0) return align(old, neu);
  const newRest = neu.flatMap((_, j) => (newTaken.has(j) ? [] : [j]));
  const rest = align(oldRest.map((i) => old[i]!), newRest.map((j) => neu[j]!));
  for (const p of rest.pairs) pairs.push({ old: p.old, neu: p.neu, oldIndex: oldRest[p.oldIndex]!, newIndex: newRest[p.newIndex]! });
  pairs.sort((a, b) => a.newIndex - b.newIndex);
  return {
    pairs,
    removed: rest.removed.map((r) => ({ item: r.item, index: oldRest[r.index]! })),
    added: rest.added.map((a) => ({ item: a.item, index: newRest[a.index]! })),
  };
}
