// tsvisor's own arguments and environment byte for byte. Node decodes argv and environ as
// UTF-8, a byte that is not UTF-8 becoming U+FFFD, while `tsvisor run -- CMD ARGS` must hand
// the program exactly what it was given: the bytes are read again from /proc/self/cmdline and
// /proc/self/environ (what the kernel was given at exec) and decoded as byte strings
// (src/byte_string.ts). Only strings node may have changed are looked at.
import fs from 'node:fs';

import { decodeBytes } from '../byte_string.js';

/** U+FFFD (node's replacement) or an escape's high surrogate (valid UTF-8 that decodeBytes escapes). */
const MAY_DIFFER = /[\uFFFD\uDBFF]/;
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Equal as node shows them: decoders may differ in how many U+FFFD one bad sequence gives. */
function sameShown(nodeText: string, raw: Uint8Array): boolean {
  const squeeze = (s: string): string => s.replace(/\uFFFD+/g, '\uFFFD');
  return squeeze(nodeText) === squeeze(lossy.decode(raw));
}

/** The NUL-terminated entries of a /proc/self file, as bytes; [] when it cannot be read. */
function entriesOf(file: string): Buffer[] {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch {
    return [];
  }
  const out: Buffer[] = [];
  for (let at = 0; at < raw.length; ) {
    const end = raw.indexOf(0, at);
    const stop = end < 0 ? raw.length : end;
    out.push(raw.subarray(at, stop));
    at = stop + 1;
  }
  return out;
}

/**
 * args (the end of node's process.argv) as the bytes the process was given. They are the
 * last entries of /proc/self/cmdline; if those do not match (args came from elsewhere), args.
 */
export function exactArguments(args: readonly string[]): string[] {
  if (!args.some((a) => MAY_DIFFER.test(a))) return [...args];
  const cmdline = entriesOf('/proc/self/cmdline');
  if (cmdline.length < args.length) return [...args];
  const tail = cmdline.slice(cmdline.length - args.length);
  if (!tail.every((raw, i) => sameShown(args[i]!, raw))) return [...args];
  return tail.map((raw) => decodeBytes(raw));
}

/**
 * environ (node's process.env, or what the launcher made of it) with each entry node changed
 * replaced by its bytes from /proc/self/environ, in the same order.
 */
export function exactEnvironment(environ: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!Object.entries(environ).some(([k, v]) => MAY_DIFFER.test(k) || (v !== undefined && MAY_DIFFER.test(v)))) return environ;
  const exact = new Map<string, [string, string]>();
  for (const raw of entriesOf('/proc/self/environ')) {
    const eq = raw.indexOf(0x3d);
    if (eq <= 0) continue;
    const key = raw.subarray(0, eq);
    const value = raw.subarray(eq + 1);
    const shown = `${lossy.decode(key)}=${lossy.decode(value)}`.replace(/\uFFFD+/g, '\uFFFD');
    exact.set(shown, [decodeBytes(key), decodeBytes(value)]);
  }
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(environ)) {
    if (v === undefined) continue;
    const found = MAY_DIFFER.test(k) || MAY_DIFFER.test(v) ? exact.get(`${k}=${v}`.replace(/\uFFFD+/g, '\uFFFD')) : undefined;
    if (found) out[found[0]] = found[1];
    else out[k] = v;
  }
  return out;
}

/** tsvisor's working directory as its bytes (node's process.cwd() decodes it as UTF-8). */
export function exactCwd(): string {
  const cwd = globalThis.process.cwd();
  if (!MAY_DIFFER.test(cwd)) return cwd;
  try {
    return decodeBytes(fs.readlinkSync('/proc/self/cwd', { encoding: 'buffer' }));
  } catch {
    return cwd;
  }
}
