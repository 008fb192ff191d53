// Byte strings as JS strings (src/byte_string.ts): every byte string comes back exactly,
// UTF-8 decodes as it always did, and the strings survive CBOR (images, traces, digests).
import { expect } from 'chai';
import { Decoder, Encoder } from 'cbor-x';
import { byteLength, decodeBytes, displayBytes, encodeBytes, hasEscapes, hostPathArg, writeBytes } from '../../src/byte_string.js';

const samples: number[][] = [
  [],
  [0x61, 0xff, 0x62], // a\377b
  [0x80],
  [0xc3], // a lead byte alone
  [0xc3, 0xa9], // é
  [0xe2, 0x82], // € cut short
  [0xe2, 0x82, 0xac, 0x41], // €A
  [0xed, 0xa0, 0x80], // a surrogate's UTF-8 (invalid)
  [0xc0, 0xaf], // overlong '/'
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf4, 0x8f, 0xbe, 0x80], // U+10FF80: an escape's own code point, valid UTF-8
  [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
  [0xf4, 0x8f, 0xbd, 0xbf], // U+10FF7F: just below the escapes, decoded as itself
  [0xf0, 0x9f, 0x98, 0x80], // an emoji
  [0xef, 0xbb, 0xbf, 0x78], // a BOM at the start is kept
  [0xef, 0xbf, 0xbd], // U+FFFD itself
];

function randomBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // Mostly high bytes and the lead/continuation bytes that make or break UTF-8.
    out[i] = [0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0x8f, 0xbe, 0xff, 0x41][x % 11]! ^ ((x >>> 8) & (x % 3 === 0 ? 0x3f : 0));
  }
  return out;
}

describe('byte strings', () => {
  it('decodes and encodes every sample back to its bytes', () => {
    for (const sample of samples) {
      const bytes = Uint8Array.from(sample);
      const s = decodeBytes(bytes);
      expect([...encodeBytes(s)], JSON.stringify(sample)).to.deep.equal(sample);
      expect(byteLength(s)).to.equal(sample.length);
    }
  });

  it('round-trips random byte strings, and distinct bytes never give the same string', () => {
    const seen = new Map<string, string>();
    for (let seed = 1; seed < 3000; seed++) {
      const bytes = randomBytes(seed, 1 + (seed % 9));
      const s = decodeBytes(bytes);
      expect(Buffer.compare(encodeBytes(s), bytes), `seed ${seed}`).to.equal(0);
      const hex = Buffer.from(bytes).toString('hex');
      const before = seen.get(s);
      if (before !== undefined) expect(before).to.equal(hex);
      seen.set(s, hex);
    }
  });

  it('leaves UTF-8 as UTF-8 (names as they always were)', () => {
    for (const text of ['plain', 'café', '日本語', '😀/x', '\u{10FF7F}']) {
      const s = decodeBytes(Buffer.from(text, 'utf8'));
      expect(s).to.equal(text);
      expect(hasEscapes(s)).to.equal(false);
      expect(hostPathArg(s)).to.equal(text);
    }
  });

  it('escapes each byte of an invalid sequence alone', () => {
    expect(decodeBytes(Uint8Array.from([0x61, 0xff, 0x62]))).to.equal('a\u{10FFFF}b');
    expect(decodeBytes(Uint8Array.from([0xe2, 0x82, 0x41]))).to.equal('\u{10FFE2}\u{10FF82}A');
    expect(decodeBytes(Uint8Array.from([0xf4, 0x8f, 0xbe, 0x80]))).to.equal('\u{10FFF4}\u{10FF8F}\u{10FFBE}\u{10FF80}');
  });

  it('gives node the exact bytes of a name that is not UTF-8', () => {
    const s = decodeBytes(Uint8Array.from([0x2f, 0x74, 0xff]));
    expect([...(hostPathArg(s) as Buffer)]).to.deep.equal([0x2f, 0x74, 0xff]);
  });

  it('writes the bytes into a buffer', () => {
    const s = decodeBytes(Uint8Array.from([0x78, 0xfe, 0xc3, 0xa9, 0x80]));
    const out = Buffer.alloc(8);
    expect(writeBytes(out, s, 2)).to.equal(5);
    expect([...out.subarray(2, 7)]).to.deep.equal([0x78, 0xfe, 0xc3, 0xa9, 0x80]);
  });

  it('shows bytes that are not UTF-8 as strace does', () => {
    expect(displayBytes(decodeBytes(Uint8Array.from([0x61, 0xff, 0x01, 0xc3, 0xa9, 0x80])))).to.equal('a\\377\x01é\\200');
  });

  it('survives CBOR as the JS and the native decoders read it, short and long', () => {
    const long = Uint8Array.from({ length: 300 }, (_, i) => (i % 5 === 0 ? 0xff : 0x61 + (i % 26)));
    const values = [decodeBytes(Uint8Array.from([0xff])), decodeBytes(Uint8Array.from([0x61, 0x80, 0xe2, 0x82])), decodeBytes(long)];
    for (const options of [{}, { useRecords: false, mapsAsObjects: true, useTag259ForMaps: true }]) {
      const encoded = new Encoder(options).encode({ names: values });
      const back = new Decoder(options).decode(encoded) as { names: string[] };
      expect(back.names).to.deep.equal(values);
      for (const v of back.names) expect(hasEscapes(v)).to.equal(true);
    }
  });
});
