// FIFOs and unix socket files in a `--mount HOSTDIR:DIR:rw` bind, as gVisor's gofer mounts have
// them: the node is a host file (mknod on the host, so ls, stat, readdir, rename, link and
// unlink see a real FIFO or socket file there), but a FIFO's pipe and the socket a path names
// are the sandbox kernel's, found by the host node's identity (device and inode number): two
// sandbox processes opening one FIFO by any of its names meet, connect(2) to the path reaches
// the sandbox socket bound there. The kernel never opens a host FIFO (a host program at its
// other end could keep it waiting) and never connects to a host socket: a socket file no
// sandbox socket is bound to (a host program's, or one left by a closed listener) refuses the
// connection, as a stale one does. While a pipe or a bound socket is tied to a node, the kernel
// holds an O_PATH fd of it (HostResources.pin), so that the host gives its inode number to no
// other file meanwhile: a FIFO made again under an unlinked one's name is another FIFO.
import fs from 'node:fs';

import { hostFstat } from '../../platform/host_stat.js';
import { Errno } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { KernelState } from '../state.js';
import { S_IFIFO, S_IFMT, type FileStat } from '../vfs/file_stat.js';
import type { WritableBind } from '../vfs/vnode.js';
import { child, pin } from '../vfs/writable_bind.js';
import type { SyscallContext } from './context.js';
import { openFifo } from './fifo.js';
import type { Outcome } from './outcome.js';

/** How state.socketNames names the socket bound to a host socket file. */
const HOST_SOCKET = 'host:';

/** A host node's identity: what a FIFO's pipe and a socket's name are tied to. */
export function identityOf(st: Pick<FileStat, 'dev' | 'ino'>): string {
  return `${st.dev}:${st.ino}`;
}

/** The socket name (state.socketNames key) of the host socket file with this identity. */
export function hostSocketKey(identity: string): string {
  return HOST_SOCKET + identity;
}

/** The identities pipes and socket names are tied to now: the nodes that must stay held. */
export function tiedIdentities(state: KernelState): Set<string> {
  const tied = new Set<string>();
  for (const p of state.pipes.values()) if (p.fifo !== undefined) tied.add(p.fifo);
  for (const key of state.socketNames.keys()) if (key.startsWith(HOST_SOCKET)) tied.add(key.slice(HOST_SOCKET.length));
  return tied;
}

/** Lets go of the host nodes nothing is tied to any more (after closes, or a failed open or bind). */
export function unpinUntied(kernel: Kernel): void {
  if (kernel.host.hasPins) kernel.host.unpinExcept(tiedIdentities(kernel.state));
}

/** Holds the node at bind and returns its attributes, or -errno. */
function holdNode(ctx: SyscallContext, bind: WritableBind): FileStat | number {
  const fd = pin(bind);
  if (fd < 0) return fd;
  const st = hostFstat(fd);
  if (typeof st === 'number') {
    fs.closeSync(fd);
    return st;
  }
  ctx.kernel.host.pin(identityOf(st), fd);
  return st;
}

/** Opens the host FIFO at bind (path: its sandbox path): an end of the sandbox's pipe for it. */
export function openHostFifo(ctx: SyscallContext, path: string, bind: WritableBind, statusFlags: number, cloexec: boolean): Outcome {
  const st = holdNode(ctx, bind);
  if (typeof st === 'number') return st;
  // A host program put something else at the name since the walk looked.
  const opened = (Number(st.mode) & S_IFMT) === S_IFIFO ? openFifo(ctx, path, { identity: identityOf(st) }, statusFlags, cloexec) : -Errno.ENOENT;
  if (typeof opened === 'number' && opened < 0) unpinUntied(ctx.kernel);
  return opened;
}

/** The attributes of the host FIFO a pipe belongs to (fstat of an open end), if it is one. */
export function hostFifoStat(ctx: SyscallContext, pipeId: number): FileStat | number | undefined {
  const identity = ctx.kernel.state.pipes.get(pipeId)?.fifo;
  const fd = identity === undefined ? undefined : ctx.kernel.host.pinned(identity);
  return fd === undefined ? undefined : hostFstat(fd);
}

/**
 * The name a socket bound to the socket file just made as `name` in the bind's directory `dir`
 * takes (the file is held from now on), or -errno.
 */
export function hostSocketName(ctx: SyscallContext, dir: WritableBind, name: string): string | number {
  const st = holdNode(ctx, child(dir, name));
  return typeof st === 'number' ? st : hostSocketKey(identityOf(st));
}
