// replay --exec: does the syscall the program makes now match the recorded one? Compared: the
// process, the syscall, its plain arguments (numbers, fds, flags, sizes) and the data its input
// arguments point to (paths, strings, argv, the bytes a write sends, structures the call reads),
// the latter as the recording printed them (strings cut at 32 bytes, as strace does). Pointer
// values themselves are not compared, nor the buffers the call fills, nor inputs the call also
// updated (the recording printed those after the call), nor the data of a call its thread died
// in (killed by another thread's exit_group or exec while the call was parked or run by the
// host: recorded as never returning, with its memory gone or replaced by the new image then).
import type { SyscallContext } from '../kernel/syscalls/context.js';
import { SYS, syscallName } from '../kernel/syscalls/numbers.js';
import { formatArgument } from '../trace/format.js';
import { recordedMemory } from '../trace/recorded_memory.js';
import { threadMemory } from '../trace/thread_memory.js';
import { parseArgKind, syscallSignature, type ArgKind } from '../trace/syscall_signatures.js';
import type { SyscallRecord } from '../trace/trace_schema.js';
import { syscallText } from '../trace/syscall_text.js';

/** Kinds whose 64-bit value is the argument (the others, C ints, are compared on 32 bits). */
const WIDE = new Set(['long', 'size']);
/** Kinds that are plain values, compared as numbers. */
const PLAIN = new Set([
  'int', 'uint', 'long', 'size', 'fd', 'dirfd', 'pid', 'uid', 'mode', 'openflags', 'openmode', 'fdflags', 'prot',
  'mmapflags', 'mremapflags', 'msyncflags', 'madvice', 'atflags', 'faccessatflags', 'statxflags', 'statxmask',
  'accessmode', 'whence', 'signal', 'sighow', 'cloneflags', 'fcntlcmd', 'ioctlreq', 'waitoptions', 'idtype',
  'clockid', 'timerflags', 'itimerwhich', 'prctlopt', 'archprctlcode', 'futexop', 'rlimitres', 'rusagewho', 'family',
  'socktype', 'sockflags', 'sockproto', 'socklevel', 'sockoptname', 'msgflags', 'shuthow', 'epollctlop', 'epollflags',
  'eventfdflags', 'memfdflags', 'flockop', 'renameflags', 'spliceflags', 'grndflags', 'closerangeflags', 'membarriercmd',
]);
/** Kinds that point to data the call reads: compared by what the recording printed of it. */
const INPUT = new Set(['path', 'str', 'argv', 'inbuf', 'iov_in', 'sockaddr', 'sockoptval_in', 'openhow', 'cloneargs', 'gidlist_in']);

/** Calls that never return by nature: their record is made at the trap, their memory read then. */
const ENDS_THREAD: ReadonlySet<number> = new Set([SYS.exit, SYS.exit_group]);

/** Whether the recording has the call's thread die in it (see the head of this file). */
export function diedInCall(recorded: SyscallRecord): boolean {
  return recorded.result === 'noreturn' && !ENDS_THREAD.has(recorded.nr);
}

function isInput(kind: string): boolean {
  return INPUT.has(kind) || (kind.endsWith('_in') && kind !== 'msghdr_in');
}

/**
 * Whether the recording could not read argument i's data: printed as its address (a call that
 * completed as its thread died, killed by another thread's exec: its memory was gone).
 */
function unreadableWhenRecorded(recorded: SyscallRecord, i: number): boolean {
  const args = recorded.args;
  if (!args[i]) return false;
  const memory = recordedMemory(recorded.writes, recorded.reads ?? []);
  return formatArgument({ nr: recorded.nr, args, result: recorded.result }, i, memory) === `0x${args[i]!.toString(16)}`;
}

function sameValue(kind: string, a: number, b: number): boolean {
  return WIDE.has(kind) ? a === b : (a | 0) === (b | 0);
}

/** What differs between the call trapped now and the recorded one, or undefined when they match. */
export function callDifference(ctx: SyscallContext, recorded: SyscallRecord): string | undefined {
  if (ctx.process.pid !== recorded.pid) return `it is pid ${ctx.process.pid}'s thread, the recording's was pid ${recorded.pid}'s`;
  const name = syscallName(ctx.nr);
  if (ctx.nr !== recorded.nr) return `a different syscall: ${name} instead of ${syscallName(recorded.nr)}`;
  const signature: readonly ArgKind[] = syscallSignature(name) ?? [];
  const diedIn = diedInCall(recorded);
  for (let i = 0; i < signature.length; i++) {
    const { kind } = parseArgKind(signature[i]!);
    const now = ctx.args[i] ?? 0;
    if (PLAIN.has(kind) && !sameValue(kind, now, recorded.args[i] ?? 0)) {
      return `argument ${i + 1} (${kind}) is ${now}, the recording's was ${recorded.args[i] ?? 0}`;
    }
    // An input the call also updated (sendfile's offset) was printed as it was afterwards.
    if (isInput(kind) && !diedIn && !recorded.writes.some((w) => w.addr === recorded.args[i])) {
      const text = formatArgument({ nr: ctx.nr, args: ctx.args, result: 'pending' }, i, threadMemory(ctx.kernel, ctx.thread.tid));
      if (text !== null && !syscallText(recorded).includes(text) && !unreadableWhenRecorded(recorded, i)) return `argument ${i + 1} (${kind}) is ${text}`;
    }
  }
  return undefined;
}
