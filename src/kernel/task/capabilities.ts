// Capabilities (capabilities(7)): the five sets of a process, the securebits and keep-caps,
// and how set*id and execve change them. A process that never touched them has none stored
// (`Credentials.caps` absent): its sets follow from its uids as they do on Linux for a
// process root started (root's full set while any of its uids is 0, effective while its
// euid is 0). They are stored once it changes them (capset, prctl, or an OCI bundle's
// process.capabilities), and from then on follow Linux's rules for uid changes and exec.
// Masks are numbers: the 41 capabilities (0..CAP_LAST_CAP) fit exactly in a double.
import type { CapabilitySets, Credentials } from '../state.js';

export const CAP_CHOWN = 0;
export const CAP_DAC_OVERRIDE = 1;
export const CAP_DAC_READ_SEARCH = 2;
export const CAP_FOWNER = 3;
export const CAP_FSETID = 4;
export const CAP_KILL = 5;
export const CAP_SETGID = 6;
export const CAP_SETUID = 7;
export const CAP_SETPCAP = 8;
export const CAP_LINUX_IMMUTABLE = 9;
export const CAP_NET_BIND_SERVICE = 10;
export const CAP_NET_RAW = 13;
export const CAP_IPC_LOCK = 14;
export const CAP_IPC_OWNER = 15;
export const CAP_SYS_CHROOT = 18;
export const CAP_SYS_PTRACE = 19;
export const CAP_SYS_ADMIN = 21;
export const CAP_SYS_BOOT = 22;
export const CAP_SYS_NICE = 23;
export const CAP_SYS_RESOURCE = 24;
export const CAP_SYSLOG = 34;
export const CAP_LAST_CAP = 40;
/** Every capability, 0..CAP_LAST_CAP. */
export const ALL_CAPS = 2 ** (CAP_LAST_CAP + 1) - 1;

/** Capability names as /proc, capsh and the OCI runtime spec spell them (CAP_ + the name), by number. */
export const CAP_NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
] as const;

// securebits (linux/securebits.h): each flag and its lock bit.
export const SECBIT_NOROOT = 1 << 0;
export const SECBIT_NO_SETUID_FIXUP = 1 << 2;
export const SECBIT_KEEP_CAPS = 1 << 4;
export const SECBIT_NO_CAP_AMBIENT_RAISE = 1 << 6;
/** Every flag with its lock (bits 0..7). */
export const SECURE_ALL_BITS = 0xff;

export function hasCap(mask: number, cap: number): boolean {
  return cap >= 0 && cap <= CAP_LAST_CAP && Math.floor(mask / 2 ** cap) % 2 === 1;
}

export function capBit(cap: number): number {
  return 2 ** cap;
}

export function and(a: number, b: number): number {
  return Number(BigInt(a) & BigInt(b));
}

export function or(a: number, b: number): number {
  return Number(BigInt(a) | BigInt(b));
}

export function without(a: number, b: number): number {
  return Number(BigInt(a) & ~BigInt(b));
}

export function isSubset(a: number, b: number): boolean {
  return (BigInt(a) & ~BigInt(b)) === 0n;
}

/** The sets of creds: the stored ones, or those its uids give a process that never changed them. */
export function capabilitySets(c: Credentials): CapabilitySets {
  if (c.caps) return c.caps;
  const anyRoot = c.uid === 0 || c.euid === 0 || c.suid === 0;
  return {
    permitted: anyRoot ? ALL_CAPS : 0,
    effective: c.euid === 0 ? ALL_CAPS : 0,
    inheritable: 0,
    bounding: ALL_CAPS,
    ambient: 0,
    securebits: 0,
  };
}

/** Linux's capable(): whether creds has cap in its effective set. */
export function capable(c: Credentials, cap: number): boolean {
  return c.caps ? hasCap(c.caps.effective, cap) : c.euid === 0;
}

/**
 * The capabilities after a set*id call took creds from old to next (Linux's
 * cap_emulate_setxuid): leaving uid 0 for good drops the permitted and effective sets (unless
 * keep-caps) and the ambient one; euid leaving 0 drops the effective set, and coming back to 0
 * raises it to the permitted one. Without stored sets the uids say it all.
 */
export function afterIdChange(old: Credentials, next: Credentials): Credentials {
  if (!old.caps) return next;
  const caps = { ...old.caps };
  if (!(caps.securebits & SECBIT_NO_SETUID_FIXUP)) {
    const wasRoot = old.uid === 0 || old.euid === 0 || old.suid === 0;
    const isRoot = next.uid === 0 || next.euid === 0 || next.suid === 0;
    if (wasRoot && !isRoot) {
      if (!(caps.securebits & SECBIT_KEEP_CAPS)) {
        caps.permitted = 0;
        caps.effective = 0;
      }
      caps.ambient = 0;
    }
    if (old.euid === 0 && next.euid !== 0) caps.effective = 0;
    if (old.euid !== 0 && next.euid === 0) caps.effective = caps.permitted;
  }
  return { ...next, caps };
}

/**
 * The capabilities after execve of a file without file capabilities (the overlay has no
 * extended attributes; Linux's cap_bprm_creds_from_file): root (real or effective uid 0,
 * unless SECBIT_NOROOT) gets its bounding, inheritable and ambient sets as permitted, all of
 * them effective when its euid is 0; anyone else keeps its ambient set. Keep-caps ends.
 */
export function afterExec(c: Credentials): Credentials {
  if (!c.caps) return c;
  const caps = { ...c.caps, securebits: c.caps.securebits & ~SECBIT_KEEP_CAPS };
  const root = !(caps.securebits & SECBIT_NOROOT) && (c.uid === 0 || c.euid === 0);
  caps.permitted = root ? or(or(caps.bounding, caps.inheritable), caps.ambient) : caps.ambient;
  caps.effective = root && c.euid === 0 ? caps.permitted : caps.ambient;
  return { ...c, caps };
}

/** The sets as /proc/PID/status prints them (CapInh...CapAmb: 16 hex digits). */
export function capabilityStatusLines(c: Credentials): string[] {
  const s = capabilitySets(c);
  const hex = (m: number) => m.toString(16).padStart(16, '0');
  return [
    `CapInh:\t${hex(s.inheritable)}`,
    `CapPrm:\t${hex(s.permitted)}`,
    `CapEff:\t${hex(s.effective)}`,
    `CapBnd:\t${hex(s.bounding)}`,
    `CapAmb:\t${hex(s.ambient)}`,
  ];
}
