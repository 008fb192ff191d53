// Address-space bookkeeping: the mappings the kernel made and the program break.
import type { ReducerTable } from '../reducer_types.js';
import type { Mapping } from '../state.js';
import { processOf } from '../task/reducer.js';

/** The index of the first mapping (sorted by start, disjoint) that ends after addr. */
function firstEndingAfter(mappings: readonly Mapping[], addr: number): number {
  let lo = 0;
  let hi = mappings.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (mappings[mid]!.end <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Removes [start, end) from a mapping list sorted by start, in place, splitting mappings that
 * straddle it; returns the index where the hole is. Only the mappings it touches are visited
 * (a program may make tens of thousands of mappings: gnulib's test-free fills max_map_count).
 */
export function carve(mappings: Mapping[], start: number, end: number): number {
  const first = firstEndingAfter(mappings, start);
  let last = first;
  while (last < mappings.length && mappings[last]!.start < end) last++;
  if (first === last) return first;
  const kept: Mapping[] = [];
  const head = mappings[first]!;
  if (head.start < start) kept.push({ ...head, end: start });
  const tail = mappings[last - 1]!;
  if (tail.end > end) {
    const shift = end - tail.start;
    kept.push({ ...tail, start: end, ...(tail.offset === undefined ? {} : { offset: tail.offset + shift }) });
  }
  mappings.splice(first, last - first, ...kept);
  return head.start < start ? first + 1 : first;
}

export const mmReducers: ReducerTable<'MemoryMapped' | 'MemoryUnmapped' | 'BrkSet'> = {
  MemoryMapped(state, e) {
    const mappings = processOf(state, e.pid).mm.mappings;
    mappings.splice(carve(mappings, e.mapping.start, e.mapping.end), 0, { ...e.mapping });
  },
  MemoryUnmapped(state, e) {
    carve(processOf(state, e.pid).mm.mappings, e.start, e.end);
  },
  BrkSet(state, e) {
    processOf(state, e.pid).mm.brk = e.brk;
  },
};
