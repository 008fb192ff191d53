// `tsvisor checkpoint` (and later commands) talking to a running sandbox's control socket.
import net from 'node:net';

import { reachableSocketPath } from './socket_path.js';
import { controlReplySchema, type ControlReply, type ControlRequest } from './control_protocol.js';

/** Sends one request; onReply sees every reply line; resolves with the final one (rejects only when the socket cannot be reached). */
export function controlRequest(socketPath: string, request: ControlRequest, onReply: (r: ControlReply) => void): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const reachable = reachableSocketPath(socketPath);
    const conn = net.createConnection(reachable.path);
    conn.once('connect', () => reachable.release());
    conn.once('error', () => reachable.release());
    let buffered = '';
    let final: ControlReply | undefined;
    conn.on('connect', () => conn.write(JSON.stringify(request) + '\n'));
    conn.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const parsed = controlReplySchema().safeParse(JSON.parse(line));
        if (!parsed.success) continue;
        onReply(parsed.data);
        if (parsed.data.type !== 'progress') final = parsed.data;
      }
    });
    conn.on('error', (err) => reject(err));
    // The server answers every request it takes; a connection closed without an answer is a
    // sandbox that ended meanwhile (its program exited while a checkpoint was being taken).
    conn.on('close', () => resolve(final ?? { type: 'error', message: 'the sandbox ended before it answered' }));
  });
}
