// A bundle's process.capabilities as the kernel's capability sets: each list of names
// ("CAP_CHOWN"...) becomes a mask. Names this kernel does not know are left out, as runc
// leaves out those its kernel lacks. No capabilities object: the process keeps root's
// (task/capabilities.ts derives them from its uids).
import { CAP_NAMES, and, capBit, or } from '../kernel/task/capabilities.js';
import type { CapabilitySets } from '../kernel/state.js';
import type { ProcessSpec } from './bundle_config.js';

type CapabilityLists = NonNullable<ProcessSpec['capabilities']>;

function maskOf(names: readonly string[] | undefined): number {
  let mask = 0;
  // or, not +: CAP_CHOWN and CHOWN in one list name one capability.
  for (const name of names ?? []) {
    const cap = CAP_NAMES.indexOf(name.replace(/^CAP_/, '') as (typeof CAP_NAMES)[number]);
    if (cap >= 0) mask = or(mask, capBit(cap));
  }
  return mask;
}

export function capabilitySetsOf(lists: CapabilityLists | undefined): CapabilitySets | undefined {
  if (!lists) return undefined;
  const permitted = maskOf(lists.permitted);
  const inheritable = maskOf(lists.inheritable);
  // What Linux would refuse to set is not set: effective beyond permitted, ambient beyond both.
  return {
    bounding: maskOf(lists.bounding),
    effective: and(maskOf(lists.effective), permitted),
    permitted,
    inheritable,
    ambient: and(maskOf(lists.ambient), and(permitted, inheritable)),
    securebits: 0,
  };
}

/**
 * The lists with runc exec's --cap names added: to the bounding, effective and permitted
 * sets, and to the ambient one when the lists have an inheritable set (as runc does).
 */
export function withAddedCapabilities(lists: CapabilityLists | undefined, added: readonly string[]): CapabilityLists | undefined {
  if (added.length === 0) return lists;
  const plus = (names: readonly string[] | undefined) => [...(names ?? []), ...added];
  return {
    ...lists,
    bounding: plus(lists?.bounding),
    effective: plus(lists?.effective),
    permitted: plus(lists?.permitted),
    ...(lists?.inheritable ? { ambient: plus(lists.ambient) } : {}),
  };
}
