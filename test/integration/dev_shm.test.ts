// /dev/shm: a tmpfs of the sandbox's own (mode 1777, empty at start), where POSIX shared memory
// (shm_open) and named semaphores (sem_open) live, as natively; the host's /dev/shm is neither
// seen nor written. Each case runs natively and in the sandbox and compares the outputs.

import { expect } from 'chai';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../support/programs.js';
import { expectNoStackTrace, runNative, runSandbox, summarize, testEnv } from '../support/run.js';

const PROBE = join(REPO_ROOT, 'test', 'integration', 'overlay_probes', 'dev_shm.py');
const HOST_SHM = '/dev/shm';

/** The host's /dev/shm entries with this prefix. */
function hostShm(prefix: string): string[] {
  return existsSync(HOST_SHM) ? readdirSync(HOST_SHM).filter((n) => n.startsWith(prefix)) : [];
}

function cleanHostShm(prefix: string): void {
  for (const n of hostShm(prefix)) rmSync(join(HOST_SHM, n), { recursive: true, force: true });
}

describe('/dev/shm: the sandbox\'s own tmpfs', function () {
  this.timeout(120_000);
  const prefix = `tsvisor-shm-${process.pid}-`;
  // A shared-memory object of the host's: the sandbox must not see it.
  const hostObject = join(HOST_SHM, `${prefix}host-object`);

  before(function () {
    if (!existsSync(HOST_SHM)) this.skip();
    writeFileSync(hostObject, 'the host\'s\n');
  });

  after(() => cleanHostShm(prefix));

  it('shm_open, write, read back, mmap, list, rename, link, mkdir, unlink and sem_open behave as natively', () => {
    const native = runNative(['/usr/bin/python3', PROBE, `${prefix}p-`], { env: testEnv() });
    const sandbox = runSandbox(['/usr/bin/python3', PROBE, `${prefix}p-`], { env: testEnv() });
    expect(native.status, summarize(native)).to.equal(0);
    expect(sandbox.stdout, summarize(sandbox)).to.equal(native.stdout);
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
    expectNoStackTrace(sandbox);
    expect(native.stdout).to.include('semaphore value 2');
    // The host's /dev/shm: only the object the test put there.
    expect(hostShm(prefix)).to.deep.equal([`${prefix}host-object`]);
  });

  it('is empty at start (the host\'s objects stay invisible), and what is made there stays in the sandbox', () => {
    const script = [
      'ls -a /dev/shm',
      'stat -c "%a %F %U" /dev/shm',
      'stat -f -c %T /dev/shm',
      `cat ${hostObject} 2>/dev/null || echo "host object: not there"`,
      `echo mine > /dev/shm/${prefix}made && cat /dev/shm/${prefix}made && ls /dev/shm`,
    ].join('; ');
    const sandbox = runSandbox(['/bin/sh', '-c', script], { env: testEnv() });
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
    expectNoStackTrace(sandbox);
    expect(sandbox.stdout).to.equal(['.', '..', '1777 directory root', 'tmpfs', 'host object: not there', 'mine', `${prefix}made`, ''].join('\n'));
    // Natively the same attributes (on a host whose /dev/shm is the usual tmpfs).
    const native = runNative(['/bin/sh', '-c', 'stat -c "%a %F %U" /dev/shm; stat -f -c %T /dev/shm'], { env: testEnv() });
    if (native.stdout === '1777 directory root\ntmpfs\n') expect(sandbox.stdout).to.include(native.stdout);
    expect(hostShm(prefix)).to.deep.equal([`${prefix}host-object`]);
  });

  it('rmdir and rename of /dev/shm itself are refused (a mount point), /dev stays read-only', () => {
    const script = 'rmdir /dev/shm; echo "rmdir=$?"; mv /dev/shm /dev/shm2; echo "mv=$?"; touch /dev/new; echo "touch=$?"; ls -d /dev/shm';
    const sandbox = runSandbox(['/bin/sh', '-c', `(${script}) 2>/dev/null`], { env: testEnv() });
    expect(sandbox.stdout, summarize(sandbox)).to.equal('rmdir=1\nmv=1\ntouch=1\n/dev/shm\n');
  });

  // multiprocessing.Pool needs its locks (sem_open'ed in /dev/shm, then inherited through fork)
  // shared between processes: MAP_SHARED mappings are shared memory on the host.
  it('multiprocessing.Pool(2).map works as natively (MAP_SHARED shared across fork)', () => {
    const argv = ['/usr/bin/python3', '-c', 'from multiprocessing import Pool\nwith Pool(2) as p: print(p.map(abs, [-1, -2, 3]))'];
    const native = runNative(argv, { env: testEnv() });
    const sandbox = runSandbox(argv, { env: testEnv(), timeoutMs: 30_000 });
    expect(sandbox.stdout, summarize(sandbox)).to.equal(native.stdout);
  });
});
