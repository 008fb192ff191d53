// The syscall table: the map of the kernel. Every x86-64 syscall number, its handler (the
// file it lives in is the family below), and how much of Linux it gives the program.
//   full        - behaves as Linux does
//   partial     - works for common use; the note says what is missing
//   host        - the seccomp filter lets the host run it (only touches the caller itself)
//   unsupported - returns ENOSYS and is reported once, by name
import * as aio from './aio.js';
import type { SyscallContext } from './context.js';
import * as creds from './credentials.js';
import * as epoll from './epoll.js';
import * as eventfd from './eventfd.js';
import * as fd from './fd.js';
import * as data from './file_data.js';
import * as fs from './fs.js';
import * as dirents from './getdents.js';
import * as attrs from './fs_attrs.js';
import * as xattrs from './fs_xattrs.js';
import * as fsw from './fs_write.js';
import * as locks from './file_locks.js';
import * as inotify from './inotify.js';
import * as io from './io.js';
import * as misc from './misc.js';
import * as reboot from './reboot.js';
import * as memfd from './memfd.js';
import * as ns from './namespaces.js';
import * as mm from './mm.js';
import * as sched from './scheduling.js';
import * as seccomp from './seccomp.js';
import * as sem from './sem.js';
import * as shm from './shm.js';
import * as msg from './msg.js';
import * as mq from './mqueue.js';
import type { Outcome } from './outcome.js';
import * as pidfd from './pidfd.js';
import * as processVm from './process_vm.js';
import * as kcmp from './kcmp.js';
import * as ptrace from './ptrace.js';
import * as kernelLog from './syslog.js';
import * as pipe from './pipe.js';
import * as poll from './poll.js';
import * as proc from './process.js';
import * as signal from './signal.js';
import * as signalfd from './signalfd.js';
import * as timerfd from './timerfd.js';
import * as sock from './socket.js';
import * as copy from './kernel_copy.js';
import * as rusage from './rusage.js';
import * as sockopt from './socket_options.js';
import * as transfer from './socket_transfer.js';
import * as mmsg from './socket_mmsg.js';
import * as time from './time.js';
import { SYSCALL_NAMES, type SyscallName } from './numbers.js';

export type SupportLevel = 'full' | 'partial' | 'host' | 'unsupported';
export type Handler = (ctx: SyscallContext) => Outcome;

export interface SyscallEntry {
  readonly nr: number;
  readonly name: string;
  readonly support: SupportLevel;
  readonly handler?: Handler;
  readonly note?: string;
}

type Spec = readonly [SupportLevel, Handler | undefined, string?];

const full = (h: Handler): Spec => ['full', h];
const partial = (h: Handler, note: string): Spec => ['partial', h, note];
/**
 * Run by the host: untrapped when the seccomp filter lets it through; trapped ones without a
 * handler are handed to the host after the kernel's look (kind (b)); a handler, if any,
 * decides case by case.
 */
const host = (note: string, h?: Handler): Spec => ['host', h, note];
const XATTRS = "user.*, trusted.*, security.* (not security.capability) and the POSIX ACLs (system.posix_acl_access/default, checked and inherited as on tmpfs) of the overlay's and tmpfs's files; a lower file's own (the host's) are not read; an :rw mount's files have the host's (user.* set there, ACLs only read); security.capability and other system.* names cannot be set (EOPNOTSUPP)";
const AIO_NOTE = 'reads, writes and syncs complete within io_submit (as Linux does for buffered files); IOCB_CMD_POLL is refused (EINVAL); after a request that waited, one that would wait again ends the call with a short count';
const SIGNALFD_NOTE = 'signals the host raises itself (alarm, timers) wake a blocked read within 50 ms; ssi_utime/ssi_stime of SIGCHLD are 0';

const SPECS: Partial<Record<SyscallName, Spec>> = {
  // io.ts: reading and writing through fds
  read: full(io.sysRead),
  write: full(io.sysWrite),
  pread64: full(io.sysPread64),
  pwrite64: full(io.sysPwrite64),
  readv: full(io.sysReadv),
  writev: full(io.sysWritev),
  preadv: full(io.sysPreadv),
  pwritev: full(io.sysPwritev),
  preadv2: partial(io.sysPreadv2, 'known RWF_* flags are accepted and ignored'),
  pwritev2: partial(io.sysPwritev2, 'RWF_APPEND and RWF_NOAPPEND decide where the bytes go; the other known RWF_* flags are accepted and change nothing'),
  sendfile: full(copy.sysSendfile),
  copy_file_range: full(copy.sysCopyFileRange),
  memfd_create: partial(memfd.sysMemfdCreate, 'no MFD_HUGETLB (EINVAL); its MAP_SHARED mappings are shared with the children forked after them, as for any file of the overlay; F_SEAL_WRITE is EBUSY beside a live shared writable mapping, not beside a read-only one made from a writable fd'),
  splice: partial(copy.sysSplice, 'a copy through the kernel (no page moving); into a full socket it does not wait'),
  tee: full(copy.sysTee),
  vmsplice: partial(copy.sysVmsplice, 'writev or readv on the pipe; SPLICE_F_NONBLOCK is not applied'),
  fadvise64: full(io.sysFadvise64),
  readahead: full(io.sysReadahead),

  // fd.ts: the fd table
  close: full(fd.sysClose),
  dup: full(fd.sysDup),
  dup2: full(fd.sysDup2),
  dup3: full(fd.sysDup3),
  fcntl: partial(fd.sysFcntl, 'record locks (POSIX and OFD) within the sandbox, without deadlock detection (EDEADLK); seals on memfds; F_SETOWN(_EX)/F_SETSIG with O_ASYNC signals from pipes, sockets, ptys and inotify (none from tsvisor\'s own stdio), F_NOTIFY on the sandbox\'s directories; no leases (F_SETLEASE is EINVAL, F_GETLEASE F_UNLCK)'),
  flock: full(locks.sysFlock),
  lseek: full(fd.sysLseek),
  ioctl: partial(fd.sysIoctl, 'terminal requests on stdio (tsvisor\'s terminal) and on ptys (termios and the System V termio, window size, job control, TIOCGLCKTRMIOS (TIOCSLCKTRMIOS is not), TIOCGPTN/TIOCSPTLCK/TIOCGPTPEER; no packet mode), FIONREAD, FIONBIO, FIOCLEX; on sockets SIOCINQ/SIOCOUTQ, SIOCATMARK and the SIOCGIF* queries about the loopback device (SIOCSIF* EPERM); on namespace files (/proc/PID/ns) NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID; FS_IOC_GETFLAGS/SETFLAGS and FS_IOC_FSGETXATTR/FSSETXATTR (chattr/lsattr) on files and directories of the overlay and tmpfs, with the flags tmpfs keeps (i, a, d, A; others EOPNOTSUPP), ENOTTY on the files of an :rw mount'),
  close_range: full(fd.sysCloseRange),

  // fs.ts: paths, attributes, directories
  open: partial(fs.sysOpen, 'O_TMPFILE is EOPNOTSUPP'),
  openat: partial(fs.sysOpenat, 'O_TMPFILE is EOPNOTSUPP'),
  creat: full(fs.sysCreat),
  openat2: partial(fs.sysOpenat2, 'O_TMPFILE is EOPNOTSUPP; RESOLVE_NO_XDEV sees a mount where the device changes; RESOLVE_CACHED lookups always hit (creating ones get EAGAIN)'),
  stat: full(fs.sysStat),
  lstat: full(fs.sysLstat),
  fstat: full(fs.sysFstat),
  newfstatat: full(fs.sysNewfstatat),
  statx: partial(fs.sysStatx, 'reports the basic fields and btime'),
  readlink: full(fs.sysReadlink),
  readlinkat: full(fs.sysReadlinkat),
  access: full(fs.sysAccess),
  faccessat: full(fs.sysFaccessat),
  faccessat2: full(fs.sysFaccessat2),
  getcwd: full(fs.sysGetcwd),
  chdir: full(fs.sysChdir),
  chroot: full(fs.sysChroot),
  fchdir: full(fs.sysFchdir),
  getdents: full(dirents.sysGetdents),
  getdents64: full(dirents.sysGetdents64),

  // fs_write.ts, fs_attrs.ts, file_data.ts: changes, kept in the overlay's memory layer
  mkdir: full(fsw.sysMkdir),
  mkdirat: full(fsw.sysMkdirat),
  rmdir: full(fsw.sysRmdir),
  unlink: full(fsw.sysUnlink),
  unlinkat: full(fsw.sysUnlinkat),
  rename: full(fsw.sysRename),
  renameat: full(fsw.sysRenameat),
  renameat2: partial(fsw.sysRenameat2, 'RENAME_WHITEOUT is EINVAL'),
  link: full(fsw.sysLink),
  linkat: full(fsw.sysLinkat),
  symlink: full(fsw.sysSymlink),
  symlinkat: full(fsw.sysSymlinkat),
  mknod: partial(fsw.sysMknod, 'regular files, FIFOs and sockets; devices get EPERM'),
  mknodat: partial(fsw.sysMknodat, 'regular files, FIFOs and sockets; devices get EPERM'),
  chmod: full(attrs.sysChmod),
  fchmod: full(attrs.sysFchmod),
  fchmodat: full(attrs.sysFchmodat),
  chown: full(attrs.sysChown),
  fchown: full(attrs.sysFchown),
  lchown: full(attrs.sysLchown),
  fchownat: full(attrs.sysFchownat),
  utimensat: full(attrs.sysUtimensat),
  utimes: full(attrs.sysUtimes),
  futimesat: full(attrs.sysFutimesat),
  utime: full(attrs.sysUtime),
  truncate: full(data.sysTruncate),
  ftruncate: full(data.sysFtruncate),
  fallocate: partial(data.sysFallocate, 'blocks are reserved on tmpfs mounts only (their size=, all or nothing: ENOSPC), where FALLOC_FL_ZERO_RANGE is EOPNOTSUPP as on Linux; FALLOC_FL_COLLAPSE/INSERT_RANGE are EOPNOTSUPP'),
  fsync: full(data.sysFsync),
  fdatasync: full(data.sysFdatasync),
  sync: full(data.sysSync),
  syncfs: full(data.sysSyncfs),
  sync_file_range: full(data.sysSyncFileRange),
  statfs: full(fs.sysStatfs),
  fstatfs: full(fs.sysFstatfs),
  getxattr: partial(xattrs.sysGetxattr, XATTRS),
  lgetxattr: partial(xattrs.sysLgetxattr, XATTRS),
  fgetxattr: partial(xattrs.sysFgetxattr, XATTRS),
  listxattr: partial(xattrs.sysListxattr, XATTRS),
  llistxattr: partial(xattrs.sysLlistxattr, XATTRS),
  flistxattr: partial(xattrs.sysFlistxattr, XATTRS),
  setxattr: partial(xattrs.sysSetxattr, XATTRS),
  lsetxattr: partial(xattrs.sysLsetxattr, XATTRS),
  fsetxattr: partial(xattrs.sysFsetxattr, XATTRS),
  removexattr: partial(xattrs.sysRemovexattr, XATTRS),
  lremovexattr: partial(xattrs.sysLremovexattr, XATTRS),
  fremovexattr: partial(xattrs.sysFremovexattr, XATTRS),

  // mm.ts: memory
  mmap: partial(mm.sysMmap, 'anonymous mappings run on the host; private file mappings are copies of the file; shared ones of overlay files map the file pages (shared by every process, coherent with read/write); shared writable ones of a file of an :rw bind are copies'),
  brk: full(mm.sysBrk),
  munmap: host('own address space'),
  mprotect: host('own address space'),
  mremap: host('own address space'),
  madvise: host('own address space; MADV_HWPOISON and other privileged advice get EPERM', mm.sysMadvise),

  // process.ts: identity, lifecycle, limits
  getpid: full(proc.sysGetpid),
  getppid: full(proc.sysGetppid),
  gettid: full(proc.sysGettid),
  getpgrp: full(proc.sysGetpgrp),
  getpgid: full(proc.sysGetpgid),
  getsid: full(proc.sysGetsid),
  getuid: full(proc.sysGetuid),
  geteuid: full(proc.sysGeteuid),
  getgid: full(proc.sysGetgid),
  getegid: full(proc.sysGetegid),
  getresuid: full(proc.sysGetresuid),
  getresgid: full(proc.sysGetresgid),
  getgroups: full(proc.sysGetgroups),
  setuid: full(creds.sysSetuid),
  setgid: full(creds.sysSetgid),
  setreuid: full(creds.sysSetreuid),
  setregid: full(creds.sysSetregid),
  setresuid: full(creds.sysSetresuid),
  setresgid: full(creds.sysSetresgid),
  setfsuid: partial(creds.sysSetfsuid, 'filesystem ids follow the effective ids'),
  setfsgid: partial(creds.sysSetfsgid, 'filesystem ids follow the effective ids'),
  setgroups: full(creds.sysSetgroups),
  capget: full(creds.sysCapget),
  capset: partial(creds.sysCapset, 'the five sets and their rules; no file capabilities (the overlay stores no security.* xattrs)'),
  getrusage: host('the caller\'s own usage on the host; its children\'s (CPU times, peak resident set) from the kernel', rusage.sysGetrusage),
  times: host('the caller\'s own times on the host; its children\'s from the kernel', rusage.sysTimes),
  mincore: host('residency of the caller\'s own pages'),
  msync: full(mm.sysOwnMemory),
  mlock: full(mm.sysOwnMemory),
  mlock2: full(mm.sysOwnMemory),
  munlock: full(mm.sysOwnMemory),
  mlockall: full(mm.sysOwnMemory),
  munlockall: full(mm.sysOwnMemory),
  membarrier: partial(mm.sysMembarrier, 'no command is offered: MEMBARRIER_CMD_QUERY returns an empty set'),
  pkey_alloc: partial(mm.sysPkeyAlloc, 'no protection keys exist: EINVAL, as on a CPU without PKU'),
  pkey_free: partial(mm.sysPkeyFree, 'no protection keys exist: EINVAL'),
  pkey_mprotect: partial(mm.sysPkeyMprotect, 'key -1 is mprotect; no other key exists (EINVAL), as on a CPU without PKU'),
  restart_syscall: host('resumes a host-run syscall (futex with a timeout) after a signal handler'),
  get_mempolicy: host('the caller\'s own NUMA policy'),
  set_mempolicy: host('the caller\'s own NUMA policy'),
  mbind: host('NUMA policy of the caller\'s own pages'),
  alarm: host('the host\'s real-time timer of the stub signals the program itself'),
  setitimer: host('the host\'s interval timers of the stub signal the program itself'),
  getitimer: host('the host\'s interval timers of the stub'),
  timer_create: host('host POSIX timers; a SIGEV_THREAD_ID target is translated to the host tid', time.sysTimerCreate),
  timer_settime: host('host POSIX timers'),
  timer_gettime: host('host POSIX timers'),
  timer_getoverrun: host('host POSIX timers'),
  timer_delete: host('host POSIX timers'),
  exit: host('ends the calling thread'),
  exit_group: full(proc.sysExitGroup),
  execve: full(proc.sysExecve),
  execveat: full(proc.sysExecveat),
  clone: partial(proc.sysClone, 'threads and processes; namespace flags refused (EPERM); CLONE_FILES/CLONE_FS between processes copy instead of share; CLONE_PIDFD for processes, not threads (EINVAL)'),
  clone3: partial(proc.sysClone3, 'as clone; set_tid and cgroup placement refused'),
  fork: full(proc.sysFork),
  vfork: full(proc.sysVfork),
  wait4: partial(proc.sysWait4, 'rusage has CPU times and the peak resident set only'),
  waitid: partial(proc.sysWaitid, 'rusage (the fifth argument) has CPU times and the peak resident set only'),
  setpgid: full(proc.sysSetpgid),
  setsid: full(proc.sysSetsid),
  set_tid_address: full(proc.sysSetTidAddress),
  arch_prctl: host('ARCH_SET_FS runs untrapped; GS, the GET_* codes, CPUID faulting and the XCOMP (AMX permission) codes run on the host too; ARCH_MAP_VDSO_* is EEXIST (the vDSO is mapped; a recorded run has none and gets the same)', proc.sysArchPrctl),
  prctl: partial(proc.sysPrctl, 'names, dumpable, pdeathsig (sent when the parent process ends, not a parent thread), child subreaper, no_new_privs, capabilities (keepcaps, bounding set, securebits, ambient), seccomp filters, the timer slack (kept by the host)'),
  seccomp: partial(seccomp.sysSeccomp, 'the program\'s filters are made on the host, after tsvisor\'s; no strict mode, no NEW_LISTENER; a checkpoint refuses a sandbox with one'),
  unshare: partial(ns.sysUnshare, 'namespaces are refused (EPERM, as in a container without CAP_SYS_ADMIN); CLONE_FILES/CLONE_FS only in a single-threaded process, where they change nothing'),
  mount: partial(ns.sysMountRefused, 'refused (EPERM, as in a container without CAP_SYS_ADMIN): the mount table comes from tsvisor\'s options'),
  umount2: partial(ns.sysMountRefused, 'refused (EPERM, as in a container without CAP_SYS_ADMIN)'),
  pivot_root: partial(ns.sysMountRefused, 'refused (EPERM, as in a container without CAP_SYS_ADMIN)'),
  setns: partial(ns.sysSetns, 'the sandbox\'s own namespaces, through /proc/PID/ns files (no change); a pidfd is EINVAL'),
  prlimit64: partial(proc.sysPrlimit64, 'limits are recorded; enforcement is per resource'),
  getrlimit: partial(proc.sysGetrlimit, 'as prlimit64'),
  setrlimit: partial(proc.sysSetrlimit, 'as prlimit64'),
  umask: full(proc.sysUmask),
  set_robust_list: host('own threads'),
  get_robust_list: partial(proc.sysGetRobustList, 'the caller\'s own list (pid 0 or its tid); another thread\'s is EPERM'),
  rseq: host('own threads'),
  futex: host('own address space'),
  sched_yield: host('own thread'),

  // signal.ts
  rt_sigaction: full(signal.sysRtSigaction),
  rt_sigprocmask: host('masks are the host thread\'s'),
  rt_sigreturn: host('the signal frame is the program\'s own'),
  sigaltstack: host('own thread'),
  kill: full(signal.sysKill),
  pause: host('waits for the thread\'s own signals', signal.sysWaitsForSignal),
  rt_sigsuspend: host('waits for the thread\'s own signals', signal.sysWaitsForSignal),
  rt_sigtimedwait: host('waits for the thread\'s own signals; the siginfo of one the kernel sent names its sender in the sandbox', signal.sysRtSigtimedwait),
  rt_sigpending: host('the thread\'s own pending set', signal.sysWaitsForSignal),
  tkill: partial(signal.sysTkill, 'only the sandbox\'s threads'),
  tgkill: partial(signal.sysTgkill, 'only the sandbox\'s threads'),
  rt_sigqueueinfo: full(signal.sysRtSigqueueinfo),
  rt_tgsigqueueinfo: full(signal.sysRtTgsigqueueinfo),
  pidfd_open: partial(pidfd.sysPidfdOpen, 'process fds only (no PIDFD_THREAD)'),
  pidfd_send_signal: full(pidfd.sysPidfdSendSignal),
  pidfd_getfd: full(pidfd.sysPidfdGetfd),
  process_vm_readv: full(processVm.sysProcessVmReadv),
  process_vm_writev: full(processVm.sysProcessVmWritev),
  kcmp: full(kcmp.sysKcmp),
  ptrace: partial(ptrace.sysPtrace, 'TRACEME, ATTACH, SEIZE, INTERRUPT, LISTEN, SYSCALL, CONT, SINGLESTEP, DETACH, KILL, SETOPTIONS (TRACESYSGOOD, TRACEFORK/VFORK/CLONE, TRACEVFORKDONE, TRACEEXEC, TRACEEXIT, EXITKILL), GETEVENTMSG, GET_SYSCALL_INFO, GET/SETREGS, GETFPREGS, GET/SETREGSET, PEEK/POKEUSER (registers, debug registers), PEEK/POKE TEXT/DATA, GET/SETSIGINFO: syscall, signal-delivery, group, exec, fork/clone and exit stops, enough for strace -f and gdb; calls the seccomp filter lets through untrapped are not seen; SYSEMU, SETFPREGS, the seccomp/rseq/sigmask requests and the seccomp options are ENOSYS, reported once by name'),

  // time.ts
  clock_gettime: full(time.sysClockGettime),
  clock_settime: partial(time.sysClockSettime, 'the host clock is not the sandbox\'s to set: EPERM, as without CAP_SYS_TIME'),
  settimeofday: partial(time.sysSettimeofday, 'the host clock is not the sandbox\'s to set: EPERM, as without CAP_SYS_TIME'),
  clock_getres: full(time.sysClockGetres),
  gettimeofday: full(time.sysGettimeofday),
  time: full(time.sysTime),
  nanosleep: full(time.sysNanosleep),
  clock_nanosleep: full(time.sysClockNanosleep),

  // pipe.ts
  pipe: full(pipe.sysPipe),
  pipe2: full(pipe.sysPipe2),

  // poll.ts
  poll: full(poll.sysPoll),
  ppoll: full(poll.sysPpoll),
  select: full(poll.sysSelect),
  pselect6: full(poll.sysPselect6),

  // aio.ts
  io_setup: full(aio.sysIoSetup),
  io_destroy: full(aio.sysIoDestroy),
  io_submit: partial(aio.sysIoSubmit, AIO_NOTE),
  io_getevents: full(aio.sysIoGetevents),
  io_pgetevents: full(aio.sysIoPgetevents),
  io_cancel: partial(aio.sysIoCancel, 'requests complete within io_submit, so none is left to cancel (EINVAL)'),

  // epoll.ts, eventfd.ts, timerfd.ts, signalfd.ts
  epoll_create: full(epoll.sysEpollCreate),
  epoll_create1: full(epoll.sysEpollCreate1),
  epoll_ctl: partial(epoll.sysEpollCtl, 'EPOLLEXCLUSIVE is accepted and behaves as a plain interest'),
  epoll_wait: full(epoll.sysEpollWait),
  epoll_pwait: full(epoll.sysEpollPwait),
  epoll_pwait2: full(epoll.sysEpollPwait2),
  eventfd: full(eventfd.sysEventfd),
  eventfd2: full(eventfd.sysEventfd2),
  timerfd_create: partial(timerfd.sysTimerfdCreate, 'TFD_TIMER_CANCEL_ON_SET is accepted but never cancels'),
  timerfd_settime: partial(timerfd.sysTimerfdSettime, 'TFD_TIMER_CANCEL_ON_SET is accepted but never cancels'),
  timerfd_gettime: full(timerfd.sysTimerfdGettime),
  signalfd: partial(signalfd.sysSignalfd, SIGNALFD_NOTE),
  signalfd4: partial(signalfd.sysSignalfd4, SIGNALFD_NOTE),

  // inotify.ts (the changes come from fs_notify.ts)
  inotify_init: full(inotify.sysInotifyInit),
  inotify_init1: full(inotify.sysInotifyInit1),
  inotify_add_watch: partial(
    inotify.sysInotifyAddWatch,
    'changes made inside the sandbox only (not the host\'s to the lower layer); IN_EXCL_UNLINK accepted, never applied; ' +
      'IN_DELETE_SELF comes at the unlink, not at the last close',
  ),
  inotify_rm_watch: full(inotify.sysInotifyRmWatch),

  // socket.ts, socket_options.ts, socket_transfer.ts
  socket: partial(sock.sysSocket, 'AF_UNIX, AF_INET/AF_INET6 (TCP, UDP, UDP-Lite; raw ICMP over IPv4 with CAP_NET_RAW, ping sockets EACCES as with the default ping_group_range) on the sandbox\'s own loopback (there is no other network), AF_NETLINK\'s NETLINK_ROUTE answering dumps of links, addresses and routes (changes EPERM) and NETLINK_SOCK_DIAG answering dumps of the sandbox\'s sockets (`ss`); other families get EAFNOSUPPORT'),
  socketpair: full(sock.sysSocketpair),
  bind: partial(sock.sysBind, 'a unix socket file is made (in the overlay, or on the host in a :rw mount) but the socket behind it is the kernel\'s: a host program cannot connect to it, nor the sandbox to a host socket; inet: 127.0.0.0/8, ::1 and the wildcard; a port shared with SO_REUSEPORT (one owner) or, for UDP, SO_REUSEADDR; multicast is not modelled'),
  listen: partial(sock.sysListen, 'a unix socket must be bound first (no autobind); inet sockets autobind'),
  connect: partial(sock.sysConnect, 'inet: loopback destinations only (others ENETUNREACH); a refused non-blocking connect reports ECONNREFUSED again at the next connect, not ECONNABORTED'),
  accept: full(sock.sysAccept),
  accept4: full(sock.sysAccept4),
  getsockname: full(sock.sysGetsockname),
  getpeername: full(sock.sysGetpeername),
  shutdown: full(sock.sysShutdown),
  getsockopt: partial(sockopt.sysGetsockopt, 'SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP and IPPROTO_IPV6 integer options as set or at their defaults; SO_LINGER as set'),
  setsockopt: partial(sockopt.sysSetsockopt, 'values are kept and read back; SO_PASSCRED, the SO_RCVTIMEO/SO_SNDTIMEO timeouts, SO_SNDBUF (a stream sender\'s unread bytes), SO_LINGER, SO_OOBINLINE and, at bind, SO_REUSEPORT and SO_REUSEADDR (UDP) apply; SO_RCVBUF and the others change nothing'),
  sendto: full(transfer.sysSendto),
  recvfrom: full(transfer.sysRecvfrom),
  sendmsg: partial(transfer.sysSendmsg, 'SCM_RIGHTS and SCM_CREDENTIALS on unix sockets (the kernel always attaches the true credentials); on UDP, IP_PKTINFO/IPV6_PKTINFO (the source), IP_TTL/IPV6_HOPLIMIT and IP_TOS/IPV6_TCLASS; MSG_OOB on TCP and unix stream sockets'),
  recvmsg: full(transfer.sysRecvmsg),
  sendmmsg: partial(mmsg.sysSendmmsg, 'a blocking socket waits only until the first message can go; the rest go as far as there is room'),
  recvmmsg: partial(mmsg.sysRecvmmsg, 'the timeout ends a wait even before the first datagram (Linux looks at it only after each one)'),

  // System V IPC, the sandbox's own namespace: shm.ts, sem.ts, msg.ts (sysv_ipc.ts for what they share)
  shmget: partial(shm.sysShmget, 'no SHM_HUGETLB (EINVAL); with --memory all segments together hold at most that much (shmall)'),
  shmat: partial(shm.sysShmat, 'a munmap of an attached segment by the program itself is not seen (nattch keeps counting it until exit or exec)'),
  shmdt: full(shm.sysShmdt),
  shmctl: partial(shm.sysShmctl, 'SHM_LOCK/SHM_UNLOCK set the flag and lock nothing on the host'),
  semget: full(sem.sysSemget),
  semop: full(sem.sysSemop),
  semtimedop: full(sem.sysSemtimedop),
  semctl: full(sem.sysSemctl),
  msgget: full(msg.sysMsgget),
  msgsnd: full(msg.sysMsgsnd),
  msgrcv: full(msg.sysMsgrcv),
  msgctl: full(msg.sysMsgctl),
  // POSIX message queues: mqueue.ts
  mq_open: partial(mq.sysMqOpen, 'the sandbox\'s own queues; no /dev/mqueue filesystem to list or open them by path'),
  mq_unlink: full(mq.sysMqUnlink),
  mq_timedsend: full(mq.sysMqTimedsend),
  mq_timedreceive: full(mq.sysMqTimedreceive),
  mq_notify: partial(mq.sysMqNotify, 'SIGEV_SIGNAL and SIGEV_NONE; SIGEV_THREAD (notification through a netlink socket) is EINVAL'),
  mq_getsetattr: full(mq.sysMqGetsetattr),

  // misc.ts
  uname: full(misc.sysUname),
  getrandom: full(misc.sysGetrandom),
  sched_getaffinity: full(sched.sysSchedGetaffinity),
  sched_setaffinity: partial(sched.sysSchedSetaffinity, 'kept per process (sched_getaffinity reports it), not applied on the host'),
  getpriority: partial(sched.sysGetpriority, 'nice values are kept per process and not applied on the host'),
  setpriority: partial(sched.sysSetpriority, 'nice values are kept per process and not applied on the host'),
  sched_setscheduler: partial(sched.sysSchedSetscheduler, 'policies are kept per process and not applied on the host'),
  sched_getscheduler: full(sched.sysSchedGetscheduler),
  sched_setparam: partial(sched.sysSchedSetparam, 'kept per process, not applied on the host'),
  sched_getparam: full(sched.sysSchedGetparam),
  sched_get_priority_max: full(sched.sysSchedGetPriorityMax),
  sched_get_priority_min: full(sched.sysSchedGetPriorityMin),
  sched_rr_get_interval: full(sched.sysSchedRrGetInterval),
  sched_getattr: full(sched.sysSchedGetattr),
  sched_setattr: partial(sched.sysSchedSetattr, 'policy, nice and priority kept per process and not applied on the host; SCHED_DEADLINE refused with EBUSY'),
  ioprio_get: full(sched.sysIoprioGet),
  ioprio_set: partial(sched.sysIoprioSet, 'kept per process and inherited, not applied on the host'),
  personality: partial(misc.sysPersonality, 'the persona is kept and inherited; its flags change nothing (the layout is never randomised)'),
  getcpu: partial(misc.sysGetcpu, 'always CPU 0, node 0'),
  sysinfo: full(misc.sysSysinfo),
  sethostname: full(misc.sysSethostname),
  setdomainname: full(misc.sysSetdomainname),
  reboot: partial(reboot.sysReboot, 'as in a pid namespace of its own: a restart ends the sandbox as if its init were killed by SIGHUP, a halt or power-off by SIGINT; other commands EINVAL'),
  syslog: partial(kernelLog.sysSyslog, 'the kernel log is empty (tsvisor reports on its own stderr); dmesg_restrict is set, as on Debian'),
};

function buildTable(): SyscallEntry[] {
  const table: SyscallEntry[] = [];
  for (const [nr, name] of SYSCALL_NAMES) {
    const spec = SPECS[name];
    if (!spec) {
      table[nr] = { nr, name, support: 'unsupported' };
      continue;
    }
    const [support, handler, note] = spec;
    table[nr] = { nr, name, support, ...(handler ? { handler } : {}), ...(note ? { note } : {}) };
  }
  return table;
}

/** Indexed by syscall number; holes are numbers Linux does not define (ENOSYS). */
export const SYSCALL_TABLE: readonly (SyscallEntry | undefined)[] = buildTable();
