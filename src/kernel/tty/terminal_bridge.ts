// A pty of the sandbox's own whose master is a host terminal (the slave of the pty an OCI
// engine got the master of through --console-socket). The program sees /dev/pts/N, its
// controlling terminal with the kernel's line discipline, sessions and job control; the host
// terminal, put in raw mode, only carries bytes: what the slave writes goes out on it, what is
// typed on it is the master's input. Its window size is the host terminal's, read when the
// bridge opens and again by resized() (the host's SIGWINCH, or the engine's resize request).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type tty from 'node:tty';

import { O_RDWR } from '../abi/open_flags.js';
import { SIGWINCH } from '../abi/signals.js';
import { Errno } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { Credentials, KernelState } from '../state.js';
import { freePtyIndex, ptyKey } from '../syscalls/pty.js';
import { controlledSession, hangUp, signalForeground } from '../syscalls/pty_session.js';
import { INPUT_CAPACITY, receiveInput } from './line_discipline.js';
import { ICANON, TERMIOS_SIZE, WINSIZE_SIZE, decodeTermios, decodeWinsize, encodeTermios, encodeWinsize, rawTermios } from './termios.js';
import { TCGETS, TCSETS, TIOCGWINSZ, TIOCSWINSZ } from '../abi/tty_ioctls.js';

/** A pty the bridge makes. */
export interface NewPty {
  owner: Credentials;
  console?: boolean;
}

/** A pty the bridge takes over, with the master file it holds. */
export interface BridgedPty {
  index: number;
  masterFile: number;
}

export class TerminalBridge {
  /** The sandbox's pty (/dev/pts/index). */
  readonly index: number;
  private readonly masterFile: number;
  private readonly reader: tty.ReadStream;
  private readonly writer: tty.WriteStream;
  private readonly unwatch: () => void;
  private flushQueued = false;
  private open = true;
  /** Typed bytes the line discipline had no room for yet (non-canonical input is bounded). */
  private pending: Uint8Array = new Uint8Array(0);

  /**
   * hostFd: a host terminal of tsvisor's (the bridge takes it over and closes it). pty: a new
   * one (owner: whose /dev/pts/N it is; console: it is also the sandbox's /dev/console, an OCI
   * container's terminal), or one whose master the bridge takes over (a restored container's
   * console, see detachedConsole), which keeps its size. Throws when the host fd is not a
   * terminal or no pty is free.
   */
  constructor(private readonly kernel: Kernel, private readonly hostFd: number, pty: NewPty | BridgedPty) {
    const settings = new Uint8Array(TERMIOS_SIZE);
    const got = kernel.platform.hostIoctl(hostFd, TCGETS, settings);
    if (got < 0) throw new Error(`the console is not a terminal (errno ${-got})`);
    const index = 'index' in pty ? pty.index : freePtyIndex(kernel.state);
    if (index === undefined) throw new Error(`no free pty (errno ${Errno.ENOSPC})`);
    this.index = index;
    // The host side carries bytes only: the sandbox's line discipline does the echo, ^C, ONLCR.
    kernel.platform.hostIoctl(hostFd, TCSETS, encodeTermios(rawTermios(decodeTermios(settings)), TERMIOS_SIZE));
    if ('index' in pty) {
      this.masterFile = pty.masterFile;
      const { rows, cols } = kernel.state.ptys.get(index)!.winsize;
      this.setSize(rows, cols);
    } else {
      kernel.emit({ type: 'PtyCreated', index, uid: pty.owner.euid, gid: pty.owner.egid, ...(pty.console ? { console: true } : {}) });
      kernel.emit({ type: 'PtyLockSet', index, locked: false });
      // The master is held by the bridge, in no process's fd table.
      this.masterFile = kernel.state.nextFileId;
      kernel.emit({ type: 'FileOpened', fileId: this.masterFile, kind: 'pty-master', path: '/dev/ptmx', flags: O_RDWR, objectId: index });
      this.readWinsize(hostFd, false);
    }
    // Reads through a description of their own (libuv makes it non-blocking); writes through hostFd.
    // node:tty is required here, not imported: it brings node:net and the stream modules, which
    // an OCI sandbox process without a terminal loads only after its container is created.
    const { ReadStream, WriteStream } = createRequire(import.meta.url)('node:tty') as typeof tty;
    this.reader = new ReadStream(fs.openSync(`/proc/self/fd/${hostFd}`, fs.constants.O_RDWR | fs.constants.O_NOCTTY));
    this.writer = new WriteStream(hostFd);
    this.reader.on('data', (chunk: Buffer) => this.typed(chunk));
    // The engine closed the master: the sandbox's terminal is hung up.
    this.reader.on('end', () => this.hangUp());
    this.reader.on('error', () => this.hangUp());
    this.writer.on('error', () => this.hangUp());
    this.unwatch = kernel.watch(ptyKey(index), () => this.queueFlush());
    // What the program wrote while no one read the master (before a checkpoint) goes out now.
    this.queueFlush();
  }

  /**
   * A restored sandbox's console: its pty, and the master file the bridge held when the
   * checkpoint was taken (open, in no process's fd table), for a new bridge to take over.
   */
  static detachedConsole(state: Pick<KernelState, 'ptys' | 'files'>): BridgedPty | undefined {
    const pty = [...state.ptys.values()].find((p) => p.console && p.masters > 0);
    if (!pty) return undefined;
    const master = [...state.files.values()].find((f) => f.kind === 'pty-master' && f.objectId === pty.index && f.refs === 0);
    return master && { index: pty.index, masterFile: master.id };
  }

  /** The slave as pid's stdio (fds 0, 1, 2) and controlling terminal; pid must lead its session. */
  attach(pid: number): void {
    const kernel = this.kernel;
    const fileId = kernel.state.nextFileId;
    kernel.emit({ type: 'FileOpened', fileId, kind: 'pty-slave', path: `/dev/pts/${this.index}`, flags: O_RDWR, objectId: this.index });
    for (const fd of [0, 1, 2]) kernel.emit({ type: 'FdInstalled', pid, fd, fileId, cloexec: false });
    const p = kernel.state.processes.get(pid);
    if (p && p.sid === p.pid) kernel.emit({ type: 'PtyControlSet', index: this.index, session: p.sid, pgrp: p.pgid });
  }

  /** Sets the size of both terminals (OCI process.consoleSize, before the program runs). */
  setSize(rows: number, cols: number): void {
    this.kernel.platform.hostIoctl(this.hostFd, TIOCSWINSZ, encodeWinsize({ rows, cols, xpixel: 0, ypixel: 0 }));
    this.readWinsize(this.hostFd, false);
  }

  /** The host terminal's size changed: the pty takes it, and its foreground group gets SIGWINCH. */
  resized(): void {
    if (this.open) this.readWinsize(this.hostFd, true);
  }

  /** Writes what is left of the output and lets go of the host terminal (the master closes). */
  close(): void {
    this.flush();
    this.hangUp();
  }

  private readWinsize(hostFd: number, signal: boolean): void {
    const raw = new Uint8Array(WINSIZE_SIZE);
    if (this.kernel.platform.hostIoctl(hostFd, TIOCGWINSZ, raw) < 0) return;
    const winsize = decodeWinsize(raw);
    const pty = this.kernel.state.ptys.get(this.index);
    if (!pty) return;
    const w = pty.winsize;
    if (w.rows === winsize.rows && w.cols === winsize.cols && w.xpixel === winsize.xpixel && w.ypixel === winsize.ypixel) return;
    this.kernel.emit({ type: 'PtyWinsizeSet', index: this.index, winsize });
    if (signal) signalForeground(this.kernel, pty, SIGWINCH);
  }

  /** Output is written from the event loop, never inside the syscall that produced it. */
  private queueFlush(): void {
    if (this.flushQueued || !this.open) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
      this.feed();
    });
  }

  /** The master reads the slave's output and the host terminal gets it (a blocking write: a tty's). */
  private flush(): void {
    const pty = this.kernel.state.ptys.get(this.index);
    if (!pty || pty.output.length === 0 || !this.open) return;
    const bytes = Buffer.from(pty.output);
    this.kernel.emit({ type: 'PtyRead', index: this.index, side: 'master', count: bytes.length });
    this.writer.write(bytes);
    // Writers that waited for room go on.
    this.kernel.notify(ptyKey(this.index));
  }

  private typed(chunk: Buffer): void {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    this.pending = joined;
    this.feed();
  }

  /** The master types what came from the host, as far as the line discipline has room (writeMaster's rule). */
  private feed(): void {
    const pty = this.kernel.state.ptys.get(this.index);
    if (!pty || this.pending.length === 0) return;
    const room = pty.termios.lflag & ICANON ? this.pending.length : Math.max(0, INPUT_CAPACITY - 1 - pty.input.length - pty.editing.length);
    const n = Math.min(room, this.pending.length);
    if (n > 0) {
      const bytes = this.pending.subarray(0, n);
      const { signals } = receiveInput(pty, bytes);
      this.kernel.emit({ type: 'PtyInput', index: this.index, bytes });
      this.pending = this.pending.slice(n);
      this.kernel.notify(ptyKey(this.index));
      for (const sig of signals) signalForeground(this.kernel, pty, sig);
    }
    // A full input queue: stop reading the host until the program reads (the flush's wake-up feeds again).
    if (this.pending.length > 0) this.reader.pause();
    else this.reader.resume();
  }

  /** The master closes: the session the pty controls loses it, and its leader gets SIGHUP and SIGCONT. */
  private hangUp(): void {
    if (!this.open) return;
    this.open = false;
    this.unwatch();
    this.reader.destroy();
    if (!this.writer.destroyed) this.writer.destroy();
    const kernel = this.kernel;
    const pty = kernel.state.ptys.get(this.index);
    const session = pty ? controlledSession(kernel.state, pty) : 0;
    const leader = session === 0 ? undefined : kernel.state.processes.get(session);
    kernel.emit({ type: 'FileDropped', fileId: this.masterFile });
    kernel.notify(ptyKey(this.index));
    if (leader && leader.status === 'running') hangUp(kernel, leader);
  }
}
