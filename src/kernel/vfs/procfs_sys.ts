// /proc/sys beyond kernel/{hostname,osrelease,...} and the System V limits (procfs_content.ts):
// the tunables programs read to size themselves (Go and the JVM read somaxconn for listen's
// backlog, tools read pipe-max-size before F_SETPIPE_SZ, scripts take a fresh UUID from
// random/uuid). Each value is the one the sandbox's kernel enforces, or the host's where the
// host enforces it (the program's memory is the stub's, mapped by the host), or Linux's
// constant. Tunables the sandbox does not enforce (inotify's watch and instance counts,
// file-max, mqueue's queues_max) are absent rather than shown with a value nothing holds.
import type crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';

import { PIPE_MAX_SIZE } from '../syscalls/fd.js';
import { EPHEMERAL_FIRST, EPHEMERAL_LAST } from '../syscalls/loopback.js';
import { PING_GROUP_RANGE } from '../syscalls/icmp_raw.js';
import { MSGSIZE_DEFAULT, MSGSIZE_MAX, MSG_DEFAULT, MSG_MAX } from '../syscalls/mqueue.js';
import { SOMAXCONN } from '../syscalls/socket.js';
import { MAX_QUEUED_EVENTS } from './inotify_reducer.js';
import type { ProcContext } from './procfs_content.js';

/**
 * node:crypto, required when a program first reads random/uuid or boot_id: imported, it would
 * load ~20 modules (crypto and the stream modules) at every sandbox process's start-up.
 */
function nodeCrypto(): typeof crypto {
  return createRequire(import.meta.url)('node:crypto') as typeof crypto;
}

/** Linux's kernel/random/{entropy_avail,poolsize} since 5.18: the pool is always full, 256 bits. */
const RANDOM_POOL_BITS = 256;
/** What a uid or gid without a mapping shows as (SCM_CREDENTIALS, stat of unmapped owners). */
const OVERFLOW_ID = 65534;

function hostValue(path: string, fallback: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * The sandbox's boot id: a version 4 UUID that stays the same for the sandbox's life (and
 * across a checkpoint, the boot time being part of the saved state), made from its boot time.
 */
export function bootId(c: ProcContext): string {
  const h = nodeCrypto().createHash('sha256').update(`tsvisor-boot:${c.bootMs}:${c.state.hostname}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Files below /proc/sys, by name below /proc. */
export const SYSCTL_FILES: Readonly<Record<string, (c: ProcContext) => string>> = {
  'sys/kernel/random/uuid': () => `${nodeCrypto().randomUUID()}\n`,
  'sys/kernel/random/boot_id': (c) => `${bootId(c)}\n`,
  'sys/kernel/random/entropy_avail': () => `${RANDOM_POOL_BITS}\n`,
  'sys/kernel/random/poolsize': () => `${RANDOM_POOL_BITS}\n`,
  // Tasks at once: what --pids-limit lets fork and clone make.
  'sys/kernel/threads-max': (c) => `${c.limits.pids}\n`,
  'sys/kernel/overflowuid': () => `${OVERFLOW_ID}\n`,
  'sys/kernel/overflowgid': () => `${OVERFLOW_ID}\n`,
  'sys/kernel/tainted': () => '0\n',
  // The program's address space is the stub's on the host: the host places and counts its mappings.
  'sys/kernel/randomize_va_space': () => hostValue('/proc/sys/kernel/randomize_va_space', '2\n'),
  'sys/vm/max_map_count': () => hostValue('/proc/sys/vm/max_map_count', '65530\n'),
  'sys/vm/mmap_min_addr': () => hostValue('/proc/sys/vm/mmap_min_addr', '65536\n'),
  'sys/vm/overcommit_ratio': () => '50\n',
  'sys/fs/pipe-max-size': () => `${PIPE_MAX_SIZE}\n`,
  'sys/fs/inotify/max_queued_events': () => `${MAX_QUEUED_EVENTS}\n`,
  'sys/fs/mqueue/msg_default': () => `${MSG_DEFAULT}\n`,
  'sys/fs/mqueue/msg_max': () => `${MSG_MAX}\n`,
  'sys/fs/mqueue/msgsize_default': () => `${MSGSIZE_DEFAULT}\n`,
  'sys/fs/mqueue/msgsize_max': () => `${MSGSIZE_MAX}\n`,
  'sys/net/core/somaxconn': () => `${SOMAXCONN}\n`,
  'sys/net/ipv4/ip_local_port_range': () => `${EPHEMERAL_FIRST}\t${EPHEMERAL_LAST}\n`,
  'sys/net/ipv4/ping_group_range': () => `${PING_GROUP_RANGE}\n`,
};
