// Ending tsvisor without joining Node's thread pool: Node's exit waits for every pool thread,
// and one parked in a blocking host read (a terminal nobody types at) never comes back.
import { loadAddon } from './native_addon.js';

/** _exit(status): no 'exit' listeners run after this; call it from the last of them. */
export function exitNow(status: number): never {
  return loadAddon().exitNow(status);
}
