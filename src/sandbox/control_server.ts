// The running sandbox's end of the control socket: takes requests (checkpoint) from
// `tsvisor checkpoint` and answers them. Lives as long as the sandbox.
import fs from 'node:fs';
import net from 'node:net';

import { reachableSocketPath } from './socket_path.js';
import { ControlRequestSchema, type ControlReply, type ControlRequest } from './control_protocol.js';

/** closed: aborted when the requester goes away (a long request, such as exec, then ends). */
export type ControlHandler = (request: ControlRequest, reply: (r: ControlReply) => void, closed: AbortSignal) => Promise<void>;

export class ControlServer {
  private readonly server: net.Server;

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async listen(socketPath: string, handle: ControlHandler): Promise<ControlServer> {
    const server = net.createServer((conn) => {
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
          const parsed = ControlRequestSchema.safeParse(JSON.parse(buffered.slice(0, nl)));
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
    const reachable = reachableSocketPath(socketPath);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(reachable.path, () => resolve());
      });
    } finally {
      reachable.release();
    }
    fs.chmodSync(socketPath, 0o600);
    // The socket must not keep tsvisor alive once the sandbox has ended.
    server.unref();
    return new ControlServer(server);
  }

  close(): void {
    this.server.close();
  }
}
