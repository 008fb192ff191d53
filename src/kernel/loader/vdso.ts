// The sandbox's vDSO (native/vdso/vdso.c): clock_gettime, gettimeofday and time answered in
// the program's own address space instead of by a trap (~15 us each on the ptrace platform;
// python's start-up reads the clock ~470 times, a JVM's ~2 800).
//
// Each process has, where Linux puts its [vvar] and [vdso] (just below the interpreter):
// - "[vvar]": read-only, shared pages of one host file per sandbox, the last of them the data
//   page (whether to read clocks here, where the host's clock_gettime is, the two offsets
//   time.ts adds to the host's monotonic clock). tsvisor writes it; a restore rewrites it.
// - "[vdso]": the image, privately mapped from the same file; AT_SYSINFO_EHDR points at it.
// The image reads the host's monotonic clock through the host's own vDSO, which each stub
// keeps at HOST_VDSO_AT (put there by arch_prctl(ARCH_MAP_VDSO_64) at every exec), next to the
// stub's image, where no program maps anything; /proc/PID/maps does not show it.
//
// Only when rdtsc is not trapped: the host's vDSO reads the TSC, and a recorded run's clock
// reads must trap to reach the trace (a recorded or replayed process gets no vDSO, as before).
// A process that has the vDSO and is restored into a recorded sandbox keeps it, with the data
// page saying "make the syscall".
import fs from 'node:fs';

import { VDSO_PATH } from '../../platform/native_addon.js';
import type { Mapping } from '../state.js';
import { makeBacking } from '../syscalls/shm.js';
import { clockOffsets } from '../syscalls/time.js';
import { hostMappings, STUB_END } from './host_mappings.js';
import type { QueuedCall } from './stub_calls.js';

const PAGE = 4096;
/** Where every stub keeps the host's vDSO, and the end of the range kept for it. */
export const HOST_VDSO_AT = STUB_END;
export const HOST_VDSO_END = HOST_VDSO_AT + 0x100000;

const SYS_mmap = 9;
const SYS_arch_prctl = 158;
const ARCH_MAP_VDSO_64 = 0x2003;
const PROT_READ = 1;
const PROT_EXEC = 4;
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;

/** The sizes of the host's vDSO and its data pages, and where its clock_gettime is in the image. */
export interface HostVdsoLayout {
  /** [vvar] and [vvar_vclock] together: ARCH_MAP_VDSO_64 maps them first, then the image. */
  vvarSize: number;
  vdsoSize: number;
  clockGettime: number;
}

/** The clock sources whose time the host's vDSO reads without a syscall. */
const USER_SPACE_CLOCKSOURCES = new Set(['tsc', 'kvm-clock', 'hyperv_clocksource_tsc_page']);

/**
 * The host's vDSO as tsvisor's own process has it: the stubs' is the same image (one kernel).
 * null when there is none, it has no clock_gettime, or the clock source makes it fall back to
 * the syscall (which the kernel would trap and answer with the sandbox's clock: read twice).
 */
export function hostVdsoLayout(): HostVdsoLayout | null {
  try {
    const source = fs.readFileSync('/sys/devices/system/clocksource/clocksource0/current_clocksource', 'utf8').trim();
    if (!USER_SPACE_CLOCKSOURCES.has(source)) return null;
    const mappings = hostMappings('self');
    const vvar = mappings.find((m) => m.name === '[vvar]' || m.name === '[vvar_vclock]');
    const vdso = mappings.find((m) => m.name === '[vdso]');
    if (!vvar || !vdso || vdso.start < vvar.start) return null;
    const vdsoStart = vdso.start;
    const image = Buffer.alloc(vdso.end - vdsoStart);
    const mem = fs.openSync('/proc/self/mem', 'r');
    try {
      if (fs.readSync(mem, image, 0, image.length, vdsoStart) !== image.length) return null;
    } finally {
      fs.closeSync(mem);
    }
    const clockGettime = dynamicSymbol(image, '__vdso_clock_gettime');
    if (clockGettime === undefined) return null;
    return { vvarSize: vdsoStart - vvar.start, vdsoSize: image.length, clockGettime };
  } catch {
    return null;
  }
}

/** A symbol's value in an ELF image's .dynsym (section headers: the host's vDSO keeps them). */
function dynamicSymbol(image: Buffer, name: string): number | undefined {
  if (image.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const shoff = Number(image.readBigUInt64LE(0x28));
  const shentsize = image.readUInt16LE(0x3a);
  const shnum = image.readUInt16LE(0x3c);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return { type: image.readUInt32LE(at + 4), offset: Number(image.readBigUInt64LE(at + 0x18)), size: Number(image.readBigUInt64LE(at + 0x20)), link: image.readUInt32LE(at + 0x28) };
  };
  for (let i = 0; i < shnum; i++) {
    const symtab = section(i);
    if (symtab.type !== 11) continue; // SHT_DYNSYM
    const strtab = section(symtab.link);
    for (let at = symtab.offset; at + 24 <= symtab.offset + symtab.size; at += 24) {
      const nameAt = strtab.offset + image.readUInt32LE(at);
      const end = image.indexOf(0, nameAt);
      if (end > 0 && image.toString('latin1', nameAt, end) === name) return Number(image.readBigUInt64LE(at + 8));
    }
  }
  return undefined;
}

/** The data page's fields (vdso.c, struct vdso_data). */
function dataPage(fast: boolean, hostClockGettime: number): Uint8Array {
  const offsets = clockOffsets();
  const words = new BigInt64Array(4);
  words[0] = fast ? 1n : 0n;
  words[1] = BigInt(hostClockGettime);
  words[2] = offsets.realtime;
  words[3] = offsets.monotonic;
  return new Uint8Array(words.buffer);
}

/** Where one process has the vDSO: the data pages' start ([vvar]) and the image's ([vdso], AT_SYSINFO_EHDR). */
export interface VdsoPlace {
  vvar: number;
  vdso: number;
  end: number;
}

/** The sandbox's vDSO: one host file with the data pages and the image, mapped into every process. */
export class SandboxVdso {
  /** The key under which stubs hold the file (Platform.passHostFile). */
  readonly key: string;
  /** A read-only fd of the file: the one handed to the stubs, which must not write it. */
  readonly fd: number;
  private readonly imageSize: number;

  private constructor(
    private readonly layout: HostVdsoLayout,
    private readonly writable: number,
    key: string,
    imageSize: number,
    private fast: boolean,
  ) {
    this.key = `vdso:${key}`;
    this.fd = fs.openSync(`/proc/self/fd/${writable}`, 'r');
    this.imageSize = imageSize;
    this.writeData();
  }

  /**
   * null when the host's vDSO cannot serve (hostVdsoLayout) or the image or the file cannot be
   * had. A restore whose processes have the vDSO gives their layout (like): where the host cannot
   * serve, the vDSO is made with it and makes the syscalls.
   */
  static create(fast: boolean, like?: VdsoPlace): SandboxVdso | null {
    let layout = hostVdsoLayout();
    if (!layout && like) layout = { vvarSize: like.vdso - like.vvar, vdsoSize: like.end - like.vdso, clockGettime: 0 };
    if (!layout) return null;
    fast &&= layout.clockGettime !== 0;
    let image: Buffer;
    try {
      image = fs.readFileSync(VDSO_PATH);
    } catch {
      return null;
    }
    // As large as the host's image at least: the program's layout is then Linux's.
    const imageSize = Math.max(layout.vdsoSize, Math.ceil(image.length / PAGE) * PAGE);
    const backing = makeBacking(layout.vvarSize + imageSize);
    if (!backing) return null;
    fs.writeSync(backing.fd, image, 0, image.length, layout.vvarSize);
    return new SandboxVdso(layout, backing.fd, backing.key, imageSize, fast);
  }

  /** Makes every process read its clocks through the syscall from now on (a host that cannot map its vDSO into the stubs). */
  fallBack(): void {
    if (!this.fast) return;
    this.fast = false;
    this.writeData();
  }

  /** Writes the data page again: the clock offsets have changed (a restore). */
  writeData(): void {
    fs.writeSync(this.writable, dataPage(this.fast, HOST_VDSO_AT + this.layout.vvarSize + this.layout.clockGettime), 0, 32, this.layout.vvarSize - PAGE);
  }

  /** Where Linux would put the vDSO below the lowest address the program's image takes from the top of the address space. */
  placeBelow(top: number): VdsoPlace {
    const vdso = top - this.imageSize;
    return { vvar: vdso - this.layout.vvarSize, vdso, end: top };
  }

  /**
   * The calls that give a stub (its earlier vDSO unmapped) the host's vDSO and this one at
   * place, the file at stubFd; a host that refuses the first (no CONFIG_CHECKPOINT_RESTORE)
   * leaves every process on the syscalls.
   */
  mapCalls(place: VdsoPlace, stubFd: number): QueuedCall[] {
    return [
      { call: [SYS_arch_prctl, ARCH_MAP_VDSO_64, HOST_VDSO_AT], recover: () => (this.fallBack(), true) },
      { call: [SYS_mmap, place.vvar, place.vdso - place.vvar, PROT_READ, MAP_SHARED | MAP_FIXED, stubFd, 0] },
      { call: [SYS_mmap, place.vdso, place.end - place.vdso, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, stubFd, this.layout.vvarSize] },
    ];
  }

  /** The kernel's record of the two mappings (named in /proc/PID/maps, left out of checkpoints). */
  mappings(place: VdsoPlace): Mapping[] {
    return [
      { start: place.vvar, end: place.vdso, prot: PROT_READ, flags: MAP_SHARED | MAP_FIXED, special: '[vvar]' },
      { start: place.vdso, end: place.end, prot: PROT_READ | PROT_EXEC, flags: MAP_PRIVATE | MAP_FIXED, special: '[vdso]' },
    ];
  }

  close(): void {
    fs.closeSync(this.fd);
    fs.closeSync(this.writable);
  }
}

/** The vDSO's mappings in a process's list (none: the process has no vDSO). */
export function vdsoPlaceOf(mappings: readonly Mapping[]): VdsoPlace | undefined {
  const vvar = mappings.find((m) => m.special === '[vvar]');
  const vdso = mappings.find((m) => m.special === '[vdso]');
  return vvar && vdso ? { vvar: vvar.start, vdso: vdso.start, end: vdso.end } : undefined;
}
