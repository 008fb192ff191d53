// --mount HOSTDIR:SANDBOXDIR: a host directory shown at a sandbox path, as a read-only lower
// layer (the sandbox's changes stay in its overlay; the host directory never changes).
// The :rw mode is tested in mount_rw.test.ts.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expectOneLineError, runSandbox, summarize } from '../support/run.js';

describe('--mount', function () {
  this.timeout(60_000);
  let host: string;

  before(() => {
    host = mkdtempSync(join(tmpdir(), 'tsvisor-mount-'));
    mkdirSync(join(host, 'sub'));
    writeFileSync(join(host, 'a.txt'), 'from the host\n');
    writeFileSync(join(host, 'sub', 'b.txt'), 'deeper\n');
    symlinkSync('/etc/hostname', join(host, 'abs-link'));
    symlinkSync('../../..', join(host, 'up-link'));
  });

  after(() => rmSync(host, { recursive: true, force: true }));

  it('shows the host directory at the sandbox path, and changes to it stay in the sandbox', () => {
    const script = 'ls /mnt; cat /mnt/a.txt /mnt/sub/b.txt; echo changed > /mnt/a.txt; echo new > /mnt/new.txt; rm /mnt/sub/b.txt; cat /mnt/a.txt; ls /mnt /mnt/sub';
    const r = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--mount', `${host}:/mnt`] });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal('a.txt\nabs-link\nsub\nup-link\nfrom the host\ndeeper\nchanged\n/mnt:\na.txt\nabs-link\nnew.txt\nsub\nup-link\n\n/mnt/sub:\n');
    expect(readFileSync(join(host, 'a.txt'), 'utf8')).to.equal('from the host\n');
    expect(readdirSync(host).sort()).to.deep.equal(['a.txt', 'abs-link', 'sub', 'up-link']);
    expect(readdirSync(join(host, 'sub'))).to.deep.equal(['b.txt']);
  });

  it('resolves symlinks and .. inside the sandbox, not on the host', () => {
    const r = runSandbox(['/bin/sh', '-c', 'cat /mnt/abs-link; ls /mnt/up-link/; echo --; ls /; cd /mnt/..; pwd'], { extraArgs: ['--mount', `${host}:/mnt`] });
    expect(r.status, summarize(r)).to.equal(0);
    const [hostname, ...rest] = r.stdout.trim().split('\n');
    expect(hostname).to.equal(readFileSync('/etc/hostname', 'utf8').trim());
    // up-link is ../../.. from /mnt: the sandbox's root, not a directory above the host's tmp dir.
    const split = rest.indexOf('--');
    expect(rest.slice(0, split)).to.deep.equal(rest.slice(split + 1, -1));
    expect(rest.at(-1)).to.equal('/');
  });

  it('lists the binds in /proc/mounts and mountinfo, on the device their files show', () => {
    const script = 'grep " /mnt " /proc/mounts; awk \'$5 == "/mnt" { print $2, $3 }\' /proc/self/mountinfo; stat -c "%Hd:%Ld" /mnt/a.txt; grep "^tsvisor / " /proc/mounts';
    const r = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--mount', `${host}:/mnt`] });
    expect(r.status, summarize(r)).to.equal(0);
    const [mounts, info, device, root] = r.stdout.trim().split('\n');
    // The host path is not shown (source "none"); the sandbox writes to it, in its overlay.
    expect(mounts).to.match(/^none \/mnt \S+ rw,relatime 0 0$/);
    expect(info).to.equal(`1 ${device}`);
    expect(root).to.equal('tsvisor / overlay rw,relatime 0 0');
  });

  it('makes up a mount point the root lacks, and the directories on the way to it, as docker run -v does', () => {
    const script = 'ls -d /no-such/dir/here; cat /no-such/dir/here/a.txt; stat -c "%n %F %a %U" /no-such /no-such/dir; ls /no-such/dir; ls / | grep -c "^no-such$"; mkdir /no-such/x';
    const r = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--mount', `${host}:/no-such/dir/here`] });
    expect(r.stdout).to.equal('/no-such/dir/here\nfrom the host\n/no-such directory 755 root\n/no-such/dir directory 755 root\nhere\n1\n');
    // The made-up directories are not the overlay's: they cannot be changed.
    expect(r.stderr).to.match(/mkdir: cannot create directory '?.\/no-such\/x'?.: Read-only file system/);
    expect(r.status, summarize(r)).to.equal(1);
  });

  it('refuses a bad mode, a missing host directory and a mount point that is not a directory', () => {
    for (const spec of [`${host}:/mnt:rx`, `${host}/nope:/mnt`, `${host}:/etc/hostname`, `${host}:/etc/hostname/below`, `${host}:relative`, `${host}:/proc`]) {
      const r = runSandbox(['/bin/true'], { extraArgs: ['--mount', spec] });
      expect(r.status, `${spec}: ${summarize(r)}`).to.equal(125);
      expectOneLineError(r);
    }
  });
});
