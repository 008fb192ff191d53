// replay --exec: which syscalls are answered from the recording rather than performed again.
//
// The rule: what came from outside the sandbox is given back as recorded (the result, the bytes
// the kernel wrote into the program's memory, and the events that moved the kernel's state along
// with it); everything else runs again for real, through the same kernel, and must give the
// recorded result. So a replay reproduces what the program saw even when the host has changed
// (other time, other random bytes, a file edited, no stdin), while the calls that shape the
// program's own process (mmap, brk, clone/fork, execve, signals, exit, wait) really happen.
//
// | answered from the recording            | because it reports                                   |
// | -------------------------------------- | ---------------------------------------------------- |
// | clock_gettime gettimeofday time        | the clocks                                           |
// | clock_getres times getrusage sysinfo   | the host's clock resolution, CPU time, uptime, memory |
// | getrandom                              | random bytes                                         |
// | uname sched_getaffinity getcpu         | the host's kernel release and CPUs                   |
// | stat lstat fstat newfstatat statx      | file attributes (host times, inode numbers, sizes)   |
// | statfs fstatfs readlink readlinkat     | host file systems and symlinks                       |
// | read readv pread64 preadv preadv2      | only on tsvisor's stdio, host files, devices, /proc  |
// |                                        | files, directories and timerfds (data from outside)  |
// | getdents getdents64                    | only on directories, host and /proc files: listings  |
// | lseek ioctl                            | only on tsvisor's stdio (its terminal or files)      |
// | fcntl F_GETFL, F_GET/SETPIPE_SZ        | only on tsvisor's stdio: how the host made it        |
//
// Everything else is performed: opening files (a file gone since the recording shows as a
// divergence), writing (the output is the program's, written again), pipes, sockets and
// everything inside the sandbox (their data comes from the program itself), memory, processes,
// signals, sleeps.
import type { KernelEvent } from '../kernel/events.js';
import type { OpenFileKind } from '../kernel/state.js';
import type { SyscallContext } from '../kernel/syscalls/context.js';
import { syscallName } from '../kernel/syscalls/numbers.js';

const ALWAYS: ReadonlySet<string> = new Set([
  'clock_gettime', 'gettimeofday', 'time', 'clock_getres', 'times', 'getrusage', 'sysinfo',
  'getrandom', 'uname', 'sched_getaffinity', 'getcpu',
  'stat', 'lstat', 'fstat', 'newfstatat', 'statx', 'statfs', 'fstatfs', 'readlink', 'readlinkat',
]);

const DATA_FROM_OUTSIDE: readonly OpenFileKind[] = ['stdio', 'host', 'dev', 'synthetic', 'dir', 'timerfd'];

/** Calls on an fd (the first argument) that come from outside when the fd is of these kinds. */
const BY_FD: ReadonlyMap<string, readonly OpenFileKind[]> = new Map([
  ['read', DATA_FROM_OUTSIDE],
  ['readv', DATA_FROM_OUTSIDE],
  ['pread64', DATA_FROM_OUTSIDE],
  ['preadv', DATA_FROM_OUTSIDE],
  ['preadv2', DATA_FROM_OUTSIDE],
  ['getdents', ['dir', 'host', 'synthetic']],
  ['getdents64', ['dir', 'host', 'synthetic']],
  ['lseek', ['stdio']],
  ['ioctl', ['stdio']],
]);

const F_GETFL = 3;
const F_SETPIPE_SZ = 1031;
const F_GETPIPE_SZ = 1032;
/** fcntl's calls on what the host made tsvisor's stdio (O_LARGEFILE or O_APPEND of a file, a pipe and its size). */
const STDIO_FCNTL_QUERIES: ReadonlySet<number> = new Set([F_GETFL, F_GETPIPE_SZ, F_SETPIPE_SZ]);

/** The open file an fd argument names now, if any. */
function fileOf(ctx: SyscallContext): { id: number; kind: OpenFileKind } | undefined {
  const entry = ctx.process.fds.get(ctx.int(0));
  return entry && ctx.kernel.state.files.get(entry.fileId);
}

/** Whether the syscall trapped now is answered from the recording (see the table above). */
export function fromOutside(ctx: SyscallContext): boolean {
  const name = syscallName(ctx.nr);
  if (ALWAYS.has(name)) return true;
  if (name === 'fcntl') return STDIO_FCNTL_QUERIES.has(ctx.int(1)) && fileOf(ctx)?.kind === 'stdio';
  const kinds = BY_FD.get(name);
  const file = kinds && fileOf(ctx);
  return file !== undefined && kinds!.includes(file.kind);
}

/** The only state such a call changes: the offset of the file it read. */
export function isReplayedEvent(e: KernelEvent): boolean {
  return e.type === 'FileOffsetSet';
}

/** Of the (replayed) events a recorded call emitted, those an answer from the recording applies. */
export function replayedEvents(ctx: SyscallContext, events: readonly KernelEvent[]): KernelEvent[] {
  const file = fileOf(ctx);
  return events.filter((e) => e.type === 'FileOffsetSet' && e.fileId === file?.id);
}
