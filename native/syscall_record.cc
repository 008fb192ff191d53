#include "syscall_record.h"

#include <cmath>
#include <cstring>

namespace {

// A CBOR head: major type and an argument below 2^32.
uint8_t* putHead(uint8_t* p, int major, uint32_t n) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (n < 24) {
    *p++ = m | static_cast<uint8_t>(n);
  } else if (n < 0x100) {
    *p++ = m | 24;
    *p++ = static_cast<uint8_t>(n);
  } else if (n < 0x10000) {
    *p++ = m | 25;
    *p++ = static_cast<uint8_t>(n >> 8);
    *p++ = static_cast<uint8_t>(n);
  } else {
    *p++ = m | 26;
    *p++ = static_cast<uint8_t>(n >> 24);
    *p++ = static_cast<uint8_t>(n >> 16);
    *p++ = static_cast<uint8_t>(n >> 8);
    *p++ = static_cast<uint8_t>(n);
  }
  return p;
}

// A number as cbor-x writes it: integers in [-2^32, 2^32) as integers (-0 as 0), the rest
// (fractions, larger magnitudes, NaN, infinities) as a float64.
uint8_t* putNumber(uint8_t* p, double v) {
  if (v >= 0 && v < 4294967296.0 && std::floor(v) == v) return putHead(p, 0, static_cast<uint32_t>(v));
  if (v < 0 && v >= -4294967296.0 && std::floor(v) == v) return putHead(p, 1, static_cast<uint32_t>(-1 - v));
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  *p++ = 0xfb;
  for (int shift = 56; shift >= 0; shift -= 8) *p++ = static_cast<uint8_t>(bits >> shift);
  return p;
}

}  // namespace

size_t encodeSyscallFields(const double* f, bool noRegions, uint8_t* out) {
  uint8_t* p = out;
  p = putNumber(p, f[kFieldSeq]);
  p = putNumber(p, f[kFieldTrap]);
  p = putNumber(p, f[kFieldTime]);
  if (!std::isnan(f[kFieldStart])) p = putNumber(p, f[kFieldStart]);
  p = putNumber(p, f[kFieldPid]);
  p = putNumber(p, f[kFieldTid]);
  p = putNumber(p, f[kFieldNr]);
  double count = f[kFieldArgCount];
  int n = count >= 0 && count <= kMaxSyscallArgs ? static_cast<int>(count) : 0;
  p = putHead(p, 4, static_cast<uint32_t>(n));
  for (int i = 0; i < n; i++) p = putNumber(p, f[kFieldArgs + i]);
  if (std::isnan(f[kFieldResult])) {
    static const char kNoReturn[] = "noreturn";
    p = putHead(p, 3, sizeof kNoReturn - 1);
    std::memcpy(p, kNoReturn, sizeof kNoReturn - 1);
    p += sizeof kNoReturn - 1;
  } else {
    p = putNumber(p, f[kFieldResult]);
  }
  if (noRegions) {
    *p++ = 0x80;  // reads: []
    *p++ = 0x80;  // writes: []
  }
  return static_cast<size_t>(p - out);
}
