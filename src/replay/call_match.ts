// replay --exec: does the syscall the program makes now match the recorded one? Compared: the
// process, the syscall, its plain arguments (numbers, fds, flags, sizes) and the data its input
// arguments point to (paths, strings, argv, the bytes a write sends, structures the call reads),
// the latter as the recording printed them (strings cut at 32 bytes, as strace does). Pointer
// values themselves are not compared, nor the buffers the call fills, nor inputs the call also
// updated (the recording printed those after the call).
import type { SyscallContext } from '../kernel/syscalls/context.js';
import { syscallName } from '../kernel/syscalls/numbers.js';
import { formatArgument } from '../trace/format.js';
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

function isInput(kind: string): boolean {
  return INPUT.has(kind) || (kind.endsWith('_in') && kind !== 'msghdr_in');
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
  for (let i = 0; i < signature.length; i++) {
    const { kind } = parseArgKind(signature[i]!);
    const now = ctx.args[i] ?? 0;
    if (PLAIN.has(kind) && !sameValue(kind, now, recorded.args[i] ?? 0)) {
      return `argument ${i + 1} (${kind}) is ${now}, the recording's was ${recorded.args[i] ?? 0}`;
    }
    // An input the call also updated (sendfile's offset) was printed as it was afterwards.
    if (isInput(kind) && !recorded.writes.some((w) => w.addr === recorded.args[i])) {
      const text = formatArgument({ nr: ctx.nr, args: ctx.args, result: 'pending' }, i, threadMemory(ctx.kernel, ctx.thread.tid));
      if (text !== null && !syscallText(recorded).includes(text)) return `argument ${i + 1} (${kind}) is ${text}`;
    }
  }
  return undefined;
}
