// NETLINK_SOCK_DIAG requests and their answers: SOCK_DIAG_BY_FAMILY dumps of the sandbox's
// own sockets, TCP and UDP over IPv4 and IPv6 (inet_diag) and unix sockets (unix_diag), the
// requests `ss` makes. Each socket is described as Linux describes an idle one on loopback: no
// timers or retransmissions, the queues' byte counts, the owner's uid and the socket's inode
// (its id: what /proc/PID/fd's socket:[N] links show, so `ss -p` finds the owning process).
// Not answered: exact lookups of one inet socket (EOPNOTSUPP), the extensions a request may ask
// for (tcp_info, memory figures: left out of the answer), SOCK_DESTROY (EPERM, as without
// CAP_NET_ADMIN), and other families (ENOENT, as for a diag module that is not loaded).
import { encodeBytes } from '../../byte_string.js';
import { Errno } from '../errno.js';
import type { KernelState, SocketState } from '../state.js';
import { AF_INET, AF_INET6, addressBytes, parseInet } from './inet_address.js';
import { IPPROTO_IPV6, IPV6_V6ONLY, optionOf } from './loopback.js';
import { NLM_F_DUMP, dumpDatagrams, encodeAttributes, errorMessage, type Attribute, type NetlinkRequest } from './netlink_messages.js';
import { SOCK_DGRAM, SOCK_STREAM, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, inetSockets, peerAddressOf, tcpState, udpState } from './socket_listing.js';

const SOCK_DIAG_BY_FAMILY = 20;
const SOCK_DESTROY = 21;
const AF_UNIX = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/** sizeof(struct inet_diag_req_v2) and of its answer's fixed part (struct inet_diag_msg). */
const INET_DIAG_REQ_SIZE = 56;
const INET_DIAG_MSG_SIZE = 72;
const INET_DIAG_SHUTDOWN = 8;
const INET_DIAG_SKV6ONLY = 11;

/** sizeof(struct unix_diag_req) and of struct unix_diag_msg. */
const UNIX_DIAG_REQ_SIZE = 24;
const UNIX_DIAG_MSG_SIZE = 16;
const UDIAG_SHOW_NAME = 0x01;
const UDIAG_SHOW_PEER = 0x04;
const UDIAG_SHOW_RQLEN = 0x10;
const UDIAG_SHOW_UID = 0x40;
const UNIX_DIAG_NAME = 0;
const UNIX_DIAG_PEER = 2;
const UNIX_DIAG_RQLEN = 4;
const UNIX_DIAG_UID = 7;

const RCV_SHUTDOWN = 1;
const SEND_SHUTDOWN = 2;

/** The answers to the requests a program sent on a NETLINK_SOCK_DIAG socket, from state as it is now. */
export function sockDiagAnswerer(state: KernelState): (request: NetlinkRequest, portId: number) => Buffer[] {
  return (request, portId) => {
    const dump = answer(state, request);
    if (typeof dump === 'number') return [errorMessage(request, portId, -dump)];
    return dumpDatagrams(request, portId, SOCK_DIAG_BY_FAMILY, dump.records, dump.endErrno);
  };
}

/** What a dump sends: its records, and the errno its NLMSG_DONE carries (0: none). */
interface Dump {
  records: Buffer[];
  endErrno: number;
}

/** A request's dump, or -errno for a request refused before any dump. */
function answer(state: KernelState, request: NetlinkRequest): Dump | number {
  if (request.type === SOCK_DESTROY) return -Errno.EPERM;
  if (request.type !== SOCK_DIAG_BY_FAMILY) return -Errno.EINVAL;
  const body = request.body;
  if (body.length < 2) return -Errno.EINVAL;
  switch (body[0]) {
    case AF_INET:
    case AF_INET6:
      if (body.length < INET_DIAG_REQ_SIZE) return -Errno.EINVAL;
      if ((request.flags & NLM_F_DUMP) !== NLM_F_DUMP) return -Errno.EOPNOTSUPP;
      return inetRecords(state, body[0], body[1]!, body.readUInt32LE(4));
    case AF_UNIX:
      if (body.length < UNIX_DIAG_REQ_SIZE || body[1] !== 0) return -Errno.EINVAL;
      if ((request.flags & NLM_F_DUMP) !== NLM_F_DUMP) return -Errno.EOPNOTSUPP;
      return { records: unixRecords(state, body.readUInt32LE(4), body.readUInt32LE(12)), endErrno: 0 };
    default:
      return -Errno.ENOENT;
  }
}

function inetRecords(state: KernelState, family: number, protocol: number, states: number): Dump {
  // A protocol without a diag handler is found only once the dump runs: its NLMSG_DONE says so.
  if (protocol !== IPPROTO_TCP && protocol !== IPPROTO_UDP) return { records: [], endErrno: Errno.ENOENT };
  const tcp = protocol === IPPROTO_TCP;
  const records: Buffer[] = [];
  for (const s of inetSockets(state, family, tcp ? SOCK_STREAM : SOCK_DGRAM)) {
    if (s.address === undefined) continue;
    const st = tcp ? tcpState(s) : udpState(s);
    if (st === undefined || (states & (1 << st)) === 0) continue;
    records.push(inetRecord(state, s, family, st));
  }
  return { records, endErrno: 0 };
}

/** struct inet_diag_msg, then the attributes Linux always adds. */
function inetRecord(state: KernelState, s: SocketState, family: number, st: number): Buffer {
  const msg = Buffer.alloc(INET_DIAG_MSG_SIZE);
  msg.writeUInt8(family, 0);
  msg.writeUInt8(st, 1);
  const local = parseInet(s.address!);
  const remoteText = s.type === SOCK_STREAM ? peerAddressOf(state, s) : s.peerAddress;
  const remote = remoteText === undefined ? undefined : parseInet(remoteText);
  msg.writeUInt16BE(local.port, 4);
  msg.writeUInt16BE(remote?.port ?? 0, 6);
  Buffer.from(addressBytes(family, local.ip)).copy(msg, 8);
  if (remote) Buffer.from(addressBytes(family, remote.ip)).copy(msg, 24);
  msg.writeUInt32LE(s.id, 44); // the cookie: any number unique to the socket
  const listening = st === TCP_LISTEN;
  msg.writeUInt32LE(listening ? s.backlog.length : s.queued, 56);
  msg.writeUInt32LE(listening ? (s.backlogLimit ?? 0) : 0, 60);
  msg.writeUInt32LE(s.creds.uid, 64);
  msg.writeUInt32LE(s.id, 68);
  const attributes: Attribute[] = [[INET_DIAG_SHUTDOWN, Uint8Array.of(shutdownBits(s))]];
  if (family === AF_INET6) attributes.push([INET_DIAG_SKV6ONLY, Uint8Array.of((optionOf(s, IPPROTO_IPV6, IPV6_V6ONLY) ?? 0) !== 0 ? 1 : 0)]);
  return Buffer.concat([msg, encodeAttributes(attributes)]);
}

function shutdownBits(s: SocketState): number {
  return (s.shutRead ? RCV_SHUTDOWN : 0) | (s.shutWrite ? SEND_SHUTDOWN : 0);
}

function unixRecords(state: KernelState, states: number, show: number): Buffer[] {
  const records: Buffer[] = [];
  for (const s of state.sockets.values()) {
    if (s.family !== undefined) continue;
    const st = s.listening ? TCP_LISTEN : s.peer !== undefined || s.peerAddress !== undefined ? TCP_ESTABLISHED : TCP_CLOSE;
    if ((states & (1 << st)) === 0) continue;
    records.push(unixRecord(state, s, st, show));
  }
  return records;
}

/** struct unix_diag_msg, then the attributes the request's udiag_show asks for (those kept here). */
function unixRecord(state: KernelState, s: SocketState, st: number, show: number): Buffer {
  const msg = Buffer.alloc(UNIX_DIAG_MSG_SIZE);
  msg.writeUInt8(AF_UNIX, 0);
  msg.writeUInt8(s.type, 1);
  msg.writeUInt8(st, 2);
  msg.writeUInt32LE(s.id, 4);
  msg.writeUInt32LE(s.id, 8);
  const attributes: Attribute[] = [];
  // A path name is given with its NUL, an abstract one as its bytes (a NUL, then the name).
  if (show & UDIAG_SHOW_NAME && s.address !== undefined) {
    const name = encodeBytes(s.address);
    attributes.push([UNIX_DIAG_NAME, s.address.startsWith('\0') ? name : Buffer.concat([name, Uint8Array.of(0)])]);
  }
  if (show & UDIAG_SHOW_PEER && s.peer !== undefined) attributes.push([UNIX_DIAG_PEER, s.peer]);
  if (show & UDIAG_SHOW_RQLEN) {
    const lengths = Buffer.alloc(8);
    const peer = s.peer === undefined ? undefined : state.sockets.get(s.peer);
    lengths.writeUInt32LE(s.listening ? s.backlog.length : s.queued, 0);
    lengths.writeUInt32LE(s.listening ? (s.backlogLimit ?? 0) : (peer?.queued ?? 0), 4);
    attributes.push([UNIX_DIAG_RQLEN, lengths]);
  }
  if (show & UDIAG_SHOW_UID) attributes.push([UNIX_DIAG_UID, s.creds.uid]);
  return Buffer.concat([msg, encodeAttributes(attributes)]);
}
