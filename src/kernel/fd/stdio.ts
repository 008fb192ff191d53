// The program's fds 0, 1 and 2: kernel files backed by tsvisor's own stdio.
import fs from 'node:fs';
import { O_ACCMODE } from '../abi/open_flags.js';

export interface StdioFile {
  fileId: number;
  hostFd: number;
  name: string;
  flags: number;
}

const NAMES = ['stdin', 'stdout', 'stderr'];

/** The host's access mode and status flags of one of tsvisor's fds (from /proc/self/fdinfo). */
export function hostFlags(fd: number): number {
  try {
    const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const m = /^flags:\s+([0-7]+)/m.exec(info);
    // O_CLOEXEC is tsvisor's own concern, not the program's.
    if (m) return parseInt(m[1]!, 8) & ~0o2000000;
  } catch {
    // a closed stdio fd: fall through
  }
  return fd === 0 ? 0 : 1;
}

export function stdioFiles(firstFileId: number): StdioFile[] {
  return NAMES.map((name, fd) => ({ fileId: firstFileId + fd, hostFd: fd, name, flags: hostFlags(fd) }));
}

export function accessMode(flags: number): number {
  return flags & O_ACCMODE;
}
