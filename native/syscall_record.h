// --record's syscall records: the numbers of one record encoded as CBOR (the bytes the
// JavaScript encoder, src/trace/record_encoder.ts, writes for them), in one call.
#pragma once

#include <cstddef>
#include <cstdint>

// The slots of the fields array the caller fills (a Float64Array of kSyscallFieldSlots).
enum SyscallField : int {
  kFieldSeq = 0,
  kFieldTrap,
  kFieldTime,
  kFieldStart,     // NaN: absent (the record's structure is then the one without `start`)
  kFieldPid,
  kFieldTid,
  kFieldNr,
  kFieldResult,    // NaN: 'noreturn'
  kFieldArgCount,  // at most kMaxSyscallArgs
  kFieldArgs,      // the arguments from here
};
constexpr int kMaxSyscallArgs = 6;
constexpr int kSyscallFieldSlots = kFieldArgs + kMaxSyscallArgs;

// Writes the values of a syscall record from seq to result at out (which has room for
// kSyscallFieldsMaxBytes), then, when noRegions, its empty `reads` and `writes`. Returns the
// bytes written.
constexpr size_t kSyscallFieldsMaxBytes = 9 * (kFieldArgs + kMaxSyscallArgs) + 16;
size_t encodeSyscallFields(const double* fields, bool noRegions, uint8_t* out);
