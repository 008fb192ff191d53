// `tsvisor run [options] -- CMD [ARGS...]`: its options, parsed and checked.
import { hostPathArg } from '../byte_string.js';
import { exactCwd } from './exact_arguments.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CliError } from './errors.js';
import { KERNEL_TMPFS_DEFAULTS, parseTmpfsOptionString, TmpfsOptionError, type TmpfsMount } from '../kernel/vfs/tmpfs_options.js';

export interface RunOptions {
  rootfs: string;
  cwd: string;
  /** The program's environment. */
  env: string[];
  strace: boolean;
  command: string[];
  limits: SandboxLimits;
  hostname: string;
  /** --record FILE: where the trace goes. */
  record?: string;
  /** --name ID: registered under the state root, reachable by tsvisor checkpoint. */
  name?: string;
  /** --mount HOSTDIR:SANDBOXDIR[:ro|:rw]: host directories shown at sandbox paths (read-only lower layers, or written through with rw). */
  mounts: Array<{ host: string; sandbox: string; rw: boolean }>;
  /** --tmpfs PATH[:OPTIONS]: empty in-memory filesystems mounted at sandbox paths. */
  tmpfs: TmpfsMount[];
  /** --user UID:GID: the program's user and group inside the sandbox (default root, 0:0). */
  user: { uid: number; gid: number };
}

export interface SandboxLimits {
  /** Tasks (threads and processes) the sandbox may hold at once. */
  pids: number;
  /** Address space of each process in bytes (like ulimit -v), or null for none. */
  memory: number | null;
  /** Open files per process (RLIMIT_NOFILE, soft and hard). */
  fds: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { pids: 1024, memory: null, fds: 1024 };

/** "512m", "2G", "1048576" -> bytes. */
function parseBytes(text: string, option: string): number {
  const m = /^(\d+)([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new CliError(`${option} wants a size like 512m or 2g, got '${text}'`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * scale;
}

/** HOSTDIR:SANDBOXDIR[:ro|:rw] -> the host directory (checked) and the sandbox path. */
function parseMount(spec: string): { host: string; sandbox: string; rw: boolean } {
  const parts = spec.split(':');
  const mode = parts.length === 3 ? parts[2] : 'ro';
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) throw new CliError(`--mount wants HOSTDIR:SANDBOXDIR[:ro|:rw], got '${spec}'`);
  if (mode !== 'ro' && mode !== 'rw') throw new CliError(`--mount ${spec}: the mode is ro or rw, not '${mode}'`);
  const host = path.resolve(exactCwd(), parts[0]);
  let st: fs.Stats;
  try {
    st = fs.statSync(hostPathArg(host));
  } catch {
    throw new CliError(`--mount ${spec}: ${parts[0]}: no such directory`);
  }
  if (!st.isDirectory()) throw new CliError(`--mount ${spec}: ${parts[0]} is not a directory`);
  if (!parts[1].startsWith('/')) throw new CliError(`--mount ${spec}: the sandbox path must be absolute`);
  const sandbox = path.posix.normalize(parts[1]);
  if (sandbox === '/' || /^\/(proc|dev|sys)(\/|$)/.test(sandbox)) throw new CliError(`--mount ${spec}: cannot mount over ${sandbox}`);
  return { host, sandbox, rw: mode === 'rw' };
}

/**
 * --tmpfs PATH[:OPTIONS]: an absolute sandbox path, not the root nor in /proc, /dev or /sys, and
 * Docker's --tmpfs options (size=64m,noexec,mode=755...) over the defaults (nosuid, nodev, mode 1777).
 */
function parseTmpfs(spec: string): TmpfsMount {
  const colon = spec.indexOf(':');
  const where = colon < 0 ? spec : spec.slice(0, colon);
  if (!where.startsWith('/')) throw new CliError(`--tmpfs ${spec}: the sandbox path must be absolute`);
  const at = path.posix.normalize(where).replace(/(.)\/$/, '$1');
  if (at === '/' || /^\/(proc|dev|sys)(\/|$)/.test(at)) throw new CliError(`--tmpfs ${spec}: cannot mount over ${at}`);
  try {
    return { path: at, options: parseTmpfsOptionString(KERNEL_TMPFS_DEFAULTS, colon < 0 ? '' : spec.slice(colon + 1)) };
  } catch (err) {
    if (err instanceof TmpfsOptionError) throw new CliError(`--tmpfs ${spec}: ${err.message}`);
    throw err;
  }
}

/** UID:GID, two numbers (ids of the sandbox, which need not exist in its /etc/passwd). */
function parseUser(spec: string): { uid: number; gid: number } {
  const m = /^(\d+):(\d+)$/.exec(spec);
  const [uid, gid] = m ? [Number(m[1]), Number(m[2])] : [-1, -1];
  // 2^32-1 is (uid_t)-1: "no change" for the set*id calls, never an id.
  if (!m || uid >= 0xffffffff || gid >= 0xffffffff) throw new CliError(`--user wants UID:GID (numbers), got '${spec}'`);
  return { uid, gid };
}

function parseCount(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CliError(`${option} wants a positive number, got '${text}'`);
  return Number(text);
}

export const RUN_USAGE = `usage: tsvisor run [options] -- CMD [ARGS...]

Runs CMD in a new sandbox, with tsvisor's stdio, and exits with its status
(128+N when a signal N killed it).

options:
  --rootfs DIR   the sandbox's root, read-only (default: /)
  --cwd DIR      the working directory inside the sandbox
                 (default: the current directory when the root is /, else /)
  --env K=V      set a variable (repeatable); the program otherwise gets
                 tsvisor's own environment
  --strace       print one line per syscall on stderr
  --user UID:GID run the program as this user and group (no supplementary
                 groups) instead of the sandbox's root
  --mount HOSTDIR:SANDBOXDIR[:ro|:rw]
                 show a host directory at SANDBOXDIR (repeatable); like the root, it
                 is a read-only lower layer: the sandbox's changes stay in its overlay;
                 with :rw the changes are made in HOSTDIR itself (files created
                 there belong to the user running tsvisor)
  --tmpfs PATH[:OPTIONS]
                 mount an empty in-memory filesystem at PATH (repeatable); PATH
                 need not exist in the root, its parent must. OPTIONS as Docker's
                 --tmpfs and mount -t tmpfs take them, comma-separated:
                 size=64m (k/m/g or % of RAM), nr_inodes=N, mode=755, uid=N,
                 gid=N, ro, noexec, nosuid/suid, nodev/dev, noatime...
                 (default: nosuid,nodev,mode=1777, size half of RAM)
  --name ID      register the sandbox as ID (under the state root, see
                 tsvisor --root), so that tsvisor list shows it and
                 tsvisor checkpoint can save it
  --record FILE  record the run (every syscall and kernel event) to a trace
                 file, for tsvisor trace show / stats and tsvisor replay
  --hostname NAME      the sandbox's host name (default: the host's, as a new UTS namespace starts)
  --pids-limit N       tasks (processes and threads) at once (default: 1024);
                       fork and clone beyond it fail with EAGAIN
  --memory BYTES       address space of each process, like ulimit -v (512m, 2g);
                       allocations beyond it fail with ENOMEM
  --fds-limit N        open files per process (default: 1024); beyond: EMFILE
  -h, --help     this text`;

function takeValue(args: string[], i: number, name: string): string {
  const v = args[i + 1];
  if (v === undefined) throw new CliError(`${name} needs a value`);
  return v;
}

export function parseRunOptions(args: string[], environ: NodeJS.ProcessEnv): RunOptions | 'help' {
  let rootfs = '/';
  let cwd: string | undefined;
  let strace = false;
  // A new UTS namespace starts with its creator's name (runsc do's too): programs resolve it
  // through the host's /etc/hosts, which the sandbox sees.
  let hostname = os.hostname();
  let record: string | undefined;
  let sandboxName: string | undefined;
  let user = { uid: 0, gid: 0 };
  const mounts: Array<{ host: string; sandbox: string; rw: boolean }> = [];
  const tmpfs: TmpfsMount[] = [];
  const limits: SandboxLimits = { ...DEFAULT_LIMITS };
  const sets: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-h' || a === '--help') return 'help';
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      return takeValue(args, i++, name);
    };
    switch (name) {
      case '--rootfs':
        rootfs = value();
        break;
      case '--cwd':
        cwd = value();
        break;
      case '--env': {
        const kv = value();
        if (!kv.includes('=')) throw new CliError(`--env wants K=V, got '${kv}'`);
        sets.push(kv);
        break;
      }
      case '--strace':
        strace = true;
        break;
      case '--user':
        user = parseUser(value());
        break;
      case '--record':
        record = value();
        break;
      case '--name':
        sandboxName = value();
        break;
      case '--mount':
        mounts.push(parseMount(value()));
        break;
      case '--tmpfs': {
        const mount = parseTmpfs(value());
        if (tmpfs.some((t) => t.path === mount.path)) throw new CliError(`--tmpfs ${mount.path} given twice`);
        tmpfs.push(mount);
        break;
      }
      case '--hostname':
        hostname = value();
        if (hostname.length === 0 || hostname.length > 64) throw new CliError('--hostname wants 1 to 64 characters');
        break;
      case '--pids-limit':
        limits.pids = parseCount(value(), name);
        break;
      case '--memory':
        limits.memory = parseBytes(value(), name);
        break;
      case '--fds-limit':
        limits.fds = parseCount(value(), name);
        break;
      default:
        if (a.startsWith('-')) throw new CliError(`unknown option ${a} (see tsvisor run --help)`);
        // The first non-option starts the command, as with `tsvisor run CMD`.
        return finish(args.slice(i));
    }
  }
  return finish(args.slice(i));

  function finish(command: string[]): RunOptions {
    if (command.length === 0) throw new CliError('no command given (usage: tsvisor run [options] -- CMD [ARGS...])');
    const root = path.resolve(exactCwd(), rootfs);
    let st: fs.Stats;
    try {
      st = fs.statSync(hostPathArg(root));
    } catch {
      throw new CliError(`--rootfs ${rootfs}: no such directory`);
    }
    if (!st.isDirectory()) throw new CliError(`--rootfs ${rootfs}: not a directory`);
    const env = Object.entries(environ)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    for (const kv of sets) {
      const key = kv.slice(0, kv.indexOf('=') + 1);
      const at = env.findIndex((e) => e.startsWith(key));
      if (at >= 0) env[at] = kv;
      else env.push(kv);
    }
    const defaultCwd = root === '/' ? exactCwd() : '/';
    return { rootfs: root, cwd: cwd ?? defaultCwd, env, strace, command, limits, hostname, mounts, tmpfs, user, ...(record === undefined ? {} : { record }), ...(sandboxName === undefined ? {} : { name: sandboxName }) };
  }
}
