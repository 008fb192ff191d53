// run --user UID:GID: the program runs as that user inside the sandbox. What it sees of
// itself (id, /proc/self/status) and every permission decision it meets must be what the
// same script gets natively under `setpriv --reuid --regid --clear-groups` (util-linux).
import { expect } from 'chai';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runNative, runSandbox, summarize } from '../support/run.js';

const SETPRIV = '/usr/bin/setpriv';
const USER = '1000';

/** Root-owned fixtures: a private directory, a search-only one, a sticky shared one, files of each mode. */
function fixtures(dir: string): void {
  const file = (name: string, text: string, mode: number) => {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), mode);
  };
  const subdir = (name: string, mode: number) => {
    mkdirSync(join(dir, name));
    chmodSync(join(dir, name), mode);
  };
  chmodSync(dir, 0o755);
  subdir('private', 0o700);
  file('private/secret', 'secret\n', 0o644);
  subdir('searchonly', 0o711);
  file('searchonly/f', 'visible\n', 0o644);
  subdir('shared', 0o1777);
  file('shared/rootfile', 'root\n', 0o666);
  file('ro.txt', 'read only\n', 0o644);
  file('noexec.sh', '#!/bin/sh\necho ran\n', 0o644);
  file('exec.sh', '#!/bin/sh\necho ran\n', 0o755);
}

const SCRIPT = [
  'id; id -u; id -g; id -G',
  'grep -E "^(Uid|Gid|Groups|CapPrm|CapEff)" /proc/self/status',
  'cat private/secret; echo "cat secret $?"',
  'ls private; echo "ls private $?"',
  'cd private; echo "cd private $?"',
  'cat searchonly/f; echo "cat searchonly/f $?"',
  'ls searchonly; echo "ls searchonly $?"',
  'echo x > ro.txt; echo "write ro $?"',
  'echo more >> shared/rootfile; echo "append 666 $?"',
  'rm -f shared/rootfile; echo "rm sticky $?"',
  'mv shared/rootfile shared/other; echo "mv sticky $?"',
  'echo mine > shared/mine; ls -ln shared/mine | cut -d" " -f1,3,4; chmod 600 shared/mine; cat shared/mine; rm shared/mine; echo "own file $?"',
  'mkdir shared/d && chmod 700 shared/d && touch shared/d/f && ls -lnd shared/d | cut -d" " -f1,3,4; rm -r shared/d; echo "own dir $?"',
  './noexec.sh; echo "noexec $?"',
  './exec.sh; echo "exec $?"',
  'chmod 777 ro.txt; echo "chmod $?"',
  'chown 1000 ro.txt; echo "chown $?"',
  'chgrp 1000 ro.txt; echo "chgrp $?"',
  'touch -d @0 ro.txt; echo "touch -d $?"',
  'touch ro.txt; echo "touch $?"',
  'mkdir newdir; echo "mkdir in 755 $?"',
  'python3 -c "import os; print([os.access(p, m) for p in (\'ro.txt\', \'private\', \'shared\', \'exec.sh\') for m in (os.R_OK, os.W_OK, os.X_OK)])"',
  'python3 -c "import os\ntry: os.setuid(0)\nexcept OSError as e: print(\'setuid\', e.strerror)\ntry: os.setgroups([0])\nexcept OSError as e: print(\'setgroups\', e.strerror)"',
  'stat -c "%U %G %a" ro.txt',
  'cat /etc/shadow > /dev/null; echo "shadow $?"',
  'touch /usr/bin/tsvisor-user-test; echo "usr $?"',
  'whoami',
  // chroot needs CAP_SYS_CHROOT (EPERM), after the walk's and the directory's own permission checks (EACCES).
  '/usr/sbin/chroot shared /bin/true; echo "chroot $?"',
  '/usr/sbin/chroot / /bin/true; echo "chroot / $?"',
  '/usr/sbin/chroot private /bin/true; echo "chroot private $?"',
  '/usr/sbin/chroot private/secret /bin/true; echo "chroot private/secret $?"',
].join('\n');

describe('run --user UID:GID', function () {
  this.timeout(60_000);
  let dir: string;

  before(function () {
    if (!existsSync(SETPRIV) || process.getuid?.() !== 0) this.skip();
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-user-'));
    fixtures(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees the same identity and meets the same permission errors as native setpriv', () => {
    // The sandbox first: its changes stay in its overlay, so the native run finds the same fixtures.
    const r = runSandbox(['/bin/sh', '-c', `exec 2>&1\n${SCRIPT}`], { sandboxCwd: dir, extraArgs: ['--user', `${USER}:${USER}`] });
    const n = runNative([SETPRIV, '--reuid', USER, '--regid', USER, '--clear-groups', '/bin/sh', '-c', `exec 2>&1\n${SCRIPT}`], { cwd: dir });
    expect(n.status, summarize(n)).to.equal(0);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(n.stdout);
  });

  it('makes files owned by the user in the overlay, and its children inherit the identity', () => {
    const script = 'umask 022; echo a > /tmp/tsvisor-user-owned; stat -c "%u %g %a" /tmp/tsvisor-user-owned; sh -c "id -u; id -g"; ls -ln /tmp/tsvisor-user-owned | cut -d" " -f3,4';
    const r = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--user', '4242:4343'] });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal('4242 4343 644\n4242\n4343\n4242 4343\n');
    expect(existsSync('/tmp/tsvisor-user-owned')).to.equal(false);
  });

  it('refuses a malformed --user', () => {
    for (const spec of ['1000', 'root:root', '1000:', '-1:0', '4294967295:0']) {
      const r = runSandbox(['/bin/true'], { extraArgs: ['--user', spec] });
      expect(r.status, `${spec}: ${summarize(r)}`).to.equal(125);
    }
  });
});
