// The path walk: resolves a sandbox path inside the sandbox root, component by component,
// following symlinks itself so that neither `..` nor a symlink (absolute or relative) can
// lead outside the root. /dev and /proc are the kernel's own filesystems (with the tmpfs
// /dev/shm, overlay nodes without a lower layer: vfs/tmpfs.ts); /sys is the sandbox's (vfs/sysfs.ts).
// Everything else is the overlay: its in-memory upper layer (kernel state) over the host
// root. The host is asked only about host paths under the root (lstat, readlink: never
// following a link), and files are opened with O_NOFOLLOW (see syscalls/fs.ts).
import fs from 'node:fs';

import { byteLength, decodeBytes, hostPathArg } from '../../byte_string.js';
import { Errno } from '../errno.js';
import { readHostDirectory } from '../../platform/host_directory.js';
import { hostLstat, hostLstatWalk, hostReadlink } from '../../platform/host_stat.js';
import type { Credentials, OverlayNode, OverlayState, PtyState } from '../state.js';
import { devfsLookup } from './devfs.js';
import { S_IFDIR, syntheticStat, type FileStat } from './file_stat.js';
import { DT_DIR, lookupLayers, mergedEntries, nodeStat, type ListedEntry } from './overlay.js';
import { permits } from './permission.js';
import { procfsLookup } from './procfs.js';
import { splitPath } from './split_path.js';
import { sysfsLookup } from './sysfs.js';
import { TMPFS_MOUNTS, isTmpfsMount, tmpfsAtOrBelow, tmpfsIndexOfDev, tmpfsMountOf, tmpfsMountOfPath, tmpfsRootId, untouchedTmpfsRoot } from './tmpfs.js';
import { describeTmpfs, tmpfsOfDescription, type TmpfsDescription } from './tmpfs_description.js';
import type { TmpfsMount } from './tmpfs_options.js';
import { DT_REG, inoOf } from './synthetic_tree.js';
import type { ProcessView, SyntheticEntry, VNode } from './vnode.js';

const MAX_SYMLINKS = 40;
/** At most this many directories are looked up by one native call (walkHostDirs). */
const MAX_BATCHED = 64;
const NAME_MAX = 255;
/** Linux's PATH_MAX: the longest path (with its NUL) a call takes or getcwd gives. */
export const PATH_MAX = 4096;

export interface WalkOptions {
  /** Follow a symlink in the last component (false: lstat semantics, O_NOFOLLOW). */
  followFinal: boolean;
  /** Who is walking (for /proc/self); absent for walks outside any process. */
  view?: ProcessView;
  /** The overlay's upper layer; absent: the host root alone (before the kernel runs). */
  upper?: OverlayState;
  /** openat2's RESOLVE_* restrictions, when asked for. */
  resolve?: ResolveRules;
  /** The live pseudo-terminals (/dev/pts). */
  ptys?: ReadonlyMap<number, PtyState>;
  /** Who walks, when not root: every directory walked through needs search (x) permission (EACCES). */
  searchAs?: Credentials;
  /**
   * The walker's root directory (chroot), a symlink-free sandbox path: absolute paths and
   * absolute symlinks start there, and `..` stops there. Absent: the sandbox root.
   */
  root?: string;
}

/** How openat2 restricts a walk (RESOLVE_* flags). */
export interface ResolveRules {
  /** RESOLVE_NO_XDEV: every directory walked is on the start directory's device (else EXDEV). */
  noXdev: boolean;
  /** RESOLVE_NO_MAGICLINKS: /proc/PID/{fd/N,exe,cwd,root} are not followed (ELOOP). */
  noMagicLinks: boolean;
  /** RESOLVE_NO_SYMLINKS: no symlink is followed (ELOOP). */
  noSymlinks: boolean;
  /**
   * RESOLVE_BENEATH: the walk must stay below root (escapes and absolute jumps are EXDEV);
   * RESOLVE_IN_ROOT: root is the walk's "/" (absolute paths and `..` stop there).
   */
  scope: 'beneath' | 'in-root' | null;
  /** The directory the walk starts from (dirfd), the root of a scoped walk. */
  root: string;
}

/** What a walk for creating a file finds: the file, or the directory its last component would go in. */
export type CreateLookup = { node: VNode } | { parent: VNode; name: string; path: string; trailingSlash: boolean };

/**
 * A --mount bind as described: rw, the host directory is changed in place; ro (OCI's "ro"
 * option), every change is refused (EROFS); neither (the CLI's default), changes stay in the
 * sandbox's overlay.
 */
export interface BindMount {
  host: string;
  sandbox: string;
  rw: boolean;
  ro?: boolean;
}

/** A bind as HostRoot takes it: the sandbox path as components. */
export interface BindSpec {
  sandbox: readonly string[];
  host: string;
  rw?: boolean;
  ro?: boolean;
}

/** How a sandbox's root was put together: the host directory, the binds, the tmpfs mounts. */
export interface RootDescription {
  rootfs: string;
  mounts: BindMount[];
  tmpfs: TmpfsDescription[];
}

export class HostRoot {
  /** The sandbox's boot time: the times of synthetic files. */
  readonly bootNs = BigInt(Date.now()) * 1_000_000n;
  /** The same in ms. */
  readonly bootMs = Number(this.bootNs / 1_000_000n);

  /**
   * root: the host directory that is the sandbox's "/"; binds: host directories that stand
   * in for sandbox directories below it (--mount), the longest match winning.
   */
  constructor(
    readonly root: string,
    binds: readonly BindSpec[] = [],
    /** The kernel's tmpfs mounts (vfs/tmpfs.ts): /dev/shm, then those of --tmpfs, with their options. */
    readonly tmpfsMounts: readonly TmpfsMount[] = TMPFS_MOUNTS,
  ) {
    this.tmpfs = tmpfsMounts.map((m) => m.path);
    // A bind's source is what it names, symlinks followed (as mount(2) does): Docker binds
    // /usr/bin/docker-init, a link to tini-static, at /sbin/docker-init.
    this.binds = binds.map((b) => ({ ...b, host: resolvedHostPath(b.host) }));
    this.bindMounts = this.binds.map((b) => ({ host: b.host, sandbox: '/' + b.sandbox.join('/'), rw: b.rw ?? false, ...(b.ro ? { ro: true } : {}) }));
  }

  /** The tmpfs mount points, in tmpfsMounts' order. */
  readonly tmpfs: readonly string[];

  /** The tmpfs mount a symlink-free sandbox path lies in (its root included). */
  tmpfsAt(path: string): TmpfsMount | undefined {
    const found = tmpfsMountOfPath(this.tmpfs, path);
    return found && this.tmpfsMounts[found.index];
  }

  /** The tmpfs mount whose files have device dev. */
  tmpfsOfDev(dev: bigint): TmpfsMount | undefined {
    const index = tmpfsIndexOfDev(this.tmpfsMounts.length, dev);
    return index === undefined ? undefined : this.tmpfsMounts[index];
  }

  /** The --mount binds, in the order given. */
  readonly bindMounts: readonly BindMount[];
  private readonly binds: readonly BindSpec[];

  /** The root `describe` told of (a checkpoint's, a trace's header); without tmpfs, /dev/shm's alone. */
  static fromDescription(d: { rootfs: string; mounts?: readonly BindMount[]; tmpfs?: readonly TmpfsDescription[] }): HostRoot {
    const tmpfs = d.tmpfs === undefined ? TMPFS_MOUNTS : d.tmpfs.map(tmpfsOfDescription);
    return new HostRoot(d.rootfs, (d.mounts ?? []).map((m) => ({ sandbox: splitPath(m.sandbox), host: m.host, rw: m.rw, ro: m.ro === true })), tmpfs);
  }

  /** How the root was put together, as `run` took it (a checkpoint and a trace keep it to rebuild it). */
  describe(): RootDescription {
    return {
      rootfs: this.root,
      mounts: this.bindMounts.map((b) => ({ ...b })),
      tmpfs: this.tmpfsMounts.map(describeTmpfs),
    };
  }

  /** Where a symlink-free sandbox path of the lower layer lives on the host. */
  hostPathOf(components: readonly string[]): string {
    const { base, rest } = this.bindOf(components);
    return hostJoin(base, rest);
  }

  /** The host directory a lower path lies in (the root, or the longest matching bind) and the components below it. */
  private bindOf(components: readonly string[]): { base: string; rest: readonly string[]; rw: boolean; ro: boolean } {
    let found = { base: this.root, rest: components, rw: false, ro: false };
    let matched = -1;
    for (const bind of this.binds) {
      const n = bind.sandbox.length;
      if (n > matched && n <= components.length && bind.sandbox.every((c, i) => components[i] === c)) {
        matched = n;
        found = { base: bind.host, rest: components.slice(n), rw: bind.rw === true, ro: bind.ro === true };
      }
    }
    return found;
  }

  /** Whether a symlink-free sandbox path lies in a read-only bind (every change EROFS). */
  inReadOnlyBind(path: string): boolean {
    return this.binds.length > 0 && this.bindOf(splitPath(path)).ro;
  }

  /** Whether some --mount is :rw (its files are the host's, changed in place). */
  get hasWritableBinds(): boolean {
    return this.binds.some((b) => b.rw === true);
  }

  /** Whether a sandbox path is a --mount point (it cannot be removed or renamed: EBUSY). */
  isBindPoint(path: string): boolean {
    const components = splitPath(path);
    return this.binds.some((b) => b.sandbox.length === components.length && b.sandbox.every((c, i) => components[i] === c));
  }

  /** Resolves path (absolute, or relative to the sandbox directory `base`); a negative errno on failure. */
  resolve(base: string, path: string, opts: WalkOptions): VNode | number {
    const r = this.walk(base, path, opts, false);
    return typeof r === 'number' ? r : 'node' in r ? r.node : -Errno.ENOENT;
  }

  /**
   * The node now at a path the kernel holds for an open directory (absolute and symlink-free
   * as it was resolved at open), looked up in one step like a walk's start directory, not
   * walked again from the root: what an open directory shows (its attributes, its entries)
   * needs no search permission on the directories above it, as on Linux.
   */
  lookupHeld(path: string, opts: WalkOptions): VNode | number {
    return this.lookup(splitPath(path), opts);
  }

  /** As resolve, but a missing last component (after symlinks) gives where it would be created. */
  resolveCreate(base: string, path: string, opts: WalkOptions): CreateLookup | number {
    return this.walk(base, path, opts, true);
  }

  private walk(base: string, path: string, opts: WalkOptions, allowMissing: boolean): CreateLookup | number {
    if (path.length === 0) return -Errno.ENOENT;
    if (path.length >= PATH_MAX) return -Errno.ENAMETOOLONG;
    const rules = opts.resolve;
    // The walk's "/": a scoped walk's start directory, else the walker's root. `..` stays
    // there, but a walk that started outside it (a cwd left outside a chroot) goes up freely,
    // as on Linux; above the sandbox root there is nothing (the pop of an empty list).
    const walkRoot = rules?.scope ? splitPath(rules.root) : opts.root ? splitPath(opts.root) : [];
    if (path.startsWith('/') && rules?.scope === 'beneath') return -Errno.EXDEV;
    const current: string[] = path.startsWith('/') ? [...walkRoot] : splitPath(base);
    const pending = splitPath(path).reverse();
    const mustBeDir = path.endsWith('/');
    let links = 0;
    // The sandbox root is looked up only when the walk needs its node (a path that ends there,
    // a create in it, search permission, RESOLVE_* rules): it is a directory (the host
    // directory the sandbox runs on, or the upper layer's root), and whether a name is in it
    // is its own lookup's answer. undefined: the root, not looked up (current is empty).
    let node: VNode | undefined;
    if (current.length > 0 || opts.searchAs || rules) {
      const start = this.lookup(current, opts);
      if (typeof start === 'number') return start;
      node = start;
    }
    const noXdev = rules?.noXdev === true;
    const startDev = node?.stat.dev;
    if (noXdev && node && crossesMount(node, startDev)) return -Errno.EXDEV;

    // Names in directories of the host root are looked up several at a time (walkHostRun)
    // when nothing on the way needs a check of each directory.
    const batched = this.binds.length === 0 && !opts.searchAs && !rules;
    /** What walkHostRun found for the next name, when it stopped there. */
    let prefetched: VNode | number | undefined;
    while (pending.length > 0) {
      if (batched && (node === undefined ? current.length === 0 : node.fs === 'host')) {
        const run = this.walkHostRun(node, current, pending, opts);
        if (run) {
          node = run.node;
          prefetched = run.next;
          if (pending.length === 0) break;
        }
      }
      const name = pending.pop()!;
      if (node && !node.stat.isDirectory()) return -Errno.ENOTDIR;
      if (node && opts.searchAs && !permits(opts.searchAs, node.stat, 1)) return -Errno.EACCES;
      if (name === '.') continue;
      if (name === '..') {
        if (isAt(current, walkRoot)) {
          if (rules?.scope === 'beneath') return -Errno.EXDEV;
          continue; // `..` of the walk's root is the root itself
        }
        current.pop();
      } else {
        // A UTF-16 unit is at most 3 bytes of UTF-8: short names need no count.
        if (name.length > NAME_MAX / 3 && byteLength(name) > NAME_MAX) return -Errno.ENAMETOOLONG;
        current.push(name);
      }
      const next = prefetched ?? (name !== '..' && node?.fs === 'host' ? this.lookupHostChild(node, current, name, opts) : this.lookup(current, opts));
      prefetched = undefined;
      const isLast = pending.length === 0;
      if (next === -Errno.ENOENT && isLast && allowMissing && name !== '..') {
        const parent = node ?? this.lookup([], opts);
        if (typeof parent === 'number') return parent;
        return { parent, name, path: '/' + current.join('/'), trailingSlash: mustBeDir };
      }
      if (typeof next === 'number') return next;
      if (noXdev && crossesMount(next, startDev)) return -Errno.EXDEV;
      if (next.stat.isSymbolicLink() && (!isLast || opts.followFinal || mustBeDir)) {
        if (++links > MAX_SYMLINKS) return -Errno.ELOOP;
        const refused = rules && refusedLink(next, rules);
        if (refused) return refused;
        if (next.fs === 'synthetic-link' && next.denied) return -Errno.EACCES;
        if (next.fs === 'synthetic-link' && next.magic && isLast) {
          return { node: { fs: 'fd', path: next.path, stat: next.stat, ...next.magic } };
        }
        if (next.fs === 'synthetic-link' && next.leadsTo) return isLast && !mustBeDir ? { node: next.leadsTo } : -Errno.ENOTDIR;
        // A procfs link (cwd, root, exe, fd/N) leads to its object, wherever the walker's root is.
        const magic = next.fs === 'synthetic-link' ? next.object : undefined;
        const target = magic ?? linkTarget(next);
        if (target.length === 0) return -Errno.ENOENT;
        current.pop();
        if (magic !== undefined) current.length = 0;
        else if (target.startsWith('/')) {
          if (rules?.scope === 'beneath') return -Errno.EXDEV;
          current.splice(0, current.length, ...walkRoot);
        }
        pending.push(...splitPath(target).reverse());
        // Back at the sandbox root: its node is looked up only when needed, as at the walk's start.
        if (current.length === 0 && !opts.searchAs && !rules) {
          node = undefined;
          continue;
        }
        const dir = this.lookup(current, opts);
        if (typeof dir === 'number') return dir;
        if (noXdev && crossesMount(dir, startDev)) return -Errno.EXDEV;
        node = dir;
        continue;
      }
      node = next;
    }
    if (node === undefined) {
      // Every component was `.` or a `..` at the root: the walk ends at the root.
      const root = this.lookup(current, opts);
      if (typeof root === 'number') return root;
      node = root;
    }
    if (mustBeDir && !node.stat.isDirectory()) return -Errno.ENOTDIR;
    return { node };
  }

  /** The node at an absolute, symlink-free component list. */
  private lookup(components: readonly string[], opts: WalkOptions): VNode | number {
    const top = components[0];
    // A tmpfs mount (/dev/shm): upper nodes only, under a root that has no lower directory.
    const tmpfs = tmpfsMountOf(this.tmpfs, components);
    if (tmpfs) {
      const rootId = tmpfsRootId(opts.upper, tmpfs.mount);
      if (rootId === 0) return tmpfs.rest.length === 0 ? untouchedTmpfsRoot(tmpfs.mount, tmpfs.index, this.tmpfsMounts[tmpfs.index]!.options, this.bootNs) : -Errno.ENOENT;
      const found = lookupLayers(opts.upper, tmpfs.rest, rootId);
      if (typeof found === 'number') return found;
      if (found.layer !== 'upper') return -Errno.ENOENT;
      return { fs: 'overlay', path: '/' + components.join('/'), stat: this.upperStat(found.node, opts.upper!), node: found.node };
    }
    if (top === 'dev') return devfsLookup(components.slice(1), this.bootNs, opts.ptys) ?? -Errno.ENOENT;
    if (top === 'proc') {
      if (!opts.view) return -Errno.ENOENT;
      return procfsLookup(components.slice(1), opts.view, this.bootNs) ?? -Errno.ENOENT;
    }
    // The host's /sys describes the host: the sandbox has its own (vfs/sysfs.ts).
    if (top === 'sys') {
      if (!opts.view) return -Errno.ENOENT;
      return sysfsLookup(components.slice(1), opts.view.proc, this.bootNs) ?? -Errno.ENOENT;
    }
    const path = '/' + components.join('/');
    const found = lookupLayers(opts.upper, components);
    if (typeof found === 'number') return found;
    if (found.layer === 'upper') return { fs: 'overlay', path, stat: this.upperStat(found.node, opts.upper!), node: found.node };
    const bind = this.bindOf(found.lower);
    const hostPath = hostJoin(bind.base, bind.rest);
    const stat = hostLstat(hostPath);
    if (stat === -Errno.ENOENT && this.binds.length > 0) {
      // A directory the root lacks on the way to a bind's mount point is there all the same
      // (runc makes it in the root; here it is made up and cannot be changed).
      const below = this.bindEntriesIn(components);
      if (below.length > 0) return this.bindAncestor(path, below);
    }
    if (typeof stat === 'number') return stat;
    // Below an :rw bind the host file itself is changed (vfs/writable_bind.ts), never copied up.
    return bind.rw ? { fs: 'host', path, hostPath, stat, writable: { root: bind.base, rel: bind.rest } } : { fs: 'host', path, hostPath, stat };
  }

  /**
   * Walks on through the plain names next in pending, from a directory of the host root or
   * (from undefined) from the sandbox root when the first name is the host root's, with one
   * native call that looks up each of them in turn, as the walk's own steps would, as long as
   * they are directories. All of them are the lower layer (see lookupHostChild), and the
   * caller has made sure that no bind and no search permission or RESOLVE_* rule needs
   * anything of a directory but its being one. The names found to be directories are taken
   * from pending (node: the last of them); next: what the name after them is (a node that is
   * not a directory, or -errno), for the caller's own step. undefined: nothing done.
   */
  private walkHostRun(from: VNode | undefined, current: string[], pending: string[], opts: WalkOptions): { node: VNode | undefined; next: VNode | number | undefined } | undefined {
    let plain = 0;
    for (let i = pending.length - 1; i >= 0 && plain < MAX_BATCHED; i--) {
      const name = pending[i]!;
      if (name === '.' || name === '..' || name.length > NAME_MAX / 3) break;
      plain++;
    }
    if (plain === 0) return undefined;
    const names = pending.slice(pending.length - plain).reverse();
    let dirPath: string;
    let dirHost: string;
    if (from === undefined) {
      // From the root: not /dev, /proc or /sys, no tmpfs mount there, and the name is the
      // lower layer's at the same path (the upper root has no entry for it).
      const top = '/' + names[0]!;
      if (top === '/dev' || top === '/proc' || top === '/sys' || tmpfsAtOrBelow(this.tmpfs, top)) return undefined;
      const layer = lookupLayers(opts.upper, names.slice(0, 1));
      if (typeof layer === 'number' || layer.layer !== 'lower' || layer.lower.length !== 1 || layer.lower[0] !== names[0]) return undefined;
      dirPath = '/';
      dirHost = this.root;
    } else {
      // The root's names are /dev, /proc, /sys and mount points as well as the host's: from
      // the root node, only the branch above (its checks) may batch.
      if (from.fs !== 'host' || from.path === '/' || !from.stat.isDirectory() || tmpfsAtOrBelow(this.tmpfs, from.path)) return undefined;
      dirPath = from.path;
      dirHost = from.hostPath;
    }
    const below = names.join('/');
    const found = hostLstatWalk(childPath(dirHost, below), plain);
    if (found === undefined) return undefined;
    pending.length -= found.dirs;
    for (let i = 0; i < found.dirs; i++) current.push(names[i]!);
    let node = from;
    if (found.dirs > 0) {
      const taken = found.dirs === plain ? below : names.slice(0, found.dirs).join('/');
      dirPath = childPath(dirPath, taken);
      dirHost = childPath(dirHost, taken);
      node = { fs: 'host', path: dirPath, hostPath: dirHost, stat: found.dir! };
    }
    const stopped = found.stopped;
    if (stopped === undefined || typeof stopped === 'number') return { node, next: stopped };
    const name = names[found.dirs]!;
    return { node, next: { fs: 'host', path: childPath(dirPath, name), hostPath: childPath(dirHost, name), stat: stopped } };
  }

  /**
   * lookup of a name in a directory of the host root: the child of a lower-layer node is in
   * the lower layer too (the upper layer's walk ended above its parent), so its paths are the
   * parent's with the name added, without walking the upper layer and joining the components
   * again (a walk looks up every component: this is most of them). A name in the root (/dev,
   * /proc, /sys are the kernel's), a bind or a tmpfs mount: the whole lookup.
   */
  private lookupHostChild(parent: VNode & { fs: 'host' }, components: readonly string[], name: string, opts: WalkOptions): VNode | number {
    if (parent.path === '/') return this.lookup(components, opts);
    const path = parent.path + '/' + name;
    if (this.binds.length > 0 || isTmpfsMount(this.tmpfs, path)) return this.lookup(components, opts);
    const hostPath = childPath(parent.hostPath, name);
    const stat = hostLstat(hostPath);
    if (typeof stat === 'number') return stat;
    return { fs: 'host', path, hostPath, stat };
  }

  /**
   * The entries a directory has for the binds below it: each bind's mount point or the next
   * directory on the way to it (listed even where the lower layer lacks them).
   */
  bindEntriesIn(components: readonly string[]): SyntheticEntry[] {
    const entries: SyntheticEntry[] = [];
    for (const bind of this.binds) {
      const n = components.length;
      if (bind.sandbox.length <= n || !components.every((c, i) => bind.sandbox[i] === c)) continue;
      const name = bind.sandbox[n]!;
      if (entries.some((e) => e.name === name)) continue;
      const target = bind.sandbox.length === n + 1 ? hostLstat(bind.host) : undefined;
      const path = '/' + [...components, name].join('/');
      const isFile = target !== undefined && typeof target !== 'number' && !target.isDirectory();
      entries.push({ name, ino: target !== undefined && typeof target !== 'number' ? Number(target.ino) : inoOf(path), type: isFile ? DT_REG : DT_DIR });
    }
    return entries;
  }

  /** A directory the lower layer lacks above a bind's mount point: owned by root, mode 755, on the root's device. */
  private bindAncestor(path: string, entries: SyntheticEntry[]): VNode {
    const rootStat = hostLstat(this.root);
    const dev = typeof rootStat === 'number' ? 0 : Number(rootStat.dev);
    return { fs: 'synthetic-dir', path, stat: syntheticStat({ dev, ino: inoOf(path), mode: S_IFDIR | 0o755, nlink: 2 }, this.bootNs), entries: () => entries };
  }

  /** The attributes of an upper node (a directory's nlink counts the subdirectories of its merged listing). */
  upperStat(node: OverlayNode, upper: OverlayState): FileStat {
    const subdirs = (): number => {
      if (node.kind !== 'dir') return 0;
      const list = mergedEntries(upper, node, (lower) => this.listLower(lower));
      return typeof list === 'number' ? 0 : list.filter((e) => e.type === DT_DIR).length;
    };
    return nodeStat(node, subdirs);
  }

  /** The entries of a lower directory (a path in the host root), without . and .., with their inode numbers. */
  listLower(lower: string): ListedEntry[] | number {
    return listHostDir(this.hostPathOf(lower.split('/').filter((c) => c.length > 0)));
  }
}

/** A host path with its symlinks resolved (as given when it cannot be: the walk will say ENOENT). */
function resolvedHostPath(host: string): string {
  try {
    return decodeBytes(fs.realpathSync(hostPathArg(host), { encoding: 'buffer' }));
  } catch {
    return host;
  }
}

/** The path of a name (or names) below a directory's path. */
function childPath(dir: string, below: string): string {
  return dir === '/' ? '/' + below : dir + '/' + below;
}

/** RESOLVE_NO_XDEV: a directory on another device than the walk's start is another mount. */
function crossesMount(node: VNode, startDev: bigint | undefined): boolean {
  return node.stat.isDirectory() && node.stat.dev !== startDev;
}

/** Whether the walk is at its root (`..` goes nowhere). */
function isAt(current: readonly string[], root: readonly string[]): boolean {
  return current.length === root.length && root.every((c, i) => current[i] === c);
}

function hostJoin(base: string, rest: readonly string[]): string {
  if (rest.length === 0) return base;
  return (base === '/' ? '' : base) + '/' + rest.join('/');
}

/** procfs's magic links: they lead to an object (an open file, a process's exe, cwd or root, a namespace), not a path. */
function isMagicLink(node: VNode): boolean {
  return node.fs === 'synthetic-link' && (node.magic !== undefined || node.leadsTo !== undefined || /^\/proc\/\d+(\/task\/\d+)?\/(exe|cwd|root)$/.test(node.path));
}

/** The errno with which RESOLVE_* rules refuse to follow a symlink, or 0. */
function refusedLink(node: VNode, rules: ResolveRules): number {
  if (rules.noSymlinks) return -Errno.ELOOP;
  if (!isMagicLink(node)) return 0;
  if (rules.noMagicLinks) return -Errno.ELOOP;
  // Magic links are not followed in a scoped walk (Linux: not safe for it yet).
  return rules.scope ? -Errno.EXDEV : 0;
}

/** The target of a symlink node ('' when it cannot be read). */
export function linkTarget(node: VNode): string {
  switch (node.fs) {
    case 'synthetic-link':
      return node.target;
    case 'host':
      return readlink(node.hostPath);
    case 'overlay':
      return node.node.kind === 'symlink' ? node.node.target : '';
    default:
      return '';
  }
}

/** A host directory's entries (without . and ..), with their inode numbers (the host's getdents64 gives them). */
export function listHostDir(hostPath: string): ListedEntry[] | number {
  return readHostDirectory(hostPath);
}

function readlink(hostPath: string): string {
  const target = hostReadlink(hostPath);
  return typeof target === 'number' ? '' : target;
}

export { splitPath };

/** The positive errno of a Node fs error (e.g. 'ENOENT' -> 2), or fallback. */
export function errnoOf(err: unknown, fallback: number): number {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && code in Errno) return Errno[code as keyof typeof Errno];
  return fallback;
}
