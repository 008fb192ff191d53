// tsvisor-runc, the OCI runtime, driven as the engines drive runc: the lifecycle, runc's errors
// and exit codes, state and list, kill, pause/resume, exec, and malformed bundles.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeBundle, makeRootfs, missingBusybox, runc } from '../support/oci.js';
import { REPO_ROOT } from '../support/programs.js';

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('OCI runtime (tsvisor-runc)', function () {
  this.timeout(120_000);
  let dir: string;
  let root: string;
  let rootfs: string;

  before(function () {
    const missing = missingBusybox();
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-oci-'));
    root = join(dir, 'state');
    rootfs = join(dir, 'rootfs');
    makeRootfs(rootfs);
  });

  after(() => {
    if (!dir) return;
    for (const id of ['life', 'hooked', 'hookfail', 'held', 'term', 'loop', 'bad', 'ck', 'ck2', 'tty', 'cons', 'rtty', 'rtty2', 'rplain', 'rplain2', 'rplain3', 'shim-exit', 'shim-term', 'shim-kill', 'lean']) runc(root, ['delete', '--force', id]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its version with the OCI spec version', () => {
    const r = runc(root, ['--version']);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^tsvisor version \S+\ncommit: \S+\nspec: 1\.0\.\d+\n/);
  });

  it('create holds the program until start; state, list; the exit status is the pid file process\'s; delete', () => {
    const bundle = makeBundle(join(dir, 'life'), rootfs, (c) => {
      c.process.args = ['sh', '-c', 'echo started as $$ on $(hostname); exit 7'];
      c.hostname = 'box';
      c.annotations = { 'org.example': 'yes' };
    });
    const pidFile = join(dir, 'life.pid');
    const out = join(dir, 'life.out');
    writeFileSync(out, '');
    const create = runc(root, ['create', '--bundle', bundle, '--pid-file', pidFile, 'life']);
    expect(create.status, create.stderr).to.equal(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).to.be.greaterThan(0);
    const state = JSON.parse(runc(root, ['state', 'life']).stdout) as Record<string, unknown>;
    expect(state).to.include({ id: 'life', status: 'created', pid, bundle });
    expect(state.annotations).to.deep.equal({ 'org.example': 'yes' });
    const list = JSON.parse(runc(root, ['list', '--format', 'json']).stdout) as Array<{ id: string; status: string }>;
    expect(list.map((s) => [s.id, s.status])).to.deep.equal([['life', 'created']]);
    expect(runc(root, ['start', 'life']).status).to.equal(0);
    for (let i = 0; i < 100 && (JSON.parse(runc(root, ['state', 'life']).stdout) as { status: string }).status !== 'stopped'; i++) sleepMs(100);
    expect(JSON.parse(runc(root, ['state', 'life']).stdout)).to.include({ status: 'stopped', pid: 0 });
    const again = runc(root, ['start', 'life']);
    expect([again.status, again.stderr.trim()]).to.deep.equal([1, 'time="' + again.stderr.split('"')[1] + '" level=error msg="cannot start a container that has stopped"']);
    expect(runc(root, ['delete', 'life']).status).to.equal(0);
    expect(runc(root, ['delete', '--force', 'life']).status).to.equal(0);
    const gone = runc(root, ['state', 'life']);
    expect(gone.status).to.equal(1);
    expect(gone.stderr).to.include('container does not exist');
  });

  it('createRuntime and prestart hooks run before create returns, with the state; a failing one fails create and leaves no container', () => {
    const seen = join(dir, 'hooks.log');
    const hook = (name: string, status = 0) => ({ path: '/bin/sh', args: ['sh', '-c', `echo ${name} $(cat) >> '${seen}'; exit ${status}`] });
    const bundle = makeBundle(join(dir, 'hooked'), rootfs, (c) => {
      c.process.args = ['true'];
      c.hooks = { createRuntime: [hook('createRuntime')], prestart: [hook('prestart')] };
    });
    expect(runc(root, ['create', '--bundle', bundle, 'hooked']).status).to.equal(0);
    const lines = readFileSync(seen, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).to.deep.equal(['createRuntime', 'prestart']);
    for (const line of lines) {
      const state = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { id: string; status: string; pid: number };
      expect(state).to.include({ id: 'hooked', status: 'created' });
      expect(state.pid).to.be.greaterThan(0);
    }
    expect(runc(root, ['delete', 'hooked']).status).to.equal(0);
    const failing = makeBundle(join(dir, 'hookfail'), rootfs, (c) => {
      c.process.args = ['true'];
      c.hooks = { prestart: [hook('failing', 3)] };
    });
    const log = join(dir, 'hookfail.log');
    const r = runc(root, ['create', '--bundle', failing, 'hookfail'], { log });
    expect(r.status).to.equal(1);
    expect(readFileSync(log, 'utf8')).to.include('error running prestart hook /bin/sh: exit status 3');
    expect(runc(root, ['state', 'hookfail']).status).to.equal(1);
  });

  it('answers lifecycle errors as runc does: start twice, delete running without --force, unknown id', () => {
    const bundle = makeBundle(join(dir, 'loop'), rootfs, (c) => {
      c.process.args = ['sh', '-c', 'trap "echo term; exit 3" TERM; while :; do sleep 0.1; done'];
    });
    const log = join(dir, 'loop.log');
    expect(runc(root, ['create', '--bundle', bundle, 'loop']).status).to.equal(0);
    expect(runc(root, ['start', 'loop']).status).to.equal(0);
    const twice = runc(root, ['start', 'loop'], { log });
    expect(twice.status).to.equal(1);
    expect(twice.stderr.trim()).to.equal('cannot start an already running container');
    const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').pop()!) as Record<string, string>;
    expect(line).to.include({ level: 'error', msg: 'cannot start an already running container' });
    expect(line.time).to.match(/^\d{4}-\d\d-\d\dT/);
    const del = runc(root, ['delete', 'loop']);
    expect([del.status, del.stderr]).to.satisfy(([s, e]: [number, string]) => s === 1 && e.includes('cannot delete container loop that is not stopped: running'));
    expect(runc(root, ['kill', 'nosuch', 'KILL']).stderr).to.include('container does not exist');
    expect(runc(root, ['kill', 'loop', 'SIGBOGUS']).stderr).to.include('unknown signal');
  });

  it('ps lists host pids; exec runs another process in the same sandbox with its own status', () => {
    const ps = runc(root, ['ps', '--format', 'json', 'loop']);
    expect(ps.status, ps.stderr).to.equal(0);
    const pids = JSON.parse(ps.stdout) as number[];
    expect(pids.length).to.be.greaterThan(0);
    // The host's ps shows the programs' command lines (not the stubs'), as docker top does.
    expect(runc(root, ['ps', 'loop']).stdout).to.include('sh -c trap "echo term; exit 3" TERM; while :; do sleep 0.1; done');
    const exec = runc(root, ['exec', 'loop', 'sh', '-c', 'ps | grep -c "while :"; echo $$; exit 5']);
    expect(exec.status, exec.stderr).to.equal(5);
    const [seen, self] = exec.stdout.trim().split('\n');
    expect(Number(seen)).to.be.greaterThan(0);
    expect(Number(self)).to.be.greaterThan(1);
  });

  it('pause freezes every thread and resume lets them go on', () => {
    expect(runc(root, ['pause', 'loop']).status).to.equal(0);
    expect(JSON.parse(runc(root, ['state', 'loop']).stdout)).to.include({ status: 'paused' });
    expect(runc(root, ['pause', 'loop']).stderr).to.include('container not running');
    expect(runc(root, ['resume', 'loop']).status).to.equal(0);
    expect(JSON.parse(runc(root, ['state', 'loop']).stdout)).to.include({ status: 'running' });
    expect(runc(root, ['resume', 'loop']).stderr).to.include('container not paused');
  });

  it('kill by name reaches the trapping pid 1; delete --force of a gone container is 0', () => {
    const pid = (JSON.parse(runc(root, ['state', 'loop']).stdout) as { pid: number }).pid;
    expect(runc(root, ['kill', 'loop', 'TERM']).status).to.equal(0);
    for (let i = 0; i < 100 && (JSON.parse(runc(root, ['state', 'loop']).stdout) as { status: string }).status !== 'stopped'; i++) sleepMs(100);
    expect(JSON.parse(runc(root, ['state', 'loop']).stdout)).to.include({ status: 'stopped' });
    expect(pid).to.be.greaterThan(0);
    expect(runc(root, ['kill', 'loop', '15']).stderr).to.include('container not running');
    expect(runc(root, ['delete', 'loop']).status).to.equal(0);
    expect(runc(root, ['delete', '--force', 'loop']).status).to.equal(0);
    expect(runc(root, ['delete', 'loop']).status).to.equal(1);
  });

  it('delete of a created container kills it without --force', () => {
    const bundle = makeBundle(join(dir, 'held'), rootfs, (c) => {
      c.process.args = ['echo', 'never'];
    });
    expect(runc(root, ['create', '--bundle', bundle, 'held']).status).to.equal(0);
    const d = runc(root, ['delete', 'held']);
    expect(d.status, d.stderr).to.equal(0);
    expect(runc(root, ['list', '--format', 'json']).stdout.trim()).to.equal('null');
  });

  it('a created container ends at its first SIGTERM, by kill or sent to the pid file\'s process, as runc\'s waiting init does; SIGWINCH leaves it', () => {
    const bundle = makeBundle(join(dir, 'term'), rootfs, (c) => {
      c.process.args = ['echo', 'never'];
    });
    const statusOf = (id: string) => (JSON.parse(runc(root, ['state', id]).stdout) as { status: string }).status;
    const waitStopped = (id: string) => {
      for (let i = 0; i < 100 && statusOf(id) !== 'stopped'; i++) sleepMs(50);
      return statusOf(id);
    };
    const pidFile = join(dir, 'term.pid');
    expect(runc(root, ['create', '--bundle', bundle, '--pid-file', pidFile, 'term']).status).to.equal(0);
    expect(runc(root, ['kill', 'term', 'WINCH']).status).to.equal(0);
    expect(statusOf('term')).to.equal('created');
    expect(runc(root, ['kill', 'term', '15']).status).to.equal(0);
    expect(waitStopped('term')).to.equal('stopped');
    expect(runc(root, ['delete', 'term']).status).to.equal(0);
    expect(runc(root, ['create', '--bundle', bundle, '--pid-file', pidFile, 'term']).status).to.equal(0);
    globalThis.process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
    expect(waitStopped('term')).to.equal('stopped');
    const start = runc(root, ['start', 'term']);
    expect([start.status, start.stderr]).to.satisfy(([s, e]: [number, string]) => s === 1 && e.includes('cannot start a container that has stopped'));
    expect(runc(root, ['delete', 'term']).status).to.equal(0);
  });

  it('the pid file\'s process, as a subreaper shim sees it: its status is the container\'s, the signals it gets reach pid 1, killing it ends the sandbox, and nothing outlives it', async function () {
    const shim = join(dir, 'subreaper_shim');
    const cc = spawnSync('cc', ['-O1', '-o', shim, join(REPO_ROOT, 'test', 'support', 'subreaper_shim.c')], { encoding: 'utf8' });
    if (cc.error || cc.status !== 0) {
      console.log(`      skipped: cannot build the subreaper shim (${cc.error?.message ?? cc.stderr})`);
      this.skip();
    }
    /** Creates and starts ID under the shim; `during` runs once the program has printed `up`; resolves with the shim's report and the container's output. */
    const underShim = async (id: string, args: string[], during: (pid: number) => void) => {
      const bundle = makeBundle(join(dir, id), rootfs, (c) => (c.process.args = args));
      const pidFile = join(dir, `${id}.pid`);
      const out = join(dir, `${id}.out`);
      const child = spawn(shim, [pidFile, out, join(REPO_ROOT, 'bin', 'tsvisor-runc'), '--root', root, 'create', '--bundle', bundle, '--pid-file', pidFile, id], { stdio: ['ignore', 'pipe', 'inherit'] });
      let report = '';
      child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
      const ended = new Promise((resolve) => child.on('exit', resolve));
      for (let i = 0; i < 500 && !report.includes('runtime'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(report).to.equal('runtime exited 0\n');
      expect(runc(root, ['start', id]).status).to.equal(0);
      const output = () => (existsSync(out) ? readFileSync(out, 'utf8') : '');
      for (let i = 0; i < 500 && !output().includes('up'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      during(Number(readFileSync(pidFile, 'utf8')));
      await ended;
      expect(JSON.parse(runc(root, ['state', id]).stdout)).to.include({ status: 'stopped' });
      expect(runc(root, ['delete', id]).status).to.equal(0);
      return { report, output: output() };
    };
    const exited = await underShim('shim-exit', ['sh', '-c', 'echo up; exit 7'], () => {});
    expect(exited).to.deep.equal({ report: 'runtime exited 0\npid file\'s process exited 7\nall reaped\n', output: 'up\n' });
    const trap = ['sh', '-c', 'trap \'echo got TERM; exit 3\' TERM; echo up; while :; do sleep 0.05; done'];
    const termed = await underShim('shim-term', trap, (pid) => globalThis.process.kill(pid, 'SIGTERM'));
    expect(termed).to.deep.equal({ report: 'runtime exited 0\npid file\'s process exited 3\nall reaped\n', output: 'up\ngot TERM\n' });
    // "all reaped": the sandbox process and every stub, reparented to the shim, ended too.
    const killed = await underShim('shim-kill', trap, (pid) => globalThis.process.kill(pid, 'SIGKILL'));
    expect(killed).to.deep.equal({ report: 'runtime exited 0\npid file\'s process signalled 9\nall reaped\n', output: 'up\n' });
  });

  it('a sandbox process loads none of node\'s crypto, net, stream or child_process modules for a plain container (each would be start-up time of every container)', () => {
    const bundle = makeBundle(join(dir, 'lean'), rootfs, (c) => (c.process.args = ['echo', 'hi']));
    const preload = join(dir, 'module_list.cjs');
    const list = join(dir, 'lean.modules');
    writeFileSync(preload, "if (process.argv[2] === '__oci-sandbox') process.on('exit', () => require('node:fs').writeFileSync(process.env.TSVISOR_TEST_MODULES, process.moduleLoadList.join('\\n')));\n");
    const env = globalThis.process.env;
    const saved = [env.NODE_OPTIONS, env.TSVISOR_TEST_MODULES] as const;
    env.NODE_OPTIONS = `--require ${preload}`;
    env.TSVISOR_TEST_MODULES = list;
    try {
      expect(runc(root, ['create', '--bundle', bundle, 'lean']).status).to.equal(0);
      expect(runc(root, ['start', 'lean']).status).to.equal(0);
    } finally {
      if (saved[0] === undefined) delete env.NODE_OPTIONS;
      else env.NODE_OPTIONS = saved[0];
      delete env.TSVISOR_TEST_MODULES;
    }
    for (let i = 0; i < 500 && !existsSync(list); i++) sleepMs(20);
    expect(runc(root, ['delete', '--force', 'lean']).status).to.equal(0);
    const loaded = readFileSync(list, 'utf8').split('\n');
    expect(loaded).to.include('NativeModule fs');
    expect(loaded.filter((m) => /^NativeModule (crypto|net|stream|child_process)$/.test(m))).to.deep.equal([]);
  });

  it('refuses a malformed config.json with one error naming the field, in the log as JSON', () => {
    const log = join(dir, 'bad.log');
    const cases: Array<[(c: Record<string, unknown> & { process: Record<string, unknown> }) => void, string]> = [
      [(c) => (c.process.args = 'sh'), 'process.args: expected array, received string'],
      [(c) => delete c.root, 'root: is required'],
      [(c) => (c.process.cwd = 'relative'), 'process.cwd: must be an absolute path'],
      [(c) => (c.mounts = [{ destination: 'tmp', type: 'tmpfs' }]), 'mounts[0].destination: must be an absolute path'],
      [(c) => (c.process.user = { uid: -1, gid: 0 }), 'process.user.uid:'],
      [(c) => (c.root = { path: 'nowhere' }), 'rootfs ('],
    ];
    for (const [edit, message] of cases) {
      const bundle = makeBundle(join(dir, 'bad'), rootfs, edit);
      rmSync(log, { force: true });
      const r = runc(root, ['create', '--bundle', bundle, 'bad'], { log });
      expect(r.status, message).to.equal(1);
      expect(r.stdout + r.stderr, 'create prints nothing: its stdio is the container\'s').to.equal('');
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).to.have.length(1);
      expect((JSON.parse(lines[0]!) as { msg: string }).msg).to.include(message);
      rmSync(join(dir, 'bad'), { recursive: true });
    }
    expect(runc(root, ['state', 'bad']).status).to.equal(1);
  });

  it('run executes in the foreground and removes the container; spec refuses to overwrite', () => {
    const bundle = makeBundle(join(dir, 'fg'), rootfs, (c) => {
      c.process.args = ['sh', '-c', 'echo fg; exit 4'];
      c.mounts = [{ destination: '/scratch', type: 'tmpfs', source: 'tmpfs' }];
      c.root = { path: rootfs, readonly: true };
    });
    const r = runc(root, ['run', '--bundle', bundle, 'fg']);
    expect([r.status, r.stdout]).to.deep.equal([4, 'fg\n']);
    expect(runc(root, ['state', 'fg']).status).to.equal(1);
    const ro = makeBundle(join(dir, 'ro'), rootfs, (c) => {
      c.process.args = ['sh', '-c', 'touch /x 2>&1; touch /scratch/y && echo scratch-ok; grep -E "^tsvisor /|/scratch" /proc/mounts'];
      c.mounts = [{ destination: '/scratch', type: 'tmpfs', source: 'tmpfs' }];
      c.root = { path: rootfs, readonly: true };
    });
    expect(runc(root, ['run', '--bundle', ro, 'ro']).stdout).to.equal(
      // A tmpfs without options: as runc's mount(2) of it shows on Linux.
      'touch: /x: Read-only file system\nscratch-ok\ntsvisor / overlay ro,relatime 0 0\ntmpfs /scratch tmpfs rw,relatime 0 0\n',
    );
    expect(runc(root, ['spec', '--bundle', bundle]).stderr).to.include('File config.json exists. Remove it first.');
  });

  it('tmpfs mounts take their options as runc gives them to Linux; /dev/shm\'s (Docker\'s --shm-size) apply to the kernel\'s /dev/shm', () => {
    const script = [
      'grep -E " /(run|small|dev/shm) " /proc/mounts',
      'dd if=/dev/zero of=/small/f bs=4096 count=4 2>&1 | grep -o "No space left on device"',
      'stat -c "%s %a %u %g" /small/f',
      'stat -c "%a %u %g" /small',
      'df -k /dev/shm /run | tail -2 | tr -s " " | cut -d" " -f2',
      'cp /bin/busybox /run/bb && /run/bb true; echo "noexec: $?"',
      'touch /ro/x 2>&1',
    ].join('; ');
    const bundle = makeBundle(join(dir, 'tmpfs-opts'), rootfs, (c) => {
      c.process.args = ['sh', '-c', script];
      c.mounts = [
        { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] },
        { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', 'size=65536k', 'mode=755'] },
        { destination: '/small', type: 'tmpfs', source: 'my src', options: ['size=8k', 'mode=777', 'uid=5', 'gid=6', 'rprivate'] },
        { destination: '/ro', type: 'tmpfs', source: 'tmpfs', options: ['ro'] },
      ];
    });
    const r = runc(root, ['run', '--bundle', bundle, 'tmpfs-opts']);
    expect(r.stdout, r.stderr).to.equal([
      'shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0',
      'tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k,mode=755 0 0',
      'my\\040src /small tmpfs rw,relatime,size=8k,mode=777,uid=5,gid=6 0 0',
      'No space left on device',
      '8192 644 0 0',
      '777 5 6',
      '65536',
      '65536',
      'noexec: 126',
      'touch: /ro/x: Read-only file system',
      '',
    ].join('\n'));
    const bad = makeBundle(join(dir, 'tmpfs-bad'), rootfs, (c) => {
      c.mounts = [{ destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['size=lots'] }];
    });
    const log = join(dir, 'tmpfs-bad.log');
    expect(runc(root, ['create', '--bundle', bad, 'tmpfs-bad'], { log }).status).to.equal(1);
    expect(readFileSync(log, 'utf8')).to.include('mounts[0].options: size=lots: not a number');
  });

  it('bind mounts as runc makes them: a container\'s changes reach the host directory; with "ro" they are refused', () => {
    const [host, readOnly] = [join(dir, 'bound'), join(dir, 'bound-ro')];
    for (const d of [host, readOnly]) {
      mkdirSync(d);
      writeFileSync(join(d, 'f'), 'from the host\n');
    }
    const bundle = makeBundle(join(dir, 'binds'), rootfs, (c) => {
      c.process.args = ['sh', '-c', 'echo new > /w/made; rm /w/f; mkdir /w/d; touch /r/x 2>&1; rm /r/f 2>&1; cat /r/f; grep -E " /(w|r) " /proc/mounts | cut -d" " -f2,4'];
      c.mounts = [
        { destination: '/w', type: 'bind', source: host, options: ['rbind', 'rw'] },
        { destination: '/r', type: 'bind', source: readOnly, options: ['rbind', 'ro'] },
      ];
    });
    symlinkSync(join(host, 'f'), join(dir, 'link-to-f'));
    const bundle2 = makeBundle(join(dir, 'binds2'), rootfs, (c) => {
      // A bind whose source is a symlink, at a path under directories the root lacks.
      c.process.args = ['sh', '-c', 'cat /opt/x/f; ls -a /opt /opt/x; stat -c "%a %F" /opt'];
      c.mounts = [{ destination: '/opt/x/f', type: 'bind', source: join(dir, 'link-to-f'), options: ['rbind', 'ro'] }];
    });
    const r2 = runc(root, ['run', '--bundle', bundle2, 'binds2']);
    expect([r2.status, r2.stdout], r2.stderr).to.deep.equal([0, 'from the host\n/opt:\n.\n..\nx\n\n/opt/x:\n.\n..\nf\n755 directory\n']);
    const r = runc(root, ['run', '--bundle', bundle, 'binds']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(
      "touch: /r/x: Read-only file system\nrm: can't remove '/r/f': Read-only file system\nfrom the host\n/w rw,relatime\n/r ro,relatime\n",
    );
    expect(readdirSync(host).sort()).to.deep.equal(['d', 'made']);
    expect(readFileSync(join(host, 'made'), 'utf8')).to.equal('new\n');
    expect(readdirSync(readOnly)).to.deep.equal(['f']);
  });

  it('exec into a container restored from a checkpoint works as into a created one', () => {
    const bundle = makeBundle(join(dir, 'ck'), rootfs, (c) => {
      // The count is replaced by a rename: `echo $i > /tmp/count` truncates before it writes, and a reader (or
      // the checkpoint's freeze) caught between the two sees an empty file, on Linux too.
      c.process.args = ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'];
    });
    expect(runc(root, ['run', '--detach', '--bundle', bundle, 'ck']).status).to.equal(0);
    for (let i = 0; i < 100 && runc(root, ['exec', 'ck', 'cat', '/tmp/count']).stdout === ''; i++) sleepMs(50);
    const before = Number(runc(root, ['exec', 'ck', 'cat', '/tmp/count']).stdout);
    const image = join(dir, 'ck-image');
    const ck = runc(root, ['checkpoint', '--image-path', image, 'ck']);
    expect(ck.status, ck.stderr).to.equal(0);
    runc(root, ['delete', '--force', 'ck']);
    const restored = runc(root, ['restore', '--detach', '--image-path', image, '--bundle', bundle, 'ck2']);
    expect(restored.status, restored.stderr).to.equal(0);
    // The exec'd shell sees the restored overlay and pid 1's loop (ps), has its own pid and status.
    const exec = runc(root, ['exec', 'ck2', 'sh', '-c', 'cat /tmp/count; ps | grep -c "while :"; echo $$; exit 6']);
    expect(exec.status, exec.stderr).to.equal(6);
    const [count, loops, self] = exec.stdout.trim().split('\n').map(Number);
    expect(before).to.be.greaterThan(0);
    expect(count).to.be.at.least(before);
    expect(loops).to.be.greaterThan(0);
    expect(self).to.be.greaterThan(1);
    expect(runc(root, ['exec', 'ck2', 'nonexistent']).stderr).to.include('executable file not found in $PATH');
    expect(runc(root, ['delete', '--force', 'ck2']).status).to.equal(0);
  });

  /** The console receiver (an engine's shim for --console-socket), built once; undefined (the test skips) without a compiler. */
  let receiver: string | undefined;
  function consoleShim(ctx: Mocha.Context, name: string, rows = 33, cols = 77, typed?: string): { socket: string; output: () => string; ended: Promise<unknown> } {
    if (receiver === undefined) {
      const built = join(dir, 'console_receiver');
      const cc = spawnSync('cc', ['-O1', '-o', built, join(REPO_ROOT, 'test', 'support', 'console_receiver.c')], { encoding: 'utf8' });
      if (cc.error || cc.status !== 0) {
        console.log(`      skipped: cannot build the console receiver (${cc.error?.message ?? cc.stderr})`);
        ctx.skip();
      }
      receiver = built;
    }
    const socket = join(dir, `${name}.sock`);
    const shim = spawn(receiver, [socket, String(rows), String(cols), ...(typed === undefined ? [] : [typed])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    shim.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const ended = new Promise((resolve) => shim.on('exit', resolve));
    for (let i = 0; i < 100 && !existsSync(socket); i++) sleepMs(20);
    return { socket, output: () => output, ended };
  }

  it('--console-socket: pid 1\'s terminal is /dev/pts/0 of config.json\'s consoleSize; a resize of the master is SIGWINCH with the new size', async function () {
    const shim = consoleShim(this, 'console');
    const bundle = makeBundle(join(dir, 'tty'), rootfs, (c) => {
      c.process.terminal = true;
      c.process.consoleSize = { height: 20, width: 60 };
      c.process.args = ['sh', '-c', `tty; stty size; trap 'echo WINCH $(stty size); exit 3' WINCH; echo resize-me; while :; do sleep 0.1; done`];
    });
    const created = runc(root, ['create', '--console-socket', shim.socket, '--bundle', bundle, 'tty']);
    expect(created.status, created.stderr).to.equal(0);
    expect(runc(root, ['start', 'tty']).status).to.equal(0);
    await shim.ended;
    expect(shim.output()).to.equal('/dev/pts/0\r\n20 60\r\nresize-me\r\nWINCH 33 77\r\n');
    expect(JSON.parse(runc(root, ['state', 'tty']).stdout)).to.include({ status: 'stopped' });
    expect(runc(root, ['delete', 'tty']).status).to.equal(0);
  });

  it('/dev/console is the terminal\'s slave, as runc binds it (the device and attributes of /dev/pts/0); without a terminal there is none', async function () {
    const shim = consoleShim(this, 'cons');
    const show = 'stat -c "%t:%T %i %a %u %g %d" /dev/console /dev/pts/0; ls /dev | grep -c "^console$"; echo written > /dev/console; exec 3</dev/console; readlink /proc/self/fd/3';
    const bundle = makeBundle(join(dir, 'cons'), rootfs, (c) => {
      c.process.terminal = true;
      c.process.args = ['sh', '-c', show];
    });
    const created = runc(root, ['create', '--console-socket', shim.socket, '--bundle', bundle, 'cons']);
    expect(created.status, created.stderr).to.equal(0);
    expect(runc(root, ['start', 'cons']).status).to.equal(0);
    await shim.ended;
    const [consoleStat, ptsStat, listed, written, opened] = shim.output().split('\r\n');
    expect(consoleStat).to.match(/^88:0 \d+ 620 0 5 \d+$/);
    expect([ptsStat, listed, written, opened]).to.deep.equal([consoleStat, '1', 'written', '/dev/console']);
    expect(runc(root, ['delete', 'cons']).status).to.equal(0);
    const plain = makeBundle(join(dir, 'nocons'), rootfs, (c) => {
      c.process.args = ['sh', '-c', 'ls /dev | grep -c "^console$"; cat /dev/console'];
    });
    const r = runc(root, ['run', '--bundle', plain, 'nocons']);
    expect([r.stdout, r.stderr]).to.deep.equal(['0\n', 'cat: can\'t open \'/dev/console\': No such file or directory\n']);
  });

  it('restore --console-socket gives a container that had a terminal a new one: its pty keeps its size, output, input and resizes go through', async function () {
    const first = consoleShim(this, 'rtty-a');
    const bundle = makeBundle(join(dir, 'rtty'), rootfs, (c) => {
      c.process.terminal = true;
      c.process.consoleSize = { height: 20, width: 60 };
      c.process.args = ['sh', '-c', `trap 'echo WINCH $(stty size); exit 3' WINCH; echo before; while :; do sleep 0.05; [ -f /tmp/go ] && { tty; stty size; echo resize-me; read line; echo "got $line"; rm /tmp/go; }; done`];
    });
    expect(runc(root, ['create', '--console-socket', first.socket, '--bundle', bundle, 'rtty']).status).to.equal(0);
    expect(runc(root, ['start', 'rtty']).status).to.equal(0);
    for (let i = 0; i < 100 && !first.output().includes('before'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const image = join(dir, 'rtty-image');
    const ck = runc(root, ['checkpoint', '--image-path', image, 'rtty']);
    expect(ck.status, ck.stderr).to.equal(0);
    await first.ended;
    expect(first.output()).to.equal('before\r\n');
    expect(runc(root, ['delete', '--force', 'rtty']).status).to.equal(0);
    // As runc checks process.terminal against the console socket.
    const bare = runc(root, ['restore', '--detach', '--image-path', image, '--bundle', bundle, 'rtty2'], { log: join(dir, 'rtty.log') });
    expect(bare.status).to.equal(1);
    expect(readFileSync(join(dir, 'rtty.log'), 'utf8')).to.include('cannot allocate tty if runc will detach without setting console socket');
    expect(runc(root, ['state', 'rtty2']).status).to.equal(1);
    const second = consoleShim(this, 'rtty-b', 33, 77, 'typed\n');
    const restored = runc(root, ['restore', '--detach', '--console-socket', second.socket, '--image-path', image, '--bundle', bundle, 'rtty2']);
    expect(restored.status, restored.stderr).to.equal(0);
    expect(runc(root, ['exec', 'rtty2', 'touch', '/tmp/go']).status).to.equal(0);
    await second.ended;
    // The line typed at once is echoed by the sandbox's line discipline when it arrives, and read after the resize marker.
    const lines = second.output().split('\r\n');
    expect(lines.filter((l) => l !== 'typed')).to.deep.equal(['/dev/pts/0', '20 60', 'resize-me', 'got typed', 'WINCH 33 77', '']);
    expect(lines.filter((l) => l === 'typed')).to.have.length(1);
    expect(JSON.parse(runc(root, ['state', 'rtty2']).stdout)).to.include({ status: 'stopped' });
    expect(runc(root, ['delete', 'rtty2']).status).to.equal(0);
  });

  it('restore refuses a console socket for a container that had no terminal, or in the foreground, as runc does', function () {
    const bundle = makeBundle(join(dir, 'rplain'), rootfs, (c) => {
      c.process.args = ['sh', '-c', 'while :; do sleep 0.05; done'];
    });
    expect(runc(root, ['run', '--detach', '--bundle', bundle, 'rplain']).status).to.equal(0);
    const image = join(dir, 'rplain-image');
    expect(runc(root, ['checkpoint', '--image-path', image, 'rplain']).status).to.equal(0);
    expect(runc(root, ['delete', '--force', 'rplain']).status).to.equal(0);
    const shim = consoleShim(this, 'rplain');
    const log = join(dir, 'rplain.log');
    const withSocket = runc(root, ['restore', '--detach', '--console-socket', shim.socket, '--image-path', image, '--bundle', bundle, 'rplain2'], { log });
    expect(withSocket.status).to.equal(1);
    const foreground = runc(root, ['restore', '--console-socket', shim.socket, '--image-path', image, '--bundle', bundle, 'rplain3'], { log });
    expect(foreground.status).to.equal(1);
    const messages = readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).to.deep.equal(['cannot use console socket if runc will not detach or allocate tty', 'cannot use console socket if runc will not detach or allocate tty']);
    expect(runc(root, ['list', '--format', 'json']).stdout.trim()).to.equal('null');
  });
});
