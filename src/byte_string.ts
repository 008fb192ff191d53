// Linux byte strings (paths, argv, the environment, symlink targets, directory entries) as
// JS strings, byte-exactly. Bytes that are UTF-8 decode as UTF-8, so every UTF-8 name is the
// string it always was (and encodes in CBOR, states and digests as before). A byte that is
// not part of a valid UTF-8 sequence becomes one "escape" code point, U+10FF00 + the byte
// (U+10FF80..U+10FFFF, the end of plane 16's private use area): still well-formed Unicode,
// so cbor-x, JSON and node carry it unchanged. The 4-byte UTF-8 sequences of those 128 code
// points themselves decode byte by byte as escapes, so no two byte strings give the same JS
// string and encodeBytes(decodeBytes(b)) is b for every b. See docs/design-notes.md.
import { Buffer } from 'node:buffer';

const ESCAPE_BASE = 0x10ff00;
/** The UTF-16 form of an escape: high surrogate 0xDBFF, low surrogate 0xDF00 + the byte. */
const ESCAPE_HIGH = 0xdbff;
const ESCAPE_LOW_BASE = 0xdf00;
const ESCAPE_IN_UTF16 = /\uDBFF[\uDF80-\uDFFF]/;
const ESCAPE_HIGH_CHAR = '\uDBFF';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The string standing for bytes (a name, a path, an argument), byte-exactly. */
export function decodeBytes(bytes: Uint8Array): string {
  let s: string;
  try {
    s = strictUtf8.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
  // Valid UTF-8 holding an escape's own code point is escaped byte by byte instead.
  return hasEscapes(s) ? decodeEscaping(bytes) : s;
}

/** The length of the valid UTF-8 sequence starting at i that is not an escape's own, or 0. */
function validSequenceAt(b: Uint8Array, i: number): number {
  const b0 = b[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number): boolean => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const b1 = b[i + 1] ?? 0;
    if (b0 === 0xe0 && b1 < 0xa0) return 0; // overlong
    if (b0 === 0xed && b1 >= 0xa0) return 0; // a surrogate
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const b1 = b[i + 1] ?? 0;
    if (b0 === 0xf0 && b1 < 0x90) return 0; // overlong
    if (b0 === 0xf4 && b1 >= 0x90) return 0; // above U+10FFFF
    if (!(cont(1) && cont(2) && cont(3))) return 0;
    if (b0 === 0xf4 && b1 === 0x8f && b[i + 2]! >= 0xbe) return 0; // U+10FF80..U+10FFFF: an escape's code point
    return 4;
  }
  return 0;
}

function decodeEscaping(bytes: Uint8Array): string {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceAt(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (start < i) parts.push(strictUtf8.decode(bytes.subarray(start, i)));
    parts.push(String.fromCodePoint(ESCAPE_BASE + bytes[i]!));
    i += 1;
    start = i;
  }
  if (start < bytes.length) parts.push(strictUtf8.decode(bytes.subarray(start)));
  return parts.join('');
}

/** Whether s holds bytes that are not UTF-8 (escapes). */
export function hasEscapes(s: string): boolean {
  return s.includes(ESCAPE_HIGH_CHAR) && ESCAPE_IN_UTF16.test(s);
}

/** The bytes a string from decodeBytes stands for. */
export function encodeBytes(s: string): Buffer {
  if (!hasEscapes(s)) return Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(byteLength(s));
  writeBytes(out, s, 0);
  return out;
}

/** The number of bytes s stands for. */
export function byteLength(s: string): number {
  if (!hasEscapes(s)) return Buffer.byteLength(s, 'utf8');
  let n = 0;
  forEachRun(s, (run) => (n += Buffer.byteLength(run, 'utf8')), () => (n += 1));
  return n;
}

/** Writes the bytes s stands for into out at offset; the count written. */
export function writeBytes(out: Buffer, s: string, offset: number): number {
  if (!hasEscapes(s)) return out.write(s, offset, 'utf8');
  let at = offset;
  forEachRun(s, (run) => (at += out.write(run, at, 'utf8')), (byte) => (out[at++] = byte));
  return at - offset;
}

/** Splits s into runs of plain text and escaped bytes, in order. */
function forEachRun(s: string, text: (run: string) => void, escaped: (byte: number) => void): void {
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== ESCAPE_HIGH) continue;
    const low = s.charCodeAt(i + 1);
    if (low < ESCAPE_LOW_BASE + 0x80 || low > ESCAPE_LOW_BASE + 0xff) continue;
    if (start < i) text(s.slice(start, i));
    escaped(low - ESCAPE_LOW_BASE);
    i += 1;
    start = i + 1;
  }
  if (start < s.length) text(s.slice(start));
}

/** What to give node's fs for a host path: the string itself when it is UTF-8, else its exact bytes. */
export function hostPathArg(s: string): string | Buffer {
  return hasEscapes(s) ? encodeBytes(s) : s;
}

/**
 * s for people (strace, trace show, explain, error messages): the bytes that are not UTF-8
 * written as strace writes them, a backslash and three octal digits (\377).
 */
export function displayBytes(s: string): string {
  if (!hasEscapes(s)) return s;
  let out = '';
  forEachRun(s, (run) => (out += run), (byte) => (out += '\\' + byte.toString(8).padStart(3, '0')));
  return out;
}

/** The string of s's first max bytes (Linux cuts comm and the like by bytes, not characters). */
export function truncateBytes(s: string, max: number): string {
  const bytes = encodeBytes(s);
  return bytes.length <= max ? s : decodeBytes(bytes.subarray(0, max));
}
