// The prctl options about capabilities (capabilities(7)): keep-caps, the bounding set, the
// securebits and the ambient set, checked in Linux's order with Linux's errnos.
import { Errno } from '../errno.js';
import type { CapabilitySets } from '../state.js';
import {
  CAP_LAST_CAP, CAP_SETPCAP, SECBIT_KEEP_CAPS, SECBIT_NO_CAP_AMBIENT_RAISE, SECURE_ALL_BITS, capBit, capable,
  capabilitySets, hasCap, or, without,
} from '../task/capabilities.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

const PR_GET_KEEPCAPS = 7;
const PR_SET_KEEPCAPS = 8;
const PR_CAPBSET_READ = 23;
const PR_CAPBSET_DROP = 24;
const PR_GET_SECUREBITS = 27;
const PR_SET_SECUREBITS = 28;
const PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_IS_SET = 1;
const PR_CAP_AMBIENT_RAISE = 2;
const PR_CAP_AMBIENT_LOWER = 3;
const PR_CAP_AMBIENT_CLEAR_ALL = 4;
/** SECBIT_KEEP_CAPS's lock. */
const SECBIT_KEEP_CAPS_LOCKED = SECBIT_KEEP_CAPS << 1;
/** The lock bits of every securebit (the odd bits). */
const SECURE_ALL_LOCKS = 0xaa;

/** The prctl options capabilityPrctl answers. */
export const CAPABILITY_PRCTLS: ReadonlySet<number> = new Set([
  PR_GET_KEEPCAPS, PR_SET_KEEPCAPS, PR_CAPBSET_READ, PR_CAPBSET_DROP, PR_GET_SECUREBITS, PR_SET_SECUREBITS, PR_CAP_AMBIENT,
]);

function validCap(n: number): boolean {
  return n >= 0 && n <= CAP_LAST_CAP;
}

export function capabilityPrctl(ctx: SyscallContext, option: number): Outcome {
  const c = ctx.process.creds;
  const sets = capabilitySets(c);
  const [arg2, arg3, arg4, arg5] = [ctx.args[1]!, ctx.args[2]!, ctx.args[3]!, ctx.args[4]!];
  const change = (next: Partial<CapabilitySets>): number => {
    ctx.emit({ type: 'CredentialsSet', pid: ctx.process.pid, creds: { ...c, caps: { ...sets, ...next } } });
    return 0;
  };
  switch (option) {
    case PR_GET_KEEPCAPS:
      return sets.securebits & SECBIT_KEEP_CAPS ? 1 : 0;
    case PR_SET_KEEPCAPS:
      if (arg2 > 1) return -Errno.EINVAL;
      if (sets.securebits & SECBIT_KEEP_CAPS_LOCKED) return -Errno.EPERM;
      return change({ securebits: arg2 ? sets.securebits | SECBIT_KEEP_CAPS : sets.securebits & ~SECBIT_KEEP_CAPS });
    case PR_CAPBSET_READ:
      return validCap(arg2) ? (hasCap(sets.bounding, arg2) ? 1 : 0) : -Errno.EINVAL;
    case PR_CAPBSET_DROP:
      if (!capable(c, CAP_SETPCAP)) return -Errno.EPERM;
      if (!validCap(arg2)) return -Errno.EINVAL;
      return change({ bounding: without(sets.bounding, capBit(arg2)) });
    case PR_GET_SECUREBITS:
      return sets.securebits;
    case PR_SET_SECUREBITS: {
      const old = sets.securebits;
      // A locked bit may not change, a lock may not be released, no unknown bit, and CAP_SETPCAP.
      const lockedChange = ((old & SECURE_ALL_LOCKS) >> 1) & (old ^ arg2);
      if (lockedChange || old & SECURE_ALL_LOCKS & ~arg2 || arg2 > SECURE_ALL_BITS || !capable(c, CAP_SETPCAP)) return -Errno.EPERM;
      return change({ securebits: arg2 });
    }
    case PR_CAP_AMBIENT:
      if (arg2 === PR_CAP_AMBIENT_CLEAR_ALL) {
        if (arg3 || arg4 || arg5) return -Errno.EINVAL;
        return sets.ambient === 0 && c.caps ? 0 : change({ ambient: 0 });
      }
      if (!validCap(arg3) || arg4 || arg5) return -Errno.EINVAL;
      switch (arg2) {
        case PR_CAP_AMBIENT_IS_SET:
          return hasCap(sets.ambient, arg3) ? 1 : 0;
        case PR_CAP_AMBIENT_RAISE:
          if (!hasCap(sets.permitted, arg3) || !hasCap(sets.inheritable, arg3) || sets.securebits & SECBIT_NO_CAP_AMBIENT_RAISE) {
            return -Errno.EPERM;
          }
          return change({ ambient: or(sets.ambient, capBit(arg3)) });
        case PR_CAP_AMBIENT_LOWER:
          return change({ ambient: without(sets.ambient, capBit(arg3)) });
        default:
          return -Errno.EINVAL;
      }
    default:
      return -Errno.EINVAL;
  }
}
