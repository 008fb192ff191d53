/**
 * Where an ELF image goes in memory: the page-aligned mappings binfmt_elf would create for
 * its PT_LOAD segments at a given load bias, and the load biases Linux picks on x86-64 with
 * address-space randomization off (the sandbox always runs without ASLR, for replay).
 */

import {
  ExecFormatError,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  TASK_SIZE,
  type ElfImage,
} from './elf.js';

/**
 * Linux's ELF_ET_DYN_BASE on x86-64: two thirds of the 47-bit user address space.
 * A PIE with PT_INTERP is loaded there (rounded down to a page or to its segment alignment).
 */
export const ELF_ET_DYN_BASE = 0x555555554aaa;

/** The load bias of an ordinary PIE (first segment at vaddr 0, page alignment). */
export const PIE_LOAD_BIAS = 0x555555554000;

/**
 * mmap_base without randomization and with the default 8 MiB stack limit: the stack gap
 * is clamped to its 128 MiB minimum, so TASK_SIZE - 128 MiB. Top-down mmaps start here.
 */
export const MMAP_BASE = 0x7ffff7fff000;

/** One file-backed mapping: file bytes [fileOffset, fileOffset + length) at addr (bytes past EOF read as zero). */
export interface FileMapping {
  addr: number;
  length: number;
  fileOffset: number;
  prot: number;
}

/** Bytes [start, end) to clear after mapping: the tail of the last file page, past p_filesz. */
export interface ZeroRange {
  start: number;
  end: number;
}

/** Anonymous zero pages for the part of p_memsz beyond the last file page (.bss). */
export interface AnonMapping {
  addr: number;
  length: number;
  prot: number;
}

/** The mappings of one PT_LOAD, to be applied in this order: file, zero, anon. */
export interface SegmentPlan {
  file?: FileMapping;
  zero?: ZeroRange;
  anon?: AnonMapping;
}

export interface LoadPlan {
  bias: number;
  /**
   * One entry per PT_LOAD, in program header order, applied in order: as with Linux's
   * MAP_FIXED, a later segment sharing a page with an earlier one replaces that page.
   */
  segments: SegmentPlan[];
  entry: number;
  /** AT_PHDR. */
  phdrAddr: number;
  /** Start of the brk heap, should this image be the main program. */
  brkStart: number;
  /** Lowest mapped address (page aligned). */
  lowestAddr: number;
  /** End of the highest mapping (page aligned, exclusive). */
  highestAddr: number;
}

export function pageDown(n: number): number {
  return alignDown(n, PAGE_SIZE);
}

export function pageUp(n: number): number {
  return pageDown(n + PAGE_SIZE - 1);
}

/** Computes the mappings for `image` loaded at `loadBias` (0 for ET_EXEC). */
export function planLoad(image: ElfImage, loadBias: number): LoadPlan {
  if (!Number.isSafeInteger(loadBias) || loadBias < 0 || loadBias % PAGE_SIZE !== 0) {
    throw new RangeError(`load bias ${loadBias} is not a page-aligned address`);
  }
  if (image.type === 'exec' && loadBias !== 0) {
    throw new RangeError('an ET_EXEC image loads at its link addresses (bias 0)');
  }

  const segments = image.segments.map((segment): SegmentPlan => {
    const start = loadBias + segment.vaddr;
    const pageStart = pageDown(start);
    const fileEnd = start + segment.filesz;
    const memEnd = start + segment.memsz;
    const plan: SegmentPlan = {};

    if (segment.filesz > 0) {
      plan.file = {
        addr: pageStart,
        length: pageUp(fileEnd) - pageStart,
        fileOffset: segment.offset - (start - pageStart),
        prot: segment.prot,
      };
    }
    if (segment.memsz > segment.filesz) {
      // Linux clears the rest of the last file page but ignores the failure when the
      // segment is read-only, so such a tail keeps the file's bytes.
      if (segment.filesz > 0 && fileEnd % PAGE_SIZE !== 0 && (segment.prot & PROT_WRITE) !== 0) {
        plan.zero = { start: fileEnd, end: pageUp(fileEnd) };
      }
      const anonStart = segment.filesz > 0 ? pageUp(fileEnd) : pageStart;
      const anonEnd = pageUp(memEnd);
      if (anonEnd > anonStart) {
        // The .bss pages come from vm_brk_flags: always read-write, executable only if the segment is.
        plan.anon = {
          addr: anonStart,
          length: anonEnd - anonStart,
          prot: PROT_READ | PROT_WRITE | (segment.prot & PROT_EXEC),
        };
      }
    }
    return plan;
  });

  const lowestAddr = Math.min(...image.segments.map((s) => pageDown(loadBias + s.vaddr)));
  const highestAddr = Math.max(...image.segments.map((s) => pageUp(loadBias + s.vaddr + s.memsz)));
  if (highestAddr > TASK_SIZE) {
    throw new ExecFormatError(
      'EINVAL',
      `image ends at 0x${highestAddr.toString(16)}, outside the user address space`,
    );
  }
  const entry = loadBias + image.entry;
  if (entry >= TASK_SIZE) {
    throw new ExecFormatError('EINVAL', `entry point 0x${entry.toString(16)} is outside the user address space`);
  }

  // A program without a PT_INTERP that is ET_DYN (static PIE, or ld.so run directly) sits in
  // the mmap area, so Linux moves its brk down to ELF_ET_DYN_BASE to leave the heap room.
  const brkStart = image.type === 'dyn' && image.interp === undefined ? pageUp(ELF_ET_DYN_BASE) : highestAddr;

  return {
    bias: loadBias,
    segments,
    entry,
    // Linux reports the bias itself when the program headers are not in any segment.
    phdrAddr: loadBias + (image.phdrVaddr ?? 0),
    brkStart,
    lowestAddr,
    highestAddr,
  };
}

/**
 * The load bias Linux gives the main program without ASLR: 0 for ET_EXEC; ELF_ET_DYN_BASE
 * for a PIE with PT_INTERP; the top of the mmap area for ET_DYN without PT_INTERP (static
 * PIE, ld.so run as a program), like any mmap. Both ET_DYN cases honour a PT_LOAD
 * alignment larger than a page.
 */
export function mainProgramBias(image: ElfImage, mmapTop: number = MMAP_BASE): number {
  if (image.type === 'exec') return 0;
  const alignment = maxAlignment(image);
  const first = firstVaddr(image);
  if (image.interp !== undefined) {
    return pageDown(alignDown(ELF_ET_DYN_BASE, alignment) - first);
  }
  const top = topDownAddress(image, mmapTop);
  if (alignment > PAGE_SIZE) {
    return pageDown(alignDown(top, alignment) - first);
  }
  return top - pageDown(first);
}

/**
 * Where Linux's top-down mmap without ASLR puts the interpreter: the highest page-aligned
 * address below mmapTop where the image's whole span fits. The address space is empty
 * there when the interpreter is loaded (the vDSO, which Linux maps below it afterwards,
 * is never mapped in the sandbox). Segment alignment is not honoured, as in load_elf_interp.
 * (Under an ET_EXEC program Linux would use a nonzero first p_vaddr as a hint; ld.so links at 0.)
 */
export function interpreterBias(interpImage: ElfImage, mmapTop: number = MMAP_BASE): number {
  if (interpImage.type === 'exec') return 0;
  return topDownAddress(interpImage, mmapTop) - pageDown(firstVaddr(interpImage));
}

/** The address a top-down mmap of the image's whole span (first page to end of highest segment) returns. */
function topDownAddress(image: ElfImage, mmapTop: number): number {
  const low = Math.min(...image.segments.map((s) => pageDown(s.vaddr)));
  const high = Math.max(...image.segments.map((s) => s.vaddr + s.memsz));
  const span = pageUp(high - low);
  if (span > pageDown(mmapTop)) {
    throw new ExecFormatError('EINVAL', `image span 0x${span.toString(16)} does not fit below the mmap base`);
  }
  return pageDown(mmapTop) - span;
}

/** binfmt_elf's bias is computed from the first PT_LOAD in header order. */
function firstVaddr(image: ElfImage): number {
  const first = image.segments[0];
  if (first === undefined) throw new RangeError('ELF image without PT_LOAD segments');
  return first.vaddr;
}

/** The largest power-of-two p_align of the PT_LOADs, at least a page (Linux skips other values). */
function maxAlignment(image: ElfImage): number {
  const powersOfTwo = image.segments.map((s) => s.align).filter(isPowerOfTwo);
  return pageUp(Math.max(PAGE_SIZE, ...powersOfTwo));
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Rounds down to a power-of-two alignment; exact for safe integers, negative ones included. */
function alignDown(n: number, alignment: number): number {
  return Math.floor(n / alignment) * alignment;
}
