// CBOR for image parts: plain objects stay objects and Maps stay Maps (tag 259), so the
// kernel state (whose Maps may have string keys too) comes back exactly as it was.
import { Decoder, Encoder } from 'cbor-x';

const options = { useRecords: false, mapsAsObjects: true, useTag259ForMaps: true };

export const imageEncoder = new Encoder(options);
export const imageDecoder = new Decoder(options);
