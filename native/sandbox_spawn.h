// Creating a sandbox: the init process of its namespaces and the first stub, traced.
#pragma once
#include <sys/types.h>

#include <string>

struct SpawnResult {
  bool ok = false;
  std::string error;     // one line, when !ok
  pid_t initPid = -1;    // host pid of the sandbox's init (killing it ends the sandbox)
  pid_t stubTid = -1;    // host tid of the first stub, stopped at its first trapped syscall
  bool isolated = false; // whether new user/pid/mount/net/ipc/uts namespaces were made
  int channelFd = -1;      // the kernel's end of the fd channel (stub_fd_channel.h)
  int channelStubEnd = -1; // the kernel's copy of the stubs' end, to drain it
};

// The host fd number at which every stub holds the stub binary (for execveat).
constexpr int kStubFd = 3;

// Starts a sandbox whose first stub is exec'd from stubPath. With isolate, it asks for new
// namespaces and falls back to none where the host refuses (reported in isolated). With
// trapRdtsc, rdtsc/rdtscp fault in every sandbox process (PR_SET_TSC), for record and replay.
SpawnResult spawnSandbox(const std::string& stubPath, bool isolate, bool trapRdtsc);
