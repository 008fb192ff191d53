// --strace: one strace-style line per syscall on stderr, from the kernel's bus.
import fs from 'node:fs';

import type { Kernel } from '../kernel/kernel.js';
import { formatSyscall, type MemoryReader } from './format.js';

/** The strace-style line of a syscall that just completed (its thread is still stopped). */
export function describeSyscall(kernel: Kernel, record: { tid: number; nr: number; args: readonly number[]; result: number | 'noreturn' }): string {
  const hostTid = kernel.state.threads.get(record.tid)?.hostTid ?? 0;
  const mem: MemoryReader = {
    readBytes: (addr, len) => kernel.platform.read(hostTid, addr, len),
    readCString: (addr, max) => {
      const s = kernel.platform.readCString(hostTid, addr, max);
      return s === 'toolong' ? kernel.platform.read(hostTid, addr, max) : s;
    },
  };
  return formatSyscall({ nr: record.nr, args: record.args, result: record.result }, mem);
}

export function printStrace(kernel: Kernel, out: number = 2): void {
  kernel.bus.subscribe((record) => {
    if (record.type !== 'syscall') return;
    const prefix = kernel.state.processes.size > 1 ? `[pid ${record.pid}] ` : '';
    fs.writeSync(out, `${prefix}${describeSyscall(kernel, record)}\n`);
  });
}
