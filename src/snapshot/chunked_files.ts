// Images of version 1 (and traces started from their state) hold each overlay file's bytes as
// one array, `data`; from version 2 they are chunks (kernel/vfs/file_bytes.ts). Reading an
// older state turns the one into the other, so that a version-1 image restores as before.
import { chunksOf } from '../kernel/vfs/file_bytes.js';

/** The state with every overlay file's `data` (if any) made into chunks. */
export function withChunkedFiles<S extends { overlay: { nodes: Map<number, object> } }>(state: S): S {
  for (const node of state.overlay.nodes.values()) {
    const old = node as { kind?: unknown; data?: unknown; size?: unknown; chunks?: unknown };
    if (old.kind !== 'file' || !(old.data instanceof Uint8Array) || old.chunks !== undefined) continue;
    const size = typeof old.size === 'number' ? old.size : old.data.length;
    old.chunks = chunksOf(old.data.subarray(0, Math.min(size, old.data.length)));
    delete old.data;
  }
  return state;
}
