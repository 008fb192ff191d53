// The trace file (DESIGN.md, "File formats"): a CBOR sequence of a header, then a record per
// syscall and per domain event, in the order they happened, then a closing record.
import * as z from 'zod';

import { KernelEventSchema } from '../kernel/events.js';
import { TmpfsDescriptionSchema } from '../kernel/vfs/tmpfs_description.js';
import { TRACE_MAGIC } from './trace_version.js';

export { TRACE_MAGIC, TRACE_VERSION } from './trace_version.js';

const int = z.number().int();
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes');

export const TraceHeaderSchema = z.object({
  type: z.literal('header'),
  magic: z.literal(TRACE_MAGIC),
  version: int,
  tsvisor: z.string(),
  argv: z.array(z.string()),
  /** The sandbox's root directory on the host (absent in early traces: "/"). */
  rootfs: z.string().optional(),
  /** --mount binds (absent in early traces: none). */
  mounts: z.array(z.object({ host: z.string(), sandbox: z.string(), rw: z.boolean(), ro: z.boolean().optional() })).optional(),
  /** The kernel's tmpfs mounts, /dev/shm's and --tmpfs's (absent in early traces: /dev/shm's; bare paths: the default options). */
  tmpfs: z.array(TmpfsDescriptionSchema).optional(),
  platform: z.string(),
  host: z.object({ kernel: z.string(), arch: z.string() }),
  startedAt: z.string(),
  /** Version 3: a restored sandbox's trace starts from the restored kernel state (CBOR, see snapshot/kernel_state_codec.ts). */
  initialState: bytes.optional(),
});

const MemoryRegionSchema = z.object({ addr: z.number(), bytes });

export const SyscallRecordSchema = z.object({
  type: z.literal('syscall'),
  /** The kernel's seq when the call completed: that of the last syscall begun by then. */
  seq: int,
  /**
   * The call's own seq, given when it was trapped: syscalls are numbered in the order they
   * began, a call restarted after a signal handler keeps its number (format 6 on).
   */
  trap: int.optional(),
  /** Nanoseconds since the run started, when the syscall completed... */
  time: z.number(),
  /** ...and when it was trapped (absent in early traces). */
  start: z.number().optional(),
  pid: int,
  tid: int,
  nr: int,
  args: z.array(z.number()),
  result: z.union([z.number(), z.literal('noreturn')]),
  /** Formats 1-5: the call as strace would print it, decoded while the program's memory was at hand. */
  text: z.string().optional(),
  /**
   * Format 6 on: the memory that text is made from (syscall_text.ts), beyond `writes`: the
   * strings and structures the call reads, read raw while the thread was stopped.
   */
  reads: z.array(MemoryRegionSchema).optional(),
  /** What the kernel wrote into the program's memory for this syscall. */
  writes: z.array(MemoryRegionSchema),
});

export const EventRecordSchema = z.object({ type: z.literal('event'), seq: int, event: KernelEventSchema });

/**
 * A value from outside that reached the program without a syscall, which replay --exec gives the
 * program again: the AT_RANDOM bytes of a new image (thread tid's), or the counter the kernel
 * answered an rdtsc/rdtscp of thread tid with (format 5 on; 8 bytes, little-endian).
 */
export const InputRecordSchema = z.object({ type: z.literal('input'), seq: int, tid: int, kind: z.enum(['at_random', 'rdtsc']), bytes });

/**
 * Format 7 on: signal sig took effect in thread tid (its handler ran, or its default action was
 * taken) at: 'call', before the thread's next call (made again after the handler; seq: the
 * calls begun then); 'return', as it went back to its code from call `trap`; 'anywhere', where
 * it was, for it made no syscall within the bounded wait (not reproducible).
 */
export const SignalRecordSchema = z.object({
  type: z.literal('signal'),
  seq: int,
  tid: int,
  sig: int,
  at: z.enum(['call', 'return', 'anywhere']),
  trap: int.optional(),
});

export const EndRecordSchema = z.object({
  type: z.literal('end'),
  seq: int,
  /** pid 1's wait status. */
  waitStatus: int,
  /** sha256 of the final kernel state, CBOR-encoded (see state_digest.ts). */
  digest: z.string(),
});

export const TraceRecordSchema = z.discriminatedUnion('type', [SyscallRecordSchema, EventRecordSchema, InputRecordSchema, SignalRecordSchema, EndRecordSchema]);

export type TraceHeader = z.infer<typeof TraceHeaderSchema>;
export type SyscallRecord = z.infer<typeof SyscallRecordSchema>;
export type EventRecord = z.infer<typeof EventRecordSchema>;
export type InputRecord = z.infer<typeof InputRecordSchema>;
export type SignalRecord = z.infer<typeof SignalRecordSchema>;
export type EndRecord = z.infer<typeof EndRecordSchema>;
export type TraceRecord = z.infer<typeof TraceRecordSchema>;
