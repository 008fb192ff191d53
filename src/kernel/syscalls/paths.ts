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

/** What procfs sees of the kernel, from the calling process's point of view. */
export function processView(ctx: SyscallContext): ProcessView {
  const state = ctx.kernel.state;
  // Made at every path walk: proc is made apart (an object literal holding one is copied from
  // its boilerplate in V8's runtime), and bootMs is the root's (no BigInt division per walk).
  const proc: ProcContext = {
    state, bootMs: ctx.kernel.root.bootMs, tmpfs: ctx.kernel.root.tmpfs, binds: ctx.kernel.root.bindMounts, readonlyRoot: ctx.kernel.readonlyRoot, reader: ctx.process.pid, root: rootOf(ctx.process), limits: ctx.kernel.limits,
    shmResident: (shmid) => residentBytes(ctx.kernel, shmid), shmAllPages: shmAllPages(ctx.kernel),
  };
  return {
    self: ctx.process.pid,
    proc,
    pids: () => [...state.processes.values()].filter((p) => p.status === 'running').map((p) => p.pid),
    exe: (pid) => {
      const p = state.processes.get(pid);
      return p && p.status === 'running' ? p.exe : undefined;
    },
    fds: (pid) => [...(state.processes.get(pid)?.fds.keys() ?? [])].sort((a, b) => a - b),
    fdTarget: (pid, fd) => {
      const entry = state.processes.get(pid)?.fds.get(fd);
      const file = entry && state.files.get(entry.fileId);
      if (!file) return undefined;
      if (file.kind === 'mem' && file.nodeId !== undefined && state.overlay.nodes.get(file.nodeId)?.nlink === 0) return `${file.path} (deleted)`;
      return file.kind === 'stdio' ? stdioTarget(ctx.kernel, file) : file.path;
    },
  };
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
  return root === SANDBOX_ROOT ? sandboxWalkOptions(ctx, follow) : { ...sandboxWalkOptions(ctx, follow), root };
}

/** As walkOptions, from the sandbox root whatever the caller's root (for the paths the kernel holds). */
function sandboxWalkOptions(ctx: SyscallContext, follow: boolean): WalkOptions {
  const creds = ctx.process.creds;
  return { followFinal: follow, view: processView(ctx), upper: ctx.kernel.state.overlay, ptys: ctx.kernel.state.ptys, ...(capable(creds, CAP_DAC_OVERRIDE) || capable(creds, CAP_DAC_READ_SEARCH) ? {} : { searchAs: creds }) };
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
