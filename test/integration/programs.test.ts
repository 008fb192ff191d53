// Programs run natively and under `tsvisor run` must print the same stdout and end with the
// same status (a death by signal N natively is exit status 128 + N from tsvisor): the C test
// programs of test/programs/, each dynamically linked and static, and real programs of the host.

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LINKAGES, PROGRAMS_OUT, buildPrograms, programNames, programPath } from '../support/programs.js';
import { HOSTILE_PROGRAMS } from '../support/hostile.js';
import { PTY_PROGRAMS } from '../support/pty.js';
import { SEMANTICS_PROGRAMS } from '../support/semantics.js';
import { TMPFS_PROGRAMS } from '../support/tmpfs.js';
import { MOUNT_RW_PROGRAMS } from '../support/mount_programs.js';
import {
  compareWithNative,
  lines,
  runNative,
  runSandbox,
  summarize,
  testEnv,
  type SandboxOptions,
} from '../support/run.js';

/** Programs whose output differs natively by design; tested in the sandbox alone elsewhere. */
const SANDBOX_ONLY = new Set(['unsupported_syscall', 'overlay_huge_size', 'reboot_namespace']);

interface Fixtures {
  readonly dir: string;
  readonly data: string;
  readonly page: string;
  readonly small: string;
  readonly empty: string;
  readonly subdir: string;
  readonly link: string;
  readonly dangling: string;
  readonly missing: string;
}

/** 10000 bytes of every value, the same in every run (so checksums are comparable). */
function deterministicBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function makeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-programs-'));
  const f = {
    dir,
    data: join(dir, 'data.bin'),
    page: join(dir, 'page.bin'),
    small: join(dir, 'small.txt'),
    empty: join(dir, 'empty.txt'),
    subdir: join(dir, 'sub'),
    link: join(dir, 'link-to-data'),
    dangling: join(dir, 'dangling'),
    missing: join(dir, 'missing'),
  };
  writeFileSync(f.data, deterministicBytes(10000));
  writeFileSync(f.page, deterministicBytes(8192));
  writeFileSync(f.small, 'tsvisor test file\nsecond line\n');
  writeFileSync(f.empty, '');
  mkdirSync(join(f.subdir, 'inner'), { recursive: true });
  symlinkSync('data.bin', f.link);
  symlinkSync('does-not-exist', f.dangling);
  return f;
}

interface Case {
  readonly title?: string;
  readonly args?: readonly string[];
  readonly opts?: SandboxOptions;
}

function casesFor(fx: Fixtures): Record<string, readonly Case[]> {
  return {
    hello: [{}],
    exit42: [{}],
    huge_timeouts: [{}],
    nullderef: [{}],
    args_env: [
      { title: 'no arguments, variable unset' },
      {
        title: 'odd arguments and a variable',
        args: ['a b', '', 'ünïcödé', '--flag=x', '-'],
        opts: { env: testEnv({ TSVISOR_TEST_VAR: 'from the environment' }) },
      },
    ],
    file_read: [
      { title: '10000-byte file', args: [fx.data] },
      { title: 'empty file', args: [fx.empty] },
      { title: 'small text file', args: [fx.small] },
      { title: '/etc/passwd', args: ['/etc/passwd'] },
      { title: 'missing file', args: [fx.missing] },
    ],
    stat_compare: [
      {
        args: [fx.data, fx.empty, fx.link, fx.dangling, fx.subdir, fx.missing, '/etc/passwd', '/'],
      },
    ],
    errno_cases: [{ args: [fx.data] }],
    getpid_family: [{}],
    uname_fields: [{}],
    mmap_file: [
      { title: '10000-byte file', args: [fx.data] },
      { title: 'exactly two pages', args: [fx.page] },
      { title: 'small file', args: [fx.small] },
    ],
    brk_grow: [{}],
    writev_test: [{}],
    clock_test: [{}],
    getrandom_test: [{}],
    tls_errno: [{}],
    isatty_test: [{ args: [fx.data] }],
    wait_stdin: [
      { title: 'stdin closed', opts: { input: '' } },
      { title: 'stdin has data', opts: { input: 'hello\n' } },
    ],
    path_probe: [
      {
        title: 'paths from a working directory',
        args: ['/etc/passwd', 'at:../../etc/passwd', '../small.txt', 'inner', fx.missing],
        opts: { cwd: fx.subdir },
      },
    ],
    auxv_test: [{}],
    // Makes its jail below fx.dir, with a copy of its static build to exec there.
    chroot_jail: [{ args: [fx.dir, join(PROGRAMS_OUT, 'chroot_jail.static')] }],
    // The checkpoint tests' programs (test/integration/checkpoint.test.ts), here run whole.
    ckpt_counter: [{ args: ['20'] }],
    ckpt_clock: [{ args: ['5'] }],
    ckpt_threads: [{}],
    ckpt_shared: [{}],
    // Its file in fx.dir: natively a host file, in the sandbox the overlay's copy of it.
    ckpt_mapped_file: [{ args: [fx.dir] }],
    ckpt_sysv: [{}],
    ckpt_altstack: [{}],
    ckpt_wait_mask: [{}],
    ckpt_producer: [{}],
    ckpt_consumer: [{ opts: { input: 'one\ntwo\nthree\n' } }],
  };
}

describe('test programs: native vs sandbox', function () {
  const fx = makeFixtures();
  const cases = casesFor(fx);

  before(async function () {
    this.timeout(300_000);
    await buildPrograms();
  });

  after(() => rmSync(fx.dir, { recursive: true, force: true }));

  it('every program in test/programs has cases here, in semantics.test.ts, hostile.test.ts, pty.test.ts, tmpfs_options.test.ts or mount_rw.test.ts, or is sandbox-only', () => {
    const elsewhere = new Set([...SEMANTICS_PROGRAMS, ...HOSTILE_PROGRAMS, ...PTY_PROGRAMS, ...TMPFS_PROGRAMS, ...MOUNT_RW_PROGRAMS]);
    const uncovered = programNames().filter((n) => !(n in cases) && !SANDBOX_ONLY.has(n) && !elsewhere.has(n));
    expect(uncovered).to.deep.equal([]);
    const stale = Object.keys(cases).filter((n) => !programNames().includes(n));
    expect(stale).to.deep.equal([]);
  });

  for (const linkage of LINKAGES) {
    describe(`${linkage}ally linked`, () => {
      for (const [name, list] of Object.entries(cases)) {
        for (const c of list) {
          it(`${name}${c.title ? `: ${c.title}` : ''}`, () => {
            compareWithNative([programPath(name, linkage), ...(c.args ?? [])], c.opts);
          });
        }
      }

      it('hello prints exactly "hello, world"', () => {
        const r = runSandbox([programPath('hello', linkage)]);
        expect(r.stdout, summarize(r)).to.equal('hello, world\n');
        expect(r.status, summarize(r)).to.equal(0);
      });

      it('exit42 makes tsvisor exit 42', () => {
        const r = runSandbox([programPath('exit42', linkage)]);
        expect(r.status, summarize(r)).to.equal(42);
        expect(r.stdout).to.equal('');
      });

      it('nullderef dies by SIGSEGV natively and makes tsvisor exit 139', () => {
        const argv = [programPath('nullderef', linkage)];
        const native = runNative(argv);
        expect(native.signal, summarize(native)).to.equal('SIGSEGV');
        const r = runSandbox(argv);
        expect(r.signal, summarize(r)).to.equal(null);
        expect(r.status, summarize(r)).to.equal(139);
        expect(r.stdout, summarize(r)).to.equal('before the fault\n');
      });

      it('getpid_family: the first process is pid 1, parent 0, its thread id is its pid', () => {
        const r = runSandbox([programPath('getpid_family', linkage), 'ids']);
        expect(r.stdout, summarize(r)).to.equal('pid 1 ppid 0 tid 1\n');
        expect(r.status, summarize(r)).to.equal(0);
      });

      it('args_env: --env sets a variable the program reads', () => {
        const r = runSandbox([programPath('args_env', linkage)], { setEnv: ['TSVISOR_TEST_VAR=set by --env'] });
        expect(lines(r.stdout), summarize(r)).to.include('TSVISOR_TEST_VAR "set by --env"');
        expect(r.status, summarize(r)).to.equal(0);
      });
    });
  }
});

describe('host programs: native vs sandbox', function () {
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-host-programs-'));
  const text = join(dir, 'text.txt');
  writeFileSync(text, 'first line\nsecond line\n\nfourth line, after an empty one\n');

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('/bin/echo hello prints hello', () => {
    const { sandbox } = compareWithNative(['/bin/echo', 'hello']);
    expect(sandbox.stdout).to.equal('hello\n');
  });

  it('/bin/true exits 0', () => {
    const { sandbox } = compareWithNative(['/bin/true']);
    expect(sandbox.status).to.equal(0);
  });

  it('/bin/false exits 1', () => {
    const { sandbox } = compareWithNative(['/bin/false']);
    expect(sandbox.status).to.equal(1);
  });

  it("/bin/sh -c 'echo $((6*7))' prints 42", () => {
    const { sandbox } = compareWithNative(['/bin/sh', '-c', 'echo $((6*7))']);
    expect(sandbox.stdout).to.equal('42\n');
  });

  it('/bin/sh -c exit 3 exits 3', () => {
    const { sandbox } = compareWithNative(['/bin/sh', '-c', 'exit 3']);
    expect(sandbox.status).to.equal(3);
  });

  it('cat of a host file', () => {
    const { sandbox } = compareWithNative(['/bin/cat', text]);
    expect(sandbox.stdout).to.equal('first line\nsecond line\n\nfourth line, after an empty one\n');
  });

  it('cat /etc/passwd', () => {
    compareWithNative(['/bin/cat', '/etc/passwd']);
  });

  it('cat copies stdin to stdout', () => {
    const { sandbox } = compareWithNative(['/bin/cat'], { input: 'from stdin\n' });
    expect(sandbox.stdout).to.equal('from stdin\n');
  });

  it('ls / lists the same entries', () => {
    const { sandbox } = compareWithNative(['/bin/ls', '/']);
    expect(lines(sandbox.stdout)).to.include.members(['etc', 'usr']);
  });

  it('head -c 100 /etc/passwd', () => {
    const { sandbox } = compareWithNative(['/usr/bin/head', '-c', '100', '/etc/passwd']);
    expect(sandbox.stdout).to.have.lengthOf(100);
  });

  it('a bare command name is looked up on PATH', () => {
    const { sandbox } = compareWithNative(['echo', 'found', 'on', 'PATH']);
    expect(sandbox.stdout).to.equal('found on PATH\n');
  });

  describe('/usr/bin/env and --env', () => {
    const env = testEnv({ TSVISOR_TEST_VAR: 'x y z', EMPTY_VAR: '' });

    it("by default the program gets tsvisor's environment, exactly", () => {
      const { sandbox } = compareWithNative(['/usr/bin/env'], { env });
      expect(lines(sandbox.stdout)).to.include.members(['TSVISOR_TEST_VAR=x y z', 'EMPTY_VAR=']);
    });

    it('--env K=V gives the program K=V', () => {
      const r = runSandbox(['/usr/bin/env'], { env, setEnv: ['NEW_VAR=new value'] });
      expect(r.status, summarize(r)).to.equal(0);
      expect(lines(r.stdout), summarize(r)).to.include('NEW_VAR=new value');
    });

    it('--env is repeatable, and a value may hold "=" or be empty', () => {
      const r = runSandbox(['/usr/bin/env'], { env, setEnv: ['A_VAR=1', 'B_VAR=2=3', 'C_VAR='] });
      expect(r.status, summarize(r)).to.equal(0);
      expect(lines(r.stdout), summarize(r)).to.include.members(['A_VAR=1', 'B_VAR=2=3', 'C_VAR=']);
    });

    it('--env overrides a variable of the environment: it appears once, with the new value', () => {
      const r = runSandbox(['/usr/bin/env'], { env, setEnv: ['TSVISOR_TEST_VAR=overridden'] });
      expect(r.status, summarize(r)).to.equal(0);
      const found = lines(r.stdout).filter((l) => l.startsWith('TSVISOR_TEST_VAR='));
      expect(found, summarize(r)).to.deep.equal(['TSVISOR_TEST_VAR=overridden']);
    });
  });
});
