// Resolving the path arguments of *at() syscalls: dirfd + path, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW.
import { Errno } from '../errno.js';
import { lookupFd } from '../fd/fd_table.js';
import type { WalkOptions } from '../vfs/path_walk.js';
import { rootOf, SANDBOX_ROOT } from '../vfs/process_root.js';
import type { ProcContext } from '../vfs/procfs_content.js';
import type { ProcessView, VNode } from '../vfs/vnode.js';
import type { SyscallContext } from './context.js';

export const AT_FDCWD = -100;
import { residentBytes, shmAllPages } from './shm.js';
import { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, capable } from '../task/capabilities.js';
import { stdioTarget } from './stdio_target.js';

export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EMPTY_PATH = 0x1000;

/**
 * What procfs sees of the kernel, from the calling process's point of view. Made at every path
 * walk and used by few (/proc, /sys): one object whose ProcContext is made at first use, from
 * the state and process of the walk (as they were when it was made), not ~10 objects and
 * closures per walk.
 */
class CallerView implements ProcessView {
  private context: ProcContext | undefined;
  private readonly kernel: SyscallContext['kernel'];
  private readonly state: SyscallContext['kernel']['state'];
  private readonly process: SyscallContext['process'];

  constructor(ctx: SyscallContext) {
    this.kernel = ctx.kernel;
    this.state = ctx.kernel.state;
    this.process = ctx.process;
  }

  get self(): number {
    return this.process.pid;
  }

  get proc(): ProcContext {
    if (this.context) return this.context;
    const kernel = this.kernel;
    return (this.context = {
      state: this.state, bootMs: kernel.root.bootMs, tmpfs: kernel.root.tmpfsMounts, binds: kernel.root.bindMounts, readonlyRoot: kernel.readonlyRoot, reader: this.process.pid, root: rootOf(this.process), limits: kernel.limits,
      shmResident: (shmid) => residentBytes(kernel, shmid), shmAllPages: shmAllPages(kernel),
      runState: (tid) => kernel.runStateOf(tid),
    });
  }

  pids(): number[] {
    return [...this.state.processes.values()].filter((p) => p.status === 'running').map((p) => p.pid);
  }

  exe(pid: number): string | undefined {
    const p = this.state.processes.get(pid);
    return p && p.status === 'running' ? p.exe : undefined;
  }

  fds(pid: number): number[] {
    return [...(this.state.processes.get(pid)?.fds.keys() ?? [])].sort((a, b) => a - b);
  }

  fdTarget(pid: number, fd: number): string | undefined {
    const state = this.state;
    const entry = state.processes.get(pid)?.fds.get(fd);
    const file = entry && state.files.get(entry.fileId);
    if (!file) return undefined;
    if (file.kind === 'mem' && file.nodeId !== undefined && state.overlay.nodes.get(file.nodeId)?.nlink === 0) return `${file.path} (deleted)`;
    return file.kind === 'stdio' ? stdioTarget(this.kernel, file) : file.path;
  }
}

export function processView(ctx: SyscallContext): ProcessView {
  return new CallerView(ctx);
}

/** The directory a relative path starts from: cwd, or the directory open at dirfd. */
export function baseDir(ctx: SyscallContext, dirfd: number, path: string): string | number {
  if (path.startsWith('/') || dirfd === AT_FDCWD) return ctx.process.cwd;
  const d = lookupFd(ctx, dirfd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'dir') return -Errno.ENOTDIR;
  return d.file.path;
}

/** How the calling process walks the paths it names: its root, its /proc view and the overlay's upper layer. */
export function walkOptions(ctx: SyscallContext, follow: boolean): WalkOptions {
  const root = rootOf(ctx.process);
  return sandboxWalkOptions(ctx, follow, root === SANDBOX_ROOT ? undefined : root);
}

/** As walkOptions, from the sandbox root whatever the caller's root (for the paths the kernel holds). */
function sandboxWalkOptions(ctx: SyscallContext, follow: boolean, root?: string): WalkOptions {
  const creds = ctx.process.creds;
  // Made at every walk: one literal (a spread of a conditional object is V8's runtime).
  const searchAs = capable(creds, CAP_DAC_OVERRIDE) || capable(creds, CAP_DAC_READ_SEARCH) ? undefined : creds;
  return { followFinal: follow, view: processView(ctx), upper: ctx.kernel.state.overlay, ptys: ctx.kernel.state.ptys, searchAs, root };
}

/** Resolves (dirfd, path) for a syscall. An empty path is ENOENT (AT_EMPTY_PATH is the caller's). */
export function resolveAt(ctx: SyscallContext, dirfd: number, path: string, follow: boolean): VNode | number {
  if (path.length === 0) return -Errno.ENOENT;
  const base = baseDir(ctx, dirfd, path);
  if (typeof base === 'number') return base;
  return ctx.kernel.root.resolve(base, path, walkOptions(ctx, follow));
}

/**
 * The node now at the path of an open file or directory (HostRoot.lookupHeld: no symlink
 * followed, no search permission needed along it), with the caller's /proc view.
 */
export function lookupHeld(ctx: SyscallContext, path: string): VNode | number {
  return ctx.kernel.root.lookupHeld(path, sandboxWalkOptions(ctx, true));
}

/**
 * Resolves a sandbox path the kernel holds (an open file's, the cwd): from the sandbox root
 * whatever the caller's root, with the caller's /proc view and permissions.
 */
export function resolvePath(ctx: SyscallContext, path: string, follow: boolean): VNode | number {
  return ctx.kernel.root.resolve('/', path, sandboxWalkOptions(ctx, follow));
}
