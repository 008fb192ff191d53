// Reading a trace file: streamed in chunks (a trace may be larger than memory), every item
// checked against its schema. A file cut short reads up to its last whole record.
import { compileCheck } from './fast_check.js';
import { CorruptSequence, readCborSequence } from './cbor_sequence.js';
import { TRACE_MAGIC, TRACE_VERSION, TraceHeaderSchema, TraceRecordSchema, type TraceHeader, type TraceRecord } from './trace_schema.js';

export class TraceError extends Error {}

/** Passes the records that are valid as they are; zod judges the others (see fast_check.ts). */
const isValidRecord = compileCheck(TraceRecordSchema);

/** The records, one at a time or a batch at a time: a reader takes one of the two (they share the file). */
export interface TraceContents {
  header: TraceHeader;
  records: Generator<TraceRecord>;
  /** The records as read, a batch per chunk of the file, every record of a batch checked before it is given. */
  batches: Generator<TraceRecord[]>;
}

function* eachRecord(batches: Generator<TraceRecord[]>): Generator<TraceRecord> {
  for (const batch of batches) yield* batch;
}

/**
 * Opens a trace: checks the header at once, then yields its records lazily. warn() is told
 * when the file ends in the middle of a record, or after a whole one that is not the closing one.
 */
export function openTrace(path: string, warn: (message: string) => void): TraceContents {
  const sequence = readCborSequence(path);
  /** The header was read: a cut before it is the one error, not a warning as well. */
  let started = false;
  let cutShort = false;
  /** The next batch of items, or undefined at the end of the file. */
  const nextBatch = (): unknown[] | undefined => {
    let step: IteratorResult<unknown[], boolean>;
    try {
      step = sequence.next();
    } catch (err) {
      if (err instanceof CorruptSequence) throw new TraceError(`${path}: corrupt trace (${err.message})`);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === undefined) throw err;
      throw new TraceError(`${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
    }
    if (!step.done) return step.value;
    cutShort = step.value;
    if (cutShort && started) warn(`${path}: the trace ends in the middle of a record (cut short?); read up to the last whole record`);
    return undefined;
  };
  let batch = nextBatch();
  while (batch !== undefined && batch.length === 0) batch = nextBatch();
  if (batch === undefined) throw new TraceError(`${path}: ${cutShort ? 'cut short before the end of its header, not a readable tsvisor trace' : 'empty file, not a tsvisor trace'}`);
  started = true;
  const first = batch[0];
  const header = TraceHeaderSchema.safeParse(first);
  if (!header.success) {
    sequence.return(false);
    const magic = (first as { magic?: unknown } | null)?.magic;
    throw new TraceError(`${path}: not a tsvisor trace${magic === TRACE_MAGIC ? ' (bad header)' : ''}`);
  }
  if (header.data.version > TRACE_VERSION) {
    sequence.return(false);
    throw new TraceError(`${path}: trace format version ${header.data.version} is newer than this tsvisor reads (${TRACE_VERSION})`);
  }
  /** Each batch checked in place (a record zod completes is replaced by zod's copy). */
  function* batches(items: unknown[] | undefined, at: number): Generator<TraceRecord[]> {
    try {
      let index = 0;
      /** Whether the last record read is the closing one. */
      let closed = false;
      while (items !== undefined) {
        if (at > 0) items = items.slice(at);
        at = 0;
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          index++;
          if (!isValidRecord(item)) {
            const parsed = TraceRecordSchema.safeParse(item);
            if (!parsed.success) {
              // The records before it are given first, as when they were given one by one.
              if (i > 0) yield items.slice(0, i) as TraceRecord[];
              const issue = parsed.error.issues[0];
              throw new TraceError(`${path}: record ${index} is corrupt (${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'})`);
            }
            items[i] = parsed.data;
          }
        }
        if (items.length > 0) {
          closed = (items[items.length - 1] as TraceRecord).type === 'end';
          yield items as TraceRecord[];
        }
        items = nextBatch();
      }
      // Cut between two records (tsvisor killed between two writes): no partial item says so.
      if (!cutShort && !closed) warn(`${path}: the trace ends without its closing record (cut short?); read up to the last whole record`);
    } finally {
      sequence.return(false);
    }
  }
  const checked = batches(batch, 1);
  return { header: header.data, batches: checked, records: eachRecord(checked) };
}
