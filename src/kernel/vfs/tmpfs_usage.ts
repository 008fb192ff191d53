// What the overlay's nodes of each device hold, as a tmpfs counts it against size= and
// nr_inodes=: a regular file's allocated pages (file_extents.ts), and an inode per node plus
// one per extra hard link of a non-directory (Linux charges links to nr_inodes too). An
// unlinked file still open holds its pages and inode until it is released.
//
// The counts are running totals beside the state (a WeakMap, so checkpoints, traces and state
// digests never see them), per device asked about: made by one pass over the nodes the first
// time a tmpfs's usage is asked for, then kept by the overlay reducers, which call accountNode
// around each change of a node's pages, links or existence. Nodes of other devices (the root
// overlay's) cost the reducers one map lookup.
import type { OverlayNode, OverlayState } from '../state.js';
import { allocatedPages } from './file_extents.js';

export interface DeviceUsage {
  pages: number;
  inodes: number;
}

const usageOf = new WeakMap<OverlayState, Map<bigint, DeviceUsage>>();

function weightOf(node: OverlayNode): DeviceUsage {
  return { pages: node.kind === 'file' ? allocatedPages(node) : 0, inodes: node.kind === 'dir' ? 1 : Math.max(1, node.nlink) };
}

function add(u: DeviceUsage, w: DeviceUsage, sign: 1 | -1): void {
  u.pages += sign * w.pages;
  u.inodes += sign * w.inodes;
}

/** The pages and inodes the nodes of device dev hold (kept from now on). */
export function deviceUsage(overlay: OverlayState, dev: bigint): Readonly<DeviceUsage> {
  let usage = usageOf.get(overlay);
  if (!usage) usageOf.set(overlay, (usage = new Map()));
  let u = usage.get(dev);
  if (!u) {
    usage.set(dev, (u = { pages: 0, inodes: 0 }));
    for (const node of overlay.nodes.values()) if (node.dev === dev) add(u, weightOf(node), 1);
  }
  return u;
}

/**
 * Runs change, which may change node's pages or links, add it to the overlay (node absent
 * before) or remove it (absent after), and keeps the counts (when they are kept) right.
 */
export function accountNode(overlay: OverlayState, node: OverlayNode, change: () => void): void {
  const u = usageOf.get(overlay)?.get(node.dev);
  if (!u) {
    change();
    return;
  }
  if (overlay.nodes.get(node.id) === node) add(u, weightOf(node), -1);
  change();
  if (overlay.nodes.get(node.id) === node) add(u, weightOf(node), 1);
}
