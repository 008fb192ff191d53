// Real programs using openat2, signalfd and inotify (python3 through ctypes, inotifywait when
// installed), each run natively and in the sandbox with the same output; and `run --tmpfs`.
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

import { compareWithNativeEach, expectNoStackTrace, expectOneLineError, runSandbox, summarize, testEnv } from '../support/run.js';

const PYTHON = '/usr/bin/python3';

const CTYPES = `
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def check(r):
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r
`;

const SCRIPTS: Record<string, string> = {
  'openat2 with RESOLVE_BENEATH and RESOLVE_IN_ROOT': `${CTYPES}
import sys
class OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]
def openat2(dirfd, path, flags, resolve):
    how = OpenHow(flags, 0, resolve)
    return check(libc.syscall(437, ctypes.c_int(dirfd), path.encode(), ctypes.byref(how), ctypes.c_size_t(ctypes.sizeof(how))))
root = sys.argv[1]
os.makedirs(root + "/in/deeper")
with open(root + "/in/deeper/f", "w") as f:
    f.write("inside\\n")
os.symlink("/deeper/f", root + "/in/abs")
d = os.open(root + "/in", os.O_RDONLY | os.O_DIRECTORY)
print(os.read(openat2(d, "deeper/f", os.O_RDONLY, 0x08), 100))
for path, resolve in [("../in/deeper/f", 0x08), ("abs", 0x08), ("/etc/passwd", 0x08), ("abs", 0x04)]:
    try:
        openat2(d, path, os.O_RDONLY, resolve)
    except OSError as e:
        print(path, hex(resolve), os.strerror(e.errno))
print(os.read(openat2(d, "abs", os.O_RDONLY, 0x10), 100))
print(os.read(openat2(d, "/../../deeper/f", os.O_RDONLY, 0x10), 100))`,

  'signalfd with select and a child\'s signal': `${CTYPES}
import select, signal, sys, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGTERM})
mask = ctypes.c_uint64((1 << (signal.SIGUSR1 - 1)) | (1 << (signal.SIGTERM - 1)))
fd = check(libc.signalfd(-1, ctypes.byref(mask), os.O_NONBLOCK | os.O_CLOEXEC))
print(select.select([fd], [], [], 0)[0])
os.kill(os.getpid(), signal.SIGUSR1)
print(select.select([fd], [], [], 0)[0] == [fd])
signo, errno_, code, pid, uid = struct.unpack("IiiII", os.read(fd, 128)[:20])
print(signal.Signals(signo).name, code, pid == os.getpid())
child = os.fork()
if child == 0:
    time.sleep(0.1)
    os.kill(os.getppid(), signal.SIGTERM)
    os._exit(0)
ready, _, _ = select.select([fd], [], [], 5)
signo, errno_, code, pid, uid = struct.unpack("IiiII", os.read(fd, 128)[:20])
print(ready == [fd], signal.Signals(signo).name, pid == child)
os.waitpid(child, 0)
try:
    os.read(fd, 128)
except BlockingIOError:
    print("EAGAIN")`,

  'inotify through ctypes, changes made by a shell': `${CTYPES}
import subprocess, sys
d = sys.argv[1]
fd = check(libc.inotify_init1(os.O_CLOEXEC))
wd = check(libc.inotify_add_watch(fd, d.encode(), 0xfff))
subprocess.run(["sh", "-c", 'echo one > "$0/a"; cat "$0/a" > /dev/null; mv "$0/a" "$0/b"; rm "$0/b"', d], check=True)
# Events are queued by the syscalls that cause them: all are there once the shell is done.
buf = os.read(fd, 65536)
pos = 0
names = {0x2: "MODIFY", 0x8: "CLOSE_WRITE", 0x10: "CLOSE_NOWRITE", 0x20: "OPEN", 0x40: "MOVED_FROM", 0x80: "MOVED_TO", 0x100: "CREATE", 0x200: "DELETE"}
seen = []
while pos < len(buf):
    w, mask, cookie, n = struct.unpack("iIII", buf[pos:pos + 16])
    name = buf[pos + 16:pos + 16 + n].rstrip(b"\\x00").decode()
    seen.append((names.get(mask, hex(mask)), name, cookie != 0))
    pos += 16 + n
for event in seen:
    print(*event)`,
};

describe('real programs: openat2, signalfd, inotify', function () {
  this.timeout(120_000);
  const created: string[] = [];
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tsvisor-userland-'));
    created.push(dir);
    return dir;
  };
  after(() => created.forEach((d) => rmSync(d, { recursive: true, force: true })));

  for (const [title, script] of Object.entries(SCRIPTS)) {
    it(title, () => {
      compareWithNativeEach(() => [PYTHON, '-c', script, fresh()], { env: testEnv() });
    });
  }

  it('inotifywait -m sees what a shell does in the watched directory', function () {
    if (!existsSync('/usr/bin/inotifywait')) this.skip();
    const script = [
      'd=$1',
      'inotifywait -m -e create,modify,close_write,delete,moved_from,moved_to,attrib --format "%e %f" "$d" > "$d.log" 2> "$d.err" &',
      'w=$!',
      'until grep -q established "$d.err"; do sleep 0.05; done',
      'echo hello > "$d/a"; chmod 600 "$d/a"; mv "$d/a" "$d/b"; mkdir "$d/sub"; rm "$d/b"; rmdir "$d/sub"',
      'until grep -q "DELETE,ISDIR sub" "$d.log"; do sleep 0.05; done',
      'kill $w; cat "$d.log"',
    ].join('\n');
    const { sandbox } = compareWithNativeEach(() => ['/bin/sh', '-c', script, 'sh', fresh()], { env: testEnv() });
    expect(sandbox.stdout).to.include('MOVED_TO b');
  });
});

describe('--tmpfs PATH', function () {
  this.timeout(60_000);

  it('mounts an empty tmpfs at a new or an existing directory, listed in /proc/mounts', () => {
    const script = [
      'ls -a /scratch; stat -c "%a %U" /scratch; stat -f -c %T /scratch /var/tmp',
      'ls / | grep -x scratch',
      'echo data > /scratch/f; cat /scratch/f; ls /scratch',
      'grep " tmpfs " /proc/mounts',
      'mv /scratch/f /f-moved && cat /f-moved',
      'rmdir /scratch || echo rmdir refused',
      'ls /var/tmp | wc -l',
    ].join('; ');
    const r = runSandbox(['/bin/sh', '-c', script], { env: testEnv(), extraArgs: ['--tmpfs', '/scratch', '--tmpfs', '/var/tmp/'] });
    expect(r.status, summarize(r)).to.equal(0);
    expectNoStackTrace(r);
    expect(r.stdout).to.equal(
      [
        '.', '..', '1777 root', 'tmpfs', 'tmpfs', 'scratch', 'data', 'f',
        'tmpfs /dev/shm tmpfs rw,nosuid,nodev,relatime 0 0',
        'tmpfs /scratch tmpfs rw,nosuid,nodev,relatime 0 0',
        'tmpfs /var/tmp tmpfs rw,nosuid,nodev,relatime 0 0',
        'data', 'rmdir refused', '0', '',
      ].join('\n'),
    );
    expect(existsSync('/scratch')).to.equal(false);
  });

  it('refuses a relative path, /proc, /dev, the root, a file and a missing parent', () => {
    for (const spec of ['relative', '/proc', '/dev/x', '/', '/etc/passwd', '/no-such-dir/x']) {
      const r = runSandbox(['/bin/true'], { extraArgs: ['--tmpfs', spec] });
      expect(r.status, `${spec}: ${summarize(r)}`).to.equal(125);
      expectOneLineError(r);
    }
  });
});

describe('/sys', function () {
  this.timeout(60_000);

  it("shows the sandbox's CPUs, its limits as cgroup v2 files, lo, and nothing of the host's devices", () => {
    const script = [
      'cat /sys/devices/system/cpu/online; ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l; getconf _NPROCESSORS_CONF',
      'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cgroup.controllers',
      'sleep 5 & cat /sys/fs/cgroup/cgroup.procs > /tmp/procs; kill $!; wc -l < /tmp/procs',
      'stat -f -c %T /sys /sys/fs/cgroup',
      'grep -E "^(sysfs|cgroup2) " /proc/mounts',
      'grep -c "^[a-z_]*\t0\t1\t1$" /proc/cgroups',
      'ls /sys/class/net; cat /sys/class/net/lo/mtu',
      'find /sys/block /sys/dev/block -mindepth 1 | wc -l',
      'echo 1 > /sys/fs/cgroup/pids.max || echo write refused',
      // Each CPU a core of its own in one socket and NUMA node, as lscpu reads them from topology/ and node/.
      'cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list /sys/devices/system/cpu/cpu0/topology/core_siblings',
      'cat /sys/devices/system/node/node0/cpulist',
      'lscpu -p=CPU,CORE,SOCKET,NODE | grep -v "^#"',
    ].join('; ');
    const r = runSandbox(['/bin/sh', '-c', script], { env: testEnv(), extraArgs: ['--memory', '1g', '--pids-limit', '64'] });
    expect(r.status, summarize(r)).to.equal(0);
    expectNoStackTrace(r);
    const cpus = availableParallelism();
    expect(r.stdout).to.equal(
      [
        cpus === 1 ? '0' : `0-${cpus - 1}`, String(cpus), String(cpus),
        '1073741824', '64', 'cpuset cpu io memory pids',
        '3', // sh, sleep and cat
        'sysfs', 'cgroup2fs',
        'sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0',
        'cgroup2 /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0',
        '14', // every controller on the cgroup v2 hierarchy (0)
        'lo', '65536',
        '0',
        'write refused',
        '0', (2n ** BigInt(cpus) - 1n).toString(16).padStart(Math.ceil(cpus / 4), '0').replace(/(?=(?:.{8})+$)/g, ',').replace(/^,/, ''),
        cpus === 1 ? '0' : `0-${cpus - 1}`,
        ...Array.from({ length: cpus }, (_, cpu) => `${cpu},${cpu},0,0`),
        '',
      ].join('\n'),
    );
  });
});
