// The domain events: every change to kernel state is one of these, applied by a reducer.
// Each carries every value that came from outside (host reads, clocks), so applying it is
// deterministic; the zod schemas check events read back from a trace.
import { z } from 'zod';

const int = z.number().int();
const addr = z.number().int().nonnegative();

export const CredentialsSchema = z.object({
  uid: int, euid: int, suid: int, gid: int, egid: int, sgid: int, groups: z.array(int),
});

export const MappingSchema = z.object({
  start: addr,
  end: addr,
  prot: int,
  flags: int,
  path: z.string().optional(),
  offset: z.number().int().nonnegative().optional(),
});

export const SigActionSchema = z.object({ handler: addr, flags: int, restorer: addr, mask: z.number() });

/** RLIM_INFINITY is stored as -1 (the value of ~0UL read as a signed 64-bit register). */
const rlimit = z.tuple([int, z.number(), z.number()]);

export const KernelEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ProcessStarted'),
    pid: int, tid: int, hostTid: int, ppid: int,
    exe: z.string(), argv: z.array(z.string()), cwd: z.string(), umask: int,
    creds: CredentialsSchema, rlimits: z.array(rlimit),
  }),
  z.object({
    type: z.literal('ExecCompleted'),
    pid: int, exe: z.string(), argv: z.array(z.string()), comm: z.string(),
    brkStart: addr, mappings: z.array(MappingSchema),
  }),
  z.object({ type: z.literal('ThreadCreated'), tid: int, pid: int, hostTid: int }),
  z.object({ type: z.literal('ProcessForked'), pid: int, ppid: int, hostTid: int }),
  z.object({ type: z.literal('ProcessReaped'), pid: int }),
  z.object({ type: z.literal('ProcessGroupSet'), pid: int, pgid: int }),
  z.object({ type: z.literal('SessionCreated'), pid: int }),
  z.object({ type: z.literal('ThreadExited'), tid: int }),
  z.object({ type: z.literal('ProcessExited'), pid: int, waitStatus: int }),
  z.object({
    type: z.literal('FileOpened'),
    fileId: int, kind: z.enum(['stdio', 'host', 'dir', 'dev', 'pipe']), path: z.string(), flags: int,
    hostFd: int.optional(), pipeId: int.optional(),
  }),
  z.object({ type: z.literal('FdInstalled'), pid: int, fd: int, fileId: int, cloexec: z.boolean() }),
  z.object({ type: z.literal('FdClosed'), pid: int, fd: int }),
  z.object({ type: z.literal('FdFlagsSet'), pid: int, fd: int, cloexec: z.boolean() }),
  z.object({ type: z.literal('FileOffsetSet'), fileId: int, offset: z.number().int().nonnegative() }),
  z.object({ type: z.literal('FileStatusFlagsSet'), fileId: int, flags: int }),
  z.object({ type: z.literal('MemoryMapped'), pid: int, mapping: MappingSchema }),
  z.object({ type: z.literal('MemoryUnmapped'), pid: int, start: addr, end: addr }),
  z.object({ type: z.literal('BrkSet'), pid: int, brk: addr }),
  z.object({ type: z.literal('SignalActionSet'), pid: int, signal: int, action: SigActionSchema }),
  z.object({ type: z.literal('ClearChildTidSet'), tid: int, addr: addr }),
  z.object({ type: z.literal('CwdChanged'), pid: int, cwd: z.string() }),
  z.object({ type: z.literal('UmaskSet'), pid: int, umask: int }),
  z.object({ type: z.literal('RlimitSet'), pid: int, resource: int, soft: z.number(), hard: z.number() }),
  z.object({ type: z.literal('CommSet'), pid: int, comm: z.string() }),
  z.object({ type: z.literal('SyscallUnsupported'), name: z.string() }),
  z.object({ type: z.literal('PipeCreated'), pipeId: int }),
  z.object({ type: z.literal('PipeWritten'), pipeId: int, bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array) }),
  z.object({ type: z.literal('PipeRead'), pipeId: int, count: z.number().int().positive() }),
]);

export type KernelEvent = z.infer<typeof KernelEventSchema>;
export type KernelEventType = KernelEvent['type'];
export type EventOf<T extends KernelEventType> = Extract<KernelEvent, { type: T }>;
