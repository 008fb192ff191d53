// Identity changes: the set*id family, groups and capabilities. Credentials are the
// kernel's (the host stub keeps its one unprivileged identity); the rules are Linux's:
// euid 0 may take any id, others only their real, effective or saved ones.
import { Errno } from '../errno.js';
import type { Credentials } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

const KEEP = -1;
const NGROUPS_MAX = 65536;

function set(ctx: SyscallContext, next: Credentials): number {
  ctx.emit({ type: 'CredentialsSet', pid: ctx.process.pid, creds: next });
  return 0;
}

function privileged(c: Credentials): boolean {
  return c.euid === 0;
}

/** setresuid-style: each of r, e, s is -1 (keep) or an id the caller may take. */
function setRes(ctx: SyscallContext, which: 'uid' | 'gid', r: number, e: number, s: number): number {
  const c = ctx.process.creds;
  const [real, eff, saved] = which === 'uid' ? [c.uid, c.euid, c.suid] : [c.gid, c.egid, c.sgid];
  const allowed = (id: number) => id === KEEP || privileged(c) || id === real || id === eff || id === saved;
  if (![r, e, s].every(allowed)) return -Errno.EPERM;
  const nr = r === KEEP ? real : r;
  const ne = e === KEEP ? eff : e;
  const ns = s === KEEP ? saved : s;
  return set(ctx, which === 'uid' ? { ...c, uid: nr, euid: ne, suid: ns } : { ...c, gid: nr, egid: ne, sgid: ns });
}

export function sysSetresuid(ctx: SyscallContext): Outcome {
  return setRes(ctx, 'uid', ctx.int(0), ctx.int(1), ctx.int(2));
}

export function sysSetresgid(ctx: SyscallContext): Outcome {
  return setRes(ctx, 'gid', ctx.int(0), ctx.int(1), ctx.int(2));
}

/** setuid: root sets all three; others only the effective id, to the real or saved one. */
export function sysSetuid(ctx: SyscallContext): Outcome {
  const id = ctx.int(0);
  if (id < 0) return -Errno.EINVAL;
  const c = ctx.process.creds;
  if (privileged(c)) return set(ctx, { ...c, uid: id, euid: id, suid: id });
  if (id !== c.uid && id !== c.suid) return -Errno.EPERM;
  return set(ctx, { ...c, euid: id });
}

export function sysSetgid(ctx: SyscallContext): Outcome {
  const id = ctx.int(0);
  if (id < 0) return -Errno.EINVAL;
  const c = ctx.process.creds;
  if (privileged(c)) return set(ctx, { ...c, gid: id, egid: id, sgid: id });
  if (id !== c.gid && id !== c.sgid) return -Errno.EPERM;
  return set(ctx, { ...c, egid: id });
}

/** setreuid/setregid: the saved id follows the effective one when it changes (Linux rule). */
function setRe(ctx: SyscallContext, which: 'uid' | 'gid', r: number, e: number): number {
  const c = ctx.process.creds;
  const [real, eff] = which === 'uid' ? [c.uid, c.euid] : [c.gid, c.egid];
  const saved = which === 'uid' ? c.suid : c.sgid;
  if (!privileged(c)) {
    if (r !== KEEP && r !== real && r !== eff) return -Errno.EPERM;
    if (e !== KEEP && e !== real && e !== eff && e !== saved) return -Errno.EPERM;
  }
  const nr = r === KEEP ? real : r;
  const ne = e === KEEP ? eff : e;
  const ns = r !== KEEP || (e !== KEEP && e !== real) ? ne : saved;
  return set(ctx, which === 'uid' ? { ...c, uid: nr, euid: ne, suid: ns } : { ...c, gid: nr, egid: ne, sgid: ns });
}

export function sysSetreuid(ctx: SyscallContext): Outcome {
  return setRe(ctx, 'uid', ctx.int(0), ctx.int(1));
}

export function sysSetregid(ctx: SyscallContext): Outcome {
  return setRe(ctx, 'gid', ctx.int(0), ctx.int(1));
}

/** setfsuid/setfsgid: filesystem ids follow the effective ones here; returns the previous. */
export function sysSetfsuid(ctx: SyscallContext): Outcome {
  return ctx.process.creds.euid;
}

export function sysSetfsgid(ctx: SyscallContext): Outcome {
  return ctx.process.creds.egid;
}

export function sysSetgroups(ctx: SyscallContext): Outcome {
  const n = ctx.int(0);
  if (n < 0 || n > NGROUPS_MAX) return -Errno.EINVAL;
  if (!privileged(ctx.process.creds)) return -Errno.EPERM;
  const raw = n === 0 ? new Uint8Array(0) : ctx.read(ctx.args[1]!, n * 4);
  if (!raw) return -Errno.EFAULT;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const groups = [...Array(n).keys()].map((i) => view.getUint32(i * 4, true));
  return set(ctx, { ...ctx.process.creds, groups });
}

const LINUX_CAPABILITY_VERSION_1 = 0x19980330;
const LINUX_CAPABILITY_VERSION_2 = 0x20071026;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
/** Every capability up to CAP_LAST_CAP (40): what root holds inside its user namespace. */
const ALL_CAPS = [0xffffffff, 0x1ff];

/** capget: root inside the sandbox holds every capability (of its namespace), others none. */
export function sysCapget(ctx: SyscallContext): Outcome {
  const header = ctx.read(ctx.args[0]!, 8);
  if (!header) return -Errno.EFAULT;
  const version = Buffer.from(header).readUInt32LE(0);
  const words = version === LINUX_CAPABILITY_VERSION_1 ? 1 : version === LINUX_CAPABILITY_VERSION_2 || version === LINUX_CAPABILITY_VERSION_3 ? 2 : 0;
  if (words === 0) {
    // Tell the caller the version the kernel speaks, as Linux does.
    const out = Buffer.from(header);
    out.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
    ctx.write(ctx.args[0]!, out);
    return -Errno.EINVAL;
  }
  if (ctx.args[1]! === 0) return 0;
  const caps = privileged(ctx.process.creds) ? ALL_CAPS : [0, 0];
  const out = Buffer.alloc(12 * words);
  for (let w = 0; w < words; w++) {
    out.writeUInt32LE(caps[w]!, w * 12); // effective
    out.writeUInt32LE(caps[w]!, w * 12 + 4); // permitted
    out.writeUInt32LE(0, w * 12 + 8); // inheritable
  }
  return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
}

/** capset: dropping is accepted (the sandbox's own privileges are already none on the host). */
export function sysCapset(ctx: SyscallContext): Outcome {
  const header = ctx.read(ctx.args[0]!, 8);
  if (!header) return -Errno.EFAULT;
  const version = Buffer.from(header).readUInt32LE(0);
  if (version !== LINUX_CAPABILITY_VERSION_3 && version !== LINUX_CAPABILITY_VERSION_2 && version !== LINUX_CAPABILITY_VERSION_1) return -Errno.EINVAL;
  const pid = Buffer.from(header).readInt32LE(4);
  if (pid !== 0 && pid !== ctx.process.pid) return -Errno.EPERM;
  return ctx.read(ctx.args[1]!, 12) ? 0 : -Errno.EFAULT;
}
