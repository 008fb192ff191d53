// Reading a trace file: streamed in chunks (a trace may be larger than memory), every item
// checked against its schema. A file cut short reads up to its last whole record.
import { compileCheck } from './fast_check.js';
import { CorruptSequence, readCborSequence } from './cbor_sequence.js';
import { TRACE_MAGIC, TRACE_VERSION, TraceHeaderSchema, TraceRecordSchema, type TraceHeader, type TraceRecord } from './trace_schema.js';

export class TraceError extends Error {}

/** Passes the records that are valid as they are; zod judges the others (see fast_check.ts). */
const isValidRecord = compileCheck(TraceRecordSchema);

export interface TraceContents {
  header: TraceHeader;
  records: Generator<TraceRecord>;
}

/**
 * Opens a trace: checks the header at once, then yields its records lazily. warn() is told
 * when the file ends in the middle of a record, or after a whole one that is not the closing one.
 */
export function openTrace(path: string, warn: (message: string) => void): TraceContents {
  const batches = readCborSequence(path);
  /** The header was read: a cut before it is the one error, not a warning as well. */
  let started = false;
  let cutShort = false;
  /** The next batch of items, or undefined at the end of the file. */
  const nextBatch = (): unknown[] | undefined => {
    let step: IteratorResult<unknown[], boolean>;
    try {
      step = batches.next();
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
    batches.return(false);
    const magic = (first as { magic?: unknown } | null)?.magic;
    throw new TraceError(`${path}: not a tsvisor trace${magic === TRACE_MAGIC ? ' (bad header)' : ''}`);
  }
  if (header.data.version > TRACE_VERSION) {
    batches.return(false);
    throw new TraceError(`${path}: trace format version ${header.data.version} is newer than this tsvisor reads (${TRACE_VERSION})`);
  }
  function* records(items: unknown[] | undefined, at: number): Generator<TraceRecord> {
    try {
      let index = 0;
      /** Whether the last record read is the closing one. */
      let closed = false;
      while (items !== undefined) {
        while (at < items.length) {
          const item = items[at++];
          index++;
          let record: TraceRecord;
          if (isValidRecord(item)) record = item as TraceRecord;
          else {
            const parsed = TraceRecordSchema.safeParse(item);
            if (!parsed.success) {
              const issue = parsed.error.issues[0];
              throw new TraceError(`${path}: record ${index} is corrupt (${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'})`);
            }
            record = parsed.data;
          }
          closed = record.type === 'end';
          yield record;
        }
        items = nextBatch();
        at = 0;
      }
      // Cut between two records (tsvisor killed between two writes): no partial item says so.
      if (!cutShort && !closed) warn(`${path}: the trace ends without its closing record (cut short?); read up to the last whole record`);
    } finally {
      batches.return(false);
    }
  }
  return { header: header.data, records: records(batch, 1) };
}
