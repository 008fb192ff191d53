// OCI runtime tests: the runtime's path, a busybox-static root filesystem, bundles, and an
// argv-logging wrapper that the engines call instead of tsvisor-runc.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runtime the engines call: the native front-end (native/runc), which runs RUNC_NODE for the rest. */
export const RUNC_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'tsvisor-runc');
/** The node runtime alone (every command). */
export const RUNC_NODE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'tsvisor-runc-node.cjs');
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p) && /statically linked/.test(spawnSync('file', [p], { encoding: 'utf8' }).stdout ?? ''));

/** Why the OCI tests cannot run here (no static busybox), or null. */
export function missingBusybox(): string | null {
  return BUSYBOX ? null : 'no statically linked busybox (apt-get install busybox-static)';
}

/** A root filesystem with busybox and its applets in /bin. */
export function makeRootfs(dir: string): void {
  for (const d of ['bin', 'etc', 'tmp', 'root', 'proc', 'dev', 'sys']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(BUSYBOX!, join(dir, 'bin', 'busybox'));
  const applets = spawnSync(BUSYBOX!, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
}

/** A bundle whose config.json is the runtime's `spec`, changed by edit. */
export function makeBundle(dir: string, rootfs: string, edit: (config: Record<string, unknown> & { process: Record<string, unknown> }) => void): string {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(RUNC_BIN, ['spec', '--bundle', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`spec failed: ${r.stderr}`);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown> & { process: Record<string, unknown> };
  config.root = { path: rootfs, readonly: false };
  config.process.terminal = false;
  edit(config);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/**
 * Runs the runtime (runc's command line) with a state root. Its output goes through files, not
 * pipes: a container created keeps the runtime's stdout and stderr (as the shim's pipes) open.
 */
export function runc(root: string, args: string[], opts: { timeout?: number; log?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const globals = ['--root', root, ...(opts.log ? ['--log', opts.log, '--log-format', 'json'] : [])];
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-runc-out-'));
  const [out, err] = [openSync(join(dir, 'out'), 'w+'), openSync(join(dir, 'err'), 'w+')];
  try {
    const r = spawnSync(RUNC_BIN, [...globals, ...args], { stdio: ['ignore', out, err], timeout: opts.timeout ?? 30_000 });
    return { status: r.status, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A wrapper that appends each invocation's argv (one line) to logFile, then runs the runtime. */
export function argvLoggingWrapper(path: string, logFile: string): string {
  writeFileSync(path, `#!/bin/sh\necho "$*" >> '${logFile}'\nexec '${RUNC_BIN}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The runtime commands an argv log shows (the word after the global flags). */
export function commandsIn(logFile: string): string[] {
  const globalsWithValue = new Set(['--root', '--log', '--log-format']);
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const words = l.split(' ');
      for (let i = 0; i < words.length; i++) {
        if (globalsWithValue.has(words[i]!)) i++;
        else if (!words[i]!.startsWith('-')) return words[i]!;
      }
      return '';
    });
}
