// The ioctls of a namespace's nsfs file (an open /proc/PID/ns/NAME): what lsns and container
// tools ask of one. The sandbox's namespaces are owned by its user namespace, whose parent,
// like the pid namespace's, lies outside the sandbox: Linux answers EPERM for those.
import { Errno } from '../errno.js';
import { openNewFile, type FdLookup } from '../fd/fd_table.js';
import { namespaceOfPath, type SandboxNamespace } from '../task/sandbox_namespaces.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

const NS_GET_USERNS = 0xb701;
const NS_GET_PARENT = 0xb702;
const NS_GET_NSTYPE = 0xb703;
const NS_GET_OWNER_UID = 0xb704;
/** The owner of the sandbox's user namespace is not mapped in it: Linux shows the overflow uid. */
const OVERFLOW_UID = 65534;

/** The namespace an open file is the nsfs file of, if it is one. */
export function openNamespace(d: FdLookup): SandboxNamespace | undefined {
  return d.file.kind === 'synthetic' ? namespaceOfPath(d.file.path) : undefined;
}

export function namespaceIoctl(ctx: SyscallContext, ns: SandboxNamespace, request: number, argp: number): Outcome {
  switch (request) {
    case NS_GET_USERNS: {
      if (ns.kind === 'user') return -Errno.EPERM;
      const fd = openNewFile(ctx, { kind: 'synthetic', path: `/proc/${ctx.process.pid}/ns/user`, flags: 0, cloexec: true });
      if (fd >= 0) ctx.kernel.host.setContent(ctx.process.fds.get(fd)!.fileId, new Uint8Array(0));
      return fd;
    }
    case NS_GET_PARENT:
      return ns.kind === 'user' || ns.kind === 'pid' ? -Errno.EPERM : -Errno.EINVAL;
    case NS_GET_NSTYPE:
      return ns.cloneFlag;
    case NS_GET_OWNER_UID: {
      if (ns.kind !== 'user') return -Errno.EINVAL;
      const out = Buffer.alloc(4);
      out.writeUInt32LE(OVERFLOW_UID);
      return ctx.write(argp, out) ? 0 : -Errno.EFAULT;
    }
    default:
      return -Errno.ENOTTY;
  }
}
