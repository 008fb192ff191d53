// cbor-x ships decodeIter (streaming decode of a CBOR sequence from chunks) without a
// declaration in its index.d.ts.
import 'cbor-x';

declare module 'cbor-x' {
  export function decodeIter(chunks: Iterable<Uint8Array>, options?: object): IterableIterator<unknown>;
}
