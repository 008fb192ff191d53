// Writes to /proc/PID files (whoever may open them for writing: the owner, or root):
// - comm: a task's name, which a process may set for any of its own threads (glibc's
//   pthread_setname_np names another thread this way; PR_SET_NAME names only the caller). As
//   Linux: the first 15 bytes are the name, a newline included; another process's is EINVAL.
// - oom_score_adj: -1000..1000 (EINVAL outside), kept for the sandbox's own /proc (the host's OOM
//   killer scores the stub, as tsvisor left it); below the process's floor (0, or a privileged
//   writer's last value) it needs CAP_SYS_RESOURCE (EACCES).
// - coredump_filter: which mappings a core dump would hold, 9 bits (tsvisor writes no core).
// Both numbers are parsed as Linux's kstrtoint/kstrtouint with base 0 (decimal, 0x hex, 0 octal).
// Every other /proc file is read-only (open for writing is EACCES).
import { decodeBytes } from '../../byte_string.js';
import { BASE_ZERO_DIGITS, baseZeroValue } from '../abi/base_zero_number.js';
import { Errno } from '../errno.js';
import { CAP_SYS_RESOURCE, capable } from '../task/capabilities.js';
import type { SyscallContext } from './context.js';

const COMM_MAX = 15;
const OOM_SCORE_ADJ_MAX = 1000;
/** Linux's PROC_NUMBUF: a longer write is cut to its first 12 bytes. */
const PROC_NUMBUF = 13;
/** MMF_DUMP_FILTER_BITS. */
const COREDUMP_FILTER_MASK = 0x1ff;
/** Anonymous private and shared memory, ELF headers, private huge pages. */
export const DEFAULT_COREDUMP_FILTER = 0x33;

export function writeProcFile(ctx: SyscallContext, path: string, bytes: Uint8Array): number {
  const m = /^\/proc\/(\d+)(?:\/task\/(\d+))?\/(comm|oom_score_adj|coredump_filter)$/.exec(path);
  if (!m) return -Errno.EINVAL;
  const pid = Number(m[1]);
  const tid = m[2] === undefined ? pid : Number(m[2]);
  const thread = ctx.kernel.state.threads.get(tid);
  if (!thread || thread.pid !== pid) return -Errno.ESRCH;
  if (m[3] === 'comm') return writeComm(ctx, pid, tid, bytes);
  if (m[3] === 'oom_score_adj') return writeOomScoreAdj(ctx, pid, bytes);
  return writeCoredumpFilter(ctx, pid, bytes);
}

function writeComm(ctx: SyscallContext, pid: number, tid: number, bytes: Uint8Array): number {
  if (pid !== ctx.process.pid) return -Errno.EINVAL;
  let name = bytes.subarray(0, Math.min(bytes.length, COMM_MAX));
  const nul = name.indexOf(0);
  if (nul >= 0) name = name.subarray(0, nul);
  ctx.emit({ type: 'CommSet', pid, tid, comm: decodeBytes(name) });
  return bytes.length;
}

function writeOomScoreAdj(ctx: SyscallContext, pid: number, bytes: Uint8Array): number {
  const value = parseKernelInt(decodeBytes(bytes.subarray(0, PROC_NUMBUF - 1)).trim(), true);
  if (value === null || value < -OOM_SCORE_ADJ_MAX || value > OOM_SCORE_ADJ_MAX) return -Errno.EINVAL;
  const target = ctx.kernel.state.processes.get(pid);
  if (!target) return -Errno.ESRCH;
  const privileged = capable(ctx.process.creds, CAP_SYS_RESOURCE);
  if (value < (target.oomScoreAdjMin ?? 0) && !privileged) return -Errno.EACCES;
  ctx.emit({ type: 'OomScoreAdjSet', pid, value, ...(privileged ? { min: value } : {}) });
  return bytes.length;
}

function writeCoredumpFilter(ctx: SyscallContext, pid: number, bytes: Uint8Array): number {
  const value = parseKernelInt(decodeBytes(bytes), false);
  if (value === null) return -Errno.EINVAL;
  if (value > 0xffffffff) return -Errno.ERANGE;
  ctx.emit({ type: 'CoredumpFilterSet', pid, value: value & COREDUMP_FILTER_MASK });
  return bytes.length;
}

/**
 * kstrtoint/kstrtouint with base 0: an optional sign ('-' only when signed), then 0x/0X hex,
 * a leading 0 octal, or decimal digits, then at most one newline; null for anything else.
 */
const KERNEL_INT = new RegExp(`^([+-]?)(${BASE_ZERO_DIGITS})\n?$`);

function parseKernelInt(text: string, signed: boolean): number | null {
  const m = KERNEL_INT.exec(text);
  if (!m || (m[1] === '-' && !signed)) return null;
  const magnitude = baseZeroValue(m[2]!);
  if (!Number.isSafeInteger(magnitude)) return null;
  return m[1] === '-' ? -magnitude : magnitude;
}
