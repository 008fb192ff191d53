// Host files mapped into stub processes from their own host fd, so that every process shares
// the host's page cache instead of getting a copy written into anonymous memory. The fd
// reaches a stub over the sandbox's fd channel (native/stub_fd_channel.h): the kernel sends
// it, an injected recvmsg in the mapping thread takes it. Each process keeps the fds it
// received, one per file identity, so ld.so's several mmaps of one library cost one
// transfer. They are not close-on-exec: a forked child inherits its parent's (its host fd
// table is a copy) and an exec keeps them (the stub is exec'd again, never the program), so
// the ld.so and libc of a shell's every child are mapped without a transfer. The program
// cannot reach them: every syscall that takes an fd traps (an anonymous mmap ignores its fd).
import fs from 'node:fs';

import type { NativeAddon } from './native_addon.js';

const SYS_RECVMSG = 47;
const SYS_MMAP = 9;
const SYS_CLOSE = 3;
/** native/stub_fd_channel.h: where every stub holds its end of the channel. */
const CHANNEL_FD = 5;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
const ESRCH = 3;
const EMFILE = 24;
/** Past this many, a process's fds are closed after their mapping instead of kept. */
const MAX_KEPT = 256;

/** A host file the kernel holds open, and its identity (a changed file gets a new key). */
export interface HostFileRef {
  key: string;
  fd: number;
}

/** The channel of one sandbox: the kernel's end, and its copy of the stubs' end. */
export interface FdChannel {
  fd: number;
  stubEnd: number;
}

/** Where recvmsg's arguments go in the thread's scratch space. */
const MSGHDR = 0;
const IOVEC = 64;
const DATA = 80;
const CONTROL = 96;
const CONTROL_LEN = 24;
const SCRATCH_LEN = CONTROL + CONTROL_LEN;

export class StubFileFds {
  /** Host pid of a stub process -> file key -> the fd number it holds the file at. */
  private readonly held = new Map<number, Map<string, number>>();

  constructor(
    private readonly native: NativeAddon,
    private readonly channel: FdChannel,
  ) {}

  /**
   * mmap(addr, length, prot, flags, file, offset) in the thread tid of process pid, which
   * must be at a syscall stop; scratch: 128 bytes of its memory free for the transfer.
   * The mapped address, or -errno (the mapping's own error, or the transfer's). keepFd false:
   * the fd is closed after the mapping, whoever else may have kept the file.
   */
  map(tid: number, pid: number, file: HostFileRef, scratch: number, args: readonly [number, number, number, number, number], keepFd = true): number {
    const fds = this.fdsOf(pid);
    let stubFd = fds.get(file.key);
    const kept = stubFd !== undefined || (keepFd && fds.size < MAX_KEPT);
    if (stubFd === undefined) {
      const got = this.pass(tid, file.fd, scratch);
      if (got < 0) return got;
      stubFd = got;
      if (kept) fds.set(file.key, stubFd);
    }
    const [addr, length, prot, flags, offset] = args;
    const r = this.native.inject(tid, SYS_MMAP, addr, length, prot, flags, stubFd, offset);
    if (!kept) this.native.inject(tid, SYS_CLOSE, stubFd);
    return r === null ? -ESRCH : r;
  }

  /** The fd at which process pid holds the file (a mapping or keep() gave it), if it does. */
  heldFd(pid: number, key: string): number | undefined {
    return this.held.get(pid)?.get(key);
  }

  /**
   * Hands the file to the process of thread tid (at a syscall stop; the transfer injects
   * calls), which keeps it like a mapped file's. Its fd there, or -errno (EMFILE: the process
   * already keeps as many as it may).
   */
  keep(tid: number, pid: number, file: HostFileRef, scratch: number): number {
    const fds = this.fdsOf(pid);
    const had = fds.get(file.key);
    if (had !== undefined) return had;
    if (fds.size >= MAX_KEPT) return -EMFILE;
    const got = this.pass(tid, file.fd, scratch);
    if (got >= 0) fds.set(file.key, got);
    return got;
  }

  private fdsOf(pid: number): Map<string, number> {
    let fds = this.held.get(pid);
    if (!fds) {
      fds = new Map();
      this.held.set(pid, fds);
    }
    return fds;
  }

  /** The sandbox is gone: the channel's ends are closed. */
  close(): void {
    fs.closeSync(this.channel.fd);
    fs.closeSync(this.channel.stubEnd);
  }

  /** The process ended (or is a new one with a pid that was used before): it holds nothing. */
  forget(pid: number): void {
    this.held.delete(pid);
  }

  /** child was forked from parent: its host fd table is a copy of parent's. */
  inherit(parent: number, child: number): void {
    const fds = this.held.get(parent);
    if (fds && fds.size > 0) this.held.set(child, new Map(fds));
    else this.held.delete(child);
  }

  /** Passes hostFd to the thread's process; the fd number it got there, or -errno. */
  pass(tid: number, hostFd: number, scratch: number): number {
    const sent = this.native.channelSend(this.channel.fd, hostFd);
    if (sent < 0) {
      this.native.channelDrain(this.channel.stubEnd);
      return sent;
    }
    const buf = Buffer.alloc(SCRATCH_LEN);
    buf.writeBigUInt64LE(BigInt(scratch + IOVEC), MSGHDR + 16); // msg_iov
    buf.writeBigUInt64LE(1n, MSGHDR + 24); // msg_iovlen
    buf.writeBigUInt64LE(BigInt(scratch + CONTROL), MSGHDR + 32); // msg_control
    buf.writeBigUInt64LE(BigInt(CONTROL_LEN), MSGHDR + 40); // msg_controllen
    buf.writeBigUInt64LE(BigInt(scratch + DATA), IOVEC);
    buf.writeBigUInt64LE(1n, IOVEC + 8);
    if (this.native.writeMemory(tid, scratch, buf) !== buf.length) {
      this.native.channelDrain(this.channel.stubEnd);
      return -ESRCH;
    }
    const r = this.native.inject(tid, SYS_RECVMSG, CHANNEL_FD, scratch, 0);
    if (r === null || r < 0) {
      // The message may still be queued: no other receive may take it for its own.
      this.native.channelDrain(this.channel.stubEnd);
      return r === null ? -ESRCH : r;
    }
    const control = Buffer.alloc(CONTROL_LEN);
    if (this.native.readMemory(tid, scratch + CONTROL, control, 0, CONTROL_LEN) !== CONTROL_LEN) return -ESRCH;
    // No fd in the message: the process is at its RLIMIT_NOFILE (MSG_CTRUNC).
    const len = Number(control.readBigUInt64LE(0));
    if (len < 20 || control.readInt32LE(8) !== SOL_SOCKET || control.readInt32LE(12) !== SCM_RIGHTS) return -EMFILE;
    return control.readInt32LE(16);
  }
}
