// Process identity and lifecycle: pids (virtual), credentials, exit, execve, limits, prctl.
import { isOpenForWriting } from '../vfs/text_busy.js';
import { encodeRusage, waitedUsage } from './rusage.js';
import { decodeBytes, encodeBytes, truncateBytes, writeBytes } from '../../byte_string.js';
import {
  CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_DETACHED, CLONE_FILES, CLONE_FS, CLONE_IO, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_PARENT, CLONE_PARENT_SETTID, CLONE_PIDFD, CLONE_PTRACE, CLONE_SETTLS, CLONE_SIGHAND, CLONE_SYSVSEM, CLONE_THREAD, CLONE_UNTRACED, CLONE_VFORK, CLONE_VM, CSIGNAL, NAMESPACE_FLAGS,
} from '../abi/clone_flags.js';
import { SECCOMP_MODE_FILTER, installFilter } from './seccomp.js';
import { CAPABILITY_PRCTLS, capabilityPrctl } from './capability_prctl.js';
import { pidfdProcess } from './pidfd.js';
import { Errno } from '../errno.js';
import { ExecError, prepareExec } from '../loader/exec.js';
import { rootOf } from '../vfs/process_root.js';
import type { SyscallContext } from './context.js';
import { writeInt } from './user_int.js';
import { hostRuns, type Outcome } from './outcome.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, baseDir, resolveAt } from './paths.js';
import { mayAccess } from './overlay_ops.js';
import { SYS } from './numbers.js';
import { lookupFd, lowestFreeFd } from '../fd/fd_table.js';
import { memFile } from './mem_file.js';
import { readChunks } from '../vfs/file_bytes.js';
import { statOfFile } from './fs.js';
import type { VNode } from '../vfs/vnode.js';
import { CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED, SIGCHLD, SIGCONT } from '../abi/signals.js';
import { O_NONBLOCK } from '../abi/open_flags.js';
import { pullAllSharedPages } from '../vfs/shared_file_pages.js';
import { CAP_SYS_ADMIN, CAP_SYS_RESOURCE, capable } from '../task/capabilities.js';
import { threadName } from '../task/thread_name.js';
import { hostRunsWithArg } from './host_with_arg.js';

export function sysGetpid(ctx: SyscallContext): Outcome {
  return ctx.process.pid;
}

export function sysGetppid(ctx: SyscallContext): Outcome {
  return ctx.process.ppid;
}

export function sysGettid(ctx: SyscallContext): Outcome {
  return ctx.thread.tid;
}

export function sysGetpgrp(ctx: SyscallContext): Outcome {
  return ctx.process.pgid;
}

/** getpgid/getsid(pid): 0 means the caller; only sandbox pids exist. */
function otherProcess(ctx: SyscallContext, pid: number) {
  if (pid === 0) return ctx.process;
  const p = ctx.kernel.state.processes.get(pid);
  return p && p.status === 'running' ? p : undefined;
}

export function sysGetpgid(ctx: SyscallContext): Outcome {
  const p = otherProcess(ctx, ctx.int(0));
  return p ? p.pgid : -Errno.ESRCH;
}

export function sysGetsid(ctx: SyscallContext): Outcome {
  const p = otherProcess(ctx, ctx.int(0));
  return p ? p.sid : -Errno.ESRCH;
}

export function sysGetuid(ctx: SyscallContext): Outcome {
  return ctx.process.creds.uid;
}

export function sysGeteuid(ctx: SyscallContext): Outcome {
  return ctx.process.creds.euid;
}

export function sysGetgid(ctx: SyscallContext): Outcome {
  return ctx.process.creds.gid;
}

export function sysGetegid(ctx: SyscallContext): Outcome {
  return ctx.process.creds.egid;
}

function writeIds(ctx: SyscallContext, ids: number[]): number {
  for (let i = 0; i < ids.length; i++) {
    const out = Buffer.alloc(4);
    out.writeUInt32LE(ids[i]! >>> 0);
    if (!ctx.write(ctx.args[i]!, out)) return -Errno.EFAULT;
  }
  return 0;
}

export function sysGetresuid(ctx: SyscallContext): Outcome {
  const c = ctx.process.creds;
  return writeIds(ctx, [c.uid, c.euid, c.suid]);
}

export function sysGetresgid(ctx: SyscallContext): Outcome {
  const c = ctx.process.creds;
  return writeIds(ctx, [c.gid, c.egid, c.sgid]);
}

export function sysGetgroups(ctx: SyscallContext): Outcome {
  const size = ctx.int(0);
  const groups = ctx.process.creds.groups;
  if (size < 0) return -Errno.EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -Errno.EINVAL;
  const out = Buffer.alloc(groups.length * 4);
  groups.forEach((g, i) => out.writeUInt32LE(g >>> 0, i * 4));
  return ctx.write(ctx.args[1]!, out) ? groups.length : -Errno.EFAULT;
}

export function sysExitGroup(_ctx: SyscallContext): Outcome {
  // The host ends every thread; the kernel learns the status from the exit stops.
  return { kind: 'host', noreturn: true };
}

export function sysSetTidAddress(ctx: SyscallContext): Outcome {
  const addr = ctx.args[0]!;
  // The host keeps the address (it clears it and wakes futex waiters at thread exit).
  const r = ctx.kernel.platform.inject(ctx.hostTid, SYS.set_tid_address, addr);
  if (r === null) return -Errno.ESRCH;
  ctx.emit({ type: 'ClearChildTidSet', tid: ctx.thread.tid, addr });
  return ctx.thread.tid;
}

const ARCH_SET_GS = 0x1001;
const ARCH_SET_FS = 0x1002;
const ARCH_GET_FS = 0x1003;
const ARCH_GET_GS = 0x1004;
const ARCH_GET_CPUID = 0x1011;
const ARCH_SET_CPUID = 0x1012;
const ARCH_GET_XCOMP_SUPP = 0x1021;
const ARCH_GET_XCOMP_PERM = 0x1022;
const ARCH_REQ_XCOMP_PERM = 0x1023;
const ARCH_GET_XCOMP_GUEST_PERM = 0x1024;
const ARCH_REQ_XCOMP_GUEST_PERM = 0x1025;
const ARCH_MAP_VDSO_32 = 0x2002;
const ARCH_MAP_VDSO_64 = 0x2003;

export function sysArchPrctl(ctx: SyscallContext): Outcome {
  switch (ctx.int(0)) {
    case ARCH_SET_GS:
    case ARCH_SET_FS:
    case ARCH_GET_FS:
    case ARCH_GET_GS:
    case ARCH_GET_CPUID:
    case ARCH_SET_CPUID:
    case ARCH_GET_XCOMP_SUPP:
    case ARCH_GET_XCOMP_PERM:
    case ARCH_REQ_XCOMP_PERM:
    case ARCH_GET_XCOMP_GUEST_PERM:
    case ARCH_REQ_XCOMP_GUEST_PERM:
      return hostRuns; // they only touch the caller's own registers, CPU state and memory
    case ARCH_MAP_VDSO_32:
    case ARCH_MAP_VDSO_64:
      // A process has its vDSO already (loader/vdso.ts), Linux's EEXIST; a recorded run, which
      // has none so that its clocks are read by syscalls, gets the same answer.
      return -Errno.EEXIST;
    default:
      return -Errno.EINVAL;
  }
}

const PR_SET_PDEATHSIG = 1;
const PR_GET_PDEATHSIG = 2;
const PR_GET_DUMPABLE = 3;
const PR_SET_DUMPABLE = 4;
const PR_SET_NAME = 15;
const PR_GET_NAME = 16;
const PR_GET_SECCOMP = 21;
const PR_SET_SECCOMP = 22;
const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;
const PR_GET_TIMING = 13;
const PR_SET_TIMERSLACK = 29;
const PR_GET_TIMERSLACK = 30;
const PR_SET_TIMING = 14;
const PR_TIMING_STATISTICAL = 0;
const PR_TASK_PERF_EVENTS_DISABLE = 31;
const PR_TASK_PERF_EVENTS_ENABLE = 32;
const PR_GET_TID_ADDRESS = 40;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_GET_NO_NEW_PRIVS = 39;

export function sysPrctl(ctx: SyscallContext): Outcome {
  const option = ctx.int(0);
  switch (option) {
    case PR_SET_NAME: {
      // At most 15 bytes are read, up to a NUL (strncpy_from_user): a short name may end a page.
      const short = ctx.readString(ctx.args[1]!, 14);
      const long = short === -Errno.E2BIG ? ctx.read(ctx.args[1]!, 15) : null;
      if (typeof short === 'number' && !long) return -Errno.EFAULT;
      const comm = typeof short === 'string' ? short : decodeBytes(long!);
      ctx.emit({ type: 'CommSet', pid: ctx.process.pid, tid: ctx.thread.tid, comm });
      return 0;
    }
    case PR_GET_NAME: {
      const out = Buffer.alloc(16);
      writeBytes(out, truncateBytes(threadName(ctx.kernel.state, ctx.thread.tid), 15), 0);
      return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
    }
    case PR_GET_DUMPABLE:
      return ctx.process.dumpable ?? 1;
    case PR_SET_DUMPABLE: {
      const dumpable = ctx.args[1]!;
      if (dumpable !== 0 && dumpable !== 1) return -Errno.EINVAL;
      if (dumpable !== (ctx.process.dumpable ?? 1)) ctx.emit({ type: 'DumpableSet', pid: ctx.process.pid, dumpable });
      return 0;
    }
    case PR_SET_PDEATHSIG: {
      const signal = ctx.args[1]!;
      if (!(signal >= 0 && signal <= 64)) return -Errno.EINVAL;
      ctx.emit({ type: 'ParentDeathSignalSet', tid: ctx.thread.tid, signal });
      return 0;
    }
    case PR_GET_PDEATHSIG:
      return writeInt(ctx, ctx.args[1]!, ctx.thread.pdeathSignal ?? 0);
    case PR_SET_CHILD_SUBREAPER: {
      const subreaper = ctx.args[1]! !== 0;
      if (subreaper !== (ctx.process.childSubreaper ?? false)) ctx.emit({ type: 'ChildSubreaperSet', pid: ctx.process.pid, subreaper });
      return 0;
    }
    case PR_GET_CHILD_SUBREAPER:
      return writeInt(ctx, ctx.args[1]!, ctx.process.childSubreaper ? 1 : 0);
    case PR_GET_SECCOMP:
      return ctx.process.seccompFiltered ? SECCOMP_MODE_FILTER : 0;
    case PR_SET_SECCOMP:
      return ctx.args[1]! === SECCOMP_MODE_FILTER ? installFilter(ctx, 0, ctx.args[2]!) : -Errno.EINVAL;
    case PR_SET_NO_NEW_PRIVS:
      if (ctx.args[1]! !== 1 || ctx.args[2]! || ctx.args[3]! || ctx.args[4]!) return -Errno.EINVAL;
      if (!ctx.process.noNewPrivs) ctx.emit({ type: 'NoNewPrivsSet', pid: ctx.process.pid });
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      if (ctx.args[1]! || ctx.args[2]! || ctx.args[3]! || ctx.args[4]!) return -Errno.EINVAL;
      return ctx.process.noNewPrivs ? 1 : 0;
    // The calling thread's own timer slack: the host's, for the host's timers to use.
    case PR_SET_TIMERSLACK:
    case PR_GET_TIMERSLACK:
      return hostRuns;
    // Process timing is statistical, the only kind Linux has had since 2.6.
    case PR_GET_TIMING:
      return PR_TIMING_STATISTICAL;
    case PR_SET_TIMING:
      return ctx.args[1] === PR_TIMING_STATISTICAL ? 0 : -Errno.EINVAL;
    // No perf counters exist in the sandbox (perf_event_open is ENOSYS): nothing to switch.
    case PR_TASK_PERF_EVENTS_DISABLE:
    case PR_TASK_PERF_EVENTS_ENABLE:
      return 0;
    case PR_GET_TID_ADDRESS: {
      const out = Buffer.alloc(8);
      out.writeBigUInt64LE(BigInt(ctx.thread.clearChildTid));
      return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
    }
    default:
      return CAPABILITY_PRCTLS.has(option) ? capabilityPrctl(ctx, option) : -Errno.EINVAL;
  }
}

const RLIM_NLIMITS = 16;

function readRlimit(ctx: SyscallContext, addr: number): [number, number] | null {
  const raw = ctx.read(addr, 16);
  if (!raw) return null;
  const view = new DataView(raw.buffer, raw.byteOffset);
  const conv = (v: bigint) => (v >= 1n << 63n ? -1 : Number(v));
  return [conv(view.getBigUint64(0, true)), conv(view.getBigUint64(8, true))];
}

function encodeRlimit([soft, hard]: [number, number]): Buffer {
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(soft < 0 ? (1n << 64n) - 1n : BigInt(soft), 0);
  out.writeBigUInt64LE(hard < 0 ? (1n << 64n) - 1n : BigInt(hard), 8);
  return out;
}

/** Limit order with -1 as infinity. */
function exceeds(a: number, b: number): boolean {
  if (b < 0) return false;
  return a < 0 || a > b;
}

function rlimit(ctx: SyscallContext, pid: number, resource: number, newAddr: number, oldAddr: number): number {
  const p = pid === 0 ? ctx.process : ctx.kernel.state.processes.get(pid);
  if (!p || p.status !== 'running') return -Errno.ESRCH;
  if (resource < 0 || resource >= RLIM_NLIMITS) return -Errno.EINVAL;
  const current = p.rlimits.get(resource) ?? [-1, -1];
  let next: [number, number] | null = null;
  if (newAddr) {
    next = readRlimit(ctx, newAddr);
    if (!next) return -Errno.EFAULT;
    if (exceeds(next[0], next[1])) return -Errno.EINVAL;
  }
  // Raising a hard limit takes CAP_SYS_RESOURCE: the sandbox's root has it, other users not.
  if (next && exceeds(next[1], current[1]) && !capable(ctx.process.creds, CAP_SYS_RESOURCE)) return -Errno.EPERM;
  if (oldAddr && !ctx.write(oldAddr, encodeRlimit(current))) return -Errno.EFAULT;
  if (next && HOST_ENFORCED.has(resource) && p === ctx.process) applyOnHost(ctx, resource, next);
  if (next) ctx.emit({ type: 'RlimitSet', pid: p.pid, resource, soft: next[0], hard: next[1] });
  return 0;
}

const RLIMIT_CPU = 0;
const RLIMIT_DATA = 2;
const RLIMIT_AS = 9;
/** The limits the host enforces for the kernel: CPU time, data and the address space. */
const HOST_ENFORCED: ReadonlySet<number> = new Set([RLIMIT_CPU, RLIMIT_DATA, RLIMIT_AS]);

/**
 * RLIMIT_CPU, RLIMIT_DATA and RLIMIT_AS are the host's to enforce: the process's CPU time is its host
 * process's (threads and all, across execve), so the host's own limit sends SIGXCPU at the soft
 * limit and SIGKILL at the hard one, as Linux does; its mappings are the host process's (mmap
 * and brk beyond the limits fail with ENOMEM there, as `ulimit -v` and `ulimit -d` expect). Set by
 * the calling thread on its own host process (children inherit it there); a hard limit the
 * host refuses to raise (tsvisor not privileged) stays the host's. Not applied when set on
 * another process (prlimit64 with its pid): kept only.
 */
function applyOnHost(ctx: SyscallContext, resource: number, limit: [number, number]): void {
  const scratch = ctx.scratchAddress();
  if (!ctx.kernel.platform.write(ctx.hostTid, scratch, encodeRlimit(limit))) return;
  ctx.kernel.platform.inject(ctx.hostTid, SYS.prlimit64, 0, resource, scratch, 0);
}

export function sysPrlimit64(ctx: SyscallContext): Outcome {
  return rlimit(ctx, ctx.int(0), ctx.int(1), ctx.args[2]!, ctx.args[3]!);
}

// getrlimit and setrlimit always copy the limit: NULL is EFAULT there (after a bad resource's
// EINVAL), where prlimit64 takes it for "not wanted".
export function sysGetrlimit(ctx: SyscallContext): Outcome {
  return rlimitPointer(ctx) || rlimit(ctx, 0, ctx.int(0), 0, ctx.args[1]!);
}

export function sysSetrlimit(ctx: SyscallContext): Outcome {
  return rlimitPointer(ctx) || rlimit(ctx, 0, ctx.int(0), ctx.args[1]!, 0);
}

function rlimitPointer(ctx: SyscallContext): number {
  if (ctx.args[1] !== 0) return 0;
  return ctx.uint(0) >= RLIM_NLIMITS ? -Errno.EINVAL : -Errno.EFAULT;
}

export function sysUmask(ctx: SyscallContext): Outcome {
  const old = ctx.process.umask;
  ctx.emit({ type: 'UmaskSet', pid: ctx.process.pid, umask: ctx.int(0) & 0o777 });
  return old;
}

const MAX_ARG_STRLEN = 131072;
const MAX_ARGS = 0x7fffffff / 8;

const PAGE_SIZE = 4096;

/** argv or envp as read from the program: the strings, and the bytes each stands for (without its NUL). */
interface StringArray {
  strings: string[];
  bytes: Uint8Array[];
}

/**
 * Reads a NULL-terminated array of string pointers (argv, envp). The pointers are read up to
 * the end of a page at a time (a mapped page is readable to its end; one read instead of one
 * per pointer); a pointer cut by a page boundary is read whole with the next read.
 */
function readStringArray(ctx: SyscallContext, addr: number, noted: boolean): StringArray | number {
  const out: StringArray = { strings: [], bytes: [] };
  if (addr === 0) return out;
  const strings = new StringPages(ctx, noted);
  let at = addr;
  while (out.strings.length < MAX_ARGS) {
    const chunk = ctx.read(at, Math.max(8, PAGE_SIZE - (at % PAGE_SIZE)));
    if (!chunk) return -Errno.EFAULT;
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const whole = chunk.byteLength - (chunk.byteLength % 8);
    for (let off = 0; off < whole && out.strings.length < MAX_ARGS; off += 8) {
      // Two 32-bit halves: no BigInt per pointer.
      const p = view.getUint32(off, true) + view.getUint32(off + 4, true) * 0x1_0000_0000;
      if (p === 0) return out;
      const r = strings.read(p, out);
      if (r < 0) return r;
    }
    at += whole;
  }
  return -Errno.E2BIG;
}

/**
 * The strings of argv and envp, read a page at a time: they mostly lie next to one another
 * (on a stack, or in a shell's heap), so one read serves several. A string that runs past its
 * page, or a page that cannot be read whole, is read on its own.
 */
class StringPages {
  private page = -1;
  private bytes: Uint8Array | null = null;

  constructor(
    private readonly ctx: SyscallContext,
    /** Each string found in a page is noted for a recorder (argv's: the trace keeps them). */
    private readonly noted: boolean,
  ) {}

  /** Adds the string at addr to out: 0, or -errno. */
  read(addr: number, out: StringArray): number {
    const start = addr - (addr % PAGE_SIZE);
    if (start !== this.page) {
      this.page = start;
      this.bytes = start > 0 ? this.ctx.read(start, PAGE_SIZE) : null;
    }
    if (this.bytes) {
      const from = addr - start;
      const nul = this.bytes.indexOf(0, from);
      if (nul >= 0) {
        // A view of the page read, which nothing writes again.
        const bytes = this.bytes.subarray(from, nul);
        if (this.noted) this.ctx.noteString(addr, bytes);
        out.strings.push(decodeBytes(bytes));
        out.bytes.push(bytes);
        return 0;
      }
    }
    const s = this.ctx.readString(addr, MAX_ARG_STRLEN);
    if (typeof s === 'number') return s;
    out.strings.push(s);
    out.bytes.push(encodeBytes(s));
    return 0;
  }
}

/**
 * What execveat(fd, "", AT_EMPTY_PATH) (fexecve) runs: the file fd was opened on. A file of the
 * overlay (a memfd, an unlinked or renamed file included) is that file itself, named
 * /dev/fd/N as Linux names it to a script's interpreter; a host file is found again by its
 * path. Anything but a regular file is EACCES, as on Linux.
 */
function fileOfFd(ctx: SyscallContext, fd: number): { dirfd: number; path: string; node?: VNode; cloexec?: boolean } | number {
  if (fd === AT_FDCWD) return -Errno.EACCES;
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'host' && d.file.kind !== 'mem') return -Errno.EACCES;
  // The file's mount decides, not the /dev/fd/N it is run as.
  if (ctx.kernel.root.tmpfsAt(d.file.path)?.options.noexec) return -Errno.EACCES;
  const node = d.file.kind === 'mem' ? memFile(ctx, d.file) : undefined;
  if (!node) return { dirfd: AT_FDCWD, path: d.file.path };
  const stat = statOfFile(ctx, d.file);
  if (typeof stat === 'number') return stat;
  const path = `/dev/fd/${fd}`;
  return { dirfd: AT_FDCWD, path, node: { fs: 'overlay', path, stat, node }, cloexec: d.cloexec };
}

function execAt(ctx: SyscallContext, dirfd: number, pathAddr: number, argvAddr: number, envpAddr: number, flags: number): Outcome {
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return -Errno.EINVAL;
  const path = ctx.readPath(pathAddr);
  if (typeof path === 'number') return path;
  if (path.length === 0 && !(flags & AT_EMPTY_PATH)) return -Errno.ENOENT;
  const target = path.length > 0 ? { dirfd, path } : fileOfFd(ctx, dirfd);
  if (typeof target === 'number') return target;
  const base = baseDir(ctx, target.dirfd, target.path);
  if (typeof base === 'number') return base;
  // Linux opens the file before it reads argv and envp: a missing one is ENOENT whatever the
  // arrays hold, and a shell or gcc trying each directory of PATH costs no reads of them.
  // Another user than root needs search permission on the way and execute permission on the file.
  // AT_SYMLINK_NOFOLLOW: a symbolic link as the last component is ELOOP.
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const file = 'node' in target && target.node ? target.node : resolveAt(ctx, target.dirfd, target.path, follow);
  if (typeof file === 'number') return file;
  if (!follow && file.stat.isSymbolicLink()) return -Errno.ELOOP;
  if (!mayAccess(ctx.process, file.stat, 1)) return -Errno.EACCES;
  if (file.stat.isFile() && isOpenForWriting(ctx.kernel.state, file.stat, (f) => statOfFile(ctx, f))) return -Errno.ETXTBSY;
  // A script run from a close-on-exec fd: its interpreter could not open /dev/fd/N (ENOENT, as Linux).
  if ('cloexec' in target && target.cloexec && file.fs === 'overlay' && file.node.kind === 'file' && startsWithShebang(readChunks(file.node.chunks, 0, Math.min(2, file.node.size)))) {
    return -Errno.ENOENT;
  }
  // argv's strings are noted for a recorder (the trace keeps them for the call's text), envp's not.
  const argv = readStringArray(ctx, argvAddr, true);
  if (typeof argv === 'number') return argv;
  const envp = readStringArray(ctx, envpAddr, false);
  if (typeof envp === 'number') return envp;
  // The new stack takes envp's bytes as read (argv's may change: a script's interpreter goes first).
  // The loader reads overlay files' bytes from state: shared mappings' writes go there first.
  pullAllSharedPages(ctx.kernel);
  try {
    const found = file.fs === 'host' || file.fs === 'overlay' ? file : undefined;
    const prepared = prepareExec(ctx.kernel.root, base, target.path, argv.strings, envp.strings, ctx.kernel.state.overlay, rootOf(ctx.process), found, envp.bytes);
    return { kind: 'exec', prepared };
  } catch (err) {
    if (err instanceof ExecError) return -err.errno;
    throw err;
  }
}

export function sysExecve(ctx: SyscallContext): Outcome {
  return execAt(ctx, AT_FDCWD, ctx.args[0]!, ctx.args[1]!, ctx.args[2]!, 0);
}

export function sysExecveat(ctx: SyscallContext): Outcome {
  return execAt(ctx, ctx.int(0), ctx.args[1]!, ctx.args[2]!, ctx.args[3]!, ctx.uint(4));
}

// ---- fork, clone, wait ----------------------------------------------------------------

const KNOWN_FLAGS =
  CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PIDFD | CLONE_PTRACE | CLONE_VFORK | CLONE_PARENT |
  CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED |
  CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO | NAMESPACE_FLAGS;
const RLIMIT_NPROC = 6;

/**
 * The task limits: the sandbox's (--pids-limit) and the caller's soft RLIMIT_NPROC, which
 * counts the tasks of its real user (Linux's ucounts) and binds neither root nor a caller with
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN (copy_process).
 */
function overTaskLimit(ctx: SyscallContext): boolean {
  const state = ctx.kernel.state;
  if (state.threads.size >= ctx.kernel.limits.pids) {
    ctx.kernel.limitReached('pids', `pids limit reached (${ctx.kernel.limits.pids} tasks): fork and clone fail with EAGAIN`);
    return true;
  }
  const soft = ctx.process.rlimits.get(RLIMIT_NPROC)?.[0] ?? -1;
  const creds = ctx.process.creds;
  if (soft < 0 || creds.uid === 0 || capable(creds, CAP_SYS_RESOURCE) || capable(creds, CAP_SYS_ADMIN)) return false;
  let own = 0;
  for (const t of state.threads.values()) if (state.processes.get(t.pid)?.creds.uid === creds.uid) own++;
  return own >= soft;
}

/**
 * Creates a thread or process: the host does it (the address space must be copied or
 * shared for real), the kernel gives the child its virtual id when the event arrives.
 */
function cloneWith(ctx: SyscallContext, flags: number, ptid: number, ctid: number, rewriteAs?: { nr: number; args: number[] }, pidfdAddr = ptid): Outcome {
  if (flags & ~KNOWN_FLAGS) return -Errno.EINVAL;
  if (flags & CLONE_PIDFD && flags & CLONE_PARENT_SETTID && pidfdAddr === ptid) return -Errno.EINVAL;
  // copy_process's checks, in its order: what no flags can combine into, then what the caller may do.
  const both = (a: number, b: number) => (flags & (a | b)) === (a | b);
  if (both(CLONE_NEWNS, CLONE_FS) || both(CLONE_NEWUSER, CLONE_FS)) return -Errno.EINVAL;
  const thread = (flags & CLONE_THREAD) !== 0;
  if (thread && !(flags & CLONE_SIGHAND)) return -Errno.EINVAL;
  if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -Errno.EINVAL;
  // The sandbox's init may not make siblings (its parent is outside the sandbox).
  if (flags & CLONE_PARENT && ctx.process.pid === 1) return -Errno.EINVAL;
  if (thread && flags & (CLONE_NEWUSER | CLONE_NEWPID)) return -Errno.EINVAL;
  // Linux's rules; a thread's pidfd (6.9's PIDFD_THREAD) is not offered.
  if (flags & CLONE_PIDFD && flags & (CLONE_DETACHED | CLONE_THREAD)) return -Errno.EINVAL;
  if (flags & NAMESPACE_FLAGS) return -Errno.EPERM; // the sandbox is already isolated
  if (flags & CLONE_PIDFD) {
    if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
    // Where the fd goes must be writable before the child exists (the kernel writes it after).
    const probe = ctx.read(pidfdAddr, 4);
    if (!probe || probe.length !== 4 || !ctx.kernel.platform.write(ctx.hostTid, pidfdAddr, probe)) return -Errno.EFAULT;
  }
  if (overTaskLimit(ctx)) return -Errno.EAGAIN;
  const platform = ctx.kernel.platform;
  // The flags the host gets: a new process becomes a host child of init (which reaps it; its
  // virtual parent is the caller), and the kernel itself writes the child's tid for
  // CLONE_CHILD_SETTID (the host would write its own tid when the child first runs).
  // CLONE_UNTRACED and CLONE_PTRACE concern the caller's tracer (ptrace.ts): a tracer in the
  // sandbox never follows clones, so Linux's answer is to ignore them; the host must not see
  // them (its tracer, tsvisor, follows every task).
  const hostFlags = ((flags & ~(CLONE_CHILD_SETTID | CLONE_PIDFD | CLONE_UNTRACED | CLONE_PTRACE)) | (thread ? 0 : CLONE_PARENT)) >>> 0;
  if (rewriteAs) {
    platform.setSyscallArg(ctx.hostTid, -1, rewriteAs.nr);
    rewriteAs.args.forEach((v, i) => platform.setSyscallArg(ctx.hostTid, i, i === 0 ? hostFlags : v));
  } else {
    platform.setSyscallArg(ctx.hostTid, 0, hostFlags);
  }
  ctx.kernel.expectClone(ctx.thread.tid, { thread, flags, ptid, ctid, originalArgs: [...ctx.args], ...(flags & CLONE_PIDFD ? { pidfd: pidfdAddr } : {}) });
  return { kind: 'host', rewrite: (r) => r };
}

export function sysClone(ctx: SyscallContext): Outcome {
  // x86-64 order: flags, stack, parent_tid, child_tid, tls.
  return cloneWith(ctx, ctx.uint(0), ctx.args[2]!, ctx.args[3]!);
}

export function sysFork(ctx: SyscallContext): Outcome {
  return cloneWith(ctx, SIGCHLD, 0, 0, { nr: SYS.clone, args: [SIGCHLD, 0, 0, 0, 0, 0] });
}

export function sysVfork(ctx: SyscallContext): Outcome {
  const flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
  return cloneWith(ctx, flags, 0, 0, { nr: SYS.clone, args: [flags, 0, 0, 0, 0, 0] });
}

/** sizeof(struct clone_args) as Linux knows it (with set_tid and cgroup). */
const CLONE_ARGS_SIZE = 88;
const CLONE_INTO_CGROUP = 0x200000000;

/** clone3: the same, from a struct clone_args, performed by the host as a plain clone. */
export function sysClone3(ctx: SyscallContext): Outcome {
  const size = ctx.args[1]!;
  // size_t: "negative" is huge. A larger struct than Linux knows (88 bytes) is read whole and
  // must be zero past what it knows (copy_struct_from_user): E2BIG otherwise, EFAULT if it faults.
  if (size < 0 || size > 4096) return -Errno.E2BIG;
  if (size < 64) return -Errno.EINVAL;
  // Bytes past Linux's struct are looked at until a non-zero one (E2BIG) or a fault (EFAULT).
  const whole = ctx.readSome(ctx.args[0]!, size);
  if (!whole) return -Errno.EFAULT;
  if (whole.subarray(CLONE_ARGS_SIZE).some((b) => b !== 0)) return -Errno.E2BIG;
  if (whole.length < size) return -Errno.EFAULT;
  // A smaller (older) struct reads as zeros past its end.
  const raw = new Uint8Array(CLONE_ARGS_SIZE);
  raw.set(whole.subarray(0, CLONE_ARGS_SIZE));
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const field = (i: number) => Number(v.getBigUint64(i * 8, true));
  const [flags, pidfd, childTid, parentTid, exitSignal, stack, stackSize, tls] = [0, 1, 2, 3, 4, 5, 6, 7].map(field) as number[];
  if (field(8) !== 0 || field(9) !== 0) return -Errno.EINVAL; // set_tid: no pid choosing
  if (exitSignal! > 64 || (flags! & CSIGNAL)) return -Errno.EINVAL;
  // A stack is an address and a size, both or neither (clone3_stack_valid).
  if ((stack! === 0) !== (stackSize! === 0)) return -Errno.EINVAL;
  if (flags! >= CLONE_INTO_CGROUP && Math.floor(flags! / CLONE_INTO_CGROUP) % 2 === 1) {
    // The cgroup must be an fd of a cgroup2 directory: the sandbox has none to give (EBADF).
    if (field(10) > 0x7fffffff || size < CLONE_ARGS_SIZE) return -Errno.EINVAL;
    return -Errno.EBADF;
  }
  if (flags! > 0xffffffff) return -Errno.EINVAL; // CLONE_CLEAR_SIGHAND
  const cloneFlags = (flags! | exitSignal!) >>> 0;
  const sp = stack! ? stack! + stackSize! : 0;
  return cloneWith(ctx, cloneFlags, parentTid!, childTid!, {
    nr: SYS.clone,
    args: [cloneFlags, sp, parentTid!, childTid!, tls!, 0],
  }, pidfd!);
}

const WNOHANG = 1;
const WUNTRACED = 2;
const WEXITED = 4;
const WCONTINUED = 8;
const WNOWAIT = 0x1000000;
const __WNOTHREAD = 0x20000000;
const __WALL = 0x40000000;
const __WCLONE = 0x80000000;
const P_ALL = 0;
const P_PID = 1;
const P_PGID = 2;
const P_PIDFD = 3;

/**
 * The caller's children that match a wait4 pid argument. A child whose exit signal is not
 * SIGCHLD (a "clone child") is waited for with __WCLONE or __WALL only, the others without
 * __WCLONE (__WALL: all).
 */
function matchingChildren(ctx: SyscallContext, pid: number, options: number) {
  const caller = ctx.process;
  const wantClone = (options & __WCLONE) !== 0;
  return [...ctx.kernel.state.processes.values()].filter((p) => {
    if (p.ppid !== caller.pid) return false;
    if (!(options & __WALL) && ((p.exitSignal ?? SIGCHLD) !== SIGCHLD) !== wantClone) return false;
    if (pid > 0) return p.pid === pid;
    if (pid === 0) return p.pgid === caller.pgid;
    if (pid < -1) return p.pgid === -pid;
    return true;
  });
}

/** The threads the caller's threads traced (ptrace.ts) that match a wait4 pid argument. */
function matchingTracees(ctx: SyscallContext, pid: number): number[] {
  const state = ctx.kernel.state;
  const tids: number[] = [];
  for (const t of state.threads.values()) {
    if (t.tracer === undefined || state.threads.get(t.tracer)?.pid !== ctx.process.pid) continue;
    if (pid === -1 || pid === t.tid) tids.push(t.tid);
  }
  return tids;
}

/**
 * The common core of wait4 and waitid: finds an exited child, reports it through report()
 * and reaps it (unless WNOWAIT); blocks while children run; ECHILD when there are none.
 */
function waitFor(
  ctx: SyscallContext,
  pid: number,
  options: number,
  report: (child: { pid: number; waitStatus: number }) => number,
  exited = true,
): Outcome {
  const attempt = (): number | null => {
    const children = matchingChildren(ctx, pid, options);
    const tracees = matchingTracees(ctx, pid);
    const traceeEnds = ctx.kernel.tracedExitsFor(ctx.process.pid).filter(([tid]) => pid === -1 || pid === tid);
    if (children.length === 0 && tracees.length === 0 && traceeEnds.length === 0) return -Errno.ECHILD;
    // A tracee's stop is reported once to its tracer's process, whatever the options ask.
    for (const tid of tracees) {
      const stop = ctx.kernel.traceStopOf(tid);
      if (stop === undefined || stop.at === 'stopping' || stop.reported) continue;
      const r = report({ pid: tid, waitStatus: stop.status });
      if (!(options & WNOWAIT)) stop.reported = true;
      return r;
    }
    // A tracee's end, before its parent hears of it.
    if (exited && traceeEnds.length > 0) {
      const [tid, waitStatus] = traceeEnds[0]!;
      const r = report({ pid: tid, waitStatus });
      if (!(options & WNOWAIT)) ctx.kernel.takeTracedExit(tid);
      return r;
    }
    // A child its tracer has not waited for yet is not its parent's to wait for.
    const zombie = exited ? children.find((c) => c.status === 'zombie' && !ctx.kernel.endHeldForTracer(c.pid)) : undefined;
    if (zombie) {
      const r = report({ pid: zombie.pid, waitStatus: zombie.waitStatus ?? 0 });
      // Linux reaps the child even when storing its status faults (the caller gets EFAULT).
      if (!(options & WNOWAIT)) ctx.emit({ type: 'ProcessReaped', pid: zombie.pid, waited: true });
      return r;
    }
    // Job control: a stop (WUNTRACED) or a continue (WCONTINUED) is reported once.
    const changed = children.find(
      (c) => c.status === 'running' && ((options & WUNTRACED && c.waitReport === 'stopped') || (options & WCONTINUED && c.waitReport === 'continued')),
    );
    if (changed) {
      const waitStatus = changed.waitReport === 'stopped' ? (changed.stopSignal << 8) | 0x7f : 0xffff;
      const r = report({ pid: changed.pid, waitStatus });
      if (!(options & WNOWAIT)) ctx.emit({ type: 'WaitReportTaken', pid: changed.pid });
      return r;
    }
    return options & WNOHANG ? 0 : null;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`wait:${ctx.process.pid}`], attempt);
}

export function sysWait4(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  const statusAddr = ctx.args[1]!;
  const options = ctx.uint(2);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -Errno.EINVAL;
  if (pid === -2147483648) return -Errno.ESRCH;
  return waitFor(ctx, pid, options, (child) => {
    if (statusAddr !== 0) {
      const out = Buffer.alloc(4);
      out.writeInt32LE(child.waitStatus);
      if (!ctx.write(statusAddr, out)) return -Errno.EFAULT;
    }
    const rusage = ctx.args[3]!;
    if (rusage !== 0 && !ctx.write(rusage, encodeRusage(waitedUsage(ctx.kernel.state.processes.get(child.pid))))) return -Errno.EFAULT;
    return child.pid;
  });
}


export function sysWaitid(ctx: SyscallContext): Outcome {
  const idtype = ctx.int(0);
  const id = ctx.int(1);
  const infop = ctx.args[2]!;
  const options = ctx.uint(3);
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE)) return -Errno.EINVAL;
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -Errno.EINVAL;
  let pid: number;
  let nonblockPidfd = false;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) pid = id > 0 ? id : Number.NaN;
  else if (idtype === P_PGID) pid = id < 0 ? Number.NaN : id === 0 ? 0 : -id;
  else if (idtype === P_PIDFD) {
    const named = pidfdProcess(ctx, id);
    if (typeof named === 'number') return named;
    pid = named.pid;
    nonblockPidfd = (named.file.flags & O_NONBLOCK) !== 0;
  } else return -Errno.EINVAL;
  if (Number.isNaN(pid)) return -Errno.EINVAL;
  let reported = false;
  // A PIDFD_NONBLOCK pidfd waits as with WNOHANG; nothing to report then is EAGAIN, unless WNOHANG was asked.
  const waited = waitFor(ctx, pid, nonblockPidfd ? options | WNOHANG : options, (child) => {
    reported = true;
    const rusage = ctx.args[4]!;
    if (rusage !== 0 && !ctx.write(rusage, encodeRusage(waitedUsage(ctx.kernel.state.processes.get(child.pid))))) return -Errno.EFAULT;
    if (infop === 0) return 0;
    const info = Buffer.alloc(128);
    const st = child.waitStatus;
    const sig = st & 0x7f;
    let code: number;
    let status: number;
    if (st === 0xffff) [code, status] = [CLD_CONTINUED, SIGCONT];
    else if (sig === 0x7f) [code, status] = [CLD_STOPPED, (st >> 8) & 0xff];
    else if (sig === 0) [code, status] = [CLD_EXITED, (st >> 8) & 0xff];
    else [code, status] = [st & 0x80 ? CLD_DUMPED : CLD_KILLED, sig];
    info.writeInt32LE(SIGCHLD, 0); // si_signo
    info.writeInt32LE(code, 8); // si_code
    info.writeInt32LE(child.pid, 16); // si_pid
    info.writeInt32LE(0, 20); // si_uid
    info.writeInt32LE(status, 24); // si_status
    return ctx.write(infop, info) ? 0 : -Errno.EFAULT;
  }, (options & WEXITED) !== 0);
  const r = waited === 0 && !reported && nonblockPidfd && !(options & WNOHANG) ? -Errno.EAGAIN : waited;
  // WNOHANG with nothing to report, or an error: Linux still writes a zeroed siginfo (and a
  // bad pointer then makes it EFAULT).
  if (typeof r === 'number' && !reported && infop !== 0) {
    if (!ctx.write(infop, Buffer.alloc(128))) return -Errno.EFAULT;
  }
  return r;
}

export function sysSetpgid(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0) || ctx.process.pid;
  const pgid = ctx.int(1) || pid;
  if (pgid < 0) return -Errno.EINVAL;
  const target = ctx.kernel.state.processes.get(pid);
  if (!target || target.status !== 'running' || (target.pid !== ctx.process.pid && target.ppid !== ctx.process.pid)) return -Errno.ESRCH;
  if (target.sid !== ctx.process.sid) return -Errno.EPERM;
  if (target.pid === target.sid) return -Errno.EPERM;
  const groupExists = pgid === pid || [...ctx.kernel.state.processes.values()].some((p) => p.pgid === pgid && p.sid === ctx.process.sid);
  if (!groupExists) return -Errno.EPERM;
  ctx.emit({ type: 'ProcessGroupSet', pid, pgid });
  return 0;
}

export function sysSetsid(ctx: SyscallContext): Outcome {
  const pid = ctx.process.pid;
  if ([...ctx.kernel.state.processes.values()].some((p) => p.pgid === pid)) return -Errno.EPERM;
  ctx.emit({ type: 'SessionCreated', pid });
  return pid;
}

/** get_robust_list: a thread's own list is the host's to give; another thread's would need ptrace rights: EPERM. */
export function sysGetRobustList(ctx: SyscallContext): Outcome {
  const tid = ctx.int(0);
  if (tid === 0) return hostRuns;
  if (!ctx.kernel.state.threads.has(tid)) return -Errno.ESRCH;
  if (tid !== ctx.thread.tid) return -Errno.EPERM;
  // The caller named by its own tid: the host answers as for 0 (its tid is not the host's).
  return hostRunsWithArg(ctx, 0, 0);
}

/** Whether a file's first bytes are "#!" (a script for an interpreter). */
function startsWithShebang(head: Uint8Array): boolean {
  return head[0] === 0x23 && head[1] === 0x21;
}
