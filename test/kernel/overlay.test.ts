// The overlay's upper layer as data: its reducers, the layered lookup and the merged listing,
// and a real run whose overlay events, replayed, rebuild the same upper layer.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KernelEventSchema, type KernelEvent } from '../../src/kernel/events.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { ExecError, prepareExec } from '../../src/kernel/loader/exec.js';
import { applyEvent } from '../../src/kernel/reducer.js';
import { emptyKernelState, type KernelState, type OverlayDir } from '../../src/kernel/state.js';
import { CHUNK, readChunks } from '../../src/kernel/vfs/file_bytes.js';
import { lookupLayers, mergedEntries, type ListedEntry } from '../../src/kernel/vfs/overlay.js';
import { HostRoot } from '../../src/kernel/vfs/path_walk.js';
import { PtracePlatform } from '../../src/platform/ptrace_platform.js';

const T = 1_000_000_000_000_000_000n;
const attrs = { uid: 0, gid: 0, dev: 1n };

/** A state whose upper root merges the lower "/" and holds dir "etc" (merging "/etc") and file "etc/motd". */
function stateWithTree(): KernelState {
  const s = emptyKernelState();
  const events: KernelEvent[] = [
    { type: 'OverlayCopiedUp', parent: 0, name: '', nodeId: 1, kind: 'dir', mode: 0o40755, ...attrs, ino: 2n, atimeNs: T, mtimeNs: T, ctimeNs: T, lower: '/' },
    { type: 'OverlayCopiedUp', parent: 1, name: 'etc', nodeId: 2, kind: 'dir', mode: 0o40755, ...attrs, ino: 10n, atimeNs: T, mtimeNs: T, ctimeNs: T, lower: '/etc' },
    { type: 'OverlayNodeCreated', parent: 2, name: 'motd', nodeId: 3, kind: 'file', mode: 0o100644, ...attrs, ino: 99n, timeNs: T + 5n },
  ];
  for (const e of events) applyEvent(s, e);
  return s;
}

function dir(s: KernelState, id: number): OverlayDir {
  const node = s.overlay.nodes.get(id);
  if (node?.kind !== 'dir') throw new Error(`node ${id} is not a directory`);
  return node;
}

describe('overlay reducers and lookup', () => {
  it('sees only the lower layer until something is copied up', () => {
    const s = emptyKernelState();
    expect(lookupLayers(s.overlay, ['etc', 'passwd'])).to.deep.equal({ layer: 'lower', lower: ['etc', 'passwd'] });
  });

  it('finds upper nodes first, falls through to the lower directory of a merged one', () => {
    const s = stateWithTree();
    const motd = lookupLayers(s.overlay, ['etc', 'motd']);
    expect(typeof motd === 'object' && motd.layer === 'upper' && motd.node.id).to.equal(3);
    expect(lookupLayers(s.overlay, ['etc', 'passwd'])).to.deep.equal({ layer: 'lower', lower: ['etc', 'passwd'] });
    // Creating a file touches its directory's times.
    expect(dir(s, 2).mtimeNs).to.equal(T + 5n);
  });

  it('writes grow the file (zeros in holes), truncation shrinks it and grows it back with zeros', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayWritten', nodeId: 3, offset: 0, bytes: new TextEncoder().encode('hello world'), timeNs: T + 6n });
    applyEvent(s, { type: 'OverlayWritten', nodeId: 3, offset: 13, bytes: new Uint8Array([33]), timeNs: T + 7n });
    const file = s.overlay.nodes.get(3);
    if (file?.kind !== 'file') throw new Error('not a file');
    expect(file.size).to.equal(14);
    expect([...readChunks(file.chunks, 11, 14)]).to.deep.equal([0, 0, 33]);
    expect(file.mtimeNs).to.equal(T + 7n);
    applyEvent(s, { type: 'OverlayTruncated', nodeId: 3, size: 5, timeNs: T + 8n });
    applyEvent(s, { type: 'OverlayTruncated', nodeId: 3, size: 8, timeNs: T + 9n });
    expect(new TextDecoder().decode(readChunks(file.chunks, 0, file.size))).to.equal('hello\0\0\0');
  });

  it('a file far larger than its bytes holds only the chunks written: a truncation past 4 GiB, a write there, a punched hole', () => {
    const s = stateWithTree();
    const far = 5 * 2 ** 30 + 10;
    applyEvent(s, { type: 'OverlayTruncated', nodeId: 3, size: 6 * 2 ** 30, timeNs: T + 6n });
    applyEvent(s, { type: 'OverlayWritten', nodeId: 3, offset: far, bytes: new Uint8Array([1, 2, 3]), timeNs: T + 7n });
    applyEvent(s, { type: 'OverlayWritten', nodeId: 3, offset: CHUNK - 1, bytes: new Uint8Array([7, 8]), timeNs: T + 8n });
    const file = s.overlay.nodes.get(3);
    if (file?.kind !== 'file') throw new Error('not a file');
    expect(file.size).to.equal(6 * 2 ** 30);
    expect([...file.chunks.keys()].sort((a, b) => a - b)).to.deep.equal([0, 1, Math.floor(far / CHUNK)]);
    expect([...readChunks(file.chunks, far - 1, far + 4)]).to.deep.equal([0, 1, 2, 3, 0]);
    expect([...readChunks(file.chunks, CHUNK - 2, CHUNK + 2)]).to.deep.equal([0, 7, 8, 0]);
    // A punch zeroes what it covers and frees the chunks wholly inside it.
    applyEvent(s, { type: 'OverlayAllocated', nodeId: 3, offset: CHUNK, length: 2 ** 32, punch: true, timeNs: T + 9n });
    expect([...file.chunks.keys()].sort((a, b) => a - b)).to.deep.equal([0, Math.floor(far / CHUNK)]);
    expect([...readChunks(file.chunks, CHUNK - 2, CHUNK + 2)]).to.deep.equal([0, 7, 0, 0]);
    expect(file.mtimeNs).to.equal(T + 9n);
    // Shrinking below the far write drops its chunk; growing back reads zeros.
    applyEvent(s, { type: 'OverlayTruncated', nodeId: 3, size: CHUNK, timeNs: T + 10n });
    applyEvent(s, { type: 'OverlayTruncated', nodeId: 3, size: 6 * 2 ** 30, timeNs: T + 11n });
    expect([...file.chunks.keys()]).to.deep.equal([0]);
    expect([...readChunks(file.chunks, far, far + 3)]).to.deep.equal([0, 0, 0]);
  });

  it('a removal leaves a whiteout where the lower layer has the name, and hides it', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayRemoved', parent: 2, name: 'passwd', whiteout: true, timeNs: T + 1n });
    expect(lookupLayers(s.overlay, ['etc', 'passwd'])).to.be.a('number');
    applyEvent(s, { type: 'OverlayRemoved', parent: 2, name: 'motd', whiteout: false, timeNs: T + 2n });
    expect(s.overlay.nodes.has(3), 'an unlinked node nothing holds is gone').to.equal(false);
    expect(dir(s, 2).entries.has('motd')).to.equal(false);
  });

  it('a tmpfs mount root (/dev/shm) is an upper directory with no lower one, apart from the overlay root', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayNodeCreated', parent: 0, name: '', mount: '/dev/shm', nodeId: 4, kind: 'dir', mode: 0o41777, ...attrs, ino: 1n, timeNs: T });
    applyEvent(s, { type: 'OverlayNodeCreated', parent: 4, name: 'sem.x', nodeId: 5, kind: 'file', mode: 0o100600, ...attrs, ino: 98n, timeNs: T + 1n });
    expect(s.overlay.root).to.equal(1);
    expect(s.overlay.mounts.get('/dev/shm')).to.equal(4);
    const sem = lookupLayers(s.overlay, ['sem.x'], 4);
    expect(typeof sem === 'object' && sem.layer === 'upper' && sem.node.id).to.equal(5);
    expect(lookupLayers(s.overlay, ['other'], 4), 'nothing below shows through').to.be.a('number');
    const listed = mergedEntries(s.overlay, dir(s, 4), () => { throw new Error('no lower listing'); });
    expect(typeof listed === 'number' ? listed : listed.map((e) => e.name)).to.deep.equal(['sem.x']);
  });

  it('keeps an unlinked file while an open file refers to it', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'FileOpened', fileId: 7, kind: 'mem', path: '/etc/motd', flags: 2, nodeId: 3 });
    applyEvent(s, { type: 'OverlayRemoved', parent: 2, name: 'motd', whiteout: false, timeNs: T + 1n });
    expect(s.overlay.nodes.get(3)?.nlink).to.equal(0);
    applyEvent(s, { type: 'ProcessStarted', pid: 1, tid: 1, hostTid: 100, ppid: 0, exe: '/bin/true', argv: [], cwd: '/', umask: 0o22, creds: { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [] }, rlimits: [] });
    applyEvent(s, { type: 'FdInstalled', pid: 1, fd: 3, fileId: 7, cloexec: false });
    applyEvent(s, { type: 'FdClosed', pid: 1, fd: 3 });
    expect(s.overlay.nodes.has(3)).to.equal(false);
  });

  it('counts hard links; the node lives until the last name goes', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayLinked', nodeId: 3, parent: 1, name: 'motd2', timeNs: T + 1n });
    expect(s.overlay.nodes.get(3)?.nlink).to.equal(2);
    applyEvent(s, { type: 'OverlayRemoved', parent: 2, name: 'motd', whiteout: false, timeNs: T + 2n });
    expect(s.overlay.nodes.get(3)?.nlink).to.equal(1);
    const found = lookupLayers(s.overlay, ['motd2']);
    expect(typeof found === 'object' && found.layer === 'upper' && found.node.id).to.equal(3);
  });

  it('a renamed merged directory keeps merging the lower directory it came from', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayRenamed', fromParent: 1, fromName: 'etc', toParent: 1, toName: 'config', whiteout: true, exchange: false, timeNs: T + 1n });
    expect(lookupLayers(s.overlay, ['etc'])).to.be.a('number');
    expect(lookupLayers(s.overlay, ['config', 'passwd'])).to.deep.equal({ layer: 'lower', lower: ['etc', 'passwd'] });
  });

  it('a directory made over a whiteout is opaque', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayRemoved', parent: 1, name: 'usr', whiteout: true, timeNs: T + 1n });
    applyEvent(s, { type: 'OverlayNodeCreated', parent: 1, name: 'usr', nodeId: 4, kind: 'dir', mode: 0o40755, ...attrs, ino: 98n, timeNs: T + 2n });
    expect(lookupLayers(s.overlay, ['usr', 'bin'])).to.be.a('number');
    expect(mergedEntries(s.overlay, dir(s, 4), () => [{ name: 'bin', ino: 1n, type: 4 }])).to.deep.equal([]);
  });

  it('merges listings: upper entries shadow lower ones, whiteouts hide them', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayRemoved', parent: 2, name: 'hosts', whiteout: true, timeNs: T + 1n });
    const lower: ListedEntry[] = [
      { name: 'hosts', ino: 20n, type: 8 },
      { name: 'motd', ino: 21n, type: 8 },
      { name: 'passwd', ino: 22n, type: 8 },
    ];
    const merged = mergedEntries(s.overlay, dir(s, 2), (path) => (path === '/etc' ? lower : -2));
    expect(merged).to.deep.equal([
      { name: 'passwd', ino: 22n, type: 8 },
      { name: 'motd', ino: 99n, type: 8 },
    ]);
  });

  it('exchanges two entries', () => {
    const s = stateWithTree();
    applyEvent(s, { type: 'OverlayNodeCreated', parent: 1, name: 'x', nodeId: 5, kind: 'symlink', mode: 0o120777, ...attrs, ino: 97n, timeNs: T, target: 'etc' });
    applyEvent(s, { type: 'OverlayRenamed', fromParent: 1, fromName: 'x', toParent: 2, toName: 'motd', whiteout: false, exchange: true, timeNs: T + 1n });
    expect(dir(s, 1).entries.get('x')).to.equal(3);
    expect(dir(s, 2).entries.get('motd')).to.equal(5);
  });
});

describe('overlay events of a real run', function () {
  this.timeout(60_000);

  it('rebuild the live upper layer when replayed, pass their schema, and leave the host alone', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'tsvisor-ovl-replay-'));
    const shmName = `tsvisor-replay-${process.pid}`;
    try {
      writeFileSync(join(scratch, 'lower.txt'), 'from the host\n');
      const script = [
        'cd ' + scratch,
        'echo one > new.txt && echo two >> new.txt && mkdir -p d/e && mv new.txt d/e/moved',
        'ln -s d/e/moved link && ln d/e/moved hard && chmod 600 hard && touch -d @0 lower.txt',
        'echo more >> lower.txt && rm lower.txt && mkdir lower.txt && rmdir lower.txt',
        'exec 3>tmpfile && rm tmpfile && echo kept >&3 && exec 3>&-',
        'cat d/e/moved link > /dev/null',
        'cp /bin/true t && printf "#!/bin/sh\\necho hi\\n" > s.sh && chmod +x s.sh && mkfifo fifo',
        `echo shm > /dev/shm/${shmName} && mv /dev/shm/${shmName} /dev/shm/${shmName}.2`,
      ].join(' && ');
      const root = new HostRoot('/');
      const kernel = new Kernel({ platform: new PtracePlatform(), root, warn: () => {} });
      const events: KernelEvent[] = [];
      kernel.bus.subscribe((r) => {
        if (r.type === 'event') events.push(structuredClone(r.event));
      });
      const prepared = prepareExec(root, '/', '/bin/sh', ['/bin/sh', '-c', script], ['PATH=/usr/bin:/bin']);
      const status = await kernel.run(prepared, '/', { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [] });
      expect(status).to.equal(0);
      const types = new Set(events.map((e) => e.type));
      for (const t of ['OverlayCopiedUp', 'OverlayNodeCreated', 'OverlayWritten', 'OverlayTruncated', 'OverlayAttrsSet', 'OverlayLinked', 'OverlayRemoved', 'OverlayRenamed']) {
        expect(types, `events of type ${t}`).to.include(t);
      }
      for (const e of events) expect(() => KernelEventSchema.parse(e), JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)).not.to.throw();
      const rebuilt = emptyKernelState();
      for (const e of events) applyEvent(rebuilt, e);
      expect(rebuilt.overlay).to.deep.equal(kernel.state.overlay);
      expect(rebuilt).to.deep.equal(kernel.state);
      // The unlinked temporary file is gone with its last fd; the host still has only lower.txt.
      expect([...kernel.state.overlay.nodes.values()].every((n) => n.nlink > 0)).to.equal(true);
      expect(readdirSync(scratch)).to.deep.equal(['lower.txt']);
      expect(kernel.state.overlay.mounts.has('/dev/shm'), 'the /dev/shm tmpfs in the upper layer').to.equal(true);
      expect(existsSync(`/dev/shm/${shmName}.2`), 'the host /dev/shm untouched').to.equal(false);
      // exec finds programs of the upper layer when given it (the caller passes the overlay).
      const upper = kernel.state.overlay;
      const env = ['PATH=/usr/bin:/bin'];
      expect(Buffer.from(prepareExec(root, scratch, './t', ['t'], env, upper).exe.bytes).equals(readFileSync('/bin/true'))).to.equal(true);
      const prepared2 = prepareExec(root, scratch, './s.sh', ['s.sh', 'x'], env, upper);
      expect(prepared2.argv).to.deep.equal(['/bin/sh', './s.sh', 'x']);
      expect(() => prepareExec(root, scratch, './t', ['t'], env)).to.throw(ExecError);
      expect(() => prepareExec(root, scratch, './fifo', ['fifo'], env, upper)).to.throw(ExecError);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
