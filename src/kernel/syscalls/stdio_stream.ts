// Reading tsvisor's own stdin when it is a stream (a terminal, a pipe): one host read at a
// time per host fd, in Node's thread pool, whose bytes wait here for whichever read of the
// program comes to take them. A reader that a signal interrupts (^C at a prompt, SIGWINCH)
// leaves the host read going: what it brings is kept for the next read, never lost.
import fs from 'node:fs';

import { exitNow } from '../../platform/exit_now.js';
import { Errno } from '../errno.js';
import type { Kernel } from '../kernel.js';
import { errnoOf } from '../vfs/path_walk.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

/** How much one host read asks for. */
const CHUNK = 64 * 1024;
/** How soon a host read that found tsvisor's stdin non-blocking (and empty) tries again. */
const RETRY_MS = 10;
const POLLIN = 0x1;

interface HostStream {
  /** Bytes read from the host that no read of the program has taken yet. */
  bytes: Buffer;
  /** An end of file (a terminal's ^D) or an error the host read met, for the next reader. */
  end: 'eof' | number | null;
  inFlight: boolean;
}

const streams = new WeakMap<Kernel, Map<number, HostStream>>();

/** Host reads under way in Node's thread pool, of every kernel in this process. */
let readsInFlight = 0;
let exitListened = false;

/**
 * A host read of a terminal can outlive the program that wanted it (its read timed out, or a
 * signal ended it), and Node's exit joins the pool thread parked in it: tsvisor would hang
 * at its end until a key is typed. With such a read still going, tsvisor leaves by _exit once
 * the other 'exit' listeners (registered before the first read) have run.
 */
function exitPastParkedReads(): void {
  if (exitListened) return;
  exitListened = true;
  globalThis.process.on('exit', (code) => {
    if (readsInFlight > 0) exitNow(typeof globalThis.process.exitCode === 'number' ? globalThis.process.exitCode : code);
  });
}

function streamOf(kernel: Kernel, hostFd: number): HostStream {
  let byFd = streams.get(kernel);
  if (!byFd) streams.set(kernel, (byFd = new Map()));
  let s = byFd.get(hostFd);
  if (!s) byFd.set(hostFd, (s = { bytes: Buffer.alloc(0), end: null, inFlight: false }));
  return s;
}

function wakeKey(hostFd: number): string {
  return `stdio:${hostFd}`;
}

/** Starts the host read of hostFd unless one is going; its result wakes the readers. */
function pump(kernel: Kernel, hostFd: number, s: HostStream): void {
  if (s.inFlight) return;
  s.inFlight = true;
  readsInFlight++;
  exitPastParkedReads();
  const buf = Buffer.alloc(CHUNK);
  fs.read(hostFd, buf, 0, CHUNK, null, (err, n) => {
    s.inFlight = false;
    readsInFlight--;
    const errno = err ? errnoOf(err, Errno.EIO) : 0;
    if (errno === Errno.EAGAIN) {
      // tsvisor's stdin was made non-blocking by someone else: wait for data all the same.
      setTimeout(() => pump(kernel, hostFd, s), RETRY_MS);
      return;
    }
    if (errno) s.end = errno;
    else if (n === 0) s.end = 'eof';
    else s.bytes = Buffer.concat([s.bytes, buf.subarray(0, n)]);
    kernel.notify(wakeKey(hostFd));
  });
}

/** Whether bytes already read from hostFd wait for the program (poll reports them readable). */
export function hostStreamBuffered(kernel: Kernel, hostFd: number): boolean {
  const s = streams.get(kernel)?.get(hostFd);
  return s !== undefined && (s.bytes.length > 0 || s.end !== null);
}

/**
 * read(2) of a stream of tsvisor's stdio: what is buffered, else waits for the host (or
 * EAGAIN for a non-blocking file with nothing to read). deliver stores the bytes and says
 * how many the program took.
 */
export function readHostStream(ctx: SyscallContext, hostFd: number, count: number, nonblock: boolean, deliver: (bytes: Uint8Array) => number): Outcome {
  const kernel = ctx.kernel;
  const s = streamOf(kernel, hostFd);
  const attempt = (): number | null => {
    if (s.bytes.length > 0) {
      const r = deliver(s.bytes.subarray(0, count));
      if (r > 0) s.bytes = s.bytes.subarray(r);
      return r;
    }
    if (s.end !== null) {
      // One read sees the end of file (a terminal may have more after it) or the error.
      const end = s.end;
      s.end = null;
      return end === 'eof' ? 0 : -end;
    }
    if (nonblock && !s.inFlight && (kernel.platform.hostPoll([hostFd], [POLLIN])[0]! & POLLIN) === 0) return -Errno.EAGAIN;
    pump(kernel, hostFd, s);
    return null;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([wakeKey(hostFd)], attempt);
}
