// The isolation claims of the design, checked from the host: the sandboxed process's
// namespaces, root, file descriptors, privileges and seccomp filter (read from /proc while it
// runs); unsupported syscalls; a network that is the sandbox's own loopback; no way out of --rootfs through `..` or symlinks; and no host
// execve of the sandboxed program.

import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { LINKAGES, buildPrograms, programPath } from '../support/programs.js';
import { TSVISOR_BIN, lines, runSandbox, summarize, testEnv, tsvisorArgs } from '../support/run.js';

// ---------------------------------------------------------------------------------------------
// Host /proc helpers.

interface HostProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
}

function listProcesses(): HostProcess[] {
  const out: HostProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.push({ pid: Number(entry), ppid, comm });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function descendants(root: number): HostProcess[] {
  const all = listProcesses();
  const found: HostProcess[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** The fields of /proc/PID/status, by name. */
function procStatus(pid: number): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return fields;
}

/** Resolves once `text` appeared on the child's stdout; rejects if it exits first or on timeout. */
function waitForStdout(child: ChildProcessWithoutNullStreams, text: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${why}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no "${text.trim()}" on stdout within ${timeoutMs} ms`), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes(text)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
    child.on('exit', (code, signal) =>
      fail(`tsvisor exited (status ${code}, signal ${signal}) before "${text.trim()}"`),
    );
  });
}

// ---------------------------------------------------------------------------------------------

describe('isolation', function () {
  before(async function () {
    this.timeout(300_000);
    await buildPrograms();
  });

  describe('the sandboxed process, seen from the host while it runs', function () {
    const NAMESPACES = ['user', 'pid', 'mnt', 'net', 'ipc', 'uts'];
    let child: ChildProcessWithoutNullStreams | undefined;
    let program = '';
    let stdout = '';
    let stderr = '';
    let exited: Promise<number | null> = Promise.resolve(null);
    let sandboxed: HostProcess[] = [];
    let init: HostProcess[] = [];

    before(async function () {
      this.timeout(60_000);
      program = programPath('wait_stdin', 'static');
      const c = spawn(process.execPath, [TSVISOR_BIN, ...tsvisorArgs([program])], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: testEnv(),
      });
      child = c;
      c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      exited = new Promise((resolve) => c.on('close', (code) => resolve(code)));
      await waitForStdout(c, 'ready\n', 30_000);
      // The program is now blocked in read(0). Every host process below tsvisor but the
      // sandbox's init (which only reaps) is a sandboxed process.
      const below = descendants(c.pid!);
      init = below.filter((p) => p.comm === 'tsvisor-init');
      sandboxed = below.filter(
        (p) => p.comm !== 'tsvisor-init' && readlinkOrNull(`/proc/${p.pid}/exe`) !== process.execPath,
      );
    });

    after(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });

    /** The one sandboxed process (the tests assert on it, so it must exist). */
    const theProcess = (): HostProcess => {
      expect(sandboxed.map((p) => `${p.pid} ${p.comm}`), 'sandboxed host processes').to.have.lengthOf(1);
      return sandboxed[0]!;
    };

    it('is one host process below tsvisor, other than the init', () => {
      expect(theProcess().pid).to.be.a('number');
    });

    it('runs the stub binary, never the program: /proc/PID/exe is not the program', () => {
      const p = theProcess();
      const exe = readlinkSync(`/proc/${p.pid}/exe`);
      expect(exe).to.not.equal(program);
      expect(exe).to.match(/stub/);
    });

    it('is in its own user, pid, mount, net, ipc and uts namespaces', () => {
      const p = theProcess();
      for (const ns of NAMESPACES) {
        const theirs = readlinkSync(`/proc/${p.pid}/ns/${ns}`);
        const ours = readlinkSync(`/proc/self/ns/${ns}`);
        expect(theirs, `${ns} namespace of ${p.pid}`).to.not.equal(ours);
      }
      // In its pid namespace it has a pid of its own (NSpid lists host pid, then inner pid).
      expect(procStatus(p.pid).get('NSpid')?.split(/\s+/)).to.have.lengthOf(2);
    });

    it('has an empty root, not the host root', () => {
      const p = theProcess();
      expect(existsSync(`/proc/${p.pid}/root/etc`), `/proc/${p.pid}/root/etc`).to.equal(false);
      expect(readdirSync(`/proc/${p.pid}/root`)).to.deep.equal([]);
    });

    it('holds only host fds 3 (the stub binary), 5 (its fd channel) and read-only fds of the files it maps', () => {
      const p = theProcess();
      const fds = readdirSync(`/proc/${p.pid}/fd`);
      expect(fds).to.include.members(['3', '5']);
      const fd3 = statSync(`/proc/${p.pid}/fd/3`);
      const exe = statSync(`/proc/${p.pid}/exe`);
      expect(fd3.isFile()).to.equal(true);
      expect([fd3.dev, fd3.ino]).to.deep.equal([exe.dev, exe.ino]);
      expect(readlinkSync(`/proc/${p.pid}/fd/5`)).to.match(/^socket:/);
      const mapped = readFileSync(`/proc/${p.pid}/maps`, 'utf8');
      for (const fd of fds.filter((f) => f !== '3' && f !== '5')) {
        const st = statSync(`/proc/${p.pid}/fd/${fd}`);
        expect(st.isFile(), `fd ${fd}`).to.equal(true);
        const flags = parseInt(/^flags:\s+(\d+)/m.exec(readFileSync(`/proc/${p.pid}/fdinfo/${fd}`, 'utf8'))![1]!, 8);
        expect(flags & 3, `fd ${fd} access mode`).to.equal(0);
        // Not close-on-exec: a process keeps them across exec and its children inherit them
        // (design-notes, host files mapped); the program cannot reach them (its fd syscalls trap).
        expect(mapped, `fd ${fd} is a mapped file`).to.include(` ${st.ino} `);
      }
    });

    it('has NO_NEW_PRIVS and a seccomp filter (Seccomp: 2)', () => {
      const p = theProcess();
      const status = procStatus(p.pid);
      expect(status.get('NoNewPrivs')).to.equal('1');
      expect(status.get('Seccomp')).to.equal('2');
      expect(Number(status.get('Seccomp_filters'))).to.be.at.least(1);
    });

    it('has no capabilities at all', () => {
      const p = theProcess();
      const status = procStatus(p.pid);
      for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) {
        expect(status.get(set), set).to.equal('0000000000000000');
      }
    });

    it('runs as an unprivileged host uid and gid (not 0)', () => {
      const p = theProcess();
      const status = procStatus(p.pid);
      for (const field of ['Uid', 'Gid']) {
        const ids = status.get(field)!.split(/\s+/).map(Number);
        expect(ids, field).to.have.lengthOf(4);
        for (const id of ids) expect(id, `${field} ${status.get(field)}`).to.not.equal(0);
      }
    });

    it("the sandbox's init holds no host fd and has the empty root", () => {
      expect(init).to.have.lengthOf(1);
      const pid = init[0]!.pid;
      expect(readdirSync(`/proc/${pid}/fd`)).to.deep.equal([]);
      expect(existsSync(`/proc/${pid}/root/etc`)).to.equal(false);
    });

    it('the program then reads its stdin and ends normally', async function () {
      this.timeout(30_000);
      child!.stdin.end('go\n');
      const code = await exited;
      expect(code, stderr).to.equal(0);
      expect(stdout).to.equal('ready\nread 3\n');
    });
  });

  describe('reboot', () => {
    // Sandbox-only: natively, as root, the program would reboot the machine.
    for (const [cmd, status] of [['restart', 128 + 1], ['halt', 128 + 2]] as const) {
      it(`${cmd} from a child ends the sandbox as a pid namespace's init killed by ${status === 129 ? 'SIGHUP' : 'SIGINT'}; the host is untouched`, () => {
        const r = runSandbox([programPath('reboot_namespace', 'dynamic'), cmd]);
        expect(r.status, summarize(r)).to.equal(status);
        expect(r.stdout, summarize(r)).to.equal('bad magic: -1 Invalid argument\nCAD_ON: -1 Invalid argument\n');
      });
    }
    it('is EPERM without CAP_SYS_BOOT', () => {
      const r = runSandbox([programPath('reboot_namespace', 'dynamic'), 'restart'], { extraArgs: ['--user', '1000:1000'] });
      expect(r.status, summarize(r)).to.equal(0);
      expect(r.stdout, summarize(r)).to.equal(
        'bad magic: -1 Operation not permitted\nCAD_ON: -1 Operation not permitted\nafter the reboot: the parent still runs\n',
      );
    });
  });

  describe('unsupported syscalls', () => {
    for (const linkage of LINKAGES) {
      it(`return ENOSYS every time, with one report line per name (${linkage})`, () => {
        const r = runSandbox([programPath('unsupported_syscall', linkage)]);
        expect(r.status, summarize(r)).to.equal(0);
        expect(r.stdout, summarize(r)).to.equal(
          'kexec_load: -1 ENOSYS\nkexec_load: -1 ENOSYS\nsyscall 500: -1 ENOSYS\nsyscall 500: -1 ENOSYS\n',
        );
        const errLines = lines(r.stderr);
        expect(
          errLines.filter((l) => l === 'tsvisor: unsupported syscall kexec_load (246)'),
          summarize(r),
        ).to.have.lengthOf(1);
        expect(errLines.filter((l) => /kexec_load/.test(l)), summarize(r)).to.have.lengthOf(1);
        // 500 is no syscall at all: at most one report, never one per call.
        expect(errLines.filter((l) => /\b500\b/.test(l)), summarize(r)).to.have.length.at.most(1);
        // Every report is one line of the documented form.
        for (const l of errLines.filter((l) => l.includes('unsupported syscall'))) {
          expect(l).to.match(/^tsvisor: unsupported syscall \S+ \(\d+\)$/);
        }
      });
    }
  });

  describe('the network is the sandbox\'s own loopback', function () {
    let host: Server | undefined;
    let hostPort = 0;

    before(async () => {
      const server = createServer((socket) => socket.end('host service\n'));
      host = server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      hostPort = (server.address() as AddressInfo).port;
    });

    after(() => host?.close());

    it('a host service on 127.0.0.1 is not reachable, the outside network is unreachable, the loopback works', () => {
      const script = `
import errno, socket
def attempt(addr):
    s = socket.socket()
    try:
        s.connect(addr); return "connected: " + s.recv(100).decode().strip()
    except OSError as e:
        return errno.errorcode[e.errno]
print("host port:", attempt(("127.0.0.1", ${hostPort})))
print("outside:", attempt(("192.0.2.1", 80)))
own = socket.socket(); own.bind(("127.0.0.1", ${hostPort})); own.listen(1)
print("own listener on the same port:", own.getsockname()[1] == ${hostPort})
c = socket.create_connection(("127.0.0.1", ${hostPort})); peer, _ = own.accept(); peer.sendall(b"inside")
print("own service:", c.recv(100).decode())`;
      const r = runSandbox(['/usr/bin/python3', '-c', script]);
      expect(r.status, summarize(r)).to.equal(0);
      expect(lines(r.stdout), summarize(r)).to.deep.equal([
        'host port: ECONNREFUSED',
        'outside: ENETUNREACH',
        'own listener on the same port: True',
        'own service: inside',
      ]);
    });
  });

  it('namespaces and mounts made inside are refused as in a container without CAP_SYS_ADMIN (EPERM)', () => {
    const script = `
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
def call(name, *args):
    r = getattr(libc, name)(*args)
    return "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
print("unshare(CLONE_NEWNS):", call("unshare", 0x20000))
print("unshare(CLONE_NEWUSER):", call("unshare", 0x10000000))
print("unshare(CLONE_FILES):", call("unshare", 0x400))
print("unshare(0):", call("unshare", 0))
print("mount tmpfs:", call("mount", b"none", b"/tmp", b"tmpfs", 0, None))
print("umount2 /proc:", call("umount2", b"/proc", 0))
print("setns(bad fd):", call("setns", 999, 0))
print("setns(a file):", call("setns", os.open("/etc/hostname", os.O_RDONLY), 0))`;
    const r = runSandbox(['/usr/bin/python3', '-c', script]);
    expect(r.status, summarize(r)).to.equal(0);
    expect(lines(r.stdout), summarize(r)).to.deep.equal([
      'unshare(CLONE_NEWNS): EPERM',
      'unshare(CLONE_NEWUSER): EPERM',
      'unshare(CLONE_FILES): ok',
      'unshare(0): ok',
      'mount tmpfs: EPERM',
      'umount2 /proc: EPERM',
      'setns(bad fd): EBADF',
      'setns(a file): EINVAL',
    ]);
  });

  describe('a program cannot open host files outside --rootfs', function () {
    const hostPasswdFirstLine = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
    const DECOY = 'decoy:x:0:0:the sandbox root own passwd:/:/bin/false';
    const workdir = mkdtempSync(join(tmpdir(), 'tsvisor-escape-'));
    // Two roots: one without /etc, one with its own /etc/passwd.
    const bare = join(workdir, 'bare-root');
    const decoy = join(workdir, 'decoy-root');
    const busybox = '/bin/busybox';

    /** Paths that would reach the host's /etc/passwd if `..` or symlinks escaped the root. */
    const ESCAPES = [
      '../../../../etc/passwd',
      '/../../../../etc/passwd',
      '/bin/../../../../etc/passwd',
      'at:../../../../etc/passwd',
      '/up/etc/passwd',
      'up/etc/passwd',
      '/abs/passwd',
      '/deep/a/b/up/etc/passwd',
      '/deep/a/b/rel/etc/passwd',
    ];
    /** The host path of the root's parent, through a symlink: must resolve inside the root. */
    const HOST_PATH_ESCAPE = '/hostdir/decoy-root/etc/passwd';

    function makeRoot(root: string): void {
      mkdirSync(join(root, 'bin'), { recursive: true });
      mkdirSync(join(root, 'deep', 'a', 'b'), { recursive: true });
      copyFileSync(programPath('path_probe', 'static'), join(root, 'bin', 'path_probe'));
      copyFileSync(programPath('chroot_escape', 'static'), join(root, 'bin', 'chroot_escape'));
      symlinkSync('../../../..', join(root, 'up'));
      symlinkSync('/etc', join(root, 'abs'));
      symlinkSync('../../../../../../../..', join(root, 'deep', 'a', 'b', 'up'));
      symlinkSync('../../../../../..', join(root, 'deep', 'a', 'b', 'rel'));
      symlinkSync(dirname(root), join(root, 'hostdir'));
      if (existsSync(busybox)) copyFileSync(busybox, join(root, 'bin', 'busybox'));
    }

    before(() => {
      makeRoot(bare);
      makeRoot(decoy);
      mkdirSync(join(decoy, 'etc'));
      writeFileSync(join(decoy, 'etc', 'passwd'), `${DECOY}\n`);
    });

    after(() => rmSync(workdir, { recursive: true, force: true }));

    it('a root without /etc: every escape path gives ENOENT', () => {
      const r = runSandbox(['/bin/path_probe', ...ESCAPES, HOST_PATH_ESCAPE], { rootfs: bare });
      expect(r.status, summarize(r)).to.equal(0);
      expect(r.stdout, summarize(r)).to.not.include(hostPasswdFirstLine);
      const expected = ['cwd /'];
      for (const p of [...ESCAPES, HOST_PATH_ESCAPE]) expected.push(`${p}: open ENOENT`, `${p}: stat ENOENT`);
      expect(lines(r.stdout), summarize(r)).to.deep.equal(expected);
    });

    it("a root with its own /etc/passwd: every escape path reaches the root's file, not the host's", () => {
      const r = runSandbox(['/bin/path_probe', ...ESCAPES, HOST_PATH_ESCAPE], { rootfs: decoy });
      expect(r.status, summarize(r)).to.equal(0);
      expect(r.stdout, summarize(r)).to.not.include(hostPasswdFirstLine);
      const expected = ['cwd /'];
      for (const p of ESCAPES) expected.push(`${p}: open ok "${DECOY}"`, `${p}: stat ok`);
      // /hostdir points at the host directory holding the root: inside the root there is none.
      expected.push(`${HOST_PATH_ESCAPE}: open ENOENT`, `${HOST_PATH_ESCAPE}: stat ENOENT`);
      expect(lines(r.stdout), summarize(r)).to.deep.equal(expected);
    });

    it("a chroot inside the sandbox: every way out of the jail ends at the sandbox's root, never the host's", () => {
      const r = runSandbox(['/bin/chroot_escape'], { rootfs: decoy });
      expect(r.status, summarize(r)).to.equal(0);
      expect(r.stdout + r.stderr, summarize(r)).to.not.include(hostPasswdFirstLine);
      const jailed = ['/etc/passwd', '/../../../../etc/passwd', '../../../../etc/passwd', '/up/etc/passwd', '/abs/passwd', '/deep/a/b/up/etc/passwd', '/proc/self/root/etc/passwd'];
      expect(lines(r.stdout), summarize(r)).to.deep.equal([
        // pid 1 is the unjailed parent: its root link leads to the sandbox's root.
        `cwd outside, parent's root link proc/1/root/etc/passwd: "${DECOY}"`,
        `cwd outside, own cwd link proc/self/cwd/../../../etc/passwd: "${DECOY}"`,
        'cwd outside, own root link proc/self/root/../../../etc/passwd: ENOENT',
        ...jailed.map((p) => `jailed ${p}: ENOENT`),
        `climbed etc/passwd: "${DECOY}"`,
        `escaped /etc/passwd: "${DECOY}"`,
        `escaped /../../../../../etc/passwd: "${DECOY}"`,
        `escaped /jail/up/etc/passwd: "${DECOY}"`,
      ]);
    });

    it('static busybox cat cannot read the host /etc/passwd either', function () {
      if (!existsSync(busybox) || hasInterpreter(busybox)) this.skip();
      const targets = ['../../../../etc/passwd', '/up/etc/passwd', '/abs/passwd'];
      const r = runSandbox(['/bin/busybox', 'cat', ...targets], { rootfs: bare });
      expect(r.stdout, summarize(r)).to.equal('');
      expect(r.stdout + r.stderr, summarize(r)).to.not.include(hostPasswdFirstLine);
      expect(r.status, summarize(r)).to.equal(1);
      expect(lines(r.stderr).filter((l) => /No such file or directory/.test(l)), summarize(r)).to.have.lengthOf(3);
      const withDecoy = runSandbox(['/bin/busybox', 'cat', ...targets], { rootfs: decoy });
      expect(withDecoy.stdout, summarize(withDecoy)).to.equal(`${DECOY}\n`.repeat(3));
      expect(withDecoy.status, summarize(withDecoy)).to.equal(0);
    });
  });

  describe('the host never execs the sandboxed program', function () {
    const workdir = mkdtempSync(join(tmpdir(), 'tsvisor-strace-'));
    after(() => rmSync(workdir, { recursive: true, force: true }));

    for (const linkage of LINKAGES) {
      it(`strace -f -e trace=execve,execveat shows no exec of the program (${linkage})`, function () {
        if (!existsSync('/usr/bin/strace')) this.skip();
        const log = join(workdir, `strace-${linkage}.log`);
        const program = programPath('hello', linkage);
        const r = spawnSync(
          '/usr/bin/strace',
          [
            ...['-f', '-qq', '-s', '4096', '-e', 'trace=execve,execveat', '-o', log],
            ...[process.execPath, TSVISOR_BIN, ...tsvisorArgs([program])],
          ],
          { encoding: 'utf8', env: testEnv(), input: '', timeout: 60_000, killSignal: 'SIGKILL' },
        );
        const result = { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
        // tsvisor must work under a tracer: the sandbox it starts must not be auto-attached by
        // strace -f (CLONE_UNTRACED), or its own PTRACE_SEIZE fails with EPERM.
        expect(r.stdout, `tsvisor under strace -f: ${summarize(result)}`).to.equal('hello, world\n');
        expect(r.status, summarize(result)).to.equal(0);

        const execs = readFileSync(log, 'utf8')
          .split('\n')
          .map((l) => /^\d+\s+(execve|execveat)\((.*)$/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => ({ call: m[1]!, args: m[2]! }));
        expect(execs.length, 'strace saw no exec at all').to.be.at.least(1);
        for (const e of execs) {
          if (e.call === 'execve') {
            // Only node itself (started by strace) is exec'd by path.
            const path = /^"((?:[^"\\]|\\.)*)"/.exec(e.args)?.[1];
            expect(path, `execve(${e.args}`).to.equal(process.execPath);
          } else {
            // The stub: execveat(fd, "", ..., AT_EMPTY_PATH); the host opens no path.
            expect(e.args, `execveat(${e.args}`).to.match(/^\d+, "", /);
            expect(e.args, `execveat(${e.args}`).to.match(/AT_EMPTY_PATH\) = /);
          }
          expect(e.args.startsWith(`"${program}"`), `${e.call}(${e.args}`).to.equal(false);
        }
      });
    }
  });
});

/** True if an ELF file has a PT_INTERP program header (is dynamically linked). */
function hasInterpreter(path: string): boolean {
  const elf = readFileSync(path);
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) return false;
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 <= elf.length && elf.readUInt32LE(at) === 3 /* PT_INTERP */) return true;
  }
  return false;
}
