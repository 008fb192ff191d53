// kcmp(2): whether two sandbox processes (or threads) share a kernel resource. Here each
// process has its own memory, fd table, filesystem context, signal handlers and System V
// undo list (threads share their process's), so those compare by process; I/O contexts are
// per thread; open files compare by open file description. Linux orders unequal objects by
// their scrambled kernel addresses (1 or 2); here by their ids, as stable and as meaningless.
import { Errno } from '../errno.js';
import type { KernelState, ProcessState } from '../state.js';
import { mayAttach } from '../task/ptrace_access.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { processOfTid } from '../task/task_lookup.js';

const KCMP_FILE = 0;
const KCMP_VM = 1;
const KCMP_FILES = 2;
const KCMP_FS = 3;
const KCMP_SIGHAND = 4;
const KCMP_IO = 5;
const KCMP_SYSVSEM = 6;
const KCMP_EPOLL_TFD = 7;

export function sysKcmp(ctx: SyscallContext): Outcome {
  const state = ctx.kernel.state;
  const first = taskOf(state, ctx.int(0));
  const second = taskOf(state, ctx.int(1));
  if (!first || !second) return -Errno.ESRCH;
  // PTRACE_MODE_READ_REALCREDS on both: the same rule as attaching's here.
  if (!mayAttach(ctx.process, first.process) || !mayAttach(ctx.process, second.process)) return -Errno.EPERM;
  switch (ctx.int(2)) {
    case KCMP_FILE: {
      const a = fileIdOf(first.process, ctx.int(3));
      const b = fileIdOf(second.process, ctx.int(4));
      return a === undefined || b === undefined ? -Errno.EBADF : order(a, b);
    }
    case KCMP_VM:
    case KCMP_FILES:
    case KCMP_FS:
    case KCMP_SIGHAND:
    case KCMP_SYSVSEM:
      return order(first.process.pid, second.process.pid);
    case KCMP_IO:
      return order(first.tid, second.tid);
    case KCMP_EPOLL_TFD: {
      const a = fileIdOf(first.process, ctx.int(3));
      if (a === undefined) return -Errno.EBADF;
      const target = epollTarget(ctx, second.process);
      return typeof target === 'number' && target < 0 ? target : order(a, target);
    }
    default:
      return -Errno.EINVAL;
  }
}

/** The process and thread a pid or tid names (a live one). */
function taskOf(state: KernelState, id: number): { process: ProcessState; tid: number } | undefined {
  const process = id > 0 ? processOfTid(state, id) : undefined;
  return process && process.status === 'running' ? { process, tid: id } : undefined;
}

function fileIdOf(process: ProcessState, fd: number): number | undefined {
  return process.fds.get(fd)?.fileId;
}

/**
 * KCMP_EPOLL_TFD's second object: idx2 points to {efd, tfd, toff}, the toff-th file registered
 * under fd number tfd with the epoll instance at efd in the second process.
 */
function epollTarget(ctx: SyscallContext, process: ProcessState): number {
  const raw = ctx.read(ctx.args[4]!, 12);
  if (!raw) return -Errno.EFAULT;
  const view = new DataView(raw.buffer, raw.byteOffset, 12);
  const epollFile = fileIdOf(process, view.getInt32(0, true));
  if (epollFile === undefined) return -Errno.EBADF;
  const file = ctx.kernel.state.files.get(epollFile);
  const epoll = file?.kind === 'epoll' && file.objectId !== undefined ? ctx.kernel.state.epolls.get(file.objectId) : undefined;
  if (!epoll) return -Errno.EINVAL;
  const registered = epoll.interests.filter((i) => i.fd === view.getInt32(4, true));
  return registered[view.getUint32(8, true)]?.fileId ?? -Errno.ENOENT;
}

function order(a: number, b: number): number {
  return a === b ? 0 : a < b ? 1 : 2;
}
