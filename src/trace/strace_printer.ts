// --strace: one strace-style line per syscall on stderr, from the kernel's bus.
import fs from 'node:fs';

import type { Kernel } from '../kernel/kernel.js';
import { formatSyscall, type MemoryReader } from './format.js';

/** The memory of a (stopped) sandbox thread, for the formatter. */
export function threadMemory(kernel: Kernel, tid: number): MemoryReader {
  const hostTid = kernel.state.threads.get(tid)?.hostTid ?? 0;
  return {
    readBytes: (addr, len) => kernel.platform.read(hostTid, addr, len),
    readCString: (addr, max) => {
      const s = kernel.platform.readCString(hostTid, addr, max);
      return s === 'toolong' ? kernel.platform.read(hostTid, addr, max) : s;
    },
  };
}

/** The strace-style line of a syscall that just completed, or is about to run ('pending'); its thread is stopped. */
export function describeSyscall(kernel: Kernel, record: { tid: number; nr: number; args: readonly number[]; result: number | 'noreturn' | 'pending' }): string {
  return formatSyscall({ nr: record.nr, args: record.args, result: record.result }, threadMemory(kernel, record.tid));
}

export function printStrace(kernel: Kernel, out: number = 2): void {
  kernel.bus.subscribe((record) => {
    if (record.type !== 'syscall') return;
    const prefix = kernel.state.processes.size > 1 ? `[pid ${record.pid}] ` : '';
    fs.writeSync(out, `${prefix}${describeSyscall(kernel, record)}\n`);
  });
}
