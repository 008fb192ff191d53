// Reading a trace file: streamed in chunks (a trace may be larger than memory), every item
// checked against its schema. A file cut short reads up to its last whole record.
import fs from 'node:fs';

import { decodeIter } from 'cbor-x';

import { compileCheck } from './fast_check.js';
import { TRACE_MAGIC, TRACE_VERSION, TraceHeaderSchema, TraceRecordSchema, type TraceHeader, type TraceRecord } from './trace_schema.js';

export class TraceError extends Error {}

const CHUNK = 1 << 20;
/** Passes the records that are valid as they are; zod judges the others (see fast_check.ts). */
const isValidRecord = compileCheck(TraceRecordSchema);

function* fileChunks(path: string): Generator<Uint8Array> {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw new TraceError(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  try {
    for (;;) {
      const buf = Buffer.alloc(CHUNK);
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export interface TraceContents {
  header: TraceHeader;
  records: Generator<TraceRecord>;
}

/**
 * Opens a trace: checks the header at once, then yields its records lazily. warn() is told
 * when the file ends in the middle of a record.
 */
export function openTrace(path: string, warn: (message: string) => void): TraceContents {
  const items = decodeIter(fileChunks(path), { useRecords: false, mapsAsObjects: true }) as Iterator<unknown>;
  const first = next(items, path, warn);
  if (first.done) throw new TraceError(`${path}: empty file, not a tsvisor trace`);
  const header = TraceHeaderSchema.safeParse(first.value);
  if (!header.success) {
    const magic = (first.value as { magic?: unknown } | null)?.magic;
    throw new TraceError(`${path}: not a tsvisor trace${magic === TRACE_MAGIC ? ' (bad header)' : ''}`);
  }
  if (header.data.version > TRACE_VERSION) {
    throw new TraceError(`${path}: trace format version ${header.data.version} is newer than this tsvisor reads (${TRACE_VERSION})`);
  }
  function* records(): Generator<TraceRecord> {
    let index = 1;
    for (;;) {
      const item = next(items, path, warn);
      if (item.done) return;
      if (isValidRecord(item.value)) {
        index++;
        yield item.value as TraceRecord;
        continue;
      }
      const parsed = TraceRecordSchema.safeParse(item.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new TraceError(`${path}: record ${index} is corrupt (${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'})`);
      }
      index++;
      yield parsed.data;
    }
  }
  return { header: header.data, records: records() };
}

function next(items: Iterator<unknown>, path: string, warn: (message: string) => void): IteratorResult<unknown> {
  try {
    return items.next();
  } catch (err) {
    if ((err as { incomplete?: boolean }).incomplete) {
      warn(`${path}: the trace ends in the middle of a record (cut short?); read up to the last whole record`);
      return { done: true, value: undefined };
    }
    throw new TraceError(`${path}: corrupt trace (${(err as Error).message})`);
  }
}
