// vfs/writable_bind.ts: host changes below a writable bind never follow a symlink, even one
// that appears where the sandbox's walk saw a directory (a host process racing the kernel).
import { expect } from 'chai';
import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Errno } from '../../src/kernel/errno.js';
import { chmod, create, openFile, pin, remove, rename, truncate } from '../../src/kernel/vfs/writable_bind.js';

describe('writable bind (host side)', () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'tsvisor-wb-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    mkdirSync(join(root, 'dir'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'secret\n');
    // A directory of the bind replaced by a symlink to a directory outside it.
    symlinkSync(outside, join(root, 'swapped'));
    symlinkSync(join(outside, 'secret'), join(root, 'file-link'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('creates, opens, truncates, renames and removes below the bind', () => {
    expect(create({ root, rel: ['dir', 'f'] }, 'file', 0o640)).to.equal(0);
    expect(statSync(join(root, 'dir', 'f')).mode & 0o777).to.equal(0o640);
    expect(create({ root, rel: ['dir', 'sub'] }, 'dir', 0o1777)).to.equal(0);
    expect(statSync(join(root, 'dir', 'sub')).mode & 0o7777).to.equal(0o1777);
    expect(create({ root, rel: ['dir', 'f'] }, 'file', 0o640)).to.equal(-Errno.EEXIST);
    expect(truncate({ root, rel: ['dir', 'f'] }, 7)).to.equal(0);
    expect(statSync(join(root, 'dir', 'f')).size).to.equal(7);
    expect(rename({ root, rel: ['dir', 'f'] }, { root, rel: ['g'] })).to.equal(0);
    expect(remove({ root, rel: ['g'] }, false)).to.equal(0);
    expect(remove({ root, rel: ['dir', 'sub'] }, true)).to.equal(0);
    expect(readdirSync(join(root, 'dir'))).to.deep.equal([]);
  });

  it('makes FIFOs and socket files with the bits asked for, and holds one by an O_PATH fd that opens nothing', () => {
    expect(create({ root, rel: ['dir', 'p'] }, 'fifo', 0o640)).to.equal(0);
    expect(create({ root, rel: ['dir', 's'] }, 'socket', 0o6777)).to.equal(0);
    const p = lstatSync(join(root, 'dir', 'p'));
    const s = lstatSync(join(root, 'dir', 's'));
    expect([p.isFIFO(), p.mode & 0o7777, s.isSocket(), s.mode & 0o7777]).to.deep.equal([true, 0o640, true, 0o777]);
    expect(create({ root, rel: ['dir', 'p'] }, 'fifo', 0o640)).to.equal(-Errno.EEXIST);
    expect(create({ root, rel: ['swapped', 'p'] }, 'fifo', 0o644)).to.equal(-Errno.ENOTDIR);
    // No writer exists: an open of the FIFO for reading would wait here.
    const fd = pin({ root, rel: ['dir', 'p'] });
    expect(fd).to.be.at.least(0);
    expect(fstatSync(fd).ino).to.equal(p.ino);
    closeSync(fd);
    expect(pin({ root, rel: ['swapped', 'secret'] })).to.equal(-Errno.ENOTDIR);
    expect(readdirSync(outside)).to.deep.equal(['secret']);
  });

  it('refuses a symlink among the directories of the path, and never opens or changes a symlink\'s target', () => {
    expect(create({ root, rel: ['swapped', 'planted'] }, 'file', 0o644)).to.equal(-Errno.ENOTDIR);
    expect(create({ root, rel: ['swapped', 'd'] }, 'dir', 0o755)).to.equal(-Errno.ENOTDIR);
    expect(remove({ root, rel: ['swapped', 'secret'] }, false)).to.equal(-Errno.ENOTDIR);
    expect(rename({ root, rel: ['dir'] }, { root, rel: ['swapped', 'moved'] })).to.equal(-Errno.ENOTDIR);
    expect(openFile({ root, rel: ['file-link'] }, 0)).to.equal(-Errno.ELOOP);
    expect(truncate({ root, rel: ['file-link'] }, 0)).to.equal(-Errno.ELOOP);
    expect(chmod({ root, rel: ['file-link'] }, 0o777)).to.be.below(0);
    expect(readdirSync(outside)).to.deep.equal(['secret']);
    expect(readFileSync(join(outside, 'secret'), 'utf8')).to.equal('secret\n');
    expect(statSync(join(outside, 'secret')).mode & 0o777).to.equal(0o644);
    expect(lstatSync(join(root, 'file-link')).isSymbolicLink()).to.equal(true);
  });

  it('never makes a set-user-ID file, nor a set-group-ID one', () => {
    expect(create({ root, rel: ['s'] }, 'file', 0o6755)).to.equal(0);
    expect(statSync(join(root, 's')).mode & 0o7777).to.equal(0o755);
    expect(chmod({ root, rel: ['s'] }, 0o4711)).to.equal(0);
    expect(statSync(join(root, 's')).mode & 0o7777).to.equal(0o711);
    expect(existsSync(join(outside, 'planted'))).to.equal(false);
  });
});
