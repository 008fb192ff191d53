// The running sandbox's end of the control socket: takes requests (checkpoint) from
// `tsvisor checkpoint` and answers them. Lives as long as the sandbox.
import fs from 'node:fs';

import { errnoName } from '../kernel/errno.js';
import { loadAddon } from '../platform/native_addon.js';
import { reachableSocketPath } from './socket_path.js';
import { controlRequestSchema, type ControlReply, type ControlRequest } from './control_protocol.js';

/** closed: aborted when the requester goes away (a long request, such as exec, then ends). */
export type ControlHandler = (request: ControlRequest, reply: (r: ControlReply) => void, closed: AbortSignal) => Promise<void>;

/** A control socket bound and listening (connections wait in its backlog) that no one serves yet. */
export interface BoundControlSocket {
  readonly fd: number;
}

export class ControlServer {
  private constructor(private readonly id: number) {}

  static async listen(socketPath: string, handle: ControlHandler): Promise<ControlServer> {
    return ControlServer.serve(ControlServer.bind(socketPath), handle);
  }

  /**
   * Binds the socket (mode 0600) and listens, natively: an OCI sandbox process does this before
   * create returns, and serves it only afterwards.
   */
  static bind(socketPath: string): BoundControlSocket {
    const reachable = reachableSocketPath(socketPath);
    let fd: number;
    try {
      fd = loadAddon().listenUnix(reachable.path);
    } finally {
      reachable.release();
    }
    if (fd < 0) throw new Error(`listen ${errnoName(-fd)}: ${socketPath}`);
    fs.chmodSync(socketPath, 0o600);
    return { fd };
  }

  /**
   * Serves the socket from the addon's thread (native/control_server.h), not node:net, whose
   * modules (stream, cluster, child_process, dgram with it: ~4 ms of CPU) an OCI sandbox process
   * would load between create and start, while the engine's `start` may be waiting. It does not
   * keep tsvisor alive once the sandbox has ended.
   */
  static async serve(bound: BoundControlSocket, handle: ControlHandler): Promise<ControlServer> {
    const native = loadAddon();
    const schema = controlRequestSchema();
    // The connections whose request is being handled, and what aborts when the requester goes.
    const open = new Map<number, AbortController>();
    const end = (fd: number) => {
      if (open.delete(fd)) native.controlEnd(id, fd);
    };
    const onRequest = (fd: number, line: string) => {
      const closed = new AbortController();
      open.set(fd, closed);
      const reply = (r: ControlReply) => {
        // A requester that does not read its answers is not waited for.
        if (open.has(fd) && !native.controlSend(fd, JSON.stringify(r) + '\n')) {
          closed.abort();
          end(fd);
        }
      };
      let request: ControlRequest;
      try {
        const parsed = schema.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'bad request');
        request = parsed.data;
      } catch (err) {
        reply({ type: 'error', message: `bad control request: ${(err as Error).message}` });
        end(fd);
        return;
      }
      handle(request, reply, closed.signal)
        .catch((err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.message : String(err) }))
        .finally(() => end(fd));
    };
    const id = native.controlServe(bound.fd, (event, fd, line) => {
      if (event === 'request') onRequest(fd, line);
      else open.get(fd)?.abort();
    });
    if (id < 0) throw new Error(`control socket: ${errnoName(-id)}`);
    return new ControlServer(id);
  }

  close(): void {
    loadAddon().controlClose(this.id);
  }
}
