// tsvisor as an OCI runtime: runc's command line (global flags, then the command), as
// containerd's shim and Docker call it. Errors go to --log (the engines show the last line's
// msg) and, except where stderr belongs to the container, to stderr; the exit code is 1.
import fs from 'node:fs';

import { VERSION } from '../version.js';
import { READY_FD } from './ready_fd.js';
import { OciError } from './oci_error.js';
import { OciLog, type LogSettings } from './oci_log.js';
import type { ExecRequest } from './exec_waiter.js';
import type { RestoreLaunch } from './restored_sandbox.js';
import type { SandboxLaunch } from './sandbox_process.js';
import { parseRuntimeOptions } from './runtime_options.js';
import { OCI_SPEC_VERSION } from './spec_version.js';

const USAGE = `usage: tsvisor-runc [global options] COMMAND [options] ID

An OCI runtime (runc's command line) whose containers run in tsvisor sandboxes.

commands:
  create [--bundle DIR] [--pid-file F] [--console-socket S] ID
  start ID                 run the created container's program
  state ID                 its OCI state (JSON)
  kill [--all] ID [SIGNAL] (default SIGTERM; names or numbers)
  delete [--force] ID
  list [--format table|json] [--quiet]
  ps [--format table|json] ID
  exec [--process FILE] [--detach] [--pid-file F] [--tty] [--console-socket S] ID [CMD...]
  pause ID / resume ID     freeze and thaw every thread
  run [--bundle DIR] [--detach] [--pid-file F] ID
  spec [--bundle DIR]      write a default config.json
  events [--stats] [--interval 5s] ID
  checkpoint --image-path DIR [--leave-running] ID
  restore --image-path DIR [--bundle DIR] [--detach] [--pid-file F] ID

global options:
  --root DIR               state directory (default /run/tsvisor)
  --log FILE               where messages go (default stderr)
  --log-format text|json
  --debug
  --systemd-cgroup         accepted (tsvisor uses no cgroups)
  --version, -v`;

/** Commands during which stderr is the container's: errors then go only to the log. */
const QUIET_ON_STDERR = new Set(['create', 'run', 'exec', 'restore']);

function version(): string {
  return `tsvisor version ${VERSION}\ncommit: none\nspec: ${OCI_SPEC_VERSION}\nnode: ${globalThis.process.version}\n`;
}

/** What the runtime command hands a detached child (see detached_spawn.ts). */
interface InternalPayload {
  log?: LogSettings;
  launch?: SandboxLaunch | RestoreLaunch;
  socketPath?: string;
  request?: ExecRequest;
}

/** The detached children: a sandbox process, an exec waiter, a restored sandbox. */
async function internalCommand(command: string, payloadText: string): Promise<number> {
  const payload = JSON.parse(payloadText) as InternalPayload;
  const ready = (error?: OciError) => {
    try {
      fs.writeSync(READY_FD, JSON.stringify(error ? { error: error.message, exitCode: error.exitCode } : { ok: true }) + '\n');
      fs.closeSync(READY_FD);
    } catch {
      // the runtime command is gone: nobody to tell
    }
  };
  const log = OciLog.from(payload.log ?? { format: 'json', debug: false });
  globalThis.process.on('uncaughtException', (err) => {
    log.error(`internal error: ${err.message}`);
    globalThis.process.exit(125);
  });
  switch (command) {
    case '__oci-sandbox':
      return (await import('./sandbox_process.js')).runSandboxProcess(payload.launch as SandboxLaunch, log, ready);
    case '__oci-restore':
      return (await import('./restored_sandbox.js')).runRestoredSandbox(payload.launch as RestoreLaunch, log, ready);
    default:
      return (await import('./exec_waiter.js')).runExecWaiter(payload.socketPath!, payload.request!, ready);
  }
}

export async function ociMain(argv: readonly string[]): Promise<number> {
  let log = new OciLog(undefined, 'text', false);
  let command: string | undefined;
  try {
    const { options, rest } = parseRuntimeOptions(argv);
    log = options.log;
    const [cmd, ...args] = rest;
    command = cmd;
    if (cmd?.startsWith('__oci-')) return await internalCommand(cmd, args[0] ?? '{}');
    // Not the detached children's: its control client would load node:net at their start-up.
    const { RuntimeContext } = await import('./runtime_context.js');
    const ctx = new RuntimeContext(options);
    log.debug(`${cmd ?? ''} ${args.join(' ')}`);
    switch (cmd) {
      case 'create':
        return await (await import('./commands/create.js')).createCommand(ctx, args);
      case 'run':
        return await (await import('./commands/run.js')).runCommand(ctx, args);
      case 'start':
        return await (await import('./commands/lifecycle.js')).startCommand(ctx, args);
      case 'state':
        return (await import('./commands/lifecycle.js')).stateCommand(ctx, args);
      case 'pause':
      case 'resume':
        return await (await import('./commands/lifecycle.js')).pauseCommand(ctx, args, cmd);
      case 'kill':
        return await (await import('./commands/kill.js')).killCommand(ctx, args);
      case 'delete':
        return await (await import('./commands/delete.js')).deleteCommand(ctx, args);
      case 'list':
        return (await import('./commands/list.js')).listCommand(ctx, args);
      case 'ps':
        return await (await import('./commands/ps.js')).psCommand(ctx, args);
      case 'exec':
        return await (await import('./commands/exec.js')).execCommand(ctx, args);
      case 'spec':
        return (await import('./commands/spec.js')).specCommand(ctx, args);
      case 'events':
        return await (await import('./commands/events.js')).eventsCommand(ctx, args);
      case 'checkpoint':
        return await (await import('./commands/checkpoint.js')).checkpointCommand(ctx, args);
      case 'restore':
        return await (await import('./commands/checkpoint.js')).restoreCommand(ctx, args);
      case 'update':
        throw new OciError('update is not supported by tsvisor: the sandbox limits are fixed at create');
      case '--version':
      case '-v':
      case 'version':
        fs.writeSync(1, version());
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        fs.writeSync(cmd === undefined ? 2 : 1, USAGE + '\n');
        return cmd === undefined ? 1 : 0;
      default:
        throw new OciError(`No help topic for '${cmd}'`);
    }
  } catch (err) {
    const error = err instanceof OciError ? err : new OciError((err as Error).message);
    log.error(error.message);
    if (log.toFile && !QUIET_ON_STDERR.has(command ?? '')) fs.writeSync(2, error.message + '\n');
    return error.exitCode;
  }
}
