// tsvisor's own stdio may be a host socket: node's child_process gives a child socketpairs
// for its stdio, systemd gives a service a stream to the journal. fstat shows such an fd as
// S_IFSOCK, so programs ask what socket it is: libuv's uv_guess_handle calls getsockopt
// (SO_TYPE) and getsockname, and without answers node's process.stdout is an unknown stream
// that writes nothing. For an AF_UNIX host socket (found by its inode in the host's
// /proc/net/unix, where tsvisor sees its own sockets) getsockname, getpeername and
// getsockopt's SO_TYPE, SO_DOMAIN and SO_PROTOCOL answer as Linux does; the data still goes
// through the stdio stream. The peer's name is not known (shown unnamed, as a socketpair's
// peer). Other host sockets (TCP) stay ENOTSOCK.
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { lookupFd } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import { AF_UNIX } from './socket_address.js';

export interface HostUnixSocket {
  /** SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET. */
  type: number;
  /** Its bound name ("\0..." for an abstract one); absent when unnamed. */
  name?: string;
}

const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SO_PROTOCOL = 38;
const SO_DOMAIN = 39;

/** By the host socket's inode: what /proc/net/unix said (a stdio fd does not change what it is). */
const known = new Map<bigint, HostUnixSocket | null>();

function lookUp(ino: bigint): HostUnixSocket | null {
  let table: string;
  try {
    table = fs.readFileSync('/proc/net/unix', 'latin1');
  } catch {
    return null;
  }
  // Num RefCount Protocol Flags Type St Inode Path
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 7 || fields[6] !== String(ino)) continue;
    const path = fields[7];
    const socket: HostUnixSocket = { type: parseInt(fields[4]!, 16) };
    if (path !== undefined) socket.name = path.startsWith('@') ? `\0${path.slice(1)}` : path;
    return socket;
  }
  return null;
}

/** The host AF_UNIX socket behind a stdio fd of the caller, if that is what it is. */
export function stdioUnixSocket(ctx: SyscallContext, fd: number): HostUnixSocket | undefined {
  const d = lookupFd(ctx, fd);
  const hostFd = d?.file.kind === 'stdio' ? d.file.hostFd : undefined;
  if (hostFd === undefined) return undefined;
  let st: fs.BigIntStats;
  try {
    st = fs.fstatSync(hostFd, { bigint: true });
  } catch {
    return undefined;
  }
  if (!st.isSocket()) return undefined;
  let socket = known.get(st.ino);
  if (socket === undefined) {
    socket = lookUp(st.ino);
    known.set(st.ino, socket);
  }
  return socket ?? undefined;
}

/** getsockopt's value for such a socket: SOL_SOCKET's SO_TYPE, SO_DOMAIN, SO_PROTOCOL; ENOPROTOOPT for the rest (EOPNOTSUPP at other levels, which unix sockets have none of). */
export function stdioSocketOption(socket: HostUnixSocket, level: number, name: number): number {
  if (level !== SOL_SOCKET) return -Errno.EOPNOTSUPP;
  if (name === SO_TYPE) return socket.type;
  if (name === SO_DOMAIN) return AF_UNIX;
  if (name === SO_PROTOCOL) return 0;
  return -Errno.ENOPROTOOPT;
}
