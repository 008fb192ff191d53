// Build time only (snapshot_entry.ts): calls the Node APIs that every run uses, before the
// snapshot is taken, so that their functions are compiled in it. Node's own modules loaded
// while it bootstraps are in the snapshot, but only with the functions that ran at build time
// compiled, and the inspector that compiles the bundle's functions (snapshot_precompile.ts)
// is not shown them: each run compiled ~100 of them lazily (buffer and its int/bigint
// accessors, timers and their lists, async_hooks, fs's stat and readlink, TextDecoder; listed
// with --log-function-events, docs/performance.md, eighth round). A call compiles a function
// and everything it calls; nothing here is kept (no timer, fd or listener is left).
import { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';

export function warmNodeBuiltins(anyFile: string): void {
  const b = Buffer.alloc(64);
  b.writeBigUInt64LE(1n, 0);
  b.readBigUInt64LE(0);
  b.writeBigInt64LE(-1n, 8);
  b.readBigInt64LE(8);
  b.writeInt32LE(-1, 16);
  b.readInt32LE(16);
  b.writeUInt32LE(1, 20);
  b.readUInt32LE(20);
  b.writeUInt16LE(1, 24);
  b.readUInt16LE(24);
  b.fill(0);
  b.includes(0);
  b.indexOf(0);
  b.subarray(0, 8).slice(0, 4);
  Buffer.concat([b.subarray(0, 1), b.subarray(1, 2)]);
  Buffer.byteLength('x', 'utf8');
  Buffer.allocUnsafe(8);
  Buffer.allocUnsafeSlow(8);
  Buffer.from('x', 'utf8').toString('utf8');
  new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b.subarray(0, 1));

  const fd = fs.openSync(anyFile, 'r');
  try {
    fs.fstatSync(fd, { bigint: true }).isDirectory();
    fs.fstatSync(fd).isFile();
    fs.readSync(fd, b, 0, 1, 0);
  } finally {
    fs.closeSync(fd);
  }
  fs.lstatSync(anyFile).isSymbolicLink();
  try {
    fs.readlinkSync(anyFile, { encoding: 'buffer' });
  } catch {
    // not a link: the call is what compiles readlinkSync
  }
  os.loadavg();
  globalThis.process.hrtime.bigint();

  const emitter = new EventEmitter();
  const listener = (): void => {};
  emitter.on('x', listener);
  emitter.removeListener('x', listener);
  clearInterval(setInterval(() => {}, 60_000));
  clearTimeout(setTimeout(() => {}, 60_000));
  // A timer and an immediate that run (the event loop turns before the snapshot is taken).
  setTimeout(() => {}, 1);
  setImmediate(() => {});
}
