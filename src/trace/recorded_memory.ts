// The program's memory as a trace keeps it for one syscall (format 6 on): what the kernel wrote
// (`writes`) and the raw bytes the call's strace text reads (`reads`, captured while the thread
// was stopped, see input_capture.ts). The text is made from them when asked for.
import type { MemoryReader } from './format.js';

/** Bytes of a thread's memory at an address. */
export interface MemoryRegion {
  readonly addr: number;
  readonly bytes: Uint8Array;
}

/**
 * The bytes at [addr, addr + len) from the syscall's own writes, when the latest write that
 * touches the range covers all of it (the memory holds just that); else undefined.
 */
export function fromWrites(writes: readonly MemoryRegion[], addr: number, len: number): Uint8Array | undefined {
  for (let i = writes.length - 1; i >= 0; i--) {
    const w = writes[i]!;
    const end = w.addr + w.bytes.length;
    if (end <= addr || w.addr >= addr + len) continue;
    return w.addr <= addr && end >= addr + len ? w.bytes.subarray(addr - w.addr, addr - w.addr + len) : undefined;
  }
  return undefined;
}

/** Whether fromWrites(writes, addr, len) finds the bytes (without making a view of them). */
export function writesHold(writes: readonly MemoryRegion[], addr: number, len: number): boolean {
  for (let i = writes.length - 1; i >= 0; i--) {
    const w = writes[i]!;
    const end = w.addr + w.bytes.length;
    if (end <= addr || w.addr >= addr + len) continue;
    return w.addr <= addr && end >= addr + len;
  }
  return false;
}

/** The region that holds addr, or undefined. */
function holding(regions: readonly MemoryRegion[], addr: number): MemoryRegion | undefined {
  for (const r of regions) if (addr >= r.addr && addr < r.addr + r.bytes.length) return r;
  return undefined;
}

/**
 * A reader over a record's memory, as the live one read it: blocks from the writes first, then
 * from the captured reads; C strings from the reads (captured with their NUL when they had one
 * within the formatter's limit). What they do not hold is unreadable (the formatter prints the
 * address, as it did for memory unreadable at record time).
 */
export function recordedMemory(writes: readonly MemoryRegion[], reads: readonly MemoryRegion[]): MemoryReader {
  return {
    readBytes: (addr, len) => {
      if (len <= 0) return new Uint8Array(0);
      const w = writes.length === 0 ? undefined : fromWrites(writes, addr, len);
      if (w !== undefined) return w;
      for (const r of reads) {
        if (addr >= r.addr && addr + len <= r.addr + r.bytes.length) return r.bytes.subarray(addr - r.addr, addr - r.addr + len);
      }
      return null;
    },
    readCString: (addr, max) => {
      const r = holding(reads, addr);
      if (r === undefined) return null;
      const rest = r.bytes.subarray(addr - r.addr);
      const nul = rest.indexOf(0);
      return rest.subarray(0, Math.min(nul < 0 ? rest.length : nul, max));
    },
  };
}
