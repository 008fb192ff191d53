// /proc/net: the sandbox's network as Linux's files show it, made from kernel state: its
// sockets (tcp, tcp6, udp, udp6, unix) and its one interface (dev, if_inet6; route has no
// entries, the main table being empty). Fields the sandbox does not keep are shown as Linux
// shows an idle socket: no timers, a zero kernel pointer (as with kptr_restrict), TCP's
// initial retransmission figures. Traffic counters are zero.
import { AF_INET, AF_INET6, addressBytes, parseInet } from '../syscalls/inet_address.js';
import { INTERFACES } from '../syscalls/net_interfaces.js';
import { SOCK_DGRAM, SOCK_STREAM, TCP_LISTEN, inetSockets, peerAddressOf, tcpState, udpState } from '../syscalls/socket_listing.js';
import type { ProcContext } from './procfs_content.js';

const SS_UNCONNECTED = 1;
const SS_CONNECTED = 3;
/** __SO_ACCEPTCON: a listening unix socket. */
const UNIX_LISTENING = 0x10000;
const NULL_POINTER = '0000000000000000';
/** Linux pads each line of /proc/net/tcp to 149 characters and of /proc/net/udp to 127. */
const TCP4_WIDTH = 149;
const UDP4_WIDTH = 127;

function hex(v: number, digits: number): string {
  return (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');
}

/** An address as /proc/net shows it: each 32-bit word of it as the CPU reads it (little-endian), then the port. */
function endpoint(family: number, text: string | undefined): string {
  const { ip, port } = text === undefined ? { ip: family === AF_INET ? '0.0.0.0' : '::', port: 0 } : parseInet(text);
  const bytes = Buffer.from(addressBytes(family, ip));
  let words = '';
  for (let i = 0; i < bytes.length; i += 4) words += hex(bytes.readUInt32LE(i), 8);
  return `${words}:${hex(port, 4)}`;
}

function tcpTable(c: ProcContext, family: number): string {
  const header = family === AF_INET
    ? '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
    : '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
  const pad = (line: string): string => (family === AF_INET ? line.padEnd(TCP4_WIDTH) : line);
  const lines = [pad(header)];
  for (const s of inetSockets(c.state, family, SOCK_STREAM)) {
    const st = tcpState(s);
    if (st === undefined || s.address === undefined) continue;
    const remote = peerAddressOf(c.state, s);
    const rx = st === TCP_LISTEN ? s.backlog.length : s.queued;
    const tail = st === TCP_LISTEN ? '1 ' + NULL_POINTER + ' 100 0 0 10 0' : '1 ' + NULL_POINTER + ' 20 4 30 10 -1';
    lines.push(pad(`${String(lines.length - 1).padStart(4)}: ${endpoint(family, s.address)} ${endpoint(family, remote)} ${hex(st, 2)} 00000000:${hex(rx, 8)} 00:00000000 00000000 ${String(s.creds.uid).padStart(5)} ${'0'.padStart(8)} ${s.id} ${tail}`));
  }
  return lines.map((l) => `${l}\n`).join('');
}

function udpTable(c: ProcContext, family: number): string {
  const header = family === AF_INET
    ? '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops'
    : '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
  const pad = (line: string): string => (family === AF_INET ? line.padEnd(UDP4_WIDTH) : line);
  const lines = [pad(header)];
  for (const s of inetSockets(c.state, family, SOCK_DGRAM)) {
    if (s.address === undefined) continue;
    const st = udpState(s);
    lines.push(pad(`${String(lines.length - 1).padStart(5)}: ${endpoint(family, s.address)} ${endpoint(family, s.peerAddress)} ${hex(st, 2)} 00000000:${hex(s.queued, 8)} 00:00000000 00000000 ${String(s.creds.uid).padStart(5)} ${'0'.padStart(8)} ${s.id} 2 ${NULL_POINTER} 0`));
  }
  return lines.map((l) => `${l}\n`).join('');
}

function unixTable(c: ProcContext): string {
  const lines = ['Num       RefCount Protocol Flags    Type St Inode Path'];
  for (const s of c.state.sockets.values()) {
    if (s.family !== undefined) continue;
    const state = s.peer !== undefined ? SS_CONNECTED : SS_UNCONNECTED;
    const path = s.address === undefined ? '' : ` ${s.address.startsWith('\0') ? `@${s.address.slice(1).replaceAll('\0', '@')}` : s.address}`;
    lines.push(`${NULL_POINTER}: 00000002 00000000 ${hex(s.listening ? UNIX_LISTENING : 0, 8)} ${hex(s.type, 4)} ${hex(state, 2)} ${String(s.id).padStart(5)}${path}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function devTable(): string {
  const counters = (): string => {
    const f = [8, 7, 4, 4, 4, 5, 10, 9, 8, 7, 4, 4, 4, 5, 7, 10];
    return f.map((w) => '0'.padStart(w)).join(' ');
  };
  return [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    ...INTERFACES.map((i) => `${i.name.padStart(6)}:${counters()}`),
    '',
  ].join('\n');
}

/** /proc/net/if_inet6: address, interface index, prefix length, scope (0x10: host), flags (0x80: permanent), name. */
function ipv6Addresses(): string {
  const IPV6_ADDR_LOOPBACK_SCOPE = 0x10;
  const IFA_F_PERMANENT = 0x80;
  return INTERFACES.flatMap((i) =>
    i.addresses.filter((a) => a.family === AF_INET6).map((a) =>
      `${Buffer.from(a.address).toString('hex')} ${hex(i.index, 2).toLowerCase()} ${hex(a.prefixLength, 2).toLowerCase()} ${hex(IPV6_ADDR_LOOPBACK_SCOPE, 2)} ${hex(IFA_F_PERMANENT, 2)} ${i.name.padStart(8)}\n`),
  ).join('');
}

/** TCP sockets Linux counts as in use (in its tables) and as allocated, of one family. */
function tcpCounts(c: ProcContext, family: number): { inuse: number; alloc: number } {
  const all = inetSockets(c.state, family, SOCK_STREAM);
  return { inuse: all.filter((s) => s.address !== undefined && tcpState(s) !== undefined).length, alloc: all.length };
}

function udpInUse(c: ProcContext, family: number): number {
  return inetSockets(c.state, family, SOCK_DGRAM).filter((s) => s.address !== undefined).length;
}

/** /proc/net/sockstat: the sandbox's sockets by protocol (memory in pages: none is accounted). */
function sockstat(c: ProcContext): string {
  const tcp = tcpCounts(c, AF_INET);
  return [
    `sockets: used ${c.state.sockets.size}`,
    `TCP: inuse ${tcp.inuse} orphan 0 tw 0 alloc ${tcp.alloc + tcpCounts(c, AF_INET6).alloc} mem 0`,
    `UDP: inuse ${udpInUse(c, AF_INET)} mem 0`,
    'UDPLITE: inuse 0',
    'RAW: inuse 0',
    'FRAG: inuse 0 memory 0',
    '',
  ].join('\n');
}

function sockstat6(c: ProcContext): string {
  return [`TCP6: inuse ${tcpCounts(c, AF_INET6).inuse}`, `UDP6: inuse ${udpInUse(c, AF_INET6)}`, 'UDPLITE6: inuse 0', 'RAW6: inuse 0', 'FRAG6: inuse 0 memory 0', ''].join('\n');
}

/**
 * /proc/net/snmp: a fresh network namespace's figures (not forwarding, TTL 64, Linux's RTO
 * bounds) with the established TCP connections counted; traffic counters are zero.
 */
function snmp(c: ProcContext): string {
  const established = [AF_INET, AF_INET6].flatMap((f) => inetSockets(c.state, f, SOCK_STREAM)).filter((s) => s.peer !== undefined).length;
  const table = (name: string, fields: string, values: (string | number)[]): string => {
    const count = fields.split(' ').length;
    return `${name}: ${fields}\n${name}: ${[...values, ...Array<number>(count - values.length).fill(0)].join(' ')}\n`;
  };
  return [
    table('Ip', 'Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits', [2, 64]),
    table('Icmp', 'InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps', []),
    table('Tcp', 'RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors', [1, 200, 120000, -1, 0, 0, 0, 0, established]),
    table('Udp', 'InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors', []),
    table('UdpLite', 'InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors', []),
  ].join('');
}

export const PROC_NET_FILES: Readonly<Record<string, (c: ProcContext) => string>> = {
  'net/tcp': (c) => tcpTable(c, AF_INET),
  'net/tcp6': (c) => tcpTable(c, AF_INET6),
  'net/udp': (c) => udpTable(c, AF_INET),
  'net/udp6': (c) => udpTable(c, AF_INET6),
  'net/unix': (c) => unixTable(c),
  'net/dev': () => devTable(),
  'net/sockstat': (c) => sockstat(c),
  'net/sockstat6': (c) => sockstat6(c),
  'net/snmp': (c) => snmp(c),
  'net/if_inet6': () => ipv6Addresses(),
  'net/route': () => `${'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'.padEnd(127)}\n`,
};
