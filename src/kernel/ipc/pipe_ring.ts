// Where a pipe's large writes put the bytes tsvisor reads from the writer's memory: one buffer
// per pipe, reused in turn. A new 1 MiB allocation per MiB written (what each write had before)
// meant page faults and cache-cold copies: process_vm_readv into fresh memory cost ~2x the copy
// into a buffer the previous pieces kept warm (dd | md5sum, ~50 ms of CPU per 256 MiB).
import type { PipeState } from '../state.js';

interface Ring {
  readonly bytes: Uint8Array;
  /** Where the next piece goes. */
  tail: number;
}

const rings = new WeakMap<PipeState, Ring>();

/**
 * Where the next n bytes of the pipe go (n <= its free room, capacity - length), not yet taken
 * (ringTaken): a region of the ring no unread byte of the pipe lies in. The ring holds twice
 * the capacity: the unread bytes are at most the capacity less n, all written just before the
 * tail, so a piece that starts over at 0 when the end has no room for it cannot reach them. A
 * pipe whose capacity grew gets a new ring (what the old one holds stays where it is, referred
 * to by the chunks).
 *
 * The pipe's chunks are views of the ring: they must not be kept once read (a splice out of
 * the pipe copies them), and nothing else may hold them past the call that wrote them.
 */
export function ringPiece(pipe: PipeState, n: number): Uint8Array {
  let ring = rings.get(pipe);
  if (!ring || ring.bytes.length < 2 * pipe.capacity) {
    ring = { bytes: new Uint8Array(2 * pipe.capacity), tail: 0 };
    rings.set(pipe, ring);
  }
  const at = ring.tail + n > ring.bytes.length ? 0 : ring.tail;
  return ring.bytes.subarray(at, at + n);
}

/** The piece ringPiece gave is the pipe's now (filled, and about to be written). */
export function ringTaken(pipe: PipeState, piece: Uint8Array): void {
  const ring = rings.get(pipe);
  if (ring && piece.buffer === ring.bytes.buffer) ring.tail = piece.byteOffset - ring.bytes.byteOffset + piece.length;
}
