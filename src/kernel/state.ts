// The kernel's whole state: plain data (objects, arrays, Maps, Uint8Arrays), no closures or
// host handles, so it can be compared, serialized with CBOR and rebuilt from events.
// Each subsystem owns its part and the reducer that changes it.

export interface Credentials {
  uid: number;
  euid: number;
  suid: number;
  gid: number;
  egid: number;
  sgid: number;
  groups: number[];
  /** Capabilities, once the process changed them; absent: as its uids give them (task/capabilities.ts). */
  caps?: CapabilitySets;
}

/** A process's capability sets (masks of capability bits) and securebits (keep-caps among them). */
export interface CapabilitySets {
  permitted: number;
  effective: number;
  inheritable: number;
  bounding: number;
  ambient: number;
  securebits: number;
}

export interface ThreadState {
  tid: number;
  pid: number;
  /** Host tid of the stub thread that runs it (an implementation detail, never shown). */
  hostTid: number;
  /** set_tid_address / CLONE_CHILD_CLEARTID address (0 if none). */
  clearChildTid: number;
  /** prctl(PR_SET_PDEATHSIG)'s signal, sent to its process when the parent dies (absent: none). */
  pdeathSignal?: number;
  /** Its own name (PR_SET_NAME), for a thread other than the leader; the leader's is its process's comm. */
  comm?: string;
  /** The thread that ptrace-attached it (syscalls/ptrace.ts; absent: not traced). */
  tracer?: number;
}

export type ProcessStatus = 'running' | 'zombie';

export interface FdEntry {
  fileId: number;
  cloexec: boolean;
}

export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: number;
}

export interface ProcessState {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Host pid of the stub process (the thread-group leader's host tid). */
  hostPid: number;
  threads: number[];
  status: ProcessStatus;
  /** Wait status as Linux encodes it, once exited. */
  waitStatus: number | null;
  /** The signal that stopped it (job control), or 0 while it runs. */
  stopSignal: number;
  /** A stop or continue its parent has not collected yet (wait with WUNTRACED / WCONTINUED). */
  waitReport: 'stopped' | 'continued' | null;
  /** Sandbox path of the running executable, its argv and the environment it was given. */
  exe: string;
  argv: string[];
  environ: string[];
  /**
   * The auxiliary vector exec gave it, type/value pairs up to and with AT_NULL, as /proc/PID/auxv
   * shows it. Absent in traces and images from before it was kept (the file is then empty).
   */
  auxv?: number[];
  comm: string;
  /** When it was made (CLOCK_REALTIME, ms; exec keeps it): /proc/PID/stat's start time. Absent in old traces. */
  startMs?: number;
  cwd: string;
  /**
   * Its root directory (chroot), a symlink-free sandbox path; absent: the sandbox root (never
   * changed, so states, images and digests of runs without chroot are as they were before it).
   * Read it with rootOf (vfs/process_root.ts).
   */
  root?: string;
  umask: number;
  creds: Credentials;
  fds: Map<number, FdEntry>;
  mm: MemoryState;
  sigactions: Map<number, SigAction>;
  /** Soft and hard limits by resource number (values as numbers; Infinity for RLIM_INFINITY). */
  rlimits: Map<number, [number, number]>;
  /** Nice value and policy, once set (absent: nice 0, SCHED_OTHER). */
  scheduling?: Scheduling;
  /** personality(2)'s persona, once set (absent: PER_LINUX, 0). */
  personality?: number;
  /** The program installed a seccomp filter of its own (it is inherited, and never removed). */
  seccompFiltered?: boolean;
  /**
   * prctl(PR_SET_NO_NEW_PRIVS), or an OCI process's noNewPrivileges: execve grants nothing
   * (set-ID bits are ignored). Inherited, never cleared.
   */
  noNewPrivs?: boolean;
  /** prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented here, not to pid 1. */
  childSubreaper?: boolean;
  /**
   * The signal its parent gets when it ends, from clone's flags (absent: SIGCHLD; 0: none). A
   * process with another is a "clone child", waited for with __WCLONE or __WALL only.
   */
  exitSignal?: number;
  /** prctl(PR_SET_DUMPABLE)'s flag, once changed (absent: 1; execve sets it back). */
  dumpable?: number;
  /**
   * /proc/PID/oom_score_adj once written (absent: 0), and the lowest value a process without
   * CAP_SYS_RESOURCE may set (a privileged writer's last value; absent: 0). Inherited, kept across exec.
   */
  oomScoreAdj?: number;
  oomScoreAdjMin?: number;
  /** /proc/PID/coredump_filter's bits once written (absent: 0x33, Linux's default). Inherited, kept across exec. */
  coredumpFilter?: number;
  /**
   * What it used (CPU time, peak resident memory), as the host reported at its exit: set when
   * it ends, given to its parent's childUsage when the parent waits for it.
   */
  usage?: ProcessUsage;
  /** What its children it waited for used, theirs included (getrusage's RUSAGE_CHILDREN, times' cutime). */
  childUsage?: ProcessUsage;
  /** System V shared memory segments it has attached (shmat), once any. */
  shmAttached?: ShmAttachment[];
  /** Its SEM_UNDO adjustments, applied when it exits (not inherited by fork), once any. */
  semUndo?: SemAdjustment[];
  /** Its Linux AIO contexts (io_setup), once any: they belong to the address space (gone at exec, not inherited). */
  aio?: AioContext[];
}

/** CPU time in microseconds, user and system, and the peak resident set in KiB (struct rusage's). */
export interface ProcessUsage {
  utimeUs: number;
  stimeUs: number;
  maxRssKb: number;
}

/** One shmat of a segment: where it is mapped in the process. */
export interface ShmAttachment {
  shmid: number;
  start: number;
  size: number;
}

/**
 * A Linux AIO context. Its completions live where Linux keeps them, in the ring mapped into the
 * program (the program may reap them itself and moves the ring's head); the kernel keeps its own
 * copy of the tail, which the program cannot be trusted with.
 */
export interface AioContext {
  /** The ring's address: the context id io_setup returned. */
  ring: number;
  /** The ring mapping's bytes. */
  size: number;
  /** The ring's slots (one stays empty: at most nr - 1 requests are in flight or unreaped). */
  nr: number;
  /** What io_setup asked for, counted against /proc/sys/fs/aio-max-nr. */
  maxReqs: number;
  /** The ring's id field: the context's index in the process's table. */
  id: number;
  /** The slot the next completion goes to. */
  tail: number;
  /**
   * Linux's request accounting: the requests not handed out, those held by the (one) CPU's
   * cache, the size of a hand-out, and the completions not yet known to be reaped.
   */
  available: number;
  cached: number;
  batch: number;
  completed: number;
}

/** What a process's exit gives back to one semaphore (the sum of its SEM_UNDO operations, negated). */
export interface SemAdjustment {
  semid: number;
  num: number;
  adj: number;
}

export interface Scheduling {
  nice: number;
  /** SCHED_OTHER (0), SCHED_FIFO (1), SCHED_RR (2), SCHED_BATCH (3) or SCHED_IDLE (5). */
  policy: number;
  /** The static priority of FIFO and RR (1-99); 0 for the others. */
  priority: number;
  /** The CPUs sched_setaffinity allowed, ascending (absent: all of the sandbox's). */
  affinity?: number[];
  /** The I/O priority ioprio_set gave (class << 13 | data; absent: 0, IOPRIO_CLASS_NONE). */
  ioPriority?: number;
}

export interface Mapping {
  start: number;
  end: number;
  prot: number;
  flags: number;
  /** Sandbox path of the file it came from, and the offset; absent for anonymous memory. */
  path?: string;
  offset?: number;
  /** That file's device and inode as the sandbox's stat gives them (absent in older states). */
  dev?: bigint;
  ino?: bigint;
  /**
   * The host maps the file itself there (not a copy of its bytes): a part the host shows as
   * anonymous memory was mapped over by the program (a library's .bss), and is not the file's.
   */
  hostMapped?: boolean;
  /** The sandbox's vDSO (loader/vdso.ts): its data pages or its image, named so in /proc/PID/maps. */
  special?: '[vvar]' | '[vdso]';
}

/** A file's device and inode, as stat gives them in the sandbox. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

export interface MemoryState {
  brkStart: number;
  brk: number;
  /** Mappings the kernel made (program image, file mappings, brk); host-only anonymous mmaps are not tracked. */
  mappings: Mapping[];
}

/**
 * stdio: tsvisor's own fd 0-2; host: a host regular file; dir: a directory (host or
 * synthetic); dev: a /dev device; pipe: one end of a pipe (read or write, by access mode).
 */
export type OpenFileKind =
  | 'stdio' | 'host' | 'mem' | 'dir' | 'dev' | 'pipe' | 'epoll' | 'eventfd' | 'timerfd' | 'socket' | 'synthetic'
  | 'pty-master' | 'pty-slave' | 'signalfd' | 'inotify' | 'pidfd' | 'mqueue';

/** An open file description: what an fd refers to, shared by dup'ed fds. */
export interface OpenFile {
  id: number;
  kind: OpenFileKind;
  /** Sandbox path (for 'stdio': the name of the host stream, e.g. "stdout"). */
  path: string;
  /** O_* status flags and access mode. */
  flags: number;
  offset: number;
  /** Number of fd-table entries referring to it. */
  refs: number;
  /** For 'stdio': which of tsvisor's own fds backs it. */
  hostFd?: number;
  /** For 'pipe': which pipe. */
  pipeId?: number;
  /** For 'epoll', 'eventfd', 'timerfd', 'socket': which kernel object; for 'pty-master', 'pty-slave': the pty's index; for 'pidfd': the pid. */
  objectId?: number;
  /** For 'mem': which overlay node (it outlives its names while open). */
  nodeId?: number;
  /** Files and directories opened while inotify instances exist: who hears of their close. */
  watched?: WatchedOpen;
  /** F_SETOWN's owner, whom SIGIO and SIGURG go to; absent until one is set. */
  owner?: FileOwner;
  /** F_SETSIG's signal: absent (0) is a plain SIGIO, without si_fd and si_band. */
  ownerSignal?: number;
}

/** F_OWNER_TID (0), F_OWNER_PID (1) or F_OWNER_PGRP (2), and that thread's, process's or group's id. */
export interface FileOwner {
  type: number;
  id: number;
}

/** A directory watched with F_NOTIFY (dnotify): by an fd of a process, for DN_* events. */
export interface DnotifyMark {
  dir: InodeRef;
  fileId: number;
  pid: number;
  fd: number;
  /** DN_* bits, DN_MULTISHOT included. */
  mask: number;
}

/** An inode as inotify watches it: a copied-up file keeps the identity of its lower file. */
export interface InodeRef {
  dev: bigint;
  ino: bigint;
}

/** What an open file's close tells inotify: the file itself, and its name in the directory it was opened in. */
export interface WatchedOpen {
  self: InodeRef;
  parent: InodeRef | null;
  name: string;
  dir: boolean;
}

/** One fd registered with an epoll instance (keyed, as in Linux, by open file and fd). */
export interface EpollInterest {
  fd: number;
  fileId: number;
  /** EPOLLIN/OUT/... plus EPOLLET, EPOLLONESHOT. */
  events: number;
  /** The user's 64-bit epoll_data, as a decimal string. */
  data: string;
  /** Edge-triggered: the readiness last reported (only new bits are reported again)... */
  lastReported: number;
  /** ...unless the file changed since (new data arrived): Kernel.generation of its wake keys. */
  lastGeneration: number;
  /** EPOLLONESHOT after its event, until EPOLL_CTL_MOD. */
  disabled: boolean;
}

export interface EpollState {
  id: number;
  interests: EpollInterest[];
}

/** Process credentials as a socket carries them (SO_PEERCRED, SCM_CREDENTIALS). */
export interface SocketCreds {
  pid: number;
  uid: number;
  gid: number;
}

/** A message in a unix socket's receive queue, with the open files it carries (SCM_RIGHTS). */
export interface SocketMessage {
  bytes: Uint8Array;
  /** Open files in flight: each holds a reference until received or dropped. */
  fileIds: number[];
  creds: SocketCreds;
  /** The sender's bound address, for recvfrom on datagram sockets. */
  from?: string;
  /** A loopback datagram's IP header fields that receivers may ask for (inet_ancillary.ts). */
  header?: DatagramHeader;
  /** When it was queued (CLOCK_REALTIME ns), for a receiver that asked for timestamps (socket_timestamps.ts). */
  stampNs?: bigint;
}

export interface DatagramHeader {
  /** The address it was sent to (an ip, no port). */
  to: string;
  /** TTL (IPv4) or hop limit (IPv6). */
  hopLimit: number;
  /** TOS (IPv4) or traffic class (IPv6). */
  tos: number;
}

/** A unix-domain socket. Addresses are sandbox paths, or "\0name" in the abstract namespace. */
export interface SocketState {
  id: number;
  /** AF_INET (2) or AF_INET6 (10) for the loopback network's sockets; absent for AF_UNIX. */
  family?: number;
  /** SOCK_STREAM (1), SOCK_DGRAM (2) or SOCK_SEQPACKET (5). */
  type: number;
  /** Bound address: a unix path or "\0name", or an inet "ip:port" / "[ip6]:port". */
  address?: string;
  peer?: number;
  /** A datagram socket's default destination (connect). */
  peerAddress?: string;
  /** What bind() asked for, for an inet socket bound by the program (disconnecting keeps what it chose). */
  requested?: string;
  listening: boolean;
  backlog: number[];
  /** listen()'s backlog, capped at somaxconn (what sock_diag reports as a listener's send queue). */
  backlogLimit?: number;
  queue: SocketMessage[];
  /** Bytes waiting in queue, and how many of queue[0] a stream reader already took. */
  queued: number;
  head: number;
  shutRead: boolean;
  shutWrite: boolean;
  /** The connected peer has closed: reads see EOF, writes EPIPE. */
  peerGone: boolean;
  /** The peer that closed, whose name getpeername still gives (until a reset ends the connection). */
  closedPeer?: { address?: string };
  passcred: boolean;
  /** Who created it (SO_PEERCRED of its peer). */
  creds: SocketCreds;
  /** How a non-blocking connect ended, until SO_ERROR, a read, a write or a second connect reports it: 0 or an errno. */
  connectResult?: number;
  /** A non-blocking connect failed (Linux's SOCK_DONE): once that is reported, reads see EOF. */
  connectFailed?: boolean;
  /**
   * A TCP connection's pending error (Linux's sk_err), set by a reset: SO_ERROR, the next send
   * or the next receive that finds no bytes reports it, once.
   */
  error?: number;
  /** Integer options set with setsockopt, by "level:name", that getsockopt reads back. */
  options?: Record<string, number>;
  /**
   * TCP urgent data (MSG_OOB) received: the urgent byte lies `at` unread bytes into the queue
   * (it stays there: a reader skips it unless SO_OOBINLINE); taken once recv(MSG_OOB) read it.
   * Gone once a read passes it.
   */
  urgent?: { at: number; byte: number; taken: boolean };
  /** A netlink socket dropped answers for want of room: its next receive fails with ENOBUFS. */
  overrun?: boolean;
  /** A netlink socket's protocol when not NETLINK_ROUTE (0), IPPROTO_UDPLITE for UDP-Lite; absent otherwise. */
  protocol?: number;
}

export interface EventfdState {
  id: number;
  counter: bigint;
  semaphore: boolean;
}

export interface TimerfdState {
  id: number;
  clock: number;
  intervalNs: bigint;
  /** Next expiry on the timer's clock (ns), or null when disarmed. */
  deadlineNs: bigint | null;
}

/** A signalfd: the signals its reads take (the pending sets themselves are the host threads'). */
export interface SignalfdState {
  id: number;
  mask: bigint;
}

/** An inotify watch: IN_* event bits and flags for one inode. */
export interface InotifyWatch extends InodeRef {
  wd: number;
  mask: number;
}

/** An event waiting to be read (struct inotify_event; the name is padded when read). */
export interface InotifyRecord {
  wd: number;
  mask: number;
  cookie: number;
  name: string;
}

export interface InotifyState {
  id: number;
  nextWd: number;
  watches: InotifyWatch[];
  queue: InotifyRecord[];
}

/** A pipe: the bytes in flight and how many open files hold each end. */
export interface PipeState {
  id: number;
  /** Bytes written and not yet read, oldest first; the first chunk may be partly read (head). */
  chunks: Uint8Array[];
  /** Which chunks are packets (pipe2 O_DIRECT), once one was written: each takes one of the pipe's slots. */
  packets?: boolean[];
  head: number;
  length: number;
  capacity: number;
  readers: number;
  writers: number;
  /** The pages its bytes sit in, one slot each (ipc/pipe_pages.ts); absent: none yet. */
  pages?: PipePage[];
  /** The pipe of a host FIFO (of a `--mount ...:rw`): the FIFO's identity, "dev:ino" (syscalls/host_special_files.ts). */
  fifo?: string;
}

/** A page of a pipe: where its unread bytes start and how many there are; a packet's is never topped up. */
export interface PipePage {
  offset: number;
  len: number;
  packet?: true;
}

/** A terminal's settings, as struct termios2 holds them (c_cc has Linux's 19 slots). */
export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  line: number;
  cc: number[];
  ispeed: number;
  ospeed: number;
}

export interface Winsize {
  rows: number;
  cols: number;
  xpixel: number;
  ypixel: number;
}

/**
 * A pseudo-terminal: master /dev/ptmx, slave /dev/pts/INDEX. It lives while an open file of
 * either side does; its line discipline (tty/line_discipline.ts) works on this state.
 */
export interface PtyState {
  index: number;
  /** Owner of /dev/pts/INDEX: who opened the master. */
  uid: number;
  gid: number;
  /** The slave cannot be opened until unlockpt (TIOCSPTLCK 0). */
  locked: boolean;
  /** Open files of each side; no master left: the slave is hung up. */
  masters: number;
  slaves: number;
  /** The last open slave was closed: once the output is read, master reads get EIO. */
  slaveClosed: boolean;
  termios: Termios;
  winsize: Winsize;
  /** What the slave can read, oldest first (bytes past the last entry of lineEnds are raw input). */
  input: Uint8Array;
  /** Canonical mode: where each complete line ends in input (a line ended by VEOF has no terminator). */
  lineEnds: number[];
  /** Canonical mode: the line being edited, not readable yet. */
  editing: Uint8Array;
  /** The next input byte is taken literally (after VLNEXT). */
  literalNext: boolean;
  /** What the master can read: the slave's output and the echoes, after output processing. */
  output: Uint8Array;
  /** The output column (for tabs and for erasing them), and the one the edited line started at. */
  column: number;
  editColumn: number;
  /** Output suspended (VSTOP with IXON, or TCOOFF): slave writes wait. */
  stopped: boolean;
  /** The session whose controlling terminal it is (0: none) and its foreground process group. */
  session: number;
  pgrp: number;
  /** The container's console (OCI process.terminal): /dev/console is this pty's slave, as runc binds it there. */
  console?: boolean;
}

/** What an overlay directory maps a name to: an upper node, or a whiteout hiding the lower entry. */
export type OverlayEntry = number | 'whiteout';

interface OverlayNodeBase {
  id: number;
  /** st_mode, file type bits included. */
  mode: number;
  uid: number;
  gid: number;
  /** Names (in upper directories) that refer to it; 0 once unlinked (kept while open). */
  nlink: number;
  /** What stat reports: a copied-up node keeps its host identity, a new one gets a fresh inode. */
  dev: bigint;
  ino: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /**
   * Birth time (statx btime): the ctime it was made with, kept when utimes, writes and chmod
   * move the others. Absent in images and traces from before it was kept: ctime stands in.
   */
  btimeNs?: bigint;
  /**
   * Extended attributes (user.*, trusted.*, and the POSIX ACLs system.posix_acl_access and
   * system.posix_acl_default as Linux's getxattr gives them: vfs/posix_acl.ts) by full name,
   * in the order they were set; absent: none.
   */
  xattrs?: Map<string, Uint8Array>;
  /** Inode flags (FS_IMMUTABLE_FL, FS_APPEND_FL, FS_NODUMP_FL, FS_NOATIME_FL: vfs/inode_flags.ts); absent: none. */
  flags?: number;
}

export interface OverlayFile extends OverlayNodeBase {
  kind: 'file';
  /** The contents, sparsely (vfs/file_bytes.ts): bytes [0, size), zeros where no chunk holds any. */
  chunks: Map<number, Uint8Array>;
  size: number;
  /** A memfd's F_SEAL_* bits (absent: none, and no sealing allowed unless it is a memfd). */
  seals?: number;
  /** The allocated pages, as page ranges (vfs/file_extents.ts); absent: every page below size. */
  extents?: number[];
  /** Of those, the ones fallocate reserved and nothing wrote yet (absent: none). */
  unwritten?: number[];
}

export interface OverlayDir extends OverlayNodeBase {
  kind: 'dir';
  entries: Map<string, OverlayEntry>;
  /**
   * The lower (host root) directory merged below it, as a path in the host root: where it was
   * copied up from, which stays its source after a rename. null: nothing below (a new or opaque directory).
   */
  lower: string | null;
}

export interface OverlaySymlink extends OverlayNodeBase {
  kind: 'symlink';
  target: string;
}

/** A named pipe: the pipe of kernel state its opens share (a stale id once all ends closed). */
export interface OverlayFifo extends OverlayNodeBase {
  kind: 'fifo';
  pipeId: number;
}

/** A socket file (made by mknod, or by bind of a unix socket to a path). */
export interface OverlaySocket extends OverlayNodeBase {
  kind: 'socket';
}

export type OverlayNode = OverlayFile | OverlayDir | OverlaySymlink | OverlayFifo | OverlaySocket;

/** The in-memory upper layer over the read-only host root. */
export interface OverlayState {
  nodes: Map<number, OverlayNode>;
  /** The upper root directory's node id; 0 until the first change copies "/" up. */
  root: number;
  /** The root directories of the kernel's tmpfs mounts (/dev/shm) by mount point; absent until their first change. */
  mounts: Map<string, number>;
  nextNodeId: number;
}

export interface KernelState {
  nextPid: number;
  nextFileId: number;
  processes: Map<number, ProcessState>;
  threads: Map<number, ThreadState>;
  files: Map<number, OpenFile>;
  pipes: Map<number, PipeState>;
  nextPipeId: number;
  epolls: Map<number, EpollState>;
  eventfds: Map<number, EventfdState>;
  timerfds: Map<number, TimerfdState>;
  signalfds: Map<number, SignalfdState>;
  inotifies: Map<number, InotifyState>;
  /** The last IN_MOVED_FROM/IN_MOVED_TO cookie given out. */
  inotifyCookie: number;
  sockets: Map<number, SocketState>;
  /** Bound unix socket addresses. */
  socketNames: Map<string, number>;
  /** Pseudo-terminals by index (the N of /dev/pts/N). */
  ptys: Map<number, PtyState>;
  /** The foreground process group of tsvisor's own terminal (the first session's: syscalls/console.ts). */
  consolePgrp: number;
  /** Ids of epoll instances, eventfds and timerfds. */
  nextObjectId: number;
  /** Syscall names already reported as unsupported (reported once each). */
  unsupportedReported: string[];
  hostname: string;
  /** The NIS domain name setdomainname gave, once one was set (uname's "(none)" before). */
  domainname?: string;
  overlay: OverlayState;
  /** Advisory file locks by inode ("dev:ino"), once any was taken (fd/file_locks.ts). */
  locks?: Map<string, FileLock[]>;
  /** Open files with O_ASYNC set through fcntl (F_SETFL), and the fd that set it (their SIGIO's si_fd). */
  asyncFiles?: Map<number, number>;
  /** Directories watched with F_NOTIFY. */
  dnotifyMarks?: DnotifyMark[];
  /** The sandbox's System V IPC namespace, once any object was made (ipc/sysv_reducer.ts). */
  sysv?: SysvIpcState;
  /** POSIX message queues, once any was made (ipc/mqueue_reducer.ts). */
  mqueues?: MqueueNamespace;
}

/** A POSIX message queue: it lives while it has a name or an open file. */
export interface MqueueState {
  id: number;
  /** Its name without the leading "/", or null once unlinked. */
  name: string | null;
  mode: number;
  uid: number;
  gid: number;
  maxmsg: number;
  msgsize: number;
  /** Highest priority first, oldest first within a priority. */
  messages: Array<{ prio: number; bytes: Uint8Array }>;
  /** mq_notify's registration: who, how (SIGEV_SIGNAL 0, SIGEV_NONE 1), which signal with which sigev_value. */
  notify?: { pid: number; how: number; signo: number; value: bigint };
}

export interface MqueueNamespace {
  queues: Map<number, MqueueState>;
  names: Map<string, number>;
}

/** struct ipc_perm of a System V IPC object. */
export interface IpcPerm {
  /** The key it was made with (0: IPC_PRIVATE). */
  key: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  /** The low 9 permission bits, plus SHM_DEST (01000) and SHM_LOCKED for segments. */
  mode: number;
  seq: number;
}

/** Times are seconds of CLOCK_REALTIME, 0 for never. */
export interface ShmSegment {
  id: number;
  perm: IpcPerm;
  size: number;
  cpid: number;
  lpid: number;
  nattch: number;
  atime: number;
  dtime: number;
  ctime: number;
}

export interface SemSet {
  id: number;
  perm: IpcPerm;
  values: number[];
  /** The last process to change each semaphore (GETPID). */
  pids: number[];
  otime: number;
  ctime: number;
}

export interface SysvMessage {
  /** mtype: a C long greater than 0. */
  type: bigint;
  bytes: Uint8Array;
}

export interface MsgQueue {
  id: number;
  perm: IpcPerm;
  messages: SysvMessage[];
  cbytes: number;
  qbytes: number;
  lspid: number;
  lrpid: number;
  stime: number;
  rtime: number;
  ctime: number;
}

export type SysvKind = 'shm' | 'sem' | 'msg';

/** Where the next id of a kind is looked for (Linux allocates indexes cyclically) and its sequence number. */
export interface SysvIdCursor {
  lastIndex: number;
  seq: number;
}

export interface SysvIpcState {
  shm: Map<number, ShmSegment>;
  sem: Map<number, SemSet>;
  msg: Map<number, MsgQueue>;
  cursors: Record<SysvKind, SysvIdCursor>;
}

/** One advisory lock: a flock lock, or a POSIX or OFD record lock on [start, end] (inclusive). */
export interface FileLock {
  kind: 'flock' | 'posix' | 'ofd';
  /** F_RDLCK (0, shared) or F_WRLCK (1, exclusive). */
  type: number;
  /** "pid:N" for POSIX locks, "file:N" (the open file description) for flock and OFD locks. */
  owner: string;
  start: number;
  end: number;
  /** The process that took a flock lock (/proc/locks shows it, even once that process is gone). */
  pid?: number;
}

export function emptyKernelState(): KernelState {
  return {
    nextPid: 1,
    nextFileId: 1,
    processes: new Map(),
    threads: new Map(),
    files: new Map(),
    pipes: new Map(),
    nextPipeId: 1,
    epolls: new Map(),
    eventfds: new Map(),
    timerfds: new Map(),
    signalfds: new Map(),
    inotifies: new Map(),
    inotifyCookie: 0,
    sockets: new Map(),
    socketNames: new Map(),
    ptys: new Map(),
    consolePgrp: 1,
    nextObjectId: 1,
    unsupportedReported: [],
    hostname: 'tsvisor',
    overlay: { nodes: new Map(), root: 0, mounts: new Map(), nextNodeId: 1 },
  };
}
