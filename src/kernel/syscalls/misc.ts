// System identity, randomness, CPU and scheduling information.
import os from 'node:os';

import { decodeBytes, truncateBytes, writeBytes } from '../../byte_string.js';
import { hostRandomFill } from '../../platform/host_random.js';
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { CAP_SYS_ADMIN, capable } from '../task/capabilities.js';

/** What uname tells the sandbox: tsvisor's kernel identity, Linux's interface. */
export const KERNEL_RELEASE = '6.1.0-tsvisor';
export const KERNEL_VERSION = '#1 SMP tsvisor';
/** uname's domainname, and /proc/sys/kernel/domainname, until setdomainname gives one. */
export const NO_DOMAINNAME = '(none)';

export function sysUname(ctx: SyscallContext): Outcome {
  const state = ctx.kernel.state;
  const fields = ['Linux', state.hostname, KERNEL_RELEASE, KERNEL_VERSION, 'x86_64', state.domainname ?? NO_DOMAINNAME];
  const out = Buffer.alloc(65 * 6);
  fields.forEach((f, i) => writeBytes(out, truncateBytes(f, 64), i * 65));
  return ctx.write(ctx.args[0]!, out) ? 0 : -Errno.EFAULT;
}

const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;

export function sysGetrandom(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(2);
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -Errno.EINVAL;
  if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE)) return -Errno.EINVAL;
  const length = Math.min(ctx.args[1]!, 0x2000000);
  if (length < 0) return -Errno.EINVAL;
  const bytes = hostRandomFill(Buffer.alloc(length));
  return ctx.write(ctx.args[0]!, bytes) ? length : -Errno.EFAULT;
}

export function sysGetcpu(ctx: SyscallContext): Outcome {
  const zero = Buffer.alloc(4);
  if (ctx.args[0]! !== 0 && !ctx.write(ctx.args[0]!, zero)) return -Errno.EFAULT;
  if (ctx.args[1]! !== 0 && !ctx.write(ctx.args[1]!, zero)) return -Errno.EFAULT;
  return 0;
}

export function sysSysinfo(ctx: SyscallContext): Outcome {
  const out = Buffer.alloc(112);
  out.writeBigInt64LE(BigInt(Math.floor(os.uptime())), 0);
  os.loadavg().forEach((l, i) => out.writeBigUInt64LE(BigInt(Math.round(l * 65536)), 8 + i * 8));
  out.writeBigUInt64LE(BigInt(os.totalmem()), 32);
  out.writeBigUInt64LE(BigInt(os.freemem()), 40);
  out.writeUInt16LE(ctx.kernel.state.processes.size, 80);
  out.writeUInt32LE(1, 104); // mem_unit
  return ctx.write(ctx.args[0]!, out) ? 0 : -Errno.EFAULT;
}

const HOST_NAME_MAX = 64;

/** sethostname: the sandbox has its own UTS namespace; root inside may rename it. */
export function sysSethostname(ctx: SyscallContext): Outcome {
  const name = utsName(ctx);
  if (typeof name === 'number') return name;
  ctx.emit({ type: 'HostnameSet', hostname: name });
  return 0;
}

/** setdomainname: the NIS domain name of the sandbox's UTS namespace, as sethostname. */
export function sysSetdomainname(ctx: SyscallContext): Outcome {
  const name = utsName(ctx);
  if (typeof name === 'number') return name;
  ctx.emit({ type: 'DomainnameSet', domainname: name });
  return 0;
}

/** The (name, len) of sethostname and setdomainname, checked in Linux's order. */
function utsName(ctx: SyscallContext): string | number {
  if (!capable(ctx.process.creds, CAP_SYS_ADMIN)) return -Errno.EPERM;
  const len = ctx.int(1);
  if (len < 0 || len > HOST_NAME_MAX) return -Errno.EINVAL;
  const raw = ctx.read(ctx.args[0]!, len);
  if (!raw) return -Errno.EFAULT;
  return decodeBytes(raw);
}

const PERSONALITY_QUERY = 0xffffffff;

/**
 * personality: the persona is kept per process and inherited; it changes nothing else here
 * (the loader never randomises the layout, so ADDR_NO_RANDOMIZE holds anyway).
 */
export function sysPersonality(ctx: SyscallContext): Outcome {
  const old = ctx.process.personality ?? 0;
  const persona = ctx.uint(0);
  if (persona !== PERSONALITY_QUERY && persona !== old) ctx.emit({ type: 'PersonalitySet', pid: ctx.process.pid, persona });
  return old;
}
