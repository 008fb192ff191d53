// Format 6 keeps the raw memory a syscall's text is made from, not the text: for every syscall
// signature, the text made from what input_capture.ts kept must be the text made from the live
// memory, whatever the arguments and the memory hold.
import { expect } from 'chai';

import { syscallNumber } from '../../src/kernel/syscalls/numbers.js';
import { formatSyscall, type MemoryReader, type SyscallRecord } from '../../src/trace/format.js';
import { captureSyscallMemory } from '../../src/trace/input_capture.js';
import { recordedMemory, type MemoryRegion } from '../../src/trace/recorded_memory.js';
import { SYSCALL_SIGNATURES } from '../../src/trace/syscall_signatures.js';

const BASE = 0x10000;
const SIZE = 1 << 16;

/** Deterministic pseudo-random numbers (xorshift32: its low bits are as random as the rest). */
function generator(seed: number): () => number {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/**
 * One readable block of memory whose 8-byte words are pointers into it, small numbers, zeros or
 * text (with NULs now and then), so that strings end, pointer arrays end and structures point
 * at more structures. Reads past the block fail, as they do at an unmapped page.
 */
function fakeMemory(rand: () => number): { mem: MemoryReader; bytes: Uint8Array } {
  const bytes = new Uint8Array(SIZE);
  const view = new DataView(bytes.buffer);
  for (let off = 0; off < SIZE; ) {
    const pick = rand() % 8;
    if (pick === 0) view.setBigUint64(off, BigInt(BASE + (rand() % SIZE)), true);
    else if (pick === 1) view.setBigUint64(off, BigInt(rand() % 100), true);
    else if (pick === 2) view.setBigUint64(off, 0n, true);
    else {
      // A run of text, up to 80 bytes, whole words.
      const end = Math.min(SIZE, off + 8 * (1 + (rand() % 10)));
      for (let i = off; i < end; i++) bytes[i] = rand() % 60 === 0 ? 0 : 0x20 + (rand() % 0x5f);
      off = end;
      continue;
    }
    off += 8;
  }
  const inside = (addr: number, len: number) => addr >= BASE && addr + len <= BASE + SIZE;
  const mem: MemoryReader = {
    readBytes: (addr, len) => (len === 0 ? new Uint8Array(0) : inside(addr, len) ? bytes.slice(addr - BASE, addr - BASE + len) : null),
    readCString: (addr, max) => {
      if (!inside(addr, 1)) return null;
      const rest = bytes.subarray(addr - BASE);
      const nul = rest.indexOf(0);
      if (nul >= 0 && nul < max) return rest.slice(0, nul);
      // No NUL within max: the platform reads max bytes, which must all be readable.
      return inside(addr, max) ? rest.slice(0, max) : null;
    },
  };
  return { mem, bytes };
}

describe('trace: memory captured at record time, text made later (format 6)', () => {
  it('gives every signature the text the live memory gives', function () {
    this.timeout(60_000);
    const rand = generator(4242);
    const { mem, bytes } = fakeMemory(rand);
    const pointer = () => BASE + (rand() % SIZE);
    const values = [0, 1, 3, 4, 8, 40, 300, -1, -100, 0x80000, 0x1ff, pointer, pointer, pointer, pointer];
    const value = () => {
      const v = values[rand() % values.length]!;
      return typeof v === 'function' ? v() : v;
    };
    const results = [0, 1, 5, 16, 64, 200, 4000, -2, -4, -14, 'noreturn', pointer] as const;
    let compared = 0;
    for (const name of Object.keys(SYSCALL_SIGNATURES)) {
      const nr = syscallNumber(name)!;
      for (let i = 0; i < 150; i++) {
        const r = results[rand() % results.length]!;
        const call: SyscallRecord = { nr, args: Array.from({ length: 6 }, value), result: typeof r === 'function' ? r() : r };
        // Half the time the kernel noted a write (the live memory holds it too).
        const writes: MemoryRegion[] = [];
        if (rand() % 2 === 0) {
          const at = rand() % (SIZE - 512);
          writes.push({ addr: BASE + at, bytes: bytes.slice(at, at + (rand() % 512)) });
        }
        const live = formatSyscall(call, mem);
        const reads = captureSyscallMemory(call, mem, writes);
        expect(formatSyscall(call, recordedMemory(writes, reads)), `${name} ${JSON.stringify(call)}`).to.equal(live);
        compared++;
      }
    }
    expect(compared).to.be.greaterThan(10_000);
  });

  it('keeps a pointer array up to its NULL, not the rest of its page', () => {
    const { mem } = fakeMemory(generator(7));
    const argvAt = BASE + 0x800;
    const words = [BASE + 0x100, BASE + 0x200, 0];
    const block = new Uint8Array(words.length * 8);
    words.forEach((w, i) => new DataView(block.buffer).setBigUint64(i * 8, BigInt(w), true));
    const withArgv: MemoryReader = {
      readBytes: (addr, len) => {
        const b = mem.readBytes(addr, len);
        if (b === null) return null;
        for (let i = 0; i < block.length; i++) if (argvAt + i >= addr && argvAt + i < addr + len) b[argvAt + i - addr] = block[i]!;
        return b;
      },
      readCString: mem.readCString,
    };
    const call: SyscallRecord = { nr: syscallNumber('execve')!, args: [BASE + 0x100, argvAt, argvAt + 16, 0, 0, 0], result: 0 };
    const reads = captureSyscallMemory(call, withArgv, []);
    const array = reads.find((r) => r.addr === argvAt)!;
    expect(array.bytes.length).to.equal(24);
    expect(formatSyscall(call, recordedMemory([], reads))).to.equal(formatSyscall(call, withArgv));
  });
});
