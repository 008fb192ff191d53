// Signals as runc's kill takes them: a number, or a name with or without SIG, any case.
import { OciError } from './oci_error.js';

const NAMES = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS',
];
const ALIASES: Record<string, number> = { IOT: 6, POLL: 29, CLD: 17 };
const SIGRTMIN = 34;
const SIGRTMAX = 64;

export function parseSignal(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= SIGRTMAX) return n;
    throw new OciError(`unknown signal "${text}"`);
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  const at = NAMES.indexOf(name);
  if (at >= 0) return at + 1;
  if (ALIASES[name] !== undefined) return ALIASES[name];
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt) {
    const n = (rt[1] === 'IN' ? SIGRTMIN : SIGRTMAX) + Number(rt[2] ?? 0);
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
  }
  throw new OciError(`unknown signal "${text}"`);
}
