// Socket addresses in the program's memory: sockaddr_un, sockaddr_in, sockaddr_in6 and
// sockaddr_nl read into the text form kept in the kernel's state, and written back for getsockname,
// getpeername, accept and recvfrom. A socket's family decides which form its calls use.
import { decodeBytes, encodeBytes } from '../../byte_string.js';
import { Errno } from '../errno.js';
import type { SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import { AF_INET, AF_INET6, decodeInet, encodeInet, formatInet, parseInet } from './inet_address.js';
import { AF_NETLINK, encodeNetlinkAddress, readNetlinkAddress } from './netlink.js';

export const AF_UNIX = 1;
const SUN_PATH_MAX = 108;
/** sizeof(struct sockaddr_storage): Linux refuses longer addresses. */
const SOCKADDR_MAX = 128;

export function familyOf(s: SocketState): number {
  return s.family ?? AF_UNIX;
}

export function isInet(s: SocketState): boolean {
  return s.family === AF_INET || s.family === AF_INET6;
}

/** Reads a sockaddr_un: the address (a path as given, or "\0name"), or -errno. */
function readUnixAddress(ctx: SyscallContext, addr: number, len: number): string | number {
  if (len < 2 || len > 2 + SUN_PATH_MAX) return -Errno.EINVAL;
  const raw = ctx.read(addr, len);
  if (!raw) return -Errno.EFAULT;
  if ((raw[0]! | (raw[1]! << 8)) !== AF_UNIX) return -Errno.EINVAL;
  const path = raw.subarray(2);
  if (path.length === 0) return -Errno.EINVAL;
  if (path[0] === 0) return '\0' + Buffer.from(path.subarray(1)).toString('latin1');
  const end = path.indexOf(0);
  // The path as given: the socket file is looked up from the cwd, and getsockname shows it so.
  return decodeBytes(end < 0 ? path : path.subarray(0, end));
}

/** Reads the sockaddr a program passed for a socket of `family`, as the kernel's text form, or -errno. */
export function readAddress(ctx: SyscallContext, family: number, addr: number, len: number): string | number {
  if (family === AF_UNIX) return readUnixAddress(ctx, addr, len);
  if (len < 0 || len > SOCKADDR_MAX) return -Errno.EINVAL;
  const raw = ctx.read(addr, len);
  if (!raw) return -Errno.EFAULT;
  if (family === AF_NETLINK) return readNetlinkAddress(raw);
  const a = decodeInet(family, raw);
  return typeof a === 'number' ? a : formatInet(a);
}

export function encodeAddress(family: number, address: string | undefined): Buffer {
  if (family === AF_NETLINK) return encodeNetlinkAddress(address);
  if (family !== AF_UNIX) return encodeInet(family, address === undefined ? undefined : parseInet(address));
  if (address === undefined) return Buffer.from([AF_UNIX, 0]);
  const name = address.startsWith('\0') ? Buffer.from(address, 'latin1') : Buffer.concat([encodeBytes(address), Buffer.from([0])]);
  return Buffer.concat([Buffer.from([AF_UNIX, 0]), name]);
}

/** Writes an address to (addr, *addrlen) as getsockname/accept/recvfrom do (truncated to the room given). */
export function writeAddress(ctx: SyscallContext, family: number, addr: number, lenAddr: number, address: string | undefined): number {
  if (addr === 0) return 0;
  const lenRaw = ctx.read(lenAddr, 4);
  if (!lenRaw) return -Errno.EFAULT;
  const room = Buffer.from(lenRaw).readInt32LE();
  if (room < 0) return -Errno.EINVAL;
  const bytes = encodeAddress(family, address);
  if (!ctx.write(addr, bytes.subarray(0, Math.min(room, bytes.length)))) return -Errno.EFAULT;
  const out = Buffer.alloc(4);
  out.writeInt32LE(bytes.length);
  return ctx.write(lenAddr, out) ? 0 : -Errno.EFAULT;
}
