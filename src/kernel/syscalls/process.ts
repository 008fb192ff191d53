// Process identity and lifecycle: pids (virtual), credentials, exit, execve, limits, prctl.
import { Errno } from '../errno.js';
import { ExecError, prepareExec } from '../loader/exec.js';
import type { SyscallContext } from './context.js';
import { hostRuns, type Outcome } from './outcome.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, baseDir } from './paths.js';
import { SYS } from './numbers.js';

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

export function sysArchPrctl(ctx: SyscallContext): Outcome {
  switch (ctx.int(0)) {
    case ARCH_SET_GS:
    case ARCH_SET_FS:
    case ARCH_GET_FS:
    case ARCH_GET_GS:
    case ARCH_GET_CPUID:
      return hostRuns; // they only touch the caller's own registers
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
const PR_CAPBSET_READ = 23;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_GET_NO_NEW_PRIVS = 39;
const CAP_LAST_CAP = 40;

export function sysPrctl(ctx: SyscallContext): Outcome {
  const option = ctx.int(0);
  switch (option) {
    case PR_SET_NAME: {
      const name = ctx.read(ctx.args[1]!, 16);
      if (!name) return -Errno.EFAULT;
      const end = name.indexOf(0);
      const comm = Buffer.from(name.subarray(0, end < 0 ? 15 : Math.min(end, 15))).toString('utf8');
      ctx.emit({ type: 'CommSet', pid: ctx.process.pid, comm });
      return 0;
    }
    case PR_GET_NAME: {
      const out = Buffer.alloc(16);
      out.write(ctx.process.comm.slice(0, 15));
      return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
    }
    case PR_GET_DUMPABLE:
      return 1;
    case PR_SET_DUMPABLE:
      return ctx.args[1]! === 0 || ctx.args[1]! === 1 ? 0 : -Errno.EINVAL;
    case PR_SET_PDEATHSIG:
      return ctx.args[1]! >= 0 && ctx.args[1]! <= 64 ? 0 : -Errno.EINVAL;
    case PR_GET_PDEATHSIG: {
      const out = Buffer.alloc(4);
      return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
    }
    case PR_GET_SECCOMP:
      return 0;
    case PR_CAPBSET_READ:
      return ctx.args[1]! >= 0 && ctx.args[1]! <= CAP_LAST_CAP ? 1 : -Errno.EINVAL;
    case PR_SET_NO_NEW_PRIVS:
      return ctx.args[1]! === 1 ? 0 : -Errno.EINVAL;
    case PR_GET_NO_NEW_PRIVS:
      return 1; // the truth: every sandbox process has it
    default:
      return -Errno.EINVAL;
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
  if (oldAddr && !ctx.write(oldAddr, encodeRlimit(current))) return -Errno.EFAULT;
  if (next) ctx.emit({ type: 'RlimitSet', pid: p.pid, resource, soft: next[0], hard: next[1] });
  return 0;
}

export function sysPrlimit64(ctx: SyscallContext): Outcome {
  return rlimit(ctx, ctx.int(0), ctx.int(1), ctx.args[2]!, ctx.args[3]!);
}

export function sysGetrlimit(ctx: SyscallContext): Outcome {
  return rlimit(ctx, 0, ctx.int(0), 0, ctx.args[1]!);
}

export function sysSetrlimit(ctx: SyscallContext): Outcome {
  return rlimit(ctx, 0, ctx.int(0), ctx.args[1]!, 0);
}

export function sysUmask(ctx: SyscallContext): Outcome {
  const old = ctx.process.umask;
  ctx.emit({ type: 'UmaskSet', pid: ctx.process.pid, umask: ctx.int(0) & 0o777 });
  return old;
}

const MAX_ARG_STRLEN = 131072;
const MAX_ARGS = 0x7fffffff / 8;

/** Reads a NULL-terminated array of string pointers (argv, envp). */
function readStringArray(ctx: SyscallContext, addr: number): string[] | number {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; i < MAX_ARGS; i++) {
    const ptr = ctx.read(addr + i * 8, 8);
    if (!ptr) return -Errno.EFAULT;
    const p = Number(new DataView(ptr.buffer, ptr.byteOffset).getBigUint64(0, true));
    if (p === 0) return out;
    const s = ctx.readString(p, MAX_ARG_STRLEN);
    if (typeof s === 'number') return s;
    out.push(s);
  }
  return -Errno.E2BIG;
}

function execAt(ctx: SyscallContext, dirfd: number, pathAddr: number, argvAddr: number, envpAddr: number, flags: number): Outcome {
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return -Errno.EINVAL;
  const path = ctx.readPath(pathAddr);
  if (typeof path === 'number') return path;
  if (path.length === 0 && !(flags & AT_EMPTY_PATH)) return -Errno.ENOENT;
  const argv = readStringArray(ctx, argvAddr);
  if (typeof argv === 'number') return argv;
  const envp = readStringArray(ctx, envpAddr);
  if (typeof envp === 'number') return envp;
  const base = baseDir(ctx, dirfd, path);
  if (typeof base === 'number') return base;
  try {
    const prepared = prepareExec(ctx.kernel.root, base, path, argv, envp);
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

export function sysWait4(ctx: SyscallContext): Outcome {
  // Processes cannot fork yet, so nobody has children to wait for.
  void ctx;
  return -Errno.ECHILD;
}
