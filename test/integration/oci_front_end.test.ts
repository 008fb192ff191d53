// The native front-end (bin/tsvisor-runc) against the node runtime it stands in for: the
// requests it sends are the control protocol's (checked by the protocol's own schema, in a
// ControlServer), its `state` is node's byte for byte, its delete cleans what node's does.
// It runs with a PATH without node, so that a command handed to node would fail (127): what
// passes here is the front-end's own work.
import { expect } from 'chai';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CAP_NAMES } from '../../src/kernel/task/capabilities.js';
import { capabilitySetsOf } from '../../src/oci/process_capabilities.js';
import type { ControlReply, ControlRequest } from '../../src/sandbox/control_protocol.js';
import { ControlServer } from '../../src/sandbox/control_server.js';
import { processStartTime, Registry } from '../../src/sandbox/registry.js';
import { RUNC_BIN, RUNC_NODE } from '../support/oci.js';
import { REPO_ROOT } from '../support/programs.js';

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** The front-end alone: no node on its PATH. */
function frontEnd(root: string, args: string[], log?: string): Promise<Outcome> {
  const globals = ['--root', root, ...(log ? ['--log', log, '--log-format', 'json'] : [])];
  return new Promise((resolve) => {
    execFile(RUNC_BIN, [...globals, ...args], { env: { PATH: '/nonexistent' } }, (err, stdout, stderr) => {
      const code = err && typeof err.code === 'number' ? err.code : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

describe('OCI runtime front-end (bin/tsvisor-runc) and the node runtime agree', function () {
  this.timeout(60_000);
  let dir: string;
  let root: string;
  let server: ControlServer | undefined;
  let requests: ControlRequest[];
  let answer: ControlReply;

  /** A container record as the sandbox process writes it (its pid: a live process, or a gone one). */
  function writeRecord(id: string, fields: Record<string, unknown>): void {
    mkdirSync(join(root, '.oci', id), { recursive: true });
    const pid = globalThis.process.pid;
    const record = {
      id, bundle: '/b/ün "quoted"', rootfs: '/b/rootfs\ttab', pid, startTime: processStartTime(pid), created: '2026-01-01T00:00:00.000Z',
      status: 'created', annotations: {}, owner: '', ...fields,
    };
    writeFileSync(join(root, '.oci', id, 'container.json'), JSON.stringify(record) + '\n');
  }

  async function listen(id: string): Promise<void> {
    new Registry(root).register(id, ['sh']);
    server = await ControlServer.listen(new Registry(root).socketOf(id), async (request, reply) => {
      requests.push(request);
      reply(answer);
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-front-end-'));
    root = join(dir, 'state');
    requests = [];
    answer = { type: 'done', message: 'ok' };
  });

  afterEach(() => {
    server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands what it does not take on to node (without node: 127)', async () => {
    const r = await frontEnd(root, ['list']);
    expect(r.status).to.equal(127);
    expect(r.stderr).to.match(/cannot run node/);
  });

  it('sends start, kill, pause and resume as the protocol defines them', async () => {
    writeRecord('c1', { status: 'created' });
    await listen('c1');
    expect((await frontEnd(root, ['start', 'c1'])).status).to.equal(0);
    expect((await frontEnd(root, ['kill', 'c1'])).status).to.equal(0);
    expect((await frontEnd(root, ['kill', '--all', 'c1', 'sigusr1'])).status).to.equal(0);
    expect((await frontEnd(root, ['kill', 'c1', '9'])).status).to.equal(0);
    writeRecord('c1', { status: 'running' });
    expect((await frontEnd(root, ['pause', 'c1'])).status).to.equal(0);
    writeRecord('c1', { status: 'paused' });
    expect((await frontEnd(root, ['resume', 'c1'])).status).to.equal(0);
    // ControlServer parsed each with controlRequestSchema(): a request off the protocol never reaches here.
    expect(requests).to.deep.equal([
      { op: 'start' },
      { op: 'kill', signal: 15, all: false },
      { op: 'kill', signal: 10, all: true },
      { op: 'kill', signal: 9, all: false },
      { op: 'pause' },
      { op: 'resume' },
    ]);
  });

  it('reports an error reply as node does: the log\'s JSON line and stderr, status 1', async () => {
    writeRecord('c2', { status: 'running' });
    await listen('c2');
    answer = { type: 'error', message: 'container already paused' };
    const log = join(dir, 'log.json');
    const r = await frontEnd(root, ['pause', 'c2'], log);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.equal('container already paused\n');
    const last = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').pop()!) as Record<string, unknown>;
    expect(last).to.include({ level: 'error', msg: 'container already paused' });
    expect(last.time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('prints the state node prints, byte for byte (escapes, annotations, a stopped container)', async () => {
    writeRecord('s1', { annotations: { 'org.example': 'yes', 'ünï': 'a\nb\u0001"\\', empty: '' } });
    const gone = spawnSync('true').pid!;
    writeRecord('s2', { pid: gone, startTime: '1', status: 'running' });
    for (const id of ['s1', 's2']) {
      const native = await frontEnd(root, ['state', id]);
      const node = spawnSync(globalThis.process.execPath, [RUNC_NODE, '--root', root, 'state', id], { encoding: 'utf8' });
      expect(native.status, native.stderr).to.equal(0);
      expect(native.stdout).to.equal(node.stdout);
    }
    expect(JSON.parse((await frontEnd(root, ['state', 's2'])).stdout)).to.include({ status: 'stopped', pid: 0 });
  });

  it('delete of a stopped container removes its record and its stale sandbox entry; --force of none is 0', async () => {
    const gone = spawnSync('true').pid!;
    writeRecord('d1', { pid: gone, startTime: '1', status: 'running' });
    mkdirSync(join(root, 'd1'), { recursive: true });
    writeFileSync(join(root, 'd1', 'sandbox.json'), JSON.stringify({ id: 'd1', pid: gone, startTime: '1', command: ['sh'], created: '', status: 'running' }));
    expect((await frontEnd(root, ['delete', 'd1'])).status).to.equal(0);
    expect(existsSync(join(root, '.oci', 'd1'))).to.equal(false);
    expect(existsSync(join(root, 'd1'))).to.equal(false);
    expect((await frontEnd(root, ['delete', '--force', 'nothing'])).status).to.equal(0);
  });
  it('exec --process --detach: its waiter is a fork of the front-end; the request is the protocol\'s, caps as node maps them; the pid file\'s process passes signals on and exits with the process\'s status, as a subreaper shim sees it', async function () {
    const shim = join(dir, 'subreaper_shim');
    const cc = spawnSync('cc', ['-O1', '-o', shim, join(REPO_ROOT, 'test', 'support', 'subreaper_shim.c')], { encoding: 'utf8' });
    if (cc.error || cc.status !== 0) {
      console.log(`      skipped: cannot build the subreaper shim (${cc.error?.message ?? cc.stderr})`);
      this.skip();
    }
    writeRecord('e1', { status: 'running' });
    new Registry(root).register('e1', ['sh']);
    let signalled: () => void = () => {};
    const signal = new Promise<void>((resolve) => (signalled = resolve));
    let requester = 0;
    server = await ControlServer.listen(new Registry(root).socketOf('e1'), async (request, reply) => {
      requests.push(request);
      if (request.op === 'signal') {
        signalled();
        reply({ type: 'done', message: 'signalled' });
        return;
      }
      if (request.op !== 'exec') return;
      // The sandbox opens the requester's stdio through /proc: the waiter itself.
      requester = request.stdioFrom;
      expect(existsSync(`/proc/${requester}/fd/1`)).to.equal(true);
      reply({ type: 'started', pid: 12 });
      await signal;
      reply({ type: 'exited', waitStatus: 7 << 8 });
    });
    const capabilities = {
      // Every name the kernel knows (the front-end keeps its own copy of the table), each once.
      bounding: CAP_NAMES.map((name) => `CAP_${name}`), effective: ['CAP_KILL', 'CAP_SYS_ADMIN'], permitted: ['CAP_KILL', 'CHOWN', 'CAP_CHOWN'],
      inheritable: ['CAP_KILL'], ambient: ['CAP_KILL', 'CAP_CHOWN', 'CAP_NOT_ONE'],
    };
    const processFile = join(dir, 'process.json');
    writeFileSync(processFile, JSON.stringify({
      terminal: false, user: { uid: 1000, gid: 100, additionalGids: [5, 6] }, args: ['sh', '-c', 'ünï "x"\n'], env: ['A=1', 'PATH=/bin'],
      cwd: '/tmp', capabilities, noNewPrivileges: true, rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }], extra: { kept: true },
    }));
    const pidFile = join(dir, 'exec.pid');
    const out = join(dir, 'exec.out');
    const child = spawn(shim, [pidFile, out, RUNC_BIN, '--root', root, 'exec', '--process', processFile, '--detach', '--pid-file', pidFile, 'e1'], {
      stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: '/nonexistent' },
    });
    let report = '';
    child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
    const ended = new Promise((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 500 && !report.includes('runtime'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(report).to.equal('runtime exited 0\n');
    const waiter = Number(readFileSync(pidFile, 'utf8'));
    expect(waiter).to.equal(requester);
    globalThis.process.kill(waiter, 'SIGTERM');
    await ended;
    expect(report).to.equal('runtime exited 0\npid file\'s process exited 7\nall reaped\n');
    expect(requests).to.deep.equal([
      {
        op: 'exec', args: ['sh', '-c', 'ünï "x"\n'], env: ['A=1', 'PATH=/bin'], cwd: '/tmp', uid: 1000, gid: 100, groups: [5, 6],
        caps: capabilitySetsOf(capabilities), noNewPrivs: true, stdioFrom: waiter,
      },
      { op: 'signal', pid: 12, signal: 15 },
    ]);
  });

  it('exec: a process the sandbox refuses is status 1 with the error in the log; without --detach the front-end waits itself; what it does not take on goes to node', async () => {
    writeRecord('e2', { status: 'running' });
    await listen('e2');
    const processFile = join(dir, 'process.json');
    writeFileSync(processFile, JSON.stringify({ user: { uid: 0, gid: 0 }, args: ['nope'], cwd: '/' }));
    answer = { type: 'error', message: 'exec: "nope": executable file not found in $PATH' };
    const log = join(dir, 'log.json');
    const pidFile = join(dir, 'e2.pid');
    const refused = await frontEnd(root, ['exec', '--process', processFile, '--detach', '--pid-file', pidFile, 'e2'], log);
    expect([refused.status, refused.stderr, existsSync(pidFile)]).to.deep.equal([1, '', false]);
    expect(JSON.parse(readFileSync(log, 'utf8').trim().split('\n').pop()!)).to.include({ level: 'error', msg: answer.message });
    answer = { type: 'exited', waitStatus: 3 << 8 };
    expect((await frontEnd(root, ['exec', '--process', processFile, 'e2'])).status).to.equal(3);
    answer = { type: 'exited', waitStatus: 9 };
    expect((await frontEnd(root, ['exec', '-p', processFile, 'e2'])).status).to.equal(128 + 9);
    expect(requests.map((r) => r.op)).to.deep.equal(['exec', 'exec', 'exec']);
    // node's to word: a file the schema refuses, a command line, a paused container.
    writeFileSync(processFile, JSON.stringify({ user: { uid: 0, gid: 0 }, args: [], cwd: '/' }));
    expect((await frontEnd(root, ['exec', '--process', processFile, 'e2'])).status).to.equal(127);
    expect((await frontEnd(root, ['exec', 'e2', 'echo', 'hi'])).status).to.equal(127);
    writeRecord('e2', { status: 'paused' });
    writeFileSync(processFile, JSON.stringify({ user: { uid: 0, gid: 0 }, args: ['true'], cwd: '/' }));
    expect((await frontEnd(root, ['exec', '--process', processFile, 'e2'])).status).to.equal(127);
    expect(requests).to.have.length(3);
  });
});
