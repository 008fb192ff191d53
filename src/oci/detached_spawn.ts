// Starts a detached tsvisor process (its own session, so that when the runtime command exits
// it is reparented to the engine's shim, a child subreaper, which waits for it) and waits for
// its one readiness line on fd 3: {"ok":true} or {"error":..., "exitCode":...}.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

import { OciError } from './oci_error.js';
import { READY_FD } from './ready_fd.js';

/** One of this process's fds for the child's stdio, or 'ignore' when it is closed. */
function inheritable(fd: number): number | 'ignore' {
  try {
    fs.fstatSync(fd);
    return fd;
  } catch {
    return 'ignore';
  }
}

export async function spawnDetached(internalCommand: string, payload: object, stdio: readonly [number, number, number]): Promise<number> {
  const script = globalThis.process.argv[1]!;
  const child = spawn(globalThis.process.execPath, [script, internalCommand, JSON.stringify(payload)], {
    detached: true,
    stdio: [...stdio.map(inheritable), 'pipe'],
  });
  const channel = child.stdio[READY_FD];
  if (!channel || child.pid === undefined) throw new OciError(`cannot start the sandbox process`);
  const pid = child.pid;
  const line = await new Promise<string>((resolve) => {
    let text = '';
    channel.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    channel.on('error', () => resolve(text));
    channel.on('end', () => resolve(text));
    child.on('exit', (code, signal) => resolve(text || JSON.stringify({ error: `the sandbox process ended (${signal ?? `status ${code}`}) before it was ready`, exitCode: 1 })));
  });
  channel.destroy();
  child.unref();
  let report: { ok?: boolean; error?: string; exitCode?: number };
  try {
    report = JSON.parse(line) as typeof report;
  } catch {
    throw new OciError(`the sandbox process failed to start: ${line || 'no answer'}`);
  }
  if (!report.ok) throw new OciError(report.error ?? 'the sandbox process failed to start', report.exitCode ?? 1);
  return pid;
}

/** Writes a pid file as runc does (the number alone), atomically. */
export function writePidFile(file: string, pid: number): void {
  fs.writeFileSync(`${file}.tmp`, String(pid));
  fs.renameSync(`${file}.tmp`, file);
}
