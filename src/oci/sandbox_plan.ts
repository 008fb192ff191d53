// What a bundle asks of the sandbox, in tsvisor's terms: the root, binds and tmpfs mounts, the
// process, its identity and limits. Mounts the kernel provides itself or cannot provide are
// dropped with a note (each logged at debug level).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_LIMITS, type SandboxLimits } from '../cli/run_options.js';
import type { Credentials } from '../kernel/state.js';
import type { BundleConfig, MountSpec, ProcessSpec } from './bundle_config.js';
import { OciError } from './oci_error.js';
import { DEV_SHM } from '../kernel/vfs/tmpfs.js';
import { applyTmpfsOptions, LINUX_TMPFS_DEFAULTS, TmpfsOptionError, type TmpfsMount, type TmpfsOptions } from '../kernel/vfs/tmpfs_options.js';
import { capabilitySetsOf } from './process_capabilities.js';

export interface SandboxPlan {
  rootfs: string;
  readonlyRoot: boolean;
  /** Host directories or files shown at sandbox paths (read-only lower layers). */
  /** rw: changes reach the host; ro: changes are refused (EROFS); overlay: changes stay in the sandbox. */
  binds: Array<{ host: string; sandbox: string; access: 'rw' | 'ro' | 'overlay' }>;
  tmpfs: TmpfsMount[];
  /** The bundle's tmpfs at /dev/shm (Docker's --shm-size): its options and source, for the kernel's own /dev/shm. */
  shm?: TmpfsMount;
  hostname: string;
  limits: SandboxLimits;
  process: ProcessPlan;
  notes: string[];
}

export interface ProcessPlan {
  args: string[];
  env: string[];
  cwd: string;
  creds: Credentials;
  terminal: boolean;
  /** process.noNewPrivileges: set-ID bits grant nothing. */
  noNewPrivs: boolean;
}

/** Paths that are the kernel's own filesystems: mounts there are not needed (or not possible). */
const KERNEL_OWNED = /^\/(proc|dev|sys)(\/|$)/;

export function processPlan(spec: ProcessSpec): ProcessPlan {
  const groups = spec.user.additionalGids ?? [];
  const { uid, gid } = spec.user;
  const caps = capabilitySetsOf(spec.capabilities);
  return {
    args: spec.args,
    env: spec.env ?? [],
    cwd: spec.cwd,
    creds: { uid, euid: uid, suid: uid, gid, egid: gid, sgid: gid, groups, ...(caps ? { caps } : {}) },
    terminal: spec.terminal ?? false,
    noNewPrivs: spec.noNewPrivileges ?? false,
  };
}

function mountPlan(m: MountSpec, index: number, plan: SandboxPlan, bundle: string): void {
  const where = `mounts[${index}]`;
  const dest = path.posix.normalize(m.destination).replace(/(.)\/$/, '$1');
  const options = m.options ?? [];
  const isBind = m.type === 'bind' || options.includes('bind') || options.includes('rbind');
  if (isBind) {
    if (!m.source) throw new OciError(`${where}.source: a bind mount needs a source`);
    if (KERNEL_OWNED.test(dest)) {
      plan.notes.push(`${where}: bind at ${dest} left out (the kernel provides ${dest.split('/')[1]})`);
      return;
    }
    if (dest === '/') throw new OciError(`${where}.destination: cannot bind over the root`);
    const host = path.resolve(bundle, m.source);
    if (!fs.existsSync(host)) throw new OciError(`${where}.source: ${m.source}: no such file or directory`);
    const readOnly = options.includes('ro');
    // Changes reach the host through a directory bind only (vfs/writable_bind.ts walks from a
    // directory); a file bind's changes (Docker's /etc/hosts, resolv.conf) stay in the overlay.
    plan.binds.push({ host, sandbox: dest, access: readOnly ? 'ro' : fs.statSync(host).isDirectory() ? 'rw' : 'overlay' });
    return;
  }
  switch (m.type) {
    case 'tmpfs': {
      const tmpfs: TmpfsMount = { path: dest, options: tmpfsOptionsOf(options, where, plan), ...(m.source ? { source: m.source } : {}) };
      if (dest === DEV_SHM) {
        plan.shm = tmpfs;
        return;
      }
      if (KERNEL_OWNED.test(dest)) {
        plan.notes.push(`${where}: tmpfs at ${dest} left out (the kernel's own; its /dev/shm takes the options of a tmpfs there)`);
        return;
      }
      if (dest === '/') throw new OciError(`${where}.destination: cannot mount a tmpfs over the root`);
      // A later mount at the same place hides the earlier one: its options win.
      plan.tmpfs = [...plan.tmpfs.filter((t) => t.path !== dest), tmpfs];
      return;
    }
    case 'proc':
    case 'devpts':
    case 'mqueue':
    case 'sysfs':
      plan.notes.push(`${where}: ${m.type} at ${dest} is the kernel's own (${m.type === 'sysfs' ? 'hidden' : 'emulated'})`);
      return;
    case 'cgroup':
    case 'cgroup2':
      plan.notes.push(`${where}: cgroup filesystem ignored (the sandbox has no cgroup view)`);
      return;
    default:
      plan.notes.push(`${where}: mount type ${m.type ?? '(none)'} at ${dest} not supported, left out`);
  }
}

/** A tmpfs mount's options as runc applies them (mount flags and tmpfs's own); tmpcopyup is left out with a note. */
function tmpfsOptionsOf(options: readonly string[], where: string, plan: SandboxPlan): TmpfsOptions {
  if (options.includes('tmpcopyup')) plan.notes.push(`${where}: tmpcopyup not supported, the tmpfs starts empty`);
  try {
    return applyTmpfsOptions(LINUX_TMPFS_DEFAULTS, options.filter((o) => o !== 'tmpcopyup'));
  } catch (err) {
    if (err instanceof TmpfsOptionError) throw new OciError(`${where}.options: ${err.message}`);
    throw err;
  }
}

/** The sandbox a bundle describes; an OciError names the first field it cannot accept. */
export function sandboxPlan(bundle: string, config: BundleConfig): SandboxPlan {
  if (!config.process) throw new OciError('process: is required');
  const rootfs = path.resolve(bundle, config.root.path);
  let st: fs.Stats;
  try {
    st = fs.statSync(rootfs);
  } catch {
    throw new OciError(`rootfs (${rootfs}) does not exist`);
  }
  if (!st.isDirectory()) throw new OciError(`root.path: ${rootfs} is not a directory`);
  const limits: SandboxLimits = { ...DEFAULT_LIMITS };
  const resources = config.linux?.resources;
  const memory = resources?.memory?.limit;
  if (memory !== undefined && memory > 0) limits.memory = memory;
  const pids = resources?.pids?.limit;
  if (pids !== undefined && pids > 0) limits.pids = pids;
  const nofile = config.process.rlimits?.find((r) => r.type === 'RLIMIT_NOFILE');
  if (nofile) limits.fds = Math.max(1, Math.min(nofile.soft, 1 << 20));
  const plan: SandboxPlan = {
    rootfs,
    readonlyRoot: config.root.readonly ?? false,
    binds: [],
    tmpfs: [],
    // No hostname: the host's, as a new UTS namespace starts with (runc's container shows it too).
    hostname: config.hostname && config.hostname.length > 0 ? config.hostname : os.hostname(),
    limits,
    process: processPlan(config.process),
    notes: [],
  };
  (config.mounts ?? []).forEach((m, i) => mountPlan(m, i, plan, bundle));
  for (const r of config.process.rlimits ?? []) {
    if (r.type !== 'RLIMIT_NOFILE') plan.notes.push(`process.rlimits: ${r.type} recorded, not applied`);
  }
  return plan;
}
