// ETXTBSY: Linux refuses to write a file some process is running (its exe_file holds write
// access denied until the address space goes), for open with write access or O_TRUNC, creat
// and truncate; and it refuses to run a file that is open for writing. A process's
// executable is known by the mappings exec made of it.
import { O_ACCMODE, O_RDONLY } from '../abi/open_flags.js';
import type { KernelState, OpenFile } from '../state.js';
import type { FileStat } from './file_stat.js';

/** Whether a live process of the sandbox runs the file with this identity. */
export function isRunningExecutable(state: KernelState, st: FileStat): boolean {
  const dev = BigInt(st.dev);
  const ino = BigInt(st.ino);
  for (const p of state.processes.values()) {
    if (p.status === 'zombie') continue;
    const image = p.mm.mappings.find((m) => m.path === p.exe && m.ino !== undefined);
    if (image && image.ino === ino && image.dev === dev) return true;
  }
  return false;
}

/**
 * Whether an open file of the sandbox may write the file with this identity (statOf: an open
 * file's stat, or an errno). memfd_create's own open file does not count (Linux makes it
 * without taking write access), so a memfd can be run with fexecve.
 */
export function isOpenForWriting(state: KernelState, st: FileStat, statOf: (file: OpenFile) => FileStat | number): boolean {
  for (const file of state.files.values()) {
    if ((file.kind !== 'host' && file.kind !== 'mem') || (file.flags & O_ACCMODE) === O_RDONLY || file.path.startsWith('/memfd:')) continue;
    const other = statOf(file);
    if (typeof other !== 'number' && other.ino === st.ino && other.dev === st.dev) return true;
  }
  return false;
}
