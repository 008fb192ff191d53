// Human-readable views of a (replayed) kernel state: --state fds|files|procs|mounts|signals.
import type { KernelState } from '../kernel/state.js';

export const STATE_PARTS = ['procs', 'fds', 'files', 'mounts', 'signals'] as const;
export type StatePart = (typeof STATE_PARTS)[number];

const SIGNAL_NAMES = ['', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];

function signalName(sig: number): string {
  return SIGNAL_NAMES[sig] ? `SIG${SIGNAL_NAMES[sig]}` : `SIGRT${sig - 32}`;
}

function describeFile(state: KernelState, fileId: number): string {
  const f = state.files.get(fileId);
  if (!f) return '(gone)';
  const mode = ['r', 'w', 'rw'][f.flags & 3] ?? '?';
  if (f.kind === 'pipe') {
    const p = f.pipeId === undefined ? undefined : state.pipes.get(f.pipeId);
    return `${f.path} ${(f.flags & 3) === 0 ? 'read end' : 'write end'}, ${p?.length ?? 0} bytes in flight, ${p?.readers ?? 0} readers, ${p?.writers ?? 0} writers`;
  }
  if (f.kind === 'stdio') return `tsvisor's ${f.path} (${mode})`;
  return `${f.path} (${f.kind}, ${mode}, offset ${f.offset})`;
}

export function reportState(state: KernelState, part: StatePart): string {
  const lines: string[] = [];
  const procs = [...state.processes.values()].sort((a, b) => a.pid - b.pid);
  switch (part) {
    case 'procs':
      lines.push('PID   PPID  PGID  SID   STATE     THREADS  COMMAND');
      for (const p of procs) {
        const status = p.status === 'zombie' ? `exited(${p.waitStatus ?? 0})` : 'running';
        lines.push(`${String(p.pid).padEnd(6)}${String(p.ppid).padEnd(6)}${String(p.pgid).padEnd(6)}${String(p.sid).padEnd(6)}${status.padEnd(10)}${String(p.threads.length).padEnd(9)}${p.argv.join(' ')}`);
      }
      break;
    case 'fds':
      for (const p of procs) {
        lines.push(`pid ${p.pid} (${p.comm || p.exe}):`);
        for (const [fd, e] of [...p.fds].sort((a, b) => a[0] - b[0])) {
          lines.push(`  ${String(fd).padStart(3)}${e.cloexec ? ' (cloexec)' : ''}: ${describeFile(state, e.fileId)}`);
        }
      }
      break;
    case 'files':
      for (const f of state.files.values()) lines.push(`#${f.id} refs ${f.refs}: ${describeFile(state, f.id)}`);
      break;
    case 'mounts':
      lines.push('/      the root (host tree, read-only lower layer)', '/proc  procfs (the sandbox\'s processes)', '/dev   devfs (null, zero, full, random, urandom)');
      break;
    case 'signals':
      for (const p of procs) {
        const handlers = [...p.sigactions].sort((a, b) => a[0] - b[0]).map(([sig, a]) => `${signalName(sig)}=${a.handler === 0 ? 'default' : a.handler === 1 ? 'ignore' : `handler@0x${a.handler.toString(16)}`}`);
        lines.push(`pid ${p.pid}: ${handlers.join(' ') || '(all default)'}`);
      }
      break;
  }
  return lines.join('\n');
}
