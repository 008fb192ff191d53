// A recorded syscall's strace-style text: formats 1-5 kept the text itself; format 6 on keeps
// the raw memory it is made from (see input_capture.ts), and the text is made here, when asked for.
import { formatSyscall } from './format.js';
import { recordedMemory } from './recorded_memory.js';
import type { SyscallRecord } from './trace_schema.js';

export function syscallText(r: SyscallRecord): string {
  return r.text ?? formatSyscall({ nr: r.nr, args: r.args, result: r.result }, recordedMemory(r.writes, r.reads ?? []));
}
