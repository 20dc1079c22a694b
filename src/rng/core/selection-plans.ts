import { MAX_RANGE } from './range-encoding.js';

/**
 * A selection written once as a generator of range requests: it yields the size of the next
 * range to draw from and receives the drawn value. The live path (bytes from a source) and the
 * replay path (bytes from the journal) drive the same generator, so they cannot disagree.
 */
export type SelectionPlan = Generator<number, number[], number>;

/**
 * k distinct positions from [0, n), in draw order, by a partial Fisher-Yates shuffle of the
 * virtual array a[i] = i. Step i draws r uniformly from [0, n - i), sets j = i + r, swaps a[i] and
 * a[j], and outputs a[i]. The map of r values to ordered k-tuples is a bijection from
 * [0,n) x [0,n-1) x ... x [0,n-k+1) onto the n!/(n-k)! ordered selections without repeats, so each
 * selection has probability exactly (n-k)!/n!. Only swapped entries are stored (a Map), so memory
 * is O(k) even for n = 2^53, and no draw is wasted on a repeat.
 */
export function* distinctSelectionPlan(k: number, n: number): SelectionPlan {
  assertSelectionSize(k, n);
  if (k > n) throw new RangeError(`cannot select ${k} distinct values from a range of ${n}`);
  const moved = new Map<number, number>();
  const at = (position: number): number => moved.get(position) ?? position;
  const picked: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + (yield n - i);
    picked.push(at(j));
    // a[j] takes the old a[i]; a[i] is never read again, so it is dropped to keep memory O(k).
    moved.set(j, at(i));
    moved.delete(i);
  }
  return picked;
}

/** k independent positions from [0, n); the same position may come up more than once. */
export function* repeatedSelectionPlan(k: number, n: number): SelectionPlan {
  assertSelectionSize(k, n);
  const picked: number[] = [];
  for (let i = 0; i < k; i++) picked.push(yield n);
  return picked;
}

function assertSelectionSize(k: number, n: number): void {
  if (!Number.isSafeInteger(k) || k < 0)
    throw new RangeError(`selection size must be an integer >= 0, got ${k}`);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RANGE) {
    throw new RangeError(`range must be an integer from 1 to 2^53, got ${String(n)}`);
  }
}
