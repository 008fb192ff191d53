// --strace: one strace-style line per syscall on stderr, from the kernel's bus.
import fs from 'node:fs';

import type { Kernel } from '../kernel/kernel.js';
import { formatSyscall, type MemoryReader } from './format.js';

export function printStrace(kernel: Kernel, out: number = 2): void {
  kernel.bus.subscribe((record) => {
    if (record.type !== 'syscall') return;
    const thread = kernel.state.threads.get(record.tid);
    const hostTid = thread?.hostTid ?? 0;
    const mem: MemoryReader = {
      readBytes: (addr, len) => kernel.platform.read(hostTid, addr, len),
      readCString: (addr, max) => {
        const s = kernel.platform.readCString(hostTid, addr, max);
        return s === 'toolong' ? kernel.platform.read(hostTid, addr, max) : s;
      },
    };
    const prefix = kernel.state.processes.size > 1 ? `[pid ${record.pid}] ` : '';
    const line = formatSyscall({ nr: record.nr, args: record.args, result: record.result }, mem);
    fs.writeSync(out, `${prefix}${line}\n`);
  });
}
