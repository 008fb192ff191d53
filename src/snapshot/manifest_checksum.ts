// The manifest checks itself: its last field is the CRC-32 of the JSON text before it, so a
// flipped byte in the manifest is caught like one in any other part.
import { crc32 } from 'node:zlib';

import type { Manifest } from './image_format.js';

/** The manifest's text on disk: its JSON, with `"checksum": N` added at the end. */
export function manifestText(manifest: Manifest): string {
  const body = JSON.stringify(manifest, null, 2);
  return `${body.slice(0, -2)},\n  "checksum": ${crc32(body)}\n}\n`;
}

/** Checks a manifest's text; the parsed JSON without its checksum, or an error message. */
export function checkManifestText(text: string): { value: unknown } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: 'the manifest is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || !('checksum' in parsed)) return { error: 'the manifest has no checksum' };
  const { checksum, ...rest } = parsed as { checksum: unknown };
  if (crc32(JSON.stringify(rest, null, 2)) !== checksum) return { error: 'the manifest does not match its checksum (corrupt image)' };
  return { value: rest };
}
