// --strace: one strace-style line per syscall on stderr, from the kernel's bus.
import fs from 'node:fs';

import type { Kernel } from '../kernel/kernel.js';
import { formatSyscall, type MemoryReader } from './format.js';

/** Bytes the kernel wrote into a thread's memory for the syscall being described. */
interface NotedWrite {
  readonly addr: number;
  readonly bytes: Uint8Array;
}

/**
 * The bytes at [addr, addr + len) from the syscall's own writes, when the latest write that
 * touches the range covers all of it (the memory holds just that); else undefined.
 */
function fromWrites(writes: readonly NotedWrite[], addr: number, len: number): Uint8Array | undefined {
  for (let i = writes.length - 1; i >= 0; i--) {
    const w = writes[i]!;
    const end = w.addr + w.bytes.length;
    if (end <= addr || w.addr >= addr + len) continue;
    return w.addr <= addr && end >= addr + len ? w.bytes.subarray(addr - w.addr, addr - w.addr + len) : undefined;
  }
  return undefined;
}

/**
 * The memory of a (stopped) sandbox thread, for the formatter. What the syscall wrote (its
 * `writes`, when the kernel noted them) is read from those bytes, without asking the host.
 */
export function threadMemory(kernel: Kernel, tid: number, writes: readonly NotedWrite[] = []): MemoryReader {
  const hostTid = kernel.state.threads.get(tid)?.hostTid ?? 0;
  return {
    readBytes: (addr, len) => (writes.length === 0 ? undefined : fromWrites(writes, addr, len)) ?? kernel.platform.read(hostTid, addr, len),
    readCString: (addr, max) => {
      const s = kernel.platform.readCString(hostTid, addr, max);
      return s === 'toolong' ? kernel.platform.read(hostTid, addr, max) : s;
    },
  };
}

/** The strace-style line of a syscall that just completed, or is about to run ('pending'); its thread is stopped. */
export function describeSyscall(
  kernel: Kernel,
  record: { tid: number; nr: number; args: readonly number[]; result: number | 'noreturn' | 'pending'; writes?: readonly NotedWrite[] },
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
