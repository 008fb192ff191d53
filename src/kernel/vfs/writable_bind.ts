// The host side of `--mount HOSTDIR:SANDBOXDIR:rw`: the only code that changes host files.
// Every operation starts from a directory fd of HOSTDIR and opens each component below it
// with O_NOFOLLOW|O_DIRECTORY from its parent's fd, then acts on the last name relative to
// that directory fd (through /proc/self/fd/N/NAME, as Node has no *at() calls): a symlink
// the program planted, or a directory swapped for one by someone else meanwhile, is never
// followed, so nothing outside HOSTDIR can be reached. The sandbox's own walk has already
// resolved symlinks and `..` inside the sandbox; this is the host-side guarantee.
import fs from 'node:fs';

import { hostPathArg } from '../../byte_string.js';
import { hostMknod } from '../../platform/host_mknod.js';
import { hostUtimens, type HostTime } from '../../platform/host_stat.js';
import { hostGetxattr, hostListxattr, hostRemovexattr, hostSetxattr } from '../../platform/host_xattr.js';
import { Errno } from '../errno.js';
import { errnoOf } from './path_walk.js';
import type { WritableBind } from './vnode.js';
import { S_ISGID, S_ISUID } from './file_stat.js';

const O_PATH = 0o10000000;
const { O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, O_CREAT, O_EXCL, O_WRONLY } = fs.constants;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/** The path through which the host kernel reaches what fd refers to (or NAME in the directory fd). */
function viaFd(fd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${name}`;
}

/** NAME in the directory reached as dir, as the host gets it (the name's exact bytes: byte_string.ts). */
function entry(dir: string, name: string): string | Buffer {
  return hostPathArg(`${dir}/${name}`);
}

function isPlainName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !name.includes('/');
}

/** An O_PATH fd of the directory rel below root, no component of which may be a symlink; or -errno. */
function openDir(root: string, rel: readonly string[]): number {
  let fd: number;
  try {
    fd = fs.openSync(hostPathArg(root), O_PATH | O_DIRECTORY);
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  }
  for (const name of rel) {
    if (!isPlainName(name)) {
      fs.closeSync(fd);
      return -Errno.EINVAL;
    }
    try {
      const next = fs.openSync(hostPathArg(viaFd(fd, name)), O_PATH | O_DIRECTORY | O_NOFOLLOW);
      fs.closeSync(fd);
      fd = next;
    } catch (err) {
      fs.closeSync(fd);
      // A symlink where a directory was: O_NOFOLLOW|O_DIRECTORY refuses it.
      return -errnoOf(err, Errno.ENOTDIR);
    }
  }
  return fd;
}

/** Runs op on the parent directory of bind's file (`dir`, reached through an fd) and the file's name; -errno on failure. */
function inParent<T>(bind: WritableBind, op: (dir: string, name: string) => T): T | number {
  const name = bind.rel.at(-1);
  if (name === undefined || !isPlainName(name)) return -Errno.EBUSY; // HOSTDIR itself has no name here
  const dirFd = openDir(bind.root, bind.rel.slice(0, -1));
  if (dirFd < 0) return dirFd;
  try {
    return op(viaFd(dirFd), name);
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  } finally {
    fs.closeSync(dirFd);
  }
}

/** Runs op on the file itself (an O_PATH|O_NOFOLLOW fd of it, reached as /proc/self/fd/N: the inode, never a link's target); what op returns, or -errno. */
function withFile<T>(bind: WritableBind, op: (file: string) => T): T | number {
  const fd = bind.rel.length === 0 ? openDir(bind.root, []) : inParent(bind, (dir, name) => fs.openSync(entry(dir, name), O_PATH | O_NOFOLLOW));
  if (fd < 0) return fd;
  try {
    return op(viaFd(fd));
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  } finally {
    fs.closeSync(fd);
  }
}

/** withFile for a change: op's -errno, or 0. */
function onFile(bind: WritableBind, op: (file: string) => number | void): number {
  return withFile(bind, op) ?? 0;
}

/** The file rel below bind's directory: the entry `name` of the directory `dir` is. */
export function child(dir: WritableBind, name: string): WritableBind {
  return { root: dir.root, rel: [...dir.rel, name] };
}

/**
 * Permission bits a sandbox may give a host file: never set-user-ID, nor set-group-ID on a
 * file (the host would honour them for whoever runs it there: the sandbox is nosuid).
 */
export function hostMode(mode: number, isDir: boolean): number {
  return mode & (isDir ? 0o7777 & ~S_ISUID : 0o7777 & ~(S_ISUID | S_ISGID));
}

/**
 * An O_PATH fd of the file itself (never a symlink's target), or -errno: it holds the inode
 * (a FIFO's or socket file's, so that its number is not given to another file while the
 * sandbox's pipe or listener is tied to it) and opens nothing.
 */
export function pin(bind: WritableBind): number {
  return inParent(bind, (dir, name) => fs.openSync(entry(dir, name), O_PATH | O_NOFOLLOW));
}

/** Opens an existing file (O_NOFOLLOW, O_NONBLOCK added); the host fd or -errno. */
export function openFile(bind: WritableBind, flags: number): number {
  return inParent(bind, (dir, name) => {
    const fd = fs.openSync(entry(dir, name), flags | O_NOFOLLOW | O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) {
      fs.closeSync(fd);
      return -Errno.EACCES; // host devices, FIFOs and sockets are never opened
    }
    return fd;
  });
}

/**
 * Makes a new regular file, directory, symlink, FIFO or socket file with exactly mode's bits
 * (the host's umask does not apply); 0 or -errno. A FIFO or socket file is only a node on the
 * host: its pipe or listener is the sandbox kernel's (syscalls/host_special_files.ts).
 */
export function create(bind: WritableBind, kind: 'file' | 'dir' | 'symlink' | 'fifo' | 'socket', mode: number, target = ''): number {
  const made = inParent(bind, (dir, name) => {
    const at = entry(dir, name);
    if (kind === 'symlink') {
      fs.symlinkSync(hostPathArg(target), at);
      return 0;
    }
    if (kind === 'fifo' || kind === 'socket') return hostMknod(at, kind, mode);
    if (kind === 'dir') fs.mkdirSync(at, { mode: mode & 0o777 });
    else fs.closeSync(fs.openSync(at, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, mode & 0o777));
    return 0;
  });
  if (made !== 0 || kind === 'symlink') return made;
  // Only the permission bits (and a directory's sticky bit) come from mode, as with mkdir and
  // open; a set-group-ID bit the host gave a directory (its parent has it) stays.
  const own = kind === 'dir' ? 0o1777 : 0o7777;
  return onFile(bind, (file) => {
    const current = fs.statSync(file).mode & 0o7777;
    const wanted = (current & ~own) | hostMode(mode & own, kind === 'dir');
    if (wanted !== current) fs.chmodSync(file, wanted);
  });
}

export function remove(bind: WritableBind, isDir: boolean): number {
  return inParent(bind, (dir, name) => {
    if (isDir) fs.rmdirSync(entry(dir, name));
    else fs.unlinkSync(entry(dir, name));
    return 0;
  });
}

/** rename(2) within one bind (the caller checked both ends are in it). */
export function rename(from: WritableBind, to: WritableBind): number {
  return inParent(from, (fromDir, fromName) => {
    return inParent(to, (toDir, toName) => {
      fs.renameSync(entry(fromDir, fromName), entry(toDir, toName));
      return 0;
    });
  });
}

/** link(2) within one bind: never follows a symlink (the link is to the symlink itself, as linkat without AT_SYMLINK_FOLLOW). */
export function link(from: WritableBind, to: WritableBind): number {
  return inParent(from, (fromDir, fromName) => {
    return inParent(to, (toDir, toName) => {
      fs.linkSync(entry(fromDir, fromName), entry(toDir, toName));
      return 0;
    });
  });
}

export function chmod(bind: WritableBind, mode: number): number {
  return onFile(bind, (file) => {
    const isDir = (fs.statSync(file).mode & S_IFMT) === S_IFDIR;
    fs.chmodSync(file, hostMode(mode, isDir));
  });
}

export function chown(bind: WritableBind, uid: number, gid: number): number {
  return onFile(bind, (file) => fs.chownSync(file, uid, gid));
}

/** Sets the times (ns since the epoch, the host's now, or left as they are). */
export function setTimes(bind: WritableBind, atime: HostTime, mtime: HostTime): number {
  return onFile(bind, (file) => hostUtimens(file, atime, mtime));
}

/** The value of an extended attribute of the host file, or -errno. */
export function getXattr(bind: WritableBind, name: string): Uint8Array | number {
  return withFile(bind, (file) => hostGetxattr(file, name));
}

/** The names of the host file's extended attributes, or -errno. */
export function listXattrs(bind: WritableBind): string[] | number {
  return withFile(bind, (file) => hostListxattr(file));
}

/** Sets (value) or removes (null) an extended attribute of the host file: 0 or -errno. */
export function changeXattr(bind: WritableBind, name: string, value: Uint8Array | null, flags: number): number {
  return onFile(bind, (file) => (value === null ? hostRemovexattr(file, name) : hostSetxattr(file, name, value, flags)));
}

export function truncate(bind: WritableBind, length: number): number {
  const fd = openFile(bind, O_WRONLY);
  if (fd < 0) return fd;
  try {
    fs.ftruncateSync(fd, length);
    return 0;
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  } finally {
    fs.closeSync(fd);
  }
}
