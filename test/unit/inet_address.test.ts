// sockaddr_in / sockaddr_in6 to and from the kernel's text form, checked against the text
// that inet_ntop gives (RFC 5952) and Python's socket module's packing of the same addresses.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { Errno } from '../../src/kernel/errno.js';
import { AF_INET, AF_INET6, decodeInet, encodeInet, formatInet, parseInet } from '../../src/kernel/syscalls/inet_address.js';

/** The sockaddr bytes Python (that is, the C library) makes for an address. */
function pythonSockaddr(family: 'AF_INET' | 'AF_INET6', ip: string, port: number): Buffer {
  const script = [
    'import socket, struct, sys',
    `fam, ip, port = socket.${family}, sys.argv[1], int(sys.argv[2])`,
    'packed = socket.inet_pton(fam, ip)',
    "b = struct.pack('<H', fam) + struct.pack('>H', port) + (packed + bytes(8) if fam == socket.AF_INET else bytes(4) + packed + bytes(4))",
    'print(b.hex())',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, ip, String(port)], { encoding: 'utf8' });
  return Buffer.from(r.stdout.trim(), 'hex');
}

describe('inet socket addresses', () => {
  const v6Cases: Array<[string, string]> = [
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['fe80:0:0:0:0:0:0:1', 'fe80::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];

  for (const [given, text] of v6Cases) {
    it(`IPv6 ${given} reads as ${text} and writes back the same bytes`, () => {
      const raw = pythonSockaddr('AF_INET6', given, 8080);
      const a = decodeInet(AF_INET6, raw);
      expect(a).to.deep.equal({ ip: text, port: 8080 });
      expect(encodeInet(AF_INET6, a as { ip: string; port: number }).equals(raw)).to.equal(true);
    });
  }

  it('an IPv4-mapped IPv6 address is kept as IPv4 and mapped again for an IPv6 socket', () => {
    const raw = pythonSockaddr('AF_INET6', '::ffff:127.0.0.1', 443);
    expect(decodeInet(AF_INET6, raw)).to.deep.equal({ ip: '127.0.0.1', port: 443 });
    expect(encodeInet(AF_INET6, { ip: '127.0.0.1', port: 443 }).equals(raw)).to.equal(true);
  });

  it('IPv4 addresses round-trip, and text forms parse back', () => {
    const raw = pythonSockaddr('AF_INET', '127.1.2.3', 65535);
    const a = decodeInet(AF_INET, raw);
    expect(a).to.deep.equal({ ip: '127.1.2.3', port: 65535 });
    expect(encodeInet(AF_INET, a as { ip: string; port: number }).equals(raw)).to.equal(true);
    for (const t of ['127.0.0.1:80', '[::1]:53', '[2001:db8::1]:0']) expect(formatInet(parseInet(t))).to.equal(t);
  });

  it('refuses short addresses and the wrong family as Linux does', () => {
    const v4 = pythonSockaddr('AF_INET', '127.0.0.1', 1);
    expect(decodeInet(AF_INET, v4.subarray(0, 8))).to.equal(-Errno.EINVAL);
    expect(decodeInet(AF_INET6, v4)).to.equal(-Errno.EINVAL);
    const v6 = pythonSockaddr('AF_INET6', '::1', 1);
    expect(decodeInet(AF_INET, v6)).to.equal(-Errno.EAFNOSUPPORT);
  });
});
