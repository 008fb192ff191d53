// reboot(2). The sandbox is a pid namespace of its own, where Linux's reboot_pid_ns applies: a
// restart ends the namespace as if its init had been killed by SIGHUP, a halt or power-off as
// if by SIGINT (what `tsvisor run` then reports), and any other command is EINVAL. Nothing
// reaches the host.
import { Errno } from '../errno.js';
import { SIGHUP, SIGINT } from '../abi/signals.js';
import { CAP_SYS_BOOT, capable } from '../task/capabilities.js';
import type { SyscallContext } from './context.js';
import { pending, type Outcome } from './outcome.js';

const LINUX_REBOOT_MAGIC1 = 0xfee1dead;
/** The second magic: any of Linus's and his daughters' birthdays (reboot(2)). */
const LINUX_REBOOT_MAGIC2: ReadonlySet<number> = new Set([672274793, 85072278, 369367448, 537993216]);
const LINUX_REBOOT_CMD_RESTART = 0x01234567;
const LINUX_REBOOT_CMD_RESTART2 = 0xa1b2c3d4;
const LINUX_REBOOT_CMD_HALT = 0xcdef0123;
const LINUX_REBOOT_CMD_POWER_OFF = 0x4321fedc;

export function sysReboot(ctx: SyscallContext): Outcome {
  if (!capable(ctx.process.creds, CAP_SYS_BOOT)) return -Errno.EPERM;
  if (ctx.uint(0) !== LINUX_REBOOT_MAGIC1 || !LINUX_REBOOT_MAGIC2.has(ctx.uint(1))) return -Errno.EINVAL;
  switch (ctx.uint(2)) {
    case LINUX_REBOOT_CMD_RESTART:
    case LINUX_REBOOT_CMD_RESTART2:
      ctx.kernel.terminate(SIGHUP);
      return pending;
    case LINUX_REBOOT_CMD_HALT:
    case LINUX_REBOOT_CMD_POWER_OFF:
      ctx.kernel.terminate(SIGINT);
      return pending;
    default:
      return -Errno.EINVAL;
  }
}
