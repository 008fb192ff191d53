// Writes a checkpoint image: every part into a temporary directory next to the target, the
// manifest (with each part's size and CRC-32) last, then one rename. A crash or a full disk
// never leaves anything at the target that looks like a whole image.
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

import { MANIFEST_NAME, type Manifest } from './image_format.js';
import { manifestText } from './manifest_checksum.js';

const YIELD_BYTES = 64 << 20;

interface PartRecord {
  bytes: number;
  crc32: number;
}

/**
 * One part being written, in order, with its checksum kept as it goes. Writes are synchronous
 * (the sandbox is frozen meanwhile, and a thread-pool hand-off per chunk measured slower on a
 * loaded machine); every YIELD_BYTES the event loop gets a turn, so progress reaches the client.
 */
export class PartStream {
  private bytes = 0;
  private crc = 0;
  private sinceYield = 0;

  constructor(
    private readonly fd: number,
    private readonly done: (record: PartRecord) => void,
  ) {}

  async write(data: Uint8Array): Promise<void> {
    for (let at = 0; at < data.length; ) at += fs.writeSync(this.fd, data, at, data.length - at);
    this.crc = crc32(data, this.crc);
    this.bytes += data.length;
    this.sinceYield += data.length;
    if (this.sinceYield >= YIELD_BYTES) {
      this.sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.done({ bytes: this.bytes, crc32: this.crc });
  }
}

export class ImageWriter {
  private readonly parts: Record<string, PartRecord> = {};

  private constructor(
    readonly target: string,
    private readonly tmp: string,
  ) {}

  /** Checks that target can become an image (absent, or an empty directory) and starts one beside it. */
  static create(target: string): ImageWriter {
    const dir = path.resolve(target);
    let existing: string[] | null = null;
    try {
      existing = fs.readdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new Error(`${target} exists and is not a directory`);
      if (code !== 'ENOENT') throw new Error(`${target}: ${(err as Error).message}`);
    }
    if (existing && existing.length > 0) throw new Error(`${target} already exists and is not empty`);
    const tmp = path.join(path.dirname(dir), `.${path.basename(dir)}.tmp-${globalThis.process.pid}-${Date.now()}`);
    try {
      fs.mkdirSync(tmp, { mode: 0o700 });
    } catch (err) {
      throw new Error(`cannot create the image next to ${target}: ${(err as Error).message}`);
    }
    return new ImageWriter(dir, tmp);
  }

  async open(name: string): Promise<PartStream> {
    const fd = fs.openSync(path.join(this.tmp, name), 'wx', 0o600);
    return new PartStream(fd, (record) => {
      this.parts[name] = record;
    });
  }

  async writePart(name: string, data: Uint8Array): Promise<void> {
    const stream = await this.open(name);
    try {
      await stream.write(data);
    } finally {
      await stream.close();
    }
  }

  /** Writes the manifest (every part is on disk already), and renames the image into place. */
  async commit(manifest: Omit<Manifest, 'parts'>): Promise<void> {
    const whole: Manifest = { ...manifest, parts: this.parts };
    const fd = fs.openSync(path.join(this.tmp, MANIFEST_NAME), 'wx', 0o600);
    try {
      fs.writeSync(fd, manifestText(whole));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // rename(2) replaces an empty directory at the target, atomically.
    await fs.promises.rename(this.tmp, this.target);
  }

  /** Bytes of the parts written so far. */
  totalBytes(): number {
    return Object.values(this.parts).reduce((sum, p) => sum + p.bytes, 0);
  }

  /** Removes the partial image. */
  abort(): void {
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}
