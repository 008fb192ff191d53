// The `tsvisor` command: dispatches to its subcommands.
import fs from 'node:fs';

import { displayBytes } from '../byte_string.js';
import { VERSION } from '../version.js';
import { CliError, EXIT_TSVISOR_ERROR } from './errors.js';
import { exactArguments, exactEnvironment } from './exact_arguments.js';
import { parseGlobalOptions } from './global_options.js';
import { runCommand } from './run.js';
import { OCI_ONLY_COMMANDS } from '../oci/oci_commands.js';

// The other commands are loaded when asked for: `run` starts faster without their code
// (the trace schemas, the syscall table's documentation).

const USAGE = `usage: tsvisor [--root DIR] COMMAND [options]

commands:
  run [options] -- CMD [ARGS...]   run CMD in a new sandbox (see tsvisor run --help)
  list [--json]                    the sandboxes started with run --name
  checkpoint --image DIR [--leave-running] ID
                                   save the running sandbox ID to an image
  restore --image DIR [--name ID] [--ignore-changed-files]
                                   bring a checkpointed sandbox back, in the foreground
  syscalls [--json] [--level L]    every x86-64 syscall and how tsvisor supports it
  trace show|stats FILE            read a trace recorded with run --record
  replay FILE [--to SEQ] [--state PART] [--verify]
                                   rebuild the kernel state of a recorded run
  --version                        print the version
  create, start, state, kill, delete, exec, ps, pause, resume, spec, events
                                   the OCI runtime (runc's command line; bin/tsvisor-runc
                                   also takes run, list, checkpoint and restore as runc does)

global options:
  --root DIR    where named sandboxes are registered (default: /run/tsvisor,
                or $XDG_RUNTIME_DIR/tsvisor when not root)`;

/** tsvisor as an OCI runtime (runc's command line): bin/tsvisor-runc, for the engines. */
export async function runcMain(argv: string[]): Promise<number> {
  return (await import('../oci/oci_main.js')).ociMain(argv);
}

/** Whether argv is a runc command line: runc's global flags, then a command only runc has. */
function isRuncCommandLine(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (['--root', '--log', '--log-format', '--criu'].includes(a)) i++;
    else if (!a.startsWith('-')) return OCI_ONLY_COMMANDS.has(a);
  }
  return false;
}

/** environ: the environment tsvisor was given (its launcher may hold an entry back from process.env). */
export async function main(nodeArgv: string[], nodeEnviron: NodeJS.ProcessEnv = globalThis.process.env): Promise<number> {
  const argv = exactArguments(nodeArgv);
  const environ = exactEnvironment(nodeEnviron);
  if (isRuncCommandLine(argv)) return runcMain(argv);
  try {
    const { globals, rest: args } = parseGlobalOptions(argv);
    const [command, ...rest] = args;
    switch (command) {
      case 'run':
        return await runCommand(rest, globals, environ);
      case 'list':
        return (await import('./list_command.js')).listCommand(rest, globals);
      case 'checkpoint':
        return await (await import('./checkpoint_command.js')).checkpointCommand(rest, globals);
      case 'restore':
        return await (await import('./restore_command.js')).restoreCommand(rest, globals);
      case 'syscalls':
        return (await import('./syscalls_command.js')).syscallsCommand(rest);
      case 'trace':
        return (await import('./trace_command.js')).traceCommand(rest);
      case 'replay':
        return (await import('./replay_command.js')).replayCommand(rest);
      case '--version':
      case 'version':
        fs.writeSync(1, `tsvisor version ${VERSION}\n`);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        fs.writeSync(command === undefined ? 2 : 1, USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command '${command}' (see tsvisor --help)`);
    }
  } catch (err) {
    // Output closed early (`tsvisor trace show FILE | head`): not an error of tsvisor's.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    if (err instanceof CliError) {
      fs.writeSync(2, `tsvisor: ${displayBytes(err.message)}\n`);
      return err.exitCode;
    }
    fs.writeSync(2, `tsvisor: internal error: ${displayBytes(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT_TSVISOR_ERROR;
  }
}
