// Letting the host run a program's syscall with one argument replaced (a host fd for the
// sandbox's, 0 for the caller's own virtual tid): the argument registers are the program's
// again after the call, as the syscall ABI keeps them.
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

export function hostRunsWithArg(ctx: SyscallContext, index: number, value: number): Outcome {
  const programArgs = [...ctx.args];
  const platform = ctx.kernel.platform;
  platform.setSyscallArg(ctx.hostTid, index, value);
  return {
    kind: 'host',
    rewrite: (r) => {
      platform.setArgRegs(ctx.hostTid, programArgs);
      return r;
    },
  };
}
