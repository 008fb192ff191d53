// --record's per-syscall path (format 6 on): rather than the strace text, the raw memory the
// text will be made from, read while the thread is stopped. Each argument kind reads what its
// decoder in format.ts reads (the same addresses and lengths, so the formatter later finds them),
// without making any text and without loading the formatter.
// test/unit/input_capture.test.ts checks, for every signature, that text made from the capture
// is the text made from the live memory.
import { syscallName } from '../kernel/syscalls/numbers.js';
import type { MemoryReader, SyscallRecord } from './format.js';
import {
  ARRAY_PAGE,
  DEFAULT_MAX_STRING,
  EPOLL_EVENT_SIZE,
  MAX_ARRAY,
  MAX_CPUSET_BYTES,
  MAX_DIRENTS_BYTES,
  PATH_MAX,
  UTS_FIELD,
  isErrorResult,
} from './format_limits.js';
import { fromWrites, writesHold, type MemoryRegion } from './recorded_memory.js';
import { type ParamArgKind, type SimpleArgKind, parseArgKind, syscallSignature } from './syscall_signatures.js';

const NOTHING: readonly MemoryRegion[] = [];
const NO_ARGS: readonly number[] = [];
const NO_MEMORY: MemoryReader = { readBytes: () => null, readCString: () => null };

/**
 * One call's capture. A single object serves every call (captureSyscallMemory runs on every
 * trap while recording: no context, closures or wrapper reader made per call).
 */
class CallCapture {
  /** The call's arguments and result. */
  args = NO_ARGS;
  result: SyscallRecord['result'] = 0;
  /** The call returned successfully (what it wrote is shown). */
  done = false;
  /** The thread's memory; reads through it directly are not kept (a pointer array's block beyond its NULL). */
  live = NO_MEMORY;
  /** What the kernel wrote (the record has it anyway: reads it covers are not kept). */
  writes = NOTHING;
  /** Regions kept for the record. */
  reads: MemoryRegion[] = [];

  /** A read that is kept (unless the call's writes hold it). */
  readBytes(addr: number, len: number): Uint8Array | null {
    if (this.writes.length > 0) {
      const w = fromWrites(this.writes, addr, len);
      if (w !== undefined) return w;
    }
    const bytes = this.live.readBytes(addr, len);
    if (bytes !== null) this.reads.push({ addr, bytes });
    return bytes;
  }

  /** A C string read that is kept, with its NUL when it had one within max. */
  readCString(addr: number, max: number): Uint8Array | null {
    const s = this.live.readCString(addr, max);
    if (s === null) return null;
    if (s.length >= max) {
      this.reads.push({ addr, bytes: s });
    } else {
      const withNul = new Uint8Array(s.length + 1);
      withNul.set(s);
      this.reads.push({ addr, bytes: withNul });
    }
    return s;
  }

  /** readBytes for a read whose bytes the caller does not look at: nothing made when the writes hold them. */
  touchBytes(addr: number, len: number): void {
    if (this.writes.length > 0 && writesHold(this.writes, addr, len)) return;
    const bytes = this.live.readBytes(addr, len);
    if (bytes !== null) this.reads.push({ addr, bytes });
  }

  keep(region: MemoryRegion): void {
    this.reads.push(region);
  }
}

type CaptureCtx = CallCapture;

/** Captures argument `index` (value v); ref is the argument a parameterized kind refers to. */
type Capture = (v: number, c: CaptureCtx, index: number, ref: number) => void;

const arg = (c: CaptureCtx, i: number): number => c.args[i] ?? 0;
const int32 = (v: number): number => v | 0;
const resultNumber = (c: CaptureCtx): number => c.result as number;

/** `len` bytes at addr, if there is anything to read. */
const bytes = (c: CaptureCtx, addr: number, len: number): void => {
  if (addr !== 0 && len > 0) c.touchBytes(addr, len);
};
const cString = (c: CaptureCtx, addr: number, max: number): void => {
  if (addr !== 0) c.readCString(addr, max + 1);
};
/** A structure the call reads. */
const inStruct = (size: number): Capture => (v, c) => bytes(c, v, size);
/** A structure the call writes: shown once it has succeeded. */
const outStruct = (size: number): Capture => (v, c) => {
  if (c.done) bytes(c, v, size);
};
/** `count` structures, cut at MAX_ARRAY as the formatter cuts them; their bytes, if readable. */
function array(c: CaptureCtx, addr: number, count: number, size: number): DataView | null {
  const len = Math.min(count, MAX_ARRAY) * size;
  if (addr === 0 || len <= 0) return null;
  const b = c.readBytes(addr, len);
  return b === null || b.length < len ? null : new DataView(b.buffer, b.byteOffset, len);
}
const ptrField = (d: DataView, off: number): number => Number(d.getBigUint64(off, true));

/** A socket address of `len` bytes (as much of it as the formatter shows). */
function sockaddr(c: CaptureCtx, addr: number, len: number): void {
  if (len >= 2) bytes(c, addr, Math.min(len, 128));
}

/** An iovec array and the bytes it points at; only `total` bytes in all if given. */
function iovec(c: CaptureCtx, addr: number, count: number, total: number | null): void {
  const d = array(c, addr, count, 16);
  if (d === null) return;
  let left = total ?? Number.MAX_SAFE_INTEGER;
  for (let off = 0; off < d.byteLength; off += 16) {
    const shown = Math.min(Number(d.getBigUint64(off + 8, true)), left);
    left -= shown;
    bytes(c, ptrField(d, off), Math.min(shown, DEFAULT_MAX_STRING));
  }
}

/** A struct msghdr and what it points at (its name, its iovecs). */
function msghdr(c: CaptureCtx, addr: number, total: number | null): void {
  if (addr === 0) return;
  const b = c.readBytes(addr, 56);
  if (b === null || b.length < 56) return;
  const d = new DataView(b.buffer, b.byteOffset, 56);
  const name = ptrField(d, 0);
  if (name !== 0) sockaddr(c, name, d.getUint32(8, true));
  iovec(c, ptrField(d, 16), Number(d.getBigUint64(24, true)), total);
}

/** futex commands whose 4th argument is a timeout (WAIT, LOCK_PI, WAIT_BITSET, WAIT_REQUEUE_PI, LOCK_PI2). */
const FUTEX_TIMEOUT_CMDS = new Set([0, 6, 9, 11, 13]);
/** The command without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME. */
const FUTEX_CMD_MASK = ~(128 | 256);

/**
 * A NULL-terminated pointer array (argv, envp) as format.ts's pointerArray reads it, in blocks up
 * to a page's end; what is kept stops at the NULL (the formatter then reads it entry by entry).
 * Returns the pointers.
 */
function pointerArray(c: CaptureCtx, addr: number, max: number): number[] {
  const items: number[] = [];
  const kept: Uint8Array[] = [];
  let at = addr;
  let blocks = true;
  while (items.length < max) {
    const toPageEnd = Math.max(1, Math.floor((ARRAY_PAGE - (at % ARRAY_PAGE)) / 8));
    const count = blocks ? Math.min(max - items.length, toPageEnd) : 1;
    const b = c.live.readBytes(at, count * 8);
    if (b === null || b.length < count * 8) {
      if (count === 1) break;
      blocks = false;
      continue;
    }
    const d = new DataView(b.buffer, b.byteOffset, b.length);
    let i = 0;
    for (; i < count; i++) {
      const p = Number(d.getBigUint64(i * 8, true));
      if (p === 0) break;
      items.push(p);
    }
    const ended = i < count;
    kept.push(b.subarray(0, (ended ? i + 1 : count) * 8));
    if (ended) break;
    at += count * 8;
  }
  if (kept.length > 0) c.keep({ addr, bytes: kept.length === 1 ? kept[0]!.slice() : Buffer.concat(kept) });
  return items;
}

const SIMPLE: Partial<Record<SimpleArgKind, Capture>> = {
  path: (v, c) => cString(c, v, PATH_MAX),
  str: (v, c) => cString(c, v, DEFAULT_MAX_STRING),
  outstr: (v, c) => {
    if (c.done) cString(c, v, PATH_MAX);
  },
  argv: (v, c) => {
    if (v === 0) return;
    for (const p of pointerArray(c, v, DEFAULT_MAX_STRING)) cString(c, p, DEFAULT_MAX_STRING);
  },
  envp: (v, c) => {
    if (v !== 0) pointerArray(c, v, 4096);
  },
  futexarg: (v, c, index) => {
    if (index === 3 && FUTEX_TIMEOUT_CMDS.has(int32(arg(c, 1)) & FUTEX_CMD_MASK)) bytes(c, v, 16);
  },

  sigset_in: inStruct(8),
  sigaction_in: inStruct(32),
  stack_in: inStruct(24),
  timespec_in: inStruct(16),
  itimerval_in: inStruct(32),
  rlimit_in: inStruct(16),
  utimes_in: inStruct(32),
  long_in: inStruct(8),
  epollevent_in: inStruct(EPOLL_EVENT_SIZE),
  msghdr_in: (v, c) => msghdr(c, v, null),
  cloneargs: inStruct(64),
  openhow: inStruct(24),

  sigset_out: outStruct(8),
  sigaction_out: outStruct(32),
  stack_out: outStruct(24),
  timespec_out: outStruct(16),
  timespec_rem: (v, c) => {
    if (typeof c.result === 'number' && isErrorResult(c.result)) bytes(c, v, 16);
  },
  timeval_out: outStruct(16),
  itimerval_out: outStruct(32),
  rlimit_out: outStruct(16),
  stat_out: outStruct(144),
  statx_out: outStruct(48),
  utsname_out: outStruct(2 * UTS_FIELD),
  wstatus_out: (v, c) => {
    if (typeof c.result === 'number' && c.result > 0) bytes(c, v, 4);
  },
  pipefds_out: outStruct(8),
  int_out: outStruct(4),
  uint_out: outStruct(4),
  time_out: outStruct(8),
  gidlist_out: (v, c) => {
    if (c.done && int32(arg(c, 0)) > 0) array(c, v, resultNumber(c), 4);
  },
  cpuset_out: (v, c) => {
    if (c.done) bytes(c, v, Math.min(resultNumber(c), MAX_CPUSET_BYTES));
  },
  dirents_out: (v, c) => {
    if (c.done) bytes(c, v, Math.min(resultNumber(c), MAX_DIRENTS_BYTES));
  },
  epollevents_out: (v, c) => {
    if (c.done) array(c, v, resultNumber(c), EPOLL_EVENT_SIZE);
  },
  sockoptval_out: outStruct(4),
  msghdr_out: (v, c) => {
    if (c.done) msghdr(c, v, resultNumber(c));
  },
};

const PARAM: Partial<Record<ParamArgKind, Capture>> = {
  inbuf: (v, c, _i, ref) => {
    const len = arg(c, ref);
    // The length as the formatter takes it (an unsigned 64-bit count), cut at maxString.
    bytes(c, v, len < 0 ? DEFAULT_MAX_STRING : Math.min(len, DEFAULT_MAX_STRING));
  },
  outbuf: (v, c) => {
    if (c.done) bytes(c, v, Math.min(resultNumber(c), DEFAULT_MAX_STRING));
  },
  outhex: (v, c) => {
    if (c.done) bytes(c, v, Math.min(resultNumber(c), DEFAULT_MAX_STRING));
  },
  iov_in: (v, c, _i, ref) => iovec(c, v, int32(arg(c, ref)), null),
  iov_out: (v, c, _i, ref) => {
    if (c.done) iovec(c, v, int32(arg(c, ref)), resultNumber(c));
  },
  sockaddr: (v, c, _i, ref) => {
    if (v !== 0) sockaddr(c, v, int32(arg(c, ref)));
  },
  sockaddr_out: (v, c, _i, ref) => {
    const lenPtr = arg(c, ref);
    if (!c.done || v === 0 || lenPtr === 0) return;
    const b = c.readBytes(lenPtr, 4);
    if (b !== null && b.length >= 4) sockaddr(c, v, new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true));
  },
  sockoptval_in: (v, c, _i, ref) => {
    const len = int32(arg(c, ref));
    bytes(c, v, len === 4 ? 4 : Math.min(len, DEFAULT_MAX_STRING));
  },
  pollfds: (v, c, _i, ref) => {
    array(c, v, arg(c, ref) >>> 0, 8);
  },
  fdset: (v, c, _i, ref) => {
    bytes(c, v, Math.ceil(Math.min(Math.max(int32(arg(c, ref)), 0), 65536) / 64) * 8);
  },
  gidlist_in: (v, c, _i, ref) => {
    array(c, v, Math.max(int32(arg(c, ref)), 0), 4);
  },
};

interface Step {
  readonly index: number;
  readonly ref: number;
  readonly capture: Capture;
}

/** Per syscall number, the arguments that read memory (built on first use; null: none). */
const plans: (readonly Step[] | null)[] = [];

function planFor(nr: number): readonly Step[] | null {
  let plan = plans[nr];
  if (plan === undefined) {
    const steps: Step[] = [];
    syscallSignature(syscallName(nr))?.forEach((kind, index) => {
      const k = parseArgKind(kind);
      const capture = k.ref === undefined ? SIMPLE[k.kind] : PARAM[k.kind];
      if (capture !== undefined) steps.push({ index, ref: k.ref ?? 0, capture });
    });
    plan = steps.length > 0 ? steps : null;
    if (nr >= 0 && nr < 1024) plans[nr] = plan;
  }
  return plan;
}

const capture = new CallCapture();

/** Whether calls of number nr read any memory the capture keeps (most keep none: asked first). */
export function capturesMemory(nr: number): boolean {
  return planFor(nr) !== null;
}

/**
 * The regions of the (stopped) thread's memory the call's strace text will read, beyond what the
 * kernel wrote (`writes`, which the record holds anyway). `live` is read only when the call's
 * arguments point at any.
 */
export function captureSyscallMemory(call: SyscallRecord, live: MemoryReader, writes: readonly MemoryRegion[]): readonly MemoryRegion[] {
  return captureCallMemory(call.nr, call.args, call.result, live, writes);
}

/** captureSyscallMemory of the call nr(args) = result, given as they are (no record object made). */
export function captureCallMemory(
  nr: number,
  args: readonly number[],
  result: SyscallRecord['result'],
  live: MemoryReader,
  writes: readonly MemoryRegion[],
): readonly MemoryRegion[] {
  const plan = planFor(nr);
  if (plan === null) return NOTHING;
  const c = capture;
  const reads: MemoryRegion[] = [];
  c.args = args;
  c.result = result;
  c.done = typeof result === 'number' && !isErrorResult(result);
  c.live = live;
  c.writes = writes;
  c.reads = reads;
  try {
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i]!;
      step.capture(args[step.index] ?? 0, c, step.index, step.ref);
    }
  } finally {
    // Nothing of this call is held once it is captured.
    c.args = NO_ARGS;
    c.live = NO_MEMORY;
    c.writes = NOTHING;
  }
  return reads;
}
