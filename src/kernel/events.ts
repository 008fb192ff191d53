// The domain events: every change to kernel state is one of these, applied by a reducer.
// Each carries every value that came from outside (host reads, clocks), so applying it is
// deterministic; the zod schemas check events read back from a trace.
import * as z from 'zod';

const int = z.number().int();
const addr = z.number().int().nonnegative();

const capMask = z.number().int().nonnegative();

export const CredentialsSchema = z.object({
  uid: int, euid: int, suid: int, gid: int, egid: int, sgid: int, groups: z.array(int),
  caps: z.object({
    permitted: capMask, effective: capMask, inheritable: capMask, bounding: capMask, ambient: capMask, securebits: int,
  }).optional(),
});

export const MappingSchema = z.object({
  start: addr,
  end: addr,
  prot: int,
  flags: int,
  path: z.string().optional(),
  offset: z.number().int().nonnegative().optional(),
  dev: z.bigint().nonnegative().optional(),
  ino: z.bigint().nonnegative().optional(),
  hostMapped: z.boolean().optional(),
  special: z.enum(['[vvar]', '[vdso]']).optional(),
});

export const SigActionSchema = z.object({ handler: addr, flags: int, restorer: addr, mask: z.number() });

const SocketCredsSchema = z.object({ pid: int, uid: int, gid: int });

const EpollInterestSchema = z.object({
  fd: int, fileId: int, events: int, data: z.string(), lastReported: int, lastGeneration: int, disabled: z.boolean(),
});

const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array);
const ns = z.bigint();
const nodeKind = z.enum(['file', 'dir', 'symlink', 'fifo', 'socket']);

/** Attributes of a node entering the overlay's upper layer. */
const overlayAttrs = {
  nodeId: int, kind: nodeKind, mode: int, uid: int, gid: int, dev: z.bigint(), ino: z.bigint(),
};

const TermiosSchema = z.object({
  iflag: int, oflag: int, cflag: int, lflag: int, line: int, cc: z.array(int), ispeed: int, ospeed: int,
});

const UsageSchema = z.object({ utimeUs: z.number().nonnegative(), stimeUs: z.number().nonnegative(), maxRssKb: z.number().nonnegative() });
const WinsizeSchema = z.object({ rows: int, cols: int, xpixel: int, ypixel: int });

const sysvKind = z.enum(['shm', 'sem', 'msg']);

const InodeRefSchema = z.object({ dev: z.bigint(), ino: z.bigint() });
const WatchedOpenSchema = z.object({ self: InodeRefSchema, parent: InodeRefSchema.nullable(), name: z.string(), dir: z.boolean() });

/** RLIM_INFINITY is stored as -1 (the value of ~0UL read as a signed 64-bit register). */
const rlimit = z.tuple([int, z.number(), z.number()]);

export const KernelEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ProcessStarted'),
    pid: int, tid: int, hostTid: int, ppid: int,
    exe: z.string(), argv: z.array(z.string()), cwd: z.string(), umask: int,
    creds: CredentialsSchema, rlimits: z.array(rlimit),
    /** When it was made (CLOCK_REALTIME, ms): /proc/PID/stat's start time. */
    startMs: z.number().optional(),
  }),
  z.object({
    type: z.literal('ExecCompleted'),
    pid: int, exe: z.string(), argv: z.array(z.string()), envp: z.array(z.string()).default([]), comm: z.string(),
    brkStart: addr, mappings: z.array(MappingSchema),
    /** The auxiliary vector's type/value pairs (absent in traces from before it was recorded). */
    auxv: z.array(z.number()).optional(),
    /** The new identity, when the exec changed it (set-ID, or the saved ids reset to the effective ones). */
    creds: CredentialsSchema.optional(),
  }),
  /** comm: the new task's name when its creator's is not the process's (a named thread cloned or forked). */
  z.object({ type: z.literal('ThreadCreated'), tid: int, pid: int, hostTid: int, comm: z.string().optional() }),
  /**
   * ppid: the process it copies; parent: its parent when not that one (CLONE_PARENT: the
   * caller's parent). exitSignal: clone's, when it is not SIGCHLD (0: none).
   */
  z.object({ type: z.literal('ProcessForked'), pid: int, ppid: int, hostTid: int, comm: z.string().optional(), startMs: z.number().optional(), exitSignal: int.optional(), parent: int.optional() }),
  /** A lock taken, changed or (lockType F_UNLCK) released on a range of an inode. */
  z.object({
    type: z.literal('LockSet'), inode: z.string(), kind: z.enum(['flock', 'posix', 'ofd']), owner: z.string(),
    lockType: int, start: z.number(), end: z.number(),
    /** A flock lock's taker, as /proc/locks shows it. */
    pid: int.optional(),
  }),
  /** Every lock of an owner on an inode (a close by a process holding POSIX locks there). */
  z.object({ type: z.literal('LocksReleased'), owner: z.string(), inode: z.string() }),
  z.object({ type: z.literal('SchedulingSet'), pid: int, scheduling: z.object({ nice: int, policy: int, priority: int, affinity: z.array(int).optional(), ioPriority: int.optional() }) }),
  z.object({ type: z.literal('PersonalitySet'), pid: int, persona: int }),
  z.object({ type: z.literal('SeccompFiltered'), pid: int }),
  z.object({ type: z.literal('NoNewPrivsSet'), pid: int }),
  z.object({ type: z.literal('ParentDeathSignalSet'), tid: int, signal: int }),
  z.object({ type: z.literal('ChildSubreaperSet'), pid: int, subreaper: z.boolean() }),
  z.object({ type: z.literal('DumpableSet'), pid: int, dumpable: int }),
  z.object({ type: z.literal('OomScoreAdjSet'), pid: int, value: int, min: int.optional() }),
  z.object({ type: z.literal('CoredumpFilterSet'), pid: int, value: int }),
  /** ptrace: a thread attached (tracer: the tracing thread) or detached (tracer 0). */
  z.object({ type: z.literal('TracerSet'), tid: int, tracer: int }),
  /** A restored sandbox: the thread now runs on a new host stub thread. */
  z.object({ type: z.literal('ThreadRehosted'), tid: int, hostTid: int }),
  /** waited: by its parent's wait, which then counts what it used among its children's. */
  z.object({ type: z.literal('ProcessReaped'), pid: int, waited: z.optional(z.literal(true)) }),
  z.object({ type: z.literal('ProcessStopped'), pid: int, signal: int }),
  z.object({ type: z.literal('ProcessContinued'), pid: int }),
  z.object({ type: z.literal('WaitReportTaken'), pid: int }),
  z.object({ type: z.literal('ProcessGroupSet'), pid: int, pgid: int }),
  z.object({ type: z.literal('SessionCreated'), pid: int }),
  z.object({ type: z.literal('ThreadExited'), tid: int }),
  /** usage: what the host's wait4 reported the process used (absent when it could not tell). */
  z.object({ type: z.literal('ProcessExited'), pid: int, waitStatus: int, usage: z.optional(UsageSchema) }),
  z.object({
    type: z.literal('FileOpened'),
    fileId: int,
    kind: z.enum(['stdio', 'host', 'mem', 'dir', 'dev', 'pipe', 'epoll', 'eventfd', 'timerfd', 'socket', 'synthetic', 'pty-master', 'pty-slave', 'signalfd', 'inotify', 'pidfd', 'mqueue']),
    path: z.string(), flags: int,
    hostFd: int.optional(), pipeId: int.optional(), objectId: int.optional(), nodeId: int.optional(),
  }),
  /** The open file's close will be reported to inotify watches (opened while inotify instances exist). */
  z.object({ type: z.literal('OpenFileWatched'), fileId: int, watched: WatchedOpenSchema }),
  z.object({ type: z.literal('FdInstalled'), pid: int, fd: int, fileId: int, cloexec: z.boolean() }),
  z.object({ type: z.literal('FdClosed'), pid: int, fd: int }),
  z.object({ type: z.literal('FdFlagsSet'), pid: int, fd: int, cloexec: z.boolean() }),
  z.object({ type: z.literal('FileOffsetSet'), fileId: int, offset: z.number().int().nonnegative() }),
  /** fd: the fd F_SETFL was called on (when O_ASYNC is set, SIGIO's si_fd). */
  z.object({ type: z.literal('FileStatusFlagsSet'), fileId: int, flags: int, fd: int.optional() }),
  /** F_SETOWN/F_SETOWN_EX (ownerId 0: no owner). */
  z.object({ type: z.literal('FileOwnerSet'), fileId: int, ownerType: int, ownerId: int }),
  z.object({ type: z.literal('FileOwnerSignalSet'), fileId: int, signal: int }),
  /** F_NOTIFY: a mark set (its bits added to the fd's mark), or removed (mask 0). */
  z.object({ type: z.literal('DnotifySet'), fileId: int, pid: int, fd: int, dir: InodeRefSchema, mask: int }),
  z.object({ type: z.literal('MemoryMapped'), pid: int, mapping: MappingSchema }),
  z.object({ type: z.literal('MemoryUnmapped'), pid: int, start: addr, end: addr }),
  z.object({ type: z.literal('BrkSet'), pid: int, brk: addr }),
  z.object({ type: z.literal('SignalActionSet'), pid: int, signal: int, action: SigActionSchema }),
  z.object({ type: z.literal('ClearChildTidSet'), tid: int, addr: addr }),
  z.object({ type: z.literal('CwdChanged'), pid: int, cwd: z.string() }),
  /** chroot(2): the process's root directory, a symlink-free sandbox path. */
  z.object({ type: z.literal('RootChanged'), pid: int, root: z.string() }),
  z.object({ type: z.literal('UmaskSet'), pid: int, umask: int }),
  z.object({ type: z.literal('RlimitSet'), pid: int, resource: int, soft: z.number(), hard: z.number() }),
  /** A task's name (PR_SET_NAME, /proc/PID/task/TID/comm): the process's when tid is its leader or absent. */
  z.object({ type: z.literal('CommSet'), pid: int, tid: int.optional(), comm: z.string() }),
  z.object({ type: z.literal('SyscallUnsupported'), name: z.string() }),
  z.object({ type: z.literal('HostnameSet'), hostname: z.string() }),
  z.object({ type: z.literal('DomainnameSet'), domainname: z.string() }),
  z.object({ type: z.literal('CredentialsSet'), pid: int, creds: CredentialsSchema }),
  /** fifo: the pipe of the host FIFO with this identity ("dev:ino"), which opens of it find. */
  z.object({ type: z.literal('PipeCreated'), pipeId: int, fifo: z.string().optional() }),
  /** packet: written in packet mode (an O_DIRECT writer): a read takes at most this chunk. */
  /** later: not the write's first attempt (it went on after waiting), which alone may top up the last page. */
  z.object({ type: z.literal('PipeWritten'), pipeId: int, bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array), packet: z.boolean().optional(), later: z.literal(true).optional() }),
  /** discard: what the read left of the packet it ended in, dropped. */
  z.object({ type: z.literal('PipeRead'), pipeId: int, count: z.number().int().positive(), discard: z.number().int().positive().optional() }),
  z.object({ type: z.literal('PipeCapacitySet'), pipeId: int, capacity: int }),
  // The overlay (vfs/overlay_reducer.ts). parent 0 with name '' is the upper root itself.
  z.object({
    // A lower entry enters the upper layer with everything the host says of it.
    type: z.literal('OverlayCopiedUp'), parent: int, name: z.string(), ...overlayAttrs,
    atimeNs: ns, mtimeNs: ns, ctimeNs: ns,
    data: bytes.optional(), target: z.string().optional(), lower: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('OverlayNodeCreated'), parent: int, name: z.string(), ...overlayAttrs,
    timeNs: ns, target: z.string().optional(),
    // With parent 0: the root directory of the kernel's tmpfs mounted there (/dev/shm).
    mount: z.string().optional(),
  }),
  z.object({ type: z.literal('OpenFileCopiedUp'), fileId: int, nodeId: int }),
  /** A file with no name (memfd_create): it lives while an open file holds it. */
  z.object({
    type: z.literal('AnonymousFileCreated'), nodeId: int, mode: int, uid: int, gid: int, dev: z.bigint(), ino: z.bigint(),
    timeNs: ns, seals: int,
  }),
  z.object({ type: z.literal('FileSealsSet'), nodeId: int, seals: int }),
  // An open file no fd ever got (an open of a FIFO that was interrupted while it waited).
  z.object({ type: z.literal('FileDropped'), fileId: int }),
  z.object({ type: z.literal('OverlayFifoBound'), nodeId: int, pipeId: int }),
  z.object({ type: z.literal('OverlayWritten'), nodeId: int, offset: z.number().int().nonnegative(), bytes, timeNs: ns }),
  z.object({ type: z.literal('OverlayTruncated'), nodeId: int, size: z.number().int().nonnegative(), timeNs: ns }),
  /**
   * fallocate: the pages of the range allocated, or (punch) the range zeroed and the pages
   * wholly inside it made holes, at timeNs (the file's mtime and ctime; absent in older traces,
   * whose punch came with a write of zeros).
   */
  z.object({ type: z.literal('OverlayAllocated'), nodeId: int, offset: z.number().int().nonnegative(), length: z.number().int().positive(), punch: z.boolean(), timeNs: ns.optional() }),
  z.object({
    type: z.literal('OverlayAttrsSet'), nodeId: int,
    mode: int.optional(), uid: int.optional(), gid: int.optional(),
    atimeNs: ns.optional(), mtimeNs: ns.optional(), ctimeNs: ns,
  }),
  /** An extended attribute set (value) or removed (null). */
  z.object({ type: z.literal('OverlayXattrSet'), nodeId: int, name: z.string(), value: bytes.nullable(), timeNs: ns }),
  /** The inode flags (chattr) set, at ctimeNs. */
  z.object({ type: z.literal('OverlayFlagsSet'), nodeId: int, flags: int, ctimeNs: ns }),
  z.object({ type: z.literal('OverlayLinked'), nodeId: int, parent: int, name: z.string(), timeNs: ns }),
  // whiteout: a lower entry of that name exists and must stay hidden.
  z.object({ type: z.literal('OverlayRemoved'), parent: int, name: z.string(), whiteout: z.boolean(), timeNs: ns }),
  z.object({
    type: z.literal('OverlayRenamed'),
    fromParent: int, fromName: z.string(), toParent: int, toName: z.string(),
    whiteout: z.boolean(), exchange: z.boolean(), timeNs: ns,
  }),
  z.object({ type: z.literal('EpollCreated'), id: int }),
  z.object({ type: z.literal('EpollInterestSet'), id: int, interest: EpollInterestSchema }),
  z.object({ type: z.literal('EpollInterestRemoved'), id: int, fileId: int, fd: int }),
  /** requeue: it was reported, and goes behind the set's other interests (Linux re-queues a reported item at the ready list's tail). */
  z.object({ type: z.literal('EpollReported'), id: int, fileId: int, fd: int, mask: int, generation: int, disable: z.boolean(), requeue: z.literal(true).optional() }),
  z.object({ type: z.literal('EventfdCreated'), id: int, counter: z.bigint(), semaphore: z.boolean() }),
  z.object({ type: z.literal('EventfdCounterSet'), id: int, counter: z.bigint() }),
  z.object({ type: z.literal('TimerfdCreated'), id: int, clock: int }),
  z.object({ type: z.literal('SocketCreated'), id: int, socketType: int, creds: SocketCredsSchema, family: int.optional(), protocol: int.optional() }),
  /** key: how connect finds it (the abstract name, or "node:ID" of its socket file). */
  /** requested: what bind() asked for (an inet socket's; absent when the kernel chose the name). */
  z.object({ type: z.literal('SocketBound'), id: int, address: z.string(), key: z.string(), requested: z.string().optional() }),
  z.object({ type: z.literal('SocketListening'), id: int, limit: int.optional() }),
  z.object({ type: z.literal('SocketsConnected'), a: int, b: int }),
  z.object({ type: z.literal('SocketDatagramPeerSet'), id: int, address: z.string() }),
  /** connect(AF_UNSPEC) of a datagram socket: no peer; its name becomes `local` ('unbound': none; absent: kept). */
  z.object({ type: z.literal('SocketDisconnected'), id: int, local: z.union([z.object({ address: z.string(), key: z.string() }), z.literal('unbound')]).optional() }),
  z.object({ type: z.literal('SocketConnectionQueued'), listener: int, id: int }),
  z.object({ type: z.literal('SocketConnectionAccepted'), listener: int, id: int }),
  z.object({
    type: z.literal('SocketMessageQueued'),
    id: int,
    bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
    fileIds: z.array(int),
    creds: SocketCredsSchema,
    from: z.string().optional(),
    header: z.object({ to: z.string(), hopLimit: int, tos: int }).optional(),
    /** When it was queued, for a receiver that asked for timestamps. */
    stampNs: z.bigint().optional(),
    /** TCP: the last of these bytes is urgent (MSG_OOB). */
    urgent: z.boolean().optional(),
  }),
  z.object({ type: z.literal('SocketMessageTaken'), id: int, count: z.number().int().nonnegative(), wholeMessage: z.boolean() }),
  z.object({ type: z.literal('SocketUrgentTaken'), id: int }),
  z.object({ type: z.literal('SocketShutdown'), id: int, read: z.boolean(), write: z.boolean() }),
  z.object({ type: z.literal('SocketPasscredSet'), id: int, on: z.boolean() }),
  z.object({ type: z.literal('SocketOptionSet'), id: int, level: int, name: int, value: int }),
  /** A non-blocking connect's outcome to report later; without result: reported. */
  z.object({ type: z.literal('SocketConnectResult'), id: int, result: int.optional() }),
  z.object({ type: z.literal('SocketOverrun'), id: int, overrun: z.boolean() }),
  /** The TCP peer answered with a reset: both directions shut, `error` pending. */
  z.object({ type: z.literal('SocketReset'), id: int, error: int }),
  /** An error to report (a connected UDP socket's port unreachable: ECONNREFUSED), the socket left open. */
  z.object({ type: z.literal('SocketErrorSet'), id: int, error: int }),
  /** The pending error was reported (SO_ERROR, send or receive). */
  z.object({ type: z.literal('SocketErrorReported'), id: int }),
  z.object({ type: z.literal('TimerfdSet'), id: int, intervalNs: z.bigint(), deadlineNs: z.bigint().nullable() }),
  z.object({ type: z.literal('SignalfdCreated'), id: int, mask: z.bigint() }),
  z.object({ type: z.literal('SignalfdMaskSet'), id: int, mask: z.bigint() }),
  // inotify (vfs/inotify_reducer.ts).
  z.object({ type: z.literal('InotifyCreated'), id: int }),
  z.object({ type: z.literal('InotifyWatchSet'), id: int, wd: int, dev: z.bigint(), ino: z.bigint(), mask: int }),
  /** inotify_rm_watch: the watch goes, with an IN_IGNORED record. */
  z.object({ type: z.literal('InotifyWatchRemoved'), id: int, wd: int }),
  z.object({ type: z.literal('InotifyRead'), id: int, count: z.number().int().positive() }),
  /**
   * Something happened to an inode (self) and to the entry name of directory parent: every
   * watch on either queues a record (IN_* mask, with IN_ISDIR for a directory).
   */
  z.object({
    type: z.literal('FsNotified'), mask: int, cookie: int,
    self: InodeRefSchema.nullable(), parent: InodeRefSchema.nullable(), name: z.string(),
  }),
  // Pseudo-terminals (tty/pty_reducer.ts): input and output go through the line discipline there.
  z.object({ type: z.literal('PtyCreated'), index: int, uid: int, gid: int, console: z.boolean().optional() }),
  z.object({ type: z.literal('PtyLockSet'), index: int, locked: z.boolean() }),
  z.object({ type: z.literal('PtyInput'), index: int, bytes }),
  z.object({ type: z.literal('PtyOutput'), index: int, bytes }),
  z.object({ type: z.literal('PtyRead'), index: int, side: z.enum(['master', 'slave']), count: z.number().int().nonnegative() }),
  z.object({ type: z.literal('PtyTermiosSet'), index: int, termios: TermiosSchema }),
  z.object({ type: z.literal('PtyFlushed'), index: int, input: z.boolean(), output: z.boolean() }),
  z.object({ type: z.literal('PtyWinsizeSet'), index: int, winsize: WinsizeSchema }),
  z.object({ type: z.literal('PtyFlowSet'), index: int, stopped: z.boolean() }),
  /** The session it controls and its foreground group (TIOCSCTTY, TIOCSPGRP, TIOCNOTTY, hang-up). */
  z.object({ type: z.literal('PtyControlSet'), index: int, session: int, pgrp: int }),
  /** tcsetpgrp on tsvisor's own terminal: its new foreground process group. */
  z.object({ type: z.literal('ConsoleForegroundSet'), pgrp: int }),
  // POSIX message queues (ipc/mqueue_reducer.ts).
  z.object({ type: z.literal('MqCreated'), id: int, name: z.string(), mode: int, uid: int, gid: int, maxmsg: int, msgsize: int }),
  z.object({ type: z.literal('MqUnlinked'), id: int }),
  z.object({ type: z.literal('MqSent'), id: int, prio: int, bytes }),
  /** The first message (the highest priority's oldest) is taken. */
  z.object({ type: z.literal('MqReceived'), id: int }),
  z.object({ type: z.literal('MqNotifySet'), id: int, notify: z.object({ pid: int, how: int, signo: int, value: z.bigint() }).nullable() }),
  // System V IPC (ipc/sysv_reducer.ts). Times are seconds of CLOCK_REALTIME.
  /** shmget/semget/msgget made an object; size is a segment's bytes, a set's semaphores, a queue's qbytes. */
  z.object({
    type: z.literal('SysvCreated'), kind: sysvKind, id: int, key: int, mode: int, uid: int, gid: int, pid: int,
    size: z.number().int().nonnegative(), time: int,
  }),
  /** IPC_SET (owner, permission bits, a queue's msg_qbytes) and SHM_LOCK/SHM_UNLOCK: the whole new mode. */
  z.object({ type: z.literal('SysvPermSet'), kind: sysvKind, id: int, uid: int, gid: int, mode: int, qbytes: int.optional(), time: int }),
  /** IPC_RMID: gone at once, or for an attached segment once its last process detaches. */
  z.object({ type: z.literal('SysvRemoved'), kind: sysvKind, id: int }),
  // Linux AIO (mm/aio_reducer.ts): contexts of a process's address space, and their rings' tails.
  z.object({ type: z.literal('AioContextCreated'), pid: int, ring: addr, size: addr, nr: int, maxReqs: int, id: int, batch: int }),
  /** A request was taken or given back, or a completion written into the ring (its tail moved). */
  z.object({ type: z.literal('AioCountersSet'), pid: int, ring: addr, tail: int, available: int, cached: int, completed: int }),
  z.object({ type: z.literal('AioContextDestroyed'), pid: int, ring: addr }),
  z.object({ type: z.literal('ShmAttached'), pid: int, shmid: int, start: addr, size: addr, time: int }),
  z.object({ type: z.literal('ShmDetached'), pid: int, start: addr, time: int }),
  /** Semaphores given new values by semop (op: otime, SEM_UNDO adjustments) or by SETVAL/SETALL (ctime; adjustments of them dropped). */
  z.object({
    type: z.literal('SemChanged'), id: int, pid: int, values: z.array(z.tuple([int, int])),
    undo: z.array(z.tuple([int, int])), op: z.boolean(), time: int,
  }),
  /** A process ended: its SEM_UNDO adjustments are applied. */
  z.object({ type: z.literal('SemUndone'), pid: int }),
  z.object({ type: z.literal('MsgSent'), id: int, pid: int, mtype: z.bigint(), bytes, time: int }),
  z.object({ type: z.literal('MsgReceived'), id: int, pid: int, index: int, time: int }),
]);

export type KernelEvent = z.infer<typeof KernelEventSchema>;
export type KernelEventType = KernelEvent['type'];
export type EventOf<T extends KernelEventType> = Extract<KernelEvent, { type: T }>;
