// What the path walk finds: a file of one of the sandbox's filesystems.
import type { OverlayNode } from '../state.js';
import type { FileStat } from './file_stat.js';
import type { ProcContext } from './procfs_content.js';

export type DevName = 'null' | 'zero' | 'full' | 'random' | 'urandom' | 'tty' | 'ptmx';

export type VNode =
  /**
   * A file of the host root (read-only lower layer) that the overlay's upper layer does not
   * hide; below a `--mount HOSTDIR:SANDBOXDIR:rw` it is writable: changes go to the host.
   */
  | { fs: 'host'; path: string; hostPath: string; stat: FileStat; writable?: WritableBind }
  /** A file, directory or symlink of the overlay's upper layer (new, or copied up). */
  | { fs: 'overlay'; path: string; stat: FileStat; node: OverlayNode }
  /**
   * A directory of a synthetic filesystem (/dev, /proc, /proc/PID...). denied, here and on
   * synthetic files and links: a /proc/PID node of a process the walker may not ptrace-read
   * (open, readlink and following it are EACCES; stat and lookup are not).
   */
  | { fs: 'synthetic-dir'; path: string; stat: FileStat; entries: () => SyntheticEntry[]; denied?: boolean }
  /**
   * A file of a synthetic filesystem (/proc/cpuinfo, /proc/PID/status...), made when opened.
   * noMemory: a file of a zombie's memory (/proc/PID/environ): open is ESRCH.
   */
  | { fs: 'synthetic-file'; path: string; stat: FileStat; content: () => Uint8Array; writable?: boolean; denied?: boolean; noMemory?: boolean }
  /** A device of /dev. */
  | { fs: 'dev'; path: string; stat: FileStat; device: DevName }
  /** The slave of a pty, /dev/pts/INDEX (vfs/devpts.ts). */
  | { fs: 'pty'; path: string; stat: FileStat; index: number }
  /**
   * A symlink of a synthetic filesystem (/proc/self, /proc/PID/exe, /dev/stdin...). target:
   * what readlink shows (seen from the reader's root); object: for procfs's magic links, the
   * sandbox path of what it leads to, followed from the sandbox root whatever the walker's root;
   * leadsTo: the node a link that names no path leads to (/proc/PID/ns/*: a namespace's file).
   */
  | { fs: 'synthetic-link'; path: string; stat: FileStat; target: string; object?: string; magic?: { pid: number; fd: number }; leadsTo?: VNode; denied?: boolean }
  /** What a followed /proc/PID/fd/N link leads to: that open file itself, as in Linux. */
  | { fs: 'fd'; path: string; stat: FileStat; pid: number; fd: number };

/** Where a file of a writable bind lies on the host: below the bind's directory, by components (no symlink among them). */
export interface WritableBind {
  /** HOSTDIR, the bind's host directory. */
  root: string;
  /** The path below it, component by component (empty: HOSTDIR itself). */
  rel: readonly string[];
}

export interface SyntheticEntry {
  name: string;
  ino: number;
  /** d_type: DT_DIR=4, DT_CHR=2, DT_LNK=10. */
  type: number;
}

/** What procfs needs to know about the kernel's processes. */
export interface ProcessView {
  /** The pid of the process doing the walk (/proc/self). */
  self: number;
  /** What /proc files are made from. */
  proc: ProcContext;
  pids(): number[];
  exe(pid: number): string | undefined;
  fds(pid: number): number[];
  fdTarget(pid: number, fd: number): string | undefined;
}
