// The sandbox's sockets as Linux's socket tables list them (/proc/net/*, sock_diag): which
// ones appear, in which TCP state, with which peer address.
import type { KernelState, SocketState } from '../state.js';

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const TCP_ESTABLISHED = 0x01;
export const TCP_CLOSE = 0x07;
export const TCP_CLOSE_WAIT = 0x08;
export const TCP_LISTEN = 0x0a;

/**
 * The inet sockets of one family and type. UDP-Lite ones are left out: Linux lists them in
 * tables of their own (/proc/net/udplite, sock_diag's IPPROTO_UDPLITE), which the sandbox does not have.
 */
export function inetSockets(state: KernelState, family: number, type: number): SocketState[] {
  return [...state.sockets.values()].filter((s) => s.family === family && s.type === type && s.protocol === undefined);
}

/** A TCP socket's state, or undefined for one in no table Linux lists (neither listening nor connected). */
export function tcpState(s: SocketState): number | undefined {
  if (s.listening) return TCP_LISTEN;
  if (s.peer !== undefined) return TCP_ESTABLISHED;
  if (s.peerGone) return TCP_CLOSE_WAIT;
  return undefined;
}

/** A UDP socket's state: connected (a default destination) or not. */
export function udpState(s: SocketState): number {
  return s.peerAddress === undefined ? TCP_CLOSE : TCP_ESTABLISHED;
}

/** The address of a stream socket's connected peer, if any. */
export function peerAddressOf(state: KernelState, s: SocketState): string | undefined {
  return s.peer === undefined ? undefined : state.sockets.get(s.peer)?.address;
}
