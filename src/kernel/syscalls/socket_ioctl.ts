// ioctl on sockets: FIONREAD (SIOCINQ), SIOCOUTQ, SIOCATMARK, the owner of SIGIO (FIOSETOWN, SIOCSPGRP and their gets), and the SIOCGIF* requests that ask about a
// network interface by name or index (glibc's if_nametoindex, ifconfig, python's fcntl.ioctl),
// answered from the sandbox's interfaces (net_interfaces.ts). Requests that would change an
// interface (SIOCSIF*) get EPERM, as in a container without CAP_NET_ADMIN.
import { Errno } from '../errno.js';
import type { FdLookup } from '../fd/fd_table.js';
import type { SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { FIONREAD } from '../abi/tty_ioctls.js';
import { AF_INET } from './inet_address.js';
import { atMark, bytesToRead, carriesUrgent } from './urgent_data.js';
import { F_OWNER_PGRP, F_OWNER_PID, getOwner, setOwner } from './sigio.js';
import { INTERFACES, interfaceByIndex, interfaceByName, type NetInterface } from './net_interfaces.js';

const SIOCOUTQ = 0x5411;
const FIOSETOWN = 0x8901;
const SIOCSPGRP = 0x8902;
const FIOGETOWN = 0x8903;
const SIOCGPGRP = 0x8904;
const SIOCATMARK = 0x8905;
const SIOCGIFNAME = 0x8910;
const SIOCGIFCONF = 0x8912;
const SIOCGIFFLAGS = 0x8913;
const SIOCGIFADDR = 0x8915;
const SIOCGIFDSTADDR = 0x8917;
const SIOCGIFBRDADDR = 0x8919;
const SIOCGIFNETMASK = 0x891b;
const SIOCGIFMETRIC = 0x891d;
const SIOCGIFMTU = 0x8921;
const SIOCGIFHWADDR = 0x8927;
const SIOCGIFINDEX = 0x8933;
const SIOCGIFTXQLEN = 0x8942;
/** SIOCSIFFLAGS, ADDR, DSTADDR, BRDADDR, NETMASK, METRIC, MTU, NAME, HWADDR, PFLAGS, TXQLEN, MAP: they change an interface. */
const CHANGING_REQUESTS = new Set([0x8914, 0x8916, 0x8918, 0x891a, 0x891c, 0x891e, 0x8922, 0x8923, 0x8924, 0x8934, 0x8943, 0x8971]);
/** sizeof(struct ifreq): a 16-byte name, then a 24-byte union. */
const IFREQ_SIZE = 40;
const IFNAMSIZ = 16;
/** sizeof(struct ifconf) on x86-64: an int length, padding, a buffer pointer. */
const IFCONF_SIZE = 16;
const SOCK_STREAM = 1;

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

/** A sockaddr_in holding `address` (4 bytes). */
function sockaddrIn(address: Uint8Array): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt16LE(AF_INET, 0);
  out.set(address, 4);
  return out;
}

function ipv4Of(i: NetInterface): { address: Uint8Array; prefixLength: number } | undefined {
  return i.addresses.find((a) => a.family === AF_INET);
}

function netmask(prefixLength: number): Uint8Array {
  return Uint8Array.from({ length: 4 }, (_, k) => (0xff << Math.max(0, 8 - Math.max(0, prefixLength - k * 8))) & 0xff);
}

/** Bytes waiting to be read: a stream's queue, or a datagram socket's next datagram. */
function readable(s: SocketState): number {
  if (s.queue.length === 0) return 0;
  return s.type === SOCK_STREAM ? bytesToRead(s) : s.queue[0]!.bytes.length;
}

/** SIOCGIFCONF: one ifreq (name and sockaddr_in) per IPv4 address, as many as the buffer holds; a NULL buffer asks for the size. */
function interfaceList(ctx: SyscallContext, argp: number): Outcome {
  const conf = ctx.read(argp, IFCONF_SIZE);
  if (!conf) return -Errno.EFAULT;
  const view = Buffer.from(conf);
  const room = view.readInt32LE(0);
  const buffer = Number(view.readBigUInt64LE(8));
  const entries = INTERFACES.flatMap((i) => {
    const a = ipv4Of(i);
    if (!a) return [];
    const entry = Buffer.alloc(IFREQ_SIZE);
    entry.write(i.name, 0, IFNAMSIZ - 1, 'latin1');
    sockaddrIn(a.address).copy(entry, IFNAMSIZ);
    return [entry];
  });
  let used = entries.length * IFREQ_SIZE;
  if (buffer !== 0) {
    const fitting = entries.slice(0, Math.max(0, Math.floor(room / IFREQ_SIZE)));
    used = fitting.length * IFREQ_SIZE;
    if (used > 0 && !ctx.write(buffer, Buffer.concat(fitting))) return -Errno.EFAULT;
  }
  return ctx.write(argp, int32(used)) ? 0 : -Errno.EFAULT;
}

/** The answer (the ifreq's union) to a SIOCGIF* request about one interface, or -errno. */
function interfaceValue(s: SocketState, request: number, i: NetInterface): Buffer | number {
  switch (request) {
    case SIOCGIFFLAGS: {
      const out = Buffer.alloc(2);
      out.writeUInt16LE(i.flags & 0xffff);
      return out;
    }
    case SIOCGIFMETRIC:
      return int32(0);
    case SIOCGIFMTU:
      return int32(i.mtu);
    case SIOCGIFTXQLEN:
      return int32(i.txQueueLength);
    case SIOCGIFINDEX:
      return int32(i.index);
    case SIOCGIFHWADDR: {
      const out = Buffer.alloc(16);
      out.writeUInt16LE(i.type, 0);
      out.set(i.hardwareAddress, 2);
      return out;
    }
  }
  // The address requests belong to IPv4 sockets.
  if (s.family !== AF_INET) return -Errno.ENOTTY;
  const a = ipv4Of(i);
  if (!a) return -Errno.EADDRNOTAVAIL;
  switch (request) {
    case SIOCGIFADDR:
    case SIOCGIFDSTADDR:
      return sockaddrIn(a.address);
    case SIOCGIFBRDADDR:
      return sockaddrIn(new Uint8Array(4)); // the loopback device has no broadcast address
    case SIOCGIFNETMASK:
      return sockaddrIn(netmask(a.prefixLength));
  }
  return -Errno.ENOTTY;
}

const INTERFACE_REQUESTS = new Set([
  SIOCGIFFLAGS, SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFTXQLEN, SIOCGIFINDEX, SIOCGIFHWADDR,
  SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK,
]);

/** ioctl on a socket file: the result, or -ENOTTY for requests sockets do not have. */
export function socketIoctl(ctx: SyscallContext, d: FdLookup, request: number, argp: number): Outcome {
  const s = ctx.kernel.state.sockets.get(d.file.objectId!);
  if (!s) return -Errno.EBADF;
  if (request === FIONREAD) {
    if (s.listening) return -Errno.EINVAL;
    return ctx.write(argp, int32(readable(s))) ? 0 : -Errno.EFAULT;
  }
  if (request === SIOCATMARK) {
    if (!carriesUrgent(s)) return -Errno.ENOTTY;
    return ctx.write(argp, int32(atMark(s) ? 1 : 0)) ? 0 : -Errno.EFAULT;
  }
  if (request === SIOCOUTQ) return ctx.write(argp, int32(0)) ? 0 : -Errno.EFAULT; // sent bytes are queued at the receiver at once
  // The socket's SIGIO/SIGURG owner, as fcntl's F_SETOWN/F_GETOWN: a pid, or a group as its negated id.
  if (request === FIOSETOWN || request === SIOCSPGRP) {
    const raw = ctx.read(argp, 4);
    if (!raw) return -Errno.EFAULT;
    const who = Buffer.from(raw).readInt32LE(0);
    if (who === -0x80000000) return -Errno.EINVAL;
    return setOwner(ctx, d, who < 0 ? F_OWNER_PGRP : F_OWNER_PID, Math.abs(who));
  }
  if (request === FIOGETOWN || request === SIOCGPGRP) return ctx.write(argp, int32(getOwner(ctx, d))) ? 0 : -Errno.EFAULT;
  if (request === SIOCGIFCONF) return interfaceList(ctx, argp);
  if (request === SIOCGIFNAME) {
    const req = ctx.read(argp, IFREQ_SIZE);
    if (!req) return -Errno.EFAULT;
    const i = interfaceByIndex(Buffer.from(req).readInt32LE(IFNAMSIZ));
    if (!i) return -Errno.ENODEV;
    const name = Buffer.alloc(IFNAMSIZ);
    name.write(i.name, 0, IFNAMSIZ - 1, 'latin1');
    return ctx.write(argp, name) ? 0 : -Errno.EFAULT;
  }
  if (INTERFACE_REQUESTS.has(request)) {
    const req = ctx.read(argp, IFREQ_SIZE);
    if (!req) return -Errno.EFAULT;
    const raw = Buffer.from(req.subarray(0, IFNAMSIZ));
    const end = raw.indexOf(0);
    const i = interfaceByName(raw.subarray(0, end < 0 ? IFNAMSIZ : end).toString('latin1'));
    if (!i) return -Errno.ENODEV;
    const value = interfaceValue(s, request, i);
    if (typeof value === 'number') return value;
    return ctx.write(argp + IFNAMSIZ, value) ? 0 : -Errno.EFAULT;
  }
  if (CHANGING_REQUESTS.has(request)) return -Errno.EPERM;
  return -Errno.ENOTTY;
}
