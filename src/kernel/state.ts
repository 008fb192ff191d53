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
}

export interface ThreadState {
  tid: number;
  pid: number;
  /** Host tid of the stub thread that runs it (an implementation detail, never shown). */
  hostTid: number;
  /** set_tid_address / CLONE_CHILD_CLEARTID address (0 if none). */
  clearChildTid: number;
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
  /** Sandbox path of the running executable and its argv. */
  exe: string;
  argv: string[];
  comm: string;
  cwd: string;
  umask: number;
  creds: Credentials;
  fds: Map<number, FdEntry>;
  mm: MemoryState;
  sigactions: Map<number, SigAction>;
  /** Soft and hard limits by resource number (values as numbers; Infinity for RLIM_INFINITY). */
  rlimits: Map<number, [number, number]>;
}

export interface Mapping {
  start: number;
  end: number;
  prot: number;
  flags: number;
  /** Sandbox path of the file it came from, and the offset; absent for anonymous memory. */
  path?: string;
  offset?: number;
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
export type OpenFileKind = 'stdio' | 'host' | 'dir' | 'dev' | 'pipe';

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
}

/** A pipe: the bytes in flight and how many open files hold each end. */
export interface PipeState {
  id: number;
  /** Bytes written and not yet read, oldest first; the first chunk may be partly read (head). */
  chunks: Uint8Array[];
  head: number;
  length: number;
  capacity: number;
  readers: number;
  writers: number;
}

export interface KernelState {
  nextPid: number;
  nextFileId: number;
  processes: Map<number, ProcessState>;
  threads: Map<number, ThreadState>;
  files: Map<number, OpenFile>;
  pipes: Map<number, PipeState>;
  nextPipeId: number;
  /** Syscall names already reported as unsupported (reported once each). */
  unsupportedReported: string[];
  hostname: string;
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
    unsupportedReported: [],
    hostname: 'tsvisor',
  };
}
