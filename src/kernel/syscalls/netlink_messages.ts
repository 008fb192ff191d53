// Netlink's framing, shared by the protocols the kernel answers (netlink_route.ts,
// sock_diag.ts): requests split out of what a program sent, answers built as messages with
// their attributes, dumps packed into datagrams and closed by NLMSG_DONE, errors and acks.
export const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
/** Types below this are netlink's own control messages. */
const NLMSG_MIN_TYPE = 0x10;
const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;
/** On an ack: the echoed request is only its header. */
const NLM_F_CAPPED = 0x100;
/** Largest datagram of dump records (records never split; NLMSG_DONE follows in its own). */
const DUMP_DATAGRAM = 4096;

/** A request as read from the program's bytes. */
export interface NetlinkRequest {
  type: number;
  flags: number;
  seq: number;
  /** The request's payload (after its header). */
  body: Buffer;
  /** The whole request, echoed in an error. */
  raw: Buffer;
  /** The socket's NETLINK_CAP_ACK. */
  capAck: boolean;
}

/** One attribute: type and payload (a number is a u32, a string a NUL-terminated name). */
export type Attribute = [number, Uint8Array | number | string];

export function u32(v: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

export function encodeAttributes(attributes: readonly Attribute[]): Buffer {
  const parts: Buffer[] = [];
  for (const [type, value] of attributes) {
    const payload = typeof value === 'number' ? u32(value) : typeof value === 'string' ? Buffer.from(`${value}\0`, 'latin1') : value;
    const header = Buffer.alloc(4);
    header.writeUInt16LE(4 + payload.length, 0);
    header.writeUInt16LE(type, 2);
    parts.push(header, Buffer.from(payload), Buffer.alloc((4 - (payload.length % 4)) % 4));
  }
  return Buffer.concat(parts);
}

export function message(type: number, flags: number, seq: number, portId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(NLMSG_HDRLEN);
  header.writeUInt32LE(NLMSG_HDRLEN + payload.length, 0);
  header.writeUInt16LE(type, 4);
  header.writeUInt16LE(flags, 6);
  header.writeUInt32LE(seq >>> 0, 8);
  header.writeUInt32LE(portId >>> 0, 12);
  return Buffer.concat([header, payload, Buffer.alloc((4 - (payload.length % 4)) % 4)]);
}

/**
 * NLMSG_ERROR: an error, or for 0 an acknowledgement. An error echoes the whole request unless
 * the socket set NETLINK_CAP_ACK; an acknowledgement, only its header.
 */
export function errorMessage(request: NetlinkRequest, portId: number, errno: number): Buffer {
  const code = Buffer.alloc(4);
  code.writeInt32LE(-errno);
  const capped = errno === 0 || request.capAck;
  const echoed = capped ? request.raw.subarray(0, NLMSG_HDRLEN) : request.raw;
  return message(NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, request.seq, portId, Buffer.concat([code, echoed]));
}

/**
 * A dump's records as NLM_F_MULTI messages of one type, packed into datagrams, then NLMSG_DONE
 * (whose payload is 0, or the -errno that ended the dump).
 */
export function dumpDatagrams(request: NetlinkRequest, portId: number, type: number, payloads: readonly Buffer[], errno = 0): Buffer[] {
  const datagrams: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const payload of payloads) {
    const m = message(type, NLM_F_MULTI, request.seq, portId, payload);
    if (size > 0 && size + m.length > DUMP_DATAGRAM) {
      datagrams.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(m);
    size += m.length;
  }
  if (size > 0) datagrams.push(Buffer.concat(current));
  const done = Buffer.alloc(4);
  done.writeInt32LE(-errno);
  datagrams.push(message(NLMSG_DONE, NLM_F_MULTI, request.seq, portId, done));
  return datagrams;
}

/**
 * Everything the kernel answers to the bytes a program sent: each whole request in turn, by
 * answer (a message shorter than its header, or longer than what is left, ends the batch, as
 * on Linux; messages that are not requests are ignored; control messages are only acknowledged).
 */
export function answerRequests(bytes: Uint8Array, portId: number, capAck: boolean, answer: (request: NetlinkRequest, portId: number) => Buffer[]): Buffer[] {
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: Buffer[] = [];
  for (let at = 0; at + NLMSG_HDRLEN <= all.length;) {
    const length = all.readUInt32LE(at);
    if (length < NLMSG_HDRLEN || length > all.length - at) break;
    const raw = all.subarray(at, at + length);
    const request: NetlinkRequest = { type: raw.readUInt16LE(4), flags: raw.readUInt16LE(6), seq: raw.readUInt32LE(8), body: raw.subarray(NLMSG_HDRLEN), raw, capAck };
    at += (length + 3) & ~3;
    if ((request.flags & NLM_F_REQUEST) === 0) continue;
    if (request.type < NLMSG_MIN_TYPE) {
      if (request.flags & NLM_F_ACK) out.push(errorMessage(request, portId, 0));
      continue;
    }
    out.push(...answer(request, portId));
  }
  return out;
}

