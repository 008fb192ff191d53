import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Errno, errnoMessage, errnoName, isRestartErrno } from '../../src/kernel/errno.js';
import {
  SYS,
  SYSCALL_NAMES,
  syscallName,
  syscallNumber,
} from '../../src/kernel/syscalls/numbers.js';
import {
  type MemoryReader,
  type SyscallRecord,
  formatSyscall,
  formatWaitStatus,
  quoteBytes,
  unquoteBytes,
} from '../../src/trace/format.js';
import {
  SYSCALL_SIGNATURES,
  parseArgKind,
  syscallResultKind,
  syscallSignature,
} from '../../src/trace/syscall_signatures.js';

/** A sparse fake address space: only the regions put into it are readable. */
class FakeMemory implements MemoryReader {
  private readonly regions: { addr: number; bytes: Uint8Array }[] = [];

  put(addr: number, data: Uint8Array | string): number {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.regions.push({ addr, bytes });
    return addr;
  }

  /** A NUL-terminated string. */
  str(addr: number, s: string): number {
    return this.put(addr, new TextEncoder().encode(`${s}\0`));
  }

  /** Little-endian 64-bit words. */
  u64s(addr: number, words: readonly (number | bigint)[]): number {
    const b = new Uint8Array(words.length * 8);
    const d = new DataView(b.buffer);
    words.forEach((w, i) => d.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(w)), true));
    return this.put(addr, b);
  }

  /** Builds a structure with a DataView callback. */
  struct(addr: number, size: number, fill: (d: DataView) => void): number {
    const b = new Uint8Array(size);
    fill(new DataView(b.buffer));
    return this.put(addr, b);
  }

  readBytes(addr: number, len: number): Uint8Array | null {
    for (const r of this.regions) {
      if (addr >= r.addr && addr + len <= r.addr + r.bytes.length) {
        return r.bytes.slice(addr - r.addr, addr - r.addr + len);
      }
    }
    return null;
  }

  readCString(addr: number, max: number): Uint8Array | null {
    for (const r of this.regions) {
      if (addr >= r.addr && addr < r.addr + r.bytes.length) {
        const rest = r.bytes.subarray(addr - r.addr);
        const nul = rest.indexOf(0);
        const end = Math.min(nul < 0 ? rest.length : nul, max);
        return rest.slice(0, end);
      }
    }
    return null;
  }
}

const call = (
  name: keyof typeof SYS,
  args: readonly number[],
  result: SyscallRecord['result'],
): SyscallRecord => ({ nr: SYS[name], args, result });

const err = (name: keyof typeof Errno): number => -Errno[name];

describe('trace/format', () => {
  let mem: FakeMemory;
  const fmt = (name: keyof typeof SYS, args: readonly number[], result: SyscallRecord['result']) =>
    formatSyscall(call(name, args, result), mem);

  beforeEach(() => {
    mem = new FakeMemory();
  });

  describe('typical calls', () => {
    it('openat with O_CLOEXEC', () => {
      const p = mem.str(0x1000, '/etc/passwd');
      expect(fmt('openat', [-100, p, 0o2000000, 0], 3)).to.equal(
        'openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3',
      );
    });

    it('openat with O_CREAT prints the mode', () => {
      const p = mem.str(0x1000, '/tmp/x');
      expect(fmt('openat', [-100, p, 0o1101, 0o644], 4)).to.equal(
        'openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4',
      );
    });

    it('openat of a directory', () => {
      const p = mem.str(0x1000, '/usr/lib');
      expect(fmt('openat', [3, p, 0o2204000, 0], 5)).to.equal(
        'openat(3, "/usr/lib", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 5',
      );
    });

    it('read truncates at 32 bytes', () => {
      const buf = mem.put(0x2000, 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin');
      expect(fmt('read', [3, buf, 4096], 1234)).to.equal(
        'read(3, "root:x:0:0:root:/root:/bin/bash\\n"..., 4096) = 1234',
      );
    });

    it('read of fewer bytes than maxString is not truncated', () => {
      const buf = mem.put(0x2000, 'hi\n');
      expect(fmt('read', [0, buf, 4096], 3)).to.equal('read(0, "hi\\n", 4096) = 3');
    });

    it('read returning 0 (EOF)', () => {
      expect(fmt('read', [0, 0x2000, 4096], 0)).to.equal('read(0, "", 4096) = 0');
    });

    it('write', () => {
      const buf = mem.put(0x2000, 'hello\n');
      expect(fmt('write', [1, buf, 6], 6)).to.equal('write(1, "hello\\n", 6) = 6');
    });

    it('open failing with ENOENT', () => {
      const p = mem.str(0x1000, '/nope');
      expect(fmt('open', [p, 0, 0], err('ENOENT'))).to.equal(
        'open("/nope", O_RDONLY) = -1 ENOENT (No such file or directory)',
      );
    });

    it('anonymous mmap', () => {
      expect(fmt('mmap', [0, 8192, 3, 0x22, -1, 0], 0x7ffff7fb1000)).to.equal(
        'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fb1000',
      );
    });

    it('file mmap with an offset', () => {
      expect(fmt('mmap', [0x7ffff7dc0000, 0x15000, 5, 0x812, 3, 0x28000], 0x7ffff7dc0000)).to.equal(
        'mmap(0x7ffff7dc0000, 86016, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x28000) = 0x7ffff7dc0000',
      );
    });

    it('mmap failing', () => {
      expect(fmt('mmap', [0, 4096, 0, 0x22, -1, 0], err('ENOMEM'))).to.equal(
        'mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 ENOMEM (Cannot allocate memory)',
      );
    });

    it('brk', () => {
      expect(fmt('brk', [0], 0x555555559000)).to.equal('brk(NULL) = 0x555555559000');
    });

    it('exit_group never returns', () => {
      expect(fmt('exit_group', [0], 'noreturn')).to.equal('exit_group(0) = ?');
      expect(syscallResultKind('exit_group')).to.equal('noreturn');
    });

    it('unknown syscall numbers print all arguments in hex', () => {
      const line = formatSyscall({ nr: 999, args: [1, 2, 3, 4, 5, 6], result: -38 }, mem);
      expect(line).to.equal('syscall_999(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)');
    });

    it('access', () => {
      const p = mem.str(0x1000, '/etc/ld.so.preload');
      expect(fmt('access', [p, 4], err('ENOENT'))).to.equal(
        'access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)',
      );
      expect(fmt('access', [p, 0], 0)).to.equal('access("/etc/ld.so.preload", F_OK) = 0');
    });

    it('close, getpid, pending call', () => {
      expect(fmt('close', [3], 0)).to.equal('close(3) = 0');
      expect(fmt('getpid', [], 42)).to.equal('getpid() = 42');
      expect(fmt('read', [0, 0x7ffd1000, 4096], 'pending')).to.equal(
        'read(0, 0x7ffd1000, 4096) <unfinished ...>',
      );
    });

    it('a failed read shows the buffer address', () => {
      expect(fmt('read', [9, 0x1000, 10], err('EBADF'))).to.equal(
        'read(9, 0x1000, 10) = -1 EBADF (Bad file descriptor)',
      );
    });

    it('unreadable pointers print as hex', () => {
      expect(fmt('open', [0xdead, 0, 0], err('EFAULT'))).to.equal(
        'open(0xdead, O_RDONLY) = -1 EFAULT (Bad address)',
      );
    });

    it('restart codes print as ? with their name', () => {
      expect(fmt('read', [0, 0x1000, 10], -Errno.ERESTARTSYS)).to.equal(
        'read(0, 0x1000, 10) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
      );
    });

    it('rt_sigaction', () => {
      const act = mem.u64s(0x3000, [0x401000, 0x14000000, 0x402000, 0]);
      expect(fmt('rt_sigaction', [2, act, 0, 8], 0)).to.equal(
        'rt_sigaction(SIGINT, {sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x402000}, NULL, 8) = 0',
      );
      const old = mem.u64s(0x3100, [0, 0, 0, 0]);
      expect(fmt('rt_sigaction', [17, 0, old, 8], 0)).to.equal(
        'rt_sigaction(SIGCHLD, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0',
      );
    });

    it('rt_sigprocmask', () => {
      const set = mem.u64s(0x3000, [(1n << 1n) | (1n << 16n)]);
      const full = mem.u64s(0x3100, [-1]);
      const allButTwo = mem.u64s(0x3200, [~((1n << 8n) | (1n << 18n))]);
      expect(fmt('rt_sigprocmask', [2, set, 0, 8], 0)).to.equal(
        'rt_sigprocmask(SIG_SETMASK, [INT CHLD], NULL, 8) = 0',
      );
      expect(fmt('rt_sigprocmask', [0, full, allButTwo, 8], 0)).to.equal(
        'rt_sigprocmask(SIG_BLOCK, ~[], ~[KILL STOP], 8) = 0',
      );
    });

    it('fstat of a regular file and of a character device', () => {
      const st = mem.struct(0x4000, 144, (d) => {
        d.setUint32(24, 0o100644, true);
        d.setBigInt64(48, 1234n, true);
      });
      expect(fmt('fstat', [3, st], 0)).to.equal('fstat(3, {st_mode=S_IFREG|0644, st_size=1234, ...}) = 0');
      const dev = mem.struct(0x5000, 144, (d) => {
        d.setUint32(24, 0o20666, true);
        d.setBigUint64(40, 0x103n, true);
      });
      const p = mem.str(0x1000, '/dev/null');
      expect(fmt('newfstatat', [-100, p, dev, 0], 0)).to.equal(
        'newfstatat(AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, 0) = 0',
      );
    });

    it('ioctl requests by name, else hex', () => {
      expect(fmt('ioctl', [1, 0x5401, 0x7ffc1000], err('ENOTTY'))).to.equal(
        'ioctl(1, TCGETS, 0x7ffc1000) = -1 ENOTTY (Inappropriate ioctl for device)',
      );
      expect(fmt('ioctl', [1, 0x5413, 0x7ffc1000], 0)).to.equal('ioctl(1, TIOCGWINSZ, 0x7ffc1000) = 0');
      expect(fmt('ioctl', [3, 0x541b, 0x7ffc1000], 0)).to.equal('ioctl(3, FIONREAD, 0x7ffc1000) = 0');
      expect(fmt('ioctl', [3, 0xc0de, 0], 0)).to.equal('ioctl(3, 0xc0de, 0) = 0');
    });

    it('clone and wait4', () => {
      expect(fmt('clone', [0x1200011, 0, 0, 0x7ffff7d8aa10, 0], 1235)).to.equal(
        'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7ffff7d8aa10) = 1235',
      );
      expect(fmt('clone', [0x3d0f00, 0x7f0000fff000, 0x7f0001000000, 0x7f0001000000, 0x7f0001000600], 1236)).to.equal(
        'clone(child_stack=0x7f0000fff000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=0x7f0001000000, tls=0x7f0001000600, child_tidptr=0x7f0001000000) = 1236',
      );
      const status = mem.struct(0x6000, 4, (d) => d.setInt32(0, 0x0100, true));
      expect(fmt('wait4', [-1, status, 0, 0], 1235)).to.equal(
        'wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 1}], 0, NULL) = 1235',
      );
      expect(fmt('wait4', [-1, status, 1, 0], 0)).to.equal('wait4(-1, 0x6000, WNOHANG, NULL) = 0');
      expect(formatWaitStatus(9)).to.equal('[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]');
      expect(formatWaitStatus(0x8b)).to.equal('[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]');
      expect(formatWaitStatus(0x137f)).to.equal('[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]');
    });

    it('execve', () => {
      const path = mem.str(0x1000, '/bin/ls');
      const a0 = mem.str(0x1100, 'ls');
      const a1 = mem.str(0x1200, '-l');
      const argv = mem.u64s(0x1300, [a0, a1, 0]);
      const envp = mem.u64s(0x1400, [a0, a1, 0]);
      expect(fmt('execve', [path, argv, envp], 0)).to.equal(
        'execve("/bin/ls", ["ls", "-l"], 0x1400 /* 2 vars */) = 0',
      );
    });

    it('connect to AF_INET, AF_UNIX and AF_INET6 addresses', () => {
      const sin = mem.put(0x1000, new Uint8Array([2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
      expect(fmt('connect', [3, sin, 16], 0)).to.equal(
        'connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      );
      const sun = mem.put(0x2000, new Uint8Array([1, 0, ...new TextEncoder().encode('/run/x.sock'), 0]));
      expect(fmt('connect', [3, sun, 14], err('ECONNREFUSED'))).to.equal(
        'connect(3, {sa_family=AF_UNIX, sun_path="/run/x.sock"}, 14) = -1 ECONNREFUSED (Connection refused)',
      );
      const six = new Uint8Array(28);
      six.set([10, 0, 0x01, 0xbb]);
      six[23] = 1;
      const sin6 = mem.put(0x3000, six);
      expect(fmt('connect', [3, sin6, 28], 0)).to.equal(
        'connect(3, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
      );
    });

    it('socket', () => {
      expect(fmt('socket', [2, 0x80001, 6], 3)).to.equal('socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3');
      expect(fmt('socket', [1, 1, 0], 3)).to.equal('socket(AF_UNIX, SOCK_STREAM, 0) = 3');
    });

    it('futex', () => {
      expect(fmt('futex', [0x7ffff7fb0000, 129, 1, 0, 0, 0], 0)).to.equal(
        'futex(0x7ffff7fb0000, FUTEX_WAKE_PRIVATE, 1) = 0',
      );
      expect(fmt('futex', [0x7ffff7fb0000, 0x189, 0, 0, 0, 0xffffffff], err('EAGAIN'))).to.equal(
        'futex(0x7ffff7fb0000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)',
      );
    });

    it('fcntl', () => {
      expect(fmt('fcntl', [3, 3, 0], 0x8002)).to.equal('fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)');
      expect(fmt('fcntl', [3, 2, 1], 0)).to.equal('fcntl(3, F_SETFD, FD_CLOEXEC) = 0');
      expect(fmt('fcntl', [3, 1, 0], 1)).to.equal('fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)');
      expect(fmt('fcntl', [3, 1030, 10], 10)).to.equal('fcntl(3, F_DUPFD_CLOEXEC, 10) = 10');
    });

    it('arch_prctl, prctl, madvise, umask', () => {
      expect(fmt('arch_prctl', [0x1002, 0x7ffff7d8a740], 0)).to.equal('arch_prctl(ARCH_SET_FS, 0x7ffff7d8a740) = 0');
      expect(fmt('prctl', [38, 1, 0, 0, 0], 0)).to.equal('prctl(PR_SET_NO_NEW_PRIVS, 0x1, 0, 0, 0) = 0');
      expect(fmt('madvise', [0x7f0000000000, 4096, 4], 0)).to.equal('madvise(0x7f0000000000, 4096, MADV_DONTNEED) = 0');
      expect(fmt('umask', [0o22], 0o2)).to.equal('umask(022) = 02');
    });

    it('kill, tgkill', () => {
      expect(fmt('kill', [1234, 15], 0)).to.equal('kill(1234, SIGTERM) = 0');
      expect(fmt('tgkill', [1, 2, 33], 0)).to.equal('tgkill(1, 2, SIGRT_1) = 0');
      expect(fmt('kill', [1, 0], err('ESRCH'))).to.equal('kill(1, 0) = -1 ESRCH (No such process)');
    });

    it('uname, pipe2, getcwd, clock_gettime', () => {
      const uts = new Uint8Array(65 * 6);
      uts.set(new TextEncoder().encode('Linux'), 0);
      uts.set(new TextEncoder().encode('box'), 65);
      mem.put(0x1000, uts);
      expect(fmt('uname', [0x1000], 0)).to.equal('uname({sysname="Linux", nodename="box", ...}) = 0');
      const fds = mem.struct(0x2000, 8, (d) => {
        d.setInt32(0, 3, true);
        d.setInt32(4, 4, true);
      });
      expect(fmt('pipe2', [fds, 0o2000000], 0)).to.equal('pipe2([3, 4], O_CLOEXEC) = 0');
      const cwd = mem.str(0x3000, '/root');
      expect(fmt('getcwd', [cwd, 4096], 6)).to.equal('getcwd("/root", 4096) = 6');
      const ts = mem.u64s(0x4000, [12, 345]);
      expect(fmt('clock_gettime', [1, ts], 0)).to.equal('clock_gettime(CLOCK_MONOTONIC, {tv_sec=12, tv_nsec=345}) = 0');
    });

    it('getrandom, prlimit64, getdents64', () => {
      const rnd = mem.put(0x1000, new Uint8Array([0xad, 0x3d, 0x68, 0x45]));
      expect(fmt('getrandom', [rnd, 4, 1], 4)).to.equal('getrandom("\\xad\\x3d\\x68\\x45", 4, GRND_NONBLOCK) = 4');
      const lim = mem.u64s(0x2000, [8192 * 1024, -1]);
      expect(fmt('prlimit64', [0, 3, 0, lim], 0)).to.equal(
        'prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0',
      );
      const dents = mem.struct(0x3000, 48, (d) => {
        d.setUint16(16, 24, true);
        d.setUint16(24 + 16, 24, true);
      });
      expect(fmt('getdents64', [3, dents, 32768], 48)).to.equal('getdents64(3, 0x3000 /* 2 entries */, 32768) = 48');
    });

    it('poll, epoll_wait, writev', () => {
      const pfd = mem.struct(0x1000, 8, (d) => {
        d.setInt32(0, 3, true);
        d.setUint16(4, 1, true);
      });
      expect(fmt('poll', [pfd, 1, -1], 1)).to.equal('poll([{fd=3, events=POLLIN}], 1, -1) = 1');
      const ev = mem.struct(0x2000, 12, (d) => {
        d.setUint32(0, 1, true);
        d.setBigUint64(4, 5n, true);
      });
      expect(fmt('epoll_wait', [4, ev, 10, -1], 1)).to.equal(
        'epoll_wait(4, [{events=EPOLLIN, data={u32=5, u64=5}}], 10, -1) = 1',
      );
      expect(fmt('epoll_wait', [4, ev, 10, 0], 0)).to.equal('epoll_wait(4, [], 10, 0) = 0');
      const a = mem.put(0x3000, 'ab');
      const b = mem.put(0x3100, 'c');
      const iov = mem.u64s(0x3200, [a, 2, b, 1]);
      expect(fmt('writev', [1, iov, 2], 3)).to.equal(
        'writev(1, [{iov_base="ab", iov_len=2}, {iov_base="c", iov_len=1}], 2) = 3',
      );
    });
  });

  describe('strings', () => {
    it('escapes like strace', () => {
      const bytes = new Uint8Array([0x61, 0x09, 0x62, 0x22, 0x63, 0x5c, 0x00, 0x01, 0x32, 0xff]);
      expect(quoteBytes(bytes)).to.equal('"a\\tb\\"c\\\\\\0\\0012\\377"');
      expect(quoteBytes(new Uint8Array([0x0d, 0x0b, 0x0c, 0x1b, 0x7f]))).to.equal('"\\r\\v\\f\\33\\177"');
      expect(quoteBytes(new Uint8Array([0x61]), true)).to.equal('"a"...');
    });

    it('unquoteBytes gives back the bytes quoteBytes escaped (octal, \\x and the named escapes)', () => {
      let x = 7;
      for (let round = 0; round < 500; round++) {
        const bytes = Uint8Array.from({ length: round % 17 }, () => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
        for (const allHex of [false, true]) {
          const quoted = quoteBytes(bytes, false, allHex);
          expect([...unquoteBytes(quoted.slice(1, -1))], quoted).to.deep.equal([...bytes]);
        }
      }
    });

    it('honours maxString', () => {
      const buf = mem.put(0x2000, 'abcdefgh');
      const line = formatSyscall(call('write', [1, buf, 8], 8), mem, { maxString: 4 });
      expect(line).to.equal('write(1, "abcd"..., 8) = 8');
    });

    it('does not truncate paths, but truncates other strings', () => {
      const long = `/${'x'.repeat(60)}`;
      const p = mem.str(0x1000, long);
      expect(fmt('unlink', [p], 0)).to.equal(`unlink("${long}") = 0`);
      expect(fmt('memfd_create', [p, 1], 3)).to.equal(`memfd_create("${long.slice(0, 32)}"..., MFD_CLOEXEC) = 3`);
    });
  });

  describe('errno', () => {
    let pyMessages: Record<string, string>;

    before(function () {
      const py = spawnSync(
        'python3',
        ['-c', 'import json, os; print(json.dumps({n: os.strerror(n) for n in range(1, 200)}))'],
        { encoding: 'utf8' },
      );
      if (py.status !== 0) this.skip();
      pyMessages = JSON.parse(py.stdout) as Record<string, string>;
    });

    it('messages match glibc strerror (via python3 os.strerror) for 1..199', () => {
      const mismatches: string[] = [];
      for (let n = 1; n < 200; n++) {
        if (errnoMessage(n) !== pyMessages[String(n)]) {
          mismatches.push(`${n}: ${errnoMessage(n)} != ${pyMessages[String(n)]}`);
        }
      }
      expect(mismatches).to.deep.equal([]);
    });

    it('names and numbers match asm-generic/errno*.h', function () {
      const files = ['/usr/include/asm-generic/errno-base.h', '/usr/include/asm-generic/errno.h'];
      if (!files.every((f) => existsSync(f))) this.skip();
      const values = new Map<string, number>();
      for (const f of files) {
        for (const m of readFileSync(f, 'utf8').matchAll(/^#define\s+(E\w+)\s+(\w+)/gm)) {
          const [, name, value] = m as unknown as [string, string, string];
          const n = /^\d+$/.test(value) ? Number(value) : values.get(value);
          expect(n, name).to.be.a('number');
          values.set(name, n!);
          expect((Errno as Record<string, number>)[name], name).to.equal(n);
          if (/^\d+$/.test(value)) expect(errnoName(n!)).to.equal(name);
        }
      }
      expect(values.size).to.be.greaterThan(130);
    });

    it('has the kernel-internal restart codes', () => {
      expect(Errno.ERESTARTSYS).to.equal(512);
      expect(Errno.ERESTARTNOINTR).to.equal(513);
      expect(Errno.ERESTARTNOHAND).to.equal(514);
      expect(Errno.ERESTART_RESTARTBLOCK).to.equal(516);
      expect(isRestartErrno(512)).to.equal(true);
      expect(isRestartErrno(4)).to.equal(false);
      expect(errnoName(11)).to.equal('EAGAIN');
      expect(errnoName(9999)).to.equal('E9999');
      expect(errnoMessage(9999)).to.equal('Unknown error 9999');
    });
  });

  describe('syscall numbers', () => {
    const header = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';

    it('match the system header', function () {
      if (!existsSync(header)) this.skip();
      const defined = [...readFileSync(header, 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)];
      expect(defined.length).to.be.greaterThan(300);
      for (const m of defined) {
        const [, name, nr] = m as unknown as [string, string, string];
        expect(syscallNumber(name), name).to.equal(Number(nr));
        expect(SYSCALL_NAMES.get(Number(nr))).to.equal(name);
      }
      expect(SYSCALL_NAMES.size).to.equal(defined.length);
    });

    it('looks names up both ways', () => {
      expect(SYS.read).to.equal(0);
      expect(SYS.openat).to.equal(257);
      expect(SYS.exit_group).to.equal(231);
      expect(syscallName(59)).to.equal('execve');
      expect(syscallName(1234)).to.equal('syscall_1234');
      expect(syscallName(400)).to.equal('syscall_400');
      expect(syscallNumber('nope')).to.equal(undefined);
      expect(syscallNumber('toString')).to.equal(undefined);
    });
  });

  describe('signatures', () => {
    const required =
      'read write open close stat fstat lstat poll lseek mmap mprotect munmap brk rt_sigaction rt_sigprocmask rt_sigreturn ioctl pread64 pwrite64 readv writev access pipe select sched_yield mremap msync madvise dup dup2 pause nanosleep getitimer alarm setitimer getpid sendfile socket connect accept sendto recvfrom sendmsg recvmsg shutdown bind listen getsockname getpeername socketpair setsockopt getsockopt clone fork vfork execve exit wait4 kill uname fcntl flock fsync fdatasync truncate ftruncate getdents getcwd chdir fchdir rename mkdir rmdir creat link unlink symlink readlink chmod fchmod chown fchown lchown umask gettimeofday getrlimit getrusage sysinfo times getuid getgid setuid setgid geteuid getegid setpgid getppid getpgrp setsid setreuid setregid getgroups setgroups setresuid getresuid setresgid getresgid getpgid getsid capget capset rt_sigpending rt_sigtimedwait rt_sigqueueinfo rt_sigsuspend sigaltstack statfs fstatfs prctl arch_prctl setrlimit chroot sync gettid tkill time futex sched_getaffinity set_tid_address getdents64 clock_gettime clock_getres clock_nanosleep exit_group epoll_wait epoll_ctl tgkill waitid openat mkdirat fchownat newfstatat unlinkat renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll set_robust_list splice tee utimensat epoll_pwait eventfd2 epoll_create1 dup3 pipe2 preadv pwritev prlimit64 getrandom memfd_create statx rseq clone3 close_range openat2 faccessat2 execveat copy_file_range renameat2 sched_getparam getcpu membarrier'.split(
        ' ',
      );

    it('cover every commonly used syscall', () => {
      const missing = required.filter((n) => syscallSignature(n) === undefined);
      expect(missing).to.deep.equal([]);
    });

    it('have at most six arguments, and references to existing ones', () => {
      for (const [name, sig] of Object.entries(SYSCALL_SIGNATURES)) {
        expect(sig!.length, name).to.be.at.most(6);
        for (const kind of sig!) {
          const k = parseArgKind(kind);
          if (k.ref !== undefined) expect(k.ref, `${name} ${kind}`).to.be.below(sig!.length);
        }
      }
    });

    it('every required call formats with garbage arguments and no readable memory', () => {
      const empty: MemoryReader = { readBytes: () => null, readCString: () => null };
      for (const name of required) {
        const nr = syscallNumber(name)!;
        for (const result of [0, 5, -14, 'pending', 'noreturn'] as const) {
          const line = formatSyscall({ nr, args: [7, 0x1000, 2, -1, 0x7fff0000, 1 << 20], result }, empty);
          expect(line.startsWith(`${name}(`), line).to.equal(true);
        }
      }
    });

    it('never throws on hostile memory and arguments', () => {
      // Deterministic pseudo-random bytes everywhere, sometimes cut short or unreadable.
      let seed = 12345;
      const rand = (): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed;
      };
      const bytes = (len: number): Uint8Array => Uint8Array.from({ length: len }, () => rand() & 0xff);
      const hostile: MemoryReader = {
        readBytes: (_addr, len) => (rand() % 10 === 0 ? null : bytes(Math.min(len, rand() % 2 ? len : len >> 1))),
        readCString: (_addr, max) => (rand() % 10 === 0 ? null : bytes(Math.min(max, rand() % 80))),
      };
      const values = [0, 1, -1, -100, 4, 0x7fff0000, 2 ** 40, -(2 ** 53), 0xffffffff, 65536];
      for (const name of Object.keys(SYSCALL_SIGNATURES)) {
        const nr = syscallNumber(name)!;
        for (let i = 0; i < 50; i++) {
          const args = Array.from({ length: 6 }, () => values[rand() % values.length]!);
          const results: SyscallRecord['result'][] = [values[rand() % values.length]!, 'pending', 'noreturn'];
          for (const result of results) {
            expect(() => formatSyscall({ nr, args, result }, hostile), name).not.to.throw();
          }
        }
      }
    });

    it('pointer results and noreturn calls', () => {
      expect(syscallResultKind('mmap')).to.equal('ptr');
      expect(syscallResultKind('brk')).to.equal('ptr');
      expect(syscallResultKind('exit')).to.equal('noreturn');
      expect(syscallResultKind('read')).to.equal('int');
    });
  });
});
