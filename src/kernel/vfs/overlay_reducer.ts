// The overlay's upper layer: nodes enter it (copied up from the host root, or new), change,
// get linked, renamed and removed. Reducers only apply what the handlers decided, with the
// host's values and the times carried by the events.

import type { EventOf } from '../events.js';
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState, OverlayDir, OverlayNode, OverlayState } from '../state.js';
import { allocateBytes, releaseBytes, reserveBytes, truncateExtents } from './file_extents.js';
import { accountNode } from './tmpfs_usage.js';
import { chunksOf, writeChunks, zeroChunks } from './file_bytes.js';

function nodeOf(overlay: OverlayState, id: number): OverlayNode {
  const node = overlay.nodes.get(id);
  if (!node) throw new Error(`no overlay node ${id}`);
  return node;
}

function dirOf(overlay: OverlayState, id: number): OverlayDir {
  const node = nodeOf(overlay, id);
  if (node.kind !== 'dir') throw new Error(`overlay node ${id} is not a directory`);
  return node;
}

function touchDir(dir: OverlayDir, timeNs: bigint): void {
  dir.mtimeNs = timeNs;
  dir.ctimeNs = timeNs;
}

/** Forgets a node no name and no open file refers to any more (with a directory's subtree). */
export function releaseNode(state: KernelState, id: number): void {
  const node = state.overlay.nodes.get(id);
  if (!node || node.nlink > 0) return;
  for (const f of state.files.values()) if (f.nodeId === id) return;
  accountNode(state.overlay, node, () => state.overlay.nodes.delete(id));
  if (node.kind !== 'dir') return;
  for (const entry of node.entries.values()) {
    if (entry === 'whiteout') continue;
    const child = state.overlay.nodes.get(entry);
    if (child) accountNode(state.overlay, child, () => (child.nlink = Math.max(0, child.nlink - 1)));
    releaseNode(state, entry);
  }
}

/** Drops the name's reference to its node (the node goes once nothing else holds it). */
function unlinkEntry(state: KernelState, dir: OverlayDir, name: string): void {
  const entry = dir.entries.get(name);
  dir.entries.delete(name);
  if (entry === undefined || entry === 'whiteout') return;
  const node = state.overlay.nodes.get(entry);
  if (!node) return;
  accountNode(state.overlay, node, () => (node.nlink = node.kind === 'dir' ? 0 : Math.max(0, node.nlink - 1)));
  releaseNode(state, entry);
}

function attach(state: KernelState, parent: number, name: string, node: OverlayNode, mount?: string): void {
  const overlay = state.overlay;
  accountNode(overlay, node, () => overlay.nodes.set(node.id, node));
  overlay.nextNodeId = Math.max(overlay.nextNodeId, node.id + 1);
  if (parent === 0) {
    if (mount === undefined) overlay.root = node.id;
    else overlay.mounts.set(mount, node.id);
    return;
  }
  const dir = dirOf(overlay, parent);
  unlinkEntry(state, dir, name);
  dir.entries.set(name, node.id);
}

function makeNode(
  e: EventOf<'OverlayCopiedUp'> | EventOf<'OverlayNodeCreated'>,
  times: { atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint },
  contents: { data?: Uint8Array; target?: string; lower?: string | null },
): OverlayNode {
  const base = { id: e.nodeId, mode: e.mode, uid: e.uid, gid: e.gid, nlink: 1, dev: e.dev, ino: e.ino, ...times, btimeNs: times.ctimeNs };
  switch (e.kind) {
    case 'file': {
      const size = contents.data?.length ?? 0;
      const chunks = contents.data ? chunksOf(contents.data) : new Map<number, Uint8Array>();
      // A copied-up file's pages are the host's (absent: all); a new one's are those written.
      if (e.type === 'OverlayCopiedUp') return { ...base, kind: 'file', chunks, size };
      return { ...base, kind: 'file', chunks, size, extents: size > 0 ? [0, Math.ceil(size / 4096)] : [] };
    }
    case 'dir':
      return { ...base, kind: 'dir', entries: new Map(), lower: contents.lower ?? null };
    case 'symlink':
      return { ...base, kind: 'symlink', target: contents.target ?? '' };
    case 'fifo':
      return { ...base, kind: 'fifo', pipeId: 0 };
    case 'socket':
      return { ...base, kind: 'socket' };
  }
}

export const overlayReducers: ReducerTable<
  | 'OverlayCopiedUp'
  | 'OverlayNodeCreated'
  | 'AnonymousFileCreated'
  | 'FileSealsSet'
  | 'OverlayWritten'
  | 'OverlayTruncated'
  | 'OverlayAllocated'
  | 'OverlayAttrsSet'
  | 'OverlayXattrSet'
  | 'OverlayFlagsSet'
  | 'OverlayLinked'
  | 'OverlayRemoved'
  | 'OverlayRenamed'
  | 'OverlayFifoBound'
> = {
  OverlayFifoBound(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (node.kind === 'fifo') node.pipeId = e.pipeId;
  },
  OverlayCopiedUp(state, e) {
    const times = { atimeNs: e.atimeNs, mtimeNs: e.mtimeNs, ctimeNs: e.ctimeNs };
    const contents = {
      ...(e.data === undefined ? {} : { data: e.data }),
      ...(e.target === undefined ? {} : { target: e.target }),
      ...(e.lower === undefined ? {} : { lower: e.lower }),
    };
    attach(state, e.parent, e.name, makeNode(e, times, contents));
  },
  OverlayNodeCreated(state, e) {
    const times = { atimeNs: e.timeNs, mtimeNs: e.timeNs, ctimeNs: e.timeNs };
    attach(state, e.parent, e.name, makeNode(e, times, e.target === undefined ? {} : { target: e.target }), e.mount);
    if (e.parent !== 0) touchDir(dirOf(state.overlay, e.parent), e.timeNs);
  },
  AnonymousFileCreated(state, e) {
    const overlay = state.overlay;
    const node: OverlayNode = {
      id: e.nodeId, kind: 'file', mode: e.mode, uid: e.uid, gid: e.gid, nlink: 0, dev: e.dev, ino: e.ino,
      atimeNs: e.timeNs, mtimeNs: e.timeNs, ctimeNs: e.timeNs, btimeNs: e.timeNs, chunks: new Map(), size: 0, seals: e.seals, extents: [],
    };
    accountNode(overlay, node, () => overlay.nodes.set(e.nodeId, node));
    overlay.nextNodeId = Math.max(overlay.nextNodeId, e.nodeId + 1);
  },
  FileSealsSet(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (node.kind === 'file') node.seals = e.seals;
  },
  OverlayWritten(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (node.kind !== 'file') return;
    const end = e.offset + e.bytes.length;
    accountNode(state.overlay, node, () => allocateBytes(node, e.offset, e.bytes.length));
    writeChunks(node.chunks, e.offset, e.bytes);
    node.size = Math.max(node.size, end);
    node.mtimeNs = e.timeNs;
    node.ctimeNs = e.timeNs;
  },
  OverlayTruncated(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (node.kind !== 'file') return;
    zeroChunks(node.chunks, e.size, node.size); // what grows back later reads as zeros
    accountNode(state.overlay, node, () => truncateExtents(node, e.size));
    node.size = e.size;
    node.mtimeNs = e.timeNs;
    node.ctimeNs = e.timeNs;
  },
  OverlayAllocated(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (node.kind !== 'file') return;
    if (e.punch) {
      // A punched range reads as zeros (within the file: KEEP_SIZE), its whole chunks freed.
      zeroChunks(node.chunks, e.offset, Math.min(e.offset + e.length, node.size));
      accountNode(state.overlay, node, () => releaseBytes(node, e.offset, e.length));
      if (e.timeNs !== undefined) {
        node.mtimeNs = e.timeNs;
        node.ctimeNs = e.timeNs;
      }
    } else accountNode(state.overlay, node, () => reserveBytes(node, e.offset, e.length));
  },
  OverlayAttrsSet(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (e.mode !== undefined) node.mode = e.mode;
    if (e.uid !== undefined) node.uid = e.uid;
    if (e.gid !== undefined) node.gid = e.gid;
    if (e.atimeNs !== undefined) node.atimeNs = e.atimeNs;
    if (e.mtimeNs !== undefined) node.mtimeNs = e.mtimeNs;
    node.ctimeNs = e.ctimeNs;
  },
  OverlayXattrSet(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (e.value === null) node.xattrs?.delete(e.name);
    else (node.xattrs ??= new Map()).set(e.name, e.value);
    if (node.xattrs?.size === 0) delete node.xattrs;
    node.ctimeNs = e.timeNs;
  },
  OverlayFlagsSet(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    if (e.flags === 0) delete node.flags;
    else node.flags = e.flags;
    node.ctimeNs = e.ctimeNs;
  },
  OverlayLinked(state, e) {
    const node = nodeOf(state.overlay, e.nodeId);
    const dir = dirOf(state.overlay, e.parent);
    accountNode(state.overlay, node, () => (node.nlink += 1));
    node.ctimeNs = e.timeNs;
    unlinkEntry(state, dir, e.name);
    dir.entries.set(e.name, e.nodeId);
    touchDir(dir, e.timeNs);
  },
  OverlayRemoved(state, e) {
    const dir = dirOf(state.overlay, e.parent);
    const entry = dir.entries.get(e.name);
    if (entry !== undefined && entry !== 'whiteout') {
      const node = state.overlay.nodes.get(entry);
      if (node) node.ctimeNs = e.timeNs;
    }
    unlinkEntry(state, dir, e.name);
    if (e.whiteout) dir.entries.set(e.name, 'whiteout');
    touchDir(dir, e.timeNs);
  },
  OverlayRenamed(state, e) {
    const from = dirOf(state.overlay, e.fromParent);
    const to = dirOf(state.overlay, e.toParent);
    const moving = from.entries.get(e.fromName);
    if (moving === undefined || moving === 'whiteout') throw new Error(`rename of a missing overlay entry ${e.fromName}`);
    const node = nodeOf(state.overlay, moving);
    node.ctimeNs = e.timeNs;
    if (e.exchange) {
      const other = to.entries.get(e.toName);
      if (other === undefined || other === 'whiteout') throw new Error(`exchange with a missing overlay entry ${e.toName}`);
      nodeOf(state.overlay, other).ctimeNs = e.timeNs;
      from.entries.set(e.fromName, other);
      to.entries.set(e.toName, moving);
    } else {
      from.entries.delete(e.fromName);
      unlinkEntry(state, to, e.toName);
      to.entries.set(e.toName, moving);
      if (e.whiteout) from.entries.set(e.fromName, 'whiteout');
    }
    touchDir(from, e.timeNs);
    touchDir(to, e.timeNs);
  },
};
