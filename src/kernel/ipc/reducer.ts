// Pipes: creation, the bytes in flight, reads.
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState, PipeState } from '../state.js';
import { freeSlots, pagesRead, pagesWritten } from './pipe_pages.js';

/** Linux's default pipe capacity (16 pages). */
export const PIPE_CAPACITY = 65536;

export function pipeOf(state: KernelState, id: number): PipeState {
  const p = state.pipes.get(id);
  if (!p) throw new Error(`no pipe ${id}`);
  return p;
}

/**
 * The first count bytes of the pipe (the reducer's and the reader's shared view): a view of
 * its first chunk when they lie there (chunks are never changed while the pipe holds them),
 * else a copy. A view is the caller's only until the bytes are read (ipc/pipe_ring.ts).
 */
export function peekPipe(pipe: PipeState, count: number): Uint8Array {
  const first = pipe.chunks[0];
  if (first && first.length - pipe.head >= Math.min(count, pipe.length)) return first.subarray(pipe.head, pipe.head + Math.min(count, pipe.length));
  const out = new Uint8Array(Math.min(count, pipe.length));
  let at = 0;
  let head = pipe.head;
  for (const chunk of pipe.chunks) {
    if (at >= out.length) break;
    const part = chunk.subarray(head, head + (out.length - at));
    out.set(part, at);
    at += part.length;
    head = 0;
  }
  return out;
}

/** Whether a packet (of at most a page) fits: it takes a slot of its own whatever its size. */
export function packetFits(pipe: PipeState): boolean {
  return freeSlots(pipe) > 0;
}

/**
 * What a read of count bytes takes: the bytes before the first packet and as much of that
 * packet as fits, where the read ends (packetEnd: the offset its packet ends at, whose rest a
 * read that reaches it discards).
 */
export function pipeReadSpan(pipe: PipeState, count: number): { take: number; packetEnd?: number } {
  let at = 0;
  for (let i = 0; i < pipe.chunks.length && at < count; i++) {
    const avail = pipe.chunks[i]!.length - (i === 0 ? pipe.head : 0);
    if (pipe.packets?.[i]) return { take: at + Math.min(avail, count - at), packetEnd: at + avail };
    at += Math.min(avail, count - at);
  }
  return { take: at };
}

export const pipeReducers: ReducerTable<'PipeCreated' | 'PipeWritten' | 'PipeRead' | 'PipeCapacitySet'> = {
  PipeCapacitySet(state, e) {
    pipeOf(state, e.pipeId).capacity = e.capacity;
  },
  PipeCreated(state, e) {
    state.nextPipeId = Math.max(state.nextPipeId, e.pipeId + 1);
    state.pipes.set(e.pipeId, { id: e.pipeId, chunks: [], head: 0, length: 0, capacity: PIPE_CAPACITY, readers: 0, writers: 0, ...(e.fifo === undefined ? {} : { fifo: e.fifo }) });
  },
  PipeWritten(state, e) {
    const p = pipeOf(state, e.pipeId);
    // Kept, not copied: a writer's bytes are its own copy of the program's, unchanged while the
    // pipe holds them (syscalls/io.ts writePipe), and a replayed event's are decoded afresh.
    p.chunks.push(e.bytes);
    p.length += e.bytes.length;
    pagesWritten(p, e.bytes.length, e.later !== true, e.packet === true);
    if (e.packet && !p.packets) p.packets = p.chunks.map(() => false);
    p.packets?.splice(p.chunks.length - 1, 1, e.packet === true);
  },
  PipeRead(state, e) {
    const p = pipeOf(state, e.pipeId);
    let left = Math.min(e.count + (e.discard ?? 0), p.length);
    p.length -= left;
    pagesRead(p, left);
    while (left > 0) {
      const first = p.chunks[0]!;
      const avail = first.length - p.head;
      if (left < avail) {
        p.head += left;
        left = 0;
      } else {
        left -= avail;
        p.chunks.shift();
        p.packets?.shift();
        p.head = 0;
      }
    }
  },
};
