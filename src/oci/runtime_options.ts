// runc's global flags, given before the command: --root, --log, --log-format, --debug,
// --systemd-cgroup (accepted), --criu and --rootless (accepted, ignored).
import { defaultStateRoot } from '../sandbox/state_root.js';
import { OciLog, type LogFormat } from './oci_log.js';
import { OciError } from './oci_error.js';

export interface RuntimeOptions {
  stateRoot: string;
  log: OciLog;
}

/** Splits the global flags off; returns them and the rest (the command first). */
export function parseRuntimeOptions(args: readonly string[]): { options: RuntimeOptions; rest: string[] } {
  let stateRoot: string | undefined;
  let logFile: string | undefined;
  let format: LogFormat = 'text';
  let debug = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v.length === 0) throw new OciError(`flag needs an argument: ${name}`);
      return v;
    };
    if (name === '--root') stateRoot = value();
    else if (name === '--log') logFile = value();
    else if (name === '--log-format') {
      const f = value();
      if (f !== 'text' && f !== 'json') throw new OciError(`invalid log-format: ${f}`);
      format = f;
    } else if (name === '--debug') debug = true;
    else if (name === '--systemd-cgroup' || name === '--rootless' || name === '--no-new-keyring') {
      if (inline === undefined && (args[i + 1] === 'true' || args[i + 1] === 'false')) i++;
    } else if (name === '--criu') value();
    else break;
  }
  return { options: { stateRoot: stateRoot ?? defaultStateRoot(), log: new OciLog(logFile, format, debug) }, rest: args.slice(i) };
}
