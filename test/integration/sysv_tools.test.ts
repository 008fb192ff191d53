// util-linux's ipcmk, ipcs and ipcrm in the sandbox: they see the sandbox's own IPC namespace
// (fresh: ids from 0, nothing of the host's), through /proc/sysvipc and the *ctl calls; and
// --memory bounds what all shared memory segments together may hold.
import { expect } from 'chai';
import { existsSync } from 'node:fs';

import { lines, runSandbox, summarize } from '../support/run.js';

const haveTools = ['/usr/bin/ipcmk', '/usr/bin/ipcs', '/usr/bin/ipcrm'].every((p) => existsSync(p));

describe('System V IPC with ipcmk, ipcs and ipcrm', function () {
  this.timeout(120_000);
  before(function () {
    if (!haveTools) this.skip();
  });

  it('a fresh namespace: ipcmk gives ids from 0, ipcs lists exactly those objects, ipcrm removes them', () => {
    const r = runSandbox(['/bin/sh', '-c', [
      'ipcmk -M 4096 -p 0640; ipcmk -M 100; ipcmk -S 3; ipcmk -Q',
      'ipcs -m | awk \'NR > 3 && NF { print $2, $3, $4, $5, $6 }\'',
      'ipcs -s | awk \'NR > 3 && NF { print $2, $4, $5 }\'',
      'ipcs -q | awk \'NR > 3 && NF { print $2, $4, $5, $6 }\'',
      'ipcrm -m 0 && ipcrm -s 0 && ipcrm -q 0',
      'echo after: $(ipcs -m | awk \'NR > 3 && NF { print $2 }\') $(ipcs -s -q | awk \'NR > 3 && NF && $2 ~ /^[0-9]+$/ { print $2 }\')',
      'ipcrm -m 0; echo status $?',
    ].join('\n')]);
    expect(r.status, summarize(r)).to.equal(0);
    expect(lines(r.stdout)).to.deep.equal([
      'Shared memory id: 0',
      'Shared memory id: 1',
      'Semaphore id: 0',
      'Message queue id: 0',
      '0 root 640 4096 0',
      '1 root 644 100 0',
      '0 644 3',
      '0 644 0 0',
      'after: 1',
      'status 1',
    ]);
    expect(r.stderr).to.match(/ipcrm: invalid id \(0\)/);
  });

  it('/proc/sysvipc and ipcs -l show the limits, shmall following --memory', () => {
    const r = runSandbox(['/bin/sh', '-c', 'ipcmk -M 8192 >/dev/null; head -1 /proc/sysvipc/shm; wc -l < /proc/sysvipc/shm; cat /proc/sys/kernel/shmall; ipcs -l | grep -i "max total shared"; ipcmk -M 300000000'], {
      extraArgs: ['--memory', '256m'],
    });
    expect(lines(r.stdout).slice(0, 4)).to.deep.equal([
      '       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap',
      '2',
      String((256 * 1024 * 1024) / 4096),
      `max total shared memory (kbytes) = ${256 * 1024}`,
    ]);
    // A segment past what --memory leaves is refused (ENOSPC).
    expect(r.stderr, summarize(r)).to.match(/No space left on device/);
  });
});
