// The live memory of a stopped sandbox thread, as the strace formatter and the recorder read it.
import type { Kernel } from '../kernel/kernel.js';
import type { MemoryReader } from './format.js';
import { fromWrites, type MemoryRegion } from './recorded_memory.js';

const NONE: readonly MemoryRegion[] = [];

/**
 * The memory of a (stopped) sandbox thread, for the formatter. What the syscall wrote (its
 * `writes`, when the kernel noted them) is read from those bytes, and the C strings the kernel
 * read for it (`strings`) from those, without asking the host. One object serves call after
 * call (of()): the recorder reads through it on every trap.
 */
export class ThreadMemory implements MemoryReader {
  private tid = 0;
  /** The thread's host tid, looked up at the first read of a call (-1: not yet). */
  private hostTid = -1;
  private writes = NONE;
  private strings = NONE;

  constructor(private readonly kernel: Kernel) {}

  /** Reads thread tid's memory from now on, as it is after a call that wrote `writes` and read `strings`. */
  of(tid: number, writes: readonly MemoryRegion[] = NONE, strings: readonly MemoryRegion[] = NONE): this {
    this.tid = tid;
    this.hostTid = -1;
    this.writes = writes;
    this.strings = strings;
    return this;
  }

  readBytes(addr: number, len: number): Uint8Array | null {
    if (this.writes.length !== 0) {
      const w = fromWrites(this.writes, addr, len);
      if (w !== undefined) return w;
    }
    return this.kernel.platform.read(this.host(), addr, len);
  }

  readCString(addr: number, max: number): Uint8Array | null {
    if (this.strings.length !== 0) {
      const known = stringRead(this.strings, this.writes, addr, max);
      if (known !== undefined) return known;
    }
    const s = this.kernel.platform.readCString(this.host(), addr, max);
    return s === 'toolong' ? this.kernel.platform.read(this.host(), addr, max) : s;
  }

  private host(): number {
    if (this.hostTid < 0) this.hostTid = this.kernel.state.threads.get(this.tid)?.hostTid ?? 0;
    return this.hostTid;
  }
}

/** A reader of thread tid's memory (see ThreadMemory). */
export function threadMemory(kernel: Kernel, tid: number, writes?: readonly MemoryRegion[], strings?: readonly MemoryRegion[]): MemoryReader {
  return new ThreadMemory(kernel).of(tid, writes, strings);
}

/**
 * What readCString(addr, max) reads, from a C string the kernel read at addr for the call (its
 * NUL just after its bytes), unless the call wrote over any of it; else undefined.
 */
function stringRead(strings: readonly MemoryRegion[], writes: readonly MemoryRegion[], addr: number, max: number): Uint8Array | undefined {
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i]!;
    if (s.addr !== addr) continue;
    const end = addr + s.bytes.length + 1;
    for (let j = 0; j < writes.length; j++) {
      const w = writes[j]!;
      if (w.addr < end && w.addr + w.bytes.length > addr) return undefined;
    }
    return s.bytes.length <= max ? s.bytes : s.bytes.subarray(0, max);
  }
  return undefined;
}
