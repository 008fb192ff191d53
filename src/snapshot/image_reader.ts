// Opens a checkpoint image and checks all of it before a restore starts anything: the manifest
// (format, version, its own checksum, schema), every part's presence, size and CRC-32, and the
// schemas of the kernel state and of each process.
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

import type * as z from 'zod';

import { imageDecoder } from './cbor_codec.js';
import { IMAGE_FORMAT, IMAGE_VERSION, OLDEST_IMAGE_VERSION, KERNEL_PART, KernelPartSchema, MANIFEST_NAME, ManifestSchema, pagesPart, processPart, ProcessPartSchema, type KernelPart, type Manifest, type ProcessPart } from './image_format.js';
import { checkManifestText } from './manifest_checksum.js';

export class ImageError extends Error {}

export interface CheckpointImage {
  dir: string;
  manifest: Manifest;
  kernel: KernelPart;
  processes: Map<number, ProcessPart>;
  pagesPath(pid: number): string;
}

function zodPath(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.map(String).join('.') + ': ' : '';
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (!fs.existsSync(dir)) throw new ImageError(`${dir}: no such checkpoint image`);
      throw new ImageError(`${dir}: not a checkpoint image (no ${MANIFEST_NAME})`);
    }
    throw new ImageError(`${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ImageError(`${file}: not valid JSON (corrupt image)`);
  }
  const head = (raw ?? {}) as { format?: unknown; version?: unknown };
  if (head.format !== IMAGE_FORMAT) throw new ImageError(`${dir}: not a tsvisor checkpoint image`);
  if (typeof head.version === 'number' && head.version > IMAGE_VERSION) {
    throw new ImageError(`${dir}: image format version ${head.version} is newer than this tsvisor reads (${IMAGE_VERSION}); restore it with a newer tsvisor`);
  }
  const checked = checkManifestText(text);
  if ('error' in checked) throw new ImageError(`${file}: ${checked.error}`);
  const parsed = ManifestSchema.safeParse(checked.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImageError(`${file}: ${zodPath(issue)}${issue.message}`);
  }
  if (parsed.data.version < OLDEST_IMAGE_VERSION) throw new ImageError(`${dir}: image format version ${parsed.data.version} is not readable by this tsvisor`);
  return parsed.data;
}

/** Checks one part's size and checksum (streaming: pages files can be large). */
function checkPart(dir: string, name: string, want: { bytes: number; crc32: number }): void {
  const file = path.join(dir, name);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    throw new ImageError(`${file}: missing (incomplete image)`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size !== want.bytes) throw new ImageError(`${file}: ${size < want.bytes ? 'truncated' : 'too long'} (${size} bytes, the manifest says ${want.bytes})`);
    const buf = Buffer.alloc(Math.min(8 << 20, Math.max(1, size)));
    let crc = 0;
    for (let at = 0; at < size; ) {
      const n = fs.readSync(fd, buf, 0, buf.length, at);
      if (n === 0) break;
      crc = crc32(buf.subarray(0, n), crc);
      at += n;
    }
    if (crc !== want.crc32) throw new ImageError(`${file}: checksum mismatch (corrupt image)`);
  } finally {
    fs.closeSync(fd);
  }
}

function decodePart<T>(dir: string, name: string, schema: z.ZodType<T>): T {
  const file = path.join(dir, name);
  let value: unknown;
  try {
    value = imageDecoder.decode(fs.readFileSync(file));
  } catch (err) {
    throw new ImageError(`${file}: not valid CBOR (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImageError(`${file}: ${zodPath(issue)}${issue.message}`);
  }
  return parsed.data;
}

export function readImage(dirArg: string): CheckpointImage {
  const dir = path.resolve(dirArg);
  const manifest = readManifest(dir);
  for (const [name, want] of Object.entries(manifest.parts)) {
    if (name.includes('/') || name.startsWith('.')) throw new ImageError(`${dir}: the manifest names a part outside the image (${name})`);
    checkPart(dir, name, want);
  }
  if (!manifest.parts[KERNEL_PART]) throw new ImageError(`${dir}: the manifest lists no ${KERNEL_PART}`);
  const kernel = decodePart(dir, KERNEL_PART, KernelPartSchema);
  const processes = new Map<number, ProcessPart>();
  for (const p of kernel.state.processes.values()) {
    if (p.status !== 'running') continue;
    for (const name of [processPart(p.pid), pagesPart(p.pid)]) {
      if (!manifest.parts[name]) throw new ImageError(`${dir}: the manifest lists no ${name} for process ${p.pid}`);
    }
    const part = decodePart(dir, processPart(p.pid), ProcessPartSchema);
    if (part.pid !== p.pid) throw new ImageError(`${path.join(dir, processPart(p.pid))}: holds process ${part.pid}, not ${p.pid}`);
    processes.set(p.pid, part);
  }
  return { dir, manifest, kernel, processes, pagesPath: (pid) => path.join(dir, pagesPart(pid)) };
}
