// `run --tmpfs PATH:OPTIONS`: tmpfs mounts with Linux's options (size=, nr_inodes=, mode=, uid=,
// gid=, ro, noexec, nosuid, nodev, the atime flags). The C programs run natively on a tmpfs
// mounted with the same options in a mount namespace of their own (unshare -m: the host's
// mount table is never touched) and in the sandbox, and print the same.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildPrograms, LINKAGES, programPath } from '../support/programs.js';
import { expectNoStackTrace, expectOneLineError, runNative, runSandbox, runTsvisor, summarize } from '../support/run.js';

/** Whether this host lets the test mount a tmpfs in a mount namespace of its own. */
function canMountNatively(dir: string): boolean {
  return spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=4k tmpfs ${dir}`]).status === 0;
}

/** Runs a shell script natively with a tmpfs mounted at dir with options, in a private mount namespace. */
function nativeWithTmpfs(dir: string, options: string, script: string): ReturnType<typeof runNative> {
  return runNative(['unshare', '-m', 'sh', '-c', `mount -t tmpfs -o ${options} tmpfs ${dir} && ${script}`]);
}

describe('run --tmpfs PATH:OPTIONS', function () {
  this.timeout(180_000);
  let dir: string;
  let mountPoint: string;
  let native = false;

  before(async function () {
    await buildPrograms();
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-tmpfs-'));
    mountPoint = join(dir, 'mnt');
    mkdirSync(mountPoint);
    native = canMountNatively(mountPoint);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const linkage of LINKAGES) it(`size= and nr_inodes= as Linux keeps them: statfs, short writes, fallocate, ftruncate, punched holes, unlinked open files, inodes and links (as natively, ${linkage})`, function () {
    if (!native) this.skip();
    const program = programPath('tmpfs_limits', linkage);
    const fsOptions = 'size=256k,nr_inodes=12,mode=750,uid=12,gid=34';
    const n = nativeWithTmpfs(mountPoint, `nosuid,nodev,${fsOptions}`, `${program} ${mountPoint}`);
    expect(n.status, summarize(n)).to.equal(0);
    const s = runSandbox([program, mountPoint], { extraArgs: ['--tmpfs', `${mountPoint}:${fsOptions}`] });
    expect(s.stdout, summarize(s)).to.equal(n.stdout);
    expect(s.status).to.equal(0);
    expectNoStackTrace(s);
    expect(n.stdout).to.include('pwrite b 1M at 100: 159644\npwrite b 10 at end: ENOSPC\n');
    expect(n.stdout).to.include('created 9 files\n');
  });

  for (const options of ['noexec,nosuid,nodev', 'ro,noatime,suid,dev', 'exec,nodiratime,suid,dev,mode=700', 'nosuid,nodev,strictatime,size=64m,mode=755']) {
    it(`${options}: statfs flags, execve and mmap PROT_EXEC (EACCES/EPERM under noexec), EROFS under ro, the mount table (as natively)`, function () {
      if (!native) this.skip();
      const program = programPath('tmpfs_flags');
      const script = `${program} ${mountPoint}; grep ' ${mountPoint} ' /proc/self/mountinfo | cut -d' ' -f 5-; grep ' ${mountPoint} ' /proc/mounts; stat -c '%a %u %g' ${mountPoint}`;
      const n = nativeWithTmpfs(mountPoint, options, script);
      expect(n.status, summarize(n)).to.equal(0);
      const s = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--tmpfs', `${mountPoint}:${options}`] });
      expect(s.stdout, summarize(s)).to.equal(n.stdout);
      expectNoStackTrace(s);
    });
  }

  it('Docker\'s --tmpfs /run:size=64m,noexec: listed as Linux lists it; dd fills it to the byte and gets ENOSPC; df shows the size', () => {
    const script = [
      'grep " /run " /proc/mounts',
      'dd if=/dev/zero of=/run/fill bs=64k count=2000 2>&1 | grep -o "No space left on device"',
      'stat -c %s /run/fill',
      'df -k /run | tail -1 | tr -s " " | cut -d" " -f2-4',
      'rm /run/fill; df -k /run | tail -1 | tr -s " " | cut -d" " -f3',
      'printf "#!/bin/sh\\necho ran\\n" > /run/s.sh; chmod +x /run/s.sh; /run/s.sh; echo "status $?"; sh /run/s.sh',
    ].join('; ');
    const r = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--tmpfs', '/run:size=64m,noexec,mode=755'] });
    expect(r.stdout, summarize(r)).to.equal([
      'tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k,mode=755 0 0',
      'No space left on device',
      String(64 << 20),
      `65536 65536 0`,
      '0',
      'status 126',
      'ran',
      '',
    ].join('\n'));
    expect(r.stderr).to.match(/Permission denied/);
    expectNoStackTrace(r);
  });

  it('mode, uid and gid make the root directory; /dev/shm keeps its own (1777, nosuid, nodev)', () => {
    const r = runSandbox(['/bin/sh', '-c', 'stat -c "%a %u %g" /scratch /dev/shm; grep " /dev/shm " /proc/mounts'], { extraArgs: ['--tmpfs', '/scratch:mode=0711,uid=1000,gid=1001'] });
    expect(r.stdout, summarize(r)).to.equal('711 1000 1001\n1777 0 0\ntmpfs /dev/shm tmpfs rw,nosuid,nodev,relatime 0 0\n');
  });

  it('options that do not parse or are not supported are a one-line error naming them', () => {
    for (const [spec, message] of [
      ['/x:size=12q', /--tmpfs \/x:size=12q: size=12q: not a size/],
      ['/x:huge=always', /huge=always: not a tmpfs option tsvisor supports/],
      ['/x:mode=999', /mode=999: not an octal mode/],
      ['/dev/shm:size=1m', /cannot mount over \/dev\/shm/],
    ] as const) {
      const r = runTsvisor(['run', '--tmpfs', spec, '--', '/bin/true']);
      expect(r.status, summarize(r)).to.not.equal(0);
      expect(expectOneLineError(r)).to.match(message);
    }
  });

  it('a run with a sized tmpfs replays on the same mounts: the short write and ENOSPC again', () => {
    const trace = join(dir, 'sized.trace');
    const script = 'dd if=/dev/zero of=/t/f bs=4096 count=100 2>&1 | grep -o "No space left on device"; stat -c %s /t/f; grep " /t " /proc/mounts';
    const recorded = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--record', trace, '--tmpfs', '/t:size=40k,nr_inodes=50,noexec'] });
    expect(recorded.status, summarize(recorded)).to.equal(0);
    expect(recorded.stdout).to.equal('No space left on device\n40960\ntmpfs /t tmpfs rw,nosuid,nodev,noexec,relatime,size=40k,nr_inodes=50 0 0\n');
    const shown = runTsvisor(['trace', 'show', trace, '--syscall', 'write']);
    expect(shown.stdout).to.match(/write\(1, .*\) = -1 ENOSPC/);
    const r = runTsvisor(['replay', trace, '--exec']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(recorded.stdout);
  });
});
