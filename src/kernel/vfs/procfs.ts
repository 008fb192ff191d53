// /proc: the sandbox's processes (virtual pids, never the host's), and the machine-wide files
// programs read (cpuinfo, meminfo, mounts, sys/kernel/...). Contents: procfs_content.ts.
import { pathSeenFrom, rootOf } from './process_root.js';
import { PROC_PID_FILES, PROC_ROOT_FILES } from './procfs_content.js';
import { PROC_NET_FILES } from './procfs_net.js';
import { NAMESPACE_LINK_NAMES, namespaceOfLink } from '../task/sandbox_namespaces.js';
import { threadName } from '../task/thread_name.js';
import { DT_DIR, DT_LNK, DT_REG, inoOf, syntheticDir, syntheticFile, syntheticLink, treeEntries, type SyntheticLink } from './synthetic_tree.js';
import type { ProcessView, SyntheticEntry, VNode } from './vnode.js';
import { S_IFLNK } from './file_stat.js';
import { O_ACCMODE, O_PATH, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';
import { mayRead } from '../task/ptrace_access.js';

const PROCFS_DEV = 0x16;
/** nsfs, where namespace files live (Linux's is 0:4). */
const NSFS_DEV = 0x4;
/** Links of /proc/PID besides fd/N. */
const PID_LINKS = ['exe', 'cwd', 'root'] as const;

function dir(path: string, ino: number, bootNs: bigint, entries: () => SyntheticEntry[]): VNode {
  return syntheticDir(PROCFS_DEV, path, ino, bootNs, entries);
}

function link(path: string, ino: number, bootNs: bigint, target: string): SyntheticLink {
  return syntheticLink(PROCFS_DEV, path, ino, bootNs, target);
}

/** A magic link (exe, cwd, root, fd/N): it shows its object's path as the reader sees it, and leads to the object. */
function objectLink(view: ProcessView, path: string, bootNs: bigint, object: string): SyntheticLink {
  return { ...link(path, inoOf(path), bootNs, pathSeenFrom(view.proc.root, object)), object };
}

function file(path: string, ino: number, bootNs: bigint, content: () => string | Uint8Array, writable = false): VNode {
  return syntheticFile(PROCFS_DEV, path, ino, bootNs, content, writable);
}

/** The directories below /proc made of PROC_ROOT_FILES's nested names (sys, sys/kernel...). */
function rootTree(prefix: string): SyntheticEntry[] {
  return treeEntries(Object.keys(PROC_ROOT_FILES), [], prefix);
}

/** /proc/PID's files that only a process that may ptrace-read PID opens (Linux checks at open), with their modes. */
const PRIVATE_FILES: Readonly<Record<string, number>> = { environ: 0o400, auxv: 0o400, mem: 0o600, personality: 0o400, maps: 0o444, smaps: 0o444, smaps_rollup: 0o444 };
/** Directories of /proc/PID whose modes keep other users out: fd lists the files open, ns only leads to its links. */
const DIR_MODES: Readonly<Record<string, number>> = { fd: 0o500, ns: 0o511 };

/**
 * /proc/PID, or with `tid`, /proc/PID/task/TID, as the walker may see it: every node belongs
 * to the process's effective ids (root's when it is not dumpable), and those that show what
 * the process has open or where it is (exe, cwd, root, fd/N, fdinfo, ns/*, environ, maps...)
 * are denied unless the walker passes ptrace's read check (Linux: EACCES).
 */
function pidDir(view: ProcessView, pid: number, base: string, bootNs: bigint, rest: readonly string[], tid?: number): VNode | undefined {
  const node = pidNode(view, pid, base, bootNs, rest, tid);
  const process = view.proc.state.processes.get(pid);
  if (!node || !process) return node;
  const [name, sub] = rest;
  // A thread's own directory made its nodes already.
  if (name === 'task' && sub !== undefined && rest.length > 2) return node;
  const dirMode = name !== undefined && sub === undefined ? DIR_MODES[name] : undefined;
  // As Linux's task_dump_owner: world-readable directories (PID, task, fdinfo, net) keep the
  // process's ids, so that stat of /proc/PID tells its user even when it is not dumpable.
  const openDir = node.stat.isDirectory() && dirMode === undefined && (node.stat.mode & 0o777n) === 0o555n;
  const owned = openDir || (process.dumpable ?? 1) !== 0;
  const stat = { ...node.stat, uid: BigInt(owned ? process.creds.euid : 0), gid: BigInt(owned ? process.creds.egid : 0) };
  if (dirMode !== undefined) stat.mode = (stat.mode & ~0o777n) | BigInt(dirMode);
  const fileMode = name !== undefined && sub === undefined ? PRIVATE_FILES[name] : undefined;
  if (fileMode !== undefined) stat.mode = (stat.mode & ~0o777n) | BigInt(fileMode);
  const reader = view.proc.state.processes.get(view.self);
  const isPrivate = fileMode !== undefined || name === 'fdinfo' ||
    (sub === undefined ? name === 'exe' || name === 'cwd' || name === 'root' : name === 'fd' || name === 'ns');
  const denied = isPrivate && reader !== undefined && !mayRead(reader, process);
  // environ is opened as the process's memory (Linux's mm_access): a zombie has none.
  const noMemory = name === 'environ' && sub === undefined && process.status === 'zombie';
  return { ...node, stat, ...(denied ? { denied } : {}), ...(noMemory ? { noMemory } : {}) };
}

function pidNode(view: ProcessView, pid: number, base: string, bootNs: bigint, rest: readonly string[], tid?: number): VNode | undefined {
  const process = view.proc.state.processes.get(pid);
  if (!process) return undefined;
  const p = tid === undefined || tid === pid ? process : { ...process, comm: threadName(view.proc.state, tid) };
  const [name, sub, ...more] = rest;
  if (name === undefined) {
    return dir(base, inoOf(base), bootNs, () => [
      ...PID_LINKS.map((n) => ({ name: n, ino: inoOf(`${base}/${n}`), type: DT_LNK })),
      { name: 'fd', ino: inoOf(`${base}/fd`), type: DT_DIR },
      { name: 'fdinfo', ino: inoOf(`${base}/fdinfo`), type: DT_DIR },
      { name: 'task', ino: inoOf(`${base}/task`), type: DT_DIR },
      { name: 'ns', ino: inoOf(`${base}/ns`), type: DT_DIR },
      { name: 'net', ino: inoOf(`${base}/net`), type: DT_DIR },
      ...Object.keys(PROC_PID_FILES).map((n) => ({ name: n, ino: inoOf(`${base}/${n}`), type: DT_REG })),
    ]);
  }
  const path = `${base}/${name}`;
  if (sub === undefined) {
    if (name === 'exe' && p.status === 'running') return objectLink(view, path, bootNs, p.exe);
    if (name === 'cwd' && p.status === 'running') return objectLink(view, path, bootNs, p.cwd);
    if (name === 'root' && p.status === 'running') return objectLink(view, path, bootNs, rootOf(p));
    const make = PROC_PID_FILES[name];
    // Files a process writes: comm, oom_score_adj, coredump_filter (syscalls/proc_write.ts) and mem (syscalls/proc_mem.ts).
    if (make) return file(path, inoOf(path), bootNs, () => make(p, view.proc, tid ?? pid), WRITABLE_PID_FILES.has(name));
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
    if (name === 'fd') {
      const fdLink = objectLink(view, at, bootNs, target);
      return { ...fdLink, stat: { ...fdLink.stat, mode: BigInt(fdLinkMode(view, pid, fd)) }, magic: { pid, fd } };
    }
    return file(at, inoOf(at), bootNs, () => fdinfo(view, pid, fd));
  }
  if (name === 'ns') {
    // Each link shows its namespace ("pid:[N]") and, followed, leads to the namespace's nsfs
    // file, whose inode is N (lsns and programs asking "same namespace as pid 1?" stat them).
    if (sub === undefined) return dir(path, inoOf(path), bootNs, () => NAMESPACE_LINK_NAMES.map((n) => ({ name: n, ino: inoOf(`${path}/${n}`), type: DT_LNK })));
    const ns = namespaceOfLink(sub);
    if (!ns || more.length > 0) return undefined;
    const at = `${path}/${sub}`;
    return { ...link(at, inoOf(at), bootNs, `${ns.kind}:[${ns.inode}]`), leadsTo: syntheticFile(NSFS_DEV, at, ns.inode, bootNs, () => '') };
  }
  if (name === 'net') {
    // The sandbox's one network namespace: the same files as /proc/net.
    const key = [name, sub, ...more].filter((x) => x !== undefined).join('/');
    const make = PROC_NET_FILES[key];
    if (make) return file(`${base}/${key}`, inoOf(`${base}/${key}`), bootNs, () => make(view.proc));
    if (sub !== undefined) return undefined;
    return dir(path, inoOf(path), bootNs, () => treeEntries(Object.keys(PROC_NET_FILES), [], 'net'));
  }
  if (name === 'task') {
    if (sub === undefined) {
      return dir(path, inoOf(path), bootNs, () => p.threads.map((tid) => ({ name: String(tid), ino: inoOf(`${path}/${tid}`), type: DT_DIR })));
    }
    // A thread's directory shows its process's files but for its name (other per-thread detail is not tracked).
    if (!p.threads.includes(Number(sub))) return undefined;
    return pidDir(view, pid, `${path}/${sub}`, bootNs, more, Number(sub));
  }
  return undefined;
}

/**
 * An fd's link shows how the file is open, as Linux's: r-x for reading, -wx for writing,
 * rwx for both, nothing for O_PATH (lsof reads its access mode from them).
 */
function fdLinkMode(view: ProcessView, pid: number, fd: number): number {
  const state = view.proc.state;
  const entry = state.processes.get(pid)?.fds.get(fd);
  const f = entry && state.files.get(entry.fileId);
  let mode = S_IFLNK;
  if (!f || (f.flags & O_PATH)) return mode;
  const access = f.flags & O_ACCMODE;
  if (access !== O_WRONLY) mode |= 0o500;
  if (access !== O_RDONLY) mode |= 0o300;
  return mode;
}

function fdinfo(view: ProcessView, pid: number, fd: number): string {
  const state = view.proc.state;
  const entry = state.processes.get(pid)?.fds.get(fd);
  const f = entry && state.files.get(entry.fileId);
  if (!f) return '';
  const flags = f.flags | (entry.cloexec ? 0o2000000 : 0);
  return `pos:\t${f.offset}\nflags:\t0${flags.toString(8)}\nmnt_id:\t1\nino:\t${f.id}\n`;
}

/** The /proc/PID files open for writing (the others are EACCES). */
const WRITABLE_PID_FILES: ReadonlySet<string> = new Set(['comm', 'mem', 'oom_score_adj', 'coredump_filter']);

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
  if (/^\d+$/.test(first!)) {
    const id = Number(first);
    // A thread's id leads to its directory too, though /proc does not list it (gdb reads /proc/TID/status).
    const thread = view.proc.state.processes.has(id) ? undefined : view.proc.state.threads.get(id);
    return thread ? pidDir(view, thread.pid, `/proc/${first}`, bootNs, more, id) : pidDir(view, id, `/proc/${first}`, bootNs, more);
  }
  const key = rest.join('/');
  const make = PROC_ROOT_FILES[key];
  if (make) return file(`/proc/${key}`, inoOf(key), bootNs, () => make(view.proc));
  const entries = rootTree(key);
  if (entries.length > 0) return dir(`/proc/${key}`, inoOf(key), bootNs, () => rootTree(key));
  return undefined;
}
