// What a checkpoint must know about how its sandbox was started, to start it again: taken
// from the running kernel itself (its root, binds, tmpfs mounts, limits, host name).
import type { Kernel, KernelLimits } from '../kernel/kernel.js';
import type { TmpfsDescription } from '../kernel/vfs/tmpfs_description.js';

export interface SandboxDescription {
  command: string[];
  rootfs: string;
  mounts: Array<{ host: string; sandbox: string; rw: boolean }>;
  /** The kernel's tmpfs mounts (/dev/shm and those of --tmpfs) with their options. */
  tmpfs: TmpfsDescription[];
  limits: KernelLimits;
  hostname: string;
  /** Every change to the root filesystem is refused outside tmpfs mounts (OCI root.readonly). */
  readonlyRoot: boolean;
}

export function describeSandbox(kernel: Kernel, command: readonly string[]): SandboxDescription {
  return { command: [...command], ...kernel.root.describe(), limits: { ...kernel.limits }, hostname: kernel.state.hostname, readonlyRoot: kernel.readonlyRoot };
}
