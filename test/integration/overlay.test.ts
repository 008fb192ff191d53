// The overlay: programs in the sandbox create, write, rename and delete files anywhere (the
// cwd, /tmp, /etc), see their own changes exactly as natively, and the host is never touched.
// Each case runs natively in a scratch directory and in the sandbox in another one seeded
// identically (in the sandbox, that seed is the overlay's lower layer); outputs must match and
// the sandbox's scratch directory on the host must be unchanged afterwards.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../support/programs.js';
import { expectNoStackTrace, runNative, runSandbox, shellStatus, summarize, testEnv, type RunResult } from '../support/run.js';

const SEED_TIME = 1_000_000_000;
const PROBES = join(REPO_ROOT, 'test', 'integration', 'overlay_probes');

/** A small tree every case starts from: files, a subdirectory, a symlink, an executable. */
function seed(dir: string): void {
  // What overlay_probes/lower.py changes.
  mkdirSync(join(dir, 'dir1'));
  mkdirSync(join(dir, 'dir2/sub'), { recursive: true });
  mkdirSync(join(dir, 'dir3/deep'), { recursive: true });
  mkdirSync(join(dir, 'emptydir'));
  for (const [p, text] of [['dir1/a', 'a'], ['dir1/b', 'b'], ['dir2/sub/c', 'c'], ['dir2/d', 'd'], ['dir3/x', 'x'], ['dir3/deep/y', 'y'], ['top.txt', 'top']] as const) {
    writeFileSync(join(dir, p), `${text}\n`, { mode: p === 'dir1/b' ? 0o640 : 0o644 });
  }
  symlinkSync('top.txt', join(dir, 'link'));
  utimesSync(join(dir, 'dir1/a'), SEED_TIME / 1000, SEED_TIME / 1000);
  utimesSync(join(dir, 'dir1'), SEED_TIME / 1000, SEED_TIME / 1000);
  mkdirSync(join(dir, 'tree/sub/deep'), { recursive: true });
  writeFileSync(join(dir, 'tree/a.txt'), 'alpha\nbeta\ngamma\n');
  writeFileSync(join(dir, 'tree/sub/b.txt'), 'bravo\n');
  writeFileSync(join(dir, 'tree/sub/deep/c.bin'), Buffer.from([0, 1, 2, 3, 255]));
  writeFileSync(join(dir, 'tree/run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  symlinkSync('a.txt', join(dir, 'tree/link'));
  for (const p of ['tree/a.txt', 'tree/sub/b.txt', 'tree/sub/deep/c.bin', 'tree/run.sh', 'tree/sub/deep', 'tree/sub', 'tree']) {
    utimesSync(join(dir, p), SEED_TIME, SEED_TIME);
  }
}

/** Everything about a tree on the host: names, types, modes, sizes, times, contents. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = `${rel}/${name}`;
      const st = lstatSync(path);
      let what = '';
      if (st.isSymbolicLink()) what = `-> ${readlinkSync(path)}`;
      else if (st.isFile()) what = createHash('sha256').update(readFileSync(path)).digest('hex');
      out.push(`${r} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${st.nlink} ${what}`);
      if (st.isDirectory()) walk(path, r);
    }
  };
  walk(root, '');
  return out;
}

function normalize(text: string, dir: string): string {
  return text.split(dir).join('$DIR');
}

interface Pair {
  native: RunResult;
  sandbox: RunResult;
}

/**
 * Runs argv (with "$DIR" in an argument replaced by the scratch directory) natively and in the
 * sandbox, each in a fresh seeded scratch directory as cwd; expects the same stdout and status,
 * and the sandbox's scratch directory unchanged on the host.
 */
function compareInScratch(argv: readonly string[], opts: { seeded?: boolean; env?: NodeJS.ProcessEnv } = {}): Pair {
  const nativeDir = mkdtempSync(join(tmpdir(), 'tsvisor-ovl-n-'));
  const sandboxDir = mkdtempSync(join(tmpdir(), 'tsvisor-ovl-s-'));
  try {
    if (opts.seeded !== false) {
      seed(nativeDir);
      seed(sandboxDir);
    }
    const before = snapshot(sandboxDir);
    const env = testEnv({ TZ: 'UTC', ...opts.env });
    const native = runNative(argv.map((a) => a.split('$DIR').join(nativeDir)), { cwd: nativeDir, env });
    const sandbox = runSandbox(argv.map((a) => a.split('$DIR').join(sandboxDir)), { cwd: sandboxDir, env });
    const what = `${argv.join(' ')}\n--- sandbox: ${summarize(sandbox)}\n--- native: ${summarize(native)}`;
    expect(native.error, what).to.equal(undefined);
    expect(sandbox.error, what).to.equal(undefined);
    expect(normalize(sandbox.stdout, sandboxDir), `stdout of ${what}`).to.equal(normalize(native.stdout, nativeDir));
    expect(shellStatus(sandbox), `status of ${what}`).to.equal(shellStatus(native));
    expectNoStackTrace(sandbox);
    expect(snapshot(sandboxDir), 'the host copy of the sandbox scratch directory').to.deep.equal(before);
    return { native, sandbox };
  } finally {
    rmSync(nativeDir, { recursive: true, force: true });
    rmSync(sandboxDir, { recursive: true, force: true });
  }
}

const sh = (script: string): string[] => ['/bin/sh', '-c', script];

describe('overlay: writes stay in the sandbox', function () {
  this.timeout(120_000);

  it('a shell script that changes the cwd, /tmp and /etc sees its changes, natively alike, and leaves the host alone', () => {
    // $1 stands for /etc and $2 for /tmp: in the sandbox the real ones, natively scratch copies.
    const script = `
set -e
E="$1"; T="$2"
echo "== cwd"
mkdir -p work/x/y
echo one > work/x/y/f
echo two >> work/x/y/f
printf 'no newline' > work/g
mv work/g work/x/h
ln -s y/f work/x/lnk
cat work/x/lnk work/x/h; echo
ls -R work
rm work/x/h
rm -r work/x/y
ls -a work/x
echo "== tmp"
mkdir "$T/tsvisor-ovl-probe"
echo data > "$T/tsvisor-ovl-probe/file"
cp "$T/tsvisor-ovl-probe/file" "$T/tsvisor-ovl-probe/copy"
mv "$T/tsvisor-ovl-probe" "$T/tsvisor-ovl-probe2"
ls "$T/tsvisor-ovl-probe2"; cat "$T/tsvisor-ovl-probe2/copy"
test -e "$T/tsvisor-ovl-probe" || echo "old name gone"
echo "== etc"
sed -i 's/^root:/ROOT:/' "$E/passwd"
grep -c '^ROOT:' "$E/passwd"
echo appended >> "$E/hostname"
tail -n 1 "$E/hostname"
mkdir "$E/tsvisor.d"
echo conf > "$E/tsvisor.d/a.conf"
mv "$E/tsvisor.d/a.conf" "$E/tsvisor.d/b.conf"
ls "$E/tsvisor.d"
rm "$E/hostname"
test -e "$E/hostname" || echo "hostname deleted"
echo back > "$E/hostname"; cat "$E/hostname"
rm -r "$E/tsvisor.d"
test -d "$E/tsvisor.d" || echo "tsvisor.d deleted"
`;
    const etcFiles = ['passwd', 'hostname'];
    const etcBefore = snapshotNames('/etc');
    const etcContents = etcFiles.map((f) => readFileSync(join('/etc', f)));
    const scratch = mkdtempSync(join(tmpdir(), 'tsvisor-ovl-native-'));
    try {
      mkdirSync(join(scratch, 'etc'));
      mkdirSync(join(scratch, 'tmp'));
      etcFiles.forEach((f, i) => writeFileSync(join(scratch, 'etc', f), etcContents[i]!));
      mkdirSync(join(scratch, 'cwd'));
      const native = runNative(['/bin/sh', '-c', script, 'sh', join(scratch, 'etc'), join(scratch, 'tmp')], { cwd: join(scratch, 'cwd'), env: testEnv() });
      const cwd = mkdtempSync(join(tmpdir(), 'tsvisor-ovl-cwd-'));
      try {
        const sandbox = runSandbox(['/bin/sh', '-c', script, 'sh', '/etc', '/tmp'], { cwd, env: testEnv() });
        expect(native.status, summarize(native)).to.equal(0);
        expect(sandbox.stdout, summarize(sandbox)).to.equal(native.stdout);
        expect(sandbox.status, summarize(sandbox)).to.equal(0);
        expect(native.stdout).to.include('hostname deleted');
        // The host: /etc as it was, nothing new in /tmp or in the cwd.
        expect(snapshotNames('/etc')).to.deep.equal(etcBefore);
        etcFiles.forEach((f, i) => expect(readFileSync(join('/etc', f)).equals(etcContents[i]!), `/etc/${f}`).to.equal(true));
        expect(existsSync('/tmp/tsvisor-ovl-probe')).to.equal(false);
        expect(existsSync('/tmp/tsvisor-ovl-probe2')).to.equal(false);
        expect(readdirSync(cwd)).to.deep.equal([]);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('cp -a copies a tree with modes, times and symlinks', () => {
    compareInScratch(sh('cp -a tree copy && ls -lR --time-style=+%s copy | grep -v ^total && cat copy/link && cmp tree/sub/deep/c.bin copy/sub/deep/c.bin && echo same'));
  });

  it('mv renames files and directories of the lower layer and of the upper one', () => {
    compareInScratch(sh('mv tree/a.txt tree/sub/renamed && mv tree/sub moved && mkdir new && echo n > new/f && mv new moved/new && find . | sort && cat moved/renamed moved/new/f && ls tree'));
  });

  it('rm -r deletes lower and upper trees; mkdir -p recreates them empty', () => {
    compareInScratch(sh('echo extra > tree/sub/extra && rm -r tree/sub && ls tree && mkdir -p tree/sub/deep/er && find tree | sort && rm -rf tree && ls && test ! -e tree && echo gone'));
  });

  it('ln -s, readlink and dangling links', () => {
    compareInScratch(sh('ln -s sub/b.txt tree/l2 && cat tree/l2 && ln -s nowhere tree/dangling && readlink tree/dangling && cat tree/dangling; echo "rc=$?"; ln -sf a.txt tree/dangling && cat tree/dangling && ls -l tree | grep -- "->" | sed "s/.* \\([^ ]* -> .*\\)/\\1/"'));
  });

  it('touch -d @0 and stat -c', () => {
    compareInScratch(sh('touch -d @0 tree/a.txt new && stat -c "%n %s %Y %a %F" tree/a.txt new tree/sub/b.txt tree && echo 12345 > new && stat -c "%s" new && truncate -s 3 tree/a.txt && stat -c %s tree/a.txt && cat tree/a.txt'));
  });

  it('tar c and tar x of a small tree', () => {
    compareInScratch(sh('tar cf t.tar tree && mkdir out && tar xf t.tar -C out && find out | sort && diff -r tree out/tree && echo same && stat -c "%n %a %Y" out/tree/run.sh out/tree/sub/b.txt'));
  });

  it('sed -i edits a lower file in place', () => {
    compareInScratch(sh('sed -i "s/beta/BETA/; 1i first" tree/a.txt && cat tree/a.txt && sed -i.bak "s/bravo/BRAVO/" tree/sub/b.txt && cat tree/sub/b.txt tree/sub/b.txt.bak && ls tree/sub'));
  });

  it('python3 writes, appends, seeks, truncates and reads back files', () => {
    const script = [
      'import os',
      'with open("p.txt", "w") as f: f.write("hello\\n" * 3)',
      'with open("p.txt", "a") as f: f.write("tail\\n")',
      'with open("p.txt", "r+b") as f:',
      '    f.seek(2); f.write(b"LL"); f.seek(0, 2); print(f.tell()); f.truncate(10)',
      'print(repr(open("p.txt").read()), os.stat("p.txt").st_size)',
      'with open("tree/a.txt", "r+") as f: f.write("ALPHA")',
      'print(open("tree/a.txt").read(), end="")',
      'os.rename("p.txt", "tree/p.txt"); print(sorted(os.listdir("tree")))',
      'os.makedirs("x/y/z"); os.removedirs("x/y/z"); print(os.path.exists("x"))',
    ].join('\n');
    compareInScratch(['/usr/bin/python3', '-c', script]);
  });

  it('Linux errnos and results of mkdir, rmdir, unlink, rename(at2), link, symlink, truncate, chmod, chown, utimes, O_CREAT', () => {
    compareInScratch(['/usr/bin/python3', join(PROBES, 'semantics.py'), '$DIR'], { seeded: false });
  });

  it('changes to pre-existing files: copy-up, whiteouts, opaque and renamed directories, links', () => {
    compareInScratch(['/usr/bin/python3', join(PROBES, 'lower.py'), '$DIR']);
  });

  it('a script file written in the sandbox runs through sh', () => {
    compareInScratch(sh('printf "echo from a new script\\necho \\$0\\n" > s.sh && sh ./s.sh && cat tree/run.sh | sh'));
  });
});

/** Names and mtimes of a directory's entries (a cheap check that nothing was added or changed). */
function snapshotNames(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const st = lstatSync(join(dir, name));
      return `${name} ${st.mode.toString(8)} ${st.mtimeMs}`;
    })
    .concat([`. ${lstatSync(dir).mtimeMs}`]);
}
