// Loads the C++ addon (native/) and types its functions. Nothing else imports the addon.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpawnResult {
  ok: boolean;
  error: string;
  initPid: number;
  stubTid: number;
  isolated: boolean;
  /** The kernel's end of the sandbox's fd channel, and its copy of the stubs' end (native/stub_fd_channel.h). */
  channelFd: number;
  channelStubEnd: number;
}

/** A stopped thread as a checkpoint keeps it (see Platform.captureThread). */
export interface NativeThreadCapture {
  regs: Buffer;
  xstate: Buffer;
  rseqAddr: number;
  rseqSize: number;
  rseqSignature: number;
  robustHead: number;
  robustLen: number;
}

export interface NativeAddon {
  spawn(stubPath: string, isolate: boolean, trapRdtsc: boolean): SpawnResult;
  /** The calling (tracer) thread's own rdtsc traps too, or no longer (native/own_rdtsc.h). */
  setOwnRdtscTrap(on: boolean): boolean;
  /** How many of tsvisor's own rdtsc reads were answered by the handler. */
  ownRdtscEmulated(): number;
  /** CLOCK_MONOTONIC in nanoseconds through the syscall, which reads no counter. */
  monotonicNs(): number;
  waitStop(timeoutMs: number, report: Float64Array): number;
  answer(tid: number, value: number): boolean;
  allow(tid: number, catchExit: boolean): boolean;
  setSyscallArg(tid: number, index: number, value: number): boolean;
  setReturn(tid: number, value: number): boolean;
  resume(tid: number, sig: number, catchExit: boolean): boolean;
  singleStep(tid: number, sig: number): boolean;
  setStepping(tid: number, on: boolean): boolean;
  peekDebugReg(tid: number, index: number): number;
  pokeDebugReg(tid: number, index: number, value: number): number;
  inject(tid: number, nr: number, ...args: number[]): number | null;
  injectList(tid: number, listAddr: number, stubLo: number, stubHi: number, calls: Float64Array, results: Float64Array): number;
  restartSyscall(tid: number): boolean;
  hostPoll(fds: number[], events: number[]): number[];
  listen(tid: number): boolean;
  startAt(tid: number, rip: number, rsp: number): boolean;
  emulateRdtsc(tid: number, rax: number, rdx: number, advance: number): boolean;
  readMemory(tid: number, addr: number, buf: Uint8Array, offset: number, length: number): number;
  writeMemory(tid: number, addr: number, bytes: Uint8Array): number;
  pokeMemory(tid: number, addr: number, bytes: Uint8Array): boolean;
  setArgRegs(tid: number, ...args: number[]): boolean;
  getRegs(tid: number): Buffer | null;
  setRegs(tid: number, regs: Uint8Array): boolean;
  captureThread(tid: number): NativeThreadCapture | null;
  interrupt(tid: number): boolean;
  setXstate(tid: number, xstate: Uint8Array): boolean;
  spawnTask(tid: number, flags: number): number;
  enterTrap(tid: number, syscallInsn: number): boolean;
  launch(tid: number, regs: Uint8Array): boolean;
  kill(pid: number, sig: number): boolean;
  /** After init's SIGKILL: collects the ended traced threads and init without waiting; true once init is gone. */
  reapEnded(initPid: number): boolean;
  tkill(tid: number, sig: number): boolean;
  forget(tid: number): void;
  setAffinity(tid: number, cpus: number[]): boolean;
  /** The CPUs the calling thread may run on (its affinity), ascending. */
  allowedCpus(): number[];
  currentCpu(): number;
  setHostRlimit(pid: number, resource: number, soft: number, hard: number): number;
  patchSiginfo(tid: number, code: number, pid: number, uid: number, status: number | bigint): boolean;
  takeSiginfo(tid: number): Uint8Array | null;
  putSiginfo(tid: number, bytes: Uint8Array): boolean;
  allowedSyscalls(): number[];
  /** Queues fd on the fd channel: 0 or -errno. */
  channelSend(channelFd: number, fd: number): number;
  /** Empties the channel through the stubs' end, closing the fds in it. */
  channelDrain(stubEnd: number): number;
  /** A host directory's entries (no "." or ".."; names: each one's bytes and a NUL) with inode numbers and d_type, or -errno (opened O_NOFOLLOW). */
  readDirectory(path: string | Buffer): { names: Buffer; inos: BigUint64Array; types: Uint8Array } | number;
  /** lstat (statx) of a host path into out (native/host_stat.h's slots): 0 or -errno. */
  hostLstat(path: string | Buffer, out: BigInt64Array): number;
  /** fstat (statx) of a host fd into out (the same slots): 0 or -errno. */
  hostFstat(fd: number, out: BigInt64Array): number;
  /** readlink of a host path into out: the target's length, or -errno (-ENAMETOOLONG if it fills out). */
  hostReadlink(path: string | Buffer, out: Uint8Array): number;
  /** native/host_stat.h: the lstat of a run of a path's last components as long as they are directories (out: two stat slots). */
  hostLstatWalk(path: string | Buffer, count: number, out: BigInt64Array): number;
  /** utimensat of a host path (following a final symlink) to times [atime sec, nsec, mtime sec, nsec] (nsec may be UTIME_NOW/UTIME_OMIT): 0 or -errno. */
  hostUtimens(path: string | Buffer, times: BigInt64Array): number;
  /** native/host_mknod.h: mknod of a FIFO or socket file (mode holds S_IFIFO or S_IFSOCK): 0 or -errno. */
  hostMknod(path: string | Buffer, mode: number): number;
  /** native/host_xattr.h: extended attributes of a host path (following a final symlink); names are byte strings. */
  hostGetxattr(path: string | Buffer, name: Buffer): Buffer | number;
  hostListxattr(path: string | Buffer): Buffer | number;
  hostSetxattr(path: string | Buffer, name: Buffer, value: Uint8Array, flags: number): number;
  hostRemovexattr(path: string | Buffer, name: Buffer): number;
  /** statfs of a host path into out (native/host_statfs.h's slots): 0 or -errno. */
  hostStatfs(path: string | Buffer, out: BigInt64Array): number;
  hostIoctl(fd: number, request: number, buf: Uint8Array): number;
  hostLseek(fd: number, offset: number, whence: number): number;
  hostPipeSize(fd: number, size: number): number;
  hostRandom(bytes: Uint8Array): number;
  /** Ends tsvisor now with status (_exit), not waiting for Node's thread pool. */
  exitNow(status: number): never;
  /** A syscall record's values into out at pos (native/syscall_record.h); the position after them, -1 without room. */
  encodeSyscallFields(out: Uint8Array, pos: number, fields: Float64Array, noRegions: boolean, at?: number): number;
  listenUnix(path: string): number;
  /**
   * Serves a listening socket from a thread of the addon's (native/control_server.h): each
   * connection's first line, then its hang-up, reach onEvent. A server id, or -errno.
   */
  controlServe(listenFd: number, onEvent: (event: 'request' | 'closed', fd: number, line: string) => void): number;
  /** Sends text on a served connection without waiting: false if it could not all go at once. */
  controlSend(fd: number, text: string): boolean;
  /** The connection is done with: the server's thread closes it. */
  controlEnd(server: number, fd: number): void;
  /** Stops the server: no more connections; those being answered stay open until controlEnd. */
  controlClose(server: number): void;
  /** A host pseudo-terminal (both fds close-on-exec; the slave opened O_NOCTTY). */
  openPty(): { master: number; slave: number; path: string };
  /** Sends fd over the unix socket at socketPath (SCM_RIGHTS, with name as the payload): "" or why not. */
  sendFd(socketPath: string, fd: number, name: string): string;
}

/** The package's root: the nearest directory above this module that holds build/Release (it runs from dist/src/platform or, bundled, from dist). */
function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'build', 'Release', 'tsvisor_stub'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    dir = up;
  }
}

const packageRoot = findPackageRoot();

export const STUB_PATH = path.join(packageRoot, 'build', 'Release', 'tsvisor_stub');
/** The sandbox's vDSO image (native/vdso). */
export const VDSO_PATH = path.join(packageRoot, 'build', 'Release', 'tsvisor_vdso.so');

let addon: NativeAddon | undefined;

/**
 * Loaded by process.dlopen, not require(): the path is known, and the CommonJS loader's
 * resolution (its stat calls, package.json scope lookups, ~20 of its functions compiled at
 * every start) cost ~3 ms of each run's start-up for nothing.
 */
export function loadAddon(): NativeAddon {
  if (!addon) {
    const module = { exports: {} };
    globalThis.process.dlopen(module, path.join(packageRoot, 'build', 'Release', 'tsvisor_native.node'));
    addon = module.exports as NativeAddon;
  }
  return addon;
}
