// A CBOR sequence read from a file in batches: each chunk read is decoded at once by one
// Decoder (decodeMultiple) instead of an iterator step per item, and the items reach the caller
// while they are young (small chunks: a batch is dropped before the next one is decoded, so the
// garbage collector finds it in the young generation). The Decoder keeps the record structures
// (cbor-x's useRecords) from one chunk to the next: a structure is defined once in the file.
// (In the esbuild bundle, cbor-x runs without its native string extractor, cbor-extract: on
// record-structured traces it made no measurable difference, and loading it costs ~10 ms.)
import fs from 'node:fs';

import { Decoder } from 'cbor-x';

import { hostPathArg } from '../byte_string.js';

const CHUNK = 1 << 16;
/** An item still incomplete past this size is taken for a corrupt length (cbor-x's decodeIter's limit). */
const MAX_ITEM = 1 << 26;

/** What cbor-x adds to the errors of decodeMultiple. */
interface DecodeError {
  message: string;
  /** The data ended inside an item. */
  incomplete?: boolean;
  /** Where the item that failed starts. */
  lastPosition?: number;
  /** Where the data must reach at least for that item to be whole, when a length said so. */
  neededEnd?: number;
  /** The items decoded before it. */
  values?: unknown[];
}

/** The data is not CBOR; the items before the bad one have been yielded. */
export class CorruptSequence extends Error {}

/**
 * Yields the file's items in order, a batch at a time. Returns true when the file ends in the
 * middle of an item (cut short), false at a clean end. Opening errors are thrown as they are.
 */
export function* readCborSequence(path: string): Generator<unknown[], boolean> {
  const fd = fs.openSync(hostPathArg(path), 'r');
  const decoder = new Decoder({ mapsAsObjects: true, structures: [] });
  try {
    /** The bytes of an item that the data read so far ends in, and how long that item is at least. */
    let pending: Buffer | undefined;
    let needed = 0;
    for (;;) {
      // An item larger than a chunk (a restored run's header) at least doubles the read each time: linear, not quadratic.
      const size = pending === undefined ? CHUNK : Math.max(CHUNK, pending.length, needed - pending.length);
      // Fresh buffers: decoded byte strings are views into them and outlive the batch. Not
      // zero-filled: only the bytes read (after the pending ones, copied first) are looked at.
      const kept = pending?.length ?? 0;
      const buf = Buffer.allocUnsafeSlow(kept + size);
      if (pending !== undefined) pending.copy(buf);
      const n = fs.readSync(fd, buf, kept, size, null);
      if (n === 0) return pending !== undefined;
      const data = buf.subarray(0, kept + n);
      pending = undefined;
      // Nearly every chunk ends inside an item, and cbor-x says so with an Error: its stack
      // (a capture of the whole call stack, thousands of times in a large trace) is not wanted.
      let items: unknown[] = [];
      let failure: DecodeError | undefined;
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        items = decoder.decodeMultiple(data) as unknown[];
      } catch (err) {
        failure = err as DecodeError;
      } finally {
        Error.stackTraceLimit = stackTraceLimit;
      }
      if (failure !== undefined) {
        if (failure.values !== undefined) yield failure.values;
        if (failure.incomplete !== true) throw new CorruptSequence(failure.message);
        const start = failure.lastPosition ?? 0;
        if (data.length - start > MAX_ITEM) throw new CorruptSequence(`an item longer than ${MAX_ITEM >> 20} MiB`);
        pending = data.subarray(start);
        needed = failure.neededEnd === undefined ? 0 : Math.min(failure.neededEnd - start, MAX_ITEM + 1);
        continue;
      }
      yield items;
    }
  } finally {
    fs.closeSync(fd);
  }
}
