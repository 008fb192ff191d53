// A thread's alternate signal stack (sigaltstack is not trapped, so only the thread itself can
// tell it): a checkpoint asks by running sigaltstack(NULL, &old) in the frozen thread, and a
// restore sets it again. A thread not stopped in a syscall is first sent through a `syscall`
// instruction of its own process to a syscall stop; it then goes on from its syscall
// instruction (registersToSave) when the sandbox does.
import { hostMappings, isStubImage } from '../kernel/loader/host_mappings.js';
import { SYS } from '../kernel/syscalls/numbers.js';
import type { Platform } from '../platform/platform.js';
import { registersToSave, scratchBelowStack } from './thread_registers.js';

export interface AltStack {
  sp: number;
  size: number;
  flags: number;
}

const SS_DISABLE = 2;
/** The only flag sigaltstack takes when setting (SS_ONSTACK is only ever reported). */
const SS_AUTODISARM = 1 << 31;
const STACK_T_BYTES = 24;

/** The address of a `syscall` instruction (0f 05) in an executable mapping of the process, or null. */
export function findSyscallInstruction(platform: Platform, hostPid: number): number | null {
  const chunk = Buffer.alloc(1 << 20);
  for (const m of hostMappings(hostPid)) {
    if (!(m.prot & 4) || !(m.prot & 1) || isStubImage(m) || m.name === '[vsyscall]') continue;
    for (let at = m.start; at < m.end; at += chunk.length - 1) {
      const n = platform.readInto(hostPid, at, chunk, 0, Math.min(chunk.length, m.end - at));
      if (n <= 1) break;
      for (let i = chunk.indexOf(0x0f); i >= 0 && i < n - 1; i = chunk.indexOf(0x0f, i + 1)) {
        if (chunk[i + 1] === 0x05) return at + i;
      }
    }
  }
  return null;
}

/**
 * Reads the signal stack of a frozen thread. regs: its registers as captured. parked: stopped
 * in a syscall the kernel holds (injections there are undone by the kernel's answer). For any
 * other thread, syscallInsn is where to trap it; the result then says how to relaunch it.
 */
export function readSignalStack(
  platform: Platform,
  hostTid: number,
  regs: Uint8Array,
  parked: boolean,
  trappedAtSyscall: boolean,
  syscallInsn: () => number | null,
): { altStack?: AltStack; relaunch?: Uint8Array } {
  let relaunch: Uint8Array | undefined;
  if (!parked) {
    const insn = syscallInsn();
    if (insn === null) return {};
    relaunch = registersToSave(regs, trappedAtSyscall);
    if (!platform.enterTrap(hostTid, insn)) throw new Error('a thread could not be stopped in a syscall');
  }
  const scratch = scratchBelowStack(regs);
  const r = platform.inject(hostTid, SYS.sigaltstack, 0, scratch);
  const bytes = r === 0 ? platform.read(hostTid, scratch, STACK_T_BYTES) : null;
  if (!bytes) return relaunch ? { relaunch } : {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getInt32(8, true);
  const result = relaunch ? { relaunch } : {};
  if (flags & SS_DISABLE) return result;
  return { ...result, altStack: { sp: Number(view.getBigUint64(0, true)), size: Number(view.getBigUint64(16, true)), flags } };
}

/** Sets a restored thread's signal stack (by an injected sigaltstack). */
export function setSignalStack(inject: (nr: number, ...args: number[]) => number, platform: Platform, hostTid: number, at: number, s: AltStack): void {
  const bytes = new Uint8Array(STACK_T_BYTES);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(s.sp), true);
  view.setInt32(8, s.flags & SS_AUTODISARM, true);
  view.setBigUint64(16, BigInt(s.size), true);
  if (!platform.write(hostTid, at, bytes)) throw new Error('cannot write a signal stack');
  inject(SYS.sigaltstack, at, 0);
}
