// --mount HOSTDIR:SANDBOXDIR:rw: the sandbox's changes below SANDBOXDIR are made in HOSTDIR
// itself. A program run natively in a copy of the directory and in the sandbox under :rw
// must leave the two directories alike; under :ro the host must not change at all; and
// neither symlinks, `..` nor renames can reach anything outside HOSTDIR.
import { expect } from 'chai';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MOUNT_RW_PROGRAMS } from '../support/mount_programs.js';
import { buildPrograms, LINKAGES, programPath } from '../support/programs.js';
import { compareWithNativeEach, runNative, runSandbox, summarize, testEnv } from '../support/run.js';

/** A directory tree as text: each entry's path, type, permission bits and contents (or link target), sorted. */
function snapshot(dir: string, below = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, below)).sort()) {
    const rel = below ? `${below}/${name}` : name;
    const full = join(dir, rel);
    const st = lstatSync(full);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(full)}`);
    else if (st.isDirectory()) out.push(`${rel}/ ${mode}`, ...snapshot(dir, rel));
    else out.push(`${rel} ${mode} nlink=${st.nlink} ${JSON.stringify(readFileSync(full, 'utf8'))}`);
  }
  return out;
}

/** Creates, writes, appends, truncates, renames, links and deletes files in the current directory. */
const CHANGES = [
  'set -e',
  'echo one > new.txt',
  'echo two >> new.txt',
  'printf abcdefgh > cut.txt; truncate -s 3 cut.txt',
  'echo replaced > keep.txt',
  'mkdir -p made/deeper; echo deep > made/deeper/f',
  'mv old.txt made/moved.txt',
  'mv olddir renamed',
  'rm gone.txt; rm -r gonedir',
  'ln -s new.txt sym; ln new.txt hard',
  'chmod 600 keep.txt; chmod 4755 made/deeper/f',
  'touch -d @0 cut.txt',
  'python3 -c "import os; fd = os.open(\'rw.bin\', os.O_RDWR | os.O_CREAT, 0o644); os.pwrite(fd, b\'xyz\', 5); os.ftruncate(fd, 10); os.close(fd)"',
  'cat new.txt made/moved.txt; ls',
].join('\n');

function populate(dir: string): void {
  mkdirSync(join(dir, 'olddir'));
  mkdirSync(join(dir, 'gonedir'));
  writeFileSync(join(dir, 'olddir', 'inside'), 'in\n');
  writeFileSync(join(dir, 'gonedir', 'x'), 'x\n');
  writeFileSync(join(dir, 'old.txt'), 'old\n');
  writeFileSync(join(dir, 'gone.txt'), 'gone\n');
  writeFileSync(join(dir, 'keep.txt'), 'keep\n');
}

describe('--mount HOSTDIR:SANDBOXDIR:rw', function () {
  this.timeout(60_000);
  let base: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'tsvisor-rw-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('makes the program\'s changes in the host directory, exactly as a native run makes them', () => {
    const native = join(base, 'native');
    const shared = join(base, 'shared');
    mkdirSync(native);
    populate(native);
    cpSync(native, shared, { recursive: true });
    const n = runNative(['/bin/sh', '-c', CHANGES], { cwd: native });
    expect(n.status, summarize(n)).to.equal(0);
    const r = runSandbox(['/bin/sh', '-c', CHANGES], { sandboxCwd: '/mnt', extraArgs: ['--mount', `${shared}:/mnt:rw`] });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(n.stdout);
    // The set-user-ID bit is the one difference: a sandbox never makes one on the host.
    expect(snapshot(shared)).to.deep.equal(snapshot(native).map((l) => l.replace('made/deeper/f 4755', 'made/deeper/f 755')));
  });

  it('leaves the host directory untouched under :ro (the same program sees its changes in the overlay)', () => {
    const dir = join(base, 'ro');
    mkdirSync(dir);
    populate(dir);
    const before = snapshot(dir);
    const r = runSandbox(['/bin/sh', '-c', CHANGES], { sandboxCwd: '/mnt', extraArgs: ['--mount', `${dir}:/mnt:ro`] });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.include('one\ntwo\nold\n');
    expect(snapshot(dir)).to.deep.equal(before);
  });

  it('a file written then mapped, read through another fd, and mapped after more writes shows every write', () => {
    const dir = join(base, 'mm');
    mkdirSync(dir);
    const script = [
      'import mmap, os',
      'f = open("/mnt/m.bin", "w+b"); f.write(b"first"); f.flush()',
      'm = mmap.mmap(f.fileno(), 0); print(m[:5]); m.close()',
      'f.seek(0); f.write(b"again"); f.flush()',
      'print(open("/mnt/m.bin", "rb").read())',
      'm = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ); print(m[:5])',
    ].join('\n');
    const r = runSandbox(['/usr/bin/python3', '-c', script], { extraArgs: ['--mount', `${dir}:/mnt:rw`] });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal("b'first'\nb'again'\nb'again'\n");
    expect(readFileSync(join(dir, 'm.bin'), 'utf8')).to.equal('again');
  });

  // gold and rustc's linker (lld) create their output, size it, map it MAP_SHARED and write the
  // binary through the mapping: the file must be what a native run makes, byte for byte.
  const LINKERS: ReadonlyArray<{ what: string; tool: string; source: [string, string]; build: string; out: string }> = [
    { what: 'gcc -fuse-ld=gold', tool: 'ld.gold', source: ['hello.c', '#include <stdio.h>\nint main(void) { puts("linked by gold"); return 0; }\n'], build: 'gcc -fuse-ld=gold hello.c -o hello', out: 'linked by gold\n' },
    { what: 'rustc -O (lld)', tool: 'rustc', source: ['hello.rs', 'fn main() { println!("linked for rustc"); }\n'], build: 'rustc -O hello.rs -o hello', out: 'linked for rustc\n' },
  ];
  for (const l of LINKERS) {
    it(`${l.what}: the binary it writes through a shared mapping is the native one, and runs`, function () {
      // Looked for on the host's PATH (rustup's proxies live in ~/.cargo/bin), given to both runs.
      const dirs = (process.env.PATH ?? '').split(':').filter((d) => d !== '' && existsSync(join(d, l.tool)));
      if (dirs.length === 0) {
        console.log(`      (skipped: no ${l.tool} on PATH)`);
        this.skip();
      }
      this.timeout(180_000);
      const env = testEnv({ PATH: `${dirs[0]}:${testEnv().PATH}` });
      const native = join(base, 'native');
      const shared = join(base, 'shared');
      for (const dir of [native, shared]) {
        mkdirSync(dir);
        writeFileSync(join(dir, l.source[0]), l.source[1]);
      }
      const script = `${l.build} && ./hello`;
      const n = runNative(['/bin/sh', '-c', script], { cwd: native, env, timeoutMs: 120_000 });
      expect(n.status, summarize(n)).to.equal(0);
      const r = runSandbox(['/bin/sh', '-c', script], { sandboxCwd: '/work', env, timeoutMs: 120_000, extraArgs: ['--mount', `${shared}:/work:rw`] });
      expect(r.status, summarize(r)).to.equal(0);
      expect(r.stdout).to.equal(l.out);
      expect(readFileSync(join(shared, 'hello')).equals(readFileSync(join(native, 'hello'))), 'the same binary').to.equal(true);
    });
  }

  // FIFOs and unix sockets: the nodes are host files, the pipe and the listener the sandbox's.
  describe('test programs run natively in a directory and in the sandbox with it mounted :rw', () => {
    before(async function () {
      this.timeout(300_000);
      await buildPrograms();
    });
    for (const name of MOUNT_RW_PROGRAMS) {
      for (const linkage of LINKAGES) {
        it(`${name} (${linkage})`, () => {
          const native = join(base, 'native');
          const shared = join(base, 'shared');
          mkdirSync(native);
          mkdirSync(shared);
          compareWithNativeEach((side) => [programPath(name, linkage), side === 'native' ? native : shared], { extraArgs: ['--mount', `${shared}:${shared}:rw`] });
        });
        it(`${name} (${linkage}), without the mount: the same in the overlay`, () => {
          const dir = join(base, 'lower');
          mkdirSync(dir);
          compareWithNativeEach(() => [programPath(name, linkage), dir]);
          expect(readdirSync(dir)).to.deep.equal([]);
        });
      }
    }
  });

  it('a FIFO and a socket file made in the sandbox are real ones on the host; a host program connecting to the socket file is refused', async () => {
    const dir = join(base, 'special');
    mkdirSync(dir);
    const bind = "python3 -c \"import socket; s = socket.socket(socket.AF_UNIX); s.bind('sock')\"";
    const r = runSandbox(['/bin/sh', '-c', `umask 022; mkfifo -m 640 fifo && ${bind} && ls -l fifo sock | cut -c1-10`], { sandboxCwd: '/mnt', extraArgs: ['--mount', `${dir}:/mnt:rw`] });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal('prw-r-----\nsrwxr-xr-x\n');
    const fifo = lstatSync(join(dir, 'fifo'));
    const sock = lstatSync(join(dir, 'sock'));
    expect([fifo.isFIFO(), fifo.mode & 0o7777, fifo.uid]).to.deep.equal([true, 0o640, process.getuid!()]);
    // Linux leaves a closed listener's file; nobody on the host is behind it.
    expect([sock.isSocket(), sock.mode & 0o7777]).to.deep.equal([true, 0o755]);
    const refused = await new Promise<string>((resolve) => {
      const c = connect(join(dir, 'sock'));
      c.on('connect', () => resolve('connected'));
      c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).to.equal('ECONNREFUSED');
  });

  it('never reaches outside the host directory: symlinks and .. resolve in the sandbox, renames and links out are EXDEV', () => {
    const dir = join(base, 'esc');
    const outside = join(base, 'outside');
    mkdirSync(dir);
    mkdirSync(outside);
    writeFileSync(join(dir, 'mine'), 'mine\n');
    symlinkSync('/etc', join(dir, 'etc-link'));
    symlinkSync(outside, join(dir, 'out-link'));
    const script = [
      'cd /mnt',
      'echo planted > etc-link/tsvisor-escape && cat /etc/tsvisor-escape', // the sandbox's own /etc (its overlay)
      'echo planted > out-link/via-link; echo "via-link $?"', // the link's target as the sandbox sees it: its overlay
      'echo planted > ../tsvisor-escape-root && cat /tsvisor-escape-root',
      'ln -s ../../../../.. up; echo planted > up/tmp/tsvisor-escape-up && cat /tmp/tsvisor-escape-up',
      'python3 -c "import os\ntry: os.rename(\'/mnt/mine\', \'/tmp/tsvisor-rw-moved\')\nexcept OSError as e: print(\'rename\', e.strerror)"',
      'python3 -c "import os\ntry: os.link(\'/mnt/mine\', \'/tmp/tsvisor-rw-linked\')\nexcept OSError as e: print(\'link\', e.strerror)"',
      'python3 -c "import os\ntry: os.rename(\'/etc/hostname\', \'/mnt/hostname\')\nexcept OSError as e: print(\'rename in\', e.strerror)"',
      'rmdir /mnt 2>/dev/null || echo "rmdir busy"',
    ].join('\n');
    const r = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--mount', `${dir}:/mnt:rw`] });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(
      'planted\nvia-link 0\nplanted\nplanted\nrename Invalid cross-device link\nlink Invalid cross-device link\nrename in Invalid cross-device link\nrmdir busy\n',
    );
    expect(existsSync('/etc/tsvisor-escape')).to.equal(false);
    expect(existsSync('/tsvisor-escape-root')).to.equal(false);
    expect(existsSync('/tmp/tsvisor-escape-up')).to.equal(false);
    expect(readdirSync(outside)).to.deep.equal([]);
    expect(readdirSync(dir).sort()).to.deep.equal(['etc-link', 'mine', 'out-link', 'up']);
  });
});
