// SO_LINGER (struct linger { int l_onoff; int l_linger; }) as a socket keeps it among its integer
// options: the time (as an unsigned 32-bit number) * 2 + onoff, so that one number holds both
// (Linux keeps the time when the option is turned off, and getsockopt shows it as it was set).
import type { SocketState } from '../state.js';

export const SOL_SOCKET = 1;
export const SO_LINGER = 13;

export interface Linger {
  on: boolean;
  seconds: number;
}

export function encodeLinger(l: Linger): number {
  return (l.seconds >>> 0) * 2 + (l.on ? 1 : 0);
}

export function lingerOf(s: SocketState): Linger {
  const v = s.options?.[`${SOL_SOCKET}:${SO_LINGER}`] ?? 0;
  return { on: v % 2 === 1, seconds: Math.floor(v / 2) | 0 };
}
