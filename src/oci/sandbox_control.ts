// The OCI requests a sandbox process answers on its control socket: start (release pid 1),
// kill, signal, ps, pause/resume (freeze/thaw), exec (another process in the same kernel).
import fs from 'node:fs';

import { DEFAULT_IGNORED } from '../kernel/abi/signals.js';
import type { FrozenThread, Kernel } from '../kernel/kernel.js';
import type { Credentials } from '../kernel/state.js';
import { TerminalBridge } from '../kernel/tty/terminal_bridge.js';
import type { ControlHandler } from '../sandbox/control_server.js';
import type { ControlReply, ControlRequest } from '../sandbox/control_protocol.js';
import { ContainerStore, type ContainerRecord, type ContainerStatus } from './container_state.js';
import { lookupProgram } from './program_lookup.js';

const SIGKILL = 9;
const SIGSTOP = 19;
const SIGWINCH = 28;
const SIG_DFL = 0;
const SIG_IGN = 1;

export interface SandboxControlOptions {
  kernel: Kernel;
  store: ContainerStore;
  record: ContainerRecord;
  /** Lets pid 1 run (undefined once started, or for a sandbox that never waits). */
  release?: () => void;
  /** After start: the poststart hooks. */
  started?: () => void;
  log: (message: string) => void;
}

export class SandboxControl {
  private record: ContainerRecord;
  private frozen: FrozenThread[] | undefined;
  /** The terminals of exec'd processes (exec --tty), by pid. */
  private readonly terminals = new Map<number, TerminalBridge>();

  constructor(private readonly opts: SandboxControlOptions) {
    this.record = opts.record;
  }

  get status(): ContainerStatus {
    return this.record.status;
  }

  setStatus(status: ContainerRecord['status']): void {
    this.record = { ...this.record, status };
    this.opts.store.write(this.record);
  }

  readonly handle: ControlHandler = async (request, reply, closed) => {
    switch (request.op) {
      case 'start':
        return this.start(reply);
      case 'kill':
        return this.kill(request.signal, request.all, reply);
      case 'signal':
        return this.signal(request.pid, request.signal, reply);
      case 'ps':
        reply({ type: 'pids', pids: [...this.opts.kernel.state.processes.values()].filter((p) => p.status === 'running').map((p) => p.hostPid) });
        return;
      case 'pause':
        return this.pause(reply);
      case 'resume':
        return this.resume(reply);
      case 'exec':
        return this.exec(request, reply, closed);
      default:
        throw new Error(`unexpected request ${request.op}`);
    }
  };

  private start(reply: (r: ControlReply) => void): void {
    const release = this.opts.release;
    if (this.record.status !== 'created' || !release) {
      reply({ type: 'error', message: this.record.status === 'created' ? 'container not ready' : 'cannot start an already running container' });
      return;
    }
    delete this.opts.release;
    this.setStatus('running');
    release();
    this.opts.started?.();
    reply({ type: 'done', message: 'started' });
  }

  /**
   * As runc: the signal goes to the container's init, or with all to every process. The
   * sandbox's pid 1 is a namespace init, so a signal it does not handle (other than SIGKILL
   * and SIGSTOP) is dropped, as Linux drops it for a container's init.
   */
  private kill(sig: number, all: boolean, reply: (r: ControlReply) => void): void {
    const { kernel } = this.opts;
    if (this.record.status === 'created') {
      this.killCreated(sig);
      reply({ type: 'done', message: 'signalled' });
      return;
    }
    if (sig === SIGKILL) {
      // SIGKILL for pid 1 (or all) ends every process: the sandbox goes at once.
      kernel.terminate(sig);
      reply({ type: 'done', message: 'killed' });
      return;
    }
    const targets = [...kernel.state.processes.values()].filter((p) => p.status === 'running' && (all || p.pid === 1));
    for (const p of targets) {
      const handler = p.sigactions.get(sig)?.handler ?? SIG_DFL;
      if (p.pid === 1 && !all && sig !== SIGSTOP && (handler === SIG_DFL || handler === SIG_IGN)) continue;
      kernel.noteSignalSender(p.pid, sig, { code: 0, pid: 0, uid: 0, status: -1 });
      kernel.platform.signalProcess(p.hostPid, sig);
    }
    kernel.interruptSignalled(new Set(targets.map((p) => p.pid)));
    reply({ type: 'done', message: 'signalled' });
  }

  /**
   * A signal before start, sent with kill or to the sandbox process itself: under runc the
   * container's init is still runc's own (waiting in runc init), on which a signal has its
   * default action. One that ends a process ends the container (status 128 + the signal); one
   * whose default is to do nothing does nothing.
   */
  killCreated(sig: number): void {
    if (this.record.status !== 'created' || DEFAULT_IGNORED.has(sig)) return;
    this.opts.kernel.terminate(sig);
  }

  /**
   * A signal for one process (an exec's waiter passes on what the engine sent it). SIGWINCH
   * for a process on a terminal is the engine's resize: the terminal takes the host's new
   * size and signals its foreground group, as a resize does.
   */
  private signal(pid: number, sig: number, reply: (r: ControlReply) => void): void {
    const { kernel } = this.opts;
    const p = kernel.state.processes.get(pid);
    if (!p || p.status !== 'running') {
      reply({ type: 'error', message: 'no such process' });
      return;
    }
    const terminal = this.terminals.get(pid);
    if (sig === SIGWINCH && terminal) {
      terminal.resized();
      reply({ type: 'done', message: 'resized' });
      return;
    }
    kernel.noteSignalSender(p.pid, sig, { code: 0, pid: 0, uid: 0, status: -1 });
    kernel.platform.signalProcess(p.hostPid, sig);
    kernel.interruptSignalled(new Set([pid]));
    reply({ type: 'done', message: 'signalled' });
  }

  private pause(reply: (r: ControlReply) => void): void {
    if (this.record.status !== 'running') {
      reply({ type: 'error', message: this.record.status === 'paused' ? 'container already paused' : 'container not running' });
      return;
    }
    this.frozen = this.opts.kernel.freeze();
    this.setStatus('paused');
    reply({ type: 'done', message: 'paused' });
  }

  private resume(reply: (r: ControlReply) => void): void {
    if (this.record.status !== 'paused' || !this.frozen) {
      reply({ type: 'error', message: 'container not paused' });
      return;
    }
    const threads = this.frozen;
    this.frozen = undefined;
    this.setStatus('running');
    this.opts.kernel.thaw(threads);
    reply({ type: 'done', message: 'resumed' });
  }

  /** The requester's fd 0 as a terminal of the sandbox's (undefined when it is not a terminal). */
  private terminalOf(requester: number, owner: Credentials): TerminalBridge | undefined {
    let fd: number;
    try {
      fd = fs.openSync(`/proc/${requester}/fd/0`, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    } catch {
      return undefined;
    }
    try {
      return new TerminalBridge(this.opts.kernel, fd, { owner });
    } catch (err) {
      this.opts.log(`exec: no terminal: ${(err as Error).message}`);
      fs.closeSync(fd);
      return undefined;
    }
  }

  private async exec(request: Extract<ControlRequest, { op: 'exec' }>, reply: (r: ControlReply) => void, closed: AbortSignal): Promise<void> {
    const { kernel } = this.opts;
    if (this.record.status !== 'running' && this.record.status !== 'created') {
      reply({ type: 'error', message: this.record.status === 'paused' ? 'cannot exec in a paused container' : 'cannot exec in a stopped container' });
      return;
    }
    const creds = {
      uid: request.uid, euid: request.uid, suid: request.uid, gid: request.gid, egid: request.gid, sgid: request.gid, groups: request.groups,
      ...(request.caps ? { caps: request.caps } : {}),
    };
    const cwdNode = kernel.root.resolve('/', request.cwd, { followFinal: true });
    const cwd = typeof cwdNode === 'number' || !cwdNode.stat.isDirectory() ? null : cwdNode.path;
    if (cwd === null) {
      reply({ type: 'error', message: `chdir to cwd ("${request.cwd}") set in config.json failed: no such file or directory` });
      return;
    }
    const prepared = lookupProgram(kernel.root, cwd, request.args, request.env, kernel.state.overlay);
    const terminal = request.terminal ? this.terminalOf(request.stdioFrom, creds) : undefined;
    // The requester's stdio, opened anew through /proc (pipes, fifos, terminals; a socket cannot be).
    const stdio = terminal ?? [0, 1, 2].map((fd) => {
      try {
        // No O_TRUNC, and O_APPEND: a regular file's contents stay and output goes after them.
        return fs.openSync(`/proc/${request.stdioFrom}/fd/${fd}`, fd === 0 ? fs.constants.O_RDONLY : fs.constants.O_WRONLY | fs.constants.O_APPEND);
      } catch {
        return fs.openSync('/dev/null', fd === 0 ? fs.constants.O_RDONLY : fs.constants.O_WRONLY);
      }
    }) as [number, number, number];
    const { pid, exited } = kernel.startProcess(prepared, cwd, creds, stdio, request.noNewPrivs ?? false);
    if (terminal) this.terminals.set(pid, terminal);
    this.opts.log(`exec: pid ${pid}: ${request.args.join(' ')}`);
    reply({ type: 'started', pid });
    // The requester gone (its waiter killed): the process goes too, as runc's would with its shim's kill.
    const onClose = () => {
      const p = kernel.state.processes.get(pid);
      if (p && p.status === 'running') kernel.platform.signalProcess(p.hostPid, SIGKILL);
    };
    closed.addEventListener('abort', onClose);
    const waitStatus = await exited;
    closed.removeEventListener('abort', onClose);
    // Its output written, the terminal's master closes, as the shim's would once runc's exec ends.
    terminal?.close();
    this.terminals.delete(pid);
    reply({ type: 'exited', waitStatus });
  }
}
