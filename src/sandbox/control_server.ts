// The running sandbox's end of the control socket: takes requests (checkpoint) from
// `tsvisor checkpoint` and answers them. Lives as long as the sandbox.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type net from 'node:net';

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
  private readonly server: net.Server;

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async listen(socketPath: string, handle: ControlHandler): Promise<ControlServer> {
    return ControlServer.serve(ControlServer.bind(socketPath), handle);
  }

  /**
   * Binds the socket (mode 0600) and listens, natively: an OCI sandbox process does this before
   * create returns, and loads node:net (with the stream, cluster and child_process modules it
   * brings, ~4 ms) to serve it only afterwards.
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

  static async serve(bound: BoundControlSocket, handle: ControlHandler): Promise<ControlServer> {
    const { createServer } = createRequire(import.meta.url)('node:net') as typeof net;
    const schema = controlRequestSchema();
    const server = createServer((conn) => {
      let buffered = '';
      let started = false;
      const closed = new AbortController();
      conn.on('close', () => closed.abort());
      const reply = (r: ControlReply) => {
        if (!conn.destroyed) conn.write(JSON.stringify(r) + '\n');
      };
      conn.on('error', () => conn.destroy());
      conn.on('data', (chunk) => {
        if (started) return;
        buffered += chunk.toString('utf8');
        const nl = buffered.indexOf('\n');
        if (nl < 0) {
          if (buffered.length > 65536) conn.destroy();
          return;
        }
        started = true;
        let request: ControlRequest;
        try {
          const parsed = schema.safeParse(JSON.parse(buffered.slice(0, nl)));
          if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'bad request');
          request = parsed.data;
        } catch (err) {
          reply({ type: 'error', message: `bad control request: ${(err as Error).message}` });
          conn.end();
          return;
        }
        handle(request, reply, closed.signal)
          .catch((err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.message : String(err) }))
          .finally(() => conn.end());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ fd: bound.fd }, () => resolve());
    });
    // The socket must not keep tsvisor alive once the sandbox has ended.
    server.unref();
    return new ControlServer(server);
  }

  close(): void {
    this.server.close();
  }
}
