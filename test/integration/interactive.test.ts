// Interactive use through a real pseudo-terminal: python's pty module plays the user at a
// terminal running bash (line editing, history, ^C, ^Z/jobs/fg, ^D, a window resize), once
// natively and once as `tsvisor run -- bash`: what the terminal shows must be the same (job
// pids aside). vim is driven in the sandbox alone (natively here it reports E1286, a timer
// the host refuses), and must write what was typed.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { TSVISOR_BIN } from '../support/run.js';

const PYTHON = '/usr/bin/python3';
const BASH = ['/bin/bash', '--norc', '--noprofile', '-i'];

/**
 * Runs argv on a new pty (80x24, TERM=xterm, PS1 'PROMPT$ ') and plays the steps: each sends
 * its keys after an optional pause, then reads until its text appears (the transcript keeps
 * what was read). Prints the transcript as JSON, then the wait status.
 */
const DRIVER = `
import json, os, pty, select, struct, sys, time, fcntl, termios
argv, steps = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM='xterm', PS1='PROMPT$ ', HOME='/root', LANG='C')
    os.execv(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
buf, transcript = b'', []
def read_until(text, timeout=20):
    global buf
    end = time.time() + timeout
    while text.encode() not in buf:
        r, _, _ = select.select([fd], [], [], max(0, end - time.time()))
        if not r:
            raise SystemExit('timed out waiting for %r after %r' % (text, buf[-400:]))
        buf += os.read(fd, 65536)
    i = buf.index(text.encode()) + len(text)
    transcript.append(buf[:i].decode('utf-8', 'replace'))
    buf = buf[i:]
read_until('PROMPT$ ')
for step in steps:
    # Typing only once the shell waits for input keeps the transcript free of typeahead races.
    time.sleep(step.get('pause', 0.3))
    if 'resize' in step:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', step['resize'][0], step['resize'][1], 0, 0))
    if 'send' in step:
        os.write(fd, step['send'].encode())
    if 'expect' in step:
        read_until(step['expect'])
print(json.dumps(transcript))
print(os.waitpid(pid, 0)[1])
`;

interface Step {
  send?: string;
  expect?: string;
  pause?: number;
  resize?: [number, number];
}

function play(argv: readonly string[], steps: readonly Step[]): { transcript: string[]; status: number } {
  const r = spawnSync(PYTHON, ['-c', DRIVER, JSON.stringify(argv), JSON.stringify(steps)], { encoding: 'utf8', timeout: 90_000 });
  if (r.status !== 0) throw new Error(`pty driver failed (${r.status}): ${r.stderr}${r.stdout}`);
  const [json, status] = r.stdout.trim().split('\n');
  return { transcript: JSON.parse(json!) as string[], status: Number(status) };
}

const SANDBOXED_BASH = [process.execPath, TSVISOR_BIN, 'run', '--', ...BASH];

/** A transcript without what differs from run to run: the pids bash prints for background jobs. */
function normalized(transcript: readonly string[]): string[] {
  return transcript.map((t) => t.replace(/\[(\d+)\] \d+/g, '[$1] PID'));
}

/** The same session natively and in tsvisor. */
function compare(steps: readonly Step[]): string[] {
  const native = play(BASH, steps);
  const sandboxed = play(SANDBOXED_BASH, steps);
  expect(normalized(sandboxed.transcript)).to.deep.equal(normalized(native.transcript));
  expect(sandboxed.status).to.equal(native.status);
  return sandboxed.transcript;
}

const PROMPT = 'PROMPT$ ';

describe('interactive use through a pseudo-terminal', function () {
  this.timeout(120_000);

  before(function () {
    if (!existsSync(PYTHON)) this.skip();
  });

  it('bash: line editing, history, ^C at the prompt and for a foreground job, ^D for cat', () => {
    const t = compare([
      { send: 'echo helo\x1b[Dl\r', expect: PROMPT }, // cursor left, insert
      { send: '\x1b[A\x01\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x0b world\r', expect: PROMPT }, // history, ^A, right x5, ^K, type
      { send: 'echo abc def\x17\x17xyz\r', expect: PROMPT }, // ^W twice
      { send: 'half typed', expect: 'half typed' },
      { send: '\x03', expect: PROMPT }, // ^C at the prompt
      { send: 'sleep 100\r', pause: 0, expect: 'sleep 100\r\n' },
      { send: '\x03', pause: 1, expect: PROMPT }, // ^C reaches sleep, not bash
      { send: 'echo status $?\r', expect: PROMPT },
      { send: 'cat\r', expect: 'cat\r\n' },
      { send: 'typed line\r', expect: 'typed line\r\n' },
      { send: '\x04', pause: 0.5, expect: PROMPT },
      { send: 'exit 3\r', expect: 'exit' },
    ]);
    const text = t.join('');
    expect(text).to.include('\rhello\r\n');
    expect(text).to.include('\rworld\r\n');
    expect(text).to.include('\rxyz\r\n');
    expect(text).to.include('status 130');
  });

  it('bash: job control with ^Z, jobs, bg, fg, and a background job waited for', () => {
    const t = compare([
      { send: 'sleep 100\r', expect: 'sleep 100\r\n' },
      { send: '\x1a', pause: 1, expect: PROMPT }, // ^Z stops the job only
      { send: 'jobs\r', expect: PROMPT },
      { send: 'fg\r', expect: 'sleep 100\r\n' },
      { send: '\x03', pause: 1, expect: PROMPT },
      { send: 'sleep 0.3 & wait; echo done $?\r', expect: PROMPT },
      { send: 'jobs; echo none\r', expect: PROMPT },
      { send: 'exit\r', expect: 'exit' },
    ]);
    expect(t.join('')).to.include('Stopped                 sleep 100');
  });

  it('bash: a window resize reaches the foreground program (readline redraws, stty size)', () => {
    const t = compare([
      { send: 'stty size\r', expect: PROMPT },
      { resize: [30, 100], expect: PROMPT }, // readline redraws its line at SIGWINCH
      { send: 'stty size\r', expect: PROMPT },
      { send: 'exit\r', expect: 'exit' },
    ]);
    expect(t.join('')).to.include('24 80\r\n');
    expect(t.join('')).to.include('30 100\r\n');
  });

  it('bash: a timed-out read of /dev/tty, then exit: the exit status comes at once', () => {
    // posix mode times read -t out with SIGALRM, leaving tsvisor's host read of the terminal
    // parked in Node's thread pool; Node's own exit would wait for it until a key came.
    const t = compare([{ send: 'set -o posix; read -t 0.2 x </dev/tty; echo "read said $?"; exit 3\r', expect: 'read said 142\r\nexit' }]);
    expect(t.join('')).to.include('read said 142');
  });

  it('vim edits a file in the sandbox', () => {
    const { transcript, status } = play(SANDBOXED_BASH, [
      { send: 'vim -u NONE -N -i NONE /tmp/tsvisor-vim-test.txt\r', expect: '[New]' },
      { send: 'ihello from vim\x1byyp', pause: 1 },
      { send: ':wq\r', pause: 0.5, expect: PROMPT },
      { send: 'cat /tmp/tsvisor-vim-test.txt\r', expect: PROMPT },
      { send: 'exit\r', expect: 'exit' },
    ]);
    expect(status).to.equal(0);
    const text = transcript.join('');
    expect(text).to.include('2L, 30B written');
    expect(text).to.include('hello from vim\r\nhello from vim\r\n');
  });
});
