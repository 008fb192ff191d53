// Pipes, unix and loopback TCP/UDP sockets, epoll, eventfd, timerfd, poll/select and processes, driven by
// python3 scripts: each script runs natively and in the sandbox, and the outputs must match.
import { expect } from 'chai';

import { runNative, runSandbox, shellStatus, summarize } from '../support/run.js';

const PYTHON = '/usr/bin/python3';

const SCRIPTS: Record<string, string> = {
  'socketpair stream, SCM_RIGHTS': `
import socket, os
a, b = socket.socketpair()
a.sendall(b"ping"); print(b.recv(10))
r, w = os.pipe()
socket.send_fds(a, [b"fd"], [w])
msg, fds, flags, addr = socket.recv_fds(b, 10, 4)
print(msg, len(fds))
os.write(fds[0], b"through the passed fd"); print(os.read(r, 100))
a.close(); print(b.recv(10))`,
  'abstract listening socket, accept, EOF': `
import socket
s = socket.socket(socket.AF_UNIX); s.bind("\\0tsvisor-test-%d"); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect(s.getsockname())
conn, _ = s.accept(); c.sendall(b"hi server"); print(conn.recv(100))
conn.sendall(b"hi client"); conn.close(); print(c.recv(100), c.recv(100))`,
  'datagram sockets keep message boundaries': `
import socket
d1 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d1.bind("\\0tsvisor-dgram")
d2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for m in (b"one", b"two", b"three"): d2.sendto(m, "\\0tsvisor-dgram")
print([d1.recv(100) for _ in range(3)])
print(d1.recv(100, socket.MSG_DONTWAIT) if False else "ok")`,
  'an HTTP server and client over loopback TCP (threads, urllib, localhost)': `
import http.server, threading, urllib.request
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from " + self.path.encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]
print(urllib.request.urlopen(f"http://localhost:{port}/a", timeout=10).read())
print(urllib.request.urlopen(f"http://127.0.0.1:{port}/b").read())
server.shutdown()`,
  'asyncio streams over IPv6 loopback, UDP with a timeout': `
import asyncio, socket
async def main():
    async def shout(reader, writer):
        writer.write((await reader.readline()).upper()); await writer.drain(); writer.close()
    server = await asyncio.start_server(shout, "::1", 0)
    reader, writer = await asyncio.open_connection("::1", server.sockets[0].getsockname()[1])
    writer.write(b"quiet words\\n"); await writer.drain()
    print(await reader.readline()); writer.close()
    server.close(); await server.wait_closed()
asyncio.run(main())
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0)); a.settimeout(0.2)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.sendto(b"datagram", a.getsockname()); data, sender = a.recvfrom(100)
print(data, sender == b.getsockname())
try:
    a.recvfrom(100)
except socket.timeout:
    print("timed out")`,
  'epoll level and edge triggered': `
import select, os
r, w = os.pipe()
ep = select.epoll(); ep.register(r, select.EPOLLIN)
print(ep.poll(0.01))
os.write(w, b"x"); print(ep.poll(1))
et = select.epoll(); et.register(r, select.EPOLLIN | select.EPOLLET)
print(len(et.poll(0)), len(et.poll(0)))
os.write(w, b"y"); print(len(et.poll(0)))
os.close(w); print(sorted(e for _, e in ep.poll(0)))`,
  'eventfd and timerfd': `
import os, select, time
efd = os.eventfd(3, os.EFD_NONBLOCK)
print(os.eventfd_read(efd)); os.eventfd_write(efd, 5); print(os.eventfd_read(efd))
try:
    os.eventfd_read(efd)
except BlockingIOError:
    print("EAGAIN")
p = select.poll(); p.register(efd, select.POLLIN); print(p.poll(0))`,
  'select and poll with timeouts': `
import select, os, time
r, w = os.pipe()
t = time.monotonic(); print(select.select([r], [], [], 0.05)); print(time.monotonic() - t >= 0.04)
os.write(w, b"z"); print(select.select([r], [w], [], 1))
p = select.poll(); p.register(r, select.POLLIN); print(p.poll(0))`,
  'subprocess pipes and communicate': `
import subprocess
print(subprocess.run(["echo", "sub"], capture_output=True).stdout)
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
print(p.communicate(b"x" * 200000)[0] == b"x" * 200000, p.returncode)
print(subprocess.run("exit 3", shell=True).returncode)
print(subprocess.run(["sh", "-c", "kill -TERM $$"]).returncode)`,
  'fork, wait statuses, signals': `
import os, signal
pid = os.fork()
if pid == 0:
    os._exit(7)
print(os.waitpid(pid, 0)[1] >> 8)
pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGKILL)
_, st = os.waitpid(pid, 0); print(os.WIFSIGNALED(st), os.WTERMSIG(st))
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1); print(got)
try:
    os.waitpid(-1, 0)
except ChildProcessError:
    print("ECHILD")`,
  'threads': `
import threading
total = 0
lock = threading.Lock()
def work():
    global total
    for _ in range(10000):
        with lock:
            total += 1
ts = [threading.Thread(target=work) for _ in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print(total, threading.active_count())`,
};

describe('ipc and processes: python3 natively and in the sandbox', function () {
  this.timeout(60_000);
  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(name, () => {
      const native = runNative([PYTHON, '-c', script]);
      const sandbox = runSandbox([PYTHON, '-c', script]);
      expect(shellStatus(native), summarize(native)).to.equal(0);
      expect(sandbox.stdout, summarize(sandbox)).to.equal(native.stdout);
      expect(shellStatus(sandbox), summarize(sandbox)).to.equal(0);
    });
  }
});
