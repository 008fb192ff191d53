// The ptrace + seccomp platform: the native addon's tracer behind the Platform interface.
import { Errno } from '../kernel/errno.js';
import { STUB_BASE, STUB_END } from '../kernel/loader/host_mappings.js';
import { CpuPlacement } from './cpu_placement.js';
import { readHostClockWith } from './host_clock.js';
import { loadAddon, STUB_PATH, type NativeAddon } from './native_addon.js';
import type { Platform, SandboxHandle, ThreadCapture } from './platform.js';
import { ReportSlot, StopKind, type Stop } from './stops.js';
import { StubFileFds, type HostFileRef } from './stub_file_fds.js';

const PAGE = 4096;

/** How long tsvisor waits, at most, to collect a killed sandbox's init. */
const REAP_WITHIN_MS = 2000;
/**
 * How long of that it waits at once, blocking: long enough for init to end (a few ms), so that
 * a tsvisor that exits right after its sandbox has collected it (not left it to the host's pid 1).
 */
const REAP_AT_ONCE_MS = 100;
/**
 * How often it looks meanwhile: init's end waits for its traced children to be collected here
 * first, so each step of the teardown waits for a look (on an OCI container's exit path).
 */
const REAP_POLL_MS = 0.1;
/** What reapInit sleeps on (made at first use: a start-up snapshot cannot hold one). */
let reapPause: Int32Array | undefined;

export class PlatformError extends Error {}

export interface PtraceOptions {
  /**
   * Make rdtsc/rdtscp fault so the kernel answers them (recording, replay): their values then go
   * in the trace. Off otherwise, because the flag costs every context switch between a thread
   * that has it and one that has not a CR4 write (design-notes, Platform); while it is on, the
   * tracer's own thread has it too.
   */
  trapRdtsc?: boolean;
}

export class PtracePlatform implements Platform {
  private readonly native: NativeAddon = loadAddon();
  private readonly report = new Float64Array(ReportSlot.Count);
  private readonly scratch = new Uint8Array(PAGE * 4);
  private placement: CpuPlacement | undefined;
  private fileFds: StubFileFds | undefined;

  constructor(private readonly options: PtraceOptions = {}) {}

  get trapsRdtsc(): boolean {
    return this.options.trapRdtsc ?? false;
  }

  spawnSandbox(): SandboxHandle {
    // Isolated: new namespaces where the host allows them (it reports whether it did).
    const r = this.native.spawn(STUB_PATH, true, this.options.trapRdtsc ?? false);
    if (!r.ok) throw new PlatformError(r.error);
    // The tracer's thread traps rdtsc as the sandbox's threads do, so that switching between
    // them rewrites no CR4 (native/own_rdtsc.h); tsvisor's own clock reads go by the syscall.
    if (this.options.trapRdtsc && this.native.setOwnRdtscTrap(true)) readHostClockWith(this.native.monotonicNs);
    this.placement ??= new CpuPlacement(this.native);
    this.placement.adopt(r.stubTid);
    this.fileFds?.close();
    this.fileFds = new StubFileFds(this.native, { fd: r.channelFd, stubEnd: r.channelStubEnd });
    return { initPid: r.initPid, stubTid: r.stubTid, isolated: r.isolated };
  }

  waitStop(timeoutMs: number): Stop {
    const rep = this.report;
    // The CPU placement hears of a computing sandbox after a short quiet probe, not a whole slice.
    const probe = this.placement?.quietProbe(timeoutMs);
    let kind = this.native.waitStop(probe ?? timeoutMs, rep) as StopKind;
    if (probe !== undefined && kind === StopKind.Timeout) {
      this.placement!.onQuietSlice();
      kind = this.native.waitStop(timeoutMs - probe, rep) as StopKind;
    }
    this.track(kind, rep);
    // The array first: an object literal holding an array literal is not a shallow literal,
    // and V8's baseline code builds it in the runtime (a deep copy of its boilerplate) at every stop.
    const args = [rep[3]!, rep[4]!, rep[5]!, rep[6]!, rep[7]!, rep[8]!];
    return {
      kind,
      tid: rep[ReportSlot.Tid]!,
      value: rep[ReportSlot.Value]!,
      args,
      ...(inexact(args) ? { argsLow32: [rep[16]!, rep[17]!, rep[18]!, rep[19]!, rep[20]!, rep[21]!] } : {}),
      rip: rep[ReportSlot.Rip]!,
      rsp: rep[ReportSlot.Rsp]!,
      extra: rep[ReportSlot.Extra]!,
      addr: rep[ReportSlot.Addr]!,
      ...(kind === StopKind.Exited || kind === StopKind.Killed
        ? { usage: { utimeUs: rep[ReportSlot.UtimeUs]!, stimeUs: rep[ReportSlot.StimeUs]!, maxRssKb: rep[ReportSlot.MaxRssKb]! } }
        : {}),
    };
  }

  /** Keeps the CPU placement informed of threads coming and going. */
  private track(kind: StopKind, rep: Float64Array): void {
    const placement = this.placement;
    if (!placement) return;
    if (kind === StopKind.Exited || kind === StopKind.Killed) this.fileFds?.forget(rep[ReportSlot.Tid]!);
    switch (kind) {
      case StopKind.Timeout:
        placement.onQuietSlice();
        return;
      case StopKind.Clone:
      case StopKind.Fork:
      case StopKind.Vfork:
        placement.adopt(rep[ReportSlot.Value]!);
        break;
      case StopKind.Exited:
      case StopKind.Killed:
        placement.forget(rep[ReportSlot.Tid]!);
        break;
    }
    placement.onStop();
  }

  answer(tid: number, value: number): void {
    this.native.answer(tid, value);
  }

  allowOnHost(tid: number, catchExit: boolean): void {
    this.native.allow(tid, catchExit);
  }

  setSyscallArg(tid: number, index: number, value: number): void {
    this.native.setSyscallArg(tid, index, value);
  }

  setReturn(tid: number, value: number): void {
    this.native.setReturn(tid, value);
  }

  resume(tid: number, sig: number, catchExit = false): void {
    this.native.resume(tid, sig, catchExit);
  }

  singleStep(tid: number, sig: number): void {
    this.native.singleStep(tid, sig);
  }

  setStepping(tid: number, on: boolean): void {
    this.native.setStepping(tid, on);
  }

  peekDebugReg(tid: number, index: number): number {
    return this.native.peekDebugReg(tid, index);
  }

  pokeDebugReg(tid: number, index: number, value: number): number {
    return this.native.pokeDebugReg(tid, index, value);
  }

  mapHostFile(tid: number, pid: number, file: HostFileRef, scratch: number, args: readonly [number, number, number, number, number], keep = true): number {
    return this.fileFds ? this.fileFds.map(tid, pid, file, scratch, args, keep) : -38;
  }

  processForked(parentPid: number, childPid: number): void {
    this.fileFds?.inherit(parentPid, childPid);
  }

  passHostFd(tid: number, hostFd: number, scratch: number): number {
    return this.fileFds ? this.fileFds.pass(tid, hostFd, scratch) : -38;
  }

  heldHostFd(pid: number, key: string): number | undefined {
    return this.fileFds?.heldFd(pid, key);
  }

  passHostFile(tid: number, pid: number, file: HostFileRef, scratch: number): number {
    return this.fileFds ? this.fileFds.keep(tid, pid, file, scratch) : -38;
  }

  inject(tid: number, nr: number, ...args: number[]): number | null {
    return this.native.inject(tid, nr, ...args);
  }

  injectList(tid: number, listAddr: number, calls: ReadonlyArray<readonly number[]>): number[] | null {
    const words = new Float64Array(calls.length * 7);
    calls.forEach((call, i) => words.set(call, i * 7));
    const results = new Float64Array(calls.length);
    const made = this.native.injectList(tid, listAddr, STUB_BASE, STUB_END, words, results);
    if (made === -Errno.ESRCH) return null;
    if (made < 0) throw new PlatformError(`the stub's list runner refused the calls (${-made})`);
    return Array.from(results.subarray(0, made));
  }

  setArgRegs(tid: number, args: readonly number[]): void {
    this.native.setArgRegs(tid, ...args);
  }

  restartSyscall(tid: number): void {
    this.native.restartSyscall(tid);
  }

  hostPoll(fds: number[], events: number[]): number[] {
    return this.native.hostPoll(fds, events);
  }

  signalProcess(hostPid: number, sig: number): void {
    this.native.kill(hostPid, sig);
  }

  listen(tid: number): void {
    this.native.listen(tid);
  }

  startAt(tid: number, rip: number, rsp: number): void {
    this.native.startAt(tid, rip, rsp);
  }

  emulateRdtsc(tid: number, rax: number, rdx: number, advance: number): void {
    this.native.emulateRdtsc(tid, rax, rdx, advance);
  }

  read(tid: number, addr: number, length: number): Uint8Array | null {
    if (length === 0) return new Uint8Array(0);
    if (!isUserRange(addr, length)) return null;
    // Filled whole or not returned at all: a large buffer need not be zeroed first.
    const out = length >= PAGE ? Buffer.allocUnsafeSlow(length) : new Uint8Array(length);
    const n = this.native.readMemory(tid, addr, out, 0, length);
    return n === length ? out : null;
  }

  readCString(tid: number, addr: number, max: number): Uint8Array | null | 'toolong' {
    if (!isUserRange(addr, 1)) return null;
    const chunks: Uint8Array[] = [];
    let total = 0;
    let cursor = addr;
    // Read page by page: a string may end just before an unmapped page.
    while (total <= max) {
      const want = Math.min(PAGE - (cursor % PAGE), max + 1 - total, this.scratch.length);
      if (want <= 0) break;
      const n = this.native.readMemory(tid, cursor, this.scratch, 0, want);
      if (n <= 0) return null;
      const nul = this.scratch.subarray(0, n).indexOf(0);
      if (nul >= 0) {
        chunks.push(this.scratch.slice(0, nul));
        return concat(chunks, total + nul);
      }
      chunks.push(this.scratch.slice(0, n));
      total += n;
      cursor += n;
    }
    return 'toolong';
  }

  write(tid: number, addr: number, bytes: Uint8Array): boolean {
    if (bytes.length === 0) return true;
    if (!isUserRange(addr, bytes.length)) return false;
    return this.native.writeMemory(tid, addr, bytes) === bytes.length;
  }

  writeSome(tid: number, addr: number, bytes: Uint8Array): number {
    if (bytes.length === 0 || !Number.isSafeInteger(addr) || addr <= 0) return 0;
    // process_vm_writev stops at the first page it cannot write: write page by page.
    let done = 0;
    while (done < bytes.length) {
      const chunk = Math.min(bytes.length - done, PAGE - ((addr + done) % PAGE));
      if (!isUserRange(addr + done, chunk)) break;
      const n = this.native.writeMemory(tid, addr + done, bytes.subarray(done, done + chunk));
      if (n <= 0) break;
      done += n;
      if (n < chunk) break;
    }
    return done;
  }

  poke(tid: number, addr: number, bytes: Uint8Array): boolean {
    return this.native.pokeMemory(tid, addr, bytes);
  }

  signalThread(tid: number, sig: number): void {
    this.native.tkill(tid, sig);
  }

  destroy(handle: SandboxHandle): void {
    this.native.kill(handle.initPid, 9);
    this.reapInit(handle.initPid, Date.now() + REAP_WITHIN_MS);
    this.fileFds?.close();
    this.fileFds = undefined;
    if (this.options.trapRdtsc) {
      this.native.setOwnRdtscTrap(false);
      readHostClockWith(undefined);
    }
  }

  /**
   * init is tsvisor's own child: it is collected here, not left a zombie for the host's pid 1.
   * A dying namespace init waits for its traced threads to be reaped first (by the tracer,
   * here), so this polls rather than blocks.
   */
  private reapInit(initPid: number, deadline: number): void {
    const blockUntil = Math.min(deadline, Date.now() + REAP_AT_ONCE_MS);
    while (!this.native.reapEnded(initPid)) {
      if (Date.now() > deadline) return;
      if (Date.now() > blockUntil) {
        setTimeout(() => this.reapInit(initPid, deadline), 1);
        return;
      }
      Atomics.wait((reapPause ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, REAP_POLL_MS);
    }
  }

  forget(tid: number): void {
    this.native.forget(tid);
  }

  hostIoctl(fd: number, request: number, buf: Uint8Array): number {
    return this.native.hostIoctl(fd, request, buf);
  }

  hostLseek(fd: number, offset: number, whence: number): number {
    return this.native.hostLseek(fd, offset, whence);
  }

  hostPipeSize(fd: number, size: number): number {
    return this.native.hostPipeSize(fd, size);
  }

  setHostRlimit(hostPid: number, resource: number, soft: number, hard: number): number {
    return this.native.setHostRlimit(hostPid, resource, soft, hard);
  }

  patchSiginfo(tid: number, code: number, pid: number, uid: number, status: number | bigint): void {
    this.native.patchSiginfo(tid, code, pid, uid, status);
  }

  takeSiginfo(tid: number): Uint8Array | null {
    return this.native.takeSiginfo(tid);
  }

  putSiginfo(tid: number, bytes: Uint8Array): void {
    this.native.putSiginfo(tid, bytes);
  }

  readInto(tid: number, addr: number, buf: Uint8Array, offset: number, length: number): number {
    if (!isUserRange(addr, length)) return -14;
    return this.native.readMemory(tid, addr, buf, offset, length);
  }

  interrupt(tid: number): void {
    this.native.interrupt(tid);
  }

  captureThread(tid: number): ThreadCapture | null {
    return this.native.captureThread(tid);
  }

  setXstate(tid: number, xstate: Uint8Array): boolean {
    return this.native.setXstate(tid, xstate);
  }

  setRegs(tid: number, regs: Uint8Array): boolean {
    return this.native.setRegs(tid, regs);
  }

  spawnTask(tid: number, flags: number): number {
    const child = this.native.spawnTask(tid, flags);
    if (child > 0) this.placement?.adopt(child);
    // A task made here holds no mapped files yet (a pid used before may still be remembered).
    if (child > 0) this.fileFds?.forget(child);
    return child;
  }

  enterTrap(tid: number, syscallInsn: number): boolean {
    return this.native.enterTrap(tid, syscallInsn);
  }

  launch(tid: number, regs: Uint8Array): boolean {
    return this.native.launch(tid, regs);
  }

  hostAllowedSyscalls(): readonly number[] {
    return this.native.allowedSyscalls();
  }
}

/** Whether [addr, addr+length) lies in the x86-64 user address space. */
function isUserRange(addr: number, length: number): boolean {
  return Number.isSafeInteger(addr) && addr > 0 && length >= 0 && addr + length <= 0x7ffffffff000;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Whether an argument lies beyond 2^53, where a double no longer holds every bit. */
function inexact(args: number[]): boolean {
  for (const a of args) if (a > Number.MAX_SAFE_INTEGER || a < -Number.MAX_SAFE_INTEGER) return true;
  return false;
}
