// The live memory of a stopped sandbox thread, as the strace formatter and the recorder read it.
import type { Kernel } from '../kernel/kernel.js';
import type { MemoryReader } from './format.js';
import { fromWrites, type MemoryRegion } from './recorded_memory.js';

/**
 * The memory of a (stopped) sandbox thread, for the formatter. What the syscall wrote (its
 * `writes`, when the kernel noted them) is read from those bytes, and the C strings the kernel
 * read for it (`strings`) from those, without asking the host.
 */
export function threadMemory(kernel: Kernel, tid: number, writes: readonly MemoryRegion[] = [], strings: readonly MemoryRegion[] = []): MemoryReader {
  const hostTid = kernel.state.threads.get(tid)?.hostTid ?? 0;
  return {
    readBytes: (addr, len) => (writes.length === 0 ? undefined : fromWrites(writes, addr, len)) ?? kernel.platform.read(hostTid, addr, len),
    readCString: (addr, max) => {
      const known = strings.length === 0 ? undefined : stringRead(strings, writes, addr, max);
      if (known !== undefined) return known;
      const s = kernel.platform.readCString(hostTid, addr, max);
      return s === 'toolong' ? kernel.platform.read(hostTid, addr, max) : s;
    },
  };
}

/**
 * What readCString(addr, max) reads, from a C string the kernel read at addr for the call (its
 * NUL just after its bytes), unless the call wrote over any of it; else undefined.
 */
function stringRead(strings: readonly MemoryRegion[], writes: readonly MemoryRegion[], addr: number, max: number): Uint8Array | undefined {
  for (const s of strings) {
    if (s.addr !== addr) continue;
    const end = addr + s.bytes.length + 1;
    if (writes.some((w) => w.addr < end && w.addr + w.bytes.length > addr)) return undefined;
    return s.bytes.length <= max ? s.bytes : s.bytes.subarray(0, max);
  }
  return undefined;
}
