// System V IPC ids as Linux 6.x gives them out: the next free index after the last one given,
// cyclically within max(64, 1.5 x in use) indexes, the sequence number moving on at each wrap.
import { expect } from 'chai';

import { applyEvent } from '../../src/kernel/reducer.js';
import { emptyKernelState, type KernelState } from '../../src/kernel/state.js';
import { nextId, objectById } from '../../src/kernel/syscalls/sysv_ipc.js';

function create(state: KernelState): number {
  const id = nextId(state, 'sem', 32000);
  applyEvent(state, { type: 'SysvCreated', kind: 'sem', id, key: 0, mode: 0o600, uid: 0, gid: 0, pid: 1, size: 1, time: 0 });
  return id;
}

describe('System V IPC ids', () => {
  it('start at 0 and go on after the last one given, not into a freed index', () => {
    const state = emptyKernelState();
    expect([create(state), create(state), create(state)]).to.deep.equal([0, 1, 2]);
    applyEvent(state, { type: 'SysvRemoved', kind: 'sem', id: 1 });
    expect(create(state)).to.equal(3);
  });

  it('wrap after 64 indexes with the next sequence number, and an old id of a reused index is EIDRM', () => {
    const state = emptyKernelState();
    const first = create(state);
    for (let i = 1; i < 64; i++) applyEvent(state, { type: 'SysvRemoved', kind: 'sem', id: create(state) });
    applyEvent(state, { type: 'SysvRemoved', kind: 'sem', id: first });
    // Index 63 was the last: the cycle goes back to 0, with seq 1 (id = seq * 32768 + index).
    const wrapped = create(state);
    expect(wrapped).to.equal(32768);
    expect(objectById(state.sysv!.sem, first)).to.equal(-43); // EIDRM
    expect(objectById(state.sysv!.sem, 5)).to.equal(-22); // EINVAL: nothing at index 5
  });

  it('refuse past the limit', () => {
    const state = emptyKernelState();
    for (let i = 0; i < 3; i++) applyEvent(state, { type: 'SysvCreated', kind: 'shm', id: nextId(state, 'shm', 3), key: 0, mode: 0, uid: 0, gid: 0, pid: 1, size: 1, time: 0 });
    expect(nextId(state, 'shm', 3)).to.equal(-28); // ENOSPC
  });
});
