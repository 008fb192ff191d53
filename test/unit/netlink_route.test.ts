// The NETLINK_ROUTE answers as bytes: framing of every answer (lengths, alignment, the
// request's seq and the socket's port id), batches of requests, and hostile input (random
// bytes, lengths that lie, attributes running past their message) answered or ignored
// without an exception. What the answers say is compared with Linux by
// test/programs/netlink_route.c (semantics.test.ts).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { answerRouteRequests } from '../../src/kernel/syscalls/netlink_route.js';

const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLM_F_DUMP = 0x300;

function request(type: number, flags: number, seq: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + body.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  return Buffer.concat([h, body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
}

interface Message { type: number; flags: number; seq: number; port: number; length: number }

/** Splits a datagram into messages, checking that they tile it exactly. */
function messages(datagram: Buffer): Message[] {
  const out: Message[] = [];
  let at = 0;
  while (at < datagram.length) {
    const length = datagram.readUInt32LE(at);
    expect(length).to.be.at.least(16);
    expect(at + length).to.be.at.most(datagram.length);
    out.push({ length, type: datagram.readUInt16LE(at + 4), flags: datagram.readUInt16LE(at + 6), seq: datagram.readUInt32LE(at + 8), port: datagram.readUInt32LE(at + 12) });
    at += (length + 3) & ~3;
  }
  expect(at).to.equal(datagram.length);
  return out;
}

describe('netlink route answers', () => {
  it('answers a batch of dumps in order, each ending with NLMSG_DONE, with the seq and port id', () => {
    const batch = Buffer.concat([
      request(18, NLM_F_REQUEST | NLM_F_DUMP, 7, Buffer.alloc(16)),
      request(22, NLM_F_REQUEST | NLM_F_DUMP, 8, Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])),
    ]);
    const all = answerRouteRequests(batch, 4242, false).flatMap(messages);
    expect(all.map((m) => [m.type, m.seq])).to.deep.equal([[16, 7], [3, 7], [20, 8], [3, 8]]);
    for (const m of all) expect(m.port).to.equal(4242);
  });

  it('refuses changes with EPERM and unknown requests with EOPNOTSUPP, echoing the request', () => {
    const change = request(20, NLM_F_REQUEST | NLM_F_ACK, 1, Buffer.alloc(8));
    const [refused] = answerRouteRequests(change, 1, false);
    expect(refused!.readUInt16LE(4)).to.equal(2);
    expect(refused!.readInt32LE(16)).to.equal(-1);
    expect(refused!.subarray(20)).to.deep.equal(change);
    const [unknown] = answerRouteRequests(request(90, NLM_F_REQUEST | NLM_F_DUMP, 2, Buffer.alloc(4)), 1, true);
    expect(unknown!.readInt32LE(16)).to.equal(-95);
    expect(unknown!.length).to.equal(36); // NETLINK_CAP_ACK: the request's header only
  });

  it('ignores messages that are not requests and stops at a length that lies', () => {
    expect(answerRouteRequests(request(18, NLM_F_DUMP, 1, Buffer.alloc(16)), 1, false)).to.deep.equal([]);
    const lying = request(18, NLM_F_REQUEST | NLM_F_DUMP, 1, Buffer.alloc(16));
    lying.writeUInt32LE(4096, 0);
    expect(answerRouteRequests(lying, 1, false)).to.deep.equal([]);
  });

  it('survives random bytes and malformed attributes', () => {
    for (let i = 0; i < 2000; i++) {
      const junk = randomBytes(16 + (i % 80));
      junk.writeUInt32LE(16 + ((junk.readUInt32LE(0) >>> 0) % (junk.length - 15)), 0);
      junk.writeUInt16LE(16 + (junk.readUInt16LE(4) % 16), 4);
      junk.writeUInt16LE(junk.readUInt16LE(6) | NLM_F_REQUEST, 6);
      for (const datagram of answerRouteRequests(junk, 9, i % 2 === 0)) messages(datagram);
    }
    const getLink = request(18, NLM_F_REQUEST, 3, Buffer.concat([Buffer.alloc(16), Buffer.from([200, 0, 3, 0, 0x6c, 0x6f])]));
    const [answer] = answerRouteRequests(getLink, 1, false);
    expect(answer!.readInt32LE(16)).to.equal(-19); // the name attribute runs past the message: no such device
  });
});
