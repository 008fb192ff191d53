// `tsvisor replay FILE --exec`: runs the recorded program again in a fresh sandbox, set up as
// the recording's was (argv, environment, cwd, credentials, limits, host name), with
// ExecReplaySource answering what came from outside and checking everything else.
import { Errno } from '../kernel/errno.js';
import { Kernel, type KernelLimits } from '../kernel/kernel.js';
import { ExecError, prepareExec, type PreparedExec } from '../kernel/loader/exec.js';
import { HostRoot } from '../kernel/vfs/path_walk.js';
import { PtracePlatform } from '../platform/ptrace_platform.js';
import type { TraceContents } from '../trace/trace_reader.js';
import { ExecReplaySource, type ReplayVerdict } from './exec_source.js';
import { RecordedRun, type RecordedStart } from './recorded_run.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const RLIMIT_AS = 9;
const RLIMIT_NPROC = 6;
const RLIMIT_NOFILE = 7;

export class ReplaySetupError extends Error {}

export interface ExecReplayResult {
  verdict: ReplayVerdict;
  /** pid 1's wait status in the replay. */
  waitStatus: number;
}

function limitsOf(start: RecordedStart): KernelLimits {
  const soft = (resource: number) => start.started.rlimits.find(([r]) => r === resource)?.[1];
  const memory = soft(RLIMIT_AS);
  return { pids: soft(RLIMIT_NPROC) ?? 1024, fds: soft(RLIMIT_NOFILE) ?? 1024, memory: memory === undefined || memory < 0 ? null : memory };
}

/** The first exec as `run` made it: the command looked up on the recorded PATH. */
function prepareFirst(root: HostRoot, start: RecordedStart, command: readonly string[]): PreparedExec {
  const [cmd, ...rest] = command;
  if (cmd === undefined) throw new ReplaySetupError('the trace names no command');
  const { cwd } = start.started;
  const envp = start.exec.envp;
  const searchPath = envp.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  const candidates = cmd.includes('/') ? [cmd] : searchPath.split(':').map((dir) => `${dir || '.'}/${cmd}`);
  for (const candidate of candidates) {
    let prepared: PreparedExec;
    try {
      prepared = prepareExec(root, cwd, candidate, [cmd, ...rest], envp);
    } catch (err) {
      if (err instanceof ExecError && (err.errno === Errno.ENOENT || err.errno === Errno.ENOTDIR)) continue;
      throw new ReplaySetupError(`cannot start ${cmd} again: ${(err as Error).message}`);
    }
    if (prepared.exe.path !== start.started.exe) {
      throw new ReplaySetupError(`${cmd} is ${prepared.exe.path} now, the recording ran ${start.started.exe}`);
    }
    return prepared;
  }
  throw new ReplaySetupError(`${cmd}: not found any more`);
}

export async function replayExec(trace: TraceContents, stopAt: number | undefined, warn: (message: string) => void): Promise<ExecReplayResult> {
  const recorded = new RecordedRun(trace);
  const start = recorded.start();
  if (!start) throw new ReplaySetupError('the trace does not show its first process starting');
  const root = HostRoot.fromDescription({ ...trace.header, rootfs: trace.header.rootfs ?? '/' });
  const prepared = prepareFirst(root, start, trace.header.argv);
  const kernel = new Kernel({ platform: new PtracePlatform({ trapRdtsc: true }), root, warn, limits: limitsOf(start), ...(start.hostname === undefined ? {} : { hostname: start.hostname }) });
  const source = new ExecReplaySource(kernel, recorded, stopAt, trace.header.version >= 2, trace.header.version >= 5, trace.header.version >= 6, trace.header.version >= 7);
  kernel.syscallSource = source;
  const waitStatus = await kernel.run(prepared, start.started.cwd, start.started.creds);
  return { verdict: source.result(), waitStatus };
}
