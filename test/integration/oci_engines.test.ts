// tsvisor-runc under real engines: a private containerd (ctr run --runc-binary) and a private
// dockerd (docker run --runtime=tsvisor), each with a busybox image built here. The argv of
// every runtime call is logged and each command checked to be one the runtime handles.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { dockerApi, missingTools, startContainerd, startDockerd, type Engine } from '../support/engines.js';
import { argvLoggingWrapper, commandsIn, makeRootfs, missingBusybox } from '../support/oci.js';
import { writeOciArchive } from '../support/oci_image.js';

const HANDLED = new Set(['create', 'start', 'state', 'kill', 'delete', 'list', 'ps', 'exec', 'pause', 'resume', 'run', 'spec', 'events', 'checkpoint', 'restore']);

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function setUp(this: Mocha.Context, tools: string[]): { dir: string; rootfs: string; wrapper: string; argvLog: string } | undefined {
  const missing = missingBusybox() ?? missingTools(tools);
  if (missing) {
    console.log(`      skipped: ${missing}`);
    this.skip();
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsv-eng-'));
  const rootfs = join(dir, 'rootfs');
  makeRootfs(rootfs);
  const argvLog = join(dir, 'argv.log');
  writeFileSync(argvLog, '');
  return { dir, rootfs, wrapper: argvLoggingWrapper(join(dir, 'tsvisor-runc'), argvLog), argvLog };
}

describe('OCI runtime under containerd (ctr run --runc-binary)', function () {
  this.timeout(180_000);
  let env: ReturnType<typeof setUp>;
  let ctr: Engine;
  const ns = `tsvisor-test-${process.pid}`;
  const image = 'localhost/tsvisor-bb:latest';

  before(function () {
    env = setUp.call(this, ['containerd', 'ctr']);
    if (!env) return;
    mkdirSync(join(env.dir, 'ctrd'));
    ctr = startContainerd(join(env.dir, 'ctrd'), ns);
    const archive = writeOciArchive(env.rootfs, env.dir, image, ['sh']);
    const imported = ctr.client(['images', 'import', archive]);
    expect(imported.status, imported.stderr).to.equal(0);
  });

  after(() => {
    if (!env) return;
    ctr?.client(['task', 'kill', '-s', 'KILL', 'sv']);
    ctr?.client(['task', 'delete', '-f', 'sv']);
    ctr?.client(['container', 'delete', 'sv']);
    ctr?.stop();
    rmSync(env.dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => ctr.client(['run', '--rm', '--runc-binary', env!.wrapper, image, ...args]);

  it('runs echo, passes stdout, stderr and the exit status; uname is tsvisor\'s kernel', () => {
    expect(run('t-echo', 'echo', 'hi')).to.include({ status: 0, stdout: 'hi\n' });
    const r = run('t-exit', 'sh', '-c', 'echo out; echo err >&2; exit 7');
    expect([r.status, r.stdout]).to.deep.equal([7, 'out\n']);
    expect(r.stderr).to.include('err\n');
    expect(run('t-uname', 'uname', '-r').stdout).to.match(/tsvisor/);
    // ctr sets no hostname: the host's, as under runc.
    const { hostname } = globalThis.process.getBuiltinModule('node:os') as typeof import('node:os');
    expect(run('t-hostname', 'hostname').stdout).to.equal(`${hostname()}\n`);
    // As under runc: the reader of /proc/self/status is running.
    expect(run('t-status', 'cat', '/proc/self/status').stdout).to.match(/^Name:\tcat\nUmask:\t0022\nState:\tR \(running\)\n/);
  });

  it('exec, ps, pause/resume and kill of a pid 1 that traps SIGTERM', () => {
    const start = ctr.client(['run', '-d', '--runc-binary', env!.wrapper, image, 'sv', 'sh', '-c', 'trap "echo term; exit 3" TERM; while :; do sleep 0.1; done']);
    expect(start.status, start.stderr).to.equal(0);
    const exec = ctr.client(['task', 'exec', '--exec-id', 'e1', 'sv', 'sh', '-c', 'echo in-exec; exit 4']);
    expect([exec.status, exec.stdout]).to.deep.equal([4, 'in-exec\n']);
    const ps = ctr.client(['task', 'ps', 'sv']);
    expect(ps.stdout.trim().split('\n').length).to.be.greaterThan(1);
    expect(ctr.client(['task', 'pause', 'sv']).status).to.equal(0);
    expect(ctr.client(['task', 'ls']).stdout).to.match(/sv\s+\d+\s+PAUSED/);
    expect(ctr.client(['task', 'resume', 'sv']).status).to.equal(0);
    expect(ctr.client(['task', 'ls']).stdout).to.match(/sv\s+\d+\s+RUNNING/);
    expect(ctr.client(['task', 'kill', '-s', 'SIGTERM', 'sv']).status).to.equal(0);
    for (let i = 0; i < 100 && !/STOPPED/.test(ctr.client(['task', 'ls']).stdout); i++) sleepMs(100);
    expect(ctr.client(['task', 'ls']).stdout).to.match(/sv\s+\d+\s+STOPPED/);
    const deleted = ctr.client(['task', 'delete', 'sv']);
    expect(deleted.stdout + deleted.stderr).to.match(/exit code 3\b/);
    ctr.client(['container', 'delete', 'sv']);
  });

  it('run -t (under script(1) for a terminal): /dev/pts/0 of the size of ctr\'s terminal, typed input reaches the shell', function () {
    if (missingTools(['script'])) this.skip();
    const { spawnSync } = globalThis.process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const command = ctr.argv(['run', '-t', '--rm', '--runc-binary', env!.wrapper, image, 't-tty', 'sh', '-c', 'tty; until [ -n "$(stty size 2>/dev/null)" ]; do sleep 0.1; done; stty size; read line; echo "got $line"']);
    const r = spawnSync('script', ['-qec', `stty rows 30 cols 90; ${command.map(quote).join(' ')}`, '/dev/null'], { input: 'typed\n', encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).to.equal(0);
    // ctr sizes the container's terminal once it started (the loop waits for it), as with runc.
    // script's own terminal adds a \r to each \r\n of the container's: compare lines.
    const lines = r.stdout.split(/\r*\n/);
    expect(lines).to.include.members(['/dev/pts/0', '30 90', 'got typed']);
  });

  it('a malformed process (relative cwd) fails through the engine with the field named', () => {
    const r = ctr.client(['run', '--rm', '--cwd', 'relative', '--runc-binary', env!.wrapper, image, 't-bad', 'true']);
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.include('process.cwd: must be an absolute path');
  });

  it('every runtime call the engine made is a command the runtime handles', () => {
    const commands = commandsIn(env!.argvLog);
    console.log(`      containerd called: ${[...new Set(commands)].join(', ')}`);
    expect(commands).to.include.members(['create', 'start', 'delete', 'exec', 'ps', 'pause', 'resume', 'kill']);
    expect(commands.filter((c) => !HANDLED.has(c))).to.deep.equal([]);
    expect(readFileSync(env!.argvLog, 'utf8')).to.match(/--log-format json create --bundle \S+ --pid-file \S+/);
  });
});

describe('OCI runtime under Docker (docker run --runtime=tsvisor)', function () {
  this.timeout(240_000);
  let env: ReturnType<typeof setUp>;
  let docker: Engine;
  let shared: string;

  before(function () {
    env = setUp.call(this, ['dockerd', 'docker']);
    if (!env) return;
    mkdirSync(join(env.dir, 'dockerd'));
    docker = startDockerd(join(env.dir, 'dockerd'), env.wrapper);
    const tar = join(env.dir, 'rootfs.tar');
    const { spawnSync } = globalThis.process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
    expect(spawnSync('tar', ['-C', env.rootfs, '-cf', tar, '.']).status).to.equal(0);
    const imported = docker.client(['import', '-c', 'CMD ["sh"]', '-c', 'ENV PATH=/bin', tar, 'tsvisor-bb:latest']);
    expect(imported.status, imported.stderr).to.equal(0);
    shared = join(env.dir, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'f.txt'), 'from the host\n');
  });

  after(() => {
    if (!env) return;
    docker?.client(['rm', '-f', 'dsv']);
    docker?.client(['rm', '-f', 'dtty']);
    docker?.stop();
    rmSync(env.dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => docker.client(['run', '--rm', '--runtime=tsvisor', ...args]);

  it('runs echo, passes stderr and exit statuses; a missing program is 127', () => {
    expect(run('tsvisor-bb', 'echo', 'hi')).to.include({ status: 0, stdout: 'hi\n' });
    const r = run('tsvisor-bb', 'sh', '-c', 'echo out; echo err >&2; exit 7');
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([7, 'out\n', 'err\n']);
    const missing = run('tsvisor-bb', 'nonexistent');
    expect(missing.status).to.equal(127);
    expect(missing.stderr).to.include('executable file not found in $PATH');
  });

  it('--init: the host\'s docker-init (bound at /sbin/docker-init, a path the image lacks, through a symlink) is pid 1 and passes SIGTERM on', function () {
    if (!existsSync('/usr/bin/docker-init')) this.skip();
    const r = run('--init', 'tsvisor-bb', 'sh', '-c', 'trap "echo term; exit 3" TERM; ps -o pid,args | grep -c "^ *1 /sbin/docker-init"; kill -TERM 1; sleep 1; echo not reached');
    expect([r.status, r.stdout], r.stderr).to.deep.equal([3, '1\nterm\n']);
  });

  it('-v binds a host directory, --read-only refuses writes, --memory and --pids-limit are enforced', () => {
    expect(run('-v', `${shared}:/w`, 'tsvisor-bb', 'sh', '-c', 'ls /w; cat /w/f.txt; echo out > /w/made').stdout).to.equal('f.txt\nfrom the host\n');
    expect(readFileSync(join(shared, 'made'), 'utf8')).to.equal('out\n');
    expect(run('-v', `${shared}:/w:ro`, 'tsvisor-bb', 'sh', '-c', 'rm /w/made; cat /w/made').stderr).to.include('Read-only file system');
    expect(readdirSync(shared).sort()).to.deep.equal(['f.txt', 'made']);
    expect(run('--read-only', 'tsvisor-bb', 'touch', '/x').stderr).to.include('Read-only file system');
    expect(run('--read-only', '--tmpfs', '/tmp', 'tsvisor-bb', 'sh', '-c', 'touch /tmp/x && echo ok').stdout).to.equal('ok\n');
    const mem = run('--memory', '32m', 'tsvisor-bb', 'sh', '-c', 'x=$(head -c 50000000 /dev/zero | tr "\\0" a); echo ${#x}');
    expect(mem.status).to.not.equal(0);
    expect(mem.stdout).to.equal('');
    const pids = run('--pids-limit', '5', 'tsvisor-bb', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait');
    expect(pids.stderr).to.include("can't fork");
  });

  it('--tmpfs /x:size=1m,noexec and --shm-size 8m: mounted with Docker\'s options (listed as on Linux), the size enforced, execve there refused', () => {
    const script = [
      'grep -E " /x | /dev/shm " /proc/mounts',
      'dd if=/dev/zero of=/x/f bs=64k count=20 2>&1 | grep -o "No space left on device"',
      'stat -c %s /x/f',
      'df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2',
      'rm /x/f; cp /bin/busybox /x/bb; /x/bb true; echo "exec: $?"',
    ].join('; ');
    const r = run('--tmpfs', '/x:size=1m,noexec', '--shm-size', '8m', 'tsvisor-bb', 'sh', '-c', script);
    expect(r.stdout, r.stderr).to.equal([
      'shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=8192k 0 0',
      'tmpfs /x tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k 0 0',
      'No space left on device',
      String(1 << 20),
      '8192',
      'exec: 126',
      '',
    ].join('\n'));
  });

  it('-t gives the container a terminal: /dev/pts/0, exec -t its own; resizes reach the foreground group with SIGWINCH', async () => {
    const r = run('-t', 'tsvisor-bb', 'sh', '-c', 'test -t 0 && test -t 1 && tty');
    expect(r.stdout).to.equal('/dev/pts/0\r\n');
    const trap = (log: string) => `trap 'echo WINCH $(stty size) >> ${log}' WINCH; echo up >> ${log}; while :; do sleep 0.1; done`;
    const d = docker.client(['run', '-d', '-t', '--name', 'dtty', '--runtime=tsvisor', 'tsvisor-bb', 'sh', '-c', trap('/tmp/run.log')]);
    expect(d.status, d.stderr).to.equal(0);
    const logOf = (file: string, lines: number) => {
      let text = '';
      for (let i = 0; i < 100; i++, sleepMs(100)) {
        text = docker.client(['exec', 'dtty', 'cat', file]).stdout;
        if (text.split('\n').length > lines) break;
      }
      return text;
    };
    expect(logOf('/tmp/run.log', 1)).to.equal('up\n');
    expect((await dockerApi(docker.socket, 'POST', '/containers/dtty/resize?h=33&w=77')).status).to.equal(200);
    expect(logOf('/tmp/run.log', 2)).to.equal('up\nWINCH 33 77\n');
    // exec -t: a terminal of its own (pid 1 has pts/0), resized through the exec's resize.
    expect(docker.client(['exec', '-t', 'dtty', 'tty']).stdout).to.equal('/dev/pts/1\r\n');
    const created = await dockerApi(docker.socket, 'POST', '/containers/dtty/exec', { Cmd: ['sh', '-c', trap('/tmp/exec.log')], Tty: true, AttachStdout: true });
    const execId = (JSON.parse(created.body) as { Id: string }).Id;
    expect((await dockerApi(docker.socket, 'POST', `/exec/${execId}/start`, { Detach: true, Tty: true })).status).to.equal(200);
    expect(logOf('/tmp/exec.log', 1)).to.equal('up\n');
    expect((await dockerApi(docker.socket, 'POST', `/exec/${execId}/resize?h=44&w=88`)).status).to.equal(200);
    expect(logOf('/tmp/exec.log', 2)).to.equal('up\nWINCH 44 88\n');
    docker.client(['rm', '-f', 'dtty']);
  });

  it('exec, top, pause/unpause, and stop of a pid 1 that traps SIGTERM', () => {
    const d = docker.client(['run', '-d', '--name', 'dsv', '--runtime=tsvisor', 'tsvisor-bb', 'sh', '-c', 'trap "echo term; exit 3" TERM; while :; do sleep 0.1; done']);
    expect(d.status, d.stderr).to.equal(0);
    const exec = docker.client(['exec', 'dsv', 'sh', '-c', 'echo in-exec; exit 5']);
    expect([exec.status, exec.stdout]).to.deep.equal([5, 'in-exec\n']);
    // docker top filters the host's ps -ef by the runtime's pids: the programs' own command lines.
    const top = docker.client(['top', 'dsv']).stdout;
    expect(top).to.include('sh -c trap "echo term; exit 3" TERM; while :; do sleep 0.1; done');
    expect(docker.client(['pause', 'dsv']).status).to.equal(0);
    expect(docker.client(['inspect', '-f', '{{.State.Status}}', 'dsv']).stdout.trim()).to.equal('paused');
    expect(docker.client(['unpause', 'dsv']).status).to.equal(0);
    const started = Date.now();
    expect(docker.client(['stop', 'dsv']).status).to.equal(0);
    expect(Date.now() - started, 'stopped by its trap, not by the SIGKILL 10 s later').to.be.below(8000);
    expect(docker.client(['inspect', '-f', '{{.State.ExitCode}}', 'dsv']).stdout.trim()).to.equal('3');
    expect(docker.client(['logs', 'dsv']).stdout).to.equal('term\n');
    docker.client(['rm', 'dsv']);
  });

  it('every runtime call the engine made is a command the runtime handles', () => {
    const commands = commandsIn(env!.argvLog);
    console.log(`      dockerd called: ${[...new Set(commands)].join(', ')}`);
    expect(commands).to.include.members(['create', 'start', 'delete', 'exec', 'ps', 'pause', 'resume', 'kill']);
    expect(commands.filter((c) => !HANDLED.has(c))).to.deep.equal([]);
  });
});
