// SO_TIMESTAMP and SO_TIMESTAMPNS (old and new numbers): a receiver that asks for them gets,
// with each message, the CLOCK_REALTIME time it was queued at, as a control message of level
// SOL_SOCKET: a timeval (SCM_TIMESTAMP) or a timespec (SCM_TIMESTAMPNS), 16 bytes either way on
// x86-64. The time is taken when the sender queues the message (what Linux stamps on loopback
// and unix sockets), and only for a receiver that asked, so others' messages carry none; not in
// a recorded or replayed run (see stampFor).
import type { Kernel } from '../kernel.js';
import type { SocketState } from '../state.js';
import { optionOf } from './loopback.js';
import { realtimeNs } from './time.js';

const SOL_SOCKET = 1;
const SO_TIMESTAMP_OLD = 29;
const SO_TIMESTAMPNS_OLD = 35;
const SO_TIMESTAMP_NEW = 63;
const SO_TIMESTAMPNS_NEW = 64;
/** The options, kept as flags (socket_options.ts). */
export const TIMESTAMP_OPTIONS: readonly number[] = [SO_TIMESTAMP_OLD, SO_TIMESTAMPNS_OLD, SO_TIMESTAMP_NEW, SO_TIMESTAMPNS_NEW];

/** The control message a receiver asked for, most precise first: its type, or undefined for none. */
function stampType(s: SocketState): number | undefined {
  for (const name of [SO_TIMESTAMPNS_NEW, SO_TIMESTAMPNS_OLD, SO_TIMESTAMP_NEW, SO_TIMESTAMP_OLD]) {
    if (optionOf(s, SOL_SOCKET, name)) return name;
  }
  return undefined;
}

/**
 * The time to stamp on a message queued for s now, if s wants one. A recorded or replayed run
 * stamps none: its program sees the clock only through calls whose answers the trace holds,
 * and a replay could not give a received message the recorded time.
 */
export function stampFor(kernel: Kernel, s: SocketState): bigint | undefined {
  if (kernel.syscallSource !== undefined) return undefined;
  return stampType(s) === undefined ? undefined : realtimeNs();
}

/** The timestamp control message of a received message, if the receiver asks for one and the message has its time. */
export function timestampControl(s: SocketState, stampNs: bigint | undefined): { level: number; type: number; data: Buffer } | undefined {
  const type = stampType(s);
  if (type === undefined || stampNs === undefined) return undefined;
  const data = Buffer.alloc(16);
  data.writeBigInt64LE(stampNs / 1_000_000_000n, 0);
  const fraction = stampNs % 1_000_000_000n;
  const nanoseconds = type === SO_TIMESTAMPNS_NEW || type === SO_TIMESTAMPNS_OLD;
  data.writeBigInt64LE(nanoseconds ? fraction : fraction / 1000n, 8);
  return { level: SOL_SOCKET, type, data };
}
