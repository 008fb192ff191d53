// A sandbox started with --name: registered under the state root, with a control socket that
// `tsvisor checkpoint` uses, and unregistered when it ends.
import type { Kernel } from '../kernel/kernel.js';
import { ControlServer, type BoundControlSocket, type ControlHandler } from './control_server.js';
import { Registry, type SandboxEntry } from './registry.js';

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/**
 * A name claimed under the state root (fails at once if a live sandbox has it); serve() then
 * opens the control socket for the sandbox's kernel, release() gives the name back.
 */
export class NamedSandbox {
  private readonly registry: Registry;
  private readonly entry: SandboxEntry;
  private server: ControlServer | undefined;
  private bound: BoundControlSocket | undefined;
  private released = false;

  constructor(stateRoot: string, readonly id: string, command: string[]) {
    this.registry = new Registry(stateRoot);
    this.entry = this.registry.register(id, command);
    globalThis.process.on('exit', () => this.release());
  }

  /** Opens the control socket: requests wait there until serve() (which opens it if need be). */
  bind(): void {
    this.bound ??= ControlServer.bind(this.registry.socketOf(this.id));
  }

  /** more: the requests other than ping and checkpoint (the OCI runtime's). */
  async serve(kernel: Kernel, command: readonly string[], more?: ControlHandler): Promise<void> {
    const { registry, entry, id } = this;
    this.bind();
    this.server = await ControlServer.serve(this.bound!, async (request, reply, closed) => {
      if (request.op === 'ping') {
        reply({ type: 'done', message: entry.status });
        return;
      }
      if (request.op !== 'checkpoint') {
        if (!more) throw new Error(`this sandbox does not take '${request.op}' requests`);
        await more(request, reply, closed);
        return;
      }
      registry.write({ ...entry, status: 'checkpointing' });
      try {
        // Loaded when asked for: the image's schemas are none of a sandbox's start-up.
        const { checkpoint } = await import('../snapshot/checkpoint.js');
        const s = await checkpoint(kernel, command, {
          imageDir: request.image,
          leaveRunning: request.leaveRunning,
          progress: (bytes, seconds) => reply({ type: 'progress', bytes, seconds }),
        });
        const rate = s.memorySeconds > 0 ? ` (copied at ${mib(s.memoryBytes / s.memorySeconds)}/s)` : '';
        reply({
          type: 'done',
          message: `checkpointed '${id}' to ${s.imageDir}: ${s.processes} process(es), ${s.threads} thread(s), ${mib(s.memoryBytes)} of memory${rate}, image ${mib(s.imageBytes)}, ${s.seconds.toFixed(2)} s${request.leaveRunning ? '; still running' : '; stopped'}`,
        });
      } finally {
        if (request.leaveRunning && !this.released) registry.write({ ...entry, status: 'running' });
      }
    });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.server?.close();
    this.registry.remove(this.id);
  }
}
