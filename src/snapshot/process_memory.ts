// A process's memory in the image: every mapping (address, size, protection, shared or
// private), and the contents of its touched pages. Pages never touched (absent from the host's
// page tables) and pages that hold only zeros are not written: they come back as zero pages.
import fs from 'node:fs';

import { hostMappings, isStubImage } from '../kernel/loader/host_mappings.js';
import type { VdsoPlace } from '../kernel/loader/vdso.js';
import type { Platform } from '../platform/platform.js';
import type { MappingImage } from './image_format.js';
import { mappedFileKey, mappedHostFiles } from './mapped_host_files.js';

const PAGE = 4096;
/** Memory is read and written in chunks of this size. */
const CHUNK = 4 << 20;
const ZERO_PAGE = Buffer.alloc(PAGE);
/** /proc/PID/pagemap entry bits: the page is in RAM, or in swap. */
const PRESENT = 0x80000000;
const SWAPPED = 0x40000000;

/** Where the saved pages go: the image's pages file, written in order. */
export interface PageSink {
  write(bytes: Uint8Array): Promise<void>;
}

/** A mapping saved with the runs of its pages, and whether a page absent from the page tables may still hold data. */
export interface SavedMapping extends Omit<MappingImage, 'runs'> {
  /** Backed by a host object (a memfd): pages not yet faulted in are that object's, not zeros. */
  fileBacked: boolean;
}

/** Anonymous memory as /proc/PID/maps names it: nothing, the stack, a shared anonymous mapping, a named one. */
function isAnonymous(name: string): boolean {
  return name === '' || name === '[stack]' || name === '[heap]' || name.startsWith('[anon') || name.startsWith('/dev/zero');
}

/**
 * The mappings a checkpoint saves: everything but the host's own (vDSO, vsyscall), the stub's,
 * and the sandbox's vDSO (vdso: where the process has it), which a restore maps afresh. A shared
 * mapping of a host file names the file (mapped_host_files.ts).
 */
export function programMappings(hostPid: number, vdso?: VdsoPlace): SavedMapping[] {
  const mappings = hostMappings(hostPid).filter((m) => !['[vsyscall]', '[vdso]', '[vvar]', '[vvar_vclock]'].includes(m.name) && !isStubImage(m) && !(vdso && m.start >= vdso.vvar && m.start < vdso.end));
  const files = mappedHostFiles(hostPid, mappings);
  return mappings.map((m) => {
    const file = files.get(m.start);
    return {
      start: m.start,
      end: m.end,
      prot: m.prot,
      shared: m.shared,
      stack: m.name === '[stack]',
      fileBacked: !isAnonymous(m.name),
      ...(m.shared ? { share: { key: `${m.device}:${m.inode}`, offset: m.offset } } : {}),
      ...(file ? { file } : {}),
    };
  });
}

/** Pages of [start, end) that the host has in RAM or swap, as one flag byte per page. */
function touchedPages(pagemapFd: number, start: number, end: number): Uint8Array {
  const pages = (end - start) / PAGE;
  const touched = new Uint8Array(pages);
  const batch = 65536;
  const buf = Buffer.alloc(batch * 8);
  for (let first = 0; first < pages; first += batch) {
    const n = Math.min(batch, pages - first);
    const got = fs.readSync(pagemapFd, buf, 0, n * 8, (start / PAGE + first) * 8);
    const words = new Uint32Array(buf.buffer, buf.byteOffset, got / 4);
    for (let i = 0; i < got / 8; i++) if (words[i * 2 + 1]! & (PRESENT | SWAPPED)) touched[first + i] = 1;
  }
  return touched;
}

/** Reads program memory, through page protections when process_vm_readv refuses (PROT_NONE). */
function readMemory(platform: Platform, hostPid: number, memFd: number, addr: number, buf: Buffer, length: number): void {
  const n = platform.readInto(hostPid, addr, buf, 0, length);
  if (n === length) return;
  const done = Math.max(0, n);
  const got = fs.readSync(memFd, buf, done, length - done, addr + done);
  if (done + got !== length) throw new Error(`cannot read the memory at 0x${(addr + done).toString(16)}`);
}

/**
 * Writes the touched, non-zero pages of each mapping to sink; returns the mappings with the
 * runs of pages that were written. progress(bytes) is called after each chunk.
 */
export async function dumpMemory(
  platform: Platform,
  hostPid: number,
  mappings: readonly SavedMapping[],
  sink: PageSink,
  progress: (bytes: number) => void,
): Promise<MappingImage[]> {
  const pagemapFd = fs.openSync(`/proc/${hostPid}/pagemap`, 'r');
  const memFd = fs.openSync(`/proc/${hostPid}/mem`, 'r');
  // Two buffers: the next chunk is read while the last one is still being written.
  const buffers = [Buffer.alloc(CHUNK), Buffer.alloc(CHUNK)];
  const inFlight: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
  let writes: Promise<void> = Promise.resolve();
  let turn = 0;
  const out: MappingImage[] = [];
  try {
    for (const m of mappings) {
      const runs: Array<[number, number]> = [];
      // Every page of a file-backed mapping is read (the zero check still leaves out empty ones),
      // none of a host file's shared mapping (its bytes are the file's).
      const touched = m.file ? new Uint8Array(0) : m.fileBacked ? new Uint8Array((m.end - m.start) / PAGE).fill(1) : touchedPages(pagemapFd, m.start, m.end);
      const pages = touched.length;
      for (let p = 0; p < pages; ) {
        if (!touched[p]) {
          p++;
          continue;
        }
        // A run of touched pages, read a chunk at a time; zero pages inside it are left out.
        let q = p;
        while (q < pages && touched[q] && q - p < CHUNK / PAGE) q++;
        const slot = turn++ % 2;
        await inFlight[slot];
        const buf = buffers[slot]!;
        readMemory(platform, hostPid, memFd, m.start + p * PAGE, buf, (q - p) * PAGE);
        let runStart = -1;
        const flush = (endPage: number) => {
          if (runStart < 0) return;
          const bytes = buf.subarray((runStart - p) * PAGE, (endPage - p) * PAGE);
          writes = writes.then(() => sink.write(bytes));
          const last = runs[runs.length - 1];
          if (last && last[0] + last[1] === runStart) last[1] += endPage - runStart;
          else runs.push([runStart, endPage - runStart]);
          progress((endPage - runStart) * PAGE);
          runStart = -1;
        };
        for (let i = p; i < q; i++) {
          const o = (i - p) * PAGE;
          if (buf.subarray(o, o + PAGE).equals(ZERO_PAGE)) flush(i);
          else if (runStart < 0) runStart = i;
        }
        flush(q);
        inFlight[slot] = writes;
        p = q;
      }
      out.push({ start: m.start, end: m.end, prot: m.prot, shared: m.shared, stack: m.stack, ...(m.share ? { share: m.share } : {}), ...(m.file ? { file: m.file } : {}), runs });
    }
    await writes;
  } finally {
    await writes.catch(() => undefined);
    fs.closeSync(pagemapFd);
    fs.closeSync(memFd);
  }
  return out;
}

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 0x1;
const MAP_PRIVATE = 0x2;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_GROWSDOWN = 0x100;

/** Runs one syscall in the stopped stub; throws when it fails. */
export type Injector = (nr: number, ...args: number[]) => number;

const SYS_MMAP = 9;
const SYS_MPROTECT = 10;
const SYS_MUNMAP = 11;

/**
 * Rebuilds a process's memory in a fresh stub: clears what the stub has (but its own image,
 * which the injections run from), maps every saved mapping, fills it from the pages file, and
 * gives it its protection. A shared mapping maps its object's memfd (sharedFds: the stub's fd
 * for each share key), so processes that shared memory share it again; a host file's maps the
 * file (sharedFds under mappedFileKey), with its protection at once and nothing written.
 */
export function restoreMemory(
  platform: Platform,
  hostTid: number,
  mappings: readonly MappingImage[],
  pagesFd: number,
  inject: Injector,
  sharedFds: ReadonlyMap<string, number>,
): void {
  for (const m of hostMappings(hostTid)) {
    if (!isStubImage(m) && m.name !== '[vsyscall]') inject(SYS_MUNMAP, m.start, m.end - m.start);
  }
  const buf = Buffer.alloc(CHUNK);
  let fileOffset = 0;
  for (const m of mappings) {
    if (isStubImage(m)) throw new Error(`a mapping at 0x${m.start.toString(16)} overlaps the stub`);
    if (m.file) {
      const fd = sharedFds.get(mappedFileKey(m));
      if (fd === undefined) throw new Error(`no host file for the mapping at 0x${m.start.toString(16)}`);
      inject(SYS_MMAP, m.start, m.end - m.start, m.prot, MAP_SHARED | MAP_FIXED, fd, m.share?.offset ?? 0);
      continue;
    }
    const fd = m.share ? sharedFds.get(m.share.key) : undefined;
    if (fd !== undefined) {
      inject(SYS_MMAP, m.start, m.end - m.start, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, m.share!.offset);
    } else {
      const flags = (m.shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_FIXED | (m.stack ? MAP_GROWSDOWN : 0);
      inject(SYS_MMAP, m.start, m.end - m.start, PROT_READ | PROT_WRITE, flags, -1, 0);
    }
    for (const [first, count] of m.runs) {
      for (let done = 0; done < count; ) {
        const n = Math.min(count - done, CHUNK / PAGE);
        const bytes = n * PAGE;
        if (fs.readSync(pagesFd, buf, 0, bytes, fileOffset) !== bytes) throw new Error('the pages file is shorter than its index');
        if (!platform.write(hostTid, m.start + (first + done) * PAGE, buf.subarray(0, bytes))) {
          throw new Error(`cannot write the memory at 0x${(m.start + (first + done) * PAGE).toString(16)}`);
        }
        fileOffset += bytes;
        done += n;
      }
    }
    if (m.prot !== (PROT_READ | PROT_WRITE)) inject(SYS_MPROTECT, m.start, m.end - m.start, m.prot);
  }
}
