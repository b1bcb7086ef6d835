/**
 * Python lazyscribe's experiment order: same slug → by `last_updated`,
 * otherwise by `created_at`; lists are kept sorted by bisect-right insertion.
 */
import { compareTimes } from "../time/index.js";
import type { Experiment } from "./experiment.js";

/** `a < b` in Python's experiment order (times compared to below the millisecond, as Python's microseconds). */
export function experimentLess(a: Experiment, b: Experiment): boolean {
  if (a.slug === b.slug) return compareTimes(a.lastUpdated, b.lastUpdated) < 0;
  return compareTimes(a.createdAt, b.createdAt) < 0;
}

/** Inserts `item` after every element it is not less than (Python's `bisect.insort_right`). */
export function insortRight(list: Experiment[], item: Experiment): void {
  // Files are stored in order, so most insertions are appends: one comparison instead of a search.
  const last = list[list.length - 1];
  if (last === undefined || !experimentLess(item, last)) {
    list.push(item);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (experimentLess(item, list[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  list.splice(lo, 0, item);
}
