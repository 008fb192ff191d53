import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ExecFormatError,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  PT_GNU_STACK,
  PT_INTERP,
  PT_LOAD,
  PT_PHDR,
  TASK_SIZE,
  parseElf,
  type ElfImage,
  type ExecErrno,
  type LoadSegment,
} from '../../src/kernel/loader/elf.js';
import {
  ELF_ET_DYN_BASE,
  MMAP_BASE,
  PIE_LOAD_BIAS,
  interpreterBias,
  mainProgramBias,
  pageDown,
  pageUp,
  planLoad,
} from '../../src/kernel/loader/load_plan.js';
import {
  AT_BASE,
  AT_CLKTCK,
  AT_EGID,
  AT_ENTRY,
  AT_EUID,
  AT_EXECFN,
  AT_FLAGS,
  AT_GID,
  AT_HWCAP,
  AT_HWCAP2,
  AT_MINSIGSTKSZ,
  AT_NULL,
  AT_PAGESZ,
  AT_PHDR,
  AT_PHENT,
  AT_PHNUM,
  AT_PLATFORM,
  AT_RANDOM,
  AT_SECURE,
  AT_SYSINFO_EHDR,
  AT_UID,
  STACK_TOP,
  buildInitialStack,
  type InitialStackInput,
} from '../../src/kernel/loader/stack.js';
import { BINPRM_BUF_SIZE, parseShebang } from '../../src/kernel/loader/shebang.js';

const LD_SO = '/lib64/ld-linux-x86-64.so.2';
const TRUE = '/bin/true';

// ---------------------------------------------------------------------------------------
// Helpers

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function expectExecError(fn: () => unknown, errno: ExecErrno, message?: RegExp | string): ExecFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an ExecFormatError').to.be.instanceOf(ExecFormatError);
  const err = caught as ExecFormatError;
  expect(err.errno).to.equal(errno);
  if (typeof message === 'string') expect(err.message).to.equal(message);
  else if (message) expect(err.message).to.match(message);
  expect(err.message).not.to.include('\n');
  return err;
}

interface ReadelfInfo {
  type: 'exec' | 'dyn';
  entry: number;
  phnum: number;
  phoff: number;
  loads: LoadSegment[];
  interp?: string;
  ptPhdr?: number;
  gnuStackFlags?: string;
}

/** The program headers as `readelf -lW` shows them: the reference to compare with. */
function readelf(path: string): ReadelfInfo {
  const out = execFileSync('readelf', ['-lW', path], { encoding: 'utf8' });
  const type = /Elf file type is (EXEC|DYN)/.exec(out)?.[1];
  const entry = /Entry point (0x[0-9a-f]+)/.exec(out)?.[1];
  const counts = /There are (\d+) program headers, starting at offset (\d+)/.exec(out);
  if (!type || !entry || !counts) throw new Error(`unexpected readelf output for ${path}`);
  const info: ReadelfInfo = {
    type: type === 'EXEC' ? 'exec' : 'dyn',
    entry: Number(entry),
    phnum: Number(counts[1]),
    phoff: Number(counts[2]),
    loads: [],
  };
  const row = /^\s+(\S+)\s+(0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (.{3}) (0x[0-9a-f]+)$/;
  for (const line of out.split('\n')) {
    const m = row.exec(line);
    if (!m) continue;
    const [, kind, offset, vaddr, , filesz, memsz, flags, align] = m as unknown as string[];
    if (kind === 'LOAD') {
      let prot = 0;
      if (flags![0] === 'R') prot |= PROT_READ;
      if (flags![1] === 'W') prot |= PROT_WRITE;
      if (flags![2] === 'E') prot |= PROT_EXEC;
      info.loads.push({
        offset: Number(offset),
        vaddr: Number(vaddr),
        filesz: Number(filesz),
        memsz: Number(memsz),
        prot,
        align: Number(align),
      });
    } else if (kind === 'PHDR') {
      info.ptPhdr = Number(vaddr);
    } else if (kind === 'GNU_STACK') {
      info.gnuStackFlags = flags!;
    }
  }
  const interp = /\[Requesting program interpreter: (.*)\]/.exec(out)?.[1];
  if (interp !== undefined) info.interp = interp;
  return info;
}

interface SyntheticPhdr {
  type: number;
  flags?: number;
  offset?: bigint;
  vaddr?: bigint;
  filesz?: bigint;
  memsz?: bigint;
  align?: bigint;
}

/** A minimal ELF64 x86-64 image with the given program headers, at offset 64. */
function makeElf(opts: {
  phdrs: SyntheticPhdr[];
  type?: number;
  entry?: bigint;
  size?: number;
  blobs?: Array<[number, Uint8Array]>;
}): Uint8Array {
  const bytes = new Uint8Array(opts.size ?? 0x3000);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setUint16(16, opts.type ?? 3, true);
  view.setUint16(18, 62, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, opts.entry ?? 0x1000n, true);
  view.setBigUint64(32, 64n, true);
  view.setUint16(52, 64, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, opts.phdrs.length, true);
  opts.phdrs.forEach((ph, i) => {
    const at = 64 + i * 56;
    view.setUint32(at, ph.type, true);
    view.setUint32(at + 4, ph.flags ?? 4, true);
    view.setBigUint64(at + 8, ph.offset ?? 0n, true);
    view.setBigUint64(at + 16, ph.vaddr ?? 0n, true);
    view.setBigUint64(at + 24, ph.vaddr ?? 0n, true);
    view.setBigUint64(at + 32, ph.filesz ?? 0n, true);
    view.setBigUint64(at + 40, ph.memsz ?? ph.filesz ?? 0n, true);
    view.setBigUint64(at + 48, ph.align ?? 0x1000n, true);
  });
  for (const [offset, blob] of opts.blobs ?? []) bytes.set(blob, offset);
  return bytes;
}

/** A well-formed two-segment PIE (text, then data + bss) to mutate in tests. */
function basicSegments(): SyntheticPhdr[] {
  return [
    { type: PT_LOAD, flags: 5, offset: 0n, vaddr: 0n, filesz: 0x1800n },
    { type: PT_LOAD, flags: 6, offset: 0x1f00n, vaddr: 0x2f00n, filesz: 0x200n, memsz: 0x3000n },
  ];
}

interface MapsLine {
  start: number;
  end: number;
  perms: string;
  path: string;
}

function parseMaps(text: string): MapsLine[] {
  const lines: MapsLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) lines.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), perms: m[3]!, path: m[4]! });
  }
  return lines;
}

/** What the probe program printed about its own process: its maps and its initial stack. */
interface ProbeRun {
  maps: MapsLine[];
  sp: number;
  top: number;
  stack: Uint8Array;
}

const PROBE_C = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
int main(int argc, char **argv, char **envp) {
  char line[512];
  void *p = malloc(100); /* makes the brk heap appear in the maps */
  FILE *f = fopen("/proc/self/maps", "r");
  while (fgets(line, sizeof line, f)) fputs(line, stdout);
  fclose(f);
  free(p);
  unsigned char *sp = (unsigned char *)(argv - 1);
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  unsigned char *top = (unsigned char *)execfn + strlen(execfn) + 1 + 8;
  printf("SP %lx TOP %lx\n", (unsigned long)sp, (unsigned long)top);
  for (unsigned char *q = sp; q < top; q++) printf("%02x", *q);
  printf("\n");
  return 0;
}
`;

const PROBE_ARGV_TAIL = ['first', 'with space', ''];
const PROBE_ENV = ['A=1', 'LONGER_VARIABLE=some value', 'E='];

function runProbe(path: string): ProbeRun | undefined {
  const result = spawnSync('env', ['-i', ...PROBE_ENV, 'setarch', '-R', path, ...PROBE_ARGV_TAIL], {
    encoding: 'utf8',
  });
  if (result.status !== 0) return undefined;
  const m = /^SP ([0-9a-f]+) TOP ([0-9a-f]+)\n([0-9a-f]*)$/m.exec(result.stdout);
  if (!m) return undefined;
  return {
    maps: parseMaps(result.stdout.slice(0, m.index)),
    sp: parseInt(m[1]!, 16),
    top: parseInt(m[2]!, 16),
    stack: Uint8Array.from(Buffer.from(m[3]!, 'hex')),
  };
}

/** Reads a stack image the way a program's start code does. */
function decodeStack(bytes: Uint8Array, base: number) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (addr: number): number => Number(view.getBigUint64(addr - base, true));
  const cstring = (addr: number): string => {
    const from = addr - base;
    return Buffer.from(bytes.subarray(from, bytes.indexOf(0, from))).toString('utf8');
  };
  let at = base;
  const argc = word(at);
  at += 8;
  const argvPtrs: number[] = [];
  for (let i = 0; i < argc; i++, at += 8) argvPtrs.push(word(at));
  const argvNull = word(at);
  at += 8;
  const envpPtrs: number[] = [];
  for (; word(at) !== 0; at += 8) envpPtrs.push(word(at));
  at += 8;
  const auxv: Array<[number, number]> = [];
  for (;;) {
    const entry: [number, number] = [word(at), word(at + 8)];
    auxv.push(entry);
    at += 16;
    if (entry[0] === AT_NULL) break;
  }
  const aux = (type: number): number => {
    const entry = auxv.find(([t]) => t === type);
    if (!entry) throw new Error(`no auxv entry ${type}`);
    return entry[1];
  };
  return { argc, argvPtrs, argvNull, envpPtrs, auxv, auxvEnd: at, aux, word, cstring };
}

// ---------------------------------------------------------------------------------------

describe('loader', () => {
  let dir = '';
  /** Binaries built for the tests; absent when the toolchain cannot build them. */
  const built: Record<string, string> = {};
  const probeRuns: Record<string, ProbeRun> = {};
  const haveReadelf = hasCommand('readelf');

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-loader-'));
    if (!hasCommand('cc')) return;
    writeFileSync(join(dir, 'probe.c'), PROBE_C);
    const variants: Record<string, string[]> = {
      static: ['-static'],
      staticPie: ['-static-pie'],
      noPie: ['-no-pie'],
      pie: ['-pie', '-fPIE'],
      execStack: ['-z', 'execstack'],
    };
    for (const [name, flags] of Object.entries(variants)) {
      const out = join(dir, `probe-${name}`);
      const cc = spawnSync('cc', ['-O1', ...flags, '-o', out, join(dir, 'probe.c')], { encoding: 'utf8' });
      if (cc.status === 0) built[name] = out;
    }
    if (!hasCommand('setarch')) return;
    for (const name of ['static', 'staticPie', 'noPie', 'pie']) {
      const path = built[name];
      const run = path === undefined ? undefined : runProbe(path);
      if (run) probeRuns[name] = run;
    }
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function binary(ctx: Mocha.Context, name: string): string {
    const path = built[name];
    if (path === undefined) ctx.skip();
    return path!;
  }

  function probeRun(ctx: Mocha.Context, name: string): ProbeRun {
    const run = probeRuns[name];
    if (run === undefined) ctx.skip();
    return run!;
  }

  describe('parseElf', () => {
    function expectMatchesReadelf(path: string): ElfImage {
      const image = parseElf(readFileSync(path));
      const ref = readelf(path);
      expect(image.type).to.equal(ref.type);
      expect(image.entry).to.equal(ref.entry);
      expect(image.phnum).to.equal(ref.phnum);
      expect(image.phoff).to.equal(ref.phoff);
      expect(image.phentsize).to.equal(56);
      expect(image.segments).to.deep.equal(ref.loads);
      expect(image.interp).to.equal(ref.interp);
      expect(image.execStack).to.equal(ref.gnuStackFlags?.[2] === 'E');
      if (ref.ptPhdr !== undefined) expect(image.phdrVaddr).to.equal(ref.ptPhdr);
      return image;
    }

    const realBinaries: Array<[string, () => string]> = [
      ['/bin/true (PIE)', () => TRUE],
      ['ld.so', () => LD_SO],
    ];
    for (const [label, path] of realBinaries) {
      it(`matches readelf -lW for ${label}`, function () {
        if (!haveReadelf) this.skip();
        expectMatchesReadelf(path());
      });
    }
    for (const name of ['static', 'staticPie', 'noPie', 'pie', 'execStack']) {
      it(`matches readelf -lW for a cc-built ${name} binary`, function () {
        if (!haveReadelf) this.skip();
        expectMatchesReadelf(binary(this, name));
      });
    }

    it('reads /bin/true as a PIE asking for ld.so', () => {
      const image = parseElf(readFileSync(TRUE));
      expect(image.type).to.equal('dyn');
      expect(image.interp).to.equal('/lib64/ld-linux-x86-64.so.2');
      expect(image.phdrVaddr).to.equal(image.phoff);
      expect(image.execStack).to.equal(false);
    });

    it('reads ld.so as ET_DYN without interpreter, headers found through the first PT_LOAD', () => {
      const image = parseElf(readFileSync(LD_SO));
      expect(image.type).to.equal('dyn');
      expect(image.interp).to.equal(undefined);
      expect(image.phdrVaddr).to.equal(0x40);
    });

    it('reads a static binary as ET_EXEC without interpreter', function () {
      const image = parseElf(readFileSync(binary(this, 'static')));
      expect(image.type).to.equal('exec');
      expect(image.interp).to.equal(undefined);
      expect(image.phdrVaddr).to.equal(0x400000 + image.phoff);
    });

    it('reads a non-PIE dynamic binary as ET_EXEC with interpreter', function () {
      const image = parseElf(readFileSync(binary(this, 'noPie')));
      expect(image.type).to.equal('exec');
      expect(image.interp).to.equal('/lib64/ld-linux-x86-64.so.2');
    });

    it('sees the executable stack asked for with -z execstack', function () {
      expect(parseElf(readFileSync(binary(this, 'execStack'))).execStack).to.equal(true);
    });

    it('rejects what is not an ELF file', () => {
      const noise = new Uint8Array(4096).map((_, i) => (i * 167 + 13) & 0xff);
      expectExecError(() => parseElf(noise), 'ENOEXEC', 'not an ELF file');
      expectExecError(() => parseElf(new Uint8Array(0)), 'ENOEXEC', 'not an ELF file');
      expectExecError(() => parseElf(new TextEncoder().encode('#!/bin/sh\n')), 'ENOEXEC', 'not an ELF file');
    });

    it('rejects truncated files', () => {
      const whole = new Uint8Array(readFileSync(TRUE));
      expectExecError(() => parseElf(whole.subarray(0, 40)), 'ENOEXEC', /^truncated ELF/);
      expectExecError(() => parseElf(whole.subarray(0, 200)), 'ENOEXEC', /^truncated ELF: program headers end/);
      const image = parseElf(whole);
      const last = image.segments[image.segments.length - 1]!;
      const cut = last.offset + Math.floor(last.filesz / 2);
      expectExecError(() => parseElf(whole.subarray(0, cut)), 'ENOEXEC', /^truncated ELF: PT_LOAD segment \d+ needs/);
    });

    it('names the architecture of a foreign ELF', () => {
      const bytes = new Uint8Array(readFileSync(TRUE));
      new DataView(bytes.buffer, bytes.byteOffset).setUint16(18, 183, true);
      expectExecError(() => parseElf(bytes), 'ENOEXEC', 'ELF for aarch64, not x86-64');
      new DataView(bytes.buffer, bytes.byteOffset).setUint16(18, 243, true);
      expectExecError(() => parseElf(bytes), 'ENOEXEC', 'ELF for riscv, not x86-64');
      new DataView(bytes.buffer, bytes.byteOffset).setUint16(18, 9999, true);
      expectExecError(() => parseElf(bytes), 'ENOEXEC', 'ELF for machine 9999, not x86-64');
    });

    it('rejects 32-bit and big-endian ELF', () => {
      const elf32 = makeElf({ phdrs: basicSegments() });
      elf32[4] = 1;
      elf32[18] = 3;
      expectExecError(() => parseElf(elf32), 'ENOEXEC', '32-bit ELF for i386, not x86-64');
      const bigEndian = makeElf({ phdrs: basicSegments() });
      bigEndian[5] = 2;
      bigEndian[18] = 0;
      bigEndian[19] = 21;
      expectExecError(() => parseElf(bigEndian), 'ENOEXEC', 'big-endian ELF for powerpc64, not x86-64');
    });

    it('rejects ELF types other than ET_EXEC and ET_DYN', () => {
      expectExecError(() => parseElf(makeElf({ type: 1, phdrs: basicSegments() })), 'ENOEXEC', /ET_REL/);
      expectExecError(() => parseElf(makeElf({ type: 4, phdrs: basicSegments() })), 'ENOEXEC', /ET_CORE/);
    });

    it('rejects bad program header tables', () => {
      const bytes = makeElf({ phdrs: basicSegments() });
      bytes[54] = 32;
      expectExecError(() => parseElf(bytes), 'ENOEXEC', 'program header entry size 32, expected 56');
      expectExecError(() => parseElf(makeElf({ phdrs: [] })), 'ENOEXEC', 'bad program header count 0');
      expectExecError(
        () => parseElf(makeElf({ phdrs: [{ type: PT_GNU_STACK, flags: 6 }] })),
        'EINVAL',
        'no PT_LOAD segments',
      );
    });

    it('rejects PT_LOAD segments Linux would refuse to map', () => {
      const tooMuchFile = basicSegments();
      tooMuchFile[1]!.filesz = 0x4000n;
      expectExecError(() => parseElf(makeElf({ phdrs: tooMuchFile, size: 0x8000 })), 'EINVAL', /p_filesz 0x4000 exceeds p_memsz 0x3000/);

      const misaligned = basicSegments();
      misaligned[1]!.offset = 0x1f08n;
      expectExecError(() => parseElf(makeElf({ phdrs: misaligned })), 'EINVAL', /differ modulo the page size/);

      const outside = basicSegments();
      outside[1]!.vaddr = BigInt(TASK_SIZE) - 0x1100n;
      expectExecError(() => parseElf(makeElf({ phdrs: outside })), 'EINVAL', /outside the user address space/);

      const huge = basicSegments();
      huge[1]!.vaddr = 0xffffffffffff2f00n;
      expectExecError(() => parseElf(makeElf({ phdrs: huge })), 'EINVAL');

      const pastEnd = basicSegments();
      pastEnd[1]!.offset = 0x10f00n;
      expectExecError(() => parseElf(makeElf({ phdrs: pastEnd })), 'ENOEXEC', /^truncated ELF/);
    });

    it('accepts a bss-only segment whatever its file offset', () => {
      const phdrs = basicSegments();
      phdrs.push({ type: PT_LOAD, flags: 6, offset: 0xdead_beefn, vaddr: 0x8000n, filesz: 0n, memsz: 0x100n });
      expect(parseElf(makeElf({ phdrs })).segments[2]).to.deep.equal({
        vaddr: 0x8000,
        memsz: 0x100,
        filesz: 0,
        offset: 0xdeadbeef,
        prot: PROT_READ | PROT_WRITE,
        align: 0x1000,
      });
    });

    it('rejects an entry point that does not fit in a number', () => {
      expectExecError(() => parseElf(makeElf({ phdrs: basicSegments(), entry: 1n << 60n })), 'EINVAL', /e_entry/);
    });

    it('reads PT_INTERP and reports malformed ones as ELIBBAD', () => {
      const path = new TextEncoder().encode('/lib/ld-musl-x86_64.so.1\0');
      const withInterp = (filesz: bigint, offset = 0x400n, blob = path) =>
        makeElf({
          phdrs: [...basicSegments(), { type: PT_INTERP, offset, filesz }],
          blobs: [[0x400, blob]],
        });
      expect(parseElf(withInterp(BigInt(path.length))).interp).to.equal('/lib/ld-musl-x86_64.so.1');
      expectExecError(() => parseElf(withInterp(BigInt(path.length - 1))), 'ELIBBAD', 'PT_INTERP is not NUL-terminated');
      expectExecError(() => parseElf(withInterp(1n)), 'ELIBBAD', 'PT_INTERP size 1 is out of range');
      expectExecError(() => parseElf(withInterp(5000n)), 'ELIBBAD', 'PT_INTERP size 5000 is out of range');
      expectExecError(() => parseElf(withInterp(0x20n, 0x2ff0n)), 'ELIBBAD', /past the end of the file/);
      expectExecError(() => parseElf(withInterp(2n, 0x400n, new Uint8Array(2))), 'ELIBBAD', 'PT_INTERP is empty');
    });

    it('uses the first PT_INTERP, like Linux', () => {
      const first = new TextEncoder().encode('/first\0');
      const second = new TextEncoder().encode('/second\0');
      const bytes = makeElf({
        phdrs: [
          ...basicSegments(),
          { type: PT_INTERP, offset: 0x400n, filesz: BigInt(first.length) },
          { type: PT_INTERP, offset: 0x500n, filesz: BigInt(second.length) },
        ],
        blobs: [
          [0x400, first],
          [0x500, second],
        ],
      });
      expect(parseElf(bytes).interp).to.equal('/first');
    });

    it('finds the headers through PT_PHDR when no segment maps them', () => {
      const phdrs = basicSegments();
      phdrs[0] = { ...phdrs[0]!, offset: 0x1000n, vaddr: 0x1000n, filesz: 0x800n };
      expect(parseElf(makeElf({ phdrs })).phdrVaddr).to.equal(undefined);
      phdrs.push({ type: PT_PHDR, offset: 64n, vaddr: 0x7000n, filesz: 0xa8n });
      expect(parseElf(makeElf({ phdrs })).phdrVaddr).to.equal(0x7000);
    });

    it('reads the stack permission from PT_GNU_STACK', () => {
      const stack = (flags: number) => parseElf(makeElf({ phdrs: [...basicSegments(), { type: PT_GNU_STACK, flags }] }));
      expect(stack(6).execStack).to.equal(false);
      expect(stack(7).execStack).to.equal(true);
      // Without PT_GNU_STACK, x86-64 Linux gives a non-executable stack.
      expect(parseElf(makeElf({ phdrs: basicSegments() })).execStack).to.equal(false);
    });

    it('reports any defect of an interpreter as ELIBBAD', () => {
      const bytes = new Uint8Array(readFileSync(LD_SO));
      expect(parseElf(bytes, 'interpreter').type).to.equal('dyn');
      bytes[18] = 183;
      expectExecError(() => parseElf(bytes, 'interpreter'), 'ELIBBAD', 'interpreter: ELF for aarch64, not x86-64');
      expectExecError(() => parseElf(new Uint8Array(100), 'interpreter'), 'ELIBBAD', 'interpreter: not an ELF file');
    });
  });

  describe('planLoad', () => {
    it('maps /bin/true at the PIE base the way binfmt_elf does', () => {
      const image = parseElf(readFileSync(TRUE));
      const plan = planLoad(image, PIE_LOAD_BIAS);
      expect(plan.bias).to.equal(0x555555554000);
      expect(plan.entry).to.equal(0x555555554000 + image.entry);
      expect(plan.phdrAddr).to.equal(0x555555554040);
      expect(plan.segments).to.have.length(image.segments.length);
      image.segments.forEach((seg, i) => {
        const p = plan.segments[i]!;
        const start = PIE_LOAD_BIAS + seg.vaddr;
        expect(p.file).to.deep.equal({
          addr: pageDown(start),
          length: pageUp(start + seg.filesz) - pageDown(start),
          fileOffset: pageDown(seg.offset),
          prot: seg.prot,
        });
        expect(p.file!.addr % PAGE_SIZE).to.equal(0);
        expect(p.file!.fileOffset % PAGE_SIZE).to.equal(0);
        if (seg.memsz > seg.filesz && (start + seg.filesz) % PAGE_SIZE !== 0) {
          expect(p.zero).to.deep.equal({ start: start + seg.filesz, end: pageUp(start + seg.filesz) });
        } else {
          expect(p.zero).to.equal(undefined);
        }
      });
      const last = image.segments[image.segments.length - 1]!;
      expect(plan.highestAddr).to.equal(pageUp(PIE_LOAD_BIAS + last.vaddr + last.memsz));
      expect(plan.brkStart).to.equal(plan.highestAddr);
      expect(plan.lowestAddr).to.equal(PIE_LOAD_BIAS);
    });

    it('splits a segment into file pages, a zeroed tail and anonymous bss pages', () => {
      const image = parseElf(makeElf({ phdrs: basicSegments() }));
      const plan = planLoad(image, 0x10000);
      expect(plan.segments).to.deep.equal([
        { file: { addr: 0x10000, length: 0x2000, fileOffset: 0, prot: PROT_READ | PROT_EXEC } },
        {
          file: { addr: 0x12000, length: 0x2000, fileOffset: 0x1000, prot: PROT_READ | PROT_WRITE },
          zero: { start: 0x13100, end: 0x14000 },
          anon: { addr: 0x14000, length: 0x2000, prot: PROT_READ | PROT_WRITE },
        },
      ]);
      expect(plan.lowestAddr).to.equal(0x10000);
      expect(plan.highestAddr).to.equal(0x16000);
      expect(plan.phdrAddr).to.equal(0x10040);
      expect(plan.entry).to.equal(0x11000);
    });

    it('handles bss-only, exact-page, read-only and executable bss segments like Linux', () => {
      const image = parseElf(
        makeElf({
          type: 2,
          entry: 0x401000n,
          phdrs: [
            { type: PT_LOAD, flags: 5, offset: 0n, vaddr: 0x400000n, filesz: 0x2000n },
            { type: PT_LOAD, flags: 6, offset: 0n, vaddr: 0x410010n, filesz: 0n, memsz: 0x1000n },
            { type: PT_LOAD, flags: 4, offset: 0x800n, vaddr: 0x420800n, filesz: 0x100n, memsz: 0x2000n },
            { type: PT_LOAD, flags: 7, offset: 0x800n, vaddr: 0x430800n, filesz: 0x100n, memsz: 0x600n },
          ],
        }),
      );
      const plan = planLoad(image, 0);
      expect(plan.segments).to.deep.equal([
        { file: { addr: 0x400000, length: 0x2000, fileOffset: 0, prot: PROT_READ | PROT_EXEC } },
        // Nothing from the file: only anonymous pages covering [vaddr, vaddr + memsz).
        { anon: { addr: 0x410000, length: 0x2000, prot: PROT_READ | PROT_WRITE } },
        // Read-only: Linux's clearing of the page tail fails and is ignored; bss pages are RW anyway.
        {
          file: { addr: 0x420000, length: 0x1000, fileOffset: 0, prot: PROT_READ },
          anon: { addr: 0x421000, length: 0x2000, prot: PROT_READ | PROT_WRITE },
        },
        // The bss fits in the last file page: only the tail is cleared.
        {
          file: { addr: 0x430000, length: 0x1000, fileOffset: 0, prot: PROT_READ | PROT_WRITE | PROT_EXEC },
          zero: { start: 0x430900, end: 0x431000 },
        },
      ]);
      expect(plan.brkStart).to.equal(0x431000);
      expect(plan.lowestAddr).to.equal(0x400000);
    });

    it('rejects a bias for ET_EXEC and images that end beyond the address space', () => {
      const exec = parseElf(makeElf({ type: 2, phdrs: basicSegments() }));
      expect(() => planLoad(exec, 0x1000)).to.throw(RangeError);
      const dyn = parseElf(makeElf({ phdrs: basicSegments() }));
      expect(() => planLoad(dyn, 0x123)).to.throw(RangeError);
      expectExecError(() => planLoad(dyn, TASK_SIZE - 0x4000), 'EINVAL', /outside the user address space/);
    });

    it('uses the fixed no-ASLR bases', () => {
      expect(PIE_LOAD_BIAS).to.equal(0x555555554000);
      expect(pageDown(ELF_ET_DYN_BASE)).to.equal(PIE_LOAD_BIAS);
      expect(MMAP_BASE).to.equal(0x7ffff7fff000);
      expect(mainProgramBias(parseElf(readFileSync(TRUE)))).to.equal(PIE_LOAD_BIAS);
      // ld.so spans 0x35000 bytes on Debian 12: it ends right at the mmap base.
      const ld = parseElf(readFileSync(LD_SO));
      const bias = interpreterBias(ld);
      expect(planLoad(ld, bias).highestAddr).to.equal(MMAP_BASE);
      expect(bias % PAGE_SIZE).to.equal(0);
      expect(interpreterBias(ld, 0x7f0000000000)).to.equal(bias - (MMAP_BASE - 0x7f0000000000));
    });

    it('aligns a PIE to its largest segment alignment', () => {
      const phdrs = basicSegments();
      phdrs[0]!.align = 0x200000n;
      phdrs.push({ type: PT_INTERP, offset: 0x400n, filesz: 3n });
      const image = parseElf(makeElf({ phdrs, blobs: [[0x400, new TextEncoder().encode('/x\0')]] }));
      expect(mainProgramBias(image)).to.equal(0x555555400000);
      // Non-power-of-two alignments are ignored, as Linux does.
      phdrs[0]!.align = 0x300000n;
      expect(mainProgramBias(parseElf(makeElf({ phdrs, blobs: [[0x400, new TextEncoder().encode('/x\0')]] })))).to.equal(
        PIE_LOAD_BIAS,
      );
    });

    it('places a static PIE top-down and its brk at ELF_ET_DYN_BASE', function () {
      const image = parseElf(readFileSync(binary(this, 'staticPie')));
      const bias = mainProgramBias(image);
      const plan = planLoad(image, bias);
      expect(plan.highestAddr).to.equal(MMAP_BASE);
      expect(plan.brkStart).to.equal(0x555555555000);
    });

    // The same programs, run natively with randomization off: the plan must match /proc/self/maps.
    for (const name of ['static', 'staticPie', 'noPie', 'pie']) {
      it(`matches where Linux maps a ${name} program (setarch -R)`, function () {
        const run = probeRun(this, name);
        const path = binary(this, name);
        const image = parseElf(readFileSync(path));
        const plan = planLoad(image, mainProgramBias(image));
        const own = run.maps.filter((l) => l.path === path);
        expect(own[0]!.start).to.equal(plan.lowestAddr);
        // The image's last mapping may be the anonymous bss right after its file pages.
        const lastOwn = own[own.length - 1]!;
        const next = run.maps.find((l) => l.start === lastOwn.end);
        const end = next !== undefined && next.path === '' ? next.end : lastOwn.end;
        expect(end).to.equal(plan.highestAddr);
        for (const line of own) {
          expect(line.start).to.be.at.least(plan.lowestAddr);
          expect(line.end).to.be.at.most(plan.highestAddr);
        }
        const heap = run.maps.find((l) => l.path === '[heap]');
        expect(heap?.start).to.equal(plan.brkStart);
        expect(own[0]!.perms.startsWith('r')).to.equal(true);
      });
    }

    it('places ld.so where Linux does (setarch -R)', function () {
      const run = probeRun(this, 'pie');
      const ld = parseElf(readFileSync(LD_SO));
      const plan = planLoad(ld, interpreterBias(ld));
      const ldLines = run.maps.filter((l) => l.path.endsWith('/ld-linux-x86-64.so.2'));
      expect(ldLines[0]!.start).to.equal(plan.lowestAddr);
      expect(ldLines[ldLines.length - 1]!.end).to.equal(plan.highestAddr);
    });
  });

  describe('buildInitialStack', () => {
    const random = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    const baseAuxv: Array<[number, number]> = [
      [AT_MINSIGSTKSZ, 3632],
      [AT_HWCAP, 0x1f8bfbff],
      [AT_PAGESZ, 4096],
      [AT_CLKTCK, 100],
      [AT_PHDR, 0x555555554040],
      [AT_PHENT, 56],
      [AT_PHNUM, 13],
      [AT_BASE, 0x7ffff7fca000],
      [AT_FLAGS, 0],
      [AT_ENTRY, 0x5555555563d0],
      [AT_UID, 1000],
      [AT_EUID, 1000],
      [AT_GID, 1000],
      [AT_EGID, 1000],
      [AT_SECURE, 0],
      [AT_HWCAP2, 2],
    ];
    const input = (over: Partial<InitialStackInput> = {}): InitialStackInput => ({
      stackTop: STACK_TOP,
      argv: ['/bin/true', '--flag', 'wörd'],
      envp: ['PATH=/usr/bin:/bin', 'HOME=/root'],
      execfn: '/bin/true',
      platform: 'x86_64',
      random,
      auxv: baseAuxv,
      ...over,
    });

    it('lays out argc, argv, envp and auxv for the program to read', () => {
      const stack = buildInitialStack(input());
      expect(stack.sp % 16).to.equal(0);
      expect(stack.base).to.equal(stack.sp);
      expect(stack.bytes.length).to.equal(STACK_TOP - stack.sp);
      const d = decodeStack(stack.bytes, stack.sp);
      expect(d.argc).to.equal(3);
      expect(d.argvPtrs.map(d.cstring)).to.deep.equal(['/bin/true', '--flag', 'wörd']);
      expect(d.argvNull).to.equal(0);
      expect(d.envpPtrs.map(d.cstring)).to.deep.equal(['PATH=/usr/bin:/bin', 'HOME=/root']);
      expect(d.cstring(d.aux(AT_EXECFN))).to.equal('/bin/true');
      expect(d.cstring(d.aux(AT_PLATFORM))).to.equal('x86_64');
      const randomAt = d.aux(AT_RANDOM) - stack.sp;
      expect(stack.bytes.subarray(randomAt, randomAt + 16)).to.deep.equal(random);
      expect(d.auxv[d.auxv.length - 1]).to.deep.equal([AT_NULL, 0]);
      expect(d.auxv).to.deep.equal(stack.auxv);
      expect(d.auxv.some(([type]) => type === AT_SYSINFO_EHDR)).to.equal(false);
      // The last 8 bytes are a zero word, and the strings end right below it with execfn.
      expect([...stack.bytes.subarray(-8)]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(d.aux(AT_EXECFN)).to.equal(STACK_TOP - 8 - '/bin/true\0'.length);
      // argv strings, then envp strings, contiguous, as /proc/PID/cmdline reads them.
      expect(stack.argStart).to.equal(d.argvPtrs[0]);
      expect(stack.argEnd).to.equal(stack.envStart);
      expect(stack.envStart).to.equal(d.envpPtrs[0]);
      expect(stack.envEnd).to.equal(d.aux(AT_EXECFN));
      const cmdline = Buffer.from(stack.bytes.subarray(stack.argStart - stack.sp, stack.argEnd - stack.sp));
      expect(cmdline.toString('utf8')).to.equal('/bin/true\0--flag\0wörd\0');
      // Random bytes sit right below the platform string, both below the 16-aligned strings.
      expect(d.aux(AT_RANDOM) + 16).to.equal(d.aux(AT_PLATFORM));
      expect((d.aux(AT_PLATFORM) + 'x86_64\0'.length) % 16).to.equal(0);
      expect(d.auxvEnd).to.be.at.most(d.aux(AT_RANDOM));
    });

    it('puts the entries it adds where Linux does in the auxv', () => {
      const types = buildInitialStack(input()).auxv.map(([type]) => type);
      expect(types.slice(types.indexOf(AT_SECURE))).to.deep.equal([
        AT_SECURE,
        AT_RANDOM,
        AT_HWCAP2,
        AT_EXECFN,
        AT_PLATFORM,
        AT_NULL,
      ]);
      const minimal = buildInitialStack(input({ auxv: [[AT_PAGESZ, 4096]] })).auxv.map(([type]) => type);
      expect(minimal).to.deep.equal([AT_PAGESZ, AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_NULL]);
    });

    it('keeps sp 16-byte aligned whatever the sizes', () => {
      for (let argc = 0; argc < 4; argc++) {
        for (let len = 0; len < 20; len++) {
          const argv = Array.from({ length: argc }, (_, i) => 'x'.repeat(len + i));
          const stack = buildInitialStack(input({ argv, envp: argc % 2 ? ['A=b'] : [] }));
          expect(stack.sp % 16).to.equal(0);
          const d = decodeStack(stack.bytes, stack.sp);
          expect(d.argc).to.equal(argc);
          expect(d.argvPtrs.map(d.cstring)).to.deep.equal(argv);
        }
      }
    });

    it('takes raw bytes for strings', () => {
      const arg = Uint8Array.from([0xff, 0xfe, 0x41]);
      const stack = buildInitialStack(input({ argv: [arg], envp: [], execfn: Uint8Array.from([0x2f, 0x78]) }));
      const d = decodeStack(stack.bytes, stack.sp);
      const at = d.argvPtrs[0]! - stack.sp;
      expect([...stack.bytes.subarray(at, at + 4)]).to.deep.equal([0xff, 0xfe, 0x41, 0]);
      expect(d.cstring(d.aux(AT_EXECFN))).to.equal('/x');
    });

    it('refuses bad input', () => {
      expect(() => buildInitialStack(input({ auxv: [[AT_RANDOM, 1]] }))).to.throw(RangeError);
      expect(() => buildInitialStack(input({ random: new Uint8Array(8) }))).to.throw(RangeError);
      expect(() => buildInitialStack(input({ argv: ['a\0b'] }))).to.throw(RangeError);
      expect(() => buildInitialStack(input({ stackTop: STACK_TOP - 8 }))).to.throw(RangeError);
    });

    // The probe dumps its own initial stack; rebuilt from the same inputs (the vDSO's address
    // among them), ours must be that image byte for byte.
    for (const name of ['static', 'pie']) {
      it(`reproduces the stack Linux builds for a ${name} program byte for byte`, function () {
        const run = probeRun(this, name);
        const path = binary(this, name);
        const native = decodeStack(run.stack, run.sp);
        const nativeAuxv = native.auxv;
        const given = nativeAuxv.filter(([type]) => ![AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_NULL].includes(type));
        expect(given.some(([type]) => type === AT_SYSINFO_EHDR)).to.equal(true);
        const randomAt = native.aux(AT_RANDOM) - run.sp;
        expect(run.top).to.equal(STACK_TOP);
        const stack = buildInitialStack({
          stackTop: run.top,
          argv: [path, ...PROBE_ARGV_TAIL],
          envp: PROBE_ENV,
          execfn: path,
          platform: native.cstring(native.aux(AT_PLATFORM)),
          random: run.stack.slice(randomAt, randomAt + 16),
          auxv: given,
        });
        expect(stack.auxv).to.deep.equal(nativeAuxv);
        expect(stack.sp).to.equal(run.sp);
        expect(Buffer.from(stack.bytes).equals(Buffer.from(run.stack))).to.equal(true);
      });
    }
  });

  describe('parseShebang', () => {
    const text = (s: string) => new TextEncoder().encode(s);

    it('returns null for files that are not scripts', () => {
      expect(parseShebang(text(''))).to.equal(null);
      expect(parseShebang(text('#'))).to.equal(null);
      expect(parseShebang(text('# !/bin/sh\n'))).to.equal(null);
      expect(parseShebang(readFileSync(TRUE))).to.equal(null);
    });

    it('splits the line into the interpreter and one trimmed argument', () => {
      expect(parseShebang(text('#!/bin/sh\necho hi\n'))).to.deep.equal({ interpreter: '/bin/sh' });
      expect(parseShebang(text('#! \t/usr/bin/env  python3 -u \t \nprint()\n'))).to.deep.equal({
        interpreter: '/usr/bin/env',
        arg: 'python3 -u',
      });
      expect(parseShebang(text('#!/bin/sh'))).to.deep.equal({ interpreter: '/bin/sh' });
      expect(parseShebang(text('#!/bin/sh   \n'))).to.deep.equal({ interpreter: '/bin/sh' });
      // Only spaces and tabs separate: a CR stays in the name, as on Linux.
      expect(parseShebang(text('#!/bin/sh\r\n'))).to.deep.equal({ interpreter: '/bin/sh\r' });
      // A NUL ends the line.
      expect(parseShebang(text('#!/bin/sh a \0 b\n'))).to.deep.equal({ interpreter: '/bin/sh', arg: 'a ' });
    });

    it('refuses a #! line without interpreter', () => {
      expectExecError(() => parseShebang(text('#!\n')), 'ENOEXEC', '#! line has no interpreter');
      expectExecError(() => parseShebang(text('#!  \t \n/bin/sh')), 'ENOEXEC', '#! line has no interpreter');
      expectExecError(() => parseShebang(text('#!')), 'ENOEXEC', '#! line has no interpreter');
      expectExecError(() => parseShebang(text(`#!${' '.repeat(300)}`)), 'ENOEXEC', '#! line has no interpreter');
    });

    it('reads only the first BINPRM_BUF_SIZE bytes', () => {
      expect(BINPRM_BUF_SIZE).to.equal(256);
      const long = parseShebang(text(`#!/bin/sh ${'a'.repeat(400)}\n`));
      expect(long).to.deep.equal({ interpreter: '/bin/sh', arg: 'a'.repeat(BINPRM_BUF_SIZE - 1 - '#!/bin/sh '.length) });
      expectExecError(() => parseShebang(text(`#!/${'d/'.repeat(200)}sh\n`)), 'ENOEXEC', /does not fit in 256 bytes/);
    });

    // What the kernel itself does with the same lines: /bin/echo prints the argument it got.
    const scripts = ['#!/bin/echo\n', '#!/bin/echo  one  two \t\n', '#! \t/bin/echo x', '#!/bin/echo a  ', `#!/bin/echo ${'z'.repeat(300)}\n`];
    scripts.forEach((script, i) => {
      it(`agrees with the kernel on script ${JSON.stringify(script.slice(0, 30))}`, function () {
        if (!existsSync('/bin/echo')) this.skip();
        const path = join(dir, `script-${i}`);
        writeFileSync(path, script);
        chmodSync(path, 0o755);
        const printed = execFileSync(path, { encoding: 'utf8' });
        const parsed = parseShebang(text(script));
        expect(parsed?.interpreter).to.equal('/bin/echo');
        expect(printed).to.equal([...(parsed?.arg !== undefined ? [parsed.arg] : []), path].join(' ') + '\n');
      });
    });
  });
});
