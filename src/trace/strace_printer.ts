// --strace: one strace-style line per syscall on stderr, from the kernel's bus.
import fs from 'node:fs';

import type { Kernel } from '../kernel/kernel.js';
import { formatSyscall } from './format.js';
import type { MemoryRegion } from './recorded_memory.js';
import { threadMemory } from './thread_memory.js';

/** The strace-style line of a syscall that just completed, or is about to run ('pending'); its thread is stopped. */
export function describeSyscall(
  kernel: Kernel,
  record: { tid: number; nr: number; args: readonly number[]; result: number | 'noreturn' | 'pending'; writes?: readonly MemoryRegion[] },
): string {
  return formatSyscall({ nr: record.nr, args: record.args, result: record.result }, threadMemory(kernel, record.tid, record.writes));
}

export function printStrace(kernel: Kernel, out: number = 2): void {
  kernel.bus.subscribe((record) => {
    if (record.type !== 'syscall') return;
    const prefix = kernel.state.processes.size > 1 ? `[pid ${record.pid}] ` : '';
    fs.writeSync(out, `${prefix}${describeSyscall(kernel, record)}\n`);
  });
}
