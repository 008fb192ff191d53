// A digest of the whole kernel state: equal states (same events applied in the same order)
// encode to the same CBOR bytes, so replay can prove it rebuilt what the live kernel had.
import { createHash } from 'node:crypto';

import { Encoder } from 'cbor-x/encode';

import type { KernelState } from '../kernel/state.js';

const encoder = new Encoder({ useRecords: false, mapsAsObjects: false });

export function stateDigest(state: KernelState): string {
  return createHash('sha256').update(encoder.encode(state)).digest('hex');
}
