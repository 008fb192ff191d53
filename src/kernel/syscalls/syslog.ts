// syslog(2): the kernel log ring as the sandbox sees it. tsvisor's kernel writes nothing to
// it (its own reports go to tsvisor's stderr), so the ring is empty: reading it gives no
// bytes, and a reader waiting for new messages (SYSLOG_ACTION_READ, `dmesg -w`) waits until a
// signal. Permission is Linux's with dmesg_restrict set (Debian's default): every action
// needs CAP_SYSLOG, which only root has here.
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { CAP_SYS_ADMIN, CAP_SYSLOG, capable } from '../task/capabilities.js';

const SYSLOG_ACTION_CLOSE = 0;
const SYSLOG_ACTION_OPEN = 1;
const SYSLOG_ACTION_READ = 2;
const SYSLOG_ACTION_READ_ALL = 3;
const SYSLOG_ACTION_READ_CLEAR = 4;
const SYSLOG_ACTION_CLEAR = 5;
const SYSLOG_ACTION_CONSOLE_OFF = 6;
const SYSLOG_ACTION_CONSOLE_ON = 7;
const SYSLOG_ACTION_CONSOLE_LEVEL = 8;
const SYSLOG_ACTION_SIZE_UNREAD = 9;
const SYSLOG_ACTION_SIZE_BUFFER = 10;

/** The ring's size (CONFIG_LOG_BUF_SHIFT 17, Debian's). */
const LOG_BUFFER_SIZE = 1 << 17;
/** Nothing ever wakes it: the ring stays empty. */
const LOG_WAKE_KEY = 'syslog';

export function sysSyslog(ctx: SyscallContext): Outcome {
  const type = ctx.int(0);
  const buf = ctx.args[1]!;
  const len = ctx.int(2);
  // dmesg_restrict: CAP_SYSLOG (or CAP_SYS_ADMIN), before the type is looked at, as in Linux.
  if (!capable(ctx.process.creds, CAP_SYSLOG) && !capable(ctx.process.creds, CAP_SYS_ADMIN)) return -Errno.EPERM;
  switch (type) {
    case SYSLOG_ACTION_READ:
      if (buf === 0 || len < 0) return -Errno.EINVAL;
      return len === 0 ? 0 : ctx.block([LOG_WAKE_KEY], () => null);
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR:
      if (buf === 0 || len < 0) return -Errno.EINVAL;
      return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
      return len < 1 || len > 8 ? -Errno.EINVAL : 0;
    case SYSLOG_ACTION_SIZE_BUFFER:
      return LOG_BUFFER_SIZE;
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
    case SYSLOG_ACTION_CLEAR:
    case SYSLOG_ACTION_CONSOLE_OFF:
    case SYSLOG_ACTION_CONSOLE_ON:
    case SYSLOG_ACTION_SIZE_UNREAD:
      return 0;
    default:
      return -Errno.EINVAL;
  }
}
