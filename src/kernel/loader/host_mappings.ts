// A stub's address space as the host sees it (/proc/PID/maps): what a checkpoint saves and a
// restore clears, and where the stub's own image lies (which the loader unmaps by address).
import fs from 'node:fs';

import { decodeBytes } from '../../byte_string.js';

/** Where the stub binary is linked (binding.gyp): never where a program maps anything. */
export const STUB_BASE = 0x6fff00000000;
export const STUB_END = STUB_BASE + 0x100000;

export interface HostMapping {
  start: number;
  end: number;
  /** PROT_READ | PROT_WRITE | PROT_EXEC bits. */
  prot: number;
  shared: boolean;
  /** The object mapped ("major:minor" and inode; both 0 for private anonymous memory) and the mapping's offset in it. */
  device: string;
  inode: number;
  offset: number;
  /** [stack], [vdso], [vvar], [vsyscall], "/dev/zero (deleted)"..., or "" for anonymous memory. */
  name: string;
}

/** A host process's mappings ('self': tsvisor's own). */
export function hostMappings(hostPid: number | 'self'): HostMapping[] {
  const text = decodeBytes(fs.readFileSync(`/proc/${hostPid}/maps`));
  const out: HostMapping[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const start = parseInt(m[1]!, 16);
    const perms = m[3]!;
    const prot = (perms[0] === 'r' ? 1 : 0) | (perms[1] === 'w' ? 2 : 0) | (perms[2] === 'x' ? 4 : 0);
    const name = start >= 0x800000000000 ? '[vsyscall]' : m[7]!.trim();
    out.push({ start, end: parseInt(m[2]!, 16), prot, shared: perms[3] === 's', device: m[5]!, inode: Number(m[6]!), offset: parseInt(m[4]!, 16), name });
  }
  return out;
}

export function isStubImage(m: { start: number }): boolean {
  return m.start >= STUB_BASE && m.start < STUB_END;
}

/** A device number as /proc/PID/maps writes it: "MAJOR:MINOR" in hex, two digits at least. */
export function deviceText(dev: number): string {
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return `${hex(major)}:${hex(minor)}`;
}
