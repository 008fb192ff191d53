// What a checkpoint must know about how its sandbox was started, to start it again.
import type { KernelLimits } from '../kernel/kernel.js';

export interface SandboxDescription {
  command: string[];
  rootfs: string;
  mounts: Array<{ host: string; sandbox: string }>;
  limits: KernelLimits;
  hostname: string;
}
