// signalfd: a file whose reads take pending signals of its mask, as signalfd_siginfo records.
// The pending signals are the host thread's: a read looks at them in the host's /proc and
// takes one by injecting rt_sigtimedwait with a zero timeout into the reading thread. A
// blocked read (or poll) waits on the key SIGNAL_WAKE_KEY, which the kernel notifies whenever
// it looks for signals (after sending one, and periodically while threads are parked).
import { Errno } from '../errno.js';
import { lookupFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { SignalSender } from '../kernel.js';
import { hostPendingSignals } from '../signal/host_pending.js';
import type { OpenFile } from '../state.js';
import type { SyscallContext } from './context.js';
import { SYS } from './numbers.js';
import type { Outcome } from './outcome.js';
import { O_RDWR } from '../abi/open_flags.js';

/** What the kernel notifies when signals may have become pending. */
export const SIGNAL_WAKE_KEY = 'signal';

const SFD_NONBLOCK = 0o4000;
const SFD_CLOEXEC = 0o2000000;
/** sizeof(struct signalfd_siginfo), and of the kernel's siginfo_t. */
const RECORD_SIZE = 128;
/** SIGKILL and SIGSTOP can never be taken from a signalfd. */
const UNCATCHABLE = (1n << 8n) | (1n << 18n);

export function sysSignalfd(ctx: SyscallContext): Outcome {
  return signalfd(ctx, ctx.args[2]!, 0);
}

export function sysSignalfd4(ctx: SyscallContext): Outcome {
  return signalfd(ctx, ctx.args[2]!, ctx.uint(3));
}

function signalfd(ctx: SyscallContext, sizemask: number, flags: number): Outcome {
  if (sizemask !== 8) return -Errno.EINVAL;
  const raw = ctx.read(ctx.args[1]!, 8);
  if (!raw) return -Errno.EFAULT;
  if (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC)) return -Errno.EINVAL;
  const mask = Buffer.from(raw).readBigUInt64LE() & ~UNCATCHABLE;
  const fd = ctx.int(0);
  if (fd === -1) {
    const id = ctx.kernel.state.nextObjectId;
    ctx.emit({ type: 'SignalfdCreated', id, mask });
    return openNewFile(ctx, { kind: 'signalfd', path: 'anon_inode:[signalfd]', flags: O_RDWR | (flags & SFD_NONBLOCK), cloexec: (flags & SFD_CLOEXEC) !== 0, objectId: id });
  }
  // An existing signalfd gets the new mask (its flags stay).
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'signalfd') return -Errno.EINVAL;
  ctx.emit({ type: 'SignalfdMaskSet', id: d.file.objectId!, mask });
  return fd;
}

/** The signals of its mask pending for the calling thread. */
function pendingFor(ctx: SyscallContext, file: OpenFile): bigint {
  const sfd = ctx.kernel.state.signalfds.get(file.objectId!);
  if (!sfd) return 0n;
  return hostPendingSignals(ctx.process.hostPid, ctx.hostTid) & sfd.mask;
}

/** Whether a read would find a signal (poll, epoll). */
export function signalfdReadable(ctx: SyscallContext, file: OpenFile): boolean {
  return pendingFor(ctx, file) !== 0n;
}

/**
 * read(2) of a signalfd: as many records as fit in count, at least one (waiting for it
 * unless non-blocking).
 */
export function readSignalfd(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  if (count < RECORD_SIZE) return -Errno.EINVAL;
  const max = Math.floor(count / RECORD_SIZE);
  const nonblocking = (d.file.flags & SFD_NONBLOCK) !== 0;
  const attempt = (): number | null => {
    // Looked at first: a thread that stays parked must not have had a syscall injected.
    const pending = pendingFor(ctx, d.file);
    if (pending === 0n) return nonblocking ? -Errno.EAGAIN : null;
    const records: Uint8Array[] = [];
    while (records.length < max) {
      const record = takeSignal(ctx, pending);
      if (!record) break;
      records.push(record);
    }
    if (records.length === 0) return nonblocking ? -Errno.EAGAIN : null;
    return deliver(Buffer.concat(records));
  };
  const first = attempt();
  return first !== null ? first : ctx.block([SIGNAL_WAKE_KEY], attempt);
}

/** Takes one pending signal of mask from the calling thread (rt_sigtimedwait, zero timeout): its record, or null. */
function takeSignal(ctx: SyscallContext, mask: bigint): Uint8Array | null {
  const platform = ctx.kernel.platform;
  // Scratch layout: the sigset at 0, a zero timespec at 16, the siginfo at 32.
  const scratch = ctx.scratchAddress();
  const args = Buffer.alloc(32);
  args.writeBigUInt64LE(mask, 0);
  if (!platform.write(ctx.hostTid, scratch, args)) return null;
  const sig = platform.inject(ctx.hostTid, SYS.rt_sigtimedwait, scratch, scratch + 32, scratch + 16, 8);
  if (sig === null || sig <= 0) return null;
  const info = platform.read(ctx.hostTid, scratch + 32, RECORD_SIZE);
  if (!info) return null;
  return signalfdRecord(Buffer.from(info), ctx.kernel.takeSignalSender(ctx.process.pid, sig));
}

const SIGCHLD = 17;
const SIGPOLL = 29;
const SIGSYS = 31;
const FAULT_SIGNALS: ReadonlySet<number> = new Set([4, 5, 7, 8, 11]); // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV
const SI_KERNEL = 0x80;
const SI_TIMER = -2;
const SI_SIGIO = -5;

/**
 * A siginfo_t as struct signalfd_siginfo (Linux's signalfd_copyinfo: the fields its layout
 * has), with the sandbox's sender when the kernel sent it (the host's would say pid 0).
 */
function signalfdRecord(info: Buffer, sender: SignalSender | undefined): Uint8Array {
  const signo = info.readInt32LE(0);
  const code = sender ? sender.code : info.readInt32LE(8);
  const out = Buffer.alloc(RECORD_SIZE);
  out.writeUInt32LE(signo, 0);
  out.writeInt32LE(info.readInt32LE(4), 4);
  out.writeInt32LE(code, 8);
  const sender32 = (): void => {
    out.writeUInt32LE(sender ? sender.pid : info.readUInt32LE(16), 12);
    out.writeUInt32LE(sender ? sender.uid : info.readUInt32LE(20), 16);
  };
  const value = (): void => {
    const v = sender?.value === undefined ? info.readBigUInt64LE(24) : BigInt.asUintN(64, sender.value);
    out.writeBigUInt64LE(v, 48); // ssi_ptr
    out.writeInt32LE(Number(BigInt.asIntN(32, v)), 44); // ssi_int
  };
  if (code > 0 && code < SI_KERNEL) {
    if (FAULT_SIGNALS.has(signo)) {
      out.writeBigUInt64LE(info.readBigUInt64LE(16), 72); // ssi_addr
      out.writeUInt16LE(info.readUInt16LE(24), 80); // ssi_addr_lsb
    } else if (signo === SIGCHLD) {
      sender32();
      out.writeInt32LE(sender && sender.status >= 0 ? sender.status : info.readInt32LE(24), 40);
      out.writeBigUInt64LE(info.readBigUInt64LE(32), 56);
      out.writeBigUInt64LE(info.readBigUInt64LE(40), 64);
    } else if (signo === SIGPOLL) {
      out.writeUInt32LE(info.readUInt32LE(16), 28); // ssi_band
      out.writeInt32LE(info.readInt32LE(24), 20); // ssi_fd
    } else if (signo === SIGSYS) {
      out.writeBigUInt64LE(info.readBigUInt64LE(16), 88); // ssi_call_addr
      out.writeInt32LE(info.readInt32LE(24), 84); // ssi_syscall
      out.writeUInt32LE(info.readUInt32LE(28), 96); // ssi_arch
    } else {
      sender32();
    }
  } else if (code === SI_TIMER) {
    out.writeUInt32LE(info.readUInt32LE(16), 24); // ssi_tid
    out.writeUInt32LE(info.readUInt32LE(20), 32); // ssi_overrun
    value();
  } else if (code === SI_SIGIO) {
    out.writeUInt32LE(info.readUInt32LE(16), 28);
    out.writeInt32LE(info.readInt32LE(24), 20);
  } else {
    sender32();
    if (code < 0) value();
  }
  return out;
}
