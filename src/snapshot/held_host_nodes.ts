// Host FIFOs and socket files (of `--mount ...:rw` binds) that the image's pipes and bound
// sockets are tied to by their identity, dev:ino (kernel/syscalls/host_special_files.ts). The
// checkpoint notes where each is on the host; restore holds the same node again, and refuses
// (or, with --ignore-changed-files, unties it) when the name is gone or is another file now:
// a tie to a node the restored kernel does not hold could meet a new file given that inode
// number. A node that had no name left at the checkpoint is untied at restore: as on Linux,
// nothing could reach its pipe or socket by a name any more.
import fs from 'node:fs';

import { hostPathArg } from '../byte_string.js';
import type { Kernel } from '../kernel/kernel.js';
import type { KernelState } from '../kernel/state.js';
import { hostSocketKey, identityOf, tiedIdentities } from '../kernel/syscalls/host_special_files.js';
import type { HeldHostNode } from './image_format.js';
import { ImageError } from './image_reader.js';

const O_PATH = 0o10000000;

/** The tied nodes and where the host has them now. */
export function heldHostNodes(kernel: Kernel): HeldHostNode[] {
  const held: HeldHostNode[] = [];
  for (const identity of tiedIdentities(kernel.state)) {
    const fd = kernel.host.pinned(identity);
    if (fd === undefined) continue;
    const named = fs.fstatSync(fd).nlink > 0;
    held.push({ identity, hostPath: named ? fs.readlinkSync(`/proc/self/fd/${fd}`) : null });
  }
  return held;
}

/** Ends every tie to the node identity: its pipe goes on unnamed, its socket unreachable by name. */
function untie(state: KernelState, identity: string): void {
  for (const p of state.pipes.values()) if (p.fifo === identity) delete p.fifo;
  state.socketNames.delete(hostSocketKey(identity));
}

/** O_PATH fds of the image's tied nodes, by identity; refuses when one is gone or another file. */
export function holdAgain(nodes: readonly HeldHostNode[], state: KernelState, opts: { ignoreChangedFiles: boolean; warn: (m: string) => void }): Map<string, number> {
  const fds = new Map<string, number>();
  for (const node of nodes) {
    if (node.hostPath === null) {
      untie(state, node.identity);
      continue;
    }
    let fd = -1;
    try {
      fd = fs.openSync(hostPathArg(node.hostPath), O_PATH | fs.constants.O_NOFOLLOW);
    } catch {
      // gone: below
    }
    if (fd >= 0 && identityOf(fs.fstatSync(fd, { bigint: true })) === node.identity) {
      fds.set(node.identity, fd);
      continue;
    }
    if (fd >= 0) fs.closeSync(fd);
    const message = `the FIFO or socket file ${node.hostPath}, which the sandbox's pipe or socket is tied to, ${fd >= 0 ? 'is another file now' : 'is gone'}`;
    if (!opts.ignoreChangedFiles) {
      for (const open of fds.values()) fs.closeSync(open);
      throw new ImageError(`${message} (--ignore-changed-files restores anyway, untied)`);
    }
    opts.warn(`${message}; restoring it untied`);
    untie(state, node.identity);
  }
  return fds;
}
