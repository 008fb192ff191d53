// The tracer thread's own rdtsc trap (PR_SET_TSC), while it traces a sandbox that has it.
//
// PR_TSC_SIGSEGV is a per-thread flag, and a context switch between a thread that has it and
// one that has not rewrites CR4.TSD: on a paravirtualized host a trap to the hypervisor, two
// per traced syscall (the tracee stops, the tracer runs; the tracer resumes it). Giving the
// tracer the flag too takes those writes away; its own few counter reads (through the vDSO's
// clocks) then fault, and a SIGSEGV handler answers each with the real counter, enabling it
// for that one read.
#pragma once

#include <cstdint>

// Sets or clears the flag on the calling thread (installing the handler the first time).
// False if the host refused the prctl.
bool setOwnRdtscTrap(bool on);

// How many of this process's rdtsc/rdtscp the handler has answered.
uint64_t ownRdtscEmulated();

// CLOCK_MONOTONIC in nanoseconds by the syscall itself, not the vDSO: a clock read that does
// not fault while the flag is set.
int64_t monotonicNsBySyscall();
