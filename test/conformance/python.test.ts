// Conformance: python3 (the system's /usr/bin/python3, not a pyenv shim): file I/O,
// subprocess with pipes, threads, multiprocessing, os.walk, tempfile, signals, json, sockets,
// selectors; each run natively and in tsvisor and compared.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const PY = '/usr/bin/python3';

const cases: ConformanceCase[] = [
  {
    name: 'file I/O: write, append, seek, read, stat',
    cmd: `${PY} io.py`,
    files: {
      'io.py': `import os
with open('a.txt', 'w') as f:
    f.write('hello\\n')
    f.write('world\\n')
with open('a.txt', 'a') as f:
    print('appended', f.write('more\\n'))
with open('a.txt', 'rb+') as f:
    f.seek(6)
    print(f.read(5))
    f.seek(0, os.SEEK_END)
    print('size', f.tell())
    f.seek(0)
    f.write(b'J')
print(open('a.txt').read(), end='')
st = os.stat('a.txt')
print(st.st_size, oct(st.st_mode), st.st_nlink)
os.rename('a.txt', 'b.txt')
os.makedirs('x/y/z', exist_ok=True)
os.symlink('../b.txt', 'x/link')
print(sorted(os.listdir('.')), os.readlink('x/link'), open('x/link').read(5))
os.truncate('b.txt', 3)
print(repr(open('b.txt').read()))
try:
    open('nope/none')
except FileNotFoundError as e:
    print('error', e.errno, e.strerror)
`,
    },
  },
  {
    name: 'subprocess with pipes',
    cmd: `${PY} sub.py`,
    files: {
      'sub.py': `import subprocess, sys
r = subprocess.run(['sort', '-r'], input=b'a\\nc\\nb\\n', capture_output=True)
print(r.returncode, r.stdout.decode().split())
p1 = subprocess.Popen(['seq', '1000'], stdout=subprocess.PIPE)
p2 = subprocess.Popen(['wc', '-l'], stdin=p1.stdout, stdout=subprocess.PIPE)
p1.stdout.close()
print('lines', p2.communicate()[0].decode().strip(), p1.wait(), p2.returncode)
r = subprocess.run('echo out; echo err >&2; exit 3', shell=True, capture_output=True, text=True)
print(repr(r.stdout), repr(r.stderr), r.returncode)
print(subprocess.check_output(['sh', '-c', 'echo $0 $1', 'a', 'b'], text=True), end='')
try:
    subprocess.run(['false'], check=True)
except subprocess.CalledProcessError as e:
    print('failed', e.returncode)
try:
    subprocess.run(['/nonexistent/prog'])
except FileNotFoundError as e:
    print('not found', e.errno)
`,
    },
  },
  {
    name: 'threads with a lock and a queue',
    cmd: `${PY} threads.py`,
    execReplayMayDiverge: 'its threads take a lock and the GIL through futexes, which are not recorded: which thread gets them first may differ',
    files: {
      'threads.py': `import threading, queue
lock = threading.Lock()
total = 0
def add(n):
    global total
    for i in range(n):
        with lock:
            total += 1
ts = [threading.Thread(target=add, args=(10000,)) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print('total', total)
q = queue.Queue()
def producer():
    for i in range(100): q.put(i)
    q.put(None)
results = []
def consumer():
    while (x := q.get()) is not None:
        results.append(x * x)
a = threading.Thread(target=producer); b = threading.Thread(target=consumer)
a.start(); b.start(); a.join(); b.join()
print('sum', sum(results), len(results))
ev = threading.Event()
t = threading.Timer(0.05, ev.set); t.start()
print('event', ev.wait(5))
print('threads left', threading.active_count())
`,
    },
  },
  {
    name: 'multiprocessing pool',
    cmd: `${PY} pool.py`,
    execReplayMayDiverge: 'its workers take tasks under a semaphore in shared memory (futexes, not recorded): which worker gets which task may differ',
    files: {
      'pool.py': `import multiprocessing as mp
def square(x):
    return x * x
if __name__ == '__main__':
    with mp.Pool(2) as pool:
        print(pool.map(square, range(10)))
        print(sorted(pool.imap_unordered(square, range(5))))
    q = mp.Queue()
    p = mp.Process(target=q.put, args=('from child',))
    p.start(); print(q.get()); p.join(); print('exitcode', p.exitcode)
`,
    },
  },
  {
    name: 'os.walk over a fixed tree',
    cmd: `${PY} -c 'import os
for root, dirs, files in sorted(os.walk(".")):
    dirs.sort()
    print(root, sorted(dirs), sorted(files))
print(sum(len(f) for _, _, f in os.walk("tree")))'`,
    files: { 'tree/a/1': '1', 'tree/a/2': '2', 'tree/b/c/3': '3', 'tree/top': 't' },
    dirs: ['tree/empty'],
  },
  {
    name: 'tempfile and shutil',
    cmd: `${PY} tmp.py`,
    files: {
      'tmp.py': `import tempfile, os, shutil
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, 'f')
    open(p, 'w').write('x' * 100)
    print('in tmpdir', os.path.dirname(d) == os.environ['TMPDIR'], os.path.getsize(p))
print('removed', not os.path.exists(d))
with tempfile.NamedTemporaryFile('w+', dir='.', suffix='.txt', delete=True) as f:
    f.write('named'); f.flush(); f.seek(0)
    print(f.read(), os.path.exists(f.name))
print('gone', not os.path.exists(f.name))
fd, path = tempfile.mkstemp(dir='.')
os.write(fd, b'kept'); os.close(fd)
os.rename(path, 'kept.txt')
print(oct(os.stat('kept.txt').st_mode & 0o777))
os.makedirs('src/sub'); open('src/sub/a', 'w').write('a')
shutil.copytree('src', 'dst')
shutil.rmtree('src')
print(sorted(os.listdir('.')), os.listdir('dst/sub'))
`,
    },
  },
  {
    name: 'signal handlers, kill and an interval timer',
    cmd: `${PY} sig.py`,
    files: {
      'sig.py': `import signal, os, time
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append('usr1'))
os.kill(os.getpid(), signal.SIGUSR1)
print(got)
signal.signal(signal.SIGALRM, lambda s, f: got.append('alarm'))
signal.setitimer(signal.ITIMER_REAL, 0.05)
signal.pause()
print(got)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGTERM)
print('ignored TERM')
signal.signal(signal.SIGTERM, signal.SIG_DFL)
pid = os.fork()
if pid == 0:
    time.sleep(10)
    os._exit(0)
os.kill(pid, signal.SIGTERM)
_, status = os.waitpid(pid, 0)
print('child', os.WIFSIGNALED(status), os.WTERMSIG(status))
try:
    signal.signal(signal.SIGALRM, lambda s, f: (_ for _ in ()).throw(TimeoutError('alarm')))
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    time.sleep(5)
except TimeoutError as e:
    print('interrupted sleep:', e)
`,
    },
  },
  {
    name: 'json round trip through a file',
    cmd: `${PY} -c 'import json, sys
data = {"name": "tsvisor", "n": [1, 2.5, None, True], "nested": {"b": "\\u00e9", "a": []}}
json.dump(data, open("out.json", "w"), sort_keys=True, indent=2)
back = json.load(open("out.json"))
print(back == data, json.dumps(back, sort_keys=True))
print(json.loads(sys.stdin.read())["k"])'; cat out.json`,
    stdin: '{"k": [1, 2, 3]}',
  },
  {
    name: 'fork, pipe and waitpid statuses',
    cmd: `${PY} -c 'import os
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r); os.write(w, b"from child"); os._exit(7)
os.close(w)
print(os.read(r, 100), os.read(r, 100))
_, st = os.waitpid(pid, 0)
print(os.WIFEXITED(st), os.WEXITSTATUS(st))
print(os.waitstatus_to_exitcode(st))'`,
  },
  {
    name: 'socketpair and a unix socket server',
    cmd: `${PY} sock.py`,
    execReplayMayDiverge: 'its server thread and the main thread hand the GIL over through futexes, which are not recorded: which one runs first may differ',
    files: {
      'sock.py': `import socket, os, threading
a, b = socket.socketpair()
a.sendall(b'ping'); print(b.recv(10)); b.sendall(b'pong'); print(a.recv(10))
a.close(); print(repr(b.recv(10)))
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind('sock'); srv.listen(1)
def serve():
    c, _ = srv.accept()
    c.sendall(c.recv(100).upper()); c.close()
t = threading.Thread(target=serve); t.start()
cl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); cl.connect('sock')
cl.sendall(b'hello'); print(cl.recv(100)); t.join(); cl.close(); srv.close(); os.unlink('sock')
`,
    },
  },
  {
    name: 'selectors (epoll) over pipes',
    cmd: `${PY} sel.py`,
    files: {
      'sel.py': `import selectors, os, subprocess
sel = selectors.DefaultSelector()
print(type(sel).__name__)
procs = [subprocess.Popen(['sh', '-c', f'sleep 0.{i}; echo child {i}'], stdout=subprocess.PIPE) for i in (1, 2, 3)]
for p in procs: sel.register(p.stdout, selectors.EVENT_READ, p)
out = []
while len(sel.get_map()) > 0:
    for key, _ in sel.select(timeout=5):
        data = key.fileobj.read1(100) if hasattr(key.fileobj, 'read1') else os.read(key.fd, 100)
        if data: out.append(data.decode().strip())
        else: sel.unregister(key.fileobj)
print(sorted(out), [p.wait() for p in procs])
`,
    },
  },
  {
    name: 'hashlib, zlib and stdin',
    cmd: `${PY} -c 'import hashlib, zlib, sys
data = sys.stdin.buffer.read()
print(len(data), hashlib.sha256(data).hexdigest())
z = zlib.compress(data, 9); open("data.z", "wb").write(z)
print(zlib.decompress(open("data.z", "rb").read()) == data)'`,
    stdin: 'tsvisor conformance\n'.repeat(1000),
  },
  {
    name: 'exit status and traceback of an uncaught exception',
    cmd: `${PY} -c 'import sys; print("before"); sys.stdout.flush(); raise ValueError("boom")'; echo "rc=$?"; ${PY} -c 'import sys; sys.exit(3)'; echo "rc=$?"`,
  },
  {
    name: 'os and platform queries',
    cmd: `${PY} -c 'import os, sys, pwd
print(os.getuid(), os.geteuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name)
print(os.getcwd() == os.environ["PWD"], os.path.realpath(".") == os.getcwd())
print(sorted(k for k in os.environ if k not in ("PWD", "_")))
print(sys.argv, os.cpu_count() is not None, os.get_terminal_size.__name__)
print(os.isatty(0), os.isatty(1), os.umask(0o22) == 0o22)'`,
  },
  {
    // Each of these waited forever or went unreported in the sandbox: a connected UDP socket's
    // port unreachable, a lockf deadlock between two processes, a kill's sender seen by
    // sigwaitinfo, sendfile to an O_APPEND file, and RLIMIT_FSIZE.
    name: 'UDP port unreachable, lockf deadlock, sigwaitinfo sender, sendfile to O_APPEND, RLIMIT_FSIZE',
    cmd: `${PY} edges.py`,
    files: {
      'edges.py': `import errno, fcntl, os, resource, signal, socket
free = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); free.bind(("127.0.0.1", 0)); port = free.getsockname()[1]; free.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(("127.0.0.1", port)); u.send(b"ping")
try: u.recv(10)
except OSError as e: print("udp recv:", errno.errorcode[e.errno])
open("f", "w").write("0123456789")
fd = os.open("f", os.O_RDWR); fcntl.lockf(fd, fcntl.LOCK_EX, 1, 0)
r, w = os.pipe(); r2, w2 = os.pipe(); pid = os.fork()
if pid == 0:
    mine = os.open("f", os.O_RDWR); fcntl.lockf(mine, fcntl.LOCK_EX, 1, 1); os.write(w, b"1")
    try: fcntl.lockf(mine, fcntl.LOCK_EX, 1, 0); result = "got"
    except OSError as e: result = errno.errorcode[e.errno]
    fcntl.lockf(mine, fcntl.LOCK_UN, 1, 1); os.write(w2, result.encode()); os._exit(0)
os.read(r, 1)
try: fcntl.lockf(fd, fcntl.LOCK_EX, 1, 1); mine = "got"
except OSError as e: mine = errno.errorcode[e.errno]
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0); theirs = os.read(r2, 10).decode(); os.waitpid(pid, 0)
print("lockf deadlock:", sorted([mine, theirs]))
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1]); os.kill(os.getpid(), signal.SIGUSR1)
info = signal.sigwaitinfo([signal.SIGUSR1]); print("sigwaitinfo:", info.si_pid == os.getpid(), info.si_uid == os.getuid(), info.si_code)
a = os.open("a", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
try: os.sendfile(a, os.open("f", os.O_RDONLY), 0, 5)
except OSError as e: print("sendfile to O_APPEND:", errno.errorcode[e.errno])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN); resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))
big = os.open("big", os.O_WRONLY | os.O_CREAT, 0o644); print("write past RLIMIT_FSIZE:", os.write(big, b"x" * 300))
try: os.write(big, b"x")
except OSError as e: print("write at it:", errno.errorcode[e.errno])
`,
    },
  },
];

conformanceSuite('python3', cases.map((c) => ({ ...c, needs: [...(c.needs ?? []), PY] })));
