// `tsvisor checkpoint`, inside the running sandbox's tsvisor: freeze every thread, write the
// image (kernel state, each process's memory and threads), then end the sandbox or let it go on.
import fs from 'node:fs';
import os from 'node:os';

import type { FrozenThread, Kernel } from '../kernel/kernel.js';
import { monotonicNs } from '../kernel/syscalls/time.js';
import { splitPath } from '../kernel/vfs/path_walk.js';
import { VERSION } from '../version.js';
import { imageEncoder } from './cbor_codec.js';
import { hostCpu } from './host_cpu.js';
import { IMAGE_FORMAT, IMAGE_VERSION, KERNEL_PART, pagesPart, processPart, type HostFileRef, type KernelPart, type ProcessPart, type ThreadImage } from './image_format.js';
import { ImageWriter } from './image_writer.js';
import { dumpMemory, programMappings } from './process_memory.js';
import { vdsoPlaceOf } from '../kernel/loader/vdso.js';
import { describeSandbox } from './sandbox_description.js';
import { saveSegments } from './shm_segments.js';
import { sharedPending, threadSignals } from './signal_sets.js';
import { findSyscallInstruction, readSignalStack } from './signal_stack.js';
import { registersToSave } from './thread_registers.js';
import { heldHostNodes } from './held_host_nodes.js';

export interface CheckpointOptions {
  imageDir: string;
  leaveRunning: boolean;
  /** Called as memory is written: bytes so far, seconds since the start. */
  progress?: (bytes: number, seconds: number) => void;
}

export interface CheckpointSummary {
  imageDir: string;
  processes: number;
  threads: number;
  /** Bytes of memory saved, and of the whole image. */
  memoryBytes: number;
  /** Seconds spent reading and writing memory (the copy rate is memoryBytes over this). */
  memorySeconds: number;
  imageBytes: number;
  seconds: number;
}

/** Host files the sandbox has open: restore checks they are still the same files. */
function hostFileRefs(kernel: Kernel): HostFileRef[] {
  const refs: HostFileRef[] = [];
  for (const file of kernel.state.files.values()) {
    if (file.kind !== 'host') continue;
    const fd = kernel.host.fd(file.id);
    if (fd === undefined || fd < 0) continue;
    const st = fs.fstatSync(fd, { bigint: true });
    refs.push({ fileId: file.id, path: file.path, hostPath: kernel.root.hostPathOf(splitPath(file.path)), dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs });
  }
  return refs;
}

export async function checkpoint(kernel: Kernel, command: readonly string[], opts: CheckpointOptions): Promise<CheckpointSummary> {
  const sandbox = describeSandbox(kernel, command);
  // A restored process would run without the seccomp filter it gave itself: refuse, before anything stops.
  const filtered = [...kernel.state.processes.values()].find((p) => p.status === 'running' && p.seccompFiltered);
  if (filtered) throw new Error(`process ${filtered.pid} (${filtered.comm || filtered.exe}) installed a seccomp filter of its own, which a checkpoint cannot carry`);
  const started = Date.now();
  const writer = ImageWriter.create(opts.imageDir);
  let frozen: FrozenThread[];
  try {
    frozen = kernel.freeze();
  } catch (err) {
    writer.abort();
    throw err;
  }
  try {
    // Everything the image needs from the frozen threads is taken before the first write.
    const byTid = new Map(frozen.map((f) => [f.tid, f]));
    const processes: Array<{ part: ProcessPart; hostPid: number }> = [];
    for (const p of kernel.state.processes.values()) {
      if (p.status !== 'running') continue;
      const threads: ThreadImage[] = [];
      let insn: number | null | undefined;
      const syscallInsn = () => (insn === undefined ? (insn = findSyscallInstruction(kernel.platform, p.hostPid)) : insn);
      for (const tid of p.threads) {
        const thread = kernel.state.threads.get(tid);
        const frozenThread = byTid.get(tid);
        if (!thread || !frozenThread) continue;
        const stoppedAs = frozenThread.how;
        const cap = kernel.platform.captureThread(thread.hostTid);
        if (!cap) throw new Error(`thread ${tid} vanished during the checkpoint`);
        const signals = threadSignals(p.hostPid, thread.hostTid);
        // A job-control-stopped process keeps its threads where they are (no signal stack read).
        const stack = p.stopSignal !== 0 ? {} : readSignalStack(kernel.platform, thread.hostTid, cap.regs, stoppedAs === 'parked', stoppedAs === 'trapped', syscallInsn);
        if (stack.relaunch) frozenThread.relaunch = stack.relaunch;
        threads.push({
          tid,
          regs: registersToSave(cap.regs, stoppedAs !== 'interrupted'),
          xstate: Uint8Array.from(cap.xstate),
          rseqAddr: cap.rseqAddr,
          rseqSize: cap.rseqSize,
          rseqSignature: cap.rseqSignature,
          robustHead: cap.robustHead,
          robustLen: cap.robustLen,
          ...(stack.altStack ? { altStack: stack.altStack } : {}),
          // A wait's mask stands in for the caller's on the host only until the call ends (or
          // the handler it ran returns); restored, the call is made again with it.
          sigmask: kernel.waitMasks.saved(tid) ?? signals.blocked,
          pending: signals.pending,
        });
      }
      processes.push({ hostPid: p.hostPid, part: { pid: p.pid, mappings: [], threads, sharedPending: sharedPending(p.hostPid) } });
    }
    const synthetic: Array<[number, Uint8Array]> = [];
    for (const file of kernel.state.files.values()) if (file.kind === 'synthetic') synthetic.push([file.id, kernel.host.content(file.id)]);
    const segments = kernel.state.sysv?.shm.size ? { shm: saveSegments(kernel) } : {};
    const held = heldHostNodes(kernel);
    const kernelPart: KernelPart = {
      state: kernel.state, monotonicNs: monotonicNs(), hostFiles: hostFileRefs(kernel), synthetic, ...segments,
      ...(held.length > 0 ? { heldNodes: held } : {}),
    };
    await writer.writePart(KERNEL_PART, imageEncoder.encode(kernelPart));

    let memoryBytes = 0;
    let lastReport = Date.now();
    const memoryStarted = globalThis.process.hrtime.bigint();
    for (const { hostPid, part } of processes) {
      const pages = await writer.open(pagesPart(part.pid));
      try {
        part.mappings = await dumpMemory(kernel.platform, hostPid, programMappings(hostPid, vdsoPlaceOf(kernel.state.processes.get(part.pid)?.mm.mappings ?? [])), pages, (n) => {
          memoryBytes += n;
          if (opts.progress && Date.now() - lastReport >= 500) {
            lastReport = Date.now();
            opts.progress(memoryBytes, (Date.now() - started) / 1000);
          }
        });
      } finally {
        await pages.close();
      }
      await writer.writePart(processPart(part.pid), imageEncoder.encode(part));
    }
    const memorySeconds = Number(globalThis.process.hrtime.bigint() - memoryStarted) / 1e9;
    await writer.commit({
      format: IMAGE_FORMAT,
      version: IMAGE_VERSION,
      tsvisor: VERSION,
      createdAt: new Date().toISOString(),
      host: { kernel: os.release(), arch: os.arch(), ...hostCpu(), xsaveBytes: processes[0]?.part.threads[0]?.xstate.length ?? 0 },
      sandbox,
    });
    const imageBytes = writer.totalBytes();
    if (opts.leaveRunning) kernel.thaw(frozen);
    else kernel.endCheckpointed(opts.imageDir);
    return {
      imageDir: opts.imageDir,
      processes: processes.length,
      threads: frozen.length,
      memoryBytes,
      memorySeconds,
      imageBytes,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (err) {
    writer.abort();
    kernel.thaw(frozen);
    throw err;
  }
}
