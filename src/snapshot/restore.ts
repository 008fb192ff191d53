// `tsvisor restore`: a fresh sandbox built from a checkpoint image. One fresh stub is spawned;
// every other process is forked from it while it is still pristine, every thread is cloned in
// its process; then each address space is mapped and filled, each thread gets back its
// registers, signal mask, rseq area and robust list, and the kernel takes over the saved state.
import fs from 'node:fs';

import { hostPathArg } from '../byte_string.js';
import { O_ACCMODE } from '../kernel/abi/open_flags.js';
import { Kernel } from '../kernel/kernel.js';
import { STUB_BASE, STUB_END } from '../kernel/loader/host_mappings.js';
import { SandboxVdso, vdsoPlaceOf, type VdsoPlace } from '../kernel/loader/vdso.js';
import { emptyKernelState, type KernelState } from '../kernel/state.js';
import { SYS } from '../kernel/syscalls/numbers.js';
import { continueMonotonicFrom } from '../kernel/syscalls/time.js';
import { armTimerfdWake } from '../kernel/syscalls/timerfd.js';
import { HostRoot } from '../kernel/vfs/path_walk.js';
import type { Platform, SandboxHandle } from '../platform/platform.js';
import { PtracePlatform } from '../platform/ptrace_platform.js';
import { missingCpuFeatures } from './host_cpu.js';
import type { HostFileRef, ProcessPart, ThreadImage } from './image_format.js';
import { ImageError, type CheckpointImage } from './image_reader.js';
import { hostFileChange } from './host_file_change.js';
import { holdAgain } from './held_host_nodes.js';
import { openMappedHostFiles, passMappedHostFiles } from './mapped_host_files.js';
import { restoreMemory, type Injector } from './process_memory.js';
import { restoreSegments } from './shm_segments.js';
import { signalsIn } from './signal_sets.js';
import { setSignalStack } from './signal_stack.js';
import { scratchBelowStack } from './thread_registers.js';

export interface RestoreOptions {
  ignoreChangedFiles: boolean;
  warn: (message: string) => void;
  /** Called with the kernel before the sandbox runs (a recorder attaches here). */
  beforeStart?: (kernel: Kernel) => void;
  /** The restored sandbox is recorded: its rdtsc reads must trap (PtraceOptions.trapRdtsc). */
  recording?: boolean;
  /** Called once the kernel has the restored state and the threads run (a terminal bridge attaches here). */
  started?: (kernel: Kernel) => void;
  /** Keep a pristine stub from which the kernel's startProcess() forks new processes (OCI exec). */
  execTemplate?: boolean;
}

/** clone flags of a thread (what glibc's pthread_create uses, less the settid/cleartid parts). */
const THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
/** A process made for restore: a plain fork whose exit signals no one (the kernel tells parents). */
const PROCESS_FLAGS = 0;
/** The process template is a sibling of the first stub (as run makes it): its forks are init's children. */
const CLONE_PARENT = 0x8000;
const SIG_SETMASK = 2;
const SIGKILL = 9;
const SIGSTOP = 19;
const RLIMIT_AS = 9;

/** Opens the host files the image refers to, refusing (or warning, if asked) when one changed. */
function reopenHostFiles(refs: readonly HostFileRef[], state: KernelState, opts: RestoreOptions): Map<number, number> {
  const fds = new Map<number, number>();
  for (const ref of refs) {
    let fd = -1;
    let change: string | null = null;
    try {
      // With the access it was open with (a file of a --mount ...:rw may be open for writing).
      const access = (state.files.get(ref.fileId)?.flags ?? 0) & O_ACCMODE;
      fd = fs.openSync(hostPathArg(ref.hostPath), access | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
      change = hostFileChange(fs.fstatSync(fd, { bigint: true }), ref);
    } catch {
      change = 'it is gone';
    }
    if (change !== null) {
      const message = `host file ${ref.hostPath} (open in the sandbox as ${ref.path}) changed since the checkpoint: ${change}`;
      if (!opts.ignoreChangedFiles) {
        if (fd >= 0) fs.closeSync(fd);
        for (const open of fds.values()) fs.closeSync(open);
        throw new ImageError(`${message} (--ignore-changed-files restores anyway)`);
      }
      opts.warn(`${message}; restoring anyway`);
    }
    if (fd >= 0) fds.set(ref.fileId, fd);
  }
  return fds;
}

function injectorFor(platform: Platform, hostTid: number): Injector {
  return (nr, ...args) => {
    const r = platform.inject(hostTid, nr, ...args);
    if (r === null) throw new Error('a restored task died while being rebuilt');
    if (r < 0 && r > -4096) throw new Error(`rebuilding a task: syscall ${nr} failed (errno ${-r})`);
    return r;
  };
}

function spawned(hostTid: number, what: string): number {
  if (hostTid <= 0) throw new Error(`cannot create ${what} (errno ${-hostTid})`);
  return hostTid;
}

function u64s(...values: Array<number | bigint>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(v)), true));
  return out;
}

/**
 * One memfd per shared memory object of the image, made in the first stub before any process
 * is forked from it (so every process inherits them): share key -> the stub's fd. Mapped host
 * files (files: opened by openMappedHostFiles) are handed over instead, under mappedFileKey.
 */
function makeSharedObjects(platform: Platform, hostTid: number, parts: Iterable<ProcessPart>, segments: ReadonlyMap<string, number>, files: ReadonlyMap<string, number>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const part of parts) {
    for (const m of part.mappings) {
      if (m.share && !m.file) sizes.set(m.share.key, Math.max(sizes.get(m.share.key) ?? 0, m.share.offset + (m.end - m.start)));
    }
  }
  if (sizes.size === 0 && files.size === 0) return new Map();
  const inject = injectorFor(platform, hostTid);
  // The memfd's name, written where the stub's stack has room (nothing runs there meanwhile).
  const name = platform.captureThread(hostTid);
  if (!name) throw new Error('the first stub vanished');
  const nameAt = scratchBelowStack(name.regs);
  if (!platform.write(hostTid, nameAt, new TextEncoder().encode('tsvisor-shared\0'))) throw new Error('cannot write in the first stub');
  const fds = passMappedHostFiles(platform, hostTid, files, nameAt - 256);
  for (const [key, size] of sizes) {
    // A System V segment's mappings map its new host file (which the kernel keeps for later shmat).
    const segment = segments.get(key);
    if (segment !== undefined) {
      const fd = platform.passHostFd(hostTid, segment, nameAt - 256);
      if (fd < 0) throw new Error(`cannot pass a shared memory segment to the first stub (errno ${-fd})`);
      fds.set(key, fd);
      continue;
    }
    const fd = inject(SYS.memfd_create, nameAt, 0);
    inject(SYS.ftruncate, fd, size);
    fds.set(key, fd);
  }
  return fds;
}

/** Builds one process in its stub: threads, memory, signal handlers, per-thread state. */
function rebuildProcess(platform: Platform, state: KernelState, pid: number, mainHost: number, part: ProcessPart, pagesPath: string, sharedFds: ReadonlyMap<string, number>, vdso: SandboxVdso | null): Map<number, number> {
  const process = state.processes.get(pid)!;
  const main = part.threads.find((t) => t.tid === pid) ?? part.threads[0];
  if (!main) throw new Error(`process ${pid} has no thread in the image`);
  const hostTids = new Map<number, number>([[main.tid, mainHost]]);
  for (const t of part.threads) if (t !== main) hostTids.set(t.tid, spawned(platform.spawnTask(mainHost, THREAD_FLAGS), `thread ${t.tid}`));

  const inject = injectorFor(platform, mainHost);
  const pagesFd = fs.openSync(pagesPath, 'r');
  try {
    restoreMemory(platform, mainHost, part.mappings, pagesFd, inject, sharedFds);
    for (const fd of sharedFds.values()) inject(SYS.close, fd);
  } finally {
    fs.closeSync(pagesFd);
  }
  const scratch = scratchBelowStack(main.regs);
  const vdsoPlace = vdsoPlaceOf(process.mm.mappings);
  if (vdsoPlace) {
    if (!vdso) throw new Error(`process ${pid} had a vDSO, and this host cannot make one`);
    mapVdso(platform, mainHost, vdso, vdsoPlace, scratch);
  }
  for (const [sig, a] of process.sigactions) {
    if (sig === SIGKILL || sig === SIGSTOP) continue;
    if (!platform.write(mainHost, scratch, u64s(a.handler, a.flags, a.restorer, a.mask))) throw new Error('cannot write a signal action');
    inject(SYS.rt_sigaction, sig, scratch, 0, 8);
  }
  for (const t of part.threads) {
    const hostTid = hostTids.get(t.tid)!;
    const injectHere = injectorFor(platform, hostTid);
    injectHere(SYS.set_tid_address, state.threads.get(t.tid)?.clearChildTid ?? 0);
    if (t.robustHead !== 0) injectHere(SYS.set_robust_list, t.robustHead, t.robustLen);
    if (t.rseqAddr !== 0) injectHere(SYS.rseq, t.rseqAddr, t.rseqSize, 0, t.rseqSignature);
    const at = scratchBelowStack(t.regs);
    if (t.altStack) setSignalStack(injectHere, platform, hostTid, at, t.altStack);
    if (!platform.write(hostTid, at, u64s(t.sigmask))) throw new Error('cannot write a signal mask');
    injectHere(SYS.rt_sigprocmask, SIG_SETMASK, at, 0, 8);
    if (!platform.setXstate(hostTid, t.xstate)) throw new Error(`cannot restore the FPU state of thread ${t.tid}`);
  }
  // The stub's own image goes last: every injection above ran from its syscall instruction.
  if (!part.mappings.some((m) => m.start < STUB_END && m.end > STUB_BASE)) inject(SYS.munmap, STUB_BASE, STUB_END - STUB_BASE);
  return hostTids;
}

/** Maps the sandbox's vDSO where the process had it (its memory restored, the host's vDSO gone with the stub's). */
function mapVdso(platform: Platform, hostTid: number, vdso: SandboxVdso, place: VdsoPlace, scratch: number): void {
  const stubFd = platform.passHostFile(hostTid, hostTid, vdso, scratch);
  if (stubFd < 0) throw new Error(`cannot hand the vDSO to the process (${-stubFd})`);
  for (const { call, recover } of vdso.mapCalls(place, stubFd)) {
    const r = platform.inject(hostTid, call[0]!, ...call.slice(1));
    if (r === null || (r < 0 && r > -4096 && !recover?.(-r))) throw new Error(`cannot map the vDSO (${r === null ? 'the process died' : -r})`);
  }
}

/** Restores the image and runs the sandbox in the foreground; resolves with pid 1's wait status. */
export async function restoreSandbox(image: CheckpointImage, opts: RestoreOptions): Promise<number> {
  const missing = missingCpuFeatures(image.manifest.host.cpuFeatures);
  if (missing.length > 0) throw new ImageError(`${image.dir}: this CPU lacks ${missing.join(', ')}, which the image's programs may use`);
  const desc = image.manifest.sandbox;
  const root = HostRoot.fromDescription(desc);
  const hostFds = reopenHostFiles(image.kernel.hostFiles, image.kernel.state, opts);
  let segments: ReturnType<typeof restoreSegments>;
  let mappedFiles: Map<string, number>;
  try {
    mappedFiles = openMappedHostFiles(image.processes.values(), desc, opts.ignoreChangedFiles, opts.warn);
  } catch (err) {
    for (const fd of hostFds.values()) fs.closeSync(fd);
    throw new ImageError((err as Error).message);
  }
  try {
    segments = restoreSegments(image.kernel, image.kernel.shm ?? []);
  } catch (err) {
    for (const fd of [...hostFds.values(), ...mappedFiles.values()]) fs.closeSync(fd);
    throw new ImageError(`cannot restore ${image.dir}: ${(err as Error).message}`);
  }
  const platform = new PtracePlatform({ trapRdtsc: opts.recording ?? false });
  // Subsystems added since the image was written start empty (see snapshots/FORMAT.md).
  const state: KernelState = Object.assign(emptyKernelState(), image.kernel.state);
  let heldNodes: Map<string, number>;
  try {
    heldNodes = holdAgain(image.kernel.heldNodes ?? [], state, opts);
  } catch (err) {
    for (const fd of [...hostFds.values(), ...mappedFiles.values()]) fs.closeSync(fd);
    for (const b of segments.backings.values()) fs.closeSync(b.fd);
    throw err;
  }
  let handle: SandboxHandle | undefined;
  let vdso: SandboxVdso | null | undefined;
  let template = 0;
  const hostTids = new Map<number, number>();
  const threads = new Map<number, ThreadImage>();
  try {
    handle = platform.spawnSandbox();
    const first = handle.stubTid;
    // The sandbox's own host process group, as run makes it (the terminal's signals reach tsvisor only).
    injectorFor(platform, first)(SYS.setpgid, 0, 0);
    if (desc.limits.memory !== null) platform.setHostRlimit(first, RLIMIT_AS, desc.limits.memory, desc.limits.memory);
    // Forked before anything is rebuilt in the first stub, it is as pristine as run's.
    if (opts.execTemplate) template = spawned(platform.spawnTask(first, CLONE_PARENT), 'the process template');
    const live = [...state.processes.values()].filter((p) => p.status === 'running').sort((a, b) => a.pid - b.pid);
    // The clocks go on from the checkpoint's before the vDSO's data page is written with them.
    continueMonotonicFrom(image.kernel.monotonicNs);
    const vdsoLike = live.map((p) => vdsoPlaceOf(p.mm.mappings)).find((place) => place !== undefined);
    vdso = vdsoLike ? SandboxVdso.create(!platform.trapsRdtsc, vdsoLike) : undefined;
    // Every process comes from the first stub while its address space is still the stub's alone.
    const sharedFds = makeSharedObjects(platform, first, image.processes.values(), segments.byShare, mappedFiles);
    const mainHost = new Map<number, number>();
    live.forEach((p, i) => mainHost.set(p.pid, i === 0 ? first : spawned(platform.spawnTask(first, PROCESS_FLAGS), `process ${p.pid}`)));
    for (const p of live) {
      const part = image.processes.get(p.pid)!;
      for (const [tid, hostTid] of rebuildProcess(platform, state, p.pid, mainHost.get(p.pid)!, part, image.pagesPath(p.pid), sharedFds, vdso ?? null)) hostTids.set(tid, hostTid);
      for (const t of part.threads) threads.set(t.tid, t);
    }
  } catch (err) {
    if (handle) platform.destroy(handle);
    vdso?.close();
    for (const fd of [...hostFds.values(), ...heldNodes.values()]) fs.closeSync(fd);
    for (const b of segments.backings.values()) fs.closeSync(b.fd);
    throw err instanceof ImageError ? err : new ImageError(`cannot restore ${image.dir}: ${(err as Error).message}`);
  } finally {
    // The stubs' mappings hold the files now.
    for (const fd of mappedFiles.values()) fs.closeSync(fd);
  }

  const kernel = new Kernel({ platform, root, warn: opts.warn, limits: desc.limits, hostname: desc.hostname, readonlyRoot: desc.readonlyRoot, ...(vdso === undefined ? {} : { vdso }) });
  for (const [fileId, fd] of hostFds) kernel.host.addFile(fileId, fd);
  for (const [identity, fd] of heldNodes) kernel.host.pin(identity, fd);
  for (const [shmid, backing] of segments.backings) kernel.host.addShm(shmid, backing);
  for (const [fileId, content] of image.kernel.synthetic) kernel.host.setContent(fileId, content);
  opts.beforeStart?.(kernel);
  for (const t of state.timerfds.values()) if (t.deadlineNs !== null) armTimerfdWake(kernel, t.id, t.clock, t.deadlineNs);
  const exited = kernel.adoptRestored(handle, state, hostTids, (tid, hostTid) => {
    const t = threads.get(tid)!;
    platform.launch(hostTid, t.regs);
    // Signals that were pending come again (their siginfo is the kernel's now).
    for (const sig of signalsIn(t.pending)) platform.signalThread(hostTid, sig);
    const process = state.processes.get(tid);
    if (!process) return;
    for (const sig of signalsIn(image.processes.get(tid)?.sharedPending ?? 0n)) platform.signalProcess(hostTid, sig);
    if (process.stopSignal !== 0) platform.signalProcess(hostTid, SIGSTOP);
  }, template);
  opts.started?.(kernel);
  return exited;
}
