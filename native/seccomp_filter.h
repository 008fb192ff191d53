// The sandbox's seccomp-bpf filter: which syscalls the host runs without a trap.
#pragma once
#include <linux/filter.h>
#include <vector>

// Builds the filter program. Every syscall not on the allowlist returns SECCOMP_RET_TRACE,
// so the tracer (the TypeScript kernel) sees it; a foreign architecture kills the process.
std::vector<sock_filter> buildSeccompFilter();

// The syscalls the filter lets through unconditionally or with argument checks, for
// documentation and tests (the TypeScript syscall table marks these as "host").
extern const int kAllowedSyscalls[];
extern const int kAllowedSyscallCount;
