// How a pipe's bytes sit in its pages, as Linux keeps them: one slot per page of capacity (16
// by default). A write first tops up the last page with the part of it that is not a whole
// number of pages, if that fits after the page's bytes, and puts the rest in fresh pages; a
// read frees a page once all its bytes are read, and read bytes leave no room behind them. So
// a pipe is full when every slot holds a page however few bytes each holds (7-byte writes fill
// a 64 KiB pipe with 65520 bytes), poll's POLLOUT means a free slot, and a write of at most a
// page (PIPE_BUF) goes in whole or waits. Packets (O_DIRECT) take a page each and are never
// topped up.
import type { PipePage, PipeState } from '../state.js';

export const PIPE_PAGE = 4096;

function pagesOf(pipe: PipeState): readonly PipePage[] {
  return pipe.pages ?? [];
}

/** Slots without a page. */
export function freeSlots(pipe: PipeState): number {
  return Math.max(0, Math.floor(pipe.capacity / PIPE_PAGE) - pagesOf(pipe).length);
}

/** Pages in use (F_SETPIPE_SZ may not shrink the pipe below them). */
export function usedSlots(pipe: PipeState): number {
  return pagesOf(pipe).length;
}

/** The bytes of an n-byte write that top up the last page (its first attempt only; 0 if they do not fit). */
function topUp(pipe: PipeState, n: number, first: boolean): number {
  const pages = pagesOf(pipe);
  const last = pages[pages.length - 1];
  const part = n % PIPE_PAGE;
  return first && part > 0 && last !== undefined && !last.packet && last.offset + last.len + part <= PIPE_PAGE ? part : 0;
}

/** How many of n bytes a write puts in the pipe now (first: the write's first attempt, which may top up the last page). */
export function pipeTakes(pipe: PipeState, n: number, first: boolean): number {
  const merged = topUp(pipe, n, first);
  return merged + Math.min(n - merged, freeSlots(pipe) * PIPE_PAGE);
}

/** The reducer's side of a write of n bytes that pipeTakes allowed: the last page topped up, fresh pages filled. */
export function pagesWritten(pipe: PipeState, n: number, first: boolean, packet: boolean): void {
  const pages = (pipe.pages ??= []);
  let left = n;
  const merged = packet ? 0 : topUp(pipe, n, first);
  if (merged > 0) {
    pages[pages.length - 1]!.len += merged;
    left -= merged;
  }
  while (left > 0) {
    const len = Math.min(left, PIPE_PAGE);
    pages.push(packet ? { offset: 0, len, packet: true } : { offset: 0, len });
    left -= len;
  }
}

/** The reducer's side of a read of count bytes: pages emptied are freed. */
export function pagesRead(pipe: PipeState, count: number): void {
  const pages = pipe.pages;
  if (!pages) return;
  let left = count;
  while (left > 0 && pages.length > 0) {
    const page = pages[0]!;
    const take = Math.min(left, page.len);
    page.offset += take;
    page.len -= take;
    left -= take;
    if (page.len === 0) pages.shift();
  }
}
