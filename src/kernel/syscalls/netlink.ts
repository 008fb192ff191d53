// AF_NETLINK sockets: NETLINK_ROUTE (netlink_route.ts: getifaddrs, if_nameindex, `ip`) and
// NETLINK_SOCK_DIAG (sock_diag.ts: `ss`), the protocols the programs a sandbox runs ask for. A netlink socket is a
// datagram socket whose address is a port id (autobound to the process's pid when free, as
// Linux does); what it sends goes to the kernel, which queues the answers on the same socket
// as datagrams from port 0. Other user sockets and multicast groups are not reachable: the
// sandbox's network never changes, so there is nothing to be notified of.
import { Errno } from '../errno.js';
import type { SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { answerRequests } from './netlink_messages.js';
import { answerRouteRequests } from './netlink_route.js';
import { sockDiagAnswerer } from './sock_diag.js';
import { optionOf } from './loopback.js';

export const AF_NETLINK = 16;
export const NETLINK_ROUTE = 0;
export const NETLINK_SOCK_DIAG = 4;
export const SOL_NETLINK = 270;
/** The option that makes errors echo only the request's header. */
export const NETLINK_CAP_ACK = 10;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
/** sizeof(struct sockaddr_nl). */
export const SOCKADDR_NL_SIZE = 12;
/** The kernel's own port id: where requests go and answers come from. */
const KERNEL_PORT = '0';
/** Where Linux starts the port ids it gives when the pid is taken (counting down). */
const FIRST_SPARE_PORT = -4096;
/** A netlink socket's receive buffer (Linux's default rmem). */
const RECEIVE_LIMIT = 212992;

/** socket(AF_NETLINK, type, protocol): the base type, or -errno. */
export function checkNetlinkType(base: number, protocol: number): number {
  if (base !== SOCK_RAW && base !== SOCK_DGRAM) return -Errno.ESOCKTNOSUPPORT;
  return protocol === NETLINK_ROUTE || protocol === NETLINK_SOCK_DIAG ? base : -Errno.EPROTONOSUPPORT;
}

export function isNetlink(s: SocketState): boolean {
  return s.family === AF_NETLINK;
}

/** Reads a sockaddr_nl: its port id as text, or -errno. The groups field is not kept. */
export function readNetlinkAddress(raw: Uint8Array): string | number {
  if (raw.length < SOCKADDR_NL_SIZE) return -Errno.EINVAL;
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  if (view.readUInt16LE(0) !== AF_NETLINK) return -Errno.EINVAL;
  return String(view.readUInt32LE(4));
}

export function encodeNetlinkAddress(address: string | undefined): Buffer {
  const out = Buffer.alloc(SOCKADDR_NL_SIZE);
  out.writeUInt16LE(AF_NETLINK, 0);
  out.writeUInt32LE(Number(address ?? 0) >>> 0, 4);
  return out;
}

function portKey(port: number): string {
  return `netlink:${port >>> 0}`;
}

function bindPort(ctx: SyscallContext, s: SocketState, port: number): void {
  ctx.emit({ type: 'SocketBound', id: s.id, address: String(port >>> 0), key: portKey(port) });
}

/** A free port id: the caller's pid, else -4096, -4097, ... (as u32). */
function autobind(ctx: SyscallContext, s: SocketState): void {
  const names = ctx.kernel.state.socketNames;
  let port = ctx.process.pid;
  for (let spare = FIRST_SPARE_PORT; names.has(portKey(port)); spare--) port = spare;
  bindPort(ctx, s, port);
}

/** bind(): port 0 asks for one; a bound socket keeps its port (binding it again to any other, 0 too, is EINVAL). */
export function bindNetlink(ctx: SyscallContext, s: SocketState, address: string): Outcome {
  const port = Number(address);
  if (s.address !== undefined) return address === s.address ? 0 : -Errno.EINVAL;
  if (port === 0) {
    autobind(ctx, s);
    return 0;
  }
  if (ctx.kernel.state.socketNames.has(portKey(port))) return -Errno.EADDRINUSE;
  bindPort(ctx, s, port);
  return 0;
}

/** connect(): only the kernel (port 0) can be a netlink socket's peer here. */
export function connectNetlink(ctx: SyscallContext, s: SocketState, address: string): Outcome {
  if (address !== KERNEL_PORT) return -Errno.ECONNREFUSED;
  if (s.address === undefined) autobind(ctx, s);
  ctx.emit({ type: 'SocketDatagramPeerSet', id: s.id, address });
  return 0;
}

/** Sends requests to the kernel: their answers are queued on the socket itself, from port 0. */
export function sendNetlink(ctx: SyscallContext, s: SocketState, bytes: Uint8Array, to: string | undefined): Outcome {
  if ((to ?? s.peerAddress ?? KERNEL_PORT) !== KERNEL_PORT) return -Errno.ECONNREFUSED;
  if (s.address === undefined) autobind(ctx, s);
  const port = Number(ctx.kernel.state.sockets.get(s.id)!.address);
  const capAck = (optionOf(s, SOL_NETLINK, NETLINK_CAP_ACK) ?? 0) !== 0;
  const answers = s.protocol === NETLINK_SOCK_DIAG
    ? answerRequests(bytes, port, capAck, sockDiagAnswerer(ctx.kernel.state))
    : answerRouteRequests(bytes, port, capAck);
  for (const datagram of answers) {
    // Answers nobody reads do not pile up: past the receive buffer they are dropped, and the
    // socket's next receive reports it (ENOBUFS), as Linux does.
    if (s.queued + datagram.length > RECEIVE_LIMIT) {
      if (!s.overrun) ctx.emit({ type: 'SocketOverrun', id: s.id, overrun: true });
      continue;
    }
    ctx.emit({ type: 'SocketMessageQueued', id: s.id, bytes: datagram, fileIds: [], creds: { pid: 0, uid: 0, gid: 0 }, from: KERNEL_PORT });
  }
  if (answers.length > 0) ctx.kernel.notify(`socket:${s.id}`);
  return bytes.length;
}

/** A receive on a netlink socket that dropped answers: ENOBUFS once (and the mark cleared), else undefined. */
export function takeOverrun(ctx: SyscallContext, s: SocketState): number | undefined {
  if (!s.overrun) return undefined;
  ctx.emit({ type: 'SocketOverrun', id: s.id, overrun: false });
  return -Errno.ENOBUFS;
}
