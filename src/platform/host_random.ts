// Random bytes from the host's getrandom(2), through the native addon: node:crypto would cost
// every sandbox process its start-up share of loading ~20 modules (AT_RANDOM needs 16 bytes
// at each exec, before the program's first instruction).
import { loadAddon } from './native_addon.js';

/** Fills bytes with random bytes and returns them. */
export function hostRandomFill<T extends Uint8Array>(bytes: T): T {
  const r = loadAddon().hostRandom(bytes);
  if (r < 0) throw new Error(`getrandom failed (errno ${-r})`);
  return bytes;
}
