/**
 * The initial process stack, byte for byte as Linux's exec builds it on x86-64
 * (fs/exec.c copies the strings, create_elf_tables in binfmt_elf adds the rest).
 *
 * From stackTop down:
 *   8 zero bytes | argv strings, envp strings, execfn | padding to 16 | platform string |
 *   16 random bytes | padding | auxv pairs + AT_NULL | NULL | envp pointers | NULL |
 *   argv pointers | argc  <- sp, 16-byte aligned
 */

import { encodeBytes } from '../../byte_string.js';

export const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_HWCAP2 = 26;
export const AT_RSEQ_FEATURE_SIZE = 27;
export const AT_RSEQ_ALIGN = 28;
export const AT_EXECFN = 31;
/** The vDSO's address (the sandbox's own, loader/vdso.ts; none in a recorded run, whose clock reads must trap). */
export const AT_SYSINFO_EHDR = 33;
export const AT_MINSIGSTKSZ = 51;

/** Top of the main thread's stack on x86-64 without ASLR (the end of the user address space). */
export const STACK_TOP = 0x7ffffffff000;

/** A string for the new program: text (encoded as UTF-8) or raw bytes, without NUL. */
export type StackString = string | Uint8Array;

export interface InitialStackInput {
  /** End of the stack (exclusive), 16-byte aligned. */
  stackTop: number;
  /** Linux gives a program started with an empty argv a single "" argument; that is the caller's job. */
  argv: readonly StackString[];
  envp: readonly StackString[];
  /** The path given to execve (AT_EXECFN). */
  execfn: StackString;
  /** AT_PLATFORM, "x86_64". */
  platform: string;
  /** The 16 AT_RANDOM bytes. */
  random: Uint8Array;
  /** Auxv entries in Linux's order, without AT_NULL, AT_RANDOM, AT_EXECFN, AT_PLATFORM (added here). */
  auxv: ReadonlyArray<readonly [number, number]>;
}

export interface InitialStack {
  /** The stack pointer at the first instruction: the address of argc. */
  sp: number;
  /** Address of bytes[0]; equal to sp. */
  base: number;
  /** The contents of [base, stackTop). */
  bytes: Uint8Array;
  /** [argStart, argEnd) and [envStart, envEnd): the strings, as /proc/PID/cmdline and environ read them. */
  argStart: number;
  argEnd: number;
  envStart: number;
  envEnd: number;
  /** The auxiliary vector as written, ending with [AT_NULL, 0], as /proc/PID/auxv shows it. */
  auxv: Array<[number, number]>;
}

const WORD = 8;
const RANDOM_BYTES = 16;
/** Added by buildInitialStack itself, or never given. */
const RESERVED_AUX_TYPES: ReadonlySet<number> = new Set([AT_NULL, AT_RANDOM, AT_EXECFN, AT_PLATFORM]);

export function buildInitialStack(input: InitialStackInput): InitialStack {
  const { stackTop } = input;
  if (!Number.isSafeInteger(stackTop) || stackTop <= 0 || stackTop % 16 !== 0) {
    throw new RangeError(`stack top ${stackTop} is not a 16-byte aligned address`);
  }
  if (input.random.length !== RANDOM_BYTES) {
    throw new RangeError(`AT_RANDOM needs ${RANDOM_BYTES} bytes, got ${input.random.length}`);
  }
  for (const [type, value] of input.auxv) {
    if (RESERVED_AUX_TYPES.has(type)) throw new RangeError(`auxv entry type ${type} must not be passed in`);
    checkWord(value, `auxv entry ${type}`);
  }

  // Each string's bytes (without its NUL, which the zeroed stack has already): written once.
  const argv = input.argv.map((s) => rawBytes(s, 'argv'));
  const envp = input.envp.map((s) => rawBytes(s, 'envp'));
  const execfn = rawBytes(input.execfn, 'execfn');
  const platform = rawBytes(input.platform, 'platform');

  // exec copies execfn first, then envp and argv each from its last string down, below a
  // zero word, so the strings end up in order: argv, envp, execfn.
  const execfnAddr = stackTop - WORD - (execfn.length + 1);
  const envEnd = execfnAddr;
  const envStart = envEnd - totalLength(envp);
  const argEnd = envStart;
  const argStart = argEnd - totalLength(argv);
  const platformAddr = alignDown16(argStart) - (platform.length + 1);
  const randomAddr = platformAddr - RANDOM_BYTES;

  const auxv = withLoaderEntries(input.auxv, randomAddr, execfnAddr, platformAddr);
  auxv.push([AT_NULL, 0]);
  const words = 1 + (argv.length + 1) + (envp.length + 1) + 2 * auxv.length;
  const sp = alignDown16(randomAddr - words * WORD);
  if (sp <= 0) throw new RangeError('arguments and environment do not fit below the stack top');

  const bytes = new Uint8Array(stackTop - sp);
  const view = new DataView(bytes.buffer);
  const putBytes = (addr: number, data: Uint8Array): void => bytes.set(data, addr - sp);
  let cursor = sp;
  const pushWord = (value: number): void => {
    // Two 32-bit halves (words are safe integers): no BigInt per word.
    view.setUint32(cursor - sp, value % 0x1_0000_0000, true);
    view.setUint32(cursor - sp + 4, Math.floor(value / 0x1_0000_0000), true);
    cursor += WORD;
  };

  /** Places the strings from `start` up and pushes their NULL-terminated pointer array. */
  const pushStrings = (strings: Uint8Array[], start: number): void => {
    let addr = start;
    for (const s of strings) {
      putBytes(addr, s);
      pushWord(addr);
      addr += s.length + 1;
    }
    pushWord(0);
  };

  pushWord(argv.length);
  pushStrings(argv, argStart);
  pushStrings(envp, envStart);
  for (const [type, value] of auxv) {
    pushWord(type);
    pushWord(value);
  }
  putBytes(randomAddr, input.random);
  putBytes(platformAddr, platform);
  putBytes(execfnAddr, execfn);

  return { sp, base: sp, bytes, argStart, argEnd, envStart, envEnd, auxv };
}

/**
 * Inserts the entries that point into the stack where Linux puts them:
 * ..., AT_SECURE, AT_RANDOM, [AT_HWCAP2], AT_EXECFN, AT_PLATFORM, ...
 * (at the end when the anchors are missing).
 */
function withLoaderEntries(
  given: ReadonlyArray<readonly [number, number]>,
  randomAddr: number,
  execfnAddr: number,
  platformAddr: number,
): Array<[number, number]> {
  const auxv = given.map(([type, value]): [number, number] => [type, value]);
  const secure = auxv.findIndex(([type]) => type === AT_SECURE);
  const randomAt = secure === -1 ? auxv.length : secure + 1;
  auxv.splice(randomAt, 0, [AT_RANDOM, randomAddr]);
  const hwcap2 = auxv.findIndex(([type]) => type === AT_HWCAP2);
  const namesAt = hwcap2 > randomAt ? hwcap2 + 1 : randomAt + 1;
  auxv.splice(namesAt, 0, [AT_EXECFN, execfnAddr], [AT_PLATFORM, platformAddr]);
  return auxv;
}

/** The bytes of a string, without the NUL that ends it on the stack. */
function rawBytes(s: StackString, what: string): Uint8Array {
  const raw = typeof s === 'string' ? encodeBytes(s) : s;
  if (raw.includes(0)) throw new RangeError(`${what} string contains a NUL byte`);
  return raw;
}

/** The room the strings take on the stack, their NULs included. */
function totalLength(strings: readonly Uint8Array[]): number {
  let n = 0;
  for (const s of strings) n += s.length + 1;
  return n;
}

function alignDown16(n: number): number {
  return Math.floor(n / 16) * 16;
}

function checkWord(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what}: ${value} is not a 64-bit word`);
}
