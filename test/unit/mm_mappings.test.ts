// mm/reducer.ts: the mapping list kept sorted and disjoint by in-place carving, checked against a
// page-by-page model of the address space over random maps and unmaps (file offsets included).
import { expect } from 'chai';

import { carve } from '../../src/kernel/mm/reducer.js';
import type { Mapping } from '../../src/kernel/state.js';

const PAGE = 4096;

/** What each page holds: the id of the mapping made there and the file offset of that page. */
type Model = Map<number, { id: number; offset: number }>;

function pagesOf(mappings: readonly Mapping[]): Model {
  const model: Model = new Map();
  for (const m of mappings) {
    for (let a = m.start; a < m.end; a += PAGE) model.set(a / PAGE, { id: m.prot, offset: (m.offset ?? 0) + (a - m.start) });
  }
  return model;
}

describe('address-space bookkeeping (mm/reducer.ts carve)', () => {
  it('splits a mapping that straddles the hole, shifting the offset of the part after it', () => {
    const list: Mapping[] = [{ start: 0x1000, end: 0x5000, prot: 1, flags: 2, path: '/f', offset: 0 }];
    expect(carve(list, 0x2000, 0x3000)).to.equal(1);
    expect(list).to.deep.equal([
      { start: 0x1000, end: 0x2000, prot: 1, flags: 2, path: '/f', offset: 0 },
      { start: 0x3000, end: 0x5000, prot: 1, flags: 2, path: '/f', offset: 0x2000 },
    ]);
  });

  it('gives where a range goes in a list it does not touch', () => {
    const list: Mapping[] = [
      { start: 0x1000, end: 0x2000, prot: 1, flags: 2 },
      { start: 0x8000, end: 0x9000, prot: 1, flags: 2 },
    ];
    expect(carve(list, 0x0, 0x1000)).to.equal(0);
    expect(carve(list, 0x4000, 0x5000)).to.equal(1);
    expect(carve(list, 0xa000, 0xb000)).to.equal(2);
    expect(list).to.have.length(2);
  });

  it('agrees with a page-by-page model over random maps and unmaps', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const list: Mapping[] = [];
    const model: Model = new Map();
    for (let step = 1; step <= 3000; step++) {
      const first = random(200);
      const pages = 1 + random(12);
      const start = first * PAGE;
      const end = start + pages * PAGE;
      const at = carve(list, start, end);
      for (let p = first; p < first + pages; p++) model.delete(p);
      if (random(3) > 0) {
        // A map: its id travels in prot, its file offset is a page multiple.
        const offset = random(50) * PAGE;
        list.splice(at, 0, { start, end, prot: step, flags: 0, offset });
        for (let p = first; p < first + pages; p++) model.set(p, { id: step, offset: offset + (p - first) * PAGE });
      }
      for (let i = 1; i < list.length; i++) expect(list[i - 1]!.end, `sorted and disjoint at step ${step}`).to.be.at.most(list[i]!.start);
    }
    expect(pagesOf(list)).to.deep.equal(model);
  });
});
