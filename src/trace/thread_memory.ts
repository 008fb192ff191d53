// The live memory of a stopped sandbox thread, as the strace formatter and the recorder read it.
import type { Kernel } from '../kernel/kernel.js';
import type { MemoryReader } from './format.js';
import { fromWrites, type MemoryRegion } from './recorded_memory.js';

/**
 * The memory of a (stopped) sandbox thread, for the formatter. What the syscall wrote (its
 * `writes`, when the kernel noted them) is read from those bytes, without asking the host.
 */
export function threadMemory(kernel: Kernel, tid: number, writes: readonly MemoryRegion[] = []): MemoryReader {
  const hostTid = kernel.state.threads.get(tid)?.hostTid ?? 0;
  return {
    readBytes: (addr, len) => (writes.length === 0 ? undefined : fromWrites(writes, addr, len)) ?? kernel.platform.read(hostTid, addr, len),
    readCString: (addr, max) => {
      const s = kernel.platform.readCString(hostTid, addr, max);
      return s === 'toolong' ? kernel.platform.read(hostTid, addr, max) : s;
    },
  };
}
