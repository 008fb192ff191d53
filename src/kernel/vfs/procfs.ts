// /proc, as much of it as the foundation needs: /proc/self, /proc/PID/exe and /proc/PID/fd.
// It shows the sandbox's own processes (virtual pids), never the host's.
import { S_IFDIR, S_IFLNK, syntheticStat } from './file_stat.js';
import type { ProcessView, SyntheticEntry, VNode } from './vnode.js';

const PROCFS_DEV = 0x16;

function dir(path: string, ino: number, bootNs: bigint, entries: () => SyntheticEntry[]): VNode {
  return { fs: 'synthetic-dir', path, stat: syntheticStat({ dev: PROCFS_DEV, ino, mode: S_IFDIR | 0o555, nlink: 2 }, bootNs), entries };
}

function link(path: string, ino: number, bootNs: bigint, target: string): VNode {
  return { fs: 'synthetic-link', path, target, stat: syntheticStat({ dev: PROCFS_DEV, ino, mode: S_IFLNK | 0o777, size: 64 }, bootNs) };
}

export function procfsLookup(rest: readonly string[], view: ProcessView, bootNs: bigint): VNode | undefined {
  if (rest.length === 0) {
    return dir('/proc', 1, bootNs, () => [
      { name: 'self', ino: 2, type: 10 },
      ...view.pids().map((pid) => ({ name: String(pid), ino: pid * 1000, type: 4 })),
    ]);
  }
  const [first, second, third, ...more] = rest;
  if (first === 'self' && rest.length === 1) return link('/proc/self', 2, bootNs, String(view.self));
  const pid = first === 'self' ? view.self : Number(first);
  if (!/^\d+$/.test(String(first === 'self' ? pid : first)) || view.exe(pid) === undefined) return undefined;
  const base = `/proc/${pid}`;
  if (second === undefined) {
    return dir(base, pid * 1000, bootNs, () => [
      { name: 'exe', ino: pid * 1000 + 1, type: 10 },
      { name: 'fd', ino: pid * 1000 + 2, type: 4 },
    ]);
  }
  if (second === 'exe' && third === undefined) return link(`${base}/exe`, pid * 1000 + 1, bootNs, view.exe(pid)!);
  if (second === 'fd') {
    if (third === undefined) {
      return dir(`${base}/fd`, pid * 1000 + 2, bootNs, () =>
        view.fds(pid).map((fd) => ({ name: String(fd), ino: pid * 100000 + fd, type: 10 })),
      );
    }
    const fd = Number(third);
    const target = /^\d+$/.test(third) ? view.fdTarget(pid, fd) : undefined;
    if (target !== undefined && more.length === 0) {
      return { ...link(`${base}/fd/${fd}`, pid * 100000 + fd, bootNs, target), magic: { pid, fd } } as VNode;
    }
  }
  return undefined;
}
