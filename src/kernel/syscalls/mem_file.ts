// Reading and writing open files of the overlay's upper layer ('mem' open files): the bytes
// live in kernel state, so a read is a copy out and a write is an OverlayWritten event.
import { Errno } from '../errno.js';
import type { FdLookup } from '../fd/fd_table.js';
import type { OpenFile, OverlayFile } from '../state.js';
import type { SyscallContext } from './context.js';
import { nowNs } from './overlay_ops.js';
import { fsNotifyNode } from './fs_notify.js';
import { sealsAllow } from './memfd.js';
import { pullSharedPages } from '../vfs/shared_file_pages.js';
import { IN_ACCESS, IN_MODIFY } from '../abi/inotify.js';
import { O_APPEND } from '../abi/open_flags.js';
import { MAX_FILE_SIZE, readChunks } from '../vfs/file_bytes.js';
import { writableCount } from './file_size_limit.js';
import { tmpfsWritable } from './tmpfs_space.js';

/** The regular file an open 'mem' file refers to (it stays while open, even unlinked). */
export function memFile(ctx: SyscallContext, file: OpenFile): OverlayFile | undefined {
  const node = file.nodeId === undefined ? undefined : ctx.kernel.state.overlay.nodes.get(file.nodeId);
  return node?.kind === 'file' ? node : undefined;
}

/** Reads up to count bytes at position (null: at the file offset, which advances). */
export function readMem(ctx: SyscallContext, d: FdLookup, count: number, position: number | null, deliver: (bytes: Uint8Array) => number): number {
  const node = memFile(ctx, d.file);
  if (!node) return -Errno.EBADF;
  const at = position ?? d.file.offset;
  const end = Math.min(node.size, at + count);
  pullSharedPages(ctx.kernel, node, at, end);
  // A copy: the bytes may go on into an event (sendfile to another file), never a view of state.
  const bytes = readChunks(node.chunks, at, end);
  const r = deliver(bytes);
  if (r > 0 && position === null) ctx.emit({ type: 'FileOffsetSet', fileId: d.file.id, offset: at + r });
  if (r > 0) fsNotifyNode(ctx, IN_ACCESS, d.file.path, node);
  return r;
}

/**
 * Writes bytes at position (null: at the file offset, which advances); O_APPEND (or append,
 * when given) writes at the end, as Linux does even for pwrite.
 */
export function writeMem(ctx: SyscallContext, d: FdLookup, bytes: Uint8Array, position: number | null, append?: boolean): number {
  const node = memFile(ctx, d.file);
  if (!node) return -Errno.EBADF;
  const at = (append ?? (d.file.flags & O_APPEND) !== 0) ? node.size : (position ?? d.file.offset);
  const allowed = writableCount(ctx, at, bytes.length);
  if (allowed < 0) return allowed;
  let data = allowed < bytes.length ? bytes.subarray(0, allowed) : bytes;
  if (at + data.length > MAX_FILE_SIZE) return -Errno.EFBIG;
  const sealed = sealsAllow(node, { write: true, end: at + data.length });
  if (sealed < 0) return sealed;
  const fits = tmpfsWritable(ctx, node, at, data.length);
  if (fits < 0) return fits;
  if (fits < data.length) data = data.subarray(0, fits);
  ctx.emit({ type: 'OverlayWritten', nodeId: node.id, offset: at, bytes: data, timeNs: nowNs() });
  if (position === null) ctx.emit({ type: 'FileOffsetSet', fileId: d.file.id, offset: at + data.length });
  fsNotifyNode(ctx, IN_MODIFY, d.file.path, node);
  return data.length;
}
