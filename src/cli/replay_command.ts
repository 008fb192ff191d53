// `tsvisor replay FILE [--to SEQ] [--state PART] [--verify]`: rebuild the kernel state of a
// recorded run from its events; `--exec [--stop-at SEQ]`: run the recorded program again
// against its recording.
import fs from 'node:fs';

import { displayBytes } from '../byte_string.js';
import { explainTrace } from '../replay/explain.js';
import type { ReplayVerdict } from '../replay/exec_source.js';
import { replayState } from '../replay/state_replay.js';
import { reportState, STATE_PARTS, type StatePart } from '../replay/state_report.js';
import { openTrace, TraceError, type TraceContents } from '../trace/trace_reader.js';
import { CliError, EXIT_TSVISOR_ERROR } from './errors.js';
import { exitCodeOf } from './run.js';
import { syscallText } from '../trace/syscall_text.js';

const USAGE =
  'usage: tsvisor replay FILE [--to SEQ] [--state procs|fds|files|mounts|signals|all] [--verify]\n' +
  '       tsvisor replay FILE --explain [SEQ] [--last]\n' +
  '       tsvisor replay FILE --exec [--stop-at SEQ]';
/** replay --exec's status when the program did not do what the recording says. */
const EXIT_DIVERGED = 3;

/** A line for people: the bytes of names that are not UTF-8 as \\377 (byte_string.ts). */
function out(line: string): void {
  fs.writeSync(1, displayBytes(line) + '\n');
}

export function replayCommand(args: string[]): number | Promise<number> {
  let file: string | undefined;
  let to: number | undefined;
  let parts: StatePart[] = [];
  let verify = false;
  let explain: number | 'all' | undefined;
  let last = false;
  let exec = false;
  let stopAt: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--verify') verify = true;
    else if (a === '--last') last = true;
    else if (a === '--exec') exec = true;
    else if (a === '--stop-at') {
      stopAt = Number(args[++i]);
      if (!Number.isInteger(stopAt) || stopAt < 0) throw new CliError('--stop-at wants a syscall seq number');
    }
    else if (a === '--explain') {
      const next = args[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        explain = Number(next);
        i++;
      } else explain = 'all';
    }
    else if (a === '--to') {
      to = Number(args[++i]);
      if (!Number.isInteger(to) || to < 0) throw new CliError('--to wants a syscall seq number');
    } else if (a === '--state') {
      const p = args[++i];
      if (p === 'all') parts = [...STATE_PARTS];
      else if (STATE_PARTS.includes(p as StatePart)) parts.push(p as StatePart);
      else throw new CliError(`--state wants one of ${STATE_PARTS.join(', ')}, all`);
    } else if (a.startsWith('-')) throw new CliError(`unknown option ${a}\n${USAGE}`);
    else file = a;
  }
  if (!file) throw new CliError(`no trace file given\n${USAGE}`);
  if (verify && to !== undefined) throw new CliError('--verify replays the whole trace: it does not go with --to');
  if (stopAt !== undefined && !exec) throw new CliError('--stop-at goes with --exec (without it, see --to)');
  if (exec && (verify || to !== undefined || parts.length > 0 || explain !== undefined)) throw new CliError('--exec runs the program: it goes with --stop-at only');
  try {
    const open = (warn = true) => openTrace(file, (m) => warn && fs.writeSync(2, `tsvisor: warning: ${m}\n`));
    if (explain !== undefined) {
      explainTrace(open, explain, last, out);
      return 0;
    }
    // --verify on a trace cut short fails saying so: the warning would say it twice.
    const trace = open(!verify);
    if (exec) {
      if (trace.header.initialState !== undefined) throw new CliError(`${file}: a restored run cannot be executed again (its processes came from a checkpoint image); replay without --exec rebuilds its state`);
      return execRun(trace, stopAt);
    }
    const started = process.hrtime.bigint();
    const r = replayState(trace, to);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const part of parts) {
      out(`== ${part}`);
      out(reportState(r.state, part));
    }
    if (r.last) out(`replayed ${r.events} events of ${r.syscalls} syscalls, up to seq ${r.last.seq}: ${syscallText(r.last)}`);
    if (verify) {
      if (!r.end) throw new CliError(`${file}: the trace has no closing record (cut short?): nothing to verify against`);
      const perSecond = (n: number, s: number) => Math.round(n / Math.max(s, 1e-9));
      out(
        `verify: ${r.verified ? 'OK' : 'MISMATCH'}: final state digest ${r.end.digest.slice(0, 16)}... ` +
          `(reducers: ${perSecond(r.events, r.reduceNs / 1e9)} events/s; with reading and checking the file: ${perSecond(r.events, seconds)} events/s, ` +
          `${perSecond(r.events + r.syscalls, seconds)} records/s)`,
      );
      return r.verified ? 0 : 1;
    }
    return 0;
  } catch (err) {
    if (err instanceof TraceError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * --exec: the program again, against its recording. Its stdout and stderr are the program's;
 * the verdict goes to stderr. Runs after main's error handling has returned, so it reports its
 * own errors.
 */
async function execRun(trace: TraceContents, stopAt: number | undefined): Promise<number> {
  const { replayExec, ReplaySetupError } = await import('../replay/exec_replay.js');
  const say = (line: string) => fs.writeSync(2, `tsvisor: ${line}\n`);
  let verdict: ReplayVerdict;
  let waitStatus: number;
  try {
    ({ verdict, waitStatus } = await replayExec(trace, stopAt, say));
  } catch (err) {
    if (!(err instanceof ReplaySetupError || err instanceof TraceError)) throw err;
    say(`replay --exec: ${err.message}`);
    return EXIT_TSVISOR_ERROR;
  }
  switch (verdict.kind) {
    case 'diverged':
      fs.writeSync(2, verdict.lines.join('\n') + '\n');
      return EXIT_DIVERGED;
    case 'stopped':
      fs.writeSync(2, verdict.lines.join('\n') + '\n');
      return 0;
    case 'matched':
      if (stopAt !== undefined) say(`replay: the program ended before seq ${stopAt}`);
      const relaxed = verdict.relaxed === 0 ? '' : `; the recorded order was relaxed ${verdict.relaxed} times, where threads waited on each other outside the kernel`;
      const unplaced = verdict.unplaced === 0 ? '' : `; ${verdict.unplaced} signals took effect where the host delivered them, not at a recorded point`;
      say(`replay: ${verdict.calls} syscalls as recorded (${verdict.answered} answered from the recording${relaxed}${unplaced}), exit status ${exitCodeOf(waitStatus)} as recorded`);
      return exitCodeOf(waitStatus);
  }
}
