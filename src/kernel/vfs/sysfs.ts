// /sys: what programs read to fit themselves to the machine and the container they run in —
// the CPUs and their topology (devices/system/cpu and node: glibc's sysconf, lscpu, numactl,
// runtimes sizing thread pools), the cgroup v2 files of the sandbox's own limits (fs/cgroup:
// the JVM, Go and node size heaps and CPU counts from them), transparent huge pages
// (allocators), and the loopback device (class/net/lo). Nothing here describes the host
// beyond its CPU count and THP setting; there are no block or character devices. Read-only, like a container's sysfs.
import fs from 'node:fs';
import { sandboxCpus } from '../host_cpus.js';
import { cpuList, cpuMask } from './cpu_set_text.js';
import { INTERFACES } from '../syscalls/net_interfaces.js';
import type { ProcContext } from './procfs_content.js';
import { inoOf, syntheticDir, syntheticFile, treeEntries } from './synthetic_tree.js';
import type { VNode } from './vnode.js';

const SYSFS_DEV = 0x15;
/** Where the cgroup2 filesystem is mounted (a separate mount in /proc/mounts). */
export const CGROUP_POINT = '/sys/fs/cgroup';
/** Directories with nothing the sandbox has in them. */
const EMPTY_DIRS = ['block', 'bus', 'class/block', 'dev/block', 'dev/char', 'firmware', 'module'];

/** A CPU list as the kernel writes it: "0-3", or "0" for one. */
/** The sandbox's CPUs (0 to N-1), for the files that list them. */
function sandboxCpuSet(): number[] {
  return Array.from({ length: sandboxCpus() }, (_, cpu) => cpu);
}

function hostFile(path: string, fallback: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** A set of the sandbox's CPUs as a mask file and a list file (thread_siblings, thread_siblings_list). */
function cpuSetFiles(path: string, cpus: readonly number[], all: number): Record<string, () => string> {
  return {
    [path]: () => `${cpuMask(cpus, Math.ceil(all / 4))}\n`,
    [`${path}_list`]: () => `${cpuList(cpus)}\n`,
  };
}

/**
 * The CPUs, and their topology: each of the sandbox's CPUs is a core of its own, with one
 * thread, in one package, die and NUMA node (lscpu counts threads per core, cores and sockets
 * from these; hwloc and numactl read the node).
 */
function cpuFiles(): Record<string, () => string> {
  const all = sandboxCpuSet();
  const cpus = all.length;
  const list = `${cpuList(all)}\n`;
  const files: Record<string, () => string> = {
    'devices/system/cpu/online': () => list,
    'devices/system/cpu/possible': () => list,
    'devices/system/cpu/present': () => list,
    'devices/system/cpu/offline': () => '\n',
    'devices/system/cpu/kernel_max': () => '8191\n',
    'devices/system/node/online': () => '0\n',
    'devices/system/node/possible': () => '0\n',
    'devices/system/node/has_cpu': () => '0\n',
    'devices/system/node/has_memory': () => '0\n',
    'devices/system/node/has_normal_memory': () => '0\n',
    'devices/system/node/node0/cpumap': () => `${cpuMask(all, Math.ceil(cpus / 4))}\n`,
    'devices/system/node/node0/cpulist': () => list,
    'devices/system/node/node0/distance': () => '10\n',
  };
  for (const cpu of all) {
    const base = `devices/system/cpu/cpu${cpu}`;
    if (cpu > 0) files[`${base}/online`] = () => '1\n'; // the boot CPU cannot go offline: it has no such file
    Object.assign(
      files,
      {
        [`${base}/topology/core_id`]: () => `${cpu}\n`,
        [`${base}/topology/physical_package_id`]: () => '0\n',
        [`${base}/topology/die_id`]: () => '0\n',
      },
      cpuSetFiles(`${base}/topology/thread_siblings`, [cpu], cpus),
      cpuSetFiles(`${base}/topology/core_cpus`, [cpu], cpus),
      cpuSetFiles(`${base}/topology/core_siblings`, all, cpus),
      cpuSetFiles(`${base}/topology/die_cpus`, all, cpus),
      cpuSetFiles(`${base}/topology/package_cpus`, all, cpus),
    );
  }
  return files;
}

/** cgroup v2 as seen from inside the sandbox's own cgroup namespace: its limits and its tasks. */
function cgroupFiles(c: ProcContext): Record<string, () => string> {
  const running = (): number[] => [...c.state.processes.values()].filter((p) => p.status === 'running').map((p) => p.pid);
  const tasks = (): number[] => [...c.state.threads.keys()];
  const cg = CGROUP_POINT.slice('/sys/'.length);
  return {
    [`${cg}/cgroup.controllers`]: () => 'cpuset cpu io memory pids\n',
    [`${cg}/cgroup.subtree_control`]: () => '\n',
    [`${cg}/cgroup.type`]: () => 'domain\n',
    [`${cg}/cgroup.procs`]: () => running().map((pid) => `${pid}\n`).join(''),
    [`${cg}/cgroup.threads`]: () => tasks().map((tid) => `${tid}\n`).join(''),
    [`${cg}/cpu.max`]: () => 'max 100000\n',
    [`${cg}/cpu.weight`]: () => '100\n',
    [`${cg}/cpuset.cpus.effective`]: () => `${cpuList(sandboxCpuSet())}\n`,
    [`${cg}/cpuset.mems.effective`]: () => '0\n',
    // --memory limits each process's address space: the nearest thing to a memory limit there is.
    [`${cg}/memory.max`]: () => `${c.limits.memory ?? 'max'}\n`,
    [`${cg}/memory.swap.max`]: () => 'max\n',
    [`${cg}/pids.max`]: () => `${c.limits.pids}\n`,
    [`${cg}/pids.current`]: () => `${tasks().length}\n`,
  };
}

function netFiles(): Record<string, () => string> {
  const files: Record<string, () => string> = {};
  for (const i of INTERFACES) {
    const base = `class/net/${i.name}`;
    files[`${base}/ifindex`] = () => `${i.index}\n`;
    files[`${base}/mtu`] = () => `${i.mtu}\n`;
    files[`${base}/type`] = () => `${i.type}\n`;
    files[`${base}/flags`] = () => `0x${(i.flags & 0xffff).toString(16)}\n`;
    files[`${base}/operstate`] = () => 'unknown\n';
    files[`${base}/tx_queue_len`] = () => `${i.txQueueLength}\n`;
    files[`${base}/addr_len`] = () => `${i.hardwareAddress.length}\n`;
    files[`${base}/address`] = () => `${[...i.hardwareAddress].map((b) => b.toString(16).padStart(2, '0')).join(':')}\n`;
  }
  return files;
}

function sysFiles(c: ProcContext): Record<string, () => string> {
  return {
    ...cpuFiles(),
    ...cgroupFiles(c),
    ...netFiles(),
    'kernel/mm/transparent_hugepage/enabled': () => hostFile('/sys/kernel/mm/transparent_hugepage/enabled', 'always [madvise] never\n'),
  };
}

/** The node at /sys/REST (rest: the components below /sys). */
export function sysfsLookup(rest: readonly string[], c: ProcContext, bootNs: bigint): VNode | undefined {
  const files = sysFiles(c);
  const key = rest.join('/');
  const path = key ? `/sys/${key}` : '/sys';
  const make = files[key];
  if (make) return syntheticFile(SYSFS_DEV, path, inoOf(path), bootNs, make);
  const entries = treeEntries(Object.keys(files), EMPTY_DIRS, key);
  if (key && entries.length === 0 && !EMPTY_DIRS.includes(key)) return undefined;
  return syntheticDir(SYSFS_DEV, path, key ? inoOf(path) : 1, bootNs, () => treeEntries(Object.keys(sysFiles(c)), EMPTY_DIRS, key));
}
