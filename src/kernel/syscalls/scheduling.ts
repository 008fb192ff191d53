// Scheduling: CPU affinity, nice values (getpriority/setpriority), scheduling policies
// (sched_setscheduler, sched_setattr and friends) and I/O priorities (ioprio_set/ioprio_get).
// The sandbox keeps what programs set and answers with it,
// with Linux's checks (ESRCH, EINVAL, EPERM/EACCES without privilege); the host schedules the
// sandbox's threads as ordinary threads whatever they asked for. Values are kept per process
// (Linux keeps them per thread): a thread id names its process.
import { Errno } from '../errno.js';
import { sandboxCpus } from '../host_cpus.js';
import type { ProcessState, Scheduling } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { PAGE } from '../abi/mmap.js';
import { CAP_SYS_NICE, capable } from '../task/capabilities.js';
import { processOfTid } from '../task/task_lookup.js';

const PRIO_PROCESS = 0;
const PRIO_PGRP = 1;
const PRIO_USER = 2;
const SCHED_OTHER = 0;
const SCHED_FIFO = 1;
const SCHED_RR = 2;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;
const SCHED_DEADLINE = 6;
const SCHED_RESET_ON_FORK = 0x40000000;
/** sched_rr_timeslice_ms's default. */
const RR_INTERVAL_NS = 100_000_000;
/**
 * What Linux 6.6+ (EEVDF) reports for a SCHED_OTHER thread whose run queue has nothing else on it
 * (get_rr_interval_fair), the case of the thread that asks on an idle machine: 0.
 */
const OTHER_INTERVAL_NS = 0;

const DEFAULT_SCHEDULING: Scheduling = { nice: 0, policy: SCHED_OTHER, priority: 0 };

function schedulingOf(p: ProcessState): Scheduling {
  return p.scheduling ?? DEFAULT_SCHEDULING;
}

/** CAP_SYS_NICE. */
function privileged(ctx: SyscallContext): boolean {
  return capable(ctx.process.creds, CAP_SYS_NICE);
}

/** The process a sched_* or PRIO_PROCESS id names: 0 is the caller, else any thread's id. */
function processOfThread(ctx: SyscallContext, tid: number): ProcessState | undefined {
  return tid === 0 ? ctx.process : processOfTid(ctx.kernel.state, tid);
}

/** Whether the caller may change the target's scheduling (its own, root, or a matching uid). */
function mayChange(ctx: SyscallContext, target: ProcessState): boolean {
  const c = ctx.process.creds;
  return privileged(ctx) || c.euid === target.creds.uid || c.euid === target.creds.euid;
}

function set(ctx: SyscallContext, target: ProcessState, next: Partial<Scheduling>): void {
  ctx.emit({ type: 'SchedulingSet', pid: target.pid, scheduling: { ...schedulingOf(target), ...next } });
}

/** The CPUs a process may use: the sandbox's, or those sched_setaffinity left it (kept per process, not applied on the host). */
export function sysSchedGetaffinity(ctx: SyscallContext): Outcome {
  // The length (an unsigned int) is checked before the pid is looked up, as on Linux.
  const size = ctx.uint(1);
  const cpus = sandboxCpus();
  const bytes = Math.max(8, Math.ceil(cpus / 64) * 8);
  if (size < bytes || size % 8 !== 0) return -Errno.EINVAL;
  const target = processOfThread(ctx, ctx.int(0));
  if (!target) return -Errno.ESRCH;
  const mask = Buffer.alloc(bytes);
  const allowed = schedulingOf(target).affinity ?? Array.from({ length: cpus }, (_, cpu) => cpu);
  for (const cpu of allowed) mask[cpu >> 3]! |= 1 << (cpu & 7);
  return ctx.write(ctx.args[2]!, mask) ? bytes : -Errno.EFAULT;
}

export function sysSchedSetaffinity(ctx: SyscallContext): Outcome {
  const target = processOfThread(ctx, ctx.int(0));
  if (!target) return -Errno.ESRCH;
  const mask = ctx.read(ctx.args[2]!, Math.min(ctx.args[1]!, 128));
  if (!mask) return -Errno.EFAULT;
  if (!mayChange(ctx, target)) return -Errno.EPERM;
  const cpus = Math.min(sandboxCpus(), mask.length * 8);
  const allowed: number[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) if (mask[cpu >> 3]! & (1 << (cpu & 7))) allowed.push(cpu);
  // A mask with none of the CPUs there are is EINVAL, as on Linux.
  if (allowed.length === 0) return -Errno.EINVAL;
  set(ctx, target, { affinity: allowed });
  return 0;
}

/** The running processes a (kind, who) pair selects: one process (a thread id names it), a process group, a user; who 0 is the caller's. */
function selectProcesses(ctx: SyscallContext, kind: 'process' | 'group' | 'user', who: number): ProcessState[] {
  if (kind === 'process') {
    const p = processOfThread(ctx, who);
    return p ? [p] : [];
  }
  const all = [...ctx.kernel.state.processes.values()].filter((p) => p.status === 'running');
  if (kind === 'group') return all.filter((p) => p.pgid === (who === 0 ? ctx.process.pgid : who));
  return all.filter((p) => p.creds.uid === (who === 0 ? ctx.process.creds.uid : who));
}

/** The processes getpriority/setpriority's (which, who) select, or -errno. */
function prioTargets(ctx: SyscallContext, which: number, who: number): ProcessState[] | number {
  const kind = which === PRIO_PROCESS ? 'process' : which === PRIO_PGRP ? 'group' : which === PRIO_USER ? 'user' : undefined;
  return kind === undefined ? -Errno.EINVAL : selectProcesses(ctx, kind, who);
}

/** getpriority: the best (lowest) nice value of the targets, as the raw syscall returns it (20 - nice). */
export function sysGetpriority(ctx: SyscallContext): Outcome {
  const targets = prioTargets(ctx, ctx.int(0), ctx.int(1));
  if (typeof targets === 'number') return targets;
  if (targets.length === 0) return -Errno.ESRCH;
  return 20 - Math.min(...targets.map((p) => schedulingOf(p).nice));
}

export function sysSetpriority(ctx: SyscallContext): Outcome {
  const targets = prioTargets(ctx, ctx.int(0), ctx.int(1));
  if (typeof targets === 'number') return targets;
  if (targets.length === 0) return -Errno.ESRCH;
  const nice = Math.max(-20, Math.min(19, ctx.int(2)));
  for (const p of targets) {
    if (!mayChange(ctx, p)) return -Errno.EPERM;
    // Raising priority (a lower nice value) takes CAP_SYS_NICE.
    if (nice < schedulingOf(p).nice && !privileged(ctx)) return -Errno.EACCES;
  }
  for (const p of targets) set(ctx, p, { nice });
  return 0;
}

function readPriority(ctx: SyscallContext, addr: number): number | null {
  const raw = ctx.read(addr, 4);
  return raw ? Buffer.from(raw).readInt32LE() : null;
}

/** Checks a (policy, priority) pair as sched_setscheduler does: 0 or -errno. */
function checkPolicy(ctx: SyscallContext, policy: number, priority: number): number {
  if (policy === SCHED_FIFO || policy === SCHED_RR) {
    if (priority < 1 || priority > 99) return -Errno.EINVAL;
    return privileged(ctx) ? 0 : -Errno.EPERM;
  }
  if (policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE) return priority === 0 ? 0 : -Errno.EINVAL;
  return -Errno.EINVAL;
}

export function sysSchedSetscheduler(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  const policy = ctx.int(1) & ~SCHED_RESET_ON_FORK;
  if (pid < 0 || ctx.args[2]! === 0) return -Errno.EINVAL;
  const priority = readPriority(ctx, ctx.args[2]!);
  if (priority === null) return -Errno.EFAULT;
  const target = processOfThread(ctx, pid);
  if (!target) return -Errno.ESRCH;
  const r = checkPolicy(ctx, policy, priority);
  if (r < 0) return r;
  if (!mayChange(ctx, target)) return -Errno.EPERM;
  set(ctx, target, { policy, priority });
  return 0;
}

export function sysSchedGetscheduler(ctx: SyscallContext): Outcome {
  if (ctx.int(0) < 0) return -Errno.EINVAL;
  const target = processOfThread(ctx, ctx.int(0));
  return target ? schedulingOf(target).policy : -Errno.ESRCH;
}

export function sysSchedSetparam(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  if (pid < 0 || ctx.args[1]! === 0) return -Errno.EINVAL;
  const priority = readPriority(ctx, ctx.args[1]!);
  if (priority === null) return -Errno.EFAULT;
  const target = processOfThread(ctx, pid);
  if (!target) return -Errno.ESRCH;
  const r = checkPolicy(ctx, schedulingOf(target).policy, priority);
  if (r < 0) return r;
  if (!mayChange(ctx, target)) return -Errno.EPERM;
  set(ctx, target, { priority });
  return 0;
}

export function sysSchedGetparam(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  if (pid < 0 || ctx.args[1]! === 0) return -Errno.EINVAL;
  const target = processOfThread(ctx, pid);
  if (!target) return -Errno.ESRCH;
  const out = Buffer.alloc(4);
  out.writeInt32LE(schedulingOf(target).priority);
  return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
}

export function sysSchedGetPriorityMax(ctx: SyscallContext): Outcome {
  const policy = ctx.int(0);
  if (policy === SCHED_FIFO || policy === SCHED_RR) return 99;
  return policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE ? 0 : -Errno.EINVAL;
}

export function sysSchedGetPriorityMin(ctx: SyscallContext): Outcome {
  const policy = ctx.int(0);
  if (policy === SCHED_FIFO || policy === SCHED_RR) return 1;
  return policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE ? 0 : -Errno.EINVAL;
}

/** sched_rr_get_interval: RR's time slice, 0 for FIFO, a CFS-like slice for the others. */
export function sysSchedRrGetInterval(ctx: SyscallContext): Outcome {
  if (ctx.int(0) < 0) return -Errno.EINVAL;
  const target = processOfThread(ctx, ctx.int(0));
  if (!target) return -Errno.ESRCH;
  const policy = schedulingOf(target).policy;
  const ns = policy === SCHED_RR ? RR_INTERVAL_NS : policy === SCHED_FIFO ? 0 : OTHER_INTERVAL_NS;
  const out = Buffer.alloc(16);
  out.writeBigInt64LE(BigInt(Math.floor(ns / 1e9)), 0);
  out.writeBigInt64LE(BigInt(ns % 1e9), 8);
  return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
}

// ---- sched_getattr / sched_setattr --------------------------------------------------------

/** sizeof(struct sched_attr): SCHED_ATTR_SIZE_VER0 (without the utilization clamps) and VER1. */
const SCHED_ATTR_SIZE_VER0 = 48;
const SCHED_ATTR_SIZE = 56;
const SCHED_FLAG_KEEP_POLICY = 0x08;
const SCHED_FLAG_KEEP_PARAMS = 0x10;
/** RESET_ON_FORK, RECLAIM, DL_OVERRUN, KEEP_POLICY, KEEP_PARAMS, UTIL_CLAMP_MIN/MAX. */
const SCHED_FLAG_ALL = 0x7f;
const FAIR_POLICIES = new Set([SCHED_OTHER, SCHED_BATCH, SCHED_IDLE]);

/** sched_getattr: the policy with its nice value (fair policies) or static priority (FIFO, RR). */
export function sysSchedGetattr(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  const size = ctx.uint(2);
  if (ctx.args[1]! === 0 || pid < 0 || ctx.uint(3) !== 0) return -Errno.EINVAL;
  if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE) return -Errno.EINVAL;
  const target = processOfThread(ctx, pid);
  if (!target) return -Errno.ESRCH;
  const { policy, nice, priority } = schedulingOf(target);
  // A caller's larger struct gets zeros past what this kernel knows.
  const attr = Buffer.alloc(Math.max(size, SCHED_ATTR_SIZE));
  attr.writeUInt32LE(Math.min(size, SCHED_ATTR_SIZE), 0);
  attr.writeUInt32LE(policy, 4);
  if (FAIR_POLICIES.has(policy)) attr.writeInt32LE(nice, 16);
  else attr.writeUInt32LE(priority, 20);
  return ctx.write(ctx.args[1]!, attr.subarray(0, size)) ? 0 : -Errno.EFAULT;
}

/**
 * Reads a struct sched_attr as sched_setattr does: its size field says how much there is (0:
 * the first version); a size it does not know is E2BIG (and the kernel's size is written back),
 * unless what it does not know is all zeros.
 */
function readSchedAttr(ctx: SyscallContext, addr: number): Buffer | number {
  const head = ctx.read(addr, 4);
  if (!head) return -Errno.EFAULT;
  let size = Buffer.from(head).readUInt32LE();
  if (size === 0) size = SCHED_ATTR_SIZE_VER0;
  const tooBig = (): number => {
    const known = Buffer.alloc(4);
    known.writeUInt32LE(SCHED_ATTR_SIZE);
    return ctx.write(addr, known) ? -Errno.E2BIG : -Errno.EFAULT;
  };
  if (size > PAGE || size < SCHED_ATTR_SIZE_VER0) return tooBig();
  const raw = ctx.read(addr, size);
  if (!raw) return -Errno.EFAULT;
  if (raw.subarray(SCHED_ATTR_SIZE).some((byte) => byte !== 0)) return tooBig();
  const attr = Buffer.alloc(SCHED_ATTR_SIZE);
  attr.set(raw.subarray(0, SCHED_ATTR_SIZE));
  return attr;
}

export function sysSchedSetattr(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  if (ctx.args[1]! === 0 || pid < 0 || ctx.uint(2) !== 0) return -Errno.EINVAL;
  const attr = readSchedAttr(ctx, ctx.args[1]!);
  if (typeof attr === 'number') return attr;
  const flags = attr.readBigUInt64LE(8);
  if (attr.readInt32LE(4) < 0 || (flags & ~BigInt(SCHED_FLAG_ALL)) !== 0n) return -Errno.EINVAL;
  const target = processOfThread(ctx, pid);
  if (!target) return -Errno.ESRCH;
  const current = schedulingOf(target);
  const policy = flags & BigInt(SCHED_FLAG_KEEP_POLICY) ? current.policy : attr.readUInt32LE(4);
  const keepParams = (flags & BigInt(SCHED_FLAG_KEEP_PARAMS)) !== 0n;
  // Out-of-range nice values are clamped, as Linux does here (setpriority clamps too).
  const nice = keepParams ? current.nice : Math.max(-20, Math.min(19, attr.readInt32LE(16)));
  const priority = keepParams ? current.priority : attr.readUInt32LE(20);
  // Deadline scheduling needs bandwidth the sandbox does not reserve: refused as when admission fails.
  if (policy === SCHED_DEADLINE) return -Errno.EBUSY;
  const r = checkPolicy(ctx, policy, priority);
  if (r < 0) return r;
  if (!mayChange(ctx, target)) return -Errno.EPERM;
  if (FAIR_POLICIES.has(policy) && nice < current.nice && !privileged(ctx)) return -Errno.EPERM;
  set(ctx, target, FAIR_POLICIES.has(policy) ? { policy, priority, nice } : { policy, priority });
  return 0;
}

// ---- ioprio_get / ioprio_set --------------------------------------------------------------

const IOPRIO_WHO_PROCESS = 1;
const IOPRIO_WHO_PGRP = 2;
const IOPRIO_WHO_USER = 3;
const IOPRIO_CLASS_SHIFT = 13;
const IOPRIO_CLASS_NONE = 0;
const IOPRIO_CLASS_RT = 1;
const IOPRIO_CLASS_BE = 2;
const IOPRIO_CLASS_IDLE = 3;
/** What a process of class NONE counts as when priorities are compared: best-effort, level 4. */
const IOPRIO_DEFAULT = (IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | 4;

function ioClass(ioprio: number): number {
  return (ioprio >> IOPRIO_CLASS_SHIFT) & 0x7;
}

/** The processes ioprio's (which, who) select, or -errno. */
function ioprioTargets(ctx: SyscallContext, which: number, who: number): ProcessState[] | number {
  const kind = which === IOPRIO_WHO_PROCESS ? 'process' : which === IOPRIO_WHO_PGRP ? 'group' : which === IOPRIO_WHO_USER ? 'user' : undefined;
  return kind === undefined ? -Errno.EINVAL : selectProcesses(ctx, kind, who);
}

/** ioprio_get: one process's priority as set; for several, the best, class NONE counting as best-effort 4. */
export function sysIoprioGet(ctx: SyscallContext): Outcome {
  const targets = ioprioTargets(ctx, ctx.int(0), ctx.int(1));
  if (typeof targets === 'number') return targets;
  if (targets.length === 0) return -Errno.ESRCH;
  const priorities = targets.map((p) => schedulingOf(p).ioPriority ?? 0);
  if (priorities.length === 1) return priorities[0]!;
  return Math.min(...priorities.map((v) => (ioClass(v) === IOPRIO_CLASS_NONE ? IOPRIO_DEFAULT : v)));
}

export function sysIoprioSet(ctx: SyscallContext): Outcome {
  const ioprio = ctx.int(2);
  switch (ioClass(ioprio)) {
    case IOPRIO_CLASS_RT:
      if (!privileged(ctx)) return -Errno.EPERM;
      break;
    case IOPRIO_CLASS_BE:
    case IOPRIO_CLASS_IDLE:
      break;
    case IOPRIO_CLASS_NONE:
      if ((ioprio & 0x7) !== 0) return -Errno.EINVAL;
      break;
    default:
      return -Errno.EINVAL;
  }
  const targets = ioprioTargets(ctx, ctx.int(0), ctx.int(1));
  if (typeof targets === 'number') return targets;
  if (targets.length === 0) return -Errno.ESRCH;
  for (const p of targets) if (!mayChange(ctx, p)) return -Errno.EPERM;
  for (const p of targets) set(ctx, p, { ioPriority: ioprio & 0xffff });
  return 0;
}
