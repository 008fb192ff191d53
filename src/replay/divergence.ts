// replay --exec's reports: where the program stopped doing what the recording says, and the
// thread's registers for --stop-at.
import type { ThreadCapture } from '../platform/platform.js';
import type { SyscallRecord } from '../trace/trace_schema.js';
import { syscallText } from '../trace/syscall_text.js';

export function callLine(r: SyscallRecord): string {
  return `${String(r.seq).padStart(6)} ${r.pid}/${r.tid} ${syscallText(r)}`;
}

export interface Divergence {
  /** The recorded call where the replay parted from the recording (absent: the recording had ended). */
  expected?: SyscallRecord;
  /** The program's call now (strace-style), when it made one. */
  now?: string;
  /** Which thread, now (pid/tid). */
  who: string;
  /** In plain words. */
  why: string;
}

export function divergenceReport(d: Divergence, lastMatched: readonly SyscallRecord[]): string[] {
  const at = d.expected ? `at seq ${d.expected.seq}` : 'after the end of the recording';
  const lines = [`replay diverged ${at} (pid/tid ${d.who}): ${d.why}`];
  lines.push(`  recorded: ${d.expected ? `${d.expected.pid}/${d.expected.tid} ${syscallText(d.expected)}` : '(nothing more for this thread)'}`);
  if (d.now !== undefined) lines.push(`  now:      ${d.who} ${d.now}`);
  if (lastMatched.length > 0) {
    lines.push('  the last calls that matched:');
    for (const r of lastMatched) lines.push(`  ${callLine(r)}`);
  }
  return lines;
}

/** user_regs_struct, in the order the host lays it out. */
const REGS = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi', 'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs'];
const SHOWN = ['rip', 'rsp', 'rbp', 'orig_rax', 'rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9', 'rax', 'rbx', 'rcx', 'r11', 'r12', 'r13', 'r14', 'r15', 'eflags', 'fs_base'];

export function registerLines(capture: ThreadCapture): string[] {
  const view = new DataView(capture.regs.buffer, capture.regs.byteOffset, capture.regs.byteLength);
  const cells = SHOWN.map((name) => `${name.padStart(8)}=0x${view.getBigUint64(REGS.indexOf(name) * 8, true).toString(16).padStart(16, '0')}`);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 4) lines.push(`  ${cells.slice(i, i + 4).join(' ')}`);
  return lines;
}
