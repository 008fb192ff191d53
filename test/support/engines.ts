// Private container engines for the OCI tests: a containerd and a dockerd whose state, root
// and sockets live under a temporary directory (unix sockets only), started and stopped by
// the tests. Each says why it cannot run where a binary is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
export { missingTools } from './host_tools.js';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

function waitFor(check: () => boolean, what: string, ms = 30_000): void {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what} did not come up`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

export interface Engine {
  /** Runs the engine's client with these arguments. */
  client(args: string[], opts?: { timeout?: number }): { status: number | null; stdout: string; stderr: string };
  /** The client's command line with these arguments (to run it some other way, e.g. under script(1)). */
  argv(args: string[]): string[];
  /** The engine's API socket. */
  socket: string;
  stop(): void;
}

function clientRunner(bin: string, globals: string[]) {
  return (args: string[], opts: { timeout?: number } = {}) => {
    const r = spawnSync(bin, [...globals, ...args], { encoding: 'utf8', timeout: opts.timeout ?? 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
}

function stopDaemon(child: ChildProcess): void {
  if (child.exitCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const until = Date.now() + 15_000;
  while (Date.now() < until && existsSync(`/proc/${child.pid}`) && !/\) Z /.test(readStat(child.pid))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  if (existsSync(`/proc/${child.pid}`)) child.kill('SIGKILL');
}

function readStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/** A containerd with its own root, state and sockets in dir (the CRI plugin off); ctr in namespace ns. */
export function startContainerd(dir: string, ns: string): Engine {
  const socket = join(dir, 'containerd.sock');
  writeFileSync(join(dir, 'containerd.toml'), [
    'version = 2',
    `root = "${join(dir, 'root')}"`,
    `state = "${join(dir, 'state')}"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]', `  address = "${socket}"`,
    '[ttrpc]', `  address = "${socket}.ttrpc"`,
    '[debug]', `  address = "${join(dir, 'debug.sock')}"`,
  ].join('\n') + '\n');
  const logFd = openSync(join(dir, 'containerd.log'), 'w');
  const child = spawn('containerd', ['--config', join(dir, 'containerd.toml')], { stdio: ['ignore', logFd, logFd] });
  const client = clientRunner('ctr', ['-a', socket, '-n', ns]);
  waitFor(() => existsSync(socket) && client(['version']).status === 0, 'containerd');
  return { client, argv: (args) => ['ctr', '-a', socket, '-n', ns, ...args], socket, stop: () => stopDaemon(child) };
}

/** A dockerd with its own data and exec roots and socket in dir, no bridge network, runtime tsvisor=runtime. */
export function startDockerd(dir: string, runtime: string): Engine {
  const socket = join(dir, 'docker.sock');
  const logFd = openSync(join(dir, 'dockerd.log'), 'w');
  const child = spawn('dockerd', [
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'),
    '-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip-masq=false', '--add-runtime', `tsvisor=${runtime}`,
  ], { stdio: ['ignore', logFd, logFd] });
  const client = clientRunner('docker', ['-H', `unix://${socket}`]);
  waitFor(() => existsSync(socket) && client(['version']).status === 0, 'dockerd', 60_000);
  return { client, argv: (args) => ['docker', '-H', `unix://${socket}`, ...args], socket, stop: () => stopDaemon(child) };
}

/** One request to Docker's HTTP API on its unix socket: the status code and the body. */
export function dockerApi(socket: string, method: string, path: string, body?: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
