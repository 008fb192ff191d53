// /proc/PID/cmdline and environ: on Linux the process's memory between the mm's arg_start and
// arg_end (env_start and env_end), read when the file is read, so a program that writes over
// its argv strings (perl's `$0 = ...`, setproctitle) changes what ps shows, and one whose
// title runs past the last byte of the argv area shows it up to the first NUL. The loader
// points the stub's mm at the program's strings (loader/host_cmdline.ts), so the host's files
// are exactly Linux's answer. When the host's areas are not the program's (its prctl failed, or
// a restored stub), the strings the exec was given stand in. A zombie has no memory: nothing.
import fs from 'node:fs';

import { encodeBytes } from '../../byte_string.js';
import { hostStatFields } from '../loader/host_cmdline.js';
import type { ProcessState } from '../state.js';

/** /proc/PID/stat's field (1-based, as proc(5) numbers them) of arg_start; arg_end, env_start, env_end follow. */
const ARG_START = 48;

function nulTerminated(strings: readonly string[]): Uint8Array {
  return encodeBytes(strings.map((s) => s + '\0').join(''));
}

/** [arg_end - arg_start, env_end - env_start] of the host's mm, undefined when unreadable. */
function hostAreaSizes(hostPid: number): [number, number] | undefined {
  const field = hostStatFields(hostPid);
  return field && [field(ARG_START + 1) - field(ARG_START), field(ARG_START + 3) - field(ARG_START + 2)];
}

export function procArgs(p: ProcessState, file: 'cmdline' | 'environ'): Uint8Array {
  if (p.status === 'zombie') return new Uint8Array(0);
  const argv = nulTerminated(p.argv);
  const environ = nulTerminated(p.environ);
  const atExec = file === 'cmdline' ? argv : environ;
  // The areas never change size after the exec: the same sizes say the host's are the program's.
  const sizes = hostAreaSizes(p.hostPid);
  if (!sizes || sizes[0] !== argv.length || sizes[1] !== environ.length) return atExec;
  try {
    return new Uint8Array(fs.readFileSync(`/proc/${p.hostPid}/${file}`));
  } catch {
    return atExec;
  }
}
