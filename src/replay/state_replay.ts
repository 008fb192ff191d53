// State replay: the recorded domain events, applied in order through the kernel's own
// reducers, rebuild the kernel state at any point of a run. No program runs.
import { applyEvent } from '../kernel/reducer.js';
import { emptyKernelState, type KernelState } from '../kernel/state.js';
import { decodeKernelState } from '../snapshot/kernel_state_codec.js';
import { stateDigest } from '../trace/state_digest.js';
import { TraceError, type TraceContents } from '../trace/trace_reader.js';
import type { EndRecord, SyscallRecord } from '../trace/trace_schema.js';
import type { History } from './explain.js';

export interface ReplayResult {
  state: KernelState;
  events: number;
  syscalls: number;
  /** The last syscall applied (up to --to). */
  last?: SyscallRecord;
  /** The closing record, when the trace has one and replay ran to the end. */
  end?: { waitStatus: number; digest: string };
  /** Whether the rebuilt state's digest equals the recorded one (only with end). */
  verified?: boolean;
  /**
   * Time spent applying the records (reading and checking the file and the closing digest
   * excluded), in ns: the reducers, the loop over each batch, and onSyscall and history when given.
   */
  reduceNs: number;
}

/**
 * Applies the events of every syscall up to and including seq `to` (all when undefined).
 * Events belong to the syscall with the same seq; those of a later one are not applied.
 */
export function replayState(
  trace: TraceContents,
  to?: number,
  onSyscall?: (r: SyscallRecord, state: KernelState) => void,
  history?: History,
): ReplayResult {
  const state = trace.header.initialState === undefined ? emptyKernelState() : decodeKernelState(trace.header.initialState);
  const result: ReplayResult = { state, events: 0, syscalls: 0, reduceNs: 0 };
  let end: EndRecord | undefined;
  let done = false;
  for (const batch of trace.batches) {
    // The clock read once a batch, not once an event (performance.now costs about what a reducer does).
    const t = performance.now();
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i]!;
      if (to !== undefined && record.seq > to) {
        done = true;
        break;
      }
      switch (record.type) {
        case 'event': {
          history?.observe(record.seq, record.event, state);
          try {
            applyEvent(state, record.event);
          } catch (err) {
            // Each record passed its schema, but the events do not add up (a damaged trace).
            throw new TraceError(`seq ${record.seq}: its ${record.event.type} event does not fit the state rebuilt so far (${(err as Error).message}): the trace is damaged`);
          }
          result.events++;
          break;
        }
        case 'syscall':
          result.syscalls++;
          result.last = record;
          onSyscall?.(record, state);
          break;
        case 'end':
          end = record;
          break;
      }
    }
    result.reduceNs += (performance.now() - t) * 1e6;
    if (done) break;
  }
  if (end !== undefined) {
    result.end = { waitStatus: end.waitStatus, digest: end.digest };
    result.verified = stateDigest(state) === end.digest;
  }
  return result;
}
