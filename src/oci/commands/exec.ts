// runc exec [--process FILE | CMD...] [--detach] [--pid-file F] [--tty] [--console-socket S]
// [--cwd DIR] [--env K=V] [--user UID[:GID]] [--additional-gids G] ID: another process in the
// container's sandbox (same kernel, same pids). With --detach a waiter process stands for it.
import fs from 'node:fs';
import path from 'node:path';

import { loadBundleConfig, ProcessSpecSchema, describeIssue, type ProcessSpec } from '../bundle_config.js';
import { parseCommandArgs } from '../command_args.js';
import { consoleForSocket } from '../console_socket.js';
import { ContainerStore } from '../container_state.js';
import { spawnDetached, writePidFile } from '../detached_spawn.js';
import { runExecWaiter, type ExecRequest } from '../exec_waiter.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';
import { capabilitySetsOf, withAddedCapabilities } from '../process_capabilities.js';

const FLAGS = {
  process: 'string', detach: 'bool', 'pid-file': 'string', tty: 'bool', 'console-socket': 'string', cwd: 'string',
  env: 'list', user: 'string', 'additional-gids': 'list', cap: 'list', 'no-new-privs': 'bool', 'process-label': 'string',
  apparmor: 'string', 'preserve-fds': 'string', 'ignore-paused': 'bool', cgroup: 'list',
} as const;

function readProcessFile(file: string): ProcessSpec {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OciError(`${file}: ${(err as Error).message}`);
  }
  const parsed = ProcessSpecSchema.safeParse(json);
  if (!parsed.success) throw new OciError(`${file}: ${describeIssue(parsed.error.issues[0]!, 'process')}`);
  return parsed.data;
}

function uidGid(text: string): { uid: number; gid?: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(text);
  if (!m) throw new OciError(`invalid --user ${text}: a numeric UID[:GID] is needed`);
  return { uid: Number(m[1]), ...(m[2] === undefined ? {} : { gid: Number(m[2]) }) };
}

export async function execCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const p = parseCommandArgs('exec', args, FLAGS, { p: 'process', d: 'detach', t: 'tty', e: 'env', u: 'user', g: 'additional-gids', c: 'cap' });
  const [id, ...command] = p.positionals;
  if (id === undefined) throw new OciError('"exec" requires a minimum of 1 argument(s)');
  const record = ctx.store.get(id);
  const status = ContainerStore.status(record);
  if (status === 'stopped') throw new OciError('cannot exec in a stopped container');
  if (status === 'paused' && !p.bools.has('ignore-paused')) throw new OciError('cannot exec in a paused container');
  const processFile = p.strings.get('process');
  let spec: ProcessSpec;
  if (processFile !== undefined) {
    spec = readProcessFile(processFile);
  } else {
    if (command.length === 0) throw new OciError('exec args cannot be empty');
    const base = loadBundleConfig(record.bundle).process;
    const user = p.strings.has('user') ? uidGid(p.strings.get('user')!) : undefined;
    spec = {
      terminal: p.bools.has('tty'),
      user: { uid: user?.uid ?? base?.user.uid ?? 0, gid: user?.gid ?? base?.user.gid ?? 0, additionalGids: (p.lists.get('additional-gids') ?? []).map(Number) },
      args: command,
      env: [...(base?.env ?? []), ...(p.lists.get('env') ?? [])],
      cwd: p.strings.get('cwd') ?? base?.cwd ?? '/',
      ...(base?.capabilities ? { capabilities: base.capabilities } : {}),
    };
  }
  const capabilities = withAddedCapabilities(spec.capabilities, p.lists.get('cap') ?? []);
  const caps = capabilitySetsOf(capabilities);
  const detach = p.bools.has('detach');
  const socket = p.strings.get('console-socket');
  if (spec.terminal && detach && socket === undefined) throw new OciError('cannot allocate tty if runc will detach without setting console socket');
  if (!spec.terminal && socket !== undefined) throw new OciError('cannot use console socket if runc will not detach or allocate tty');
  const request: ExecRequest = {
    op: 'exec', args: spec.args, env: spec.env ?? [], cwd: spec.cwd,
    uid: spec.user.uid, gid: spec.user.gid, groups: spec.user.additionalGids ?? [],
    ...(caps ? { caps } : {}),
    ...(spec.noNewPrivileges ? { noNewPrivs: true } : {}),
    ...(spec.terminal ? { terminal: true } : {}),
  };
  const socketPath = ctx.registry.socketOf(id);
  const slave = socket === undefined ? undefined : consoleForSocket(path.resolve(socket));
  const stdio: [number, number, number] = slave === undefined ? [0, 1, 2] : [slave, slave, slave];
  if (detach) {
    const pid = await spawnDetached('__oci-exec', { socketPath, request }, stdio);
    const pidFile = p.strings.get('pid-file');
    if (pidFile !== undefined) writePidFile(path.resolve(pidFile), pid);
    return 0;
  }
  let failed: OciError | undefined;
  const code = await runExecWaiter(socketPath, request, (error) => (failed = error));
  if (failed) throw failed;
  return code;
}
