/**
 * ELF64 parsing for the loader: validates an x86-64 executable or shared object image the
 * way Linux's binfmt_elf does and extracts what loading needs. Pure: bytes in, data out.
 */

import { decodeBytes } from '../../byte_string.js';

/** The errors execve can report for a bad image (the loader maps them to errnos). */
export type ExecErrno = 'ENOEXEC' | 'EINVAL' | 'ELIBBAD' | 'EACCES';

export class ExecFormatError extends Error {
  constructor(
    readonly errno: ExecErrno,
    message: string,
  ) {
    super(message);
    this.name = 'ExecFormatError';
  }
}

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export const PAGE_SIZE = 4096;

/** End of the x86-64 user address space with 4-level paging (Linux's TASK_SIZE_MAX). */
export const TASK_SIZE = 0x7ffffffff000;

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_X86_64 = 62;

export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_GNU_STACK = 0x6474e551;

const PF_X = 1;
const PF_W = 2;
const PF_R = 4;

const ELF_HEADER_SIZE = 64;
const PHDR_SIZE = 56;
const PATH_MAX = 4096;
/** binfmt_elf refuses program header tables larger than this. */
const MAX_PHDR_TABLE = 65536;

export interface LoadSegment {
  vaddr: number;
  memsz: number;
  filesz: number;
  offset: number;
  /** PROT_READ | PROT_WRITE | PROT_EXEC bits, from p_flags. */
  prot: number;
  align: number;
}

export interface ElfImage {
  type: 'exec' | 'dyn';
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  /** The PT_LOAD segments, in program header order. */
  segments: LoadSegment[];
  /** The PT_INTERP path (ld.so), for dynamically linked programs. */
  interp?: string;
  /** Unbiased address of the program headers in memory, when they are loaded. */
  phdrVaddr?: number;
  /** PT_GNU_STACK asks for an executable stack. */
  execStack: boolean;
}

/** Whether the image is the main program or the PT_INTERP of one: errors in an interpreter are ELIBBAD, as in Linux. */
export type ElfRole = 'program' | 'interpreter';

const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [2, 'sparc'],
  [3, 'i386'],
  [8, 'mips'],
  [20, 'powerpc'],
  [21, 'powerpc64'],
  [22, 's390'],
  [40, 'arm'],
  [42, 'superh'],
  [43, 'sparc64'],
  [50, 'ia64'],
  [62, 'x86-64'],
  [183, 'aarch64'],
  [243, 'riscv'],
  [247, 'bpf'],
  [258, 'loongarch'],
]);

function machineName(machine: number): string {
  return MACHINE_NAMES.get(machine) ?? `machine ${machine}`;
}

function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/**
 * Parses and validates an ELF64 little-endian x86-64 executable (ET_EXEC or ET_DYN).
 * bytes may be the file's first fileSize bytes only: its headers must lie there.
 */
export function parseElf(bytes: Uint8Array, role: ElfRole = 'program', fileSize = bytes.length): ElfImage {
  try {
    return parse(bytes, fileSize);
  } catch (err) {
    // A broken interpreter is reported as a bad shared library, whatever the defect.
    if (role === 'interpreter' && err instanceof ExecFormatError && err.errno !== 'ELIBBAD') {
      throw new ExecFormatError('ELIBBAD', `interpreter: ${err.message}`);
    }
    throw err;
  }
}

function parse(bytes: Uint8Array, fileSize: number): ElfImage {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ExecFormatError('ENOEXEC', 'not an ELF file');
  }
  if (bytes.length < ELF_HEADER_SIZE) {
    throw new ExecFormatError('ENOEXEC', `truncated ELF: ${bytes.length} bytes, shorter than the ELF header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkIdent(bytes, view);

  const type = view.getUint16(16, true);
  if (type !== ET_EXEC && type !== ET_DYN) {
    throw new ExecFormatError('ENOEXEC', `ELF type ${describeType(type)} is not an executable`);
  }

  const entry = toNumber(view.getBigUint64(24, true), 'EINVAL', 'e_entry');
  const phoff = toNumber(view.getBigUint64(32, true), 'ENOEXEC', 'e_phoff');
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phentsize !== PHDR_SIZE) {
    throw new ExecFormatError('ENOEXEC', `program header entry size ${phentsize}, expected ${PHDR_SIZE}`);
  }
  if (phnum === 0 || phnum * PHDR_SIZE > MAX_PHDR_TABLE) {
    throw new ExecFormatError('ENOEXEC', `bad program header count ${phnum}`);
  }
  const phend = phoff + phnum * PHDR_SIZE;
  if (phend > bytes.length) {
    throw new ExecFormatError(
      'ENOEXEC',
      `truncated ELF: program headers end at ${hex(phend)}, file has ${hex(bytes.length)} bytes`,
    );
  }

  const segments: LoadSegment[] = [];
  let interp: string | undefined;
  let ptPhdrVaddr: number | undefined;
  let loadedPhdrVaddr: number | undefined;
  let execStack = false;

  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE;
    const pType = view.getUint32(at, true);
    const pFlags = view.getUint32(at + 4, true);
    const raw = {
      offset: view.getBigUint64(at + 8, true),
      vaddr: view.getBigUint64(at + 16, true),
      filesz: view.getBigUint64(at + 32, true),
      memsz: view.getBigUint64(at + 40, true),
      align: view.getBigUint64(at + 48, true),
    };
    switch (pType) {
      case PT_LOAD: {
        const segment = checkLoadSegment(i, pFlags, raw, fileSize);
        segments.push(segment);
        // Linux derives AT_PHDR from the PT_LOAD whose file range holds e_phoff (the last one wins).
        if (segment.offset <= phoff && phoff < segment.offset + segment.filesz) {
          loadedPhdrVaddr = phoff - segment.offset + segment.vaddr;
        }
        break;
      }
      case PT_INTERP:
        // Like Linux, only the first PT_INTERP counts.
        interp ??= readInterp(bytes, raw.offset, raw.filesz);
        break;
      case PT_PHDR:
        ptPhdrVaddr = toNumber(raw.vaddr, 'EINVAL', 'PT_PHDR p_vaddr');
        break;
      case PT_GNU_STACK:
        execStack = (pFlags & PF_X) !== 0;
        break;
    }
  }

  if (segments.length === 0) {
    throw new ExecFormatError('EINVAL', 'no PT_LOAD segments');
  }

  const image: ElfImage = {
    type: type === ET_EXEC ? 'exec' : 'dyn',
    entry,
    phoff,
    phentsize,
    phnum,
    segments,
    execStack,
  };
  if (interp !== undefined) image.interp = interp;
  const phdrVaddr = loadedPhdrVaddr ?? ptPhdrVaddr;
  if (phdrVaddr !== undefined) image.phdrVaddr = phdrVaddr;
  return image;
}

function checkIdent(bytes: Uint8Array, view: DataView): void {
  const elfClass = bytes[4];
  const data = bytes[5];
  if (data !== 1 && data !== 2) {
    throw new ExecFormatError('ENOEXEC', `invalid ELF data encoding ${data}`);
  }
  const machine = view.getUint16(18, data === 1);
  if (elfClass === 1) {
    throw new ExecFormatError('ENOEXEC', `32-bit ELF for ${machineName(machine)}, not x86-64`);
  }
  if (elfClass !== 2) {
    throw new ExecFormatError('ENOEXEC', `invalid ELF class ${elfClass}`);
  }
  if (data === 2) {
    throw new ExecFormatError('ENOEXEC', `big-endian ELF for ${machineName(machine)}, not x86-64`);
  }
  if (machine !== EM_X86_64) {
    throw new ExecFormatError('ENOEXEC', `ELF for ${machineName(machine)}, not x86-64`);
  }
}

function describeType(type: number): string {
  switch (type) {
    case 0:
      return 'ET_NONE';
    case 1:
      return 'ET_REL (relocatable object)';
    case 4:
      return 'ET_CORE (core dump)';
    default:
      return hex(type);
  }
}

interface RawSegment {
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

function checkLoadSegment(index: number, flags: number, raw: RawSegment, fileSize: number): LoadSegment {
  const what = `PT_LOAD segment ${index}`;
  if (raw.filesz > raw.memsz) {
    throw new ExecFormatError('EINVAL', `${what}: p_filesz ${hex(raw.filesz)} exceeds p_memsz ${hex(raw.memsz)}`);
  }
  // binfmt_elf's bound: the segment must end inside the user address space.
  if (raw.vaddr + raw.memsz > BigInt(TASK_SIZE)) {
    throw new ExecFormatError(
      'EINVAL',
      `${what}: ${hex(raw.vaddr)}+${hex(raw.memsz)} lies outside the user address space`,
    );
  }
  if (raw.filesz > 0n) {
    if (raw.offset + raw.filesz > BigInt(fileSize)) {
      throw new ExecFormatError(
        'ENOEXEC',
        `truncated ELF: ${what} needs file bytes up to ${hex(raw.offset + raw.filesz)}, file has ${hex(fileSize)}`,
      );
    }
    // The file part is mapped with mmap, whose offset must be page aligned like the address.
    if (raw.offset % BigInt(PAGE_SIZE) !== raw.vaddr % BigInt(PAGE_SIZE)) {
      throw new ExecFormatError(
        'EINVAL',
        `${what}: p_offset ${hex(raw.offset)} and p_vaddr ${hex(raw.vaddr)} differ modulo the page size`,
      );
    }
  }
  // Linux ignores a p_align that is not a power of two; one beyond the address space is nonsense.
  if (raw.align > BigInt(TASK_SIZE)) {
    throw new ExecFormatError('EINVAL', `${what}: p_align ${hex(raw.align)} is too large`);
  }
  let prot = 0;
  if (flags & PF_R) prot |= PROT_READ;
  if (flags & PF_W) prot |= PROT_WRITE;
  if (flags & PF_X) prot |= PROT_EXEC;
  // All values are below TASK_SIZE or the file size here, so they are exact as numbers.
  return {
    vaddr: Number(raw.vaddr),
    memsz: Number(raw.memsz),
    filesz: Number(raw.filesz),
    offset: Number(raw.offset),
    prot,
    align: Number(raw.align),
  };
}

function readInterp(bytes: Uint8Array, offset: bigint, size: bigint): string {
  if (size < 2n || size > BigInt(PATH_MAX)) {
    throw new ExecFormatError('ELIBBAD', `PT_INTERP size ${size} is out of range`);
  }
  if (offset + size > BigInt(bytes.length)) {
    throw new ExecFormatError('ELIBBAD', `PT_INTERP at ${hex(offset)} lies past the end of the file`);
  }
  const raw = bytes.subarray(Number(offset), Number(offset + size));
  if (raw[raw.length - 1] !== 0) {
    throw new ExecFormatError('ELIBBAD', 'PT_INTERP is not NUL-terminated');
  }
  const path = raw.subarray(0, raw.indexOf(0));
  if (path.length === 0) {
    throw new ExecFormatError('ELIBBAD', 'PT_INTERP is empty');
  }
  return decodeBytes(path);
}

function toNumber(value: bigint, errno: ExecErrno, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ExecFormatError(errno, `${what} ${hex(value)} does not fit in 53 bits`);
  }
  return Number(value);
}
