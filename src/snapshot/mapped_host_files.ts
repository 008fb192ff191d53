// MAP_SHARED mappings of host files (a --mount ...:rw directory's files, and the lower layer's
// mapped shared) in a checkpoint image. Such a mapping is the file: its bytes live in the host
// file, outside the sandbox, like a disk's. So the image holds the file's name and identity,
// not its pages (a copy restored over the file would undo whatever happened to it since, and a
// copy mapped instead would cut the mapping off from the file), and restore maps the file
// again, refusing (as for open files) when it changed since. Whether the mapping could be made
// writable (VM_MAYWRITE: the file was open for writing) is kept, so that a read-only open's
// mapping still cannot be mprotected writable after restore. A file whose name is gone
// (unlinked while mapped) is not reached this way: its pages are saved as any shared memory's.
import fs from 'node:fs';
import path from 'node:path';

import { hostPathArg } from '../byte_string.js';
import { deviceText, type HostMapping } from '../kernel/loader/host_mappings.js';
import type { Platform } from '../platform/platform.js';
import { hostFileChange } from './host_file_change.js';
import type { MappedHostFile, MappingImage } from './image_format.js';
import type { SandboxDescription } from './sandbox_description.js';

/** The shared mappings of process hostPid that map a host file reachable by its name: start -> the file. */
export function mappedHostFiles(hostPid: number, mappings: readonly HostMapping[]): Map<number, MappedHostFile> {
  const found = new Map<number, MappedHostFile>();
  const byName = new Map<string, fs.BigIntStats | null>();
  for (const m of mappings) {
    if (!m.shared || !m.name.startsWith('/') || m.name.endsWith(' (deleted)')) continue;
    let st = byName.get(m.name);
    if (st === undefined) {
      try {
        st = fs.statSync(hostPathArg(m.name), { bigint: true });
      } catch {
        st = null;
      }
      byName.set(m.name, st);
    }
    // The name must still be the mapped file (a rename over it, or a name the host escaped, is not).
    if (!st || !st.isFile() || deviceText(Number(st.dev)) !== m.device || st.ino !== BigInt(m.inode)) continue;
    found.set(m.start, { path: m.name, dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, writable: false });
  }
  if (found.size > 0) {
    for (const [start, mayWrite] of mayWriteOf(hostPid)) {
      const file = found.get(start);
      if (file) file.writable = mayWrite;
    }
  }
  return found;
}

/** Whether each mapping (by start) may be made writable: "mw" in smaps' VmFlags. */
function mayWriteOf(hostPid: number): Map<number, boolean> {
  const out = new Map<number, boolean>();
  let start = -1;
  for (const line of fs.readFileSync(`/proc/${hostPid}/smaps`, 'latin1').split('\n')) {
    const range = /^([0-9a-f]+)-[0-9a-f]+ /.exec(line);
    if (range) start = parseInt(range[1]!, 16);
    else if (line.startsWith('VmFlags:') && start >= 0) out.set(start, line.slice(8).trim().split(/\s+/).includes('mw'));
  }
  return out;
}

/** The object a mapping of a host file maps at restore: the file, opened for writing or not. */
export function mappedFileKey(m: Pick<MappingImage, 'share' | 'file'>): string {
  return `${m.share?.key ?? ''}:${m.file?.writable ? 'rw' : 'ro'}`;
}

/** Whether a host path lies in (or is) the directory dir. */
function isBelow(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel));
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * Opens, for restore, the host files the processes' mappings map (key: mappedFileKey), each
 * as writable as its mappings were. A file must lie in the sandbox's root or one of its binds
 * (a writable one for a writable mapping): the image names host paths, and restore opens
 * nothing else. A file that changed since the checkpoint is refused, or with ignoreChanged
 * warned about and mapped as it is now; one that is gone cannot be mapped. Throws a message.
 */
export function openMappedHostFiles(
  parts: Iterable<{ mappings: readonly MappingImage[] }>,
  sandbox: Pick<SandboxDescription, 'rootfs' | 'mounts'>,
  ignoreChanged: boolean,
  warn: (message: string) => void,
): Map<string, number> {
  const fds = new Map<string, number>();
  const writableDirs = sandbox.mounts.filter((b) => b.rw).map((b) => realDir(b.host));
  const readableDirs = [realDir(sandbox.rootfs), ...sandbox.mounts.map((b) => realDir(b.host))];
  try {
    for (const part of parts) {
      for (const m of part.mappings) {
        const file = m.file;
        const key = mappedFileKey(m);
        if (!file || fds.has(key)) continue;
        if (!(file.writable ? writableDirs : readableDirs).some((dir) => isBelow(file.path, dir))) {
          throw new Error(`the image maps host file ${file.path}${file.writable ? ' writable' : ''}, which is outside the sandbox's ${file.writable ? 'writable binds' : 'directories'}`);
        }
        let fd: number;
        try {
          fd = fs.openSync(hostPathArg(file.path), (file.writable ? fs.constants.O_RDWR : fs.constants.O_RDONLY) | fs.constants.O_NOFOLLOW);
        } catch (err) {
          throw new Error(`host file ${file.path}, mapped shared at 0x${m.start.toString(16)}, cannot be opened again: ${(err as Error).message}`);
        }
        fds.set(key, fd);
        const change = hostFileChange(fs.fstatSync(fd, { bigint: true }), file);
        if (change === null) continue;
        const message = `host file ${file.path} (mapped shared at 0x${m.start.toString(16)}) changed since the checkpoint: ${change}`;
        if (!ignoreChanged) throw new Error(`${message} (--ignore-changed-files restores anyway)`);
        warn(`${message}; restoring anyway`);
      }
    }
  } catch (err) {
    for (const fd of fds.values()) fs.closeSync(fd);
    throw err;
  }
  return fds;
}

/** Hands the opened files to the first stub (whose forks inherit them): key -> the stub's fd. */
export function passMappedHostFiles(platform: Platform, hostTid: number, files: ReadonlyMap<string, number>, scratch: number): Map<string, number> {
  const fds = new Map<string, number>();
  for (const [key, hostFd] of files) {
    const fd = platform.passHostFd(hostTid, hostFd, scratch);
    if (fd < 0) throw new Error(`cannot pass a mapped host file to the first stub (errno ${-fd})`);
    fds.set(key, fd);
  }
  return fds;
}
