// Identity changes: the set*id family, groups and capabilities. Credentials are the
// kernel's (the host stub keeps its one unprivileged identity); the rules are Linux's:
// euid 0 may take any id, others only their real, effective or saved ones.
import { Errno } from '../errno.js';
import type { CapabilitySets, Credentials } from '../state.js';
import {
  ALL_CAPS, CAP_SETGID, CAP_SETPCAP, CAP_SETUID, afterIdChange, and, capable, capabilitySets, isSubset, or,
} from '../task/capabilities.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { processOfTid } from '../task/task_lookup.js';

const KEEP = -1;
const NGROUPS_MAX = 65536;

/** New credentials; a uid change also changes the capabilities, as Linux's rules say. */
function set(ctx: SyscallContext, next: Credentials): number {
  ctx.emit({ type: 'CredentialsSet', pid: ctx.process.pid, creds: afterIdChange(ctx.process.creds, next) });
  return 0;
}

/** CAP_SETUID for the uids, CAP_SETGID for the gids and groups. */
function privileged(c: Credentials, which: 'uid' | 'gid' = 'uid'): boolean {
  return capable(c, which === 'uid' ? CAP_SETUID : CAP_SETGID);
}

/** setresuid-style: each of r, e, s is -1 (keep) or an id the caller may take. */
function setRes(ctx: SyscallContext, which: 'uid' | 'gid', r: number, e: number, s: number): number {
  const c = ctx.process.creds;
  const [real, eff, saved] = which === 'uid' ? [c.uid, c.euid, c.suid] : [c.gid, c.egid, c.sgid];
  const allowed = (id: number) => id === KEEP || privileged(c, which) || id === real || id === eff || id === saved;
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
  if (privileged(c, 'gid')) return set(ctx, { ...c, gid: id, egid: id, sgid: id });
  if (id !== c.gid && id !== c.sgid) return -Errno.EPERM;
  return set(ctx, { ...c, egid: id });
}

/** setreuid/setregid: the saved id follows the effective one when it changes (Linux rule). */
function setRe(ctx: SyscallContext, which: 'uid' | 'gid', r: number, e: number): number {
  const c = ctx.process.creds;
  const [real, eff] = which === 'uid' ? [c.uid, c.euid] : [c.gid, c.egid];
  const saved = which === 'uid' ? c.suid : c.sgid;
  if (!privileged(c, which)) {
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
  if (!privileged(ctx.process.creds, 'gid')) return -Errno.EPERM;
  if (n < 0 || n > NGROUPS_MAX) return -Errno.EINVAL;
  // Taken one by one, as Linux's groups_from_user: a fault (EFAULT) or an invalid gid, -1 (EINVAL), at the first.
  const raw = n === 0 ? new Uint8Array(0) : ctx.readSome(ctx.args[1]!, n * 4);
  if (!raw) return -Errno.EFAULT;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const groups: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i * 4 + 4 > raw.byteLength) return -Errno.EFAULT;
    const gid = view.getUint32(i * 4, true);
    if (gid === 0xffffffff) return -Errno.EINVAL;
    groups.push(gid);
  }
  return set(ctx, { ...ctx.process.creds, groups });
}

const LINUX_CAPABILITY_VERSION_1 = 0x19980330;
const LINUX_CAPABILITY_VERSION_2 = 0x20071026;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

/** The 32-bit words of a capget/capset header's version (0: a version Linux does not know). */
function versionWords(ctx: SyscallContext, header: Uint8Array): number {
  const version = Buffer.from(header).readUInt32LE(0);
  if (version === LINUX_CAPABILITY_VERSION_1) return 1;
  if (version === LINUX_CAPABILITY_VERSION_2 || version === LINUX_CAPABILITY_VERSION_3) return 2;
  // Tell the caller the version the kernel speaks, as Linux does.
  const out = Buffer.from(header);
  out.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
  ctx.write(ctx.args[0]!, out);
  return 0;
}

/** capget: the effective, permitted and inheritable sets of the caller or of the process (or thread) pid. */
export function sysCapget(ctx: SyscallContext): Outcome {
  const header = ctx.read(ctx.args[0]!, 8);
  if (!header) return -Errno.EFAULT;
  const words = versionWords(ctx, header);
  // A NULL data pointer asks for the version only.
  if (words === 0 || ctx.args[1]! === 0) return ctx.args[1]! === 0 ? 0 : -Errno.EINVAL;
  const pid = Buffer.from(header).readInt32LE(4);
  if (pid < 0) return -Errno.EINVAL;
  const target = pid === 0 ? ctx.process : processOfTid(ctx.kernel.state, pid);
  if (!target || target.status !== 'running') return -Errno.ESRCH;
  const sets = capabilitySets(target.creds);
  const out = Buffer.alloc(12 * words);
  for (let w = 0; w < words; w++) {
    const word = (mask: number) => Math.floor(mask / 2 ** (32 * w)) % 2 ** 32;
    out.writeUInt32LE(word(sets.effective), w * 12);
    out.writeUInt32LE(word(sets.permitted), w * 12 + 4);
    out.writeUInt32LE(word(sets.inheritable), w * 12 + 8);
  }
  return ctx.write(ctx.args[1]!, out) ? 0 : -Errno.EFAULT;
}

/**
 * capset, on the caller only (Linux's cap_capset): the permitted set may only shrink, the
 * effective set stays within it, the inheritable set within the bounding set and, without
 * CAP_SETPCAP, within the old inheritable and permitted sets; the ambient set loses what is
 * no longer both permitted and inheritable.
 */
export function sysCapset(ctx: SyscallContext): Outcome {
  const header = ctx.read(ctx.args[0]!, 8);
  if (!header) return -Errno.EFAULT;
  const words = versionWords(ctx, header);
  if (words === 0) return -Errno.EINVAL;
  const pid = Buffer.from(header).readInt32LE(4);
  if (pid !== 0 && pid !== ctx.process.pid) return -Errno.EPERM;
  const raw = ctx.read(ctx.args[1]!, 12 * words);
  if (!raw) return -Errno.EFAULT;
  const data = Buffer.from(raw);
  const mask = (offset: number) => {
    let m = 0;
    for (let w = 0; w < words; w++) m += data.readUInt32LE(w * 12 + offset) * 2 ** (32 * w);
    return and(m, ALL_CAPS);
  };
  const [effective, permitted, inheritable] = [mask(0), mask(4), mask(8)];
  const c = ctx.process.creds;
  const old = capabilitySets(c);
  if (!capable(c, CAP_SETPCAP) && !isSubset(inheritable, or(old.inheritable, old.permitted))) return -Errno.EPERM;
  if (!isSubset(inheritable, or(old.inheritable, old.bounding))) return -Errno.EPERM;
  if (!isSubset(permitted, old.permitted) || !isSubset(effective, permitted)) return -Errno.EPERM;
  const caps: CapabilitySets = { ...old, effective, permitted, inheritable, ambient: and(old.ambient, and(permitted, inheritable)) };
  ctx.emit({ type: 'CredentialsSet', pid: ctx.process.pid, creds: { ...c, caps } });
  return 0;
}
