// strace-style formatting of one syscall record:
//   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
// Arguments are decoded from their kinds (syscall_signatures.ts) by the decoders below; the
// constants come from tables so that adding a name means adding a row, not a branch.

import { errnoMessage, errnoName, isRestartErrno } from '../kernel/errno.js';
import { syscallName } from '../kernel/syscalls/numbers.js';
import { ipv6Text } from '../kernel/syscalls/inet_address.js';
import {
  type ArgKind,
  type ParamArgKind,
  type SimpleArgKind,
  displayOrder,
  parseArgKind,
  syscallResultKind,
  syscallSignature,
} from './syscall_signatures.js';
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

/** Read access to the traced program's memory. */
export interface MemoryReader {
  /** Exactly `len` bytes at `addr`, or null if any of them is unreadable. */
  readBytes(addr: number, len: number): Uint8Array | null;
  /**
   * The bytes at `addr` up to (not including) the first NUL, at most `max` of them (so a result
   * of length `max` may have been cut short), or null if unreadable.
   */
  readCString(addr: number, max: number): Uint8Array | null;
}

export interface SyscallRecord {
  readonly nr: number;
  /** The argument registers, as signed 64-bit values (so -100 is AT_FDCWD). */
  readonly args: readonly number[];
  /** The return register (negative errno on failure), or why there is none yet. */
  readonly result: number | 'pending' | 'noreturn';
}

export interface FormatOptions {
  /** Longest string or buffer printed before `...` (strace -s); default 32. */
  readonly maxString?: number;
}


// ---------------------------------------------------------------------------------------------
// Numbers.

/** The 64-bit register pattern of a value (two's complement for negatives). */
const U64 = (v: number | bigint): bigint =>
  BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Number.isFinite(v) ? Math.trunc(v) : 0));

/** `%#lx`: 0x1f, but plain 0 for zero; negative values as their 64-bit two's complement. */
export function hex(v: number | bigint): string {
  if (typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) {
    return v === 0 ? '0' : `0x${v.toString(16)}`;
  }
  const u = U64(v);
  return u === 0n ? '0' : `0x${u.toString(16)}`;
}

/** A pointer: NULL or hex. */
function ptr(v: number): string {
  return v === 0 ? 'NULL' : hex(v);
}

const int32 = (v: number): number => v | 0;
const uint32 = (v: number): number => v >>> 0;

/** `%#03o`: 000, 0644, 04755. */
export function octal(v: number): string {
  const s = v === 0 ? '0' : `0${v.toString(8)}`;
  return s.padStart(3, '0');
}

export { isErrorResult };

// ---------------------------------------------------------------------------------------------
// Constant tables.

type Entries = readonly (readonly [number, string])[];
type ValueTable = ReadonlyMap<number, string>;

const table = (entries: Entries): ValueTable => new Map(entries);

/** A named value, else the number in decimal. */
function named(t: ValueTable, v: number): string {
  return t.get(v) ?? String(v);
}

/** A named value, else the number in hex. */
function namedHex(t: ValueTable, v: number): string {
  return t.get(v) ?? hex(v);
}

interface FlagSpec {
  /** Bits in print order; a multi-bit value listed before its parts wins over them (O_SYNC). */
  readonly flags: Entries;
  /** What to print when the value is 0 (else "0"). */
  readonly zero?: string;
  /** An enumerated sub-field (access mode, mapping type, exit signal), printed first or last. */
  readonly field?: {
    readonly mask: number;
    readonly decode: (v: number) => string | null;
    readonly last?: boolean;
  };
}

interface CompiledFlags {
  readonly flags: readonly (readonly [bigint, string])[];
  /** The same bits as numbers, when all of them fit in 32 bits (the common, faster case). */
  readonly small: readonly (readonly [number, string])[] | null;
  readonly zero: string;
  readonly field?: FlagSpec['field'] & { readonly bigMask: bigint };
}

function flagSet(spec: FlagSpec): CompiledFlags {
  return {
    flags: spec.flags.map(([bit, name]) => [BigInt(bit), name] as const),
    small: spec.flags.every(([bit]) => bit >= 0 && bit <= 0xffffffff) ? spec.flags : null,
    zero: spec.zero ?? '0',
    field: spec.field && { ...spec.field, bigMask: BigInt(spec.field.mask) },
  };
}

/** NAME|NAME|0x40 (unknown bits in hex at the end), or the table's zero name. */
function flags(set: CompiledFlags, v: number | bigint): string {
  if (set.small !== null && typeof v === 'number' && v >= 0 && v <= 0xffffffff) {
    return flags32(set, set.small, v);
  }
  let rest = U64(v);
  const parts: string[] = [];
  let fieldText: string | null = null;
  if (set.field) {
    const f = rest & set.field.bigMask;
    rest &= ~set.field.bigMask;
    fieldText = set.field.decode(Number(f));
    if (fieldText !== null && !set.field.last) parts.push(fieldText);
  }
  for (const [bit, name] of set.flags) {
    if (bit !== 0n && (rest & bit) === bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0n) parts.push(`0x${rest.toString(16)}`);
  if (fieldText !== null && set.field?.last) parts.push(fieldText);
  return parts.length > 0 ? parts.join('|') : set.zero;
}

/** flags() for a 32-bit value and table, without BigInt. */
function flags32(set: CompiledFlags, bits: readonly (readonly [number, string])[], v: number): string {
  let rest = v;
  const parts: string[] = [];
  let fieldText: string | null = null;
  if (set.field) {
    fieldText = set.field.decode((rest & set.field.mask) >>> 0);
    rest = (rest & ~set.field.mask) >>> 0;
    if (fieldText !== null && !set.field.last) parts.push(fieldText);
  }
  for (const [bit, name] of bits) {
    if (bit !== 0 && ((rest & bit) >>> 0) === bit) {
      parts.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  if (fieldText !== null && set.field?.last) parts.push(fieldText);
  return parts.length > 0 ? parts.join('|') : set.zero;
}

const SIGNAL_NAMES: readonly string[] = [
  '0', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE',
  'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT',
  'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU',
  'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];
const SIGRTMIN = 32;
const SIGRTMAX = 64;

/** SIGINT, SIGRTMIN, SIGRT_3 (= SIGRTMIN+3), or the number. */
export function signalName(n: number): string {
  if (n >= 0 && n < SIGNAL_NAMES.length) return SIGNAL_NAMES[n]!;
  if (n === SIGRTMIN) return 'SIGRTMIN';
  if (n > SIGRTMIN && n <= SIGRTMAX) return `SIGRT_${n - SIGRTMIN}`;
  return String(n);
}

const OPEN_ACCMODE = table([
  [0, 'O_RDONLY'],
  [1, 'O_WRONLY'],
  [2, 'O_RDWR'],
  [3, 'O_ACCMODE'],
]);

// Values from asm-generic/fcntl.h (x86-64 uses the generic ones, O_LARGEFILE included).
const OPEN_FLAG_BITS: Entries = [
  [0o100, 'O_CREAT'],
  [0o200, 'O_EXCL'],
  [0o400, 'O_NOCTTY'],
  [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'],
  [0o4010000, 'O_SYNC'], // __O_SYNC|O_DSYNC: before O_DSYNC
  [0o10000, 'O_DSYNC'],
  [0o20000, 'O_ASYNC'],
  [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'],
  [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'],
  [0o10000000, 'O_PATH'],
  [0o20200000, 'O_TMPFILE'], // __O_TMPFILE|O_DIRECTORY: before O_DIRECTORY
  [0o200000, 'O_DIRECTORY'],
];
const O_CREAT = 0o100;
const O_TMPFILE_BIT = 0o20000000;

const OPEN_FLAGS = flagSet({
  flags: OPEN_FLAG_BITS,
  field: { mask: 3, decode: (v) => named(OPEN_ACCMODE, v) },
});
const FD_OPEN_FLAGS = flagSet({ flags: OPEN_FLAG_BITS });

const PROT = flagSet({
  zero: 'PROT_NONE',
  flags: [
    [0x1, 'PROT_READ'],
    [0x2, 'PROT_WRITE'],
    [0x4, 'PROT_EXEC'],
    [0x8, 'PROT_SEM'],
    [0x01000000, 'PROT_GROWSDOWN'],
    [0x02000000, 'PROT_GROWSUP'],
  ],
});

const MAP_TYPES = table([
  [1, 'MAP_SHARED'],
  [2, 'MAP_PRIVATE'],
  [3, 'MAP_SHARED_VALIDATE'],
]);
const MMAP_FLAGS = flagSet({
  field: { mask: 0xf, decode: (v) => (v === 0 ? null : namedHex(MAP_TYPES, v)) },
  flags: [
    [0x10, 'MAP_FIXED'],
    [0x20, 'MAP_ANONYMOUS'],
    [0x40, 'MAP_32BIT'],
    [0x100, 'MAP_GROWSDOWN'],
    [0x800, 'MAP_DENYWRITE'],
    [0x1000, 'MAP_EXECUTABLE'],
    [0x2000, 'MAP_LOCKED'],
    [0x4000, 'MAP_NORESERVE'],
    [0x8000, 'MAP_POPULATE'],
    [0x10000, 'MAP_NONBLOCK'],
    [0x20000, 'MAP_STACK'],
    [0x40000, 'MAP_HUGETLB'],
    [0x80000, 'MAP_SYNC'],
    [0x100000, 'MAP_FIXED_NOREPLACE'],
    [0x4000000, 'MAP_UNINITIALIZED'],
  ],
});

const MREMAP_FLAGS = flagSet({
  flags: [
    [1, 'MREMAP_MAYMOVE'],
    [2, 'MREMAP_FIXED'],
    [4, 'MREMAP_DONTUNMAP'],
  ],
});

const MSYNC_FLAGS = flagSet({
  flags: [
    [1, 'MS_ASYNC'],
    [2, 'MS_INVALIDATE'],
    [4, 'MS_SYNC'],
  ],
});

const MADVISE = table([
  [0, 'MADV_NORMAL'],
  [1, 'MADV_RANDOM'],
  [2, 'MADV_SEQUENTIAL'],
  [3, 'MADV_WILLNEED'],
  [4, 'MADV_DONTNEED'],
  [8, 'MADV_FREE'],
  [9, 'MADV_REMOVE'],
  [10, 'MADV_DONTFORK'],
  [11, 'MADV_DOFORK'],
  [12, 'MADV_MERGEABLE'],
  [13, 'MADV_UNMERGEABLE'],
  [14, 'MADV_HUGEPAGE'],
  [15, 'MADV_NOHUGEPAGE'],
  [16, 'MADV_DONTDUMP'],
  [17, 'MADV_DODUMP'],
  [18, 'MADV_WIPEONFORK'],
  [19, 'MADV_KEEPONFORK'],
  [20, 'MADV_COLD'],
  [21, 'MADV_PAGEOUT'],
  [22, 'MADV_POPULATE_READ'],
  [23, 'MADV_POPULATE_WRITE'],
  [24, 'MADV_DONTNEED_LOCKED'],
  [25, 'MADV_COLLAPSE'],
  [100, 'MADV_HWPOISON'],
  [101, 'MADV_SOFT_OFFLINE'],
]);

const AT_FDCWD = -100;

const AT_FLAGS = flagSet({
  flags: [
    [0x100, 'AT_SYMLINK_NOFOLLOW'],
    [0x200, 'AT_REMOVEDIR'],
    [0x400, 'AT_SYMLINK_FOLLOW'],
    [0x800, 'AT_NO_AUTOMOUNT'],
    [0x1000, 'AT_EMPTY_PATH'],
    [0x2000, 'AT_STATX_FORCE_SYNC'],
    [0x4000, 'AT_STATX_DONT_SYNC'],
    [0x8000, 'AT_RECURSIVE'],
  ],
});

// faccessat2 gives 0x200 another meaning than unlinkat does.
const FACCESSAT_FLAGS = flagSet({
  flags: [
    [0x100, 'AT_SYMLINK_NOFOLLOW'],
    [0x200, 'AT_EACCESS'],
    [0x1000, 'AT_EMPTY_PATH'],
  ],
});

const STATX_SYNC_TYPES = table([
  [0, 'AT_STATX_SYNC_AS_STAT'],
  [0x2000, 'AT_STATX_FORCE_SYNC'],
  [0x4000, 'AT_STATX_DONT_SYNC'],
]);
const STATX_FLAGS = flagSet({
  field: { mask: 0x6000, decode: (v) => namedHex(STATX_SYNC_TYPES, v) },
  flags: [
    [0x100, 'AT_SYMLINK_NOFOLLOW'],
    [0x800, 'AT_NO_AUTOMOUNT'],
    [0x1000, 'AT_EMPTY_PATH'],
  ],
});

const STATX_MASK = flagSet({
  flags: [
    [0xfff, 'STATX_ALL'],
    [0x7ff, 'STATX_BASIC_STATS'],
    [0x1, 'STATX_TYPE'],
    [0x2, 'STATX_MODE'],
    [0x4, 'STATX_NLINK'],
    [0x8, 'STATX_UID'],
    [0x10, 'STATX_GID'],
    [0x20, 'STATX_ATIME'],
    [0x40, 'STATX_MTIME'],
    [0x80, 'STATX_CTIME'],
    [0x100, 'STATX_INO'],
    [0x200, 'STATX_SIZE'],
    [0x400, 'STATX_BLOCKS'],
    [0x800, 'STATX_BTIME'],
    [0x1000, 'STATX_MNT_ID'],
    [0x2000, 'STATX_DIOALIGN'],
    [0x4000, 'STATX_MNT_ID_UNIQUE'],
  ],
});

const STATX_ATTRIBUTES = flagSet({
  flags: [
    [0x4, 'STATX_ATTR_COMPRESSED'],
    [0x10, 'STATX_ATTR_IMMUTABLE'],
    [0x20, 'STATX_ATTR_APPEND'],
    [0x40, 'STATX_ATTR_NODUMP'],
    [0x800, 'STATX_ATTR_ENCRYPTED'],
    [0x1000, 'STATX_ATTR_AUTOMOUNT'],
    [0x2000, 'STATX_ATTR_MOUNT_ROOT'],
    [0x100000, 'STATX_ATTR_VERITY'],
    [0x200000, 'STATX_ATTR_DAX'],
  ],
});

const ACCESS_MODE = flagSet({
  zero: 'F_OK',
  flags: [
    [4, 'R_OK'],
    [2, 'W_OK'],
    [1, 'X_OK'],
  ],
});

const WHENCE = table([
  [0, 'SEEK_SET'],
  [1, 'SEEK_CUR'],
  [2, 'SEEK_END'],
  [3, 'SEEK_DATA'],
  [4, 'SEEK_HOLE'],
]);

const SIG_HOW = table([
  [0, 'SIG_BLOCK'],
  [1, 'SIG_UNBLOCK'],
  [2, 'SIG_SETMASK'],
]);

const SA_FLAGS = flagSet({
  flags: [
    [0x04000000, 'SA_RESTORER'],
    [0x08000000, 'SA_ONSTACK'],
    [0x10000000, 'SA_RESTART'],
    [0x40000000, 'SA_NODEFER'],
    [0x80000000, 'SA_RESETHAND'],
    [0x4, 'SA_SIGINFO'],
    [0x1, 'SA_NOCLDSTOP'],
    [0x2, 'SA_NOCLDWAIT'],
    [0x400, 'SA_UNSUPPORTED'],
    [0x800, 'SA_EXPOSE_TAGBITS'],
  ],
});
const SA_RESTORER = 0x04000000;

const SIG_HANDLERS = table([
  [0, 'SIG_DFL'],
  [1, 'SIG_IGN'],
]);

const SS_FLAGS = flagSet({
  flags: [
    [1, 'SS_ONSTACK'],
    [2, 'SS_DISABLE'],
    [0x80000000, 'SS_AUTODISARM'],
  ],
});

const CLONE_FLAG_BITS: Entries = [
  [0x00000100, 'CLONE_VM'],
  [0x00000200, 'CLONE_FS'],
  [0x00000400, 'CLONE_FILES'],
  [0x00000800, 'CLONE_SIGHAND'],
  [0x00001000, 'CLONE_PIDFD'],
  [0x00002000, 'CLONE_PTRACE'],
  [0x00004000, 'CLONE_VFORK'],
  [0x00008000, 'CLONE_PARENT'],
  [0x00010000, 'CLONE_THREAD'],
  [0x00020000, 'CLONE_NEWNS'],
  [0x00040000, 'CLONE_SYSVSEM'],
  [0x00080000, 'CLONE_SETTLS'],
  [0x00100000, 'CLONE_PARENT_SETTID'],
  [0x00200000, 'CLONE_CHILD_CLEARTID'],
  [0x00400000, 'CLONE_DETACHED'],
  [0x00800000, 'CLONE_UNTRACED'],
  [0x01000000, 'CLONE_CHILD_SETTID'],
  [0x02000000, 'CLONE_NEWCGROUP'],
  [0x04000000, 'CLONE_NEWUTS'],
  [0x08000000, 'CLONE_NEWIPC'],
  [0x10000000, 'CLONE_NEWUSER'],
  [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'],
  [0x80000000, 'CLONE_IO'],
  [0x100000000, 'CLONE_CLEAR_SIGHAND'], // clone3 only
  [0x200000000, 'CLONE_INTO_CGROUP'], // clone3 only
];
// clone(2) carries the child's exit signal in the low byte; strace prints it last.
const CLONE_FLAGS = flagSet({
  flags: CLONE_FLAG_BITS,
  field: { mask: 0xff, decode: (v) => (v === 0 ? null : signalName(v)), last: true },
});
const CLONE3_FLAGS = flagSet({ flags: CLONE_FLAG_BITS });
const CLONE_SETTLS = 0x00080000;
const CLONE_PARENT_SETTID = 0x00100000;
const CLONE_CHILD_TID = 0x00200000 | 0x01000000; // CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID

const F_GETFD = 1;
const F_GETFL = 3;
const F_GET_SEALS = 1034;
const FCNTL_CMDS = table([
  [0, 'F_DUPFD'],
  [1, 'F_GETFD'],
  [2, 'F_SETFD'],
  [3, 'F_GETFL'],
  [4, 'F_SETFL'],
  [5, 'F_GETLK'],
  [6, 'F_SETLK'],
  [7, 'F_SETLKW'],
  [8, 'F_SETOWN'],
  [9, 'F_GETOWN'],
  [10, 'F_SETSIG'],
  [11, 'F_GETSIG'],
  [15, 'F_SETOWN_EX'],
  [16, 'F_GETOWN_EX'],
  [17, 'F_GETOWNER_UIDS'],
  [36, 'F_OFD_GETLK'],
  [37, 'F_OFD_SETLK'],
  [38, 'F_OFD_SETLKW'],
  [1024, 'F_SETLEASE'],
  [1025, 'F_GETLEASE'],
  [1026, 'F_NOTIFY'],
  [1030, 'F_DUPFD_CLOEXEC'],
  [1031, 'F_SETPIPE_SZ'],
  [1032, 'F_GETPIPE_SZ'],
  [1033, 'F_ADD_SEALS'],
  [1034, 'F_GET_SEALS'],
]);

const FD_FLAGS = flagSet({ flags: [[1, 'FD_CLOEXEC']] });

const LOCK_TYPES = table([
  [0, 'F_RDLCK'],
  [1, 'F_WRLCK'],
  [2, 'F_UNLCK'],
]);

const SEAL_FLAGS = flagSet({
  flags: [
    [0x1, 'F_SEAL_SEAL'],
    [0x2, 'F_SEAL_SHRINK'],
    [0x4, 'F_SEAL_GROW'],
    [0x8, 'F_SEAL_WRITE'],
    [0x10, 'F_SEAL_FUTURE_WRITE'],
    [0x20, 'F_SEAL_EXEC'],
  ],
});

const IOCTL_REQUESTS = table([
  [0x5401, 'TCGETS'],
  [0x5402, 'TCSETS'],
  [0x5403, 'TCSETSW'],
  [0x5404, 'TCSETSF'],
  [0x5405, 'TCGETA'],
  [0x5406, 'TCSETA'],
  [0x5407, 'TCSETAW'],
  [0x5408, 'TCSETAF'],
  [0x5409, 'TCSBRK'],
  [0x540a, 'TCXONC'],
  [0x540b, 'TCFLSH'],
  [0x540c, 'TIOCEXCL'],
  [0x540d, 'TIOCNXCL'],
  [0x540e, 'TIOCSCTTY'],
  [0x540f, 'TIOCGPGRP'],
  [0x5410, 'TIOCSPGRP'],
  [0x5411, 'TIOCOUTQ'],
  [0x5412, 'TIOCSTI'],
  [0x5413, 'TIOCGWINSZ'],
  [0x5414, 'TIOCSWINSZ'],
  [0x5415, 'TIOCMGET'],
  [0x5416, 'TIOCMBIS'],
  [0x5417, 'TIOCMBIC'],
  [0x5418, 'TIOCMSET'],
  [0x541b, 'FIONREAD'],
  [0x541c, 'TIOCLINUX'],
  [0x541d, 'TIOCCONS'],
  [0x5420, 'TIOCPKT'],
  [0x5421, 'FIONBIO'],
  [0x5422, 'TIOCNOTTY'],
  [0x5423, 'TIOCSETD'],
  [0x5424, 'TIOCGETD'],
  [0x5427, 'TIOCSBRK'],
  [0x5428, 'TIOCCBRK'],
  [0x5429, 'TIOCGSID'],
  [0x802c542a, 'TCGETS2'],
  [0x402c542b, 'TCSETS2'],
  [0x80045430, 'TIOCGPTN'],
  [0x40045431, 'TIOCSPTLCK'],
  [0x80045432, 'TIOCGDEV'],
  [0x5441, 'TIOCGPTPEER'],
  [0x5450, 'FIONCLEX'],
  [0x5451, 'FIOCLEX'],
  [0x5452, 'FIOASYNC'],
  [0x5460, 'FIOQSIZE'],
  [0x80086601, 'FS_IOC_GETFLAGS'],
  [0x40086602, 'FS_IOC_SETFLAGS'],
  [0x801c581f, 'FS_IOC_FSGETXATTR'],
  [0x401c5820, 'FS_IOC_FSSETXATTR'],
  [0x40049409, 'FICLONE'],
  [0x4020940d, 'FICLONERANGE'],
  [0x8901, 'FIOSETOWN'],
  [0x8903, 'FIOGETOWN'],
  [0x8904, 'SIOCGPGRP'],
  [0x8910, 'SIOCGIFNAME'],
  [0x8912, 'SIOCGIFCONF'],
  [0x8913, 'SIOCGIFFLAGS'],
  [0x8915, 'SIOCGIFADDR'],
  [0x8927, 'SIOCGIFHWADDR'],
  [0x8933, 'SIOCGIFINDEX'],
]);

const WAIT_OPTIONS = flagSet({
  flags: [
    [0x1, 'WNOHANG'],
    [0x2, 'WUNTRACED'], // WSTOPPED for waitid: the same bit
    [0x4, 'WEXITED'],
    [0x8, 'WCONTINUED'],
    [0x01000000, 'WNOWAIT'],
    [0x20000000, '__WNOTHREAD'],
    [0x40000000, '__WALL'],
    [0x80000000, '__WCLONE'],
  ],
});

const ID_TYPES = table([
  [0, 'P_ALL'],
  [1, 'P_PID'],
  [2, 'P_PGID'],
  [3, 'P_PIDFD'],
]);

const CLOCK_IDS = table([
  [0, 'CLOCK_REALTIME'],
  [1, 'CLOCK_MONOTONIC'],
  [2, 'CLOCK_PROCESS_CPUTIME_ID'],
  [3, 'CLOCK_THREAD_CPUTIME_ID'],
  [4, 'CLOCK_MONOTONIC_RAW'],
  [5, 'CLOCK_REALTIME_COARSE'],
  [6, 'CLOCK_MONOTONIC_COARSE'],
  [7, 'CLOCK_BOOTTIME'],
  [8, 'CLOCK_REALTIME_ALARM'],
  [9, 'CLOCK_BOOTTIME_ALARM'],
  [11, 'CLOCK_TAI'],
]);

const TIMER_FLAGS = flagSet({ flags: [[1, 'TIMER_ABSTIME']] });

const ITIMER_WHICH = table([
  [0, 'ITIMER_REAL'],
  [1, 'ITIMER_VIRTUAL'],
  [2, 'ITIMER_PROF'],
]);

const PRCTL_OPTIONS = table([
  [1, 'PR_SET_PDEATHSIG'],
  [2, 'PR_GET_PDEATHSIG'],
  [3, 'PR_GET_DUMPABLE'],
  [4, 'PR_SET_DUMPABLE'],
  [5, 'PR_GET_UNALIGN'],
  [6, 'PR_SET_UNALIGN'],
  [7, 'PR_GET_KEEPCAPS'],
  [8, 'PR_SET_KEEPCAPS'],
  [9, 'PR_GET_FPEMU'],
  [10, 'PR_SET_FPEMU'],
  [11, 'PR_GET_FPEXC'],
  [12, 'PR_SET_FPEXC'],
  [13, 'PR_GET_TIMING'],
  [14, 'PR_SET_TIMING'],
  [15, 'PR_SET_NAME'],
  [16, 'PR_GET_NAME'],
  [19, 'PR_GET_ENDIAN'],
  [20, 'PR_SET_ENDIAN'],
  [21, 'PR_GET_SECCOMP'],
  [22, 'PR_SET_SECCOMP'],
  [23, 'PR_CAPBSET_READ'],
  [24, 'PR_CAPBSET_DROP'],
  [25, 'PR_GET_TSC'],
  [26, 'PR_SET_TSC'],
  [27, 'PR_GET_SECUREBITS'],
  [28, 'PR_SET_SECUREBITS'],
  [29, 'PR_SET_TIMERSLACK'],
  [30, 'PR_GET_TIMERSLACK'],
  [31, 'PR_TASK_PERF_EVENTS_DISABLE'],
  [32, 'PR_TASK_PERF_EVENTS_ENABLE'],
  [33, 'PR_MCE_KILL'],
  [34, 'PR_MCE_KILL_GET'],
  [35, 'PR_SET_MM'],
  [36, 'PR_SET_CHILD_SUBREAPER'],
  [37, 'PR_GET_CHILD_SUBREAPER'],
  [38, 'PR_SET_NO_NEW_PRIVS'],
  [39, 'PR_GET_NO_NEW_PRIVS'],
  [40, 'PR_GET_TID_ADDRESS'],
  [41, 'PR_SET_THP_DISABLE'],
  [42, 'PR_GET_THP_DISABLE'],
  [43, 'PR_MPX_ENABLE_MANAGEMENT'],
  [44, 'PR_MPX_DISABLE_MANAGEMENT'],
  [45, 'PR_SET_FP_MODE'],
  [46, 'PR_GET_FP_MODE'],
  [47, 'PR_CAP_AMBIENT'],
  [50, 'PR_SVE_SET_VL'],
  [51, 'PR_SVE_GET_VL'],
  [52, 'PR_GET_SPECULATION_CTRL'],
  [53, 'PR_SET_SPECULATION_CTRL'],
  [54, 'PR_PAC_RESET_KEYS'],
  [55, 'PR_SET_TAGGED_ADDR_CTRL'],
  [56, 'PR_GET_TAGGED_ADDR_CTRL'],
  [57, 'PR_SET_IO_FLUSHER'],
  [58, 'PR_GET_IO_FLUSHER'],
  [59, 'PR_SET_SYSCALL_USER_DISPATCH'],
  [60, 'PR_PAC_SET_ENABLED_KEYS'],
  [61, 'PR_PAC_GET_ENABLED_KEYS'],
  [62, 'PR_SCHED_CORE'],
  [63, 'PR_SME_SET_VL'],
  [64, 'PR_SME_GET_VL'],
  [0x53564d41, 'PR_SET_VMA'],
  [0x59616d61, 'PR_SET_PTRACER'],
]);

const ARCH_PRCTL_CODES = table([
  [0x1001, 'ARCH_SET_GS'],
  [0x1002, 'ARCH_SET_FS'],
  [0x1003, 'ARCH_GET_FS'],
  [0x1004, 'ARCH_GET_GS'],
  [0x1011, 'ARCH_GET_CPUID'],
  [0x1012, 'ARCH_SET_CPUID'],
  [0x1021, 'ARCH_GET_XCOMP_SUPP'],
  [0x1022, 'ARCH_GET_XCOMP_PERM'],
  [0x1023, 'ARCH_REQ_XCOMP_PERM'],
  [0x1024, 'ARCH_GET_XCOMP_GUEST_PERM'],
  [0x1025, 'ARCH_REQ_XCOMP_GUEST_PERM'],
  [0x2001, 'ARCH_MAP_VDSO_X32'],
  [0x2002, 'ARCH_MAP_VDSO_32'],
  [0x2003, 'ARCH_MAP_VDSO_64'],
]);

const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;
const FUTEX_CMDS = table([
  [0, 'FUTEX_WAIT'],
  [1, 'FUTEX_WAKE'],
  [2, 'FUTEX_FD'],
  [3, 'FUTEX_REQUEUE'],
  [4, 'FUTEX_CMP_REQUEUE'],
  [5, 'FUTEX_WAKE_OP'],
  [6, 'FUTEX_LOCK_PI'],
  [7, 'FUTEX_UNLOCK_PI'],
  [8, 'FUTEX_TRYLOCK_PI'],
  [9, 'FUTEX_WAIT_BITSET'],
  [10, 'FUTEX_WAKE_BITSET'],
  [11, 'FUTEX_WAIT_REQUEUE_PI'],
  [12, 'FUTEX_CMP_REQUEUE_PI'],
  [13, 'FUTEX_LOCK_PI2'],
]);

const RLIMIT_RESOURCES = table([
  [0, 'RLIMIT_CPU'],
  [1, 'RLIMIT_FSIZE'],
  [2, 'RLIMIT_DATA'],
  [3, 'RLIMIT_STACK'],
  [4, 'RLIMIT_CORE'],
  [5, 'RLIMIT_RSS'],
  [6, 'RLIMIT_NPROC'],
  [7, 'RLIMIT_NOFILE'],
  [8, 'RLIMIT_MEMLOCK'],
  [9, 'RLIMIT_AS'],
  [10, 'RLIMIT_LOCKS'],
  [11, 'RLIMIT_SIGPENDING'],
  [12, 'RLIMIT_MSGQUEUE'],
  [13, 'RLIMIT_NICE'],
  [14, 'RLIMIT_RTPRIO'],
  [15, 'RLIMIT_RTTIME'],
]);

const RUSAGE_WHO = table([
  [0, 'RUSAGE_SELF'],
  [-1, 'RUSAGE_CHILDREN'],
  [1, 'RUSAGE_THREAD'],
]);

const ADDRESS_FAMILIES = table([
  [0, 'AF_UNSPEC'],
  [1, 'AF_UNIX'],
  [2, 'AF_INET'],
  [3, 'AF_AX25'],
  [4, 'AF_IPX'],
  [5, 'AF_APPLETALK'],
  [6, 'AF_NETROM'],
  [7, 'AF_BRIDGE'],
  [8, 'AF_ATMPVC'],
  [9, 'AF_X25'],
  [10, 'AF_INET6'],
  [15, 'AF_KEY'],
  [16, 'AF_NETLINK'],
  [17, 'AF_PACKET'],
  [29, 'AF_CAN'],
  [31, 'AF_BLUETOOTH'],
  [38, 'AF_ALG'],
  [40, 'AF_VSOCK'],
  [44, 'AF_XDP'],
]);
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;

const SOCK_TYPES = table([
  [1, 'SOCK_STREAM'],
  [2, 'SOCK_DGRAM'],
  [3, 'SOCK_RAW'],
  [4, 'SOCK_RDM'],
  [5, 'SOCK_SEQPACKET'],
  [6, 'SOCK_DCCP'],
  [10, 'SOCK_PACKET'],
]);
const SOCK_FLAG_BITS: Entries = [
  [0o2000000, 'SOCK_CLOEXEC'],
  [0o4000, 'SOCK_NONBLOCK'],
];
const SOCK_TYPE_FLAGS = flagSet({
  flags: SOCK_FLAG_BITS,
  field: { mask: 0xf, decode: (v) => named(SOCK_TYPES, v) },
});
const SOCK_FLAGS = flagSet({ flags: SOCK_FLAG_BITS });

const IP_PROTOCOLS = table([
  [0, 'IPPROTO_IP'],
  [1, 'IPPROTO_ICMP'],
  [2, 'IPPROTO_IGMP'],
  [6, 'IPPROTO_TCP'],
  [17, 'IPPROTO_UDP'],
  [41, 'IPPROTO_IPV6'],
  [58, 'IPPROTO_ICMPV6'],
  [132, 'IPPROTO_SCTP'],
  [136, 'IPPROTO_UDPLITE'],
  [255, 'IPPROTO_RAW'],
  [262, 'IPPROTO_MPTCP'],
]);

const NETLINK_PROTOCOLS = table([
  [0, 'NETLINK_ROUTE'],
  [4, 'NETLINK_SOCK_DIAG'],
  [9, 'NETLINK_AUDIT'],
  [15, 'NETLINK_KOBJECT_UEVENT'],
  [16, 'NETLINK_GENERIC'],
]);

const SOL_SOCKET = 1;
const SOCKOPT_LEVELS = table([
  [0, 'SOL_IP'],
  [1, 'SOL_SOCKET'],
  [6, 'SOL_TCP'],
  [17, 'SOL_UDP'],
  [41, 'SOL_IPV6'],
]);
const SOCKET_OPTIONS = table([
  [1, 'SO_DEBUG'],
  [2, 'SO_REUSEADDR'],
  [3, 'SO_TYPE'],
  [4, 'SO_ERROR'],
  [5, 'SO_DONTROUTE'],
  [6, 'SO_BROADCAST'],
  [7, 'SO_SNDBUF'],
  [8, 'SO_RCVBUF'],
  [9, 'SO_KEEPALIVE'],
  [10, 'SO_OOBINLINE'],
  [11, 'SO_NO_CHECK'],
  [12, 'SO_PRIORITY'],
  [13, 'SO_LINGER'],
  [14, 'SO_BSDCOMPAT'],
  [15, 'SO_REUSEPORT'],
  [16, 'SO_PASSCRED'],
  [17, 'SO_PEERCRED'],
  [18, 'SO_RCVLOWAT'],
  [19, 'SO_SNDLOWAT'],
  [20, 'SO_RCVTIMEO_OLD'],
  [21, 'SO_SNDTIMEO_OLD'],
  [25, 'SO_BINDTODEVICE'],
  [26, 'SO_ATTACH_FILTER'],
  [29, 'SO_TIMESTAMP_OLD'],
  [30, 'SO_ACCEPTCONN'],
  [31, 'SO_PEERSEC'],
  [32, 'SO_SNDBUFFORCE'],
  [33, 'SO_RCVBUFFORCE'],
  [34, 'SO_PASSSEC'],
  [36, 'SO_MARK'],
  [38, 'SO_PROTOCOL'],
  [39, 'SO_DOMAIN'],
]);
const TCP_OPTIONS = table([
  [1, 'TCP_NODELAY'],
  [2, 'TCP_MAXSEG'],
  [3, 'TCP_CORK'],
  [4, 'TCP_KEEPIDLE'],
  [5, 'TCP_KEEPINTVL'],
  [6, 'TCP_KEEPCNT'],
  [7, 'TCP_SYNCNT'],
  [8, 'TCP_LINGER2'],
  [9, 'TCP_DEFER_ACCEPT'],
  [10, 'TCP_WINDOW_CLAMP'],
  [11, 'TCP_INFO'],
  [12, 'TCP_QUICKACK'],
  [13, 'TCP_CONGESTION'],
  [18, 'TCP_USER_TIMEOUT'],
  [23, 'TCP_FASTOPEN'],
]);
/** Option names by level. */
const SOCKOPT_NAMES: ReadonlyMap<number, ValueTable> = new Map([
  [SOL_SOCKET, SOCKET_OPTIONS],
  [6, TCP_OPTIONS],
]);

const MSG_FLAGS = flagSet({
  flags: [
    [0x1, 'MSG_OOB'],
    [0x2, 'MSG_PEEK'],
    [0x4, 'MSG_DONTROUTE'],
    [0x8, 'MSG_CTRUNC'],
    [0x10, 'MSG_PROXY'],
    [0x20, 'MSG_TRUNC'],
    [0x40, 'MSG_DONTWAIT'],
    [0x80, 'MSG_EOR'],
    [0x100, 'MSG_WAITALL'],
    [0x200, 'MSG_FIN'],
    [0x400, 'MSG_SYN'],
    [0x800, 'MSG_CONFIRM'],
    [0x1000, 'MSG_RST'],
    [0x2000, 'MSG_ERRQUEUE'],
    [0x4000, 'MSG_NOSIGNAL'],
    [0x8000, 'MSG_MORE'],
    [0x10000, 'MSG_WAITFORONE'],
    [0x20000000, 'MSG_FASTOPEN'],
    [0x40000000, 'MSG_CMSG_CLOEXEC'],
  ],
});

const SHUTDOWN_HOW = table([
  [0, 'SHUT_RD'],
  [1, 'SHUT_WR'],
  [2, 'SHUT_RDWR'],
]);

const EPOLL_CTL_OPS = table([
  [1, 'EPOLL_CTL_ADD'],
  [2, 'EPOLL_CTL_DEL'],
  [3, 'EPOLL_CTL_MOD'],
]);
const EPOLL_CREATE_FLAGS = flagSet({ flags: [[0o2000000, 'EPOLL_CLOEXEC']] });
const EPOLL_EVENTS = flagSet({
  flags: [
    [0x1, 'EPOLLIN'],
    [0x2, 'EPOLLPRI'],
    [0x4, 'EPOLLOUT'],
    [0x8, 'EPOLLERR'],
    [0x10, 'EPOLLHUP'],
    [0x20, 'EPOLLNVAL'],
    [0x40, 'EPOLLRDNORM'],
    [0x80, 'EPOLLRDBAND'],
    [0x100, 'EPOLLWRNORM'],
    [0x200, 'EPOLLWRBAND'],
    [0x400, 'EPOLLMSG'],
    [0x2000, 'EPOLLRDHUP'],
    [0x10000000, 'EPOLLEXCLUSIVE'],
    [0x20000000, 'EPOLLWAKEUP'],
    [0x40000000, 'EPOLLONESHOT'],
    [0x80000000, 'EPOLLET'],
  ],
});

const POLL_EVENTS = flagSet({
  flags: [
    [0x1, 'POLLIN'],
    [0x2, 'POLLPRI'],
    [0x4, 'POLLOUT'],
    [0x8, 'POLLERR'],
    [0x10, 'POLLHUP'],
    [0x20, 'POLLNVAL'],
    [0x40, 'POLLRDNORM'],
    [0x80, 'POLLRDBAND'],
    [0x100, 'POLLWRNORM'],
    [0x200, 'POLLWRBAND'],
    [0x400, 'POLLMSG'],
    [0x2000, 'POLLRDHUP'],
  ],
});

const EVENTFD_FLAGS = flagSet({
  flags: [
    [0o2000000, 'EFD_CLOEXEC'],
    [0o4000, 'EFD_NONBLOCK'],
    [1, 'EFD_SEMAPHORE'],
  ],
});

const MEMFD_FLAGS = flagSet({
  flags: [
    [0x1, 'MFD_CLOEXEC'],
    [0x2, 'MFD_ALLOW_SEALING'],
    [0x4, 'MFD_HUGETLB'],
    [0x8, 'MFD_NOEXEC_SEAL'],
    [0x10, 'MFD_EXEC'],
  ],
});

const FLOCK_OPS = flagSet({
  flags: [
    [1, 'LOCK_SH'],
    [2, 'LOCK_EX'],
    [4, 'LOCK_NB'],
    [8, 'LOCK_UN'],
  ],
});

const RENAME_FLAGS = flagSet({
  flags: [
    [1, 'RENAME_NOREPLACE'],
    [2, 'RENAME_EXCHANGE'],
    [4, 'RENAME_WHITEOUT'],
  ],
});

const SPLICE_FLAGS = flagSet({
  flags: [
    [1, 'SPLICE_F_MOVE'],
    [2, 'SPLICE_F_NONBLOCK'],
    [4, 'SPLICE_F_MORE'],
    [8, 'SPLICE_F_GIFT'],
  ],
});

const GRND_FLAGS = flagSet({
  flags: [
    [1, 'GRND_NONBLOCK'],
    [2, 'GRND_RANDOM'],
    [4, 'GRND_INSECURE'],
  ],
});

const CLOSE_RANGE_FLAGS = flagSet({
  flags: [
    [2, 'CLOSE_RANGE_UNSHARE'],
    [4, 'CLOSE_RANGE_CLOEXEC'],
  ],
});

const MEMBARRIER_CMDS = table([
  [0, 'MEMBARRIER_CMD_QUERY'],
  [1, 'MEMBARRIER_CMD_GLOBAL'],
  [2, 'MEMBARRIER_CMD_GLOBAL_EXPEDITED'],
  [4, 'MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED'],
  [8, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED'],
  [16, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED'],
  [32, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE'],
  [64, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE'],
  [128, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ'],
  [256, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ'],
]);

const RESOLVE_FLAGS = flagSet({
  flags: [
    [0x01, 'RESOLVE_NO_XDEV'],
    [0x02, 'RESOLVE_NO_MAGICLINKS'],
    [0x04, 'RESOLVE_NO_SYMLINKS'],
    [0x08, 'RESOLVE_BENEATH'],
    [0x10, 'RESOLVE_IN_ROOT'],
    [0x20, 'RESOLVE_CACHED'],
  ],
});

const FILE_TYPES = table([
  [0o140000, 'S_IFSOCK'],
  [0o120000, 'S_IFLNK'],
  [0o100000, 'S_IFREG'],
  [0o060000, 'S_IFBLK'],
  [0o040000, 'S_IFDIR'],
  [0o020000, 'S_IFCHR'],
  [0o010000, 'S_IFIFO'],
]);
const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const MODE_SPECIAL_BITS: Entries = [
  [0o4000, 'S_ISUID'],
  [0o2000, 'S_ISGID'],
  [0o1000, 'S_ISVTX'],
];

const RLIM_INFINITY = 0xffffffffffffffffn;
const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;
const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

// ---------------------------------------------------------------------------------------------
// Strings.

const ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0b, '\\v'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
  [0x22, '\\"'],
  [0x5c, '\\\\'],
]);

const isOctalDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x37;

/**
 * Bytes as a C string literal, escaped the way strace does: \n \t \" \\ and the like, printable
 * ASCII as is, anything else in octal (three digits only when an octal digit follows, so the
 * escape cannot swallow it). `truncated` appends `...` after the closing quote.
 */
export function quoteBytes(bytes: Uint8Array, truncated = false, allHex = false): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (allHex) {
      s += `\\x${b.toString(16).padStart(2, '0')}`;
      continue;
    }
    const esc = ESCAPES.get(b);
    if (esc !== undefined) s += esc;
    else if (b >= 0x20 && b <= 0x7e) s += String.fromCharCode(b);
    else if (isOctalDigit(bytes[i + 1])) s += `\\${b.toString(8).padStart(3, '0')}`;
    else s += `\\${b.toString(8)}`;
  }
  return truncated ? `${s}"...` : `${s}"`;
}

const UNESCAPES: ReadonlyMap<string, number> = new Map([...ESCAPES].map(([b, esc]) => [esc[1]!, b]));

/** The bytes of a literal's inside as quoteBytes wrote it (its octal and \x escapes too). */
export function unquoteBytes(inside: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i]!;
    if (c !== '\\' || i + 1 >= inside.length) {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = inside[i + 1]!;
    const octal = /^[0-7]{1,3}/.exec(inside.slice(i + 1, i + 4));
    const hexDigits = next === 'x' ? /^[0-9a-f]{2}/i.exec(inside.slice(i + 2, i + 4)) : null;
    if (octal) {
      out.push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
    } else if (hexDigits) {
      out.push(parseInt(hexDigits[0], 16));
      i += 3;
    } else {
      out.push(UNESCAPES.get(next) ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Decoding context and memory helpers.

interface Ctx {
  readonly args: readonly number[];
  readonly result: number | 'pending' | 'noreturn';
  readonly mem: MemoryReader;
  readonly maxString: number;
  /** The call returned successfully, so what it wrote to memory can be shown. */
  readonly done: boolean;
}

/** Reads `len` bytes as a DataView, or null if unreadable. */
function view(c: Ctx, addr: number, len: number): DataView | null {
  const b = c.mem.readBytes(addr, len);
  return b && b.length >= len ? new DataView(b.buffer, b.byteOffset, len) : null;
}

/**
 * A NULL-terminated array of pointers (argv, envp): its first `max` entries at most, and
 * whether its NULL came before that; null if unreadable. Read up to a page's end at a time.
 */
function pointerArray(c: Ctx, addr: number, max: number): { items: number[]; ended: boolean } | null {
  const items: number[] = [];
  let at = addr;
  /** Whole pages at once, until a reader refuses a block (it may know memory byte by byte). */
  let blocks = true;
  while (items.length < max) {
    const toPageEnd = Math.max(1, Math.floor((ARRAY_PAGE - (at % ARRAY_PAGE)) / 8));
    const count = blocks ? Math.min(max - items.length, toPageEnd) : 1;
    const d = view(c, at, count * 8);
    if (d === null) {
      if (count === 1) return null;
      blocks = false;
      continue;
    }
    for (let i = 0; i < count; i++) {
      const p = ptrField(d, i * 8);
      if (p === 0) return { items, ended: true };
      items.push(p);
    }
    at += count * 8;
  }
  return { items, ended: false };
}

/** A NUL-terminated string at addr, quoted; the address if unreadable. */
function cString(c: Ctx, addr: number, max: number): string {
  if (addr === 0) return 'NULL';
  const s = c.mem.readCString(addr, max + 1);
  if (s === null) return hex(addr);
  return s.length > max ? quoteBytes(s.subarray(0, max), true) : quoteBytes(s);
}

/** `len` bytes at addr, quoted and cut at maxString; the address if unreadable. */
function buffer(c: Ctx, addr: number, len: number, allHex = false): string {
  const n = Math.min(len, c.maxString);
  if (n <= 0) return len === 0 ? '""' : hex(addr);
  const b = c.mem.readBytes(addr, n);
  return b === null ? hex(addr) : quoteBytes(b.subarray(0, n), len > b.length || len > n, allHex);
}

/** Decodes `count` structures of `size` bytes at addr as [a, b, ...], cut at MAX_ARRAY. */
function array(
  c: Ctx,
  addr: number,
  count: number,
  size: number,
  item: (d: DataView) => string,
): string {
  if (addr === 0) return 'NULL';
  if (count <= 0) return '[]';
  const n = Math.min(count, MAX_ARRAY);
  const d = view(c, addr, n * size);
  if (d === null) return hex(addr);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(item(new DataView(d.buffer, d.byteOffset + i * size, size)));
  }
  if (count > n) parts.push('...');
  return `[${parts.join(', ')}]`;
}

/** Decodes a structure the call reads: NULL, the address if unreadable, else `fmt(data)`. */
function struct(c: Ctx, addr: number, size: number, fmt: (d: DataView) => string): string {
  if (addr === 0) return 'NULL';
  const d = view(c, addr, size);
  return d === null ? hex(addr) : fmt(d);
}

/** Decodes a structure the call writes, once it has returned successfully. */
function outStruct(c: Ctx, addr: number, size: number, fmt: (d: DataView) => string): string {
  return c.done ? struct(c, addr, size, fmt) : ptr(addr);
}

const i64 = (d: DataView, off: number): bigint => d.getBigInt64(off, true);
const u64 = (d: DataView, off: number): bigint => d.getBigUint64(off, true);
const i32 = (d: DataView, off: number): number => d.getInt32(off, true);
const u32 = (d: DataView, off: number): number => d.getUint32(off, true);
/** A pointer-sized field as a JS number (user addresses are below 2^47). */
const ptrField = (d: DataView, off: number): number => Number(u64(d, off));

// ---------------------------------------------------------------------------------------------
// Structure formatters.

/** A sigset_t (64 signals) as strace prints it: [INT CHLD], or ~[...] when most are set. */
function sigset(mask: bigint): string {
  const names = (set: boolean): string[] => {
    const out: string[] = [];
    for (let sig = 1; sig <= SIGRTMAX; sig++) {
      if (((mask >> BigInt(sig - 1)) & 1n) === (set ? 1n : 0n)) {
        out.push(signalName(sig).replace(/^SIG/, ''));
      }
    }
    return out;
  };
  const set = names(true);
  return set.length > SIGRTMAX / 2 ? `~[${names(false).join(' ')}]` : `[${set.join(' ')}]`;
}

function sigaction(d: DataView): string {
  const handler = ptrField(d, 0);
  const saFlags = u64(d, 8);
  const parts = [
    `sa_handler=${SIG_HANDLERS.get(handler) ?? hex(handler)}`,
    `sa_mask=${sigset(u64(d, 24))}`,
    `sa_flags=${flags(SA_FLAGS, saFlags)}`,
  ];
  if ((saFlags & BigInt(SA_RESTORER)) !== 0n) parts.push(`sa_restorer=${hex(u64(d, 16))}`);
  return `{${parts.join(', ')}}`;
}

function stackT(d: DataView): string {
  const ssFlags = flags(SS_FLAGS, uint32(i32(d, 8)));
  return `{ss_sp=${ptr(ptrField(d, 0))}, ss_flags=${ssFlags}, ss_size=${u64(d, 16)}}`;
}

const timespec = (d: DataView, off = 0): string =>
  `{tv_sec=${i64(d, off)}, tv_nsec=${i64(d, off + 8)}}`;
const timeval = (d: DataView, off = 0): string =>
  `{tv_sec=${i64(d, off)}, tv_usec=${i64(d, off + 8)}}`;
const itimerval = (d: DataView): string =>
  `{it_interval=${timeval(d, 0)}, it_value=${timeval(d, 16)}}`;

const rlimValue = (v: bigint): string =>
  v === RLIM_INFINITY ? 'RLIM64_INFINITY' : v > 1024n && v % 1024n === 0n ? `${v / 1024n}*1024` : String(v);
const rlimit = (d: DataView): string =>
  `{rlim_cur=${rlimValue(u64(d, 0))}, rlim_max=${rlimValue(u64(d, 8))}}`;

function utimeSpec(d: DataView, off: number): string {
  const nsec = Number(i64(d, off + 8));
  if (nsec === UTIME_NOW) return 'UTIME_NOW';
  if (nsec === UTIME_OMIT) return 'UTIME_OMIT';
  return timespec(d, off);
}

/** st_mode as S_IFREG|0644 (with S_ISUID... spelled out). */
export function formatFileMode(mode: number): string {
  const parts: string[] = [];
  const type = mode & S_IFMT;
  if (type !== 0) parts.push(namedHex(FILE_TYPES, type));
  for (const [bit, name] of MODE_SPECIAL_BITS) if (mode & bit) parts.push(name);
  parts.push(octal(mode & 0o777));
  return parts.join('|');
}

/** A dev_t as makedev(major, minor), both %#x. */
function makedev(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `makedev(${hex(major)}, ${hex(minor)})`;
}

/** struct stat (x86-64 layout): the fields strace shows by default. */
function stat(d: DataView): string {
  const mode = u32(d, 24);
  const type = mode & S_IFMT;
  const sizeOrDev =
    type === S_IFCHR || type === S_IFBLK
      ? `st_rdev=${makedev(u64(d, 40))}`
      : `st_size=${i64(d, 48)}`;
  return `{st_mode=${formatFileMode(mode)}, ${sizeOrDev}, ...}`;
}

function statx(d: DataView): string {
  return (
    `{stx_mask=${flags(STATX_MASK, u32(d, 0))}, ` +
    `stx_attributes=${flags(STATX_ATTRIBUTES, u64(d, 8))}, ` +
    `stx_mode=${formatFileMode(d.getUint16(28, true))}, stx_size=${u64(d, 40)}, ...}`
  );
}

function utsname(d: DataView): string {
  const field = (i: number): string => {
    const bytes = new Uint8Array(d.buffer, d.byteOffset + i * UTS_FIELD, UTS_FIELD);
    const nul = bytes.indexOf(0);
    return quoteBytes(bytes.subarray(0, nul < 0 ? UTS_FIELD : nul));
  };
  return `{sysname=${field(0)}, nodename=${field(1)}, ...}`;
}

/** A wait status as strace prints it: [{WIFEXITED(s) && WEXITSTATUS(s) == 0}]. */
export function formatWaitStatus(s: number): string {
  let text: string;
  if ((s & 0x7f) === 0) text = `WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}`;
  else if ((s & 0xff) === 0x7f) text = `WIFSTOPPED(s) && WSTOPSIG(s) == ${signalName((s >> 8) & 0xff)}`;
  else if ((s & 0xffff) === 0xffff) text = 'WIFCONTINUED(s)';
  else {
    text = `WIFSIGNALED(s) && WTERMSIG(s) == ${signalName(s & 0x7f)}`;
    if (s & 0x80) text += ' && WCOREDUMP(s)';
  }
  return `[{${text}}]`;
}

const epollEvent = (d: DataView): string => {
  const data = u64(d, 4); // struct epoll_event is packed on x86-64: 12 bytes
  return `{events=${flags(EPOLL_EVENTS, u32(d, 0))}, data={u32=${data & 0xffffffffn}, u64=${data}}}`;
};

/** Formats the bytes spread over an iovec array: only `total` bytes in all if given. */
function iovec(c: Ctx, addr: number, count: number, total: number | null): string {
  let left = total ?? Number.MAX_SAFE_INTEGER;
  return array(c, addr, count, 16, (d) => {
    const base = ptrField(d, 0);
    const len = Number(u64(d, 8));
    const shown = Math.min(len, left);
    left -= shown;
    return `{iov_base=${buffer(c, base, shown)}, iov_len=${len}}`;
  });
}

/** An IPv6 address with the longest run of zero groups collapsed (RFC 5952). */
function ipv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  return ipv6Text(groups);
}

/** struct sockaddr of `len` bytes at addr. */
function sockaddr(c: Ctx, addr: number, len: number): string {
  if (addr === 0) return 'NULL';
  if (len < 2) return hex(addr);
  const b = c.mem.readBytes(addr, Math.min(len, 128));
  if (b === null || b.length < 2) return hex(addr);
  const n = Math.min(len, 128, b.length);
  const d = new DataView(b.buffer, b.byteOffset, n);
  const family = d.getUint16(0, true);
  const fam = `sa_family=${named(ADDRESS_FAMILIES, family)}`;
  if (family === AF_UNIX) {
    if (n === 2) return `{${fam}}`;
    const path = b.subarray(2);
    if (path[0] === 0) return `{${fam}, sun_path=@${quoteBytes(path.subarray(1))}}`; // abstract
    const nul = path.indexOf(0);
    return `{${fam}, sun_path=${quoteBytes(nul < 0 ? path : path.subarray(0, nul))}}`;
  }
  if (family === AF_INET && n >= 8) {
    const port = d.getUint16(2, false);
    return `{${fam}, sin_port=htons(${port}), sin_addr=inet_addr("${b[4]}.${b[5]}.${b[6]}.${b[7]}")}`;
  }
  if (family === AF_INET6 && n >= 24) {
    const port = d.getUint16(2, false);
    const flow = d.getUint32(4, false);
    const scope = n >= 28 ? `, sin6_scope_id=${d.getUint32(24, true)}` : '';
    return (
      `{${fam}, sin6_port=htons(${port}), sin6_flowinfo=htonl(${flow}), ` +
      `inet_pton(AF_INET6, "${ipv6(b.subarray(8, 24))}", &sin6_addr)${scope}}`
    );
  }
  if (family === AF_NETLINK && n >= 12) {
    const groups = d.getUint32(8, true).toString(16).padStart(8, '0');
    return `{${fam}, nl_pid=${d.getUint32(4, true)}, nl_groups=${groups}}`;
  }
  return `{${fam}, sa_data=${quoteBytes(b.subarray(2))}}`;
}

/** struct msghdr; `total` limits the bytes shown from the iovecs (recvmsg). */
function msghdr(c: Ctx, d: DataView, total: number | null): string {
  const name = ptrField(d, 0);
  const namelen = u32(d, 8);
  const iov = ptrField(d, 16);
  const iovlen = Number(u64(d, 24));
  const control = ptrField(d, 32);
  const controllen = Number(u64(d, 40));
  const parts = [
    `msg_name=${name === 0 ? 'NULL' : sockaddr(c, name, namelen)}`,
    `msg_namelen=${namelen}`,
    `msg_iov=${iovec(c, iov, iovlen, total)}`,
    `msg_iovlen=${iovlen}`,
  ];
  if (controllen > 0) parts.push(`msg_control=${ptr(control)}`);
  parts.push(`msg_controllen=${controllen}`, `msg_flags=${flags(MSG_FLAGS, i32(d, 48))}`);
  return `{${parts.join(', ')}}`;
}

/** Bits set in `bytes` (little-endian bitmap) as [0 3 7]: fd_set, cpu_set_t. */
function bitList(bytes: Uint8Array, limit: number): string {
  const set: number[] = [];
  for (let i = 0; i < Math.min(bytes.length * 8, limit); i++) {
    if (bytes[i >> 3]! & (1 << (i & 7))) set.push(i);
  }
  return `[${set.join(' ')}]`;
}

/** struct clone_args (clone3): flags, exit signal, stack, and the other fields that are set. */
function cloneArgs(d: DataView): string {
  const parts = [`flags=${flags(CLONE3_FLAGS, u64(d, 0))}`];
  const optional: readonly (readonly [string, number])[] = [
    ['pidfd', 8],
    ['child_tid', 16],
    ['parent_tid', 24],
  ];
  for (const [field, off] of optional) if (u64(d, off) !== 0n) parts.push(`${field}=${hex(u64(d, off))}`);
  parts.push(`exit_signal=${signalName(Number(u64(d, 32)))}`);
  parts.push(`stack=${ptr(ptrField(d, 40))}`, `stack_size=${hex(u64(d, 48))}`);
  if (u64(d, 56) !== 0n) parts.push(`tls=${hex(u64(d, 56))}`);
  return `{${parts.join(', ')}}`;
}

// ---------------------------------------------------------------------------------------------
// Argument decoders, one per kind. A decoder returns null to leave its argument out.

type Decoder = (v: number, c: Ctx, index: number) => string | null;
type ParamDecoder = (v: number, c: Ctx, ref: number) => string | null;

/** A pointer to one integer the call writes: [42]. */
const intOut =
  (size: number, read: (d: DataView) => number | bigint): Decoder =>
  (v, c) =>
    outStruct(c, v, size, (d) => `[${read(d)}]`);

const fcntlArgs: ReadonlyMap<number, Decoder | null> = new Map<number, Decoder | null>([
  [0, (v) => String(int32(v))], // F_DUPFD
  [1030, (v) => String(int32(v))], // F_DUPFD_CLOEXEC
  [2, (v) => flags(FD_FLAGS, v)], // F_SETFD
  [4, (v) => flags(OPEN_FLAGS, v)], // F_SETFL
  [8, (v) => String(int32(v))], // F_SETOWN
  [10, (v) => signalName(int32(v))], // F_SETSIG
  [1024, (v) => named(LOCK_TYPES, int32(v))], // F_SETLEASE
  [1031, (v) => String(int32(v))], // F_SETPIPE_SZ
  [1033, (v) => flags(SEAL_FLAGS, v)], // F_ADD_SEALS
  // Commands that take no argument.
  [1, null], [3, null], [9, null], [11, null], [1025, null], [1032, null], [1034, null],
]);

const futexTimeout: Decoder = (v, c) => struct(c, v, 16, (d) => timespec(d));
const futexVal2: Decoder = (v) => String(uint32(v));
const futexPtr: Decoder = (v) => ptr(v);
const futexVal3: Decoder = (v) => String(uint32(v));
const futexBitset: Decoder = (v) =>
  uint32(v) === FUTEX_BITSET_MATCH_ANY ? 'FUTEX_BITSET_MATCH_ANY' : hex(uint32(v));
/** futex's 4th, 5th and 6th arguments by command; missing ones are not printed. */
const FUTEX_TAILS: ReadonlyMap<number, readonly Decoder[]> = new Map([
  [0, [futexTimeout]], // WAIT
  [3, [futexVal2, futexPtr]], // REQUEUE
  [4, [futexVal2, futexPtr, futexVal3]], // CMP_REQUEUE
  [5, [futexVal2, futexPtr, (v: number) => hex(uint32(v))]], // WAKE_OP
  [6, [futexTimeout]], // LOCK_PI
  [9, [futexTimeout, futexPtr, futexBitset]], // WAIT_BITSET
  [10, [futexPtr, futexPtr, futexBitset]], // WAKE_BITSET
  [11, [futexTimeout, futexPtr]], // WAIT_REQUEUE_PI
  [12, [futexVal2, futexPtr, futexVal3]], // CMP_REQUEUE_PI
  [13, [futexTimeout]], // LOCK_PI2
]);

const SIMPLE_DECODERS: Readonly<Record<SimpleArgKind, Decoder>> = {
  int: (v) => String(int32(v)),
  uint: (v) => String(uint32(v)),
  long: (v) => String(v),
  size: (v) => String(U64(v)),
  hex: (v) => hex(v),
  ptr: (v) => ptr(v),
  fd: (v) => String(int32(v)),
  dirfd: (v) => (int32(v) === AT_FDCWD ? 'AT_FDCWD' : String(int32(v))),
  pid: (v) => String(int32(v)),
  uid: (v) => String(int32(v) === -1 ? -1 : uint32(v)),
  mode: (v) => octal(uint32(v)),

  path: (v, c) => cString(c, v, PATH_MAX),
  str: (v, c) => cString(c, v, c.maxString),
  outstr: (v, c) => (c.done ? cString(c, v, PATH_MAX) : ptr(v)),
  argv: (v, c) => {
    if (v === 0) return 'NULL';
    const list = pointerArray(c, v, c.maxString);
    if (list === null) return hex(v);
    const items = list.items.map((p) => cString(c, p, c.maxString));
    if (!list.ended) items.push('...');
    return `[${items.join(', ')}]`;
  },
  envp: (v, c) => {
    if (v === 0) return 'NULL';
    const list = pointerArray(c, v, 4096);
    if (list === null) return hex(v);
    const n = list.items.length;
    return `${hex(v)} /* ${n} var${n === 1 ? '' : 's'} */`;
  },

  openflags: (v) => flags(OPEN_FLAGS, uint32(v)),
  openmode: (v, c, i) =>
    (uint32(c.args[i - 1] ?? 0) & (O_CREAT | O_TMPFILE_BIT)) !== 0 ? octal(uint32(v)) : null,
  fdflags: (v) => flags(FD_OPEN_FLAGS, uint32(v)),
  prot: (v) => flags(PROT, v),
  mmapflags: (v) => flags(MMAP_FLAGS, uint32(v)),
  mremapflags: (v) => flags(MREMAP_FLAGS, v),
  msyncflags: (v) => flags(MSYNC_FLAGS, v),
  madvice: (v) => named(MADVISE, int32(v)),
  atflags: (v) => flags(AT_FLAGS, uint32(v)),
  faccessatflags: (v) => flags(FACCESSAT_FLAGS, uint32(v)),
  statxflags: (v) => flags(STATX_FLAGS, uint32(v)),
  statxmask: (v) => flags(STATX_MASK, uint32(v)),
  accessmode: (v) => flags(ACCESS_MODE, uint32(v)),
  whence: (v) => named(WHENCE, uint32(v)),
  signal: (v) => signalName(int32(v)),
  sighow: (v) => named(SIG_HOW, int32(v)),
  cloneflags: (v) => `flags=${flags(CLONE_FLAGS, v)}`,
  clonestack: (v) => `child_stack=${ptr(v)}`,
  cloneptid: (v, c) => ((c.args[0] ?? 0) & CLONE_PARENT_SETTID ? `parent_tid=${ptr(v)}` : null),
  clonectid: (v, c) => ((c.args[0] ?? 0) & CLONE_CHILD_TID ? `child_tidptr=${ptr(v)}` : null),
  clonetls: (v, c) => ((c.args[0] ?? 0) & CLONE_SETTLS ? `tls=${ptr(v)}` : null),
  fcntlcmd: (v) => named(FCNTL_CMDS, int32(v)),
  fcntlarg: (v, c, i) => {
    const decode = fcntlArgs.get(int32(c.args[i - 1] ?? 0));
    if (decode === null) return null;
    return decode ? decode(v, c, i) : hex(v);
  },
  ioctlreq: (v) => namedHex(IOCTL_REQUESTS, uint32(v)),
  waitoptions: (v) => flags(WAIT_OPTIONS, uint32(v)),
  idtype: (v) => named(ID_TYPES, int32(v)),
  clockid: (v) => named(CLOCK_IDS, int32(v)),
  timerflags: (v) => flags(TIMER_FLAGS, uint32(v)),
  itimerwhich: (v) => named(ITIMER_WHICH, int32(v)),
  prctlopt: (v) => named(PRCTL_OPTIONS, int32(v)),
  archprctlcode: (v) => namedHex(ARCH_PRCTL_CODES, int32(v)),
  futexop: (v) => {
    const op = int32(v);
    const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    const name = FUTEX_CMDS.get(cmd);
    if (name === undefined) return String(op);
    const priv = op & FUTEX_PRIVATE_FLAG ? '_PRIVATE' : '';
    const clock = op & FUTEX_CLOCK_REALTIME ? '|FUTEX_CLOCK_REALTIME' : '';
    return `${name}${priv}${clock}`;
  },
  futexarg: (v, c, i) => {
    const cmd = int32(c.args[1] ?? 0) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    const tail = FUTEX_TAILS.get(cmd) ?? (FUTEX_CMDS.has(cmd) ? [] : [futexPtr, futexPtr, futexVal3]);
    const decode = tail[i - 3];
    return decode ? decode(v, c, i) : null;
  },
  rlimitres: (v) => named(RLIMIT_RESOURCES, int32(v)),
  rusagewho: (v) => named(RUSAGE_WHO, int32(v)),
  family: (v) => named(ADDRESS_FAMILIES, int32(v)),
  socktype: (v) => flags(SOCK_TYPE_FLAGS, uint32(v)),
  sockflags: (v) => flags(SOCK_FLAGS, uint32(v)),
  sockproto: (v, c) => {
    const family = int32(c.args[0] ?? 0);
    const t = family === AF_INET || family === AF_INET6 ? IP_PROTOCOLS
      : family === AF_NETLINK ? NETLINK_PROTOCOLS : undefined;
    return t ? named(t, int32(v)) : String(int32(v));
  },
  socklevel: (v) => named(SOCKOPT_LEVELS, int32(v)),
  sockoptname: (v, c, i) => {
    const t = SOCKOPT_NAMES.get(int32(c.args[i - 1] ?? 0));
    return t ? named(t, int32(v)) : String(int32(v));
  },
  msgflags: (v) => flags(MSG_FLAGS, uint32(v)),
  shuthow: (v) => named(SHUTDOWN_HOW, int32(v)),
  epollctlop: (v) => named(EPOLL_CTL_OPS, int32(v)),
  epollflags: (v) => flags(EPOLL_CREATE_FLAGS, uint32(v)),
  eventfdflags: (v) => flags(EVENTFD_FLAGS, uint32(v)),
  memfdflags: (v) => flags(MEMFD_FLAGS, uint32(v)),
  flockop: (v) => flags(FLOCK_OPS, uint32(v)),
  renameflags: (v) => flags(RENAME_FLAGS, uint32(v)),
  spliceflags: (v) => flags(SPLICE_FLAGS, uint32(v)),
  grndflags: (v) => flags(GRND_FLAGS, uint32(v)),
  closerangeflags: (v) => flags(CLOSE_RANGE_FLAGS, uint32(v)),
  membarriercmd: (v) => named(MEMBARRIER_CMDS, int32(v)),

  sigset_in: (v, c) => struct(c, v, 8, (d) => sigset(u64(d, 0))),
  sigaction_in: (v, c) => struct(c, v, 32, sigaction),
  stack_in: (v, c) => struct(c, v, 24, stackT),
  timespec_in: (v, c) => struct(c, v, 16, (d) => timespec(d)),
  itimerval_in: (v, c) => struct(c, v, 32, itimerval),
  rlimit_in: (v, c) => struct(c, v, 16, rlimit),
  utimes_in: (v, c) => struct(c, v, 32, (d) => `[${utimeSpec(d, 0)}, ${utimeSpec(d, 16)}]`),
  long_in: (v, c) => struct(c, v, 8, (d) => `[${i64(d, 0)}]`),
  epollevent_in: (v, c) => struct(c, v, EPOLL_EVENT_SIZE, epollEvent),
  msghdr_in: (v, c) => struct(c, v, 56, (d) => msghdr(c, d, null)),
  cloneargs: (v, c) => struct(c, v, 64, cloneArgs),
  openhow: (v, c) =>
    struct(c, v, 24, (d) => {
      const mode = Number(u64(d, 8));
      const modeText = mode === 0 ? '0' : `0${mode.toString(8)}`;
      const resolve = flags(RESOLVE_FLAGS, u64(d, 16));
      return `{flags=${flags(OPEN_FLAGS, u64(d, 0))}, mode=${modeText}, resolve=${resolve}}`;
    }),

  sigset_out: (v, c) => outStruct(c, v, 8, (d) => sigset(u64(d, 0))),
  sigaction_out: (v, c) => outStruct(c, v, 32, sigaction),
  stack_out: (v, c) => outStruct(c, v, 24, stackT),
  timespec_out: (v, c) => outStruct(c, v, 16, (d) => timespec(d)),
  // The remainder is written only when the sleep is interrupted.
  timespec_rem: (v, c) =>
    typeof c.result === 'number' && isErrorResult(c.result) && v !== 0
      ? struct(c, v, 16, (d) => timespec(d))
      : ptr(v),
  timeval_out: (v, c) => outStruct(c, v, 16, (d) => timeval(d)),
  itimerval_out: (v, c) => outStruct(c, v, 32, itimerval),
  rlimit_out: (v, c) => outStruct(c, v, 16, rlimit),
  stat_out: (v, c) => outStruct(c, v, 144, stat),
  statx_out: (v, c) => outStruct(c, v, 48, statx),
  utsname_out: (v, c) => outStruct(c, v, 2 * UTS_FIELD, utsname),
  wstatus_out: (v, c) =>
    typeof c.result === 'number' && c.result > 0
      ? struct(c, v, 4, (d) => formatWaitStatus(i32(d, 0)))
      : ptr(v),
  pipefds_out: (v, c) => outStruct(c, v, 8, (d) => `[${i32(d, 0)}, ${i32(d, 4)}]`),
  int_out: intOut(4, (d) => i32(d, 0)),
  uint_out: intOut(4, (d) => u32(d, 0)),
  time_out: intOut(8, (d) => i64(d, 0)),
  gidlist_out: (v, c) =>
    c.done && int32(c.args[0] ?? 0) > 0
      ? array(c, v, c.result as number, 4, (d) => String(u32(d, 0)))
      : ptr(v),
  cpuset_out: (v, c) => {
    if (!c.done || v === 0) return ptr(v);
    const b = c.mem.readBytes(v, Math.min(c.result as number, MAX_CPUSET_BYTES));
    return b === null ? hex(v) : bitList(b, Infinity);
  },
  dirents_out: (v, c) => {
    if (!c.done || v === 0) return ptr(v);
    // linux_dirent and linux_dirent64 both keep d_reclen at offset 16.
    const len = Math.min(c.result as number, MAX_DIRENTS_BYTES);
    const b = c.mem.readBytes(v, len);
    if (b === null || b.length < len) return hex(v);
    const d = new DataView(b.buffer, b.byteOffset, len);
    let n = 0;
    for (let off = 0; off + 18 <= len; n++) {
      const reclen = d.getUint16(off + 16, true);
      if (reclen === 0) break;
      off += reclen;
    }
    return `${hex(v)} /* ${n} entr${n === 1 ? 'y' : 'ies'} */`;
  },
  epollevents_out: (v, c) =>
    c.done ? array(c, v, c.result as number, EPOLL_EVENT_SIZE, epollEvent) : ptr(v),
  sockoptval_out: intOut(4, (d) => i32(d, 0)),
  msghdr_out: (v, c) => outStruct(c, v, 56, (d) => msghdr(c, d, c.result as number)),
};

const PARAM_DECODERS: Readonly<Record<ParamArgKind, ParamDecoder>> = {
  inbuf: (v, c, ref) => (v === 0 ? 'NULL' : buffer(c, v, Number(U64(c.args[ref] ?? 0)))),
  outbuf: (v, c) => (c.done ? buffer(c, v, c.result as number) : ptr(v)),
  outhex: (v, c) => (c.done ? buffer(c, v, c.result as number, true) : ptr(v)),
  iov_in: (v, c, ref) => iovec(c, v, int32(c.args[ref] ?? 0), null),
  iov_out: (v, c, ref) => (c.done ? iovec(c, v, int32(c.args[ref] ?? 0), c.result as number) : ptr(v)),
  sockaddr: (v, c, ref) => sockaddr(c, v, int32(c.args[ref] ?? 0)),
  sockaddr_out: (v, c, ref) => {
    const lenPtr = c.args[ref] ?? 0;
    if (!c.done || v === 0 || lenPtr === 0) return ptr(v);
    const d = view(c, lenPtr, 4);
    return d === null ? hex(v) : sockaddr(c, v, i32(d, 0));
  },
  sockoptval_in: (v, c, ref) => {
    const len = int32(c.args[ref] ?? 0);
    if (len === 4) return struct(c, v, 4, (d) => `[${i32(d, 0)}]`);
    return v === 0 ? 'NULL' : buffer(c, v, len);
  },
  pollfds: (v, c, ref) =>
    array(c, v, uint32(c.args[ref] ?? 0), 8, (d) =>
      `{fd=${i32(d, 0)}, events=${flags(POLL_EVENTS, d.getUint16(4, true))}}`,
    ),
  fdset: (v, c, ref) => {
    if (v === 0) return 'NULL';
    const nfds = Math.min(Math.max(int32(c.args[ref] ?? 0), 0), 65536);
    const b = c.mem.readBytes(v, Math.ceil(nfds / 64) * 8);
    return b === null ? hex(v) : bitList(b, nfds);
  },
  gidlist_in: (v, c, ref) => array(c, v, Math.max(int32(c.args[ref] ?? 0), 0), 4, (d) => String(u32(d, 0))),
};

/** One argument to print: its register index and its decoder, bound to the referenced index. */
interface ArgStep {
  readonly index: number;
  readonly decode: Decoder;
}

function argStep(kind: ArgKind, index: number): ArgStep {
  const k = parseArgKind(kind);
  if (k.ref === undefined) return { index, decode: SIMPLE_DECODERS[k.kind] };
  const decode = PARAM_DECODERS[k.kind];
  const ref = k.ref;
  return { index, decode: (v, c) => decode(v, c, ref) };
}

/** Print plans by syscall number, built on first use (null: no signature). */
const plans = new Map<number, readonly ArgStep[] | null>();

function planFor(nr: number, name: string): readonly ArgStep[] | null {
  let plan = plans.get(nr);
  if (plan === undefined) {
    const signature = syscallSignature(name);
    plan = signature
      ? displayOrder(name, signature.length).map((i) => argStep(signature[i]!, i))
      : null;
    plans.set(nr, plan);
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Results.

/** ` = 3`, ` = -1 ENOENT (No such file or directory)`, ` = 0x7f...`, ` = ?`. */
export function formatResult(name: string, args: readonly number[], result: SyscallRecord['result']): string {
  if (result === 'noreturn') return ' = ?';
  if (result === 'pending') return ' <unfinished ...>';
  if (isErrorResult(result)) {
    const e = -result;
    // The restart codes never reach the program, so strace shows no -1 for them.
    const shown = isRestartErrno(e) ? '?' : '-1';
    return ` = ${shown} ${errnoName(e)} (${errnoMessage(e)})`;
  }
  switch (syscallResultKind(name)) {
    case 'ptr':
      return ` = ${hex(result)}`;
    case 'octal':
      return ` = ${result === 0 ? '0' : `0${result.toString(8)}`}`;
    case 'fcntl': {
      const cmd = int32(args[1] ?? 0);
      if (cmd === F_GETFL) return ` = ${hex(result)} (flags ${flags(OPEN_FLAGS, result)})`;
      if (cmd === F_GETFD && result !== 0) return ` = ${hex(result)} (flags ${flags(FD_FLAGS, result)})`;
      if (cmd === F_GET_SEALS && result !== 0) {
        return ` = ${hex(result)} (seals ${flags(SEAL_FLAGS, result)})`;
      }
      return ` = ${result}`;
    }
    case 'int':
    case 'noreturn':
      return ` = ${result}`;
  }
}

// ---------------------------------------------------------------------------------------------

function formatContext(call: SyscallRecord, mem: MemoryReader, opts: FormatOptions): Ctx {
  return {
    args: call.args,
    result: call.result,
    mem,
    maxString: opts.maxString ?? DEFAULT_MAX_STRING,
    done: typeof call.result === 'number' && !isErrorResult(call.result),
  };
}

/** Argument `index` of a call as formatSyscall prints it; null when it is not printed. */
export function formatArgument(call: SyscallRecord, index: number, mem: MemoryReader): string | null {
  const step = planFor(call.nr, syscallName(call.nr))?.find((s) => s.index === index);
  return step ? step.decode(call.args[index] ?? 0, formatContext(call, mem, {}), index) : null;
}

/**
 * One strace-style line for a syscall record, e.g.
 * `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`. Unknown syscalls print their name
 * (or `syscall_<nr>`) and every argument in hex. Memory the call writes is decoded only once it
 * has returned successfully; unreadable memory prints as its address.
 */
export function formatSyscall(call: SyscallRecord, mem: MemoryReader, opts: FormatOptions = {}): string {
  const name = syscallName(call.nr);
  const c = formatContext(call, mem, opts);
  const plan = planFor(call.nr, name);
  const parts: string[] = [];
  if (plan === null) {
    for (const a of call.args) parts.push(hex(a));
  } else {
    for (const step of plan) {
      const text = step.decode(call.args[step.index] ?? 0, c, step.index);
      if (text !== null) parts.push(text);
    }
  }
  return `${name}(${parts.join(', ')})${formatResult(name, call.args, call.result)}`;
}
