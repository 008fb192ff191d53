// The sandbox's network interfaces, as netlink (netlink_route.ts) and the SIOCGIF* ioctls
// (interface_ioctl.ts) describe them. A sandbox has one: the loopback device, up, holding
// 127.0.0.1/8 and ::1/128, the addresses of its loopback network (loopback.ts). This is what a
// fresh network namespace shows once `ip link set lo up` ran, and what `runsc --network=none`
// offers; the host's interfaces are never visible.
import { AF_INET, AF_INET6 } from './inet_address.js';

export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_RUNNING = 0x40;
export const IFF_LOWER_UP = 0x10000;
export const ARPHRD_LOOPBACK = 772;
export const RT_SCOPE_HOST = 254;

export interface InterfaceAddress {
  family: number;
  /** 4 or 16 bytes, network order. */
  address: Uint8Array;
  prefixLength: number;
  scope: number;
}

export interface NetInterface {
  index: number;
  name: string;
  /** IFF_* flags as SIOCGIFFLAGS and ifinfomsg report them. */
  flags: number;
  type: number;
  mtu: number;
  txQueueLength: number;
  hardwareAddress: Uint8Array;
  addresses: readonly InterfaceAddress[];
}

const LOOPBACK: NetInterface = {
  index: 1,
  name: 'lo',
  flags: IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP,
  type: ARPHRD_LOOPBACK,
  mtu: 65536,
  txQueueLength: 1000,
  hardwareAddress: new Uint8Array(6),
  addresses: [
    { family: AF_INET, address: Uint8Array.of(127, 0, 0, 1), prefixLength: 8, scope: RT_SCOPE_HOST },
    { family: AF_INET6, address: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), prefixLength: 128, scope: RT_SCOPE_HOST },
  ],
};

export const INTERFACES: readonly NetInterface[] = [LOOPBACK];

export function interfaceByIndex(index: number): NetInterface | undefined {
  return INTERFACES.find((i) => i.index === index);
}

export function interfaceByName(name: string): NetInterface | undefined {
  return INTERFACES.find((i) => i.name === name);
}
