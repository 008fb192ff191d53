// Argument signatures of the syscalls programs commonly make, for the strace-style formatter.
// Each argument has a kind saying how to print it; the formatter (format.ts) holds one decoder
// per kind. Arguments are listed in register order (rdi, rsi, rdx, r10, r8, r9); a syscall with
// fewer arguments has a shorter list.

import type { SyscallName } from '../kernel/syscalls/numbers.js';

/** Index of another argument of the same call (0..5). */
export type ArgIndex = 0 | 1 | 2 | 3 | 4 | 5;

/** Kinds that are printed from the argument's own value (and, for pointers, the memory behind it). */
export type SimpleArgKind =
  // Numbers.
  | 'int' // signed 32-bit
  | 'uint' // unsigned 32-bit
  | 'long' // signed 64-bit
  | 'size' // unsigned 64-bit
  | 'hex' // 0x..., 0 as "0"
  | 'ptr' // an address nobody decodes: NULL or 0x...
  | 'fd'
  | 'dirfd' // AT_FDCWD or an fd
  | 'pid'
  | 'uid' // uid_t/gid_t: -1 for "unchanged"
  | 'mode' // permission bits in octal: 0644
  // Strings and arrays of strings.
  | 'path' // NUL-terminated, not truncated (strace prints whole paths)
  | 'str' // NUL-terminated, truncated at maxString
  | 'outstr' // NUL-terminated string the call writes (getcwd)
  | 'argv' // ["ls", "-l"]
  | 'envp' // 0x7ffd... /* 12 vars */
  // Flag sets and named constants.
  | 'openflags'
  | 'openmode' // printed only if the open flags (previous argument) have O_CREAT or O_TMPFILE
  | 'fdflags' // O_CLOEXEC|O_NONBLOCK without the access mode (pipe2, dup3)
  | 'prot'
  | 'mmapflags'
  | 'mremapflags'
  | 'msyncflags'
  | 'madvice'
  | 'atflags'
  | 'faccessatflags'
  | 'statxflags'
  | 'statxmask'
  | 'accessmode'
  | 'whence'
  | 'signal'
  | 'sighow'
  | 'cloneflags' // clone's arguments print as strace names them: flags=..., child_stack=...
  | 'clonestack'
  | 'cloneptid' // printed only with CLONE_PARENT_SETTID
  | 'clonectid' // printed only with CLONE_CHILD_SETTID or CLONE_CHILD_CLEARTID
  | 'clonetls' // printed only with CLONE_SETTLS
  | 'fcntlcmd'
  | 'fcntlarg' // depends on the command; omitted for F_GETFD, F_GETFL...
  | 'ioctlreq'
  | 'waitoptions'
  | 'idtype'
  | 'clockid'
  | 'timerflags'
  | 'itimerwhich'
  | 'prctlopt'
  | 'archprctlcode'
  | 'futexop'
  | 'futexarg' // futex's 4th..6th arguments: printed or omitted depending on the operation
  | 'rlimitres'
  | 'rusagewho'
  | 'family'
  | 'socktype'
  | 'sockflags'
  | 'sockproto' // depends on the family (first argument)
  | 'socklevel'
  | 'sockoptname' // depends on the level (previous argument)
  | 'msgflags'
  | 'shuthow'
  | 'epollctlop'
  | 'epollflags'
  | 'eventfdflags'
  | 'memfdflags'
  | 'flockop'
  | 'renameflags'
  | 'spliceflags'
  | 'grndflags'
  | 'closerangeflags'
  | 'membarriercmd'
  // Structures the call reads (decoded at entry).
  | 'sigset_in'
  | 'sigaction_in'
  | 'stack_in'
  | 'timespec_in'
  | 'itimerval_in'
  | 'rlimit_in'
  | 'utimes_in'
  | 'long_in' // pointer to a loff_t: [0]
  | 'epollevent_in'
  | 'msghdr_in'
  | 'cloneargs'
  | 'openhow'
  // Structures the call writes (decoded once it has returned successfully, else the address).
  | 'sigset_out'
  | 'sigaction_out'
  | 'stack_out'
  | 'timespec_out'
  | 'timespec_rem' // decoded only when the call was interrupted (nanosleep's remainder)
  | 'timeval_out'
  | 'itimerval_out'
  | 'rlimit_out'
  | 'stat_out'
  | 'statx_out'
  | 'utsname_out'
  | 'wstatus_out'
  | 'pipefds_out' // int[2]
  | 'int_out' // [42]
  | 'uint_out'
  | 'time_out' // time_t: [1700000000]
  | 'gidlist_out' // as many gids as the result says
  | 'cpuset_out' // CPU bitmask, as many bytes as the result says
  | 'dirents_out' // getdents buffer: the address and /* N entries */
  | 'epollevents_out' // as many events as the result says
  | 'sockoptval_out'
  | 'msghdr_out';

/** Kinds that refer to another argument of the call (a length, a count, nfds), written `kind:index`. */
export type ParamArgKind =
  | 'inbuf' // bytes the call reads; length is the referenced argument
  | 'outbuf' // bytes the call writes; length is the return value (the argument is the capacity)
  | 'outhex' // like outbuf, but every byte as \xNN (random bytes are not text)
  | 'iov_in' // struct iovec[], count is the referenced argument
  | 'iov_out' // struct iovec[] filled by the call, return value bytes spread over them
  | 'sockaddr' // struct sockaddr the call reads; length is the referenced argument
  | 'sockaddr_out' // struct sockaddr the call writes; length pointer is the referenced argument
  | 'sockoptval_in' // setsockopt's value; length is the referenced argument
  | 'pollfds' // struct pollfd[], count is the referenced argument
  | 'fdset' // fd_set, nfds is the referenced argument
  | 'gidlist_in'; // gid_t[], count is the referenced argument

export type ArgKind = SimpleArgKind | `${ParamArgKind}:${ArgIndex}`;

/** How the return value is printed. */
export type ResultKind =
  | 'int' // decimal
  | 'ptr' // an address in hex (mmap, brk)
  | 'octal' // umask
  | 'fcntl' // decimal, or hex with the decoded flags for F_GETFD/F_GETFL
  | 'noreturn'; // the call does not return to the program when it succeeds (exit)

type Signatures = Partial<Record<SyscallName, readonly ArgKind[]>>;

export const SYSCALL_SIGNATURES: Readonly<Signatures> = {
  // File I/O.
  read: ['fd', 'outbuf:2', 'size'],
  write: ['fd', 'inbuf:2', 'size'],
  pread64: ['fd', 'outbuf:2', 'size', 'long'],
  pwrite64: ['fd', 'inbuf:2', 'size', 'long'],
  readv: ['fd', 'iov_out:2', 'int'],
  writev: ['fd', 'iov_in:2', 'int'],
  process_vm_readv: ['pid', 'iov_out:2', 'size', 'ptr', 'size', 'size'],
  process_vm_writev: ['pid', 'iov_in:2', 'size', 'ptr', 'size', 'size'],
  kcmp: ['pid', 'pid', 'int', 'hex', 'hex'],
  preadv: ['fd', 'iov_out:2', 'int', 'long'],
  pwritev: ['fd', 'iov_in:2', 'int', 'long'],
  lseek: ['fd', 'long', 'whence'],
  sendfile: ['fd', 'fd', 'long_in', 'size'],
  splice: ['fd', 'long_in', 'fd', 'long_in', 'size', 'spliceflags'],
  tee: ['fd', 'fd', 'size', 'spliceflags'],
  copy_file_range: ['fd', 'long_in', 'fd', 'long_in', 'size', 'uint'],
  fsync: ['fd'],
  fdatasync: ['fd'],
  sync: [],
  truncate: ['path', 'long'],
  ftruncate: ['fd', 'long'],
  flock: ['fd', 'flockop'],
  ioctl: ['fd', 'ioctlreq', 'hex'],
  fcntl: ['fd', 'fcntlcmd', 'fcntlarg'],
  getdents: ['fd', 'dirents_out', 'uint'],
  getdents64: ['fd', 'dirents_out', 'uint'],

  // Opening and closing.
  open: ['path', 'openflags', 'openmode'],
  openat: ['dirfd', 'path', 'openflags', 'openmode'],
  openat2: ['dirfd', 'path', 'openhow', 'size'],
  creat: ['path', 'mode'],
  close: ['fd'],
  close_range: ['uint', 'uint', 'closerangeflags'],
  dup: ['fd'],
  dup2: ['fd', 'fd'],
  dup3: ['fd', 'fd', 'fdflags'],
  pipe: ['pipefds_out'],
  pipe2: ['pipefds_out', 'fdflags'],
  memfd_create: ['str', 'memfdflags'],
  eventfd2: ['uint', 'eventfdflags'],

  // File metadata and names.
  stat: ['path', 'stat_out'],
  lstat: ['path', 'stat_out'],
  fstat: ['fd', 'stat_out'],
  newfstatat: ['dirfd', 'path', 'stat_out', 'atflags'],
  statx: ['dirfd', 'path', 'statxflags', 'statxmask', 'statx_out'],
  statfs: ['path', 'ptr'],
  fstatfs: ['fd', 'ptr'],
  access: ['path', 'accessmode'],
  faccessat: ['dirfd', 'path', 'accessmode'],
  faccessat2: ['dirfd', 'path', 'accessmode', 'faccessatflags'],
  getcwd: ['outstr', 'size'],
  chdir: ['path'],
  fchdir: ['fd'],
  chroot: ['path'],
  rename: ['path', 'path'],
  renameat: ['dirfd', 'path', 'dirfd', 'path'],
  renameat2: ['dirfd', 'path', 'dirfd', 'path', 'renameflags'],
  mkdir: ['path', 'mode'],
  mkdirat: ['dirfd', 'path', 'mode'],
  rmdir: ['path'],
  link: ['path', 'path'],
  linkat: ['dirfd', 'path', 'dirfd', 'path', 'atflags'],
  unlink: ['path'],
  unlinkat: ['dirfd', 'path', 'atflags'],
  symlink: ['path', 'path'],
  symlinkat: ['path', 'dirfd', 'path'],
  readlink: ['path', 'outbuf:2', 'size'],
  readlinkat: ['dirfd', 'path', 'outbuf:3', 'size'],
  chmod: ['path', 'mode'],
  fchmod: ['fd', 'mode'],
  fchmodat: ['dirfd', 'path', 'mode'],
  chown: ['path', 'uid', 'uid'],
  fchown: ['fd', 'uid', 'uid'],
  lchown: ['path', 'uid', 'uid'],
  fchownat: ['dirfd', 'path', 'uid', 'uid', 'atflags'],
  umask: ['mode'],
  utimensat: ['dirfd', 'path', 'utimes_in', 'atflags'],

  // Waiting for fds.
  poll: ['pollfds:1', 'uint', 'int'],
  ppoll: ['pollfds:1', 'uint', 'timespec_in', 'sigset_in', 'size'],
  select: ['int', 'fdset:0', 'fdset:0', 'fdset:0', 'ptr'],
  pselect6: ['int', 'fdset:0', 'fdset:0', 'fdset:0', 'timespec_in', 'ptr'],
  epoll_create1: ['epollflags'],
  epoll_ctl: ['fd', 'epollctlop', 'fd', 'epollevent_in'],
  epoll_wait: ['fd', 'epollevents_out', 'int', 'int'],
  epoll_pwait: ['fd', 'epollevents_out', 'int', 'int', 'sigset_in', 'size'],

  // Linux AIO: contexts and iocbs print as addresses.
  io_setup: ['uint', 'ptr'],
  io_destroy: ['hex'],
  io_submit: ['hex', 'long', 'ptr'],
  io_getevents: ['hex', 'long', 'long', 'ptr', 'timespec_in'],
  io_pgetevents: ['hex', 'long', 'long', 'ptr', 'timespec_in', 'ptr'],
  io_cancel: ['hex', 'ptr', 'ptr'],

  // Memory.
  mmap: ['ptr', 'size', 'prot', 'mmapflags', 'fd', 'hex'],
  mprotect: ['ptr', 'size', 'prot'],
  munmap: ['ptr', 'size'],
  brk: ['ptr'],
  mremap: ['ptr', 'size', 'size', 'mremapflags', 'ptr'],
  msync: ['ptr', 'size', 'msyncflags'],
  madvise: ['ptr', 'size', 'madvice'],

  // Signals.
  rt_sigaction: ['signal', 'sigaction_in', 'sigaction_out', 'size'],
  rt_sigprocmask: ['sighow', 'sigset_in', 'sigset_out', 'size'],
  rt_sigreturn: [],
  rt_sigpending: ['sigset_out', 'size'],
  rt_sigtimedwait: ['sigset_in', 'ptr', 'timespec_in', 'size'],
  rt_sigqueueinfo: ['pid', 'signal', 'ptr'],
  rt_sigsuspend: ['sigset_in', 'size'],
  sigaltstack: ['stack_in', 'stack_out'],
  kill: ['pid', 'signal'],
  tkill: ['pid', 'signal'],
  tgkill: ['pid', 'pid', 'signal'],
  pause: [],

  // Time.
  nanosleep: ['timespec_in', 'timespec_rem'],
  clock_nanosleep: ['clockid', 'timerflags', 'timespec_in', 'timespec_rem'],
  clock_gettime: ['clockid', 'timespec_out'],
  clock_getres: ['clockid', 'timespec_out'],
  gettimeofday: ['timeval_out', 'ptr'],
  time: ['time_out'],
  getitimer: ['itimerwhich', 'itimerval_out'],
  setitimer: ['itimerwhich', 'itimerval_in', 'itimerval_out'],
  alarm: ['uint'],
  times: ['ptr'],

  // Processes and threads.
  clone: ['cloneflags', 'clonestack', 'cloneptid', 'clonectid', 'clonetls'],
  clone3: ['cloneargs', 'size'],
  fork: [],
  vfork: [],
  execve: ['path', 'argv', 'envp'],
  execveat: ['dirfd', 'path', 'argv', 'envp', 'atflags'],
  exit: ['int'],
  exit_group: ['int'],
  wait4: ['pid', 'wstatus_out', 'waitoptions', 'ptr'],
  waitid: ['idtype', 'pid', 'ptr', 'waitoptions', 'ptr'],
  getpid: [],
  getppid: [],
  gettid: [],
  getpgrp: [],
  getpgid: ['pid'],
  setpgid: ['pid', 'pid'],
  getsid: ['pid'],
  setsid: [],
  set_tid_address: ['ptr'],
  set_robust_list: ['ptr', 'size'],
  futex: ['ptr', 'futexop', 'uint', 'futexarg', 'futexarg', 'futexarg'],
  rseq: ['ptr', 'hex', 'int', 'hex'],
  sched_yield: [],
  sched_getaffinity: ['pid', 'size', 'cpuset_out'],
  sched_getparam: ['pid', 'int_out'],
  getcpu: ['uint_out', 'uint_out', 'ptr'],
  membarrier: ['membarriercmd', 'uint', 'int'],
  prctl: ['prctlopt', 'hex', 'hex', 'hex', 'hex'],
  arch_prctl: ['archprctlcode', 'hex'],
  uname: ['utsname_out'],
  sysinfo: ['ptr'],
  getrandom: ['outhex:1', 'size', 'grndflags'],

  // Resources.
  getrlimit: ['rlimitres', 'rlimit_out'],
  setrlimit: ['rlimitres', 'rlimit_in'],
  prlimit64: ['pid', 'rlimitres', 'rlimit_in', 'rlimit_out'],
  getrusage: ['rusagewho', 'ptr'],

  // Credentials.
  getuid: [],
  getgid: [],
  geteuid: [],
  getegid: [],
  setuid: ['uid'],
  setgid: ['uid'],
  setreuid: ['uid', 'uid'],
  setregid: ['uid', 'uid'],
  setresuid: ['uid', 'uid', 'uid'],
  setresgid: ['uid', 'uid', 'uid'],
  getresuid: ['uint_out', 'uint_out', 'uint_out'],
  getresgid: ['uint_out', 'uint_out', 'uint_out'],
  getgroups: ['int', 'gidlist_out'],
  setgroups: ['int', 'gidlist_in:0'],
  capget: ['ptr', 'ptr'],
  capset: ['ptr', 'ptr'],

  // Sockets.
  socket: ['family', 'socktype', 'sockproto'],
  socketpair: ['family', 'socktype', 'sockproto', 'pipefds_out'],
  connect: ['fd', 'sockaddr:2', 'int'],
  bind: ['fd', 'sockaddr:2', 'int'],
  listen: ['fd', 'int'],
  accept: ['fd', 'sockaddr_out:2', 'int_out'],
  accept4: ['fd', 'sockaddr_out:2', 'int_out', 'sockflags'],
  getsockname: ['fd', 'sockaddr_out:2', 'int_out'],
  getpeername: ['fd', 'sockaddr_out:2', 'int_out'],
  sendto: ['fd', 'inbuf:2', 'size', 'msgflags', 'sockaddr:5', 'int'],
  recvfrom: ['fd', 'outbuf:2', 'size', 'msgflags', 'sockaddr_out:5', 'int_out'],
  sendmsg: ['fd', 'msghdr_in', 'msgflags'],
  recvmsg: ['fd', 'msghdr_out', 'msgflags'],
  shutdown: ['fd', 'shuthow'],
  setsockopt: ['fd', 'socklevel', 'sockoptname', 'sockoptval_in:4', 'int'],
  getsockopt: ['fd', 'socklevel', 'sockoptname', 'sockoptval_out', 'int_out'],
};

/**
 * Calls whose arguments print in another order than the registers hold them, as strace does:
 * clone(child_stack=..., flags=..., parent_tid=..., tls=..., child_tidptr=...).
 */
export const DISPLAY_ORDER: Readonly<Partial<Record<SyscallName, readonly ArgIndex[]>>> = {
  clone: [1, 0, 2, 4, 3],
};

/** Syscalls whose return value is an address. */
export const POINTER_RESULT_SYSCALLS: ReadonlySet<string> = new Set<SyscallName>([
  'mmap',
  'brk',
  'mremap',
  'shmat',
]);

/** Syscalls that never return to the caller when they succeed. */
export const NORETURN_SYSCALLS: ReadonlySet<string> = new Set<SyscallName>(['exit', 'exit_group']);

const OTHER_RESULT_KINDS: Partial<Record<SyscallName, ResultKind>> = {
  umask: 'octal',
  fcntl: 'fcntl',
};

/** The argument kinds of a syscall, or undefined if it has no known signature. */
export function syscallSignature(name: string): readonly ArgKind[] | undefined {
  return Object.hasOwn(SYSCALL_SIGNATURES, name)
    ? SYSCALL_SIGNATURES[name as SyscallName]
    : undefined;
}

/** Argument indices in the order they are printed. */
export function displayOrder(name: string, count: number): readonly number[] {
  const order = Object.hasOwn(DISPLAY_ORDER, name) ? DISPLAY_ORDER[name as SyscallName] : undefined;
  return order ?? Array.from({ length: count }, (_, i) => i);
}

/** How a syscall's return value is printed. */
export function syscallResultKind(name: string): ResultKind {
  if (POINTER_RESULT_SYSCALLS.has(name)) return 'ptr';
  if (NORETURN_SYSCALLS.has(name)) return 'noreturn';
  return (Object.hasOwn(OTHER_RESULT_KINDS, name)
    ? OTHER_RESULT_KINDS[name as SyscallName]
    : undefined) ?? 'int';
}

/** Splits `outbuf:2` into its kind and the index it refers to. */
export function parseArgKind(
  kind: ArgKind,
): { kind: SimpleArgKind; ref?: undefined } | { kind: ParamArgKind; ref: ArgIndex } {
  const colon = kind.indexOf(':');
  if (colon < 0) return { kind: kind as SimpleArgKind };
  return {
    kind: kind.slice(0, colon) as ParamArgKind,
    ref: Number(kind.slice(colon + 1)) as ArgIndex,
  };
}
