// execve for the sandbox: find and check the executable inside the sandbox root (scripts
// through their `#!` interpreter, dynamic programs with their PT_INTERP), then build the new
// image inside a freshly exec'd stub by injected syscalls. The host never execs the program.
import fs from 'node:fs';

import { hostFileArg } from '../../platform/host_file_path.js';
import { Errno } from '../errno.js';
import type { Platform } from '../../platform/platform.js';
import type { Credentials, FileIdentity, Mapping, OverlayState } from '../state.js';
import { SYS } from '../syscalls/numbers.js';
import type { HostRoot, WalkOptions } from '../vfs/path_walk.js';
import type { VNode } from '../vfs/vnode.js';
import { S_ISGID, S_ISUID } from '../vfs/file_stat.js';
import { SANDBOX_ROOT } from '../vfs/process_root.js';
import { readChunks } from '../vfs/file_bytes.js';
import { ExecFormatError, parseElf, PROT_READ, PROT_WRITE, type ElfImage } from './elf.js';
import { interpreterBias, mainProgramBias, MMAP_BASE, pageDown, pageUp, planLoad, type LoadPlan, type SegmentPlan } from './load_plan.js';
import { parseShebang } from './shebang.js';
import {
  AT_BASE, AT_CLKTCK, AT_EGID, AT_ENTRY, AT_EUID, AT_FLAGS, AT_GID, AT_HWCAP, AT_HWCAP2, AT_MINSIGSTKSZ,
  AT_PAGESZ, AT_PHDR, AT_PHENT, AT_PHNUM, AT_RSEQ_ALIGN, AT_RSEQ_FEATURE_SIZE, AT_SECURE, AT_SYSINFO_EHDR, AT_UID,
  buildInitialStack, STACK_TOP,
} from './stack.js';
import { STUB_BASE, STUB_END } from './host_mappings.js';
import { fileKeyOf, hostFileKey } from '../host_file_key.js';
import { cachedHead, rememberHead } from './exec_head_cache.js';
import { showArgsCall } from './host_cmdline.js';
import { LIST_BYTES, StubCalls, type QueuedCall } from './stub_calls.js';
import type { SandboxVdso } from './vdso.js';

/** Room below the initial stack (16-byte aligned) for the struct of showArgsCall's prctl. */
const MM_SCRATCH = 128;
/** Where the stub's list of calls goes: above the fd transfer's scratch, at the stack's bottom. */
const LIST_AT = 2 * 4096;

const MAP_PRIVATE = 0x2;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
/** Linux's limit on nested `#!` interpreters. */
const MAX_INTERPRETER_DEPTH = 4;
/** The stack the host gives the stub: [STACK_TOP - 132 KiB, STACK_TOP). */
const HOST_STACK_SIZE = 132 * 1024;

export interface ElfFile {
  /** Canonical sandbox path. */
  path: string;
  /** The whole file, or (a host file) its first bytes: enough for its headers. */
  bytes: Uint8Array;
  image: ElfImage;
  /** A host file, mapped from the file itself at load time. */
  host?: HostExecutable;
  /** Its mode and owner, for set-user-ID and set-group-ID (task/exec_credentials.ts). */
  owner?: FileOwner;
  /** Its device and inode as stat shows them in the sandbox, for /proc/PID/maps. */
  identity?: FileIdentity;
}

export interface FileOwner {
  mode: number;
  uid: number;
  gid: number;
}

/** A host file to exec: where it is and what it was when its headers were read. */
export interface HostExecutable {
  hostPath: string;
  key: string;
  size: number;
}

/** How much of a host executable is read to check it: its ELF headers, or its `#!` line. */
const HEAD_BYTES = 64 * 1024;

export interface PreparedExec {
  /** The program that will run (/proc/self/exe): the ELF, not a script. */
  exe: ElfFile;
  interp?: ElfFile;
  argv: string[];
  envp: string[];
  /** envp's strings as the bytes they stand for, when at hand (read from the caller): the new stack takes them as they are. */
  envpBytes?: readonly Uint8Array[];
  /** The filename as given to execve (AT_EXECFN). */
  execfn: string;
}

export class ExecError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

/**
 * Resolves and checks everything execve needs before the old image is given up. upper: the
 * overlay's upper layer the program sees (absent: the host root alone); chroot: the
 * caller's root directory, where the program, its #! interpreter and its ELF interpreter
 * (PT_INTERP) are looked up; found: filename as the caller resolved it from cwd (a host or
 * overlay file), if it did; envpBytes: the bytes envp's strings stand for, if at hand.
 */
export function prepareExec(
  root: HostRoot,
  cwd: string,
  filename: string,
  argv: string[],
  envp: string[],
  upper?: OverlayState,
  chroot = SANDBOX_ROOT,
  found?: VNode,
  envpBytes?: readonly Uint8Array[],
): PreparedExec {
  let file = filename;
  let args = argv.length > 0 ? [...argv] : [''];
  const walk: ExecWalk = { followFinal: true, ...(upper ? { upper } : {}), ...(chroot === SANDBOX_ROOT ? {} : { root: chroot }) };
  for (let depth = 0; ; depth++) {
    // The caller's own walk to filename, when it made one, is not made again.
    const read = depth === 0 && found ? readResolved(root, found, file) : readExecutable(root, cwd, file, walk);
    const { path, bytes } = read;
    const shebang = bytes[0] === 0x23 && bytes[1] === 0x21 ? parseScript(bytes, path) : null;
    if (!shebang) {
      const exe = elfFile(read, 'program');
      const interp = exe.image.interp === undefined ? undefined : loadInterpreter(root, chroot, exe.image.interp, walk);
      return { exe, ...(interp ? { interp } : {}), argv: args, envp, ...(envpBytes ? { envpBytes } : {}), execfn: filename };
    }
    if (depth >= MAX_INTERPRETER_DEPTH) throw new ExecError(Errno.ELOOP, `${filename}: too many levels of #! interpreters`);
    // argv becomes: interpreter [arg] script-path original-argv[1..]
    args = [shebang.interpreter, ...(shebang.arg === undefined ? [] : [shebang.arg]), file, ...args.slice(1)];
    file = shebang.interpreter;
  }
}

function parseScript(bytes: Uint8Array, path: string): { interpreter: string; arg?: string } | null {
  try {
    return parseShebang(bytes);
  } catch (err) {
    throw new ExecError(Errno.ENOEXEC, `${path}: ${(err as Error).message}`);
  }
}

function parseElfOrThrow(bytes: Uint8Array, path: string, role: 'program' | 'interpreter', fileSize = bytes.length): ElfImage {
  try {
    return parseElf(bytes, role, fileSize);
  } catch (err) {
    if (err instanceof ExecFormatError) throw new ExecError(Errno[err.errno], `${path}: ${err.message}`);
    throw err;
  }
}

/**
 * Parses a read executable. Headers past the first bytes of a host file are rare: the
 * whole file is read then (a defect is then reported from the whole file).
 */
function elfFile(read: ReadExecutable, role: 'program' | 'interpreter'): ElfFile {
  const { path, bytes, host, head, owner, identity } = read;
  if (head?.image && host) return { path, bytes, image: head.image, host, owner, identity };
  if (!host || bytes.length === host.size) {
    const image = parseElfOrThrow(bytes, path, role);
    if (head) head.image = image;
    return { path, bytes, image, owner, identity, ...(host ? { host } : {}) };
  }
  try {
    const image = parseElf(bytes, role, host.size);
    if (head) head.image = image;
    return { path, bytes, image, host, owner, identity };
  } catch {
    const whole = readHostFile(host, path, host.size);
    return { path, bytes: whole, image: parseElfOrThrow(whole, path, role), host, owner, identity };
  }
}

/** How exec looks files up: following symlinks, in the overlay the program sees, from its root. */
type ExecWalk = Pick<WalkOptions, 'followFinal' | 'upper' | 'root'>;

interface ReadExecutable {
  path: string;
  bytes: Uint8Array;
  owner: FileOwner;
  identity: FileIdentity;
  host?: HostExecutable;
  /** Where a host file's parsed headers are kept for its next exec. */
  head?: { image?: ElfImage };
}

/** The host file as it was checked, or an ExecError if it is not that file any more. */
function openHostExecutable(host: HostExecutable, path: string): number {
  let fd: number;
  try {
    fd = fs.openSync(hostFileArg(host.hostPath), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    throw new ExecError(Errno.EACCES, `${path}: cannot be read`);
  }
  if (hostFileKey(fd) !== host.key) {
    fs.closeSync(fd);
    throw new ExecError(Errno.ETXTBSY, `${path}: changed on the host while being executed`);
  }
  return fd;
}

/** The first `length` bytes of a host executable. */
function readHostFile(host: HostExecutable, path: string, length: number): Uint8Array {
  const fd = openHostExecutable(host, path);
  try {
    return readAt(fd, 0, length);
  } finally {
    fs.closeSync(fd);
  }
}

function readAt(fd: number, offset: number, length: number): Uint8Array {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/** The executable's bytes (a host file's first ones), from the overlay's upper layer or the host root below it. */
function readExecutable(root: HostRoot, cwd: string, file: string, walk: ExecWalk): ReadExecutable {
  const r = root.resolve(cwd, file, walk);
  if (typeof r === 'number') throw new ExecError(-r, `${file}: ${r === -Errno.ENOENT ? 'not found' : 'cannot resolve'}`);
  return readResolved(root, r, file);
}

/** readExecutable of a file already found. */
function readResolved(root: HostRoot, r: VNode, file: string): ReadExecutable {
  if (!r.stat.isFile() || (r.fs !== 'host' && r.fs !== 'overlay')) throw new ExecError(Errno.EACCES, `${file}: not a regular file`);
  if ((Number(r.stat.mode) & 0o111) === 0) throw new ExecError(Errno.EACCES, `${file}: permission denied`);
  // A tmpfs mounted noexec runs nothing (the program, its #! interpreter, its ELF interpreter);
  // one mounted nosuid grants nothing through set-ID bits.
  const mount = root.tmpfsAt(r.path)?.options;
  if (mount?.noexec) throw new ExecError(Errno.EACCES, `${file}: on a noexec mount`);
  const mode = Number(r.stat.mode) & (mount?.nosuid ? ~(S_ISUID | S_ISGID) : ~0);
  const owner = { mode, uid: Number(r.stat.uid), gid: Number(r.stat.gid) };
  const identity = { dev: BigInt(r.stat.dev), ino: BigInt(r.stat.ino) };
  if (r.fs === 'overlay') {
    if (r.node.kind !== 'file') throw new ExecError(Errno.EACCES, `${file}: not a regular file`);
    return { path: r.path, bytes: readChunks(r.node.chunks, 0, r.node.size), owner, identity };
  }
  // The walk's lstat of the file gives its identity: a file seen before is not read again.
  const seen = fileKeyOf(r.stat);
  const hit = cachedHead(seen);
  if (hit) return { path: r.path, bytes: hit.bytes, owner, identity, host: { hostPath: r.hostPath, key: seen, size: Number(r.stat.size) }, head: hit };
  try {
    const fd = fs.openSync(hostFileArg(r.hostPath), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const size = fs.fstatSync(fd).size;
      const host = { hostPath: r.hostPath, key: hostFileKey(fd), size };
      const bytes = readAt(fd, 0, Math.min(size, HEAD_BYTES));
      return { path: r.path, bytes, owner, identity, host, head: rememberHead(host.key, bytes) };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    throw new ExecError(Errno.EACCES, `${file}: cannot be read`);
  }
}

/** The ELF interpreter, looked up in the process's root (`base`: where a relative PT_INTERP starts). */
function loadInterpreter(root: HostRoot, base: string, interpPath: string, walk: ExecWalk): ElfFile {
  const r = root.resolve(base, interpPath, walk);
  if (typeof r === 'number' || !r.stat.isFile()) {
    throw new ExecError(Errno.ENOENT, `${interpPath}: interpreter not found`);
  }
  return elfFile(readResolved(root, r, interpPath), 'interpreter');
}

/** Values of the host's own auxiliary vector that describe the CPU, passed on unchanged. */
export interface HostAux {
  hwcap: number;
  hwcap2: number;
  minsigstksz: number;
  rseqFeatureSize: number;
  rseqAlign: number;
}

export function readHostAux(): HostAux {
  const aux: HostAux = { hwcap: 0, hwcap2: 0, minsigstksz: 0, rseqFeatureSize: 0, rseqAlign: 0 };
  let raw: Buffer;
  try {
    raw = fs.readFileSync('/proc/self/auxv');
  } catch {
    return aux;
  }
  for (let at = 0; at + 16 <= raw.length; at += 16) {
    const type = Number(raw.readBigUInt64LE(at));
    const value = Number(raw.readBigUInt64LE(at + 8));
    if (type === AT_HWCAP) aux.hwcap = value;
    else if (type === AT_HWCAP2) aux.hwcap2 = value;
    else if (type === AT_MINSIGSTKSZ) aux.minsigstksz = value;
    else if (type === AT_RSEQ_FEATURE_SIZE) aux.rseqFeatureSize = value;
    else if (type === AT_RSEQ_ALIGN) aux.rseqAlign = value;
  }
  return aux;
}

export interface LoadedImage {
  entry: number;
  sp: number;
  brkStart: number;
  mappings: Mapping[];
  /** The auxiliary vector written on the stack, flattened to type/value pairs, AT_NULL last. */
  auxv: number[];
}

/**
 * Builds the program image in a stub stopped at its first syscall: clears the stub's own
 * mappings (keeping only its stack), maps every segment, writes the initial stack.
 * Throws ExecError if the stub refuses a mapping (the process is then beyond rescue).
 */
export function loadImage(
  platform: Platform,
  hostTid: number,
  prepared: PreparedExec,
  creds: Credentials,
  hostAux: HostAux,
  random: Uint8Array,
  vdso: SandboxVdso | null = null,
): LoadedImage {
  const inject = (nr: number, ...args: number[]): number => {
    const r = platform.inject(hostTid, nr, ...args);
    if (r === null) throw new ExecError(Errno.ESRCH, 'the process died while loading');
    if (r < 0 && r > -4096) throw new ExecError(-r, `loading ${prepared.exe.path}: injected syscall ${nr} failed (${-r})`);
    return r;
  };
  const hostStackBottom = STACK_TOP - HOST_STACK_SIZE;
  const calls = new StubCalls(platform, hostTid, hostStackBottom + LIST_AT, (errno, message) => new ExecError(errno, `loading ${prepared.exe.path}: ${message}`));
  const mainPlan = planLoad(prepared.exe.image, mainProgramBias(prepared.exe.image));
  const interpPlan = prepared.interp ? planLoad(prepared.interp.image, interpreterBias(prepared.interp.image)) : undefined;

  // The vDSO below the images Linux maps from the top down (the interpreter; a static PIE), as it does.
  const vdsoFd = vdso ? platform.passHostFile(hostTid, hostTid, vdso, TRANSFER_SCRATCH) : -1;
  const topDown = [interpPlan, prepared.exe.image.type === 'exec' || prepared.exe.image.interp !== undefined ? undefined : mainPlan];
  const vdsoPlace = vdso && vdsoFd >= 0 ? vdso.placeBelow(Math.min(MMAP_BASE, ...topDown.map((plan) => plan?.lowestAddr ?? MMAP_BASE))) : undefined;

  const auxv: Array<[number, number]> = [];
  if (vdsoPlace) auxv.push([AT_SYSINFO_EHDR, vdsoPlace.vdso]);
  if (hostAux.minsigstksz) auxv.push([AT_MINSIGSTKSZ, hostAux.minsigstksz]);
  auxv.push(
    [AT_HWCAP, hostAux.hwcap],
    [AT_PAGESZ, 4096],
    [AT_CLKTCK, 100],
    [AT_PHDR, mainPlan.phdrAddr],
    [AT_PHENT, 56],
    [AT_PHNUM, prepared.exe.image.phnum],
    [AT_BASE, interpPlan ? interpPlan.bias : 0],
    [AT_FLAGS, 0],
    [AT_ENTRY, mainPlan.entry],
    [AT_UID, creds.uid],
    [AT_EUID, creds.euid],
    [AT_GID, creds.gid],
    [AT_EGID, creds.egid],
    // A set-user-ID or set-group-ID exec: the dynamic linker ignores LD_* and the like.
    [AT_SECURE, creds.euid !== creds.uid || creds.egid !== creds.gid ? 1 : 0],
    [AT_HWCAP2, hostAux.hwcap2],
  );
  if (hostAux.rseqFeatureSize) auxv.push([AT_RSEQ_FEATURE_SIZE, hostAux.rseqFeatureSize], [AT_RSEQ_ALIGN, hostAux.rseqAlign]);
  const stack = buildInitialStack({
    stackTop: STACK_TOP,
    argv: prepared.argv,
    envp: prepared.envpBytes ?? prepared.envp,
    execfn: prepared.execfn,
    platform: 'x86_64',
    random,
    auxv,
  });
  const writeStack = (): void => {
    if (!platform.write(hostTid, stack.base, stack.bytes)) throw new ExecError(Errno.EFAULT, 'cannot write the initial stack');
  };
  // Large argv/envp: the stack mapping grows down before the stack is written.
  const grow = stack.base < hostStackBottom + 4096;
  // The usual case: the stack (and the prctl's struct below it) lie above the list, and are
  // written first, so that one list makes every call.
  const early = !grow && stack.base - MM_SCRATCH >= hostStackBottom + LIST_AT + LIST_BYTES;
  if (early) writeStack();

  // The host's vDSO goes first (ld.so's place overlaps where a fresh stub has it; vdso.ts puts
  // it back out of the way, when the sandbox's vDSO is mapped); the stub's own image goes last,
  // as the calls run from its code. Every stub is the stub binary freshly exec'd (or a fork of
  // one), without address randomization: its image at STUB_BASE, its stack at the top, the
  // host's vDSO and vvar below the stack or at HOST_VDSO_AT, [vsyscall] above the user range.
  // Everything but the image and the stack goes by address, without reading /proc/PID/maps.
  calls.add({ call: [SYS.munmap, STUB_END, hostStackBottom - STUB_END] });
  calls.add({ call: [SYS.munmap, 0, STUB_BASE] });
  const load: Loading = { platform, hostTid, inject, calls, mappings: [] };
  if (vdso && vdsoPlace) {
    vdso.mapCalls(vdsoPlace, vdsoFd).forEach((call) => calls.add(call));
    load.mappings.push(...vdso.mappings(vdsoPlace));
  }
  const opened: OpenedOnDemand[] = [];
  try {
    mapPlan(load, mainPlan, prepared.exe, opened);
    if (prepared.interp && interpPlan) mapPlan(load, interpPlan, prepared.interp, opened);
    if (grow) {
      const bottom = pageDown(stack.base) - 64 * 1024;
      calls.add({ call: [SYS.mmap, bottom, hostStackBottom - bottom, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0] });
    }
    // The prctl goes before the stub's image (the call runs from its code); its struct, below the stack.
    if (early) {
      const showArgs = showArgsCall(platform, hostTid, stack, stack.base - MM_SCRATCH);
      if (showArgs) calls.add({ call: showArgs, recover: () => true });
      calls.run();
    } else {
      // The stack reaches down over the list's place: the list first, then the stack, then the
      // prctl alone.
      calls.run();
      writeStack();
      const showArgs = showArgsCall(platform, hostTid, stack, stack.base - MM_SCRATCH);
      if (showArgs) platform.inject(hostTid, showArgs[0]!, ...showArgs.slice(1));
    }
  } finally {
    for (const file of opened) file.close();
  }

  inject(SYS.munmap, STUB_BASE, STUB_END - STUB_BASE);
  const entry = interpPlan ? interpPlan.entry : mainPlan.entry;
  return { entry, sp: stack.sp, brkStart: mainPlan.brkStart, mappings: load.mappings, auxv: stack.auxv.flat() };
}

/** What mapping an image's segments works with: the stub, its calls, the mappings made. */
interface Loading {
  platform: Platform;
  hostTid: number;
  /** One call now (throws an ExecError for a failure). */
  inject: (nr: number, ...args: number[]) => number;
  /** Calls queued for the stub's list. */
  calls: StubCalls;
  mappings: Mapping[];
}

/**
 * Maps an image's segments. A host file's are mapped from the file itself (processes share
 * the host's page cache): the stub is handed the file (unless it holds it already, inherited
 * from its parent or kept across exec) and its mmaps go in the list. If it cannot take one more
 * fd, they are mapped one by one (the fd closed after); if the host refuses (a noexec mount, a
 * filesystem without mmap), or for an overlay file, they are anonymous memory filled with the
 * file's bytes.
 */
function mapPlan(load: Loading, plan: LoadPlan, file: ElfFile, opened: OpenedOnDemand[]): void {
  const hostFile = file.host ? new OpenedOnDemand(file.host, file.path) : undefined;
  if (hostFile) opened.push(hostFile);
  const stubFd = hostFile ? load.platform.passHostFile(load.hostTid, load.hostTid, hostFile, TRANSFER_SCRATCH) : -1;
  if (hostFile && stubFd >= 0) {
    queueSegments(load, plan, file, hostFile, stubFd);
    return;
  }
  // One by one, after what is queued.
  load.calls.run();
  mapSegments(load, plan, file, hostFile);
}

/**
 * A host executable, opened (and checked to be the file its headers were read from) only when
 * its fd is needed: not when the stub already holds the file from an earlier mapping, which it
 * inherited from its parent or kept across exec (the same key: the same file, unchanged).
 */
class OpenedOnDemand {
  private opened: number | undefined;
  constructor(
    private readonly host: HostExecutable,
    private readonly path: string,
  ) {}

  get key(): string {
    return this.host.key;
  }

  get fd(): number {
    this.opened ??= openHostExecutable(this.host, this.path);
    return this.opened;
  }

  close(): void {
    if (this.opened !== undefined) fs.closeSync(this.opened);
    this.opened = undefined;
  }
}

const FIXED_ANON = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
/** Free stack below the stub's own frames, for the fd transfer's recvmsg (128 bytes). */
const TRANSFER_SCRATCH = STACK_TOP - HOST_STACK_SIZE + 4096;

/**
 * The segments of a file the stub holds at stubFd, as calls of the list. Segments whose file
 * parts follow each other in memory as they do in the file (the usual layout: headers, text and
 * read-only data, often the data too) are one mmap, with an mprotect for each segment whose
 * protection differs: the mmap is trapped (a stop), the mprotects are not.
 */
function queueSegments(load: Loading, plan: LoadPlan, file: ElfFile, hostFile: OpenedOnDemand, stubFd: number): void {
  const { calls, mappings } = load;
  const segments = plan.segments;
  for (let i = 0; i < segments.length; ) {
    let j = i + 1;
    while (j < segments.length && followsInFile(segments[j - 1]!, segments[j]!)) j++;
    const run = segments.slice(i, j);
    i = j;
    const parts = run.filter((seg) => seg.file !== undefined);
    if (parts.length > 0) {
      const records = parts.map((seg) => {
        const mapping = fileMapping(seg.file!, file, true);
        mappings.push(mapping);
        return mapping;
      });
      // The host will not map the file (a noexec mount, a filesystem without mmap): its bytes are copied instead.
      const copyRun = (errno: number): boolean => {
        if (!HOST_REFUSES.has(errno)) return false;
        for (const seg of parts) copySegment(load, seg.file!, seg.zero, file, hostFile);
        for (const mapping of records) delete mapping.hostMapped;
        return true;
      };
      const first = parts[0]!.file!;
      const last = parts[parts.length - 1]!.file!;
      const runCalls: QueuedCall[] = [{ call: [SYS.mmap, first.addr, last.addr + last.length - first.addr, first.prot, MAP_PRIVATE | MAP_FIXED, stubFd, first.fileOffset], recover: copyRun }];
      for (const seg of parts.slice(1)) {
        if (seg.file!.prot !== first.prot) runCalls.push({ call: [SYS.mprotect, seg.file!.addr, seg.file!.length, seg.file!.prot], recover: copyRun });
      }
      const zeros = parts.flatMap((seg) => (seg.zero ? [seg.zero] : []));
      if (zeros.length > 0) runCalls[runCalls.length - 1]!.then = () => zeros.forEach((zero) => clearTail(load, zero, file));
      runCalls.forEach((call) => calls.add(call));
      // A later segment sharing the cleared page replaces it (as a later MAP_FIXED does): the
      // page is cleared before, not after.
      if (zeros.some((zero) => segments.slice(i).some((seg) => startsBelow(seg, zero.end)))) calls.run();
    }
    for (const seg of run) {
      if (!seg.anon) continue;
      const { addr, length, prot } = seg.anon;
      calls.add({ call: [SYS.mmap, addr, length, prot, FIXED_ANON, -1, 0] });
      mappings.push(anonMapping(seg.anon));
    }
  }
}

/** The kernel's record of a segment's file part (hostMapped: the host maps the file itself, not a copy). */
function fileMapping(part: { addr: number; length: number; fileOffset: number; prot: number }, file: ElfFile, hostMapped: boolean): Mapping {
  const { addr, length, fileOffset, prot } = part;
  return { start: addr, end: addr + length, prot, flags: MAP_PRIVATE, path: file.path, offset: fileOffset, ...file.identity, ...(hostMapped ? { hostMapped: true } : {}) };
}

/** The kernel's record of a segment's zero-filled part (.bss past the file's last page). */
function anonMapping(anon: { addr: number; length: number; prot: number }): Mapping {
  return { start: anon.addr, end: anon.addr + pageUp(anon.length), prot: anon.prot, flags: MAP_PRIVATE | MAP_ANONYMOUS };
}

/** Whether a segment maps anything below end. */
function startsBelow(seg: SegmentPlan, end: number): boolean {
  const start = seg.file?.addr ?? seg.anon?.addr;
  return start !== undefined && start < end;
}

/** Whether next's file part starts where prev's ends, at the file offset that follows prev's (prev has no .bss between). */
function followsInFile(prev: SegmentPlan, next: SegmentPlan): boolean {
  const a = prev.file;
  const b = next.file;
  return a !== undefined && b !== undefined && prev.anon === undefined && a.addr + a.length === b.addr && b.fileOffset - a.fileOffset === b.addr - a.addr;
}

/** What the host answers when it will not map a file (EACCES: mprotect to PROT_EXEC on a noexec mount): its bytes are copied instead. */
const HOST_REFUSES: ReadonlySet<number> = new Set([Errno.EMFILE, Errno.ENOSYS, Errno.EPERM, Errno.ENODEV, Errno.EACCES]);

/** A file segment as anonymous memory filled with the file's bytes. */
function copySegment(
  load: Loading,
  part: { addr: number; length: number; fileOffset: number; prot: number },
  zero: { start: number; end: number } | undefined,
  file: ElfFile,
  hostFile: OpenedOnDemand | undefined,
): void {
  const { platform, hostTid, inject } = load;
  const { addr, length, fileOffset, prot } = part;
  inject(SYS.mmap, addr, length, PROT_READ | PROT_WRITE, FIXED_ANON, -1, 0);
  const keep = zero ? Math.max(0, zero.start - addr) : length;
  const contents = segmentBytes(file, hostFile, fileOffset, Math.min(length, keep));
  if (!platform.write(hostTid, addr, contents)) throw new ExecError(Errno.EFAULT, `cannot fill ${file.path}`);
  if (prot !== (PROT_READ | PROT_WRITE)) inject(SYS.mprotect, addr, length, prot);
}

/** The tail of the last file page past p_filesz reads as zero (the segment is writable). */
function clearTail(load: Loading, zero: { start: number; end: number }, file: ElfFile): void {
  if (!load.platform.write(load.hostTid, zero.start, new Uint8Array(zero.end - zero.start))) throw new ExecError(Errno.EFAULT, `cannot clear the end of ${file.path}`);
}

/** The segments one by one: a host file's mapped through mapHostFile, else copied. */
function mapSegments(load: Loading, plan: LoadPlan, file: ElfFile, hostFile: OpenedOnDemand | undefined): void {
  const { platform, hostTid, inject, mappings } = load;
  let shareable = hostFile !== undefined;
  for (const seg of plan.segments) {
    if (seg.file) {
      const { addr, length, fileOffset, prot } = seg.file;
      let mapped = false;
      if (shareable && hostFile) {
        const r = platform.mapHostFile(hostTid, hostTid, hostFile, TRANSFER_SCRATCH, [addr, length, prot, MAP_PRIVATE | MAP_FIXED, fileOffset]);
        if (HOST_REFUSES.has(-r)) shareable = false;
        else if (r < 0 && r > -4096) throw new ExecError(-r, `loading ${file.path}: mapping it failed (${-r})`);
        else mapped = true;
      }
      if (!mapped) copySegment(load, seg.file, seg.zero, file, hostFile);
      else if (seg.zero) clearTail(load, seg.zero, file);
      mappings.push(fileMapping(seg.file, file, mapped));
    }
    if (seg.anon) {
      const { addr, length, prot } = seg.anon;
      inject(SYS.mmap, addr, length, prot, FIXED_ANON, -1, 0);
      mappings.push(anonMapping(seg.anon));
    }
  }
}

/** Bytes [offset, offset + length) of the file, fewer at its end. */
function segmentBytes(file: ElfFile, hostFile: OpenedOnDemand | undefined, offset: number, length: number): Uint8Array {
  if (hostFile === undefined || file.bytes.length >= offset + length) return file.bytes.subarray(offset, offset + length);
  return readAt(hostFile.fd, offset, length);
}
