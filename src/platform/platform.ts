// The platform: how the kernel traps and drives the sandboxed program. The kernel sees only
// this interface; src/platform/ptrace_platform.ts implements it over the native addon.
import type { Stop } from './stops.js';
import type { HostFileRef } from './stub_file_fds.js';

export interface SandboxHandle {
  /** Host pid of the sandbox's init; killing it ends every sandbox process. */
  initPid: number;
  /** Host tid of the first stub, stopped at its first trapped syscall. */
  stubTid: number;
  /** Whether the stub runs in new user/pid/mount/net/ipc/uts namespaces. */
  isolated: boolean;
}

/** What a checkpoint keeps of a stopped thread besides its memory. */
export interface ThreadCapture {
  /** user_regs_struct as the host lays it out (27 little-endian 64-bit words). */
  regs: Uint8Array;
  /** The XSAVE area (x87, SSE, AVX... state). */
  xstate: Uint8Array;
  /** Its registered rseq area (0: none), length and signature. */
  rseqAddr: number;
  rseqSize: number;
  rseqSignature: number;
  /** Its robust futex list head (0: none) and length. */
  robustHead: number;
  robustLen: number;
}

export interface Platform {
  /** rdtsc/rdtscp fault in the sandbox and the kernel answers them (recording, replay). */
  readonly trapsRdtsc: boolean;
  spawnSandbox(): SandboxHandle;
  /** The next stop, or a Timeout stop after timeoutMs (0: do not block). */
  waitStop(timeoutMs: number): Stop;
  /** Completes the trapped syscall with a return value (or -errno) and resumes the thread. */
  answer(tid: number, value: number): void;
  /** Lets the trapped syscall run on the host; catchExit reports its return as a SyscallExit stop. */
  allowOnHost(tid: number, catchExit: boolean): void;
  /** Rewrites the trapped syscall's number (index -1) or argument before allowOnHost. */
  setSyscallArg(tid: number, index: number, value: number): void;
  /** At a SyscallExit stop: the value the program will see. */
  setReturn(tid: number, value: number): void;
  /** Resumes from a signal, event or exit stop, delivering sig (0: none). */
  resume(tid: number, sig: number, catchExit?: boolean): void;
  /**
   * Resumes from a stop for one instruction, delivering sig (0: none). A sig with a handler
   * stops the thread again at the handler's first instruction, its frame built on its stack: a
   * Signal stop of SIGTRAP whose si_code is SIGTRAP, rip the handler, rsp the frame. Otherwise
   * it stops after one instruction (a Signal stop of SIGTRAP, si_code TRAP_TRACE).
   */
  singleStep(tid: number, sig: number): void;
  /**
   * on: the thread single-steps whenever it goes back to its own code (an answered or allowed
   * syscall, a resume), until its next Signal stop of SIGTRAP: what a debugger's
   * PTRACE_SINGLESTEP asks of the sandbox (a step over a trapped syscall ends after it, as on
   * Linux). Injected calls are not stepped.
   */
  setStepping(tid: number, on: boolean): void;
  /** Debug register index (0-7) of a stopped thread (a debugger's hardware breakpoints and watchpoints): its value, or -errno. */
  peekDebugReg(tid: number, index: number): number;
  /** Sets it (the host refuses kernel addresses and bad DR7 bits): 0 or -errno. */
  pokeDebugReg(tid: number, index: number, value: number): number;
  /**
   * mmap of a host file the kernel holds open, [addr, length, prot, flags (no MAP_ANONYMOUS),
   * offset], in thread tid of host process pid (at a syscall stop), mapped from the file
   * itself: processes share the host's page cache. scratch: 128 free bytes of the thread's
   * memory. keep false: the stub's fd of the file is closed after the mapping (the mapping
   * alone then holds the file). The address, or -errno.
   */
  mapHostFile(tid: number, pid: number, file: HostFileRef, scratch: number, args: readonly [number, number, number, number, number], keep?: boolean): number;
  /**
   * Host process childPid was forked from parentPid (not a thread): its host fd table is a copy
   * of the parent's, with the host files the parent holds for mapHostFile.
   */
  processForked(parentPid: number, childPid: number): void;
  /**
   * Gives the process of thread tid (at a syscall stop) its own copy of a host fd tsvisor holds,
   * over the sandbox's fd channel (close-on-exec). The fd number it got there, or -errno.
   */
  passHostFd(tid: number, hostFd: number, scratch: number): number;
  /** The fd at which host process pid holds a host file (mapHostFile or passHostFile gave it), if it does. */
  heldHostFd(pid: number, key: string): number | undefined;
  /**
   * Hands a host file the kernel holds open to thread tid's host process pid (at a syscall
   * stop; the transfer injects calls, so the thread's syscall is then answered, not rewritten),
   * which keeps it like a mapped file's. Its fd there, or -errno.
   */
  passHostFile(tid: number, pid: number, file: HostFileRef, scratch: number): number;
  /** Runs a syscall inside the stopped thread; null when the thread died meanwhile. */
  inject(tid: number, nr: number, ...args: number[]): number | null;
  /**
   * Makes calls ([nr, up to six arguments]) one after another in a freshly exec'd stub stopped
   * at its cue (or between injections made there), through the stub's list runner: one stop for
   * each trapped call, none for an allowed one, instead of two round trips per injection.
   * listAddr: free memory of the stub for the list (64 bytes a call, and 8). Stops after the
   * first call that fails. The results of the calls made (the last may be -errno); null when the
   * thread died.
   */
  injectList(tid: number, listAddr: number, calls: ReadonlyArray<readonly number[]>): number[] | null;
  /** Puts the syscall-argument registers back to these values (after a rewritten syscall), at any stop. */
  setArgRegs(tid: number, args: readonly number[]): void;
  /** Skips the trapped syscall and resumes so that it runs again after any pending signal's handler. */
  restartSyscall(tid: number): void;
  /** Zero-timeout readiness of tsvisor's own host fds (poll(2) events in, revents out). */
  hostPoll(fds: number[], events: number[]): number[];
  /** Sends a host signal to a whole stub process. */
  signalProcess(hostPid: number, sig: number): void;
  /** Leaves a thread stopped in its group-stop (job control); SIGCONT will bring it back. */
  listen(tid: number): void;
  /** Starts a freshly loaded image. */
  startAt(tid: number, rip: number, rsp: number): void;
  emulateRdtsc(tid: number, rax: number, rdx: number, advance: number): void;
  /** Reads program memory; null when any byte is unreadable (EFAULT). */
  read(tid: number, addr: number, length: number): Uint8Array | null;
  /** Reads a NUL-terminated string of at most max bytes (without the NUL); 'toolong' if no NUL within max. */
  readCString(tid: number, addr: number, max: number): Uint8Array | null | 'toolong';
  /** Writes program memory honouring protections; false on EFAULT. */
  write(tid: number, addr: number, bytes: Uint8Array): boolean;
  /** Writes as much as it can until the first unwritable page; the count written (0: none). */
  writeSome(tid: number, addr: number, bytes: Uint8Array): number;
  /** Writes through page protections (loading text). */
  poke(tid: number, addr: number, bytes: Uint8Array): boolean;
  /** Sends a host signal to one stub thread. */
  signalThread(tid: number, sig: number): void;
  /** Ends the whole sandbox. */
  destroy(handle: SandboxHandle): void;
  forget(tid: number): void;
  /** ioctl on one of tsvisor's own host fds (its terminal). */
  hostIoctl(fd: number, request: number, buf: Uint8Array): number;
  /** lseek on one of tsvisor's own host fds (stdio redirected from a file; SEEK_DATA/SEEK_HOLE in a host file the kernel opened). */
  hostLseek(fd: number, offset: number, whence: number): number;
  /** F_GETPIPE_SZ (size < 0) or F_SETPIPE_SZ on one of tsvisor's own host fds (stdio that is a pipe): the capacity or -errno. */
  hostPipeSize(fd: number, size: number): number;
  /** Sets a host resource limit of a stub process (inherited by its children); -1 is unlimited. */
  setHostRlimit(hostPid: number, resource: number, soft: number, hard: number): number;
  /** At a signal-delivery stop: rewrites si_code, si_pid, si_uid (and si_status unless < 0). */
  patchSiginfo(tid: number, code: number, pid: number, uid: number, status: number | bigint): void;
  /** At a signal-delivery stop: the raw siginfo (128 bytes), to deliver the signal later; null if gone. */
  takeSiginfo(tid: number): Uint8Array | null;
  /** At a signal-delivery stop: the siginfo the program sees (bytes from takeSiginfo). */
  putSiginfo(tid: number, bytes: Uint8Array): void;
  /** Reads into buf[offset, offset+length) as much as it can; the count read (< 0: -errno). */
  readInto(tid: number, addr: number, buf: Uint8Array, offset: number, length: number): number;
  /** Stops a running thread; it reports a GroupStop of SIGTRAP. */
  interrupt(tid: number): void;
  /** The program's registers and extended state of a stopped thread; null if it is gone. */
  captureThread(tid: number): ThreadCapture | null;
  /**
   * Sets the registers (user_regs_struct) of a thread stopped at a syscall, signal or event
   * stop, from when it goes on (answer, allowOnHost, resume); captureThread sees them at once.
   */
  setRegs(tid: number, regs: Uint8Array): boolean;
  /** Puts back a thread's XSAVE state (same CPU features). */
  setXstate(tid: number, xstate: Uint8Array): boolean;
  /**
   * From a thread stopped in a syscall, has the host create a thread or process (clone with
   * flags); the new task waits at a syscall stop, ready for injections. Its host tid, or -errno.
   */
  spawnTask(tid: number, flags: number): number;
  /** Sends a thread stopped anywhere through the `syscall` instruction at syscallInsn to a syscall stop (for injections). */
  enterTrap(tid: number, syscallInsn: number): boolean;
  /** Sets every register of a stopped thread (ending any injection) and lets it run. */
  launch(tid: number, regs: Uint8Array): boolean;
  /** Syscall numbers the seccomp filter lets through without a trap. */
  hostAllowedSyscalls(): readonly number[];
}
