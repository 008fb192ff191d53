// The sandbox's namespaces: one set that every process of it shares, made by tsvisor below the
// host's initial ones. Each has its own inode number (in the range Linux gives namespaces made
// after boot), which /proc/PID/ns/NAME's link shows ("pid:[N]") and its nsfs file has.
import { CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER, CLONE_NEWUTS } from '../abi/clone_flags.js';

export interface SandboxNamespace {
  /** The kind, as the link names it: pid, user, mnt... */
  kind: string;
  inode: number;
  /** NS_GET_NSTYPE's answer. */
  cloneFlag: number;
}

const NAMESPACES: readonly SandboxNamespace[] = [
  { kind: 'cgroup', inode: 4026532100, cloneFlag: CLONE_NEWCGROUP },
  { kind: 'ipc', inode: 4026532101, cloneFlag: CLONE_NEWIPC },
  { kind: 'mnt', inode: 4026532102, cloneFlag: CLONE_NEWNS },
  { kind: 'net', inode: 4026532103, cloneFlag: CLONE_NEWNET },
  { kind: 'pid', inode: 4026532104, cloneFlag: CLONE_NEWPID },
  { kind: 'time', inode: 4026532105, cloneFlag: CLONE_NEWTIME },
  { kind: 'user', inode: 4026532106, cloneFlag: CLONE_NEWUSER },
  { kind: 'uts', inode: 4026532107, cloneFlag: CLONE_NEWUTS },
];

/** The names of /proc/PID/ns's links, in Linux's order (pid_for_children and time_for_children are the process's own). */
export const NAMESPACE_LINK_NAMES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'pid_for_children', 'time', 'time_for_children', 'user', 'uts'] as const;

/** The namespace a /proc/PID/ns link name stands for. */
export function namespaceOfLink(name: string): SandboxNamespace | undefined {
  const kind = name.replace(/_for_children$/, '');
  return (NAMESPACE_LINK_NAMES as readonly string[]).includes(name) ? NAMESPACES.find((n) => n.kind === kind) : undefined;
}

/** The namespace whose nsfs file a path of the sandbox's /proc names (/proc/PID[/task/TID]/ns/NAME). */
export function namespaceOfPath(path: string): SandboxNamespace | undefined {
  const m = /^\/proc\/\d+(?:\/task\/\d+)?\/ns\/([a-z_]+)$/.exec(path);
  return m ? namespaceOfLink(m[1]!) : undefined;
}
