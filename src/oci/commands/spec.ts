// runc spec [--bundle DIR]: writes a default config.json (sh on a terminal, rootfs read-only).
import fs from 'node:fs';
import path from 'node:path';

import { OCI_SPEC_VERSION } from '../spec_version.js';
import { parseCommandArgs } from '../command_args.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';

/** runc spec's capabilities. */
const DEFAULT_CAPABILITIES = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

export function defaultSpec(): object {
  const noSuid = ['nosuid', 'noexec', 'nodev'];
  return {
    ociVersion: OCI_SPEC_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: Object.fromEntries(['bounding', 'effective', 'permitted', 'ambient'].map((set) => [set, [...DEFAULT_CAPABILITIES]])),
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'tsvisor',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: [...noSuid, 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: noSuid },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: [...noSuid, 'ro'] },
    ],
    linux: {
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup'].map((type) => ({ type })),
      maskedPaths: ['/proc/kcore', '/proc/keys', '/sys/firmware'],
      readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

export function specCommand(ctx: RuntimeContext, args: readonly string[]): number {
  const p = parseCommandArgs('spec', args, { bundle: 'string', rootless: 'bool' }, { b: 'bundle' });
  const file = path.join(p.strings.get('bundle') ?? '.', 'config.json');
  if (fs.existsSync(file)) throw new OciError('File config.json exists. Remove it first.');
  fs.writeFileSync(file, JSON.stringify(defaultSpec(), null, '\t') + '\n');
  return 0;
}
