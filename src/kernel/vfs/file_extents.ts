// Which pages of an overlay file hold data, as on Linux's tmpfs: a page is allocated when it
// is written or fallocated, and freed by truncation below it or a punched hole; the rest of
// the file is holes. st_blocks counts the allocated pages; SEEK_DATA and SEEK_HOLE find the
// written ones (a fallocated page not yet written reads as a hole there, as on tmpfs and
// ext4), so du, cp --sparse and tar --sparse see a sparse file as sparse. Page sets are sorted,
// disjoint page ranges [start, end), flattened. A node without extents (copied up from the
// host, or made by a version that did not track them) has every page below its size written.
import type { OverlayFile } from '../state.js';

const PAGE = 4096;

/** The page ranges of the file, made explicit (every page below the size when it has none). */
function extentsOf(node: OverlayFile): number[] {
  return node.extents ?? (node.size > 0 ? [0, Math.ceil(node.size / PAGE)] : []);
}

/** extents with pages [from, to) added (allocate) or removed (release). */
function withRange(extents: readonly number[], from: number, to: number, allocate: boolean): number[] {
  if (from >= to) return [...extents];
  const out: number[] = [];
  let start = from;
  let end = to;
  let placed = false;
  for (let i = 0; i < extents.length; i += 2) {
    const s = extents[i]!;
    const e = extents[i + 1]!;
    if (e < from || s > to || (!allocate && (e === from || s === to))) {
      // Apart from the range (touching ones merge when allocating).
      if (allocate && !placed && s > to) {
        out.push(start, end);
        placed = true;
      }
      out.push(s, e);
      continue;
    }
    if (allocate) {
      start = Math.min(start, s);
      end = Math.max(end, e);
    } else {
      if (s < from) out.push(s, from);
      if (e > to) out.push(to, e);
    }
  }
  if (allocate && !placed) out.push(start, end);
  return out;
}

/** The pages of a set that lie in [from, to). */
function within(set: readonly number[], from: number, to: number): number[] {
  let out: number[] = [];
  for (let i = 0; i < set.length; i += 2) {
    const s = Math.max(set[i]!, from);
    const e = Math.min(set[i + 1]!, to);
    if (s < e) out = withRange(out, s, e, true);
  }
  return out;
}

/** Pages [from, to) as a set, less those of minus. */
function rangeWithout(from: number, to: number, minus: readonly number[]): number[] {
  let out = [from, to];
  for (let i = 0; i < minus.length; i += 2) out = withRange(out, minus[i]!, minus[i + 1]!, false);
  return out;
}

/** The pages bytes [offset, offset + length) touch are written (call before the size changes). */
export function allocateBytes(node: OverlayFile, offset: number, length: number): void {
  if (length <= 0) return;
  const from = Math.floor(offset / PAGE);
  const to = Math.ceil((offset + length) / PAGE);
  node.extents = withRange(extentsOf(node), from, to, true);
  if (node.unwritten) node.unwritten = withRange(node.unwritten, from, to, false);
}

/** fallocate: the pages of the range not allocated yet become allocated and unwritten. */
export function reserveBytes(node: OverlayFile, offset: number, length: number): void {
  const from = Math.floor(offset / PAGE);
  const to = Math.ceil((offset + length) / PAGE);
  const extents = extentsOf(node);
  const fresh = rangeWithout(from, to, within(extents, from, to));
  let unwritten = node.unwritten ?? [];
  for (let i = 0; i < fresh.length; i += 2) unwritten = withRange(unwritten, fresh[i]!, fresh[i + 1]!, true);
  node.unwritten = unwritten;
  node.extents = withRange(extents, from, to, true);
}

/** The pages wholly inside bytes [offset, offset + length) become holes (a punched hole). */
export function releaseBytes(node: OverlayFile, offset: number, length: number): void {
  const from = Math.ceil(offset / PAGE);
  const to = Math.floor((offset + length) / PAGE);
  node.extents = withRange(extentsOf(node), from, to, false);
  if (node.unwritten) node.unwritten = withRange(node.unwritten, from, to, false);
}

/** Truncation to size frees every page past it; growing adds holes only (call before the size changes). */
export function truncateExtents(node: OverlayFile, size: number): void {
  const from = Math.ceil(size / PAGE);
  node.extents = withRange(extentsOf(node), from, Number.MAX_SAFE_INTEGER, false);
  if (node.unwritten) node.unwritten = withRange(node.unwritten, from, Number.MAX_SAFE_INTEGER, false);
}

/** The written pages: allocated and not only reserved. */
function writtenOf(node: OverlayFile): number[] {
  let extents = extentsOf(node);
  const unwritten = node.unwritten ?? [];
  for (let i = 0; i < unwritten.length; i += 2) extents = withRange(extents, unwritten[i]!, unwritten[i + 1]!, false);
  return extents;
}

/** The number of pages a page set holds. */
function pageCount(set: readonly number[]): number {
  let pages = 0;
  for (let i = 0; i < set.length; i += 2) pages += set[i + 1]! - set[i]!;
  return pages;
}

/** The allocated pages (what a tmpfs counts against its size). */
export function allocatedPages(node: OverlayFile): number {
  return node.extents ? pageCount(node.extents) : Math.ceil(node.size / PAGE);
}

/** st_blocks: 512-byte blocks of the allocated pages. */
export function allocatedBlocks(node: OverlayFile): bigint {
  return BigInt(allocatedPages(node)) * BigInt(PAGE / 512);
}

/** The pages of [from, to) not allocated yet. */
export function unallocatedPages(node: OverlayFile, from: number, to: number): number {
  return to - from - pageCount(within(extentsOf(node), from, to));
}

/**
 * How many of bytes [offset, offset + length) a write can store when only `free` pages may
 * still be allocated: Linux's tmpfs writes page by page and stops at the first page it cannot
 * allocate, so the write ends at that page's start (0: nothing fits).
 */
export function bytesWithinFreePages(node: OverlayFile, offset: number, length: number, free: number): number {
  const end = offset + length;
  const first = Math.floor(offset / PAGE);
  const last = Math.ceil(end / PAGE);
  if (last - first <= free) return length;
  const held = within(extentsOf(node), first, last);
  let budget = free;
  let page = first;
  for (let i = 0; i <= held.length; i += 2) {
    // The gap before the next allocated range (or to the end) takes pages from the budget.
    const gapEnd = i < held.length ? held[i]! : last;
    const gap = gapEnd - page;
    if (gap > budget) return Math.max(0, (page + budget) * PAGE - offset);
    budget -= gap;
    page = i < held.length ? held[i + 1]! : last;
  }
  return length;
}

/** SEEK_DATA: the first offset at or after offset in a written page (below the size), or null. */
export function nextData(node: OverlayFile, offset: number): number | null {
  const extents = writtenOf(node);
  for (let i = 0; i < extents.length; i += 2) {
    const start = extents[i]! * PAGE;
    const end = extents[i + 1]! * PAGE;
    if (end <= offset) continue;
    const at = Math.max(start, offset);
    return at < node.size ? at : null;
  }
  return null;
}

/** SEEK_HOLE: the first offset at or after offset in a hole, or the size (the implicit hole at the end). */
export function nextHole(node: OverlayFile, offset: number): number {
  const extents = writtenOf(node);
  let at = offset;
  for (let i = 0; i < extents.length; i += 2) {
    const start = extents[i]! * PAGE;
    const end = extents[i + 1]! * PAGE;
    if (end <= at) continue;
    if (start > at) break;
    at = end;
  }
  return Math.min(at, node.size);
}
