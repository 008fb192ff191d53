// MAP_SHARED mappings of overlay files (the upper layer, memfds, /dev/shm): as on Linux, the
// mapping and the file are the same bytes. The first shared mapping of a file gives it a host
// tmpfs file holding a copy of its bytes (its "pages"), which every shared mapping of it maps
// (in any process). From then on the pages are the file's newest bytes: the kernel's own
// writes and truncations of the file go to them as well as to state (mirror), and a mapping's
// writes, which the kernel never sees, reach state when the kernel next reads the file (pull:
// an OverlayWritten event of the changed bytes, so a replay of the events sees them too).
// The pages go with the node (its last name and last open file); a mapping keeps its own
// memory after that, as a mapping of an unlinked file does.
import fs from 'node:fs';

import type { KernelEvent } from '../events.js';
import type { ShmBacking } from '../host_resources.js';
import type { OverlayFile, OverlayNode } from '../state.js';
import { nowNs } from '../syscalls/overlay_ops.js';
import { makeBacking } from '../syscalls/shm.js';
import { chunkRuns, readChunks } from './file_bytes.js';
import { deviceText, hostMappings } from '../loader/host_mappings.js';

const FILL_CHUNK = 64 * 1024;

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** A punched range of the pages reads as zeros (within the file; the host file's size is the file's). */
function zeroPages(fd: number, from: number, to: number): void {
  const end = Math.min(to, fs.fstatSync(fd).size);
  const zeros = new Uint8Array(FILL_CHUNK);
  for (let at = from; at < end; at += FILL_CHUNK) writeAll(fd, zeros.subarray(0, Math.min(FILL_CHUNK, end - at)), at);
}

/** What the pages need of the kernel. */
export interface SharedPagesKernel {
  readonly state: { readonly overlay: { readonly nodes: ReadonlyMap<number, OverlayNode> } };
  readonly host: { readonly filePages: Map<number, ShmBacking> };
  emit(event: KernelEvent): void;
}

/** The node's pages, made from its bytes at the first shared mapping; null when the host has no memory for them. */
export function sharedPages(kernel: SharedPagesKernel, node: OverlayFile): ShmBacking | null {
  const held = kernel.host.filePages.get(node.id);
  if (held) return held;
  const pages = makeBacking(node.size);
  if (!pages) return null;
  try {
    // The host file starts as zeros (a hole): only chunks with other bytes are written, so a
    // sparse file stays sparse there.
    for (const [at, chunk] of chunkRuns(node.chunks, node.size)) {
      if (chunk.some((b) => b !== 0)) writeAll(pages.fd, chunk, at);
    }
  } catch {
    fs.closeSync(pages.fd);
    return null;
  }
  kernel.host.filePages.set(node.id, { fd: pages.fd, key: `pages:${pages.key}` });
  return kernel.host.filePages.get(node.id)!;
}

/**
 * Brings what shared mappings wrote to bytes [from, to) of the node into state, before the
 * kernel reads them (the whole file without a range). One event from the first changed byte
 * to the last; nothing when they are the same or the node has no pages.
 */
export function pullSharedPages(kernel: SharedPagesKernel, node: OverlayFile, from = 0, to = node.size): void {
  const pages = kernel.host.filePages.get(node.id);
  if (!pages) return;
  const end = Math.min(to, node.size);
  if (from >= end) return;
  const now = Buffer.alloc(end - from);
  const got = fs.readSync(pages.fd, now, 0, now.length, from);
  const held = readChunks(node.chunks, from, from + got);
  let first = 0;
  while (first < got && now[first] === held[first]) first++;
  if (first === got) return;
  let last = got;
  while (last > first && now[last - 1] === held[last - 1]) last--;
  // Not mirrored back: the pages already hold these bytes, and a thread may have stored newer
  // ones there since they were read.
  pulling = true;
  try {
    kernel.emit({
      type: 'OverlayWritten', nodeId: node.id, offset: from + first,
      bytes: new Uint8Array(now.subarray(first, last)), timeNs: nowNs(),
    });
  } finally {
    pulling = false;
  }
}

/** Set while a pull's event is applied (the kernel runs one call at a time). */
let pulling = false;

/** pullSharedPages of every file that has pages (before a checkpoint saves state). */
export function pullAllSharedPages(kernel: SharedPagesKernel): void {
  for (const id of [...kernel.host.filePages.keys()]) {
    const node = kernel.state.overlay.nodes.get(id);
    if (node?.kind === 'file') pullSharedPages(kernel, node);
  }
}

/**
 * Whether a process of the sandbox has the node's pages mapped shared and writable now (the
 * host's maps of each: the kernel does not see the program's munmap and mprotect calls).
 * Linux also counts a read-only shared mapping made from an fd open for writing.
 */
export function writablyMapped(kernel: SharedPagesKernel, hostPids: Iterable<number>, node: OverlayFile): boolean {
  const pages = kernel.host.filePages.get(node.id);
  if (!pages) return false;
  const st = fs.fstatSync(pages.fd);
  const device = deviceText(st.dev);
  for (const hostPid of hostPids) {
    let maps;
    try {
      maps = hostMappings(hostPid);
    } catch {
      continue; // gone
    }
    if (maps.some((m) => m.shared && m.prot & 2 && m.inode === st.ino && m.device === device)) return true;
  }
  return false;
}

/**
 * After each event while some file has pages: the kernel's writes and truncations of such a
 * file go to its pages too, and the pages of nodes that are gone are closed.
 */
export function mirrorToSharedPages(kernel: SharedPagesKernel, event: KernelEvent): void {
  const filePages = kernel.host.filePages;
  if ((event.type === 'OverlayWritten' && !pulling) || event.type === 'OverlayTruncated' || (event.type === 'OverlayAllocated' && event.punch)) {
    const pages = filePages.get(event.nodeId);
    if (pages) {
      if (event.type === 'OverlayWritten') {
        writeAll(pages.fd, event.bytes, event.offset);
      } else if (event.type === 'OverlayTruncated') {
        fs.ftruncateSync(pages.fd, event.size);
      } else {
        zeroPages(pages.fd, event.offset, event.offset + event.length);
      }
    }
  }
  for (const [id, pages] of filePages) {
    if (kernel.state.overlay.nodes.has(id)) continue;
    filePages.delete(id);
    fs.closeSync(pages.fd);
  }
}
