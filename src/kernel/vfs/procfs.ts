// /proc: the sandbox's processes (virtual pids, never the host's), and the machine-wide files
// programs read (cpuinfo, meminfo, mounts, sys/kernel/...). Contents: procfs_content.ts.
import { S_IFDIR, S_IFLNK, S_IFREG, syntheticStat } from './file_stat.js';
import { pathSeenFrom, rootOf } from './process_root.js';
import { PROC_PID_FILES, PROC_ROOT_FILES } from './procfs_content.js';
import type { ProcessView, SyntheticEntry, VNode } from './vnode.js';

const PROCFS_DEV = 0x16;
const DT_DIR = 4;
const DT_REG = 8;
const DT_LNK = 10;
/** Links of /proc/PID besides fd/N. */
const PID_LINKS = ['exe', 'cwd', 'root'] as const;

function dir(path: string, ino: number, bootNs: bigint, entries: () => SyntheticEntry[]): VNode {
  return { fs: 'synthetic-dir', path, stat: syntheticStat({ dev: PROCFS_DEV, ino, mode: S_IFDIR | 0o555, nlink: 2 }, bootNs), entries };
}

type SyntheticLink = Extract<VNode, { fs: 'synthetic-link' }>;

function link(path: string, ino: number, bootNs: bigint, target: string): SyntheticLink {
  return { fs: 'synthetic-link', path, target, stat: syntheticStat({ dev: PROCFS_DEV, ino, mode: S_IFLNK | 0o777, size: 64 }, bootNs) };
}

/** A magic link (exe, cwd, root, fd/N): it shows its object's path as the reader sees it, and leads to the object. */
function objectLink(view: ProcessView, path: string, bootNs: bigint, object: string): SyntheticLink {
  return { ...link(path, inoOf(path), bootNs, pathSeenFrom(view.proc.root, object)), object };
}

function file(path: string, ino: number, bootNs: bigint, content: () => string | Uint8Array): VNode {
  return {
    fs: 'synthetic-file',
    path,
    // Like Linux, /proc files report size 0: their contents exist only when read.
    stat: syntheticStat({ dev: PROCFS_DEV, ino, mode: S_IFREG | 0o444 }, bootNs),
    content: () => {
      const c = content();
      return typeof c === 'string' ? Buffer.from(c) : c;
    },
  };
}

/** A stable inode number for a path (procfs inodes only need to be distinct). */
function inoOf(path: string): number {
  let h = 2166136261;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
  return (h >>> 0) + 0x1000;
}

/** The directories below /proc made of PROC_ROOT_FILES's nested names (sys, sys/kernel...). */
function rootTree(prefix: string): SyntheticEntry[] {
  const names = new Map<string, number>();
  for (const key of Object.keys(PROC_ROOT_FILES)) {
    if (prefix && !key.startsWith(prefix + '/')) continue;
    const rest = prefix ? key.slice(prefix.length + 1) : key;
    const [first, ...deeper] = rest.split('/');
    names.set(first!, deeper.length > 0 ? DT_DIR : DT_REG);
  }
  return [...names].map(([name, type]) => ({ name, ino: inoOf(`${prefix}/${name}`), type }));
}

function pidDir(view: ProcessView, pid: number, base: string, bootNs: bigint, rest: readonly string[]): VNode | undefined {
  const p = view.proc.state.processes.get(pid);
  if (!p) return undefined;
  const [name, sub, ...more] = rest;
  if (name === undefined) {
    return dir(base, inoOf(base), bootNs, () => [
      ...PID_LINKS.map((n) => ({ name: n, ino: inoOf(`${base}/${n}`), type: DT_LNK })),
      { name: 'fd', ino: inoOf(`${base}/fd`), type: DT_DIR },
      { name: 'fdinfo', ino: inoOf(`${base}/fdinfo`), type: DT_DIR },
      { name: 'task', ino: inoOf(`${base}/task`), type: DT_DIR },
      ...Object.keys(PROC_PID_FILES).map((n) => ({ name: n, ino: inoOf(`${base}/${n}`), type: DT_REG })),
    ]);
  }
  const path = `${base}/${name}`;
  if (sub === undefined) {
    if (name === 'exe' && p.status === 'running') return objectLink(view, path, bootNs, p.exe);
    if (name === 'cwd' && p.status === 'running') return objectLink(view, path, bootNs, p.cwd);
    if (name === 'root' && p.status === 'running') return objectLink(view, path, bootNs, rootOf(p));
    const make = PROC_PID_FILES[name];
    if (make) return file(path, inoOf(path), bootNs, () => make(p, view.proc));
  }
  if (name === 'fd' || name === 'fdinfo') {
    if (sub === undefined) {
      return dir(path, inoOf(path), bootNs, () =>
        view.fds(pid).map((fd) => ({ name: String(fd), ino: inoOf(`${path}/${fd}`), type: name === 'fd' ? DT_LNK : DT_REG })),
      );
    }
    if (!/^\d+$/.test(sub) || more.length > 0) return undefined;
    const fd = Number(sub);
    const target = view.fdTarget(pid, fd);
    if (target === undefined) return undefined;
    const at = `${path}/${fd}`;
    if (name === 'fd') return { ...objectLink(view, at, bootNs, target), magic: { pid, fd } };
    return file(at, inoOf(at), bootNs, () => fdinfo(view, pid, fd));
  }
  if (name === 'task') {
    if (sub === undefined) {
      return dir(path, inoOf(path), bootNs, () => p.threads.map((tid) => ({ name: String(tid), ino: inoOf(`${path}/${tid}`), type: DT_DIR })));
    }
    // A thread's directory shows its process's files (per-thread detail is not tracked).
    if (!p.threads.includes(Number(sub))) return undefined;
    return pidDir(view, pid, `${path}/${sub}`, bootNs, more);
  }
  return undefined;
}

function fdinfo(view: ProcessView, pid: number, fd: number): string {
  const state = view.proc.state;
  const entry = state.processes.get(pid)?.fds.get(fd);
  const f = entry && state.files.get(entry.fileId);
  if (!f) return '';
  const flags = f.flags | (entry.cloexec ? 0o2000000 : 0);
  return `pos:\t${f.offset}\nflags:\t0${flags.toString(8)}\nmnt_id:\t1\nino:\t${f.id}\n`;
}

export function procfsLookup(rest: readonly string[], view: ProcessView, bootNs: bigint): VNode | undefined {
  if (rest.length === 0) {
    return dir('/proc', 1, bootNs, () => [
      { name: 'self', ino: 2, type: DT_LNK },
      { name: 'thread-self', ino: 3, type: DT_LNK },
      ...rootTree(''),
      ...view.pids().map((pid) => ({ name: String(pid), ino: inoOf(`/proc/${pid}`), type: DT_DIR })),
    ]);
  }
  const [first, ...more] = rest;
  if (first === 'self') {
    return more.length === 0 ? link('/proc/self', 2, bootNs, String(view.self)) : pidDir(view, view.self, `/proc/${view.self}`, bootNs, more);
  }
  if (first === 'thread-self' && more.length === 0) return link('/proc/thread-self', 3, bootNs, `${view.self}/task/${view.self}`);
  if (/^\d+$/.test(first!)) return pidDir(view, Number(first), `/proc/${first}`, bootNs, more);
  const key = rest.join('/');
  const make = PROC_ROOT_FILES[key];
  if (make) return file(`/proc/${key}`, inoOf(key), bootNs, () => make(view.proc));
  const entries = rootTree(key);
  if (entries.length > 0) return dir(`/proc/${key}`, inoOf(key), bootNs, () => rootTree(key));
  return undefined;
}
