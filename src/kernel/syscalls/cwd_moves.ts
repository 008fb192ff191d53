// The working directories a rename moves. A cwd is kept as a path, and Linux's is the directory
// itself: a process inside a directory that is renamed (or inside a directory below it) is
// still there, and getcwd names the new place.

import type { SyscallContext } from './context.js';

/** `path` with its leading `from` (itself or a directory above it) replaced by `to`; null when not below. */
function rebased(path: string, from: string, to: string): string | null {
  if (path === from) return to;
  const prefix = from === '/' ? '/' : `${from}/`;
  return path.startsWith(prefix) ? `${to}/${path.slice(prefix.length)}` : null;
}

/** After a directory moved from `from` to `to` (exchange: and the one at `to` to `from`), each cwd follows. */
export function moveCwds(ctx: SyscallContext, from: string, to: string, exchange: boolean): void {
  for (const p of ctx.kernel.state.processes.values()) {
    if (p.status !== 'running') continue;
    const cwd = rebased(p.cwd, from, to) ?? (exchange ? rebased(p.cwd, to, from) : null);
    if (cwd !== null) ctx.emit({ type: 'CwdChanged', pid: p.pid, cwd });
  }
}
