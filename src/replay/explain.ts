// --explain: why a recorded syscall failed, told from the kernel state at that moment (rebuilt
// by state replay) and from what happened before it (who closed which fd, which pipe end).
import fs from 'node:fs';

import { decodeBytes, displayBytes, hostPathArg } from '../byte_string.js';
import { errnoMessage, errnoName } from '../kernel/errno.js';
import type { KernelEvent } from '../kernel/events.js';
import type { KernelState, ProcessState } from '../kernel/state.js';
import { syscallName } from '../kernel/syscalls/numbers.js';
import { SYSCALL_TABLE } from '../kernel/syscalls/table.js';
import { mergedEntries } from '../kernel/vfs/overlay.js';
import { HostRoot } from '../kernel/vfs/path_walk.js';
import { rootOf } from '../kernel/vfs/process_root.js';
import type { TraceContents } from '../trace/trace_reader.js';
import type { SyscallRecord } from '../trace/trace_schema.js';
import { replayState } from './state_replay.js';
import { syscallText } from '../trace/syscall_text.js';
import { unquoteBytes } from '../trace/format.js';

/** What the explanation needs from the past: when fds were closed, when pipe ends went away. */
export class History {
  private readonly fdClosed = new Map<string, number>();
  private readonly pipeReadersGone = new Map<number, { seq: number; pid: number }>();
  private readonly reaped = new Map<number, number[]>();

  /** Called with each event before it is applied (the state still shows what it closes). */
  observe(seq: number, event: KernelEvent, state: KernelState): void {
    if (event.type === 'FdClosed') {
      this.fdClosed.set(`${event.pid}:${event.fd}`, seq);
      const entry = state.processes.get(event.pid)?.fds.get(event.fd);
      const file = entry && state.files.get(entry.fileId);
      const pipe = file?.pipeId === undefined ? undefined : state.pipes.get(file.pipeId);
      if (file && pipe && file.refs === 1 && (file.flags & 3) === 0 && pipe.readers === 1) {
        this.pipeReadersGone.set(pipe.id, { seq, pid: event.pid });
      }
    } else if (event.type === 'ProcessReaped') {
      const parent = state.processes.get(event.pid)?.ppid;
      if (parent !== undefined) this.reaped.set(parent, [...(this.reaped.get(parent) ?? []), seq]);
    }
  }

  closedAt(pid: number, fd: number): number | undefined {
    return this.fdClosed.get(`${pid}:${fd}`);
  }

  readEndClosed(pipeId: number): { seq: number; pid: number } | undefined {
    return this.pipeReadersGone.get(pipeId);
  }

  reapedBy(pid: number): number[] {
    return this.reaped.get(pid) ?? [];
  }
}

function describeFd(state: KernelState, p: ProcessState, fd: number): string {
  const e = p.fds.get(fd);
  const f = e && state.files.get(e.fileId);
  if (!f) return '(nothing)';
  if (f.kind === 'stdio') return `tsvisor's ${f.path}`;
  return `${f.path} (${f.kind}${f.kind === 'host' || f.kind === 'mem' ? `, offset ${f.offset}` : ''})`;
}

/** The first quoted string of a strace-style call: the path argument of most path syscalls. */
function pathArgument(text: string): string | undefined {
  const m = /\("((?:[^"\\]|\\.)*)"/.exec(text) ?? /, "((?:[^"\\]|\\.)*)"/.exec(text);
  return m ? decodeBytes(unquoteBytes(m[1]!)) : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The names in a directory of the sandbox (upper layer merged over the host). */
function namesIn(root: HostRoot, state: KernelState, dir: string): string[] {
  const node = root.resolve('/', dir, { followFinal: true, upper: state.overlay });
  if (typeof node === 'number') return [];
  const hostNames = (hostPath: string) => {
    try {
      return fs.readdirSync(hostPathArg(hostPath), { encoding: 'buffer' }).map((name) => ({ name: decodeBytes(name), ino: 0n, type: 0 }));
    } catch {
      return [];
    }
  };
  if (node.fs === 'host') return hostNames(node.hostPath).map((e) => e.name);
  if (node.fs === 'overlay' && node.node.kind === 'dir') {
    const merged = mergedEntries(state.overlay, node.node, (lower) => hostNames(root.hostPathOf(lower.split('/').filter(Boolean))));
    return typeof merged === 'number' ? [] : merged.map((e) => e.name);
  }
  if (node.fs === 'synthetic-dir') return node.entries().map((e) => e.name);
  return [];
}

function explainPath(root: HostRoot, state: KernelState, p: ProcessState, path: string, errno: string): string[] {
  // Paths the kernel holds are sandbox paths; an absolute path the program named starts at its root (chroot).
  const chroot = rootOf(p);
  const absolute = path.startsWith('/') ? `${chroot === '/' ? '' : chroot}${path}` : `${p.cwd === '/' ? '' : p.cwd}/${path}`;
  const parts = absolute.split('/').filter((c) => c.length > 0);
  let existing = '/';
  let i = 0;
  for (; i < parts.length; i++) {
    const next = `${existing === '/' ? '' : existing}/${parts[i]}`;
    const node = root.resolve('/', next, { followFinal: true, upper: state.overlay });
    if (typeof node === 'number') break;
    existing = next;
    if (!node.stat.isDirectory()) {
      i++;
      break;
    }
  }
  const lines = [`the path ${JSON.stringify(path)} is ${JSON.stringify(absolute)} from the cwd ${p.cwd}${chroot === '/' ? '' : ` and the root ${chroot}`}`];
  if (errno === 'ENOENT') {
    const missing = parts[i];
    if (missing === undefined) return [...lines, 'every component exists now (it was created later, or a symlink in it dangled)'];
    lines.push(`the deepest directory that exists is ${existing}; it has no entry ${JSON.stringify(missing)}`);
    const near = namesIn(root, state, existing)
      .map((name) => ({ name, d: distance(name.toLowerCase(), missing.toLowerCase()) }))
      .filter((e) => e.d <= Math.max(2, Math.floor(missing.length / 3)))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5);
    lines.push(near.length > 0 ? `nearest names there: ${near.map((e) => e.name).join(', ')}` : `it holds ${namesIn(root, state, existing).length} entries, none close to that name`);
  } else if (errno === 'ENOTDIR') {
    lines.push(`${existing} is not a directory, but the path goes on below it`);
  } else {
    const node = root.resolve('/', absolute, { followFinal: false, upper: state.overlay });
    if (typeof node !== 'number') {
      const mode = Number(node.stat.mode);
      const kind = node.stat.isDirectory() ? 'a directory' : node.stat.isSymbolicLink() ? 'a symlink' : node.stat.isFile() ? 'a regular file' : 'a special file';
      lines.push(`${absolute} is ${kind}, mode ${(mode & 0o7777).toString(8).padStart(4, '0')}, owner ${node.stat.uid}:${node.stat.gid}`);
      if (errno === 'ENOTEMPTY') lines.push(`it still holds: ${namesIn(root, state, absolute).slice(0, 10).join(', ')}`);
      if (errno === 'EACCES' || errno === 'EPERM') lines.push(`the caller runs as uid ${p.creds.euid}, gid ${p.creds.egid}`);
    }
  }
  return lines;
}

/** Lines that explain why a failed syscall failed. */
export function explainFailure(record: SyscallRecord, state: KernelState, history: History, root: HostRoot): string[] {
  const errno = typeof record.result === 'number' ? -record.result : 0;
  const name = errnoName(errno);
  const p = state.processes.get(record.pid);
  const head = [`seq ${record.seq}, pid ${record.pid}/${record.tid}: ${syscallText(record)}`, `  ${name}: ${errnoMessage(errno)}`];
  if (!p) return head;
  const sys = syscallName(record.nr);
  const why: string[] = [];
  const fd = record.args[0]! | 0;
  switch (name) {
    case 'ENOSYS': {
      const entry = SYSCALL_TABLE[record.nr];
      why.push(entry ? `tsvisor does not implement ${entry.name} (support: ${entry.support}${entry.note ? `; ${entry.note}` : ''})` : `${sys} is not an x86-64 syscall number`);
      break;
    }
    case 'EBADF': {
      const closed = history.closedAt(p.pid, fd);
      why.push(closed !== undefined ? `fd ${fd} was closed at seq ${closed}` : `fd ${fd} was never opened by pid ${p.pid}`);
      why.push(`pid ${p.pid}'s open fds: ${[...p.fds.keys()].sort((a, b) => a - b).map((n) => `${n}=${describeFd(state, p, n)}`).join(', ') || '(none)'}`);
      break;
    }
    case 'EPIPE': {
      const e = p.fds.get(fd);
      const file = e && state.files.get(e.fileId);
      const gone = file?.pipeId === undefined ? undefined : history.readEndClosed(file.pipeId);
      why.push(gone ? `fd ${fd} is ${file!.path}; its last read end was closed at seq ${gone.seq} by pid ${gone.pid}` : `fd ${fd} has no reader left`);
      break;
    }
    case 'EAGAIN': {
      const e = p.fds.get(fd);
      const file = e && state.files.get(e.fileId);
      const pipe = file?.pipeId === undefined ? undefined : state.pipes.get(file.pipeId);
      if (pipe) why.push(`fd ${fd} is ${file!.path} with O_NONBLOCK: ${pipe.length} bytes in flight, ${pipe.writers} writer(s); a blocking fd would have waited`);
      break;
    }
    case 'ECHILD': {
      const children = [...state.processes.values()].filter((c) => c.ppid === p.pid);
      const reaped = history.reapedBy(p.pid);
      why.push(children.length > 0 ? `pid ${p.pid}'s children: ${children.map((c) => `${c.pid} (${c.status})`).join(', ')}, none matching` : `pid ${p.pid} has no children${reaped.length > 0 ? `; its last child was reaped at seq ${reaped.at(-1)}` : ''}`);
      break;
    }
    default: {
      const path = pathArgument(syscallText(record));
      if (path !== undefined) why.push(...explainPath(root, state, p, path, name));
    }
  }
  return [...head, ...why.map((l) => `  ${l}`)];
}

const isFailure = (r: SyscallRecord): boolean => typeof r.result === 'number' && r.result < 0 && r.result > -4096;

/**
 * replay --explain: every failed syscall (or the one at seq, or only the last failure), with
 * why, each printed as soon as it is explained: memory stays bounded however long the trace.
 * --last reads the trace twice (open() gives it afresh; warn: false for the first pass, so a
 * warning shows once): a first pass finds the last failure, the second replays up to it and
 * explains that one only.
 */
export function explainTrace(open: (warn: boolean) => TraceContents, which: number | 'all', last: boolean, out: (text: string) => void): void {
  /** With --last: which failure to explain, counted from 1 (0: none failed). */
  let wanted: number | undefined;
  let stopAt = which === 'all' ? undefined : which;
  if (which === 'all' && last) {
    wanted = 0;
    for (const r of open(false).records) {
      if (r.type !== 'syscall' || !isFailure(r)) continue;
      wanted++;
      stopAt = r.seq;
    }
  }
  const trace = open(true);
  const root = HostRoot.fromDescription({ ...trace.header, rootfs: trace.header.rootfs ?? '/' });
  const history = new History();
  let failures = 0;
  let shown = 0;
  if (wanted !== 0) {
    replayState(
      trace,
      stopAt,
      (record, state) => {
        const failed = isFailure(record);
        if (failed) failures++;
        const explain = wanted !== undefined ? failed && failures === wanted : which === 'all' ? failed : record.seq === which;
        if (!explain) return;
        shown++;
        const lines = failed ? explainFailure(record, state, history, root) : [`seq ${record.seq}, pid ${record.pid}/${record.tid}: ${syscallText(record)}`, '  it did not fail'];
        out(displayBytes(lines.join('\n')));
      },
      history,
    );
  }
  if (shown === 0) out(which === 'all' ? 'no syscall failed in this trace' : `no syscall with seq ${which} in this trace`);
}
