// The contents of /proc files, made from kernel state (virtual pids, the sandbox's mounts)
// and, for machine-wide facts the sandbox may know (CPUs, memory), from the host's /proc.
import { sandboxCpus } from '../host_cpus.js';
import fs from 'node:fs';
import os from 'node:os';

import { KERNEL_RELEASE, KERNEL_VERSION, NO_DOMAINNAME } from '../syscalls/misc.js';
import type { KernelState, ProcessState } from '../state.js';
import type { TmpfsMount } from './tmpfs_options.js';
import { SIGCHLD } from '../abi/signals.js';
import { controllingPty } from '../syscalls/pty_session.js';
import { ptyDevice } from './devpts.js';
import { cpuList, cpuMask } from './cpu_set_text.js';
import { devMajor, devMinor } from './file_stat.js';
import { pathSeenFrom } from './process_root.js';
import { DEFAULT_COREDUMP_FILTER } from '../syscalls/proc_write.js';
import { HOST_VDSO_AT, HOST_VDSO_END } from '../loader/vdso.js';
import { procArgs } from './procfs_args.js';
import { procLocks } from './procfs_locks.js';
import { procMountinfo, procMounts, type MountTableContext } from './procfs_mounts.js';
import { PROC_NET_FILES } from './procfs_net.js';
import { SYSCTL_FILES } from './procfs_sys.js';
import { sysvipcMsg, sysvipcSem, sysvipcShm, sysvLimits } from './procfs_sysvipc.js';
import { capabilityStatusLines } from '../task/capabilities.js';
import { AIO_MAX_NR, aioRequests } from '../syscalls/aio.js';

export interface ProcContext {
  state: KernelState;
  /** When the sandbox started (for uptime and process start times), in ms since the epoch. */
  bootMs: number;
  /** The kernel's tmpfs mounts (/dev/shm, --tmpfs) with their options. */
  tmpfs: readonly TmpfsMount[];
  /** The --mount binds. */
  binds: MountTableContext['binds'];
  /** The root refuses changes (OCI root.readonly). */
  readonlyRoot: boolean;
  /** The process reading: it is running (R), whatever the others do. */
  reader: number;
  /** The reader's root directory: file paths are shown as seen from there. */
  root: string;
  /** The sandbox's limits (/sys/fs/cgroup shows them). */
  limits: { pids: number; memory: number | null };
  /** What /proc/sysvipc/shm and shmall show beyond the state (the host's resident bytes, --memory). */
  shmResident: (shmid: number) => number;
  shmAllPages: bigint;
  /** A live thread's state (the kernel parked it: S; on the host: running or sleeping in a host call); absent: S. */
  runState?: (tid: number) => 'R' | 'S' | 'D';
}

/** The process of the thread tracing thread tid (ptrace.ts), 0 when none. */
function tracerPid(state: KernelState, tid: number): number {
  const tracer = state.threads.get(tid)?.tracer;
  return tracer === undefined ? 0 : (state.threads.get(tracer)?.pid ?? 0);
}

function hostFile(path: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The controllers /proc/cgroups names (by their v1 names, as Linux lists them under cgroup v2 too). */
const CGROUP_V1_NAMES = ['cpuset', 'cpu', 'cpuacct', 'blkio', 'memory', 'devices', 'freezer', 'net_cls', 'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc'];

/** Machine-wide files of /proc, by name below /proc. */
export const PROC_ROOT_FILES: Readonly<Record<string, (c: ProcContext) => string>> = {
  cpuinfo: () => hostFile('/proc/cpuinfo'),
  meminfo: () => hostFile('/proc/meminfo'),
  loadavg: (c) => `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} 1/${c.state.threads.size} ${c.state.nextPid - 1}\n`,
  uptime: (c) => {
    const up = (Date.now() - c.bootMs) / 1000;
    return `${up.toFixed(2)} ${(up * sandboxCpus()).toFixed(2)}\n`;
  },
  version: () => `Linux version ${KERNEL_RELEASE} (tsvisor) ${KERNEL_VERSION}\n`,
  filesystems: () => ['nodev\tproc', 'nodev\ttmpfs', 'nodev\tdevtmpfs', 'nodev\tdevpts', 'nodev\toverlay', ''].join('\n'),
  mounts: (c) => procMounts(c),
  stat: (c) => {
    const cpus = os.cpus();
    const total = (t: os.CpuInfo['times']) => [t.user, t.nice, t.sys, t.idle, 0, t.irq, 0, 0, 0, 0].map((v) => Math.floor(v / 10));
    const sum = cpus.map((cpu) => total(cpu.times)).reduce((a, b) => a.map((v, i) => v + b[i]!));
    const lines = [`cpu  ${sum.join(' ')}`, ...cpus.map((cpu, i) => `cpu${i} ${total(cpu.times).join(' ')}`)];
    lines.push(`btime ${Math.floor(c.bootMs / 1000)}`, `processes ${c.state.nextPid - 1}`, `procs_running 1`, `procs_blocked 0`, '');
    return lines.join('\n');
  },
  // Every controller on the one cgroup v2 hierarchy (id 0) of /sys/fs/cgroup (vfs/sysfs.ts):
  // runtimes that size themselves to their container (the JVM) look here first.
  cgroups: () => [
    '#subsys_name\thierarchy\tnum_cgroups\tenabled',
    ...CGROUP_V1_NAMES.map((name) => `${name}\t0\t1\t1`),
    '',
  ].join('\n'),
  'sys/kernel/hostname': (c) => `${c.state.hostname}\n`,
  'sys/kernel/domainname': (c) => `${c.state.domainname ?? NO_DOMAINNAME}\n`,
  'sys/kernel/osrelease': () => `${KERNEL_RELEASE}\n`,
  'sys/kernel/ostype': () => 'Linux\n',
  'sys/kernel/version': () => `${KERNEL_VERSION}\n`,
  'sys/kernel/pid_max': () => '4194304\n',
  'sys/kernel/ngroups_max': () => '65536\n',
  'sys/kernel/cap_last_cap': () => '40\n',
  'sys/kernel/dmesg_restrict': () => '1\n',
  'sys/kernel/shmmax': (c) => sysvLimits(c.shmAllPages).shmmax!,
  'sys/kernel/shmall': (c) => sysvLimits(c.shmAllPages).shmall!,
  'sys/kernel/shmmni': (c) => sysvLimits(c.shmAllPages).shmmni!,
  'sys/kernel/sem': (c) => sysvLimits(c.shmAllPages).sem!,
  'sys/kernel/msgmax': (c) => sysvLimits(c.shmAllPages).msgmax!,
  'sys/kernel/msgmnb': (c) => sysvLimits(c.shmAllPages).msgmnb!,
  'sys/kernel/msgmni': (c) => sysvLimits(c.shmAllPages).msgmni!,
  'sysvipc/shm': (c) => sysvipcShm(c),
  'sysvipc/sem': (c) => sysvipcSem(c.state),
  'sysvipc/msg': (c) => sysvipcMsg(c.state),
  'sys/vm/overcommit_memory': () => '0\n',
  'sys/fs/nr_open': () => '1048576\n',
  'sys/fs/aio-max-nr': () => `${AIO_MAX_NR}\n`,
  'sys/fs/aio-nr': (c) => `${aioRequests(c.state.processes.values())}\n`,
  ...SYSCTL_FILES,
  ...PROC_NET_FILES,
  // Machine-wide memory counters, as meminfo's (vmstat, free and sar read both).
  vmstat: () => hostFile('/proc/vmstat'),
  // The sandbox has no swap devices, no disks and no boot parameters: the files exist, with nothing to list.
  swaps: () => 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n',
  partitions: () => 'major minor  #blocks  name\n\n',
  diskstats: () => '',
  cmdline: () => '\n',
  // The character devices of the sandbox's /dev (vfs/devfs.ts, devpts.ts); no block devices.
  devices: () => 'Character devices:\n  1 mem\n  5 /dev/tty\n  5 /dev/ptmx\n136 pts\n\nBlock devices:\n',
  locks: (c) => procLocks(c),
};

const STATE_NAMES = { R: 'running', S: 'sleeping', D: 'disk sleep' } as const;

/**
 * The scheduler state as /proc shows it: its main thread's (running while it reads this, or
 * sleeping while another of its threads does); without runState, the reader runs, others sleep.
 */
function schedState(p: ProcessState, c: ProcContext): { letter: string; name: string } {
  if (p.status === 'zombie') return { letter: 'Z', name: 'zombie' };
  if (p.stopSignal !== 0) return { letter: 'T', name: 'stopped' };
  const letter = c.runState?.(p.pid) ?? (p.pid === c.reader ? 'R' : 'S');
  return { letter, name: STATE_NAMES[letter] };
}

/**
 * Per-process files of /proc/PID, by name. Memory figures come from the stub on the host.
 * `tid` is the thread of /proc/PID/task/TID (the process's own pid for /proc/PID): stat's
 * first field and status's Pid are the thread's.
 */
export const PROC_PID_FILES: Readonly<Record<string, (p: ProcessState, c: ProcContext, tid: number) => string | Uint8Array>> = {
  cmdline: (p) => procArgs(p, 'cmdline'),
  environ: (p) => procArgs(p, 'environ'),
  auxv: (p) => auxvBytes(p.auxv ?? []),
  // Read and written as the process's memory (syscalls/proc_mem.ts), not as contents made at open.
  mem: () => new Uint8Array(0),
  comm: (p) => `${p.comm}\n`,
  stat: (p, c, tid) => {
    const tty = controllingPty(c.state, p);
    const host = hostFile(`/proc/${p.hostPid}/stat`);
    const fields = host.slice(host.lastIndexOf(')') + 2).split(' ');
    // Keep the host's memory and time counters; the identity fields are the sandbox's.
    fields[0] = schedState(p, c).letter;
    fields[1] = String(p.ppid);
    fields[2] = String(p.pgid);
    fields[3] = String(p.sid);
    // The controlling terminal (a pty) and its foreground group.
    fields[4] = String(tty ? ptyDevice(tty.index) : 0);
    fields[5] = String(tty ? tty.pgrp : -1);
    // Priority and nice (fields 18, 19), real-time priority and policy (40, 41): what the sandbox keeps.
    const sched = p.scheduling;
    const realtime = sched !== undefined && (sched.policy === SCHED_FIFO || sched.policy === SCHED_RR);
    fields[15] = String(realtime ? -1 - sched.priority : 20 + (sched?.nice ?? 0));
    fields[16] = String(sched?.nice ?? 0);
    fields[17] = String(p.threads.length || 1);
    // cutime and cstime (fields 16, 17): the children it waited for, which the kernel counts (clock ticks).
    fields[13] = String(Math.floor((p.childUsage?.utimeUs ?? 0) / 10000));
    fields[14] = String(Math.floor((p.childUsage?.stimeUs ?? 0) / 10000));
    // The exit signal (field 38): clone's, SIGCHLD for a fork.
    if (fields.length > 35) fields[35] = String(p.exitSignal ?? SIGCHLD);
    if (fields.length > 38) {
      fields[37] = String(sched?.priority ?? 0);
      fields[38] = String(sched?.policy ?? 0);
    }
    // Start time, in clock ticks (USER_HZ 100) since the sandbox's boot.
    fields[19] = String(p.startMs === undefined ? 0 : Math.max(0, Math.floor((p.startMs - c.bootMs) / 10)));
    return `${tid} (${p.comm}) ${fields.join(' ').trim()}\n`;
  },
  status: (p, c, tid) => {
    const cr = p.creds;
    const identity = [
      `Name:\t${p.comm}`,
      `Umask:\t${p.umask.toString(8).padStart(4, '0')}`,
      `State:\t${schedState(p, c).letter} (${schedState(p, c).name})`,
      `Tgid:\t${p.pid}`,
      `Ngid:\t0`,
      `Pid:\t${tid}`,
      `PPid:\t${p.ppid}`,
      `TracerPid:\t${tracerPid(c.state, tid)}`,
      `Uid:\t${cr.uid}\t${cr.euid}\t${cr.suid}\t${cr.euid}`,
      `Gid:\t${cr.gid}\t${cr.egid}\t${cr.sgid}\t${cr.egid}`,
      `FDSize:\t64`,
      // Linux ends the list with a space, even an empty one.
      `Groups:\t${cr.groups.join(' ')} `,
      `NStgid:\t${p.pid}`,
      `NSpid:\t${tid}`,
      `NSpgid:\t${p.pgid}`,
      `NSsid:\t${p.sid}`,
    ];
    // The rest in the host's order (memory, signals, speculation, context switches are the
    // stub's, which is the program's), with the sandbox's own values put in place of the
    // host's: its threads, credentials, filters and CPUs.
    const host = hostFile(`/proc/${p.hostPid}/status`).split('\n');
    const hostValue = (key: string): string => host.find((l) => l.startsWith(`${key}:`))?.split('\t')[1] ?? '0';
    const ours: Record<string, string[]> = {
      Threads: [`Threads:\t${p.threads.length}`],
      CapInh: capabilityStatusLines(cr),
      NoNewPrivs: [`NoNewPrivs:\t${p.noNewPrivs ? 1 : 0}`],
      // The program's own filters, if it installed any: the host counts tsvisor's one too.
      Seccomp: [`Seccomp:\t${p.seccompFiltered ? 2 : 0}`],
      Seccomp_filters: [`Seccomp_filters:\t${p.seccompFiltered ? Math.max(1, Number(hostValue('Seccomp_filters')) - 1) : 0}`],
      Cpus_allowed: [`Cpus_allowed:\t${allowedMask(allowedCpus(p), hostValue('Cpus_allowed'))}`],
      Cpus_allowed_list: [`Cpus_allowed_list:\t${cpuList(allowedCpus(p))}`],
    };
    const rest: string[] = [];
    const unplaced = new Set(Object.keys(ours));
    for (const line of host.slice(host.findIndex((l) => l.startsWith('NSsid:')) + 1)) {
      const key = line.slice(0, line.indexOf(':'));
      if (!line || /^Cap(Prm|Eff|Bnd|Amb)$/.test(key)) continue;
      const mine = ours[key];
      if (mine) unplaced.delete(key);
      rest.push(...(mine ?? [line]));
    }
    for (const key of unplaced) rest.push(...ours[key]!);
    return [...identity, ...rest].join('\n') + '\n';
  },
  maps: (p, c) => maps(p, c.root),
  mounts: (_p, c) => procMounts(c),
  mountinfo: (_p, c) => procMountinfo(c),
  // The stub's pages as the host counts them: the program's memory is all there is in it.
  statm: (p) => hostFile(`/proc/${p.hostPid}/statm`),
  personality: (p) => `${(p.personality ?? 0).toString(16).padStart(8, '0')}\n`,
  cgroup: () => '0::/\n',
  limits: (p) => limits(p),
  smaps: (p, c) => smaps(p, c.root),
  // One line over all of it (its range is the host's first to last address, the program's own).
  smaps_rollup: (p) => hostFile(`/proc/${p.hostPid}/smaps_rollup`),
  oom_score_adj: (p) => `${p.oomScoreAdj ?? 0}\n`,
  oom_adj: (p) => `${legacyOomAdj(p.oomScoreAdj ?? 0)}\n`,
  // The host's OOM killer is the one that would pick the program: its score of the stub.
  oom_score: (p) => hostFile(`/proc/${p.hostPid}/oom_score`),
  loginuid: () => '4294967295\n',
  // No audit session (as loginuid: unset); Linux writes no newline.
  sessionid: () => '4294967295',
  // The sandbox's ids are its own, all of them: the identity map of the first user namespace.
  uid_map: () => ID_MAP_ALL,
  gid_map: () => ID_MAP_ALL,
  setgroups: () => 'allow\n',
  // The main thread's timer slack is the host's (PR_SET_TIMERSLACK runs there); Linux's
  // defaults: anonymous and ELF-header pages in a core dump, the root cpuset.
  timerslack_ns: (p) => hostFile(`/proc/${p.hostPid}/timerslack_ns`) || '50000\n',
  coredump_filter: (p) => `${(p.coredumpFilter ?? DEFAULT_COREDUMP_FILTER).toString(16).padStart(8, '0')}\n`,
  cpuset: () => '/\n',
  // Where a sleeping task waits: Linux shows 0 unless the reader may see kernel addresses; no newline.
  wchan: () => '0',
};

/** uid_map and gid_map: every id maps to itself ("%10u %10u %10u"). */
const ID_MAP_ALL = `${'0'.padStart(10)} ${'0'.padStart(10)} ${'4294967295'.padStart(10)}\n`;

/** A device number in maps: two hex digits at least, as Linux's %02x. */
function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** A range line of the host's maps or smaps of the stub, with the kernel's name for it (file-backed ranges, heap); null for other lines. */
function rangeLine(p: ProcessState, readerRoot: string, line: string): string | null {
  const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) /.exec(line);
  if (!m) return null;
  const start = parseInt(m[1]!, 16);
  const end = parseInt(m[2]!, 16);
  const hostAnonymous = /^\S+ \S+ \S+ 00:00 0\s*$/.test(line);
  const named = p.mm.mappings.find((x) => (x.path !== undefined || x.special !== undefined) && x.start <= start && start < x.end && !(x.hostMapped && hostAnonymous));
  let name = '';
  let offset = 0;
  let device = '00:00 0';
  if (named?.special) {
    name = named.special;
  } else if (named) {
    name = pathSeenFrom(readerRoot, named.path!);
    offset = (named.offset ?? 0) + (start - named.start);
    if (named.dev !== undefined && named.ino !== undefined) device = `${hex2(devMajor(named.dev))}:${hex2(devMinor(named.dev))} ${named.ino}`;
  } else if (start >= p.mm.brkStart && end <= Math.max(p.mm.brk, p.mm.brkStart) + 4096 && p.mm.brk > p.mm.brkStart) {
    name = '[heap]';
  } else if (line.endsWith('[stack]')) {
    name = '[stack]';
  } else if (line.endsWith('[vsyscall]')) {
    name = '[vsyscall]';
  }
  // Linux's [vvar] is private; the sandbox's shares the pages tsvisor writes (loader/vdso.ts).
  const perms = named?.special === '[vvar]' ? m[3]!.slice(0, 3) + 'p' : m[3];
  const range = `${m[1]}-${m[2]} ${perms} ${offset.toString(16).padStart(8, '0')} ${device}`;
  return name ? `${range.padEnd(72)} ${name}` : range;
}

/** The host's view of the stub's memory, with the kernel's names for file-backed ranges. */
function maps(p: ProcessState, readerRoot: string): string {
  const out: string[] = [];
  for (const line of hostFile(`/proc/${p.hostPid}/maps`).split('\n')) {
    const range = isHostVdso(line) ? null : rangeLine(p, readerRoot, line);
    if (range !== null) out.push(range);
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

/** A range line of the host's own vDSO, which the sandbox's reads the clock through (loader/vdso.ts): not the program's. */
function isHostVdso(line: string): boolean {
  const m = /^([0-9a-f]+)-/.exec(line);
  if (!m) return false;
  const start = parseInt(m[1]!, 16);
  return start >= HOST_VDSO_AT && start < HOST_VDSO_END;
}

/** maps with the host's page counts of each range (Rss, Pss, Swap...), which are the program's: its memory is the stub's. */
function smaps(p: ProcessState, readerRoot: string): string {
  const host = hostFile(`/proc/${p.hostPid}/smaps`);
  const out: string[] = [];
  let hidden = false;
  for (const line of host.split('\n')) {
    const range = rangeLine(p, readerRoot, line);
    if (range !== null) hidden = isHostVdso(line);
    if (!hidden) out.push(range ?? line);
  }
  return out.join('\n');
}

/** oom_adj, the old scale (-17..15) of oom_score_adj (-1000..1000), as Linux converts it. */
function legacyOomAdj(scoreAdj: number): number {
  return scoreAdj === 1000 ? 15 : Math.trunc((scoreAdj * 17) / 1000);
}

const LIMIT_NAMES: ReadonlyArray<[string, string]> = [
  ['Max cpu time', 'seconds'], ['Max file size', 'bytes'], ['Max data size', 'bytes'], ['Max stack size', 'bytes'],
  ['Max core file size', 'bytes'], ['Max resident set', 'bytes'], ['Max processes', 'processes'],
  ['Max open files', 'files'], ['Max locked memory', 'bytes'], ['Max address space', 'bytes'],
  ['Max file locks', 'locks'], ['Max pending signals', 'signals'], ['Max msgqueue size', 'bytes'],
  ['Max nice priority', ''], ['Max realtime priority', ''], ['Max realtime timeout', 'us'],
];

function limits(p: ProcessState): string {
  const fmt = (v: number) => (v < 0 ? 'unlimited' : String(v));
  const rows = LIMIT_NAMES.map(([name, unit], res) => {
    const [soft, hard] = p.rlimits.get(res) ?? [-1, -1];
    // Linux pads the unit to 10 columns, and prints nothing for a limit without one.
    return `${name.padEnd(26)}${fmt(soft).padEnd(21)}${fmt(hard).padEnd(21)}${unit && unit.padEnd(10)}`;
  });
  return ['Limit                     Soft Limit           Hard Limit           Units     ', ...rows, ''].join('\n');
}

const SCHED_FIFO = 1;
const SCHED_RR = 2;

/** The CPUs the process may use: those sched_setaffinity left it, else all of the sandbox's. */
function allowedCpus(p: ProcessState): readonly number[] {
  return p.scheduling?.affinity ?? Array.from({ length: sandboxCpus() }, (_, cpu) => cpu);
}

/**
 * Cpus_allowed: as wide as the host's own mask (Linux sizes it by the CPUs the machine could
 * have, which may be more than it has).
 */
function allowedMask(cpus: readonly number[], hostMask: string): string {
  const width = hostMask.replace(/,/g, '').length;
  return cpuMask(cpus, Math.max(width, Math.ceil(sandboxCpus() / 4)));
}

/** The auxiliary vector as Linux's /proc/PID/auxv gives it: native-endian 64-bit words, pairs up to AT_NULL. */
function auxvBytes(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(i * 8, BigInt(w), true));
  return out;
}
