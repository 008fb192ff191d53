// `trace export --format perfetto`: Chrome trace-event JSON, which Perfetto and
// chrome://tracing open: a track per thread, named by process and thread, each syscall a
// slice with its call and result, fork/exec/exit as instant events.
import { displayBytes } from '../byte_string.js';
import type { TraceContents } from './trace_reader.js';
import { syscallText } from './syscall_text.js';

interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: 'p' | 't';
  cat?: string;
  args?: Record<string, unknown>;
}

export function toPerfetto(trace: TraceContents): { traceEvents: TraceEvent[]; displayTimeUnit: 'ns' } {
  const out: TraceEvent[] = [];
  const names = new Map<number, string>();
  const threads = new Set<string>();
  let pending: Array<{ name: string; pid: number; args: Record<string, unknown> }> = [];
  let lastTime = 0;
  for (const r of trace.records) {
    if (r.type === 'event') {
      const e = r.event;
      if (e.type === 'ExecCompleted') {
        names.set(e.pid, displayBytes(e.comm || e.exe));
        pending.push({ name: `exec ${displayBytes(e.exe)}`, pid: e.pid, args: { argv: e.argv.map(displayBytes) } });
      } else if (e.type === 'ProcessForked') {
        names.set(e.pid, names.get(e.ppid) ?? `pid ${e.pid}`);
        pending.push({ name: `fork -> ${e.pid}`, pid: e.ppid, args: { child: e.pid } });
      } else if (e.type === 'ProcessExited') {
        pending.push({ name: `exit ${e.waitStatus & 0x7f ? `signal ${e.waitStatus & 0x7f}` : (e.waitStatus >> 8) & 0xff}`, pid: e.pid, args: { waitStatus: e.waitStatus } });
      }
      continue;
    }
    if (r.type !== 'syscall') continue;
    const end = r.time / 1000;
    const start = r.start === undefined ? end : r.start / 1000;
    lastTime = end;
    threads.add(`${r.pid}:${r.tid}`);
    const failed = typeof r.result === 'number' && r.result < 0 && r.result > -4096;
    const text = syscallText(r);
    out.push({
      name: text.slice(0, text.indexOf('(')),
      ph: 'X',
      cat: failed ? 'syscall,failed' : 'syscall',
      pid: r.pid,
      tid: r.tid,
      ts: start,
      dur: Math.max(0, end - start),
      args: { seq: r.seq, call: text, result: r.result },
    });
    for (const p of pending) out.push({ name: p.name, ph: 'i', s: 'p', pid: p.pid, tid: p.pid, ts: end, cat: 'process', args: p.args });
    pending = [];
  }
  for (const p of pending) out.push({ name: p.name, ph: 'i', s: 'p', pid: p.pid, tid: p.pid, ts: lastTime, cat: 'process', args: p.args });
  for (const [pid, name] of names) out.push({ name: 'process_name', ph: 'M', pid, tid: pid, args: { name: `${name} (pid ${pid})` } });
  for (const key of threads) {
    const [pid, tid] = key.split(':').map(Number) as [number, number];
    out.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name: `${names.get(pid) ?? 'pid ' + pid} tid ${tid}` } });
  }
  return { traceEvents: out, displayTimeUnit: 'ns' };
}
