// A thread's registers in the image: user_regs_struct as the host lays it out, adjusted so
// that a thread caught inside a syscall makes that syscall again when it is restored.

/** Word indexes in user_regs_struct (x86-64). */
const RAX = 10;
const ORIG_RAX = 15;
const RIP = 16;
const RSP = 19;

/** The kernel's restart codes, seen in rax when a stop interrupted a host syscall. */
const RESTART_CODES: ReadonlySet<bigint> = new Set([-512n, -513n, -514n, -516n]);
const SYSCALL_INSN_LENGTH = 2n;

function word(regs: Uint8Array, index: number): bigint {
  return new DataView(regs.buffer, regs.byteOffset, regs.byteLength).getBigInt64(index * 8, true);
}

function setWord(regs: Uint8Array, index: number, value: bigint): void {
  new DataView(regs.buffer, regs.byteOffset, regs.byteLength).setBigInt64(index * 8, value, true);
}

export function stackPointerOf(regs: Uint8Array): number {
  return Number(word(regs, RSP));
}

/**
 * Free memory for the arguments of syscalls injected into a stopped thread: well below its
 * stack pointer (past the red zone), which nothing uses while the thread is stopped.
 */
export function scratchBelowStack(regs: Uint8Array): number {
  return Math.floor((stackPointerOf(regs) - 1024) / 16) * 16;
}

/**
 * The registers to save for a stopped thread. A thread stopped at a syscall the kernel answers
 * (parked in it, or trapped and not handled yet) goes back to its syscall instruction with the
 * number in rax: restored, it makes the call again and the new kernel answers it. A thread
 * interrupted inside a host syscall that the host would have restarted is rewound the same way
 * (the fresh process has no restart state to resume it from).
 */
export function registersToSave(regs: Uint8Array, atKernelSyscall: boolean): Uint8Array {
  const out = Uint8Array.from(regs);
  const nr = word(out, ORIG_RAX);
  if (nr < 0n) return out;
  if (atKernelSyscall || RESTART_CODES.has(word(out, RAX))) {
    setWord(out, RIP, word(out, RIP) - SYSCALL_INSN_LENGTH);
    setWord(out, RAX, nr);
  }
  setWord(out, ORIG_RAX, -1n);
  return out;
}
