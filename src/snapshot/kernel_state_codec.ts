// The kernel state as bytes outside an image: a trace of a restored sandbox carries the state
// it started from (restore --record), so that replay starts there instead of from nothing.
import { emptyKernelState, type KernelState } from '../kernel/state.js';
import { imageDecoder, imageEncoder } from './cbor_codec.js';
import { KernelStateSchema } from './image_format.js';

export function encodeKernelState(state: KernelState): Uint8Array {
  return imageEncoder.encode(state);
}

/** The state in bytes (checked against its schema); throws with the schema's message. */
export function decodeKernelState(bytes: Uint8Array): KernelState {
  const parsed = KernelStateSchema.safeParse(imageDecoder.decode(bytes));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`the initial kernel state: ${issue.path.map(String).join('.')}: ${issue.message}`);
  }
  return Object.assign(emptyKernelState(), parsed.data);
}
