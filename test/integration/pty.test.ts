// Pseudo-terminals: the C programs of test/support/pty.ts and real programs that use ptys
// (python's pty module, util-linux script), natively and in the sandbox, with the same
// output; and the pty state rebuilt from a run's events, as every subsystem's must be.
import { expect } from 'chai';
import { existsSync } from 'node:fs';

import { KernelEventSchema, type KernelEvent } from '../../src/kernel/events.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { prepareExec } from '../../src/kernel/loader/exec.js';
import { applyEvent } from '../../src/kernel/reducer.js';
import { emptyKernelState, type KernelState } from '../../src/kernel/state.js';
import { HostRoot } from '../../src/kernel/vfs/path_walk.js';
import { PtracePlatform } from '../../src/platform/ptrace_platform.js';
import { LINKAGES, buildPrograms, programNames, programPath } from '../support/programs.js';
import { PTY_PROGRAMS } from '../support/pty.js';
import { compareWithNative } from '../support/run.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = '/usr/bin/script';

const PYTHON_SCRIPTS: Record<string, string> = {
  'pty.fork: the child has the terminal, the parent reads until EIO': `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    print("tty:", os.ttyname(0).rstrip("0123456789"), os.isatty(0), os.isatty(1), os.isatty(2))
    print("session leader:", os.getsid(0) == os.getpid(), "foreground:", os.tcgetpgrp(0) == os.getpgrp())
    print("hello", input("name? "))
    sys.exit(3)
out = b""
# Typed once the prompt is there (natively, input typed earlier may be echoed before or after the child's output).
while b"name? " not in out:
    out += os.read(fd, 1024)
os.write(fd, b"world\\n")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError as e:
        print("read:", e.strerror)
        break
    if not chunk:
        break
    out += chunk
print(out)
print("status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))`,
  'os.openpty, termios and the window size': `
import fcntl, os, struct, termios, tty
m, s = os.openpty()
print(os.ttyname(s).rstrip("0123456789"), os.isatty(m), os.isatty(s))
os.write(s, b"one\\ntwo\\n"); print(os.read(m, 100))
tty.setraw(s)
os.write(s, b"raw\\n"); print(os.read(m, 100))
os.write(m, b"\\x03x"); print(os.read(s, 100))
fcntl.ioctl(m, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 132, 0, 0))
print(struct.unpack("HHHH", fcntl.ioctl(s, termios.TIOCGWINSZ, b"\\0" * 8)))
os.close(s)
try:
    os.read(m, 10)
except OSError as e:
    print("after the slave closed:", e.strerror)`,
  'select and epoll on both sides': `
import os, select, time
m, s = os.openpty()
ep = select.epoll()
ep.register(m, select.EPOLLIN)
ep.register(s, select.EPOLLIN)
print("nothing yet:", ep.poll(0))
os.write(m, b"half")
time.sleep(0.1)
print("an unfinished line: the master has the echo", sorted((fd == m, ev) for fd, ev in ep.poll(0)))
os.read(m, 100)
os.write(m, b" line\\n")
time.sleep(0.1)
print("a line:", sorted((fd == m, ev) for fd, ev in ep.poll(0)))
print(select.select([m, s], [], [], 0)[0] == [m, s], os.read(s, 100))
os.close(s)
print("the slave closed:", [(fd == m, ev) for fd, ev in ep.poll(0) if fd == m])`,
  'the master closed by its holder exiting: SIGHUP to the session leader': `
import os, pty, signal, time
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    m, s = pty.openpty()
    fd = os.open(os.ttyname(s), os.O_RDWR)
    got = []
    signal.signal(signal.SIGHUP, lambda *a: got.append("HUP"))
    holder = os.fork()
    if holder == 0:
        os.close(fd); os.close(s)
        time.sleep(0.2)
        os._exit(0)
    os.close(m)
    os.waitpid(holder, 0)
    time.sleep(0.3)
    os.write(w, (",".join(got) or "none").encode()); os._exit(0)
os.wait()
print("leader got:", os.read(r, 100).decode())`,
  "the session leader's exit: SIGHUP to the terminal's foreground group": `
import os, pty, signal, time
r, w = os.pipe()
m, s = pty.openpty()
name = os.ttyname(s)
if os.fork() == 0:
    os.setsid()
    fd = os.open(name, os.O_RDWR)
    if os.fork() == 0:
        got = []
        signal.signal(signal.SIGHUP, lambda *a: got.append("HUP"))
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        os.setpgid(0, 0)
        os.tcsetpgrp(fd, os.getpgrp())
        time.sleep(0.6)
        os.write(w, (",".join(got) or "none").encode()); os._exit(0)
    time.sleep(0.2)
    os._exit(0)
os.wait()
print("foreground got:", os.read(r, 100).decode())`,
};

const ROOT_CREDS = { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [] };

describe('pseudo-terminals', function () {
  before(async function () {
    this.timeout(300_000);
    await buildPrograms();
  });

  it('the programs of test/support/pty.ts exist', () => {
    expect(PTY_PROGRAMS.filter((n) => !programNames().includes(n))).to.deep.equal([]);
  });

  for (const linkage of LINKAGES) {
    describe(`${linkage}ally linked`, () => {
      for (const name of PTY_PROGRAMS) {
        it(name, function () {
          this.timeout(120_000);
          compareWithNative([programPath(name, linkage)]);
        });
      }
    });
  }

  describe('python3', () => {
    for (const [title, source] of Object.entries(PYTHON_SCRIPTS)) {
      it(title, function () {
        this.timeout(60_000);
        compareWithNative([PYTHON, '-c', source]);
      });
    }
  });

  describe('script (util-linux)', () => {
    // script copies its stdin to the terminal while the command runs: only a command that
    // waits for the input has a stable output with some. The pty's number natively is
    // whichever the host had free: not compared.
    const commands: ReadonlyArray<[string, string]> = [
      ["tty | sed 's/[0-9]*$/N/'; stty size; echo done", ''],
      ['stty -a | head -2', ''],
      ['read x; echo got $x', 'typed\n'],
    ];
    for (const [command, input] of commands) {
      it(`script -qc '${command}'`, function () {
        if (!existsSync(SCRIPT)) this.skip();
        this.timeout(60_000);
        compareWithNative([SCRIPT, '-qc', command, '/dev/null'], { input });
      });
    }
  });

  it('a run\'s events rebuild the pty state, at a keystroke and at the end', async function () {
    this.timeout(60_000);
    const root = new HostRoot('/');
    const kernel = new Kernel({ platform: new PtracePlatform(), root, warn: () => {} });
    const events: KernelEvent[] = [];
    let atKeystroke: { state: KernelState; count: number } | undefined;
    kernel.bus.subscribe((r) => {
      if (r.type !== 'event') return;
      events.push(structuredClone(r.event));
      // The first keystroke after some output: the pty has input, echo and output in flight.
      if (r.event.type === 'PtyInput' && !atKeystroke && [...kernel.state.ptys.values()].some((p) => p.output.length > 0)) {
        atKeystroke = { state: structuredClone(kernel.state), count: events.length };
      }
    });
    const argv = ['/bin/sh', '-c', `exec ${programPath('pty_signals')} >/dev/null`];
    const status = await kernel.run(prepareExec(root, '/', argv[0]!, argv, ['PATH=/usr/bin:/bin']), '/', ROOT_CREDS);
    expect(status).to.equal(0);
    for (const e of events) expect(() => KernelEventSchema.parse(e), JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)).not.to.throw();
    expect(atKeystroke, 'a keystroke with output pending').to.not.equal(undefined);
    const rebuilt = emptyKernelState();
    events.slice(0, atKeystroke!.count).forEach((e) => applyEvent(rebuilt, e));
    expect(rebuilt.ptys.size).to.equal(1);
    expect(rebuilt).to.deep.equal(atKeystroke!.state);
    events.slice(atKeystroke!.count).forEach((e) => applyEvent(rebuilt, e));
    expect(rebuilt).to.deep.equal(kernel.state);
  });
});
