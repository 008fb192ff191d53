// The bytes of an overlay file, held sparsely: fixed-size chunks by index, a chunk that was
// never written (or was wholly truncated or punched away) is absent and reads as zeros. So a
// file made large by truncate or by a write far past its end costs only the chunks written,
// as a sparse file on Linux's tmpfs costs only its pages (it was one buffer: `truncate -s 2G`
// held 2 GiB, a write at 4 GiB was EFBIG). A chunk grows as its bytes are written, so a small
// file holds no more than its bytes rounded up. Which pages count as allocated (st_blocks,
// SEEK_DATA) is file_extents.ts's business, not this one's.

/** Bytes per chunk: large enough for few map entries, small enough that a scattered write stays cheap. */
export const CHUNK = 64 * 1024;

/** Chunk index to its bytes; bytes past a chunk's length (and absent chunks) are zeros. */
export type FileChunks = Map<number, Uint8Array>;

/** The largest file size: offsets reach the kernel as doubles (Linux's tmpfs goes to 2^63 - 1). */
export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;

/** Chunks holding a copy of bytes (a file read in whole: a copy-up, an older image's file). */
export function chunksOf(bytes: Uint8Array): FileChunks {
  const chunks: FileChunks = new Map();
  writeChunks(chunks, 0, bytes);
  return chunks;
}

/** Bytes [from, to) as a new array (zeros where nothing was written). */
export function readChunks(chunks: FileChunks, from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, to - from));
  if (out.length === 0 || chunks.size === 0) return out;
  for (let index = Math.floor(from / CHUNK); index * CHUNK < to; index++) {
    const chunk = chunks.get(index);
    if (!chunk) continue;
    const base = index * CHUNK;
    const start = Math.max(from, base) - base;
    const end = Math.min(to - base, chunk.length);
    if (start < end) out.set(chunk.subarray(start, end), base + start - from);
  }
  return out;
}

/** Writes bytes at offset, growing (or making) the chunks they fall in. */
export function writeChunks(chunks: FileChunks, offset: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    const at = offset + done;
    const index = Math.floor(at / CHUNK);
    const inChunk = at - index * CHUNK;
    const n = Math.min(CHUNK - inChunk, bytes.length - done);
    const chunk = roomFor(chunks.get(index), inChunk + n);
    chunk.set(bytes.subarray(done, done + n), inChunk);
    chunks.set(index, chunk);
    done += n;
  }
}

/** Bytes [from, to) read as zeros again: whole chunks inside the range are dropped. */
export function zeroChunks(chunks: FileChunks, from: number, to: number): void {
  if (from >= to) return;
  for (const [index, chunk] of chunks) {
    const base = index * CHUNK;
    if (base + CHUNK <= from || base >= to) continue;
    if (from <= base && to >= base + CHUNK) {
      chunks.delete(index);
      continue;
    }
    chunk.fill(0, Math.max(from, base) - base, Math.min(to - base, chunk.length));
  }
}

/** The chunks that hold something, in file order, as [offset, bytes] (a sparse file's data). */
export function* chunkRuns(chunks: FileChunks, size: number): Generator<[number, Uint8Array]> {
  for (const index of [...chunks.keys()].sort((a, b) => a - b)) {
    const base = index * CHUNK;
    if (base >= size) continue;
    const chunk = chunks.get(index)!;
    yield [base, chunk.subarray(0, Math.min(chunk.length, size - base))];
  }
}

/** A chunk with room for `need` bytes, grown geometrically so that appends stay linear. */
function roomFor(chunk: Uint8Array | undefined, need: number): Uint8Array {
  if (chunk && chunk.length >= need) return chunk;
  const grown = new Uint8Array(Math.min(CHUNK, Math.max(need, (chunk?.length ?? 0) * 2, 64)));
  if (chunk) grown.set(chunk);
  return grown;
}
