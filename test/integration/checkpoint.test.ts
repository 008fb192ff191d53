// Checkpoint and restore (issue 5): sandboxes started with --name are checkpointed through
// their control socket while they run, and restored in fresh tsvisor processes; the restored
// runs must go on exactly where the originals were, and a bad image is one clear error.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readImage } from '../../src/snapshot/image_reader.js';
import { BackgroundTsvisor, sleep } from '../support/named_sandbox.js';
import { missingPrograms } from '../support/host_tools.js';
import { buildPrograms, programPath, REPO_ROOT } from '../support/programs.js';
import { expectOneLineError, lines, runNative, runTsvisor, summarize, type RunResult } from '../support/run.js';

describe('checkpoint and restore', function () {
  this.timeout(120_000);
  let work = '';
  let stateRoot: string;
  let seq = 0;

  before(async () => {
    await buildPrograms();
    work = mkdtempSync(join(tmpdir(), 'tsvisor-ckpt-'));
    stateRoot = join(work, 'state');
  });
  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  const fresh = (what: string) => `${what}-${++seq}`;
  const run = (name: string, argv: readonly string[], extra: readonly string[] = []) =>
    new BackgroundTsvisor(['--root', stateRoot, 'run', '--name', name, ...extra, '--', ...argv]);
  const checkpoint = (name: string, image: string, ...opts: string[]): RunResult =>
    runTsvisor(['--root', stateRoot, 'checkpoint', '--image', image, ...opts, name]);
  const restore = (image: string, ...opts: string[]): RunResult => runTsvisor(['restore', '--image', image, ...opts], { timeoutMs: 60_000 });

  /** Checkpoints a running sandbox; the checkpoint command must succeed. */
  function checkpointOk(name: string, image: string, ...opts: string[]): void {
    const r = checkpoint(name, image, ...opts);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stderr).to.match(/checkpointed/);
  }

  /**
   * Runs a test program until it prints readyLine, checkpoints it with --leave-running a moment
   * later, and checks that the original and the restored run both print `expected` after it.
   */
  async function leaveRunningAndRestore(what: string, program: string, readyLine: string, expected: string): Promise<void> {
    const name = fresh(what);
    const image = join(work, name);
    const sandbox = run(name, [programPath(program)]);
    await sandbox.waitForLine((l) => l === readyLine);
    await sleep(400);
    checkpointOk(name, image, '--leave-running');
    const original = await sandbox.finished;
    expect(original.stdout).to.equal(`${readyLine}\n${expected}`);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal(expected);
  }

  /** Runs argv until it prints "ready" and checkpoints it a moment later (the run ends there); the image's directory. */
  async function checkpointWhenReady(what: string, argv: readonly string[], extra: readonly string[] = []): Promise<string> {
    const name = fresh(what);
    const image = join(work, name);
    const sandbox = run(name, argv, extra);
    await sandbox.waitForLine((l) => l === 'ready');
    await sleep(300);
    checkpointOk(name, image);
    await sandbox.finished;
    return image;
  }

  it('a counter goes on from the next number, twice from one image, at once', async () => {
    const name = fresh('counter');
    const image = join(work, name);
    const sandbox = run(name, [programPath('ckpt_counter'), '150']);
    await sandbox.waitForLine((l) => l === '30');
    checkpointOk(name, image);
    const original = await sandbox.finished;
    expect(original.status, original.stderr).to.equal(0);
    const before = lines(original.stdout);
    const last = Number(before[before.length - 1]);
    expect(before).to.deep.equal(Array.from({ length: last + 1 }, (_, i) => String(i)));

    const a = new BackgroundTsvisor(['--root', stateRoot, 'restore', '--image', image, '--name', fresh('copy')]);
    const b = new BackgroundTsvisor(['--root', stateRoot, 'restore', '--image', image, '--name', fresh('copy')]);
    const expected = [...Array.from({ length: 150 - last }, (_, i) => String(last + 1 + i)), 'done'];
    for (const r of [await a.finished, await b.finished]) {
      expect(r.status, r.stderr).to.equal(0);
      expect(lines(r.stdout)).to.deep.equal(expected);
    }
  });

  it("clocks go on after a restore seconds later: CLOCK_MONOTONIC from its value, the realtime clock at the time of day, the vDSO's and the syscall's alike (also when the restore records)", async () => {
    const name = fresh('clock');
    const image = join(work, name);
    const sandbox = run(name, [programPath('ckpt_clock')]);
    await sandbox.waitForLine((l) => l === 'ready');
    checkpointOk(name, image);
    expect((await sandbox.finished).stdout).to.equal('ready\n');
    await sleep(2000);
    for (const opts of [[], ['--record', join(work, `${name}.trace`)]]) {
      const restored = restore(image, ...opts);
      expect(restored.status, summarize(restored)).to.equal(0);
      expect(restored.stdout, opts.join(' ')).to.equal('vdso and syscall agree: 1\nmonotonic never went back: 1\nrealtime moved on further: 1\n');
    }
  });

  it('a pipeline with bytes in the pipe gives the same output as an uninterrupted run', async () => {
    const argv = ['/bin/sh', '-c', `${programPath('ckpt_producer')} | ${programPath('ckpt_consumer')}`];
    const native = runNative(argv);
    expect(native.status).to.equal(0);
    const name = fresh('pipeline');
    const image = join(work, name);
    const sandbox = run(name, argv);
    await sleep(1200);
    checkpointOk(name, image);
    const original = await sandbox.finished;
    expect(original.stdout, 'the original ends at the checkpoint').to.equal('');
    const pipes = [...readImage(image).kernel.state.pipes.values()];
    expect(pipes.some((p) => p.length > 0), 'bytes in flight in a pipe at the checkpoint').to.equal(true);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal(native.stdout);
  });

  for (const [when, delayMs] of [['blocked in futex and nanosleep', 150], ['while they update the counters', 1500]] as const) {
    it(`four threads checkpointed ${when} finish with the right totals`, async () => {
      const name = fresh('threads');
      const image = join(work, name);
      const sandbox = run(name, [programPath('ckpt_threads')]);
      await sandbox.waitForLine((l) => l === 'ready');
      await sleep(delayMs);
      checkpointOk(name, image);
      await sandbox.finished;
      const restored = restore(image);
      expect(restored.status, summarize(restored)).to.equal(0);
      expect(restored.stdout).to.equal('total=2000 per=200,200,200,200\n');
    });
  }

  it('a parent and child sharing a MAP_SHARED counter still share it after restore', async () => {
    const image = await checkpointWhenReady('shared', [programPath('ckpt_shared')]);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal('counter=400\n');
  });

  it('a file of a :rw bind that a parent and child map shared is still the file after restore (no copy in the image), read-only mappings stay read-only', async () => {
    const dir = join(work, fresh('mapped'));
    mkdirSync(dir);
    const image = await checkpointWhenReady('mapped', [programPath('ckpt_mapped_file'), dir], ['--mount', `${dir}:${dir}:rw`]);
    const mapped = [...readImage(image).processes.values()].flatMap((p) => p.mappings.filter((m) => m.file));
    // The parent's writable and read-only mappings (the child's too, forked) and the child's own: named, with no page saved.
    const file = join(dir, 'counter.bin');
    expect(mapped.map((m) => [m.file!.path, m.file!.writable, m.runs.length])).to.have.deep.members([
      [file, true, 0], [file, false, 0],
      [file, true, 0], [file, false, 0], [file, true, 0],
    ]);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal('counter=400 read=400 seen=400 child=0 mprotect=EACCES\n');
    expect(readFileSync(file).readBigInt64LE(0)).to.equal(400n);
    // The file moved on since the checkpoint: a second restore of the image refuses.
    const again = restore(image);
    expect(again.status, summarize(again)).to.equal(125);
    expect(expectOneLineError(again)).to.contain(file).and.contain('changed since the checkpoint');
  });

  it('a FIFO and a listening socket of a :rw bind are still tied to their host files after restore; a restore refuses once the socket file is gone', async () => {
    const dir = join(work, fresh('special'));
    mkdirSync(dir);
    const script = [
      'import os, socket, sys, time',
      'd = sys.argv[1]',
      "os.mkfifo(d + '/f'); r = os.open(d + '/f', os.O_RDONLY | os.O_NONBLOCK); w = os.open(d + '/f', os.O_WRONLY)",
      "os.write(w, b'before')",
      "s = socket.socket(socket.AF_UNIX); s.bind(d + '/s'); s.listen()",
      "print('ready', flush=True)",
      'time.sleep(2)',
      // A new writer meets the pipe that holds the bytes; a client reaches the listener by the path.
      "w2 = os.open(d + '/f', os.O_WRONLY | os.O_NONBLOCK); os.write(w2, b' after')",
      "c = socket.socket(socket.AF_UNIX); c.connect(d + '/s'); a, _ = s.accept(); c.send(b'hi')",
      'print(os.read(r, 100), a.recv(10))',
    ].join('\n');
    const name = fresh('special');
    const image = join(work, name);
    const sandbox = run(name, ['python3', '-c', script, dir], ['--mount', `${dir}:${dir}:rw`]);
    await sandbox.waitForLine((l) => l === 'ready');
    checkpointOk(name, image);
    await sandbox.finished;
    expect(readImage(image).kernel.heldNodes?.map((n) => n.hostPath).sort()).to.deep.equal([join(dir, 'f'), join(dir, 's')]);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal("b'before after' b'hi'\n");
    rmSync(join(dir, 's'));
    const refused = restore(image);
    expect(refused.status, summarize(refused)).to.equal(125);
    expect(expectOneLineError(refused)).to.contain(`socket file ${join(dir, 's')}`).and.contain('is gone');
  });

  it('POSIX ACLs and inode flags of tmpfs files come back, and are enforced there', async function () {
    const missing = missingPrograms(['setfacl', 'getfacl', 'chattr', 'lsattr']);
    if (missing) {
      this.test!.title += ` [pending: ${missing}]`;
      this.skip();
    }
    // Natively in a directory of the host's /dev/shm (a tmpfs); in the sandbox in its own.
    const script = [
      'mkdir -p $1 && cd $1 && echo a > f && setfacl -m u:nobody:rw f && setfacl -d -m g:daemon:r .',
      // $2: how long to wait for the checkpoint (none natively).
      'chattr +i f && chattr +d . && echo ready; sleep $2',
      'getfacl -c f; getfacl -c -d .; lsattr f; lsattr -d .; touch new; getfacl -c new; lsattr new',
      'rm -f f 2>/dev/null || echo immutable; chattr -i f',
    ].join('\n');
    const nativeDir = mkdtempSync(join('/dev/shm', 'tsvisor-ckpt-acl-'));
    let native: RunResult;
    try {
      native = runNative(['/bin/sh', '-c', script, 'sh', join(nativeDir, 'k'), '0']);
    } finally {
      rmSync(nativeDir, { recursive: true, force: true });
    }
    expect(native.status, summarize(native)).to.equal(0);
    expect(native.stdout).to.match(/^ready\n/).and.contain('user:nobody:rw-').and.contain('immutable');
    const image = await checkpointWhenReady('acl', ['/bin/sh', '-c', script, 'sh', '/dev/shm/k', '6']);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal(native.stdout.slice('ready\n'.length));
  });

  it('System V IPC comes back: a segment two processes attached stays shared, a detached one keeps its bytes, semaphores and queues (System V and POSIX) hold their counts', async () => {
    const image = await checkpointWhenReady('sysv', [programPath('ckpt_sysv')]);
    expect(readImage(image).kernel.shm?.length, 'both segments saved').to.equal(2);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal('counter=400 semaphore=400 messages=8 spare="kept while detached" mq=high\n');
  });

  it('signal stacks of a sleeping and of a computing thread come back; with --leave-running the original goes on too', async () => {
    await leaveRunningAndRestore('altstack', 'ckpt_altstack', 'ready', 'main handler on its altstack: yes\nthread handler on its altstack: yes\n');
  });

  it("a thread parked in pselect6 with a mask: restored, it makes the call again and the caller's mask is back after it; with --leave-running the original goes on too", async () => {
    const expected = 'first wait: 0, SIGUSR1 blocked after it: yes\nsecond wait: -1 Interrupted system call, handled 1, SIGUSR1 blocked after it: yes\n';
    await leaveRunningAndRestore('waitmask', 'ckpt_wait_mask', 'waiting', expected);
  });

  it('python3 with a large dict and open files goes on after restore; with --leave-running the original finishes too', async () => {
    const script = [
      'import time',
      'd = {i: str(i * 7) for i in range(200000)}',
      "f = open('/tmp/ckpt-py.txt', 'w'); f.write('before\\n'); f.flush()",
      "r = open('/etc/passwd')",
      'head = r.read(5)',
      "print('ready', flush=True)",
      'time.sleep(1.5)',
      "f.write('after\\n'); f.close()",
      "print(sum(len(v) for v in d.values()), len(d), d[123456], head == open('/etc/passwd').read(5), open('/tmp/ckpt-py.txt').read().split())",
    ].join('\n');
    const expected = "1241267 200000 864192 True ['before', 'after']\n";
    const name = fresh('python');
    const image = join(work, name);
    const sandbox = run(name, ['python3', '-c', script]);
    await sandbox.waitForLine((l) => l === 'ready');
    checkpointOk(name, image, '--leave-running');
    const original = await sandbox.finished;
    expect(original.status, original.stderr).to.equal(0);
    expect(original.stdout).to.equal('ready\n' + expected);
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal(expected);
    expect(existsSync('/tmp/ckpt-py.txt'), 'the file stays in the overlay').to.equal(false);
  });

  it("a shell's background child is still its child after restore, and the overlay's files are there", async () => {
    const script = 'echo kept > /tmp/ckpt-sh.txt; (sleep 3; exit 7) & c=$!; echo started; sleep 0.3; wait $c; echo "status $?"; cat /tmp/ckpt-sh.txt';
    const name = fresh('shell');
    const image = join(work, name);
    const sandbox = run(name, ['/bin/sh', '-c', script]);
    await sandbox.waitForLine((l) => l === 'started');
    await sleep(500);
    checkpointOk(name, image);
    expect((await sandbox.finished).stdout).to.equal('started\n');
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal('status 7\nkept\n');
  });

  it('a chrooted shell keeps its root after restore, and so do the children it starts then', async () => {
    // /usr holds a shell and its libraries at the paths they are looked up at (merged /usr).
    const script = 'cd /lib && echo started && sleep 3 && /bin/pwd && test ! -e /usr/bin && test -e /share && echo "root kept"';
    const name = fresh('chroot');
    const image = join(work, name);
    const sandbox = run(name, ['/usr/sbin/chroot', '/usr', '/bin/sh', '-c', script]);
    await sandbox.waitForLine((l) => l === 'started');
    checkpointOk(name, image);
    expect((await sandbox.finished).stdout).to.equal('started\n');
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal('/lib\nroot kept\n');
  });

  it('a sized tmpfs comes back with its options and its pages in use: the limit falls where it did', async () => {
    const script = [
      'dd if=/dev/zero of=/t/a bs=4096 count=8 2>/dev/null && echo started && sleep 1',
      'dd if=/dev/zero of=/t/b bs=4096 count=100 2>&1 | grep -o "No space left on device"',
      'stat -c %s /t/b; stat -c %a /t; grep " /t " /proc/mounts',
    ].join('; ');
    const name = fresh('tmpfs');
    const image = join(work, name);
    const sandbox = run(name, ['/bin/sh', '-c', script], ['--tmpfs', '/t:size=64k,nr_inodes=10,noexec,mode=700']);
    await sandbox.waitForLine((l) => l === 'started');
    checkpointOk(name, image);
    // The checkpoint ends the original (no --leave-running).
    expect((await sandbox.finished).stdout).to.equal('started\n');
    const expected = 'No space left on device\n32768\n700\ntmpfs /t tmpfs rw,nosuid,nodev,noexec,relatime,size=64k,nr_inodes=10,mode=700 0 0\n';
    const restored = restore(image);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal(expected);
    expect(readImage(image).manifest.sandbox.tmpfs).to.deep.include({ path: '/t', options: 'rw,nosuid,nodev,noexec,relatime,nr_blocks=16,nr_inodes=10,mode=700,uid=0,gid=0' });
  });

  it('names, a cwd and an environment that are not UTF-8 come back byte for byte, and a recorded restore verifies', async () => {
    // A host file (the lower layer) with such a name, open across the checkpoint.
    writeFileSync(Buffer.concat([Buffer.from(`${work}/host`), Buffer.from([0xff])]), 'host line\n');
    const script = [
      `exec 3< "${work}/host$(printf "\\377")"`,
      'B=$(printf "v\\377\\300"); export B; d="/tmp/ck$(printf "\\376")"',
      'mkdir -p "$d" && cd "$d" && touch "$(printf "a\\377b")" && ln -s "$(printf "t\\200")" "$(printf "l\\375")"',
      'echo started && sleep 3',
      'ls | od -An -c; readlink l* | od -An -c; pwd | od -An -c; printf %s "$B" | od -An -c; sh -c \'printf %s "$B"\' | od -An -c; cat <&3',
    ].join('; ');
    const name = fresh('bytes');
    const image = join(work, name);
    const sandbox = run(name, ['/bin/sh', '-c', script]);
    await sandbox.waitForLine((l) => l === 'started');
    checkpointOk(name, image);
    expect((await sandbox.finished).stdout).to.equal('started\n');
    const trace = join(work, `${name}.trace`);
    const restored = restore(image, '--record', trace);
    expect(restored.status, summarize(restored)).to.equal(0);
    expect(restored.stdout).to.equal(
      [
        '   a 377   b  \\n   l 375  \\n',
        '   t 200  \\n',
        '   /   t   m   p   /   c   k 376  \\n',
        '   v 377 300',
        '   v 377 300',
        'host line',
        '',
      ].join('\n'),
    );
    const verify = runTsvisor(['replay', trace, '--verify']);
    expect(verify.stdout, summarize(verify)).to.match(/verify: OK/);
  });

  it('restore --record writes a trace that replay --verify rebuilds from the restored state', async () => {
    const name = fresh('recorded');
    const image = join(work, name);
    const sandbox = run(name, [programPath('ckpt_counter'), '60']);
    await sandbox.waitForLine((l) => l === '20');
    checkpointOk(name, image);
    await sandbox.finished;
    const trace = join(work, `${name}.trace`);
    const restored = restore(image, '--record', trace);
    expect(restored.status, summarize(restored)).to.equal(0);
    const verify = runTsvisor(['replay', trace, '--verify']);
    expect(verify.status, summarize(verify)).to.equal(0);
    expect(verify.stdout).to.match(/verify: OK/);
    const exec = runTsvisor(['replay', trace, '--exec']);
    expect(expectOneLineError(exec)).to.match(/a restored run cannot be executed again/);
  });

  it('list shows named sandboxes and forgets stale entries', async () => {
    const name = fresh('listed');
    const sandbox = run(name, [programPath('ckpt_counter'), '300']);
    await sandbox.waitForLine((l) => l === '1');
    const stale = join(stateRoot, 'stale-one');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'sandbox.json'), JSON.stringify({ id: 'stale-one', pid: 999999, startTime: '1', command: ['x'], created: new Date(0).toISOString(), status: 'running' }));
    const r = runTsvisor(['--root', stateRoot, 'list', '--json']);
    expect(r.status, summarize(r)).to.equal(0);
    const ids = (JSON.parse(r.stdout) as Array<{ id: string; command: string[] }>).map((e) => e.id);
    expect(ids).to.include(name);
    expect(ids).to.not.include('stale-one');
    expect(existsSync(stale)).to.equal(false);
    sandbox.kill();
    await sandbox.finished;
  });

  describe('bad images and failures', () => {
    let good: string;
    before(async function () {
      const name = fresh('source');
      good = join(work, name);
      const sandbox = run(name, [programPath('ckpt_counter'), '100']);
      await sandbox.waitForLine((l) => l === '10');
      checkpointOk(name, good);
      await sandbox.finished;
    });

    function damaged(what: string, damage: (dir: string) => void): string {
      const dir = join(work, fresh(what));
      cpSync(good, dir, { recursive: true });
      damage(dir);
      return dir;
    }

    const flipByte = (file: string, at: number) => {
      const bytes = readFileSync(file);
      bytes[at]! ^= 0x20;
      writeFileSync(file, bytes);
    };

    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      ['one flipped byte in the memory', (d) => flipByte(join(d, 'pages-1.bin'), 4096 + 17), /pages-1\.bin: checksum mismatch/],
      ['one flipped byte in the kernel state', (d) => flipByte(join(d, 'kernel.cbor'), 40), /kernel\.cbor: checksum mismatch/],
      ['one flipped byte in the manifest', (d) => flipByte(join(d, 'manifest.json'), 60), /manifest/],
      ['a truncated memory file', (d) => truncateSync(join(d, 'pages-1.bin'), 8192), /pages-1\.bin: truncated/],
      ['a missing part', (d) => rmSync(join(d, 'process-1.cbor')), /process-1\.cbor: missing/],
      ['a foreign directory', (d) => writeFileSync(join(d, 'manifest.json'), '{"format":"something-else"}'), /not a tsvisor checkpoint image/],
      ['a future format version', (d) => {
        const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as { version: number };
        m.version = 99;
        writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
      }, /version 99 is newer than this tsvisor reads/],
    ];
    for (const [what, damage, message] of cases) {
      it(`${what}: one clear line, nothing restored`, () => {
        const r = restore(damaged('bad', damage));
        expect(r.status, summarize(r)).to.equal(125);
        expect(r.stdout).to.equal('');
        expect(expectOneLineError(r)).to.match(message);
      });
    }

    it('a host file that changed since the checkpoint is named, and --ignore-changed-files goes on', async () => {
      const hostFile = join(work, 'held.txt');
      writeFileSync(hostFile, 'first\n');
      const name = fresh('held');
      const image = join(work, name);
      const sandbox = run(name, ['/bin/sh', '-c', `exec 3<${hostFile}; echo open; sleep 3; cat <&3`]);
      await sandbox.waitForLine((l) => l === 'open');
      checkpointOk(name, image);
      await sandbox.finished;
      writeFileSync(hostFile, 'first\nchanged\n');
      const refused = restore(image);
      expect(refused.status, summarize(refused)).to.equal(125);
      expect(expectOneLineError(refused)).to.contain(`host file ${hostFile}`).and.contain('changed since the checkpoint');
      const forced = restore(image, '--ignore-changed-files');
      expect(forced.status, summarize(forced)).to.equal(0);
      expect(forced.stdout).to.equal('first\nchanged\n');
    });

    it('a checkpoint that fails (disk full) leaves the sandbox running and no image', async function () {
      const small = join(work, 'small');
      mkdirSync(small);
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', small]).status !== 0) this.skip();
      try {
        const name = fresh('diskfull');
        const sandbox = run(name, [programPath('ckpt_counter'), '120']);
        await sandbox.waitForLine((l) => l === '5');
        const r = checkpoint(name, join(small, 'image'));
        expect(r.status, summarize(r)).to.equal(125);
        expect(expectOneLineError(r)).to.match(/checkpoint of .* failed: .*(ENOSPC|no space)/);
        expect(readdirSync(small)).to.deep.equal([]);
        const original = await sandbox.finished;
        expect(original.status).to.equal(0);
        expect(lines(original.stdout).slice(-2)).to.deep.equal(['120', 'done']);
      } finally {
        spawnSync('umount', [small]);
      }
    });

    it('checkpoint of an unknown sandbox is a clear error', () => {
      expect(expectOneLineError(checkpoint('no-such-sandbox', join(work, 'x')))).to.match(/no running sandbox named 'no-such-sandbox'/);
    });
  });

  it('the golden image of format version 1 in snapshots/ still restores', function () {
    const golden = join(REPO_ROOT, 'snapshots', 'golden-counter-v1');
    const r = restore(golden);
    if (r.status === 125 && /this CPU lacks/.test(r.stderr)) this.skip();
    expect(r.status, summarize(r)).to.equal(0);
    const out = lines(r.stdout);
    expect(out[out.length - 1]).to.equal('done');
    const numbers = out.slice(0, -1).map(Number);
    expect(numbers[numbers.length - 1]).to.equal(60);
    expect(numbers).to.deep.equal(Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i));
  });
});
