// ETXTBSY: Linux refuses to write a file some process is running (its exe_file holds write
// access denied until the address space goes), for open with write access or O_TRUNC, creat
// and truncate. A process's executable is known by the mappings exec made of it.
import type { KernelState } from '../state.js';
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
