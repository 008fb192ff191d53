// tmpfs options as data: parsing (mount(8)'s and Docker's syntax), the string traces and images
// keep, the mount table's and statfs's views, the short write at a size limit, and the running
// page and inode counts the overlay reducers keep (equal, after any run of events, to a count
// made from scratch).
import { expect } from 'chai';
import os from 'node:os';

import type { KernelEvent } from '../../src/kernel/events.js';
import { applyEvent } from '../../src/kernel/reducer.js';
import { emptyKernelState, type OverlayFile } from '../../src/kernel/state.js';
import { bytesWithinFreePages } from '../../src/kernel/vfs/file_extents.js';
import { describeTmpfs, tmpfsOfDescription, TmpfsDescriptionSchema } from '../../src/kernel/vfs/tmpfs_description.js';
import {
  applyTmpfsOptions, KERNEL_TMPFS_DEFAULTS, LINUX_TMPFS_DEFAULTS, parseTmpfsOptionString, TmpfsOptionError, tmpfsMountFlags, tmpfsStatfsFlags, tmpfsSuperOptions,
} from '../../src/kernel/vfs/tmpfs_options.js';
import { deviceUsage } from '../../src/kernel/vfs/tmpfs_usage.js';
import { HostRoot } from '../../src/kernel/vfs/path_walk.js';
import { TRACE_MAGIC, TraceHeaderSchema } from '../../src/trace/trace_schema.js';

describe('tmpfs options', () => {
  it('parses sizes as memparse does (suffixes, 0x and 0 prefixes, % of RAM), rounded up to pages', () => {
    const pages = (s: string) => parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, s).maxPages;
    expect(pages('size=64m')).to.equal(16384);
    expect(pages('size=65536k')).to.equal(16384);
    expect(pages('size=67108864')).to.equal(16384);
    expect(pages('size=1g')).to.equal(262144);
    expect(pages('size=1')).to.equal(1);
    expect(pages('size=0x2000')).to.equal(2);
    expect(pages('size=010000')).to.equal(1); // octal 4096
    expect(pages('size=0')).to.equal(0);
    expect(pages('nr_blocks=7')).to.equal(7);
    expect(pages('size=10%')).to.equal(Math.ceil((10 * 4096 * Math.floor(os.totalmem() / 4096)) / 100 / 4096));
    expect(parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, 'nr_inodes=2k').maxInodes).to.equal(2048);
  });

  it('applies flags left to right over the defaults, and mode, uid, gid', () => {
    const o = parseTmpfsOptionString(KERNEL_TMPFS_DEFAULTS, 'noexec,suid,ro,rw,mode=0755,uid=1000,gid=100,noatime,rprivate');
    expect(o).to.include({ noexec: true, nosuid: false, nodev: true, readonly: false, mode: 0o755, uid: 1000, gid: 100, atime: 'noatime' });
    expect(parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, 'mode=17777').mode).to.equal(0o7777);
  });

  it('refuses what Linux refuses and what tsvisor does not do, with the option named', () => {
    for (const bad of ['size=12q', 'size=', 'size=-1', 'mode=9', 'uid=x', 'nr_inodes=5%', 'huge=always', 'mpol=default', 'bogus', 'nr_blocks=1k2']) {
      expect(() => parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, bad), bad).to.throw(TmpfsOptionError);
    }
  });

  it('lists options as /proc/mounts and mountinfo do, and statfs flags as Linux sets them', () => {
    const o = parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, 'nosuid,nodev,noexec,size=65536k,mode=755');
    expect(tmpfsMountFlags(o)).to.equal('rw,nosuid,nodev,noexec,relatime');
    expect(tmpfsSuperOptions(o)).to.equal('rw,size=65536k,mode=755');
    expect(tmpfsStatfsFlags(o)).to.equal(2 | 4 | 8 | 4096);
    const r = parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, 'ro,noatime,nodiratime,nr_inodes=12,uid=12,gid=34,mode=0');
    expect(tmpfsMountFlags(r)).to.equal('ro,noatime,nodiratime');
    expect(tmpfsSuperOptions(r)).to.equal('ro,nr_inodes=12,mode=000,uid=12,gid=34');
    expect(tmpfsStatfsFlags(r)).to.equal(1 | 1024 | 2048);
    expect(tmpfsSuperOptions(LINUX_TMPFS_DEFAULTS)).to.equal('rw');
  });

  it('keeps a mount in a description that gives it back (and reads the bare paths of older traces and images)', () => {
    const mount = { path: '/run', options: parseTmpfsOptionString(KERNEL_TMPFS_DEFAULTS, 'size=10%,noexec,mode=700,uid=5,strictatime,sync') };
    const described = describeTmpfs(mount);
    expect(TmpfsDescriptionSchema.parse(described)).to.deep.equal(described);
    expect(tmpfsOfDescription(described)).to.deep.equal(mount);
    expect(tmpfsOfDescription('/dev/shm')).to.deep.equal({ path: '/dev/shm', options: KERNEL_TMPFS_DEFAULTS });
    expect(TmpfsDescriptionSchema.safeParse({ path: '/x', options: 'size=banana' }).success).to.equal(false);
  });

  it('a trace header of before the options (bare paths) and one with them rebuild their mounts', () => {
    const header = { type: 'header', magic: TRACE_MAGIC, version: 7, tsvisor: 'x', argv: ['true'], platform: 'ptrace', host: { kernel: 'k', arch: 'x64' }, startedAt: 'now', rootfs: '/' };
    const old = TraceHeaderSchema.parse({ ...header, tmpfs: ['/dev/shm', '/scratch'] });
    const oldRoot = HostRoot.fromDescription({ ...old, rootfs: '/' });
    expect(oldRoot.tmpfsMounts).to.deep.equal([{ path: '/dev/shm', options: KERNEL_TMPFS_DEFAULTS }, { path: '/scratch', options: KERNEL_TMPFS_DEFAULTS }]);
    const sized = new HostRoot('/', [], [{ path: '/dev/shm', options: KERNEL_TMPFS_DEFAULTS, source: 'shm' }, { path: '/t', options: parseTmpfsOptionString(KERNEL_TMPFS_DEFAULTS, 'size=1m,ro') }]);
    const read = TraceHeaderSchema.parse({ ...header, ...sized.describe() });
    expect(HostRoot.fromDescription({ ...read, rootfs: '/' }).tmpfsMounts).to.deep.equal(sized.tmpfsMounts);
    expect(TraceHeaderSchema.safeParse({ ...header, tmpfs: [{ path: '/t', options: 'huge=always' }] }).success).to.equal(false);
  });

  it('a write crossing the limit stops at the first page that cannot be allocated', () => {
    const file = (extents: number[]): OverlayFile => ({
      id: 1, kind: 'file', mode: 0o100644, uid: 0, gid: 0, nlink: 1, dev: 0x40n, ino: 2n, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
      chunks: new Map(), size: 0, extents,
    });
    expect(bytesWithinFreePages(file([]), 100, 1 << 20, 39)).to.equal(39 * 4096 - 100);
    expect(bytesWithinFreePages(file([]), 100, 10, 0)).to.equal(0);
    expect(bytesWithinFreePages(file([0, 1]), 100, 10, 0)).to.equal(10); // an allocated page takes writes
    // Pages 0 and 2 allocated, 1 and 3 not, one free page: the write fills 0, 1, 2 and stops at 3.
    expect(bytesWithinFreePages(file([0, 1, 2, 3]), 0, 4 * 4096, 1)).to.equal(3 * 4096);
    expect(bytesWithinFreePages(file([]), 0, 4096, 1)).to.equal(4096);
  });

  it('the running page and inode counts equal a count from scratch after creations, writes, links, punches and removals', () => {
    const state = emptyKernelState();
    const dev = 0x41n;
    const node = (nodeId: number, parent: number, name: string, kind: 'file' | 'dir', mount?: string): KernelEvent => ({
      type: 'OverlayNodeCreated', parent, name, nodeId, kind, mode: kind === 'dir' ? 0o40755 : 0o100644, uid: 0, gid: 0, dev, ino: BigInt(nodeId), timeNs: 1n,
      ...(mount === undefined ? {} : { mount }),
    });
    applyEvent(state, node(1, 0, '', 'dir', '/t'));
    expect(deviceUsage(state.overlay, dev)).to.deep.equal({ pages: 0, inodes: 1 });
    const events: KernelEvent[] = [
      node(2, 1, 'a', 'file'),
      { type: 'OverlayWritten', nodeId: 2, offset: 100, bytes: new Uint8Array(10000), timeNs: 2n },
      node(3, 1, 'sub', 'dir'),
      node(4, 3, 'b', 'file'),
      { type: 'OverlayAllocated', nodeId: 4, offset: 0, length: 5 * 4096, punch: false },
      { type: 'OverlayLinked', nodeId: 2, parent: 3, name: 'a2', timeNs: 3n },
      { type: 'OverlayAllocated', nodeId: 4, offset: 4096, length: 8192, punch: true },
      { type: 'OverlayTruncated', nodeId: 2, size: 4096, timeNs: 4n },
      { type: 'OverlayRemoved', parent: 1, name: 'a', whiteout: false, timeNs: 5n },
    ];
    const fresh = (): { pages: number; inodes: number } => {
      let pages = 0;
      let inodes = 0;
      for (const n of state.overlay.nodes.values()) {
        if (n.dev !== dev) continue;
        inodes += n.kind === 'dir' ? 1 : Math.max(1, n.nlink);
        if (n.kind === 'file') for (let i = 0; i < (n.extents ?? []).length; i += 2) pages += n.extents![i + 1]! - n.extents![i]!;
      }
      return { pages, inodes };
    };
    for (const e of events) {
      applyEvent(state, e);
      expect(deviceUsage(state.overlay, dev), e.type).to.deep.equal(fresh());
    }
    // a: 1 page, 1 name left; b: 5 pages less the 2 punched.
    expect(deviceUsage(state.overlay, dev)).to.deep.equal({ pages: 4, inodes: 4 });
    applyEvent(state, { type: 'OverlayRemoved', parent: 1, name: 'sub', whiteout: false, timeNs: 6n });
    expect(deviceUsage(state.overlay, dev)).to.deep.equal({ pages: 0, inodes: 1 });
    expect(applyTmpfsOptions(LINUX_TMPFS_DEFAULTS, [])).to.deep.equal(LINUX_TMPFS_DEFAULTS);
  });
});
