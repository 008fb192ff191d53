// What a handler gets: the calling thread and process, the arguments, and safe access to
// the program's memory. Handlers change state only through emit().
import { decodeBytes } from '../../byte_string.js';
import { PAGE } from '../abi/mmap.js';
import { Errno } from '../errno.js';
import type { KernelEvent } from '../events.js';
import type { Kernel } from '../kernel.js';
import type { ProcessState, ThreadState } from '../state.js';
import type { Outcome } from './outcome.js';

const PATH_MAX = 4096;
const SCRATCH_BELOW_SP = 1024;

/**
 * Free memory of a thread stopped in a syscall with stack pointer sp, for the kernel's own
 * injected syscalls: below the red zone of its stack (16-byte aligned), which nothing uses then.
 */
export function scratchBelow(sp: number): number {
  return Math.floor((sp - SCRATCH_BELOW_SP) / 16) * 16;
}

export class SyscallContext {
  constructor(
    readonly kernel: Kernel,
    readonly thread: ThreadState,
    readonly process: ProcessState,
    readonly nr: number,
    readonly args: readonly number[],
    /** The thread's stack pointer at the trap (scratch space lies below its red zone). */
    readonly stackPointer: number = 0,
    /** The arguments' exact low 32 bits, where some argument's double lost them (Stop.argsLow32). */
    private readonly argsLow32?: readonly number[],
  ) {}

  get hostTid(): number {
    return this.thread.hostTid;
  }

  /** Parks this thread until one of keys changes and retry() has a result (see Kernel.block). */
  block(keys: string[], retry: () => number | null, cancel?: () => void, onInterrupt?: () => number | undefined): Outcome {
    return this.kernel.block(this.thread.tid, keys, retry, cancel, onInterrupt);
  }

  emit(event: KernelEvent): void {
    this.kernel.emit(event);
  }

  /** Free memory of the thread for a handler's own injected syscalls (see scratchBelow). */
  scratchAddress(): number {
    return scratchBelow(this.stackPointer);
  }

  /** Argument i as a C int (the low 32 bits, signed), as the kernel reads an int parameter. */
  int(i: number): number {
    return this.argsLow32 ? this.argsLow32[i]! : this.args[i]! | 0;
  }

  /**
   * Argument i as the exact signed 64-bit value (a long that may lie beyond 2^53, such as a
   * message type): the double's high part, made exact with the register's low 32 bits.
   */
  long(i: number): bigint {
    const approx = this.args[i]!;
    if (!this.argsLow32) return BigInt(approx);
    const low = BigInt(this.argsLow32[i]! >>> 0);
    // The double is within 2^10 of the value: of the candidates with these low bits, the nearest.
    const high = BigInt(Math.floor(approx / 2 ** 32));
    let best = 0n;
    let bestDistance = Infinity;
    for (const h of [high - 1n, high, high + 1n]) {
      const candidate = h * 2n ** 32n + low;
      const distance = Math.abs(Number(candidate) - approx);
      if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
    }
    return BigInt.asIntN(64, best);
  }

  /** Argument i as an unsigned 32-bit value (flags, modes). */
  uint(i: number): number {
    return this.int(i) >>> 0;
  }

  read(addr: number, length: number): Uint8Array | null {
    return this.kernel.platform.read(this.hostTid, addr, length);
  }

  /**
   * What can be read of [addr, addr + length): all of it, or the pages before the first that
   * faults (null when the first does), as copy_from_user leaves a short copy.
   */
  readSome(addr: number, length: number): Uint8Array | null {
    const all = this.read(addr, length);
    if (all || length === 0) return all;
    const parts: Uint8Array[] = [];
    let at = addr;
    const end = addr + length;
    while (at < end) {
      const piece = this.read(at, Math.min(end, (Math.floor(at / PAGE) + 1) * PAGE) - at);
      if (!piece) break;
      parts.push(piece);
      at += piece.length;
    }
    return parts.length === 0 ? null : Buffer.concat(parts);
  }

  write(addr: number, bytes: Uint8Array): boolean {
    const ok = this.kernel.platform.write(this.hostTid, addr, bytes);
    if (ok && this.kernel.captureWrites) this.kernel.noteWrite(this.thread.tid, addr, bytes);
    return ok;
  }

  /** Writes what fits before the first unwritable page; the count written. */
  writeSome(addr: number, bytes: Uint8Array): number {
    const n = this.kernel.platform.writeSome(this.hostTid, addr, bytes);
    if (n > 0 && this.kernel.captureWrites) this.kernel.noteWrite(this.thread.tid, addr, bytes.subarray(0, n));
    return n;
  }

  /** A path argument: the string (byte-exact, byte_string.ts), or a negative errno (EFAULT, ENAMETOOLONG). */
  readPath(addr: number): string | number {
    const bytes = this.readCString(addr, PATH_MAX - 1);
    if (bytes === null) return -Errno.EFAULT;
    if (bytes === 'toolong') return -Errno.ENAMETOOLONG;
    return decodeBytes(bytes);
  }

  /** A NUL-terminated string of at most max bytes, or a negative errno. */
  readString(addr: number, max: number): string | number {
    const bytes = this.readCString(addr, max);
    if (bytes === null) return -Errno.EFAULT;
    if (bytes === 'toolong') return -Errno.E2BIG;
    return decodeBytes(bytes);
  }

  /**
   * A C string the handler read by other means (bytes: up to its NUL, which follows them in the
   * program's memory), noted for a recorder that wants memory; bytes must not change afterwards.
   */
  noteString(addr: number, bytes: Uint8Array): void {
    if (this.kernel.captureWrites) this.kernel.noteString(this.thread.tid, addr, bytes);
  }

  /** The string's bytes (its own copy, never handed out), noted for a recorder that wants memory. */
  private readCString(addr: number, max: number): Uint8Array | null | 'toolong' {
    const bytes = this.kernel.platform.readCString(this.hostTid, addr, max);
    if (bytes instanceof Uint8Array && this.kernel.captureWrites) this.kernel.noteString(this.thread.tid, addr, bytes);
    return bytes;
  }
}
