// vfs/process_root.ts and the path walk's root: what a chrooted process sees of sandbox paths,
// and how a walk with a root treats absolute paths, symlinks and `..` (a host tree as the root).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Errno } from '../../src/kernel/errno.js';
import { HostRoot } from '../../src/kernel/vfs/path_walk.js';
import { cwdSeenFrom, isWithinRoot, pathSeenFrom, rootOf } from '../../src/kernel/vfs/process_root.js';

describe('process roots (chroot)', () => {
  it('a path is within a root only below it, component by component', () => {
    expect(isWithinRoot('/jail', '/jail')).to.equal(true);
    expect(isWithinRoot('/jail', '/jail/a/b')).to.equal(true);
    expect(isWithinRoot('/jail', '/jailx/a')).to.equal(false);
    expect(isWithinRoot('/jail', '/')).to.equal(false);
    expect(isWithinRoot('/', '/anything')).to.equal(true);
  });

  it('paths are shown from the root; outside it, whole (d_path); getcwd marks them (unreachable)', () => {
    expect(pathSeenFrom('/jail', '/jail')).to.equal('/');
    expect(pathSeenFrom('/jail', '/jail/bin/sh')).to.equal('/bin/sh');
    expect(pathSeenFrom('/jail', '/jailx/f')).to.equal('/jailx/f');
    expect(pathSeenFrom('/', '/etc')).to.equal('/etc');
    expect(cwdSeenFrom('/jail', '/jail/sub')).to.equal('/sub');
    expect(cwdSeenFrom('/jail', '/')).to.equal('(unreachable)/');
    expect(cwdSeenFrom('/jail', '/tmp')).to.equal('(unreachable)/tmp');
    expect(rootOf({})).to.equal('/');
    expect(rootOf({ root: '/jail' })).to.equal('/jail');
  });

  describe('the walk with a root', () => {
    let base: string;
    let root: HostRoot;
    before(() => {
      base = mkdtempSync(join(tmpdir(), 'tsvisor-chroot-walk-'));
      mkdirSync(join(base, 'jail', 'etc'), { recursive: true });
      mkdirSync(join(base, 'etc'));
      writeFileSync(join(base, 'jail', 'etc', 'f'), 'in');
      writeFileSync(join(base, 'etc', 'f'), 'out');
      symlinkSync('/etc', join(base, 'jail', 'abs'));
      symlinkSync('../../../..', join(base, 'jail', 'up'));
      root = new HostRoot(base);
    });
    after(() => rmSync(base, { recursive: true, force: true }));

    const walk = (from: string, path: string): string | number => {
      const r = root.resolve(from, path, { followFinal: true, root: '/jail' });
      return typeof r === 'number' ? r : r.path;
    };

    it('absolute paths, absolute symlinks and `..` stay in the root', () => {
      expect(walk('/jail', '/etc/f')).to.equal('/jail/etc/f');
      expect(walk('/jail', '/../../etc/f')).to.equal('/jail/etc/f');
      expect(walk('/jail', '/abs/f')).to.equal('/jail/etc/f');
      expect(walk('/jail', 'up/etc/f')).to.equal('/jail/etc/f');
      expect(walk('/jail/etc', '../../..')).to.equal('/jail');
    });

    it('a walk from a directory outside the root goes up freely, but never above the sandbox root', () => {
      expect(walk('/', 'etc/f')).to.equal('/etc/f');
      expect(walk('/etc', '../../../etc/f')).to.equal('/etc/f');
      expect(walk('/etc', '../jail/up/etc/f')).to.equal('/jail/etc/f');
      expect(walk('/', 'missing')).to.equal(-Errno.ENOENT);
    });
  });
});
