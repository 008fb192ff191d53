// `tsvisor run`: start a sandbox for one command and wait for it.
import { displayBytes } from '../byte_string.js';
import { exactCwd } from './exact_arguments.js';
import fs from 'node:fs';
import { constants } from 'node:os';

import { Errno } from '../kernel/errno.js';
import { Kernel } from '../kernel/kernel.js';
import { signalConsoleForeground } from '../kernel/syscalls/console.js';
import { ExecError, prepareExec, type PreparedExec } from '../kernel/loader/exec.js';
import type { Credentials } from '../kernel/state.js';
import { HostRoot } from '../kernel/vfs/path_walk.js';
import { TMPFS_MOUNTS } from '../kernel/vfs/tmpfs.js';
import { PlatformError, PtracePlatform } from '../platform/ptrace_platform.js';
import { VERSION } from '../version.js';
import { CliError, EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND } from './errors.js';
import type { GlobalOptions } from './global_options.js';
import { parseRunOptions, RUN_USAGE, type RunOptions } from './run_options.js';
import type { NamedSandbox } from '../sandbox/named_sandbox.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The program's user inside the sandbox (root unless --user; an unprivileged user on the host either way). */
function credentialsOf(user: { uid: number; gid: number }): Credentials {
  const { uid, gid } = user;
  return { uid, euid: uid, suid: uid, gid, egid: gid, sgid: gid, groups: [] };
}

export function warn(message: string): void {
  fs.writeSync(2, `tsvisor: ${displayBytes(message)}\n`);
}

export async function runCommand(args: string[], globals: GlobalOptions, environ: NodeJS.ProcessEnv): Promise<number> {
  const opts = parseRunOptions(args, environ);
  if (opts === 'help') {
    fs.writeSync(1, RUN_USAGE + '\n');
    return 0;
  }
  const root = new HostRoot(
    opts.rootfs,
    opts.mounts.map((m) => ({ sandbox: m.sandbox.split('/').filter((c) => c.length > 0), host: m.host, rw: m.rw })),
    [...TMPFS_MOUNTS, ...opts.tmpfs],
  );
  // A mount point the root lacks is made up, with the directories on the way to it (as
  // `docker run -v` has runc make them): the walk and the listings show them (HostRoot.bindAncestor).
  // What the root has there must be a directory.
  const bare = new HostRoot(opts.rootfs);
  for (const m of opts.mounts) {
    const at = bare.resolve('/', m.sandbox, { followFinal: false });
    if (at === -Errno.ENOTDIR || (typeof at !== 'number' && !at.stat.isDirectory())) {
      throw new CliError(`--mount ${m.host}:${m.sandbox}: ${m.sandbox} is not a directory in the sandbox's root`);
    }
  }
  // A --tmpfs mount point is made when missing (its parent must exist); what exists must be a directory.
  for (const { path: t } of opts.tmpfs) {
    const at = bare.resolve('/', t, { followFinal: false });
    const parent = bare.resolve('/', t.slice(0, t.lastIndexOf('/')) || '/', { followFinal: true });
    if (typeof at === 'number' ? typeof parent === 'number' || !parent.stat.isDirectory() : !at.stat.isDirectory()) {
      throw new CliError(`--tmpfs ${t}: must be a directory, or a new name in an existing directory, of the sandbox's root`);
    }
  }
  const cwd = sandboxCwd(root, opts);
  const prepared = prepare(root, cwd, opts);
  const kernel = new Kernel({ platform: new PtracePlatform({ trapRdtsc: opts.record !== undefined }), root, warn, limits: opts.limits, hostname: opts.hostname });
  let named: NamedSandbox | undefined;
  if (opts.name !== undefined) {
    // Loaded only for named sandboxes (the checkpoint code is not needed otherwise).
    const { NamedSandbox } = await import('../sandbox/named_sandbox.js');
    try {
      named = new NamedSandbox(globals.stateRoot, opts.name, opts.command);
      await named.serve(kernel, opts.command);
    } catch (err) {
      named?.release();
      throw new CliError(`--name ${opts.name}: ${(err as Error).message}`);
    }
  }
  // Tracing code is loaded only when asked for (faster start-up without it).
  if (opts.strace) (await import('../trace/strace_printer.js')).printStrace(kernel);
  if (opts.record !== undefined) {
    const { TraceWriter } = await import('../trace/trace_writer.js');
    try {
      new TraceWriter(opts.record, opts.command, VERSION, root.describe()).attach(kernel);
    } catch (err) {
      throw new CliError(`--record ${opts.record}: ${(err as Error).message}`);
    }
  }
  // The terminal's signals reach tsvisor alone (the sandbox has a host process group of its
  // own): they go to the foreground group of the sandbox's console. tsvisor stays up to
  // report its status. A SIGTERM/SIGHUP for tsvisor is passed on to the program.
  for (const sig of ['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGWINCH'] as const) process.on(sig, () => signalConsoleForeground(kernel, constants.signals[sig]));
  // A bug of tsvisor's outside any handler (those are caught per syscall) ends the run with
  // one line, never a stack trace; the sandbox dies with tsvisor (PTRACE_O_EXITKILL, init).
  process.on('uncaughtException', (err) => {
    warn(`internal error: ${err.message}`);
    process.exit(125);
  });
  if (process.env.TSVISOR_DEBUG) process.on('SIGUSR2', () => warn(`debug: ${kernel.debugSummary()}`));
  // The first SIGTERM/SIGHUP is passed on; a second one ends the sandbox, so that a program
  // that ignores it cannot keep tsvisor (and its processes) alive.
  let asked = 0;
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (asked++ === 0) kernel.signalInit(sig === 'SIGTERM' ? 15 : 1);
      else kernel.terminate(sig === 'SIGTERM' ? 15 : 1);
    });
  }
  let status: number;
  try {
    status = await kernel.run(prepared, cwd, credentialsOf(opts.user));
  } catch (err) {
    if (err instanceof PlatformError) throw new CliError(`cannot start the sandbox: ${err.message}`);
    throw err;
  } finally {
    named?.release();
  }
  // A checkpoint that stopped the sandbox: it lives on in the image, nothing failed.
  if (kernel.checkpointedTo !== undefined) return 0;
  return exitCodeOf(status);
}

/** A wait status as a shell reports it: the exit code, or 128+N for a signal N. */
export function exitCodeOf(waitStatus: number): number {
  const sig = waitStatus & 0x7f;
  return sig === 0 ? (waitStatus >> 8) & 0xff : 128 + sig;
}

function sandboxCwd(root: HostRoot, opts: RunOptions): string {
  const node = root.resolve('/', opts.cwd, { followFinal: true });
  if (typeof node === 'number' || !node.stat.isDirectory()) {
    // The host's cwd may not exist under another root: fall back to / as runsc does.
    if (opts.rootfs !== '/' || opts.cwd !== exactCwd()) throw new CliError(`--cwd ${opts.cwd}: no such directory in the sandbox`);
    return '/';
  }
  return node.path;
}

/** Finds CMD on the sandbox's PATH, as a shell does, and prepares its exec. */
function prepare(root: HostRoot, cwd: string, opts: RunOptions): PreparedExec {
  const [cmd, ...rest] = opts.command as [string, ...string[]];
  const envPath = opts.env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  const candidates = cmd.includes('/') ? [cmd] : envPath.split(':').map((dir) => `${dir || '.'}/${cmd}`);
  let denied: ExecError | undefined;
  for (const candidate of candidates) {
    try {
      return prepareExec(root, cwd, candidate, [cmd, ...rest], opts.env);
    } catch (err) {
      if (!(err instanceof ExecError)) throw err;
      if (err.errno === Errno.ENOENT || err.errno === Errno.ENOTDIR) {
        if (cmd.includes('/') && err.message.includes('interpreter')) throw new CliError(err.message, EXIT_NOT_FOUND);
        continue;
      }
      if (cmd.includes('/')) throw new CliError(err.message, EXIT_NOT_EXECUTABLE);
      denied ??= err;
    }
  }
  if (denied) throw new CliError(denied.message, EXIT_NOT_EXECUTABLE);
  throw new CliError(cmd.includes('/') ? `${cmd}: no such file` : `${cmd}: command not found`, EXIT_NOT_FOUND);
}
