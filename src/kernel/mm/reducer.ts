// Address-space bookkeeping: the mappings the kernel made and the program break.
import type { ReducerTable } from '../reducer_types.js';
import type { Mapping } from '../state.js';
import { processOf } from '../task/reducer.js';

/** Removes [start, end) from a mapping list, splitting mappings that straddle it. */
export function carve(mappings: Mapping[], start: number, end: number): Mapping[] {
  const out: Mapping[] = [];
  for (const m of mappings) {
    if (m.end <= start || m.start >= end) {
      out.push(m);
      continue;
    }
    if (m.start < start) out.push({ ...m, end: start });
    if (m.end > end) {
      const shift = end - m.start;
      out.push({ ...m, start: end, ...(m.offset === undefined ? {} : { offset: m.offset + shift }) });
    }
  }
  return out;
}

export const mmReducers: ReducerTable<'MemoryMapped' | 'MemoryUnmapped' | 'BrkSet'> = {
  MemoryMapped(state, e) {
    const mm = processOf(state, e.pid).mm;
    mm.mappings = carve(mm.mappings, e.mapping.start, e.mapping.end);
    mm.mappings.push({ ...e.mapping });
    mm.mappings.sort((a, b) => a.start - b.start);
  },
  MemoryUnmapped(state, e) {
    const mm = processOf(state, e.pid).mm;
    mm.mappings = carve(mm.mappings, e.start, e.end);
  },
  BrkSet(state, e) {
    processOf(state, e.pid).mm.brk = e.brk;
  },
};
