// Sockets (unix and the loopback network's): names, connections, receive queues and the files in flight.
import { releaseFile } from '../fd/reducer.js';
import type { ReducerTable } from '../reducer_types.js';
import { Errno } from '../errno.js';
import { lingerOf } from '../abi/socket_linger.js';
import type { KernelState, SocketState } from '../state.js';

const SOCK_STREAM = 1;

function socketOf(state: KernelState, id: number): SocketState | undefined {
  return state.sockets.get(id);
}

/** A reset from the peer: the connection is shut both ways and `error` waits to be reported. */
function reset(s: SocketState, error: number): void {
  s.shutRead = true;
  s.shutWrite = true;
  s.error = error;
  delete s.closedPeer;
}

/**
 * Called when a socket's last open file goes: the peer sees EOF, its name is free, in-flight
 * files drop. A TCP socket closed with bytes unread, or never accepted, resets its peer
 * instead (ECONNRESET), as Linux does rather than pretend the bytes were delivered.
 */
export function closeSocket(state: KernelState, id: number, unaccepted = false): void {
  const s = state.sockets.get(id);
  if (!s) return;
  state.sockets.delete(id);
  for (const [key, owner] of state.socketNames) if (owner === id) state.socketNames.delete(key);
  if (s.peer !== undefined) {
    const peer = state.sockets.get(s.peer);
    const tcp = s.family !== undefined && s.type === SOCK_STREAM;
    // SO_LINGER on with no time closes with a reset too.
    const abortive = lingerOf(s).on && lingerOf(s).seconds === 0;
    if (peer && tcp && (s.queued > 0 || unaccepted || abortive)) reset(peer, Errno.ECONNRESET);
    else if (peer) {
      peer.peerGone = true;
      peer.closedPeer = s.address === undefined ? {} : { address: s.address };
    }
  }
  // Connections nobody accepted go with their listener.
  for (const pending of s.backlog) closeSocket(state, pending, true);
  for (const m of s.queue) for (const fileId of m.fileIds) releaseFile(state, fileId);
}

export const socketReducers: ReducerTable<
  | 'SocketCreated' | 'SocketBound' | 'SocketListening' | 'SocketsConnected' | 'SocketDatagramPeerSet' | 'SocketDisconnected'
  | 'SocketConnectionQueued' | 'SocketConnectionAccepted' | 'SocketMessageQueued' | 'SocketMessageTaken'
  | 'SocketShutdown' | 'SocketPasscredSet' | 'SocketOptionSet' | 'SocketConnectResult' | 'SocketOverrun'
  | 'SocketReset' | 'SocketErrorSet' | 'SocketErrorReported' | 'SocketUrgentTaken'
> = {
  SocketUrgentTaken(state, e) {
    const u = socketOf(state, e.id)?.urgent;
    if (u) u.taken = true;
  },
  SocketCreated(state, e) {
    state.nextObjectId = Math.max(state.nextObjectId, e.id + 1);
    state.sockets.set(e.id, {
      id: e.id, type: e.socketType, listening: false, backlog: [], queue: [], queued: 0, head: 0,
      shutRead: false, shutWrite: false, peerGone: false, passcred: false, creds: { ...e.creds },
      ...(e.family === undefined ? {} : { family: e.family }),
      ...(e.protocol === undefined ? {} : { protocol: e.protocol }),
    });
  },
  SocketBound(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    // A socket bound to a wildcard address takes the source address when it connects: its name moves.
    if (s.address !== undefined) for (const [key, owner] of state.socketNames) if (owner === e.id) state.socketNames.delete(key);
    s.address = e.address;
    if (e.requested !== undefined) s.requested = e.requested;
    state.socketNames.set(e.key, e.id);
  },
  SocketDisconnected(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    delete s.peerAddress;
    if (e.local === undefined) return;
    for (const [key, owner] of state.socketNames) if (owner === e.id) state.socketNames.delete(key);
    if (e.local !== 'unbound') {
      s.address = e.local.address;
      state.socketNames.set(e.local.key, e.id);
    } else {
      delete s.address;
    }
  },
  SocketListening(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    s.listening = true;
    if (e.limit !== undefined) s.backlogLimit = e.limit;
  },
  SocketsConnected(state, e) {
    const a = socketOf(state, e.a);
    const b = socketOf(state, e.b);
    if (a) a.peer = e.b;
    if (b) b.peer = e.a;
    delete a?.connectFailed;
  },
  SocketDatagramPeerSet(state, e) {
    const s = socketOf(state, e.id);
    if (s) s.peerAddress = e.address;
  },
  SocketConnectionQueued(state, e) {
    socketOf(state, e.listener)?.backlog.push(e.id);
  },
  SocketConnectionAccepted(state, e) {
    const l = socketOf(state, e.listener);
    if (l) l.backlog = l.backlog.filter((id) => id !== e.id);
  },
  SocketMessageQueued(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    // Files in flight keep their open file alive until received.
    for (const fileId of e.fileIds) {
      const f = state.files.get(fileId);
      if (f) f.refs += 1;
    }
    s.queue.push({
      bytes: Uint8Array.from(e.bytes), fileIds: [...e.fileIds], creds: { ...e.creds },
      ...(e.from === undefined ? {} : { from: e.from }), ...(e.header === undefined ? {} : { header: { ...e.header } }),
      ...(e.stampNs === undefined ? {} : { stampNs: e.stampNs }),
    });
    // A new urgent byte takes the place of one not yet passed (which becomes ordinary data).
    if (e.urgent && e.bytes.length > 0) s.urgent = { at: s.queued + e.bytes.length - 1, byte: e.bytes[e.bytes.length - 1]!, taken: false };
    s.queued += e.bytes.length;
  },
  SocketMessageTaken(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    if (s.urgent) {
      s.urgent.at -= e.count;
      if (s.urgent.at < 0) delete s.urgent;
    }
    let left = e.count;
    while (s.queue.length > 0) {
      const first = s.queue[0]!;
      const avail = first.bytes.length - s.head;
      if (!e.wholeMessage && left < avail) {
        s.head += left;
        s.queued -= left;
        // The files ride on the first byte of their message: once it is read they are delivered.
        if (left > 0) {
          for (const fileId of first.fileIds) releaseFile(state, fileId);
          first.fileIds = [];
        }
        return;
      }
      s.queue.shift();
      s.queued -= avail;
      s.head = 0;
      left -= Math.min(left, avail);
      for (const fileId of first.fileIds) releaseFile(state, fileId);
      if (e.wholeMessage || left === 0) return;
    }
  },
  SocketShutdown(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    s.shutRead ||= e.read;
    s.shutWrite ||= e.write;
  },
  SocketReset(state, e) {
    const s = socketOf(state, e.id);
    if (s) reset(s, e.error);
  },
  SocketErrorSet(state, e) {
    const s = socketOf(state, e.id);
    if (s) s.error = e.error;
  },
  SocketErrorReported(state, e) {
    const s = socketOf(state, e.id);
    if (s) delete s.error;
  },
  SocketPasscredSet(state, e) {
    const s = socketOf(state, e.id);
    if (s) s.passcred = e.on;
  },
  SocketOverrun(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    if (e.overrun) s.overrun = true;
    else delete s.overrun;
  },
  SocketConnectResult(state, e) {
    const s = socketOf(state, e.id);
    if (!s) return;
    if (e.result === undefined) delete s.connectResult;
    else s.connectResult = e.result;
    if (e.result !== undefined && e.result > 0) s.connectFailed = true;
  },
  SocketOptionSet(state, e) {
    const s = socketOf(state, e.id);
    if (s) s.options = { ...s.options, [`${e.level}:${e.name}`]: e.value };
  },
};
