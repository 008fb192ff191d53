// The addon's JavaScript face: thin wrappers over the tracer and the sandbox spawner.
// Numbers cross as doubles holding the signed 64-bit register value; user-space addresses
// (< 2^47) and every small value are exact.
#include <napi.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/random.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <vector>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

#include "console_socket.h"
#include "control_server.h"
#include "host_dir.h"
#include "host_mknod.h"
#include "host_stat.h"
#include "host_statfs.h"
#include "host_xattr.h"
#include "own_rdtsc.h"
#include "sandbox_spawn.h"
#include "seccomp_filter.h"
#include "stub_fd_channel.h"
#include "syscall_record.h"
#include "tracer.h"

namespace {

pid_t tidArg(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<pid_t>(info[i].As<Napi::Number>().Int32Value());
}
int64_t i64Arg(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Number>().Int64Value();
}
uint64_t addrArg(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<uint64_t>(info[i].As<Napi::Number>().Int64Value());
}

Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SpawnResult r = spawnSandbox(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Boolean>().Value(),
                               info[2].As<Napi::Boolean>().Value());
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", r.ok);
  out.Set("error", r.error);
  out.Set("initPid", r.initPid);
  out.Set("stubTid", r.stubTid);
  out.Set("isolated", r.isolated);
  out.Set("channelFd", r.channelFd);
  out.Set("channelStubEnd", r.channelStubEnd);
  return out;
}

Napi::Value WaitStop(const Napi::CallbackInfo& info) {
  Napi::Float64Array report = info[1].As<Napi::Float64Array>();
  if (report.ElementLength() < kReportSlots) {
    Napi::TypeError::New(info.Env(), "report buffer too small").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  int kind = theTracer().waitStop(info[0].As<Napi::Number>().Int32Value(), report.Data());
  return Napi::Number::New(info.Env(), kind);
}

Napi::Value Answer(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().answer(tidArg(info, 0), i64Arg(info, 1)));
}

Napi::Value Allow(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().allow(tidArg(info, 0), info[1].As<Napi::Boolean>().Value()));
}

Napi::Value SetSyscallArg(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().setSyscallArg(tidArg(info, 0), info[1].As<Napi::Number>().Int32Value(),
                                                                  addrArg(info, 2)));
}

Napi::Value SetReturn(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().setReturn(tidArg(info, 0), i64Arg(info, 1)));
}

Napi::Value Resume(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().resume(tidArg(info, 0), info[1].As<Napi::Number>().Int32Value(),
                                                           info[2].As<Napi::Boolean>().Value()));
}

Napi::Value SingleStep(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().singleStep(tidArg(info, 0), info[1].As<Napi::Number>().Int32Value()));
}

// peekDebugReg(tid, index) -> the value, or -errno (a number either way: values fit in 53 bits
// on x86-64's user half and DR6/DR7's few bits; errors are small negatives).
Napi::Value PeekDebugReg(const Napi::CallbackInfo& info) {
  uint64_t value = 0;
  int r = theTracer().peekDebugReg(tidArg(info, 0), info[1].As<Napi::Number>().Int32Value(), &value);
  return Napi::Number::New(info.Env(), r < 0 ? static_cast<double>(r) : static_cast<double>(value));
}

Napi::Value PokeDebugReg(const Napi::CallbackInfo& info) {
  uint64_t value = static_cast<uint64_t>(info[2].As<Napi::Number>().DoubleValue());
  return Napi::Number::New(info.Env(), theTracer().pokeDebugReg(tidArg(info, 0), info[1].As<Napi::Number>().Int32Value(), value));
}

Napi::Value SetStepping(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().setStepping(tidArg(info, 0), info[1].As<Napi::Boolean>().Value()));
}

// inject(tid, nr, a0..a5) -> raw result, or null when the thread died meanwhile.
Napi::Value Inject(const Napi::CallbackInfo& info) {
  uint64_t args[6] = {};
  for (size_t i = 0; i < 6 && i + 2 < info.Length(); i++) args[i] = addrArg(info, i + 2);
  bool died = false;
  int64_t r = theTracer().inject(tidArg(info, 0), static_cast<long>(i64Arg(info, 1)), args, &died);
  if (died) return info.Env().Null();
  return Napi::Number::New(info.Env(), static_cast<double>(r));
}

// injectList(tid, listAddr, stubLo, stubHi, calls: Float64Array of 7 words a call, results:
// Float64Array) -> the number of calls made, or -errno (Tracer::runList).
Napi::Value InjectList(const Napi::CallbackInfo& info) {
  Napi::Float64Array in = info[4].As<Napi::Float64Array>();
  Napi::Float64Array out = info[5].As<Napi::Float64Array>();
  const int n = static_cast<int>(in.ElementLength() / 7);
  if (out.ElementLength() < static_cast<size_t>(n)) {
    Napi::TypeError::New(info.Env(), "results buffer too small").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  std::vector<uint64_t> calls(static_cast<size_t>(n) * 7);
  for (size_t i = 0; i < calls.size(); i++) calls[i] = static_cast<uint64_t>(static_cast<int64_t>(in[i]));
  std::vector<int64_t> results(static_cast<size_t>(n));
  int made = theTracer().runList(tidArg(info, 0), addrArg(info, 1), addrArg(info, 2), addrArg(info, 3), calls.data(), n,
                                 results.data());
  for (int i = 0; i < made; i++) out[static_cast<size_t>(i)] = static_cast<double>(results[static_cast<size_t>(i)]);
  return Napi::Number::New(info.Env(), made);
}

Napi::Value RestartSyscall(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().restartSyscall(tidArg(info, 0)));
}

// hostPoll(fds[], events[]) -> revents[]: a zero-timeout poll of tsvisor's own host fds.
Napi::Value HostPoll(const Napi::CallbackInfo& info) {
  Napi::Array fds = info[0].As<Napi::Array>();
  Napi::Array events = info[1].As<Napi::Array>();
  std::vector<pollfd> set(fds.Length());
  for (uint32_t i = 0; i < set.size(); i++) {
    set[i].fd = fds.Get(i).As<Napi::Number>().Int32Value();
    set[i].events = static_cast<short>(events.Get(i).As<Napi::Number>().Int32Value());
  }
  poll(set.data(), set.size(), 0);
  Napi::Array out = Napi::Array::New(info.Env(), set.size());
  for (uint32_t i = 0; i < set.size(); i++) out.Set(i, set[i].revents);
  return out;
}

Napi::Value Listen(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().listen(tidArg(info, 0)));
}

Napi::Value StartAt(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().startAt(tidArg(info, 0), addrArg(info, 1), addrArg(info, 2)));
}

Napi::Value EmulateRdtsc(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().setRegsForRdtsc(tidArg(info, 0), addrArg(info, 1),
                                                                    addrArg(info, 2), addrArg(info, 3)));
}

// readMemory(tid, addr, buffer, offset, length) -> bytes read, or -errno.
Napi::Value ReadMemory(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[2].As<Napi::Uint8Array>();
  size_t offset = info[3].As<Napi::Number>().Uint32Value();
  size_t len = info[4].As<Napi::Number>().Uint32Value();
  if (offset > buf.ByteLength() || len > buf.ByteLength() - offset) {
    Napi::RangeError::New(info.Env(), "read outside the buffer").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  ssize_t n = theTracer().readMemory(tidArg(info, 0), addrArg(info, 1), buf.Data() + offset, len);
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

// writeMemory(tid, addr, bytes) -> bytes written, or -errno. Honours page protections.
Napi::Value WriteMemory(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[2].As<Napi::Uint8Array>();
  ssize_t n = theTracer().writeMemory(tidArg(info, 0), addrArg(info, 1), buf.Data(), buf.ByteLength());
  return Napi::Number::New(info.Env(), static_cast<double>(n));
}

// pokeMemory(tid, addr, bytes) -> ok. Writes through page protections.
Napi::Value PokeMemory(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[2].As<Napi::Uint8Array>();
  return Napi::Boolean::New(info.Env(), theTracer().pokeMemory(tidArg(info, 0), addrArg(info, 1), buf.Data(), buf.ByteLength()));
}

Napi::Value SetArgRegs(const Napi::CallbackInfo& info) {
  uint64_t args[6] = {};
  for (size_t i = 0; i < 6 && i + 1 < info.Length(); i++) args[i] = addrArg(info, i + 1);
  return Napi::Boolean::New(info.Env(), theTracer().setArgRegs(tidArg(info, 0), args));
}

Napi::Value GetRegs(const Napi::CallbackInfo& info) {
  user_regs_struct regs;
  if (!theTracer().getRegs(tidArg(info, 0), &regs)) return info.Env().Null();
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<uint8_t*>(&regs), sizeof regs);
}

Napi::Value SetRegs(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  if (buf.ByteLength() != sizeof(user_regs_struct)) return Napi::Boolean::New(info.Env(), false);
  user_regs_struct regs;
  memcpy(&regs, buf.Data(), sizeof regs);
  return Napi::Boolean::New(info.Env(), theTracer().setRegs(tidArg(info, 0), regs));
}

// Checkpoint: a stopped thread's registers, XSAVE state, rseq area and robust-list head.
Napi::Value CaptureThread(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const pid_t tid = tidArg(info, 0);
  user_regs_struct regs;
  if (!theTracer().captureRegs(tid, &regs)) return env.Null();
  std::vector<uint8_t> xstate(64 * 1024);
  ssize_t xlen = theTracer().getXstate(tid, xstate.data(), xstate.size());
  if (xlen < 0) return env.Null();
  __ptrace_rseq_configuration rseq{};
  if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, tid, sizeof rseq, &rseq) < 0) rseq = {};
  void* robustHead = nullptr;
  size_t robustLen = 0;
  if (syscall(SYS_get_robust_list, tid, &robustHead, &robustLen) != 0) robustHead = nullptr;
  Napi::Object out = Napi::Object::New(env);
  out.Set("regs", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&regs), sizeof regs));
  out.Set("xstate", Napi::Buffer<uint8_t>::Copy(env, xstate.data(), static_cast<size_t>(xlen)));
  out.Set("rseqAddr", static_cast<double>(rseq.rseq_abi_pointer));
  out.Set("rseqSize", rseq.rseq_abi_size);
  out.Set("rseqSignature", rseq.signature);
  out.Set("robustHead", static_cast<double>(reinterpret_cast<uintptr_t>(robustHead)));
  out.Set("robustLen", static_cast<double>(robustLen));
  return out;
}

Napi::Value Interrupt(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().interrupt(tidArg(info, 0)));
}

Napi::Value SetXstate(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  return Napi::Boolean::New(info.Env(), theTracer().setXstate(tidArg(info, 0), buf.Data(), buf.ByteLength()));
}

Napi::Value SpawnTask(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), theTracer().spawnTask(tidArg(info, 0), addrArg(info, 1)));
}

Napi::Value EnterTrap(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().enterTrap(tidArg(info, 0), addrArg(info, 1)));
}

Napi::Value Launch(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  if (buf.ByteLength() != sizeof(user_regs_struct)) return Napi::Boolean::New(info.Env(), false);
  user_regs_struct regs;
  memcpy(&regs, buf.Data(), sizeof regs);
  return Napi::Boolean::New(info.Env(), theTracer().launch(tidArg(info, 0), regs));
}

// kill(hostPid, sig): to a whole host process (the sandbox's init ends the sandbox).
Napi::Value Kill(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), kill(tidArg(info, 0), info[1].As<Napi::Number>().Int32Value()) == 0);
}

// reapEnded(initPid) -> done: after the sandbox's init was killed, collects what has ended of
// it and its traced threads without waiting; true once init is gone (never a zombie left for
// the host's pid 1 to collect).
Napi::Value ReapEnded(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), theTracer().reapEnded(tidArg(info, 0)));
}

// tkill(hostTid, sig): to one host thread.
Napi::Value Tkill(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(),
                            syscall(SYS_tkill, tidArg(info, 0), info[1].As<Napi::Number>().Int32Value()) == 0);
}

Napi::Value Forget(const Napi::CallbackInfo& info) {
  theTracer().forget(tidArg(info, 0));
  return info.Env().Undefined();
}

// hostIoctl(fd, request, buffer) -> 0 or -errno: an ioctl on one of tsvisor's own host fds
// (its stdio terminal), with buffer as the in/out argument. The kernel picks the requests.
Napi::Value HostIoctl(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[2].As<Napi::Uint8Array>();
  int r = ioctl(info[0].As<Napi::Number>().Int32Value(), static_cast<unsigned long>(i64Arg(info, 1)), buf.Data());
  return Napi::Number::New(info.Env(), r < 0 ? -errno : r);
}

// hostLseek(fd, offset, whence) -> new offset or -errno, on one of tsvisor's own host fds.
Napi::Value HostLseek(const Napi::CallbackInfo& info) {
  off_t r = lseek(info[0].As<Napi::Number>().Int32Value(), static_cast<off_t>(i64Arg(info, 1)),
                  info[2].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), r < 0 ? -errno : static_cast<double>(r));
}

// hostPipeSize(fd, size) -> the capacity of the host pipe open at one of tsvisor's own fds
// (its stdio) or -errno: F_GETPIPE_SZ when size < 0, else F_SETPIPE_SZ to size.
Napi::Value HostPipeSize(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int64_t size = i64Arg(info, 1);
  int r = size < 0 ? fcntl(fd, F_GETPIPE_SZ) : fcntl(fd, F_SETPIPE_SZ, static_cast<int>(size));
  return Napi::Number::New(info.Env(), r < 0 ? -errno : r);
}

// encodeSyscallFields(out, pos, fields, noRegions, at = 0): a syscall record's values, from
// fields' slots at..at+kSyscallFieldSlots-1, into out at pos (see syscall_record.h); the position
// after them, or -1 if out has no room for them (or fields none at `at`).
Napi::Value EncodeSyscallFields(const Napi::CallbackInfo& info) {
  Napi::Uint8Array out = info[0].As<Napi::Uint8Array>();
  int64_t pos = info[1].As<Napi::Number>().Int64Value();
  Napi::Float64Array fields = info[2].As<Napi::Float64Array>();
  int64_t at = info.Length() > 4 ? info[4].As<Napi::Number>().Int64Value() : 0;
  if (at < 0 || static_cast<uint64_t>(at) + kSyscallFieldSlots > fields.ElementLength() || pos < 0 ||
      static_cast<uint64_t>(pos) + kSyscallFieldsMaxBytes > out.ByteLength()) {
    return Napi::Number::New(info.Env(), -1);
  }
  size_t n = encodeSyscallFields(fields.Data() + at, info[3].As<Napi::Boolean>().Value(), out.Data() + pos);
  return Napi::Number::New(info.Env(), static_cast<double>(pos + static_cast<int64_t>(n)));
}

// hostRandom(bytes) -> 0 or -errno: fills bytes from the host's getrandom(2) (the urandom
// source), so that the kernel needs no node:crypto, whose ~20 modules a sandbox process
// would otherwise load at start-up for AT_RANDOM's 16 bytes.
Napi::Value HostRandom(const Napi::CallbackInfo& info) {
  Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
  uint8_t* at = buf.Data();
  size_t left = buf.ByteLength();
  while (left > 0) {
    ssize_t n = getrandom(at, left, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Napi::Number::New(info.Env(), -errno);
    at += n;
    left -= static_cast<size_t>(n);
  }
  return Napi::Number::New(info.Env(), 0);
}

// exitNow(status): ends tsvisor at once with that status (_exit(2)). Node's own exit joins
// libuv's thread-pool threads, and one parked in a host read of a terminal (see
// src/kernel/syscalls/stdio_stream.ts) would hold the exit until someone types a key.
Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  fflush(nullptr);
  _exit(info[0].As<Napi::Number>().Int32Value());
}

// listenUnix(path) -> a listening unix stream socket's fd (close-on-exec), or -errno. For an
// OCI sandbox process's control socket: bound and listening before create returns; served by
// controlServe (control_server.h) once the container is created (requests wait in the backlog).
Napi::Value ListenUnix(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return Napi::Number::New(info.Env(), -ENAMETOOLONG);
  memcpy(addr.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Napi::Number::New(info.Env(), -errno);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 511) != 0) {
    int err = errno;
    close(fd);
    return Napi::Number::New(info.Env(), -err);
  }
  return Napi::Number::New(info.Env(), fd);
}

// setAffinity(tid, cpus[]) -> ok: where a host thread (a stub's, or tsvisor's own: 0) may run.
Napi::Value SetAffinity(const Napi::CallbackInfo& info) {
  cpu_set_t set;
  CPU_ZERO(&set);
  Napi::Array cpus = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < cpus.Length(); i++) CPU_SET(cpus.Get(i).As<Napi::Number>().Int32Value(), &set);
  return Napi::Boolean::New(info.Env(), sched_setaffinity(tidArg(info, 0), sizeof set, &set) == 0);
}

// allowedCpus() -> the CPUs the calling (tracer) thread may run on, ascending.
Napi::Value AllowedCpus(const Napi::CallbackInfo& info) {
  cpu_set_t set;
  CPU_ZERO(&set);
  Napi::Array cpus = Napi::Array::New(info.Env());
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  uint32_t n = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET(cpu, &set)) cpus.Set(n++, Napi::Number::New(info.Env(), cpu));
  return cpus;
}

// currentCpu() -> the CPU the calling (tracer) thread runs on now.
Napi::Value CurrentCpu(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), sched_getcpu());
}

// setHostRlimit(pid, resource, soft, hard) -> 0 or -errno: a host limit of a stub process
// (memory), which its children inherit. -1 is RLIM_INFINITY.
Napi::Value SetHostRlimit(const Napi::CallbackInfo& info) {
  auto lim = [&](size_t i) {
    int64_t v = i64Arg(info, i);
    return v < 0 ? RLIM_INFINITY : static_cast<rlim_t>(v);
  };
  rlimit r{lim(2), lim(3)};
  int rc = prlimit(tidArg(info, 0), static_cast<__rlimit_resource>(info[1].As<Napi::Number>().Int32Value()), &r, nullptr);
  return Napi::Number::New(info.Env(), rc < 0 ? -errno : 0);
}

// patchSiginfo(tid, code, pid, uid, status) -> ok: at a signal-delivery stop, the sender as
// the sandbox knows it (the host saw the tracer, outside the namespaces). status: a number
// (SIGCHLD's si_status; < 0: keep) or a BigInt (an rt_sigqueueinfo's 8-byte si_value).
Napi::Value PatchSiginfo(const Napi::CallbackInfo& info) {
  pid_t tid = tidArg(info, 0);
  siginfo_t si{};
  if (ptrace(PTRACE_GETSIGINFO, tid, nullptr, &si) != 0) return Napi::Boolean::New(info.Env(), false);
  // The kill/sigchld members share their first fields: pid at 16, uid at 20, status at 24.
  auto* raw = reinterpret_cast<int32_t*>(&si);
  raw[2] = info[1].As<Napi::Number>().Int32Value();
  raw[4] = info[2].As<Napi::Number>().Int32Value();
  raw[5] = info[3].As<Napi::Number>().Int32Value();
  if (info[4].IsBigInt()) {
    bool lossless = false;
    int64_t value = info[4].As<Napi::BigInt>().Int64Value(&lossless);
    memcpy(&raw[6], &value, sizeof value);
  } else {
    int status = info[4].As<Napi::Number>().Int32Value();
    if (status >= 0) raw[6] = status;
  }
  return Napi::Boolean::New(info.Env(), ptrace(PTRACE_SETSIGINFO, tid, nullptr, &si) == 0);
}

// takeSiginfo(tid) -> Buffer(128) | null: at a signal-delivery stop, the siginfo as the host
// has it, to give back later with putSiginfo when the kernel delivers the signal at another point.
Napi::Value TakeSiginfo(const Napi::CallbackInfo& info) {
  siginfo_t si{};
  if (ptrace(PTRACE_GETSIGINFO, tidArg(info, 0), nullptr, &si) != 0) return info.Env().Null();
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<const uint8_t*>(&si), sizeof si);
}

// putSiginfo(tid, bytes) -> ok: at a signal-delivery stop, the siginfo the program will see
// (the 128 bytes takeSiginfo gave).
Napi::Value PutSiginfo(const Napi::CallbackInfo& info) {
  auto bytes = info[1].As<Napi::Uint8Array>();
  siginfo_t si{};
  if (bytes.ByteLength() != sizeof si) return Napi::Boolean::New(info.Env(), false);
  memcpy(&si, bytes.Data(), sizeof si);
  return Napi::Boolean::New(info.Env(), ptrace(PTRACE_SETSIGINFO, tidArg(info, 0), nullptr, &si) == 0);
}

// setOwnRdtscTrap(on) -> ok: the calling (tracer) thread's rdtsc traps too (own_rdtsc.h).
Napi::Value SetOwnRdtscTrap(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), setOwnRdtscTrap(info[0].As<Napi::Boolean>().Value()));
}

// ownRdtscEmulated() -> how many of tsvisor's own counter reads the handler answered.
Napi::Value OwnRdtscEmulated(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ownRdtscEmulated()));
}

// monotonicNs() -> CLOCK_MONOTONIC in ns through the syscall (no counter read).
Napi::Value MonotonicNs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(monotonicNsBySyscall()));
}

Napi::Value AllowedSyscalls(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env(), kAllowedSyscallCount);
  for (int i = 0; i < kAllowedSyscallCount; i++) out.Set(i, kAllowedSyscalls[i]);
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("spawn", Napi::Function::New(env, Spawn));
  exports.Set("waitStop", Napi::Function::New(env, WaitStop));
  exports.Set("answer", Napi::Function::New(env, Answer));
  exports.Set("allow", Napi::Function::New(env, Allow));
  exports.Set("setSyscallArg", Napi::Function::New(env, SetSyscallArg));
  exports.Set("setReturn", Napi::Function::New(env, SetReturn));
  exports.Set("resume", Napi::Function::New(env, Resume));
  exports.Set("singleStep", Napi::Function::New(env, SingleStep));
  exports.Set("setStepping", Napi::Function::New(env, SetStepping));
  exports.Set("peekDebugReg", Napi::Function::New(env, PeekDebugReg));
  exports.Set("pokeDebugReg", Napi::Function::New(env, PokeDebugReg));
  exports.Set("inject", Napi::Function::New(env, Inject));
  exports.Set("injectList", Napi::Function::New(env, InjectList));
  exports.Set("restartSyscall", Napi::Function::New(env, RestartSyscall));
  exports.Set("hostPoll", Napi::Function::New(env, HostPoll));
  exports.Set("listen", Napi::Function::New(env, Listen));
  exports.Set("startAt", Napi::Function::New(env, StartAt));
  exports.Set("emulateRdtsc", Napi::Function::New(env, EmulateRdtsc));
  exports.Set("readMemory", Napi::Function::New(env, ReadMemory));
  exports.Set("writeMemory", Napi::Function::New(env, WriteMemory));
  exports.Set("pokeMemory", Napi::Function::New(env, PokeMemory));
  exports.Set("setArgRegs", Napi::Function::New(env, SetArgRegs));
  exports.Set("getRegs", Napi::Function::New(env, GetRegs));
  exports.Set("setRegs", Napi::Function::New(env, SetRegs));
  exports.Set("captureThread", Napi::Function::New(env, CaptureThread));
  exports.Set("interrupt", Napi::Function::New(env, Interrupt));
  exports.Set("setXstate", Napi::Function::New(env, SetXstate));
  exports.Set("spawnTask", Napi::Function::New(env, SpawnTask));
  exports.Set("enterTrap", Napi::Function::New(env, EnterTrap));
  exports.Set("launch", Napi::Function::New(env, Launch));
  exports.Set("kill", Napi::Function::New(env, Kill));
  exports.Set("reapEnded", Napi::Function::New(env, ReapEnded));
  exports.Set("tkill", Napi::Function::New(env, Tkill));
  exports.Set("forget", Napi::Function::New(env, Forget));
  exports.Set("hostIoctl", Napi::Function::New(env, HostIoctl));
  exports.Set("hostLseek", Napi::Function::New(env, HostLseek));
  exports.Set("hostPipeSize", Napi::Function::New(env, HostPipeSize));
  exports.Set("hostRandom", Napi::Function::New(env, HostRandom));
  exports.Set("exitNow", Napi::Function::New(env, ExitNow));
  exports.Set("encodeSyscallFields", Napi::Function::New(env, EncodeSyscallFields));
  exports.Set("listenUnix", Napi::Function::New(env, ListenUnix));
  exports.Set("controlServe", Napi::Function::New(env, ControlServe));
  exports.Set("controlSend", Napi::Function::New(env, ControlSend));
  exports.Set("controlEnd", Napi::Function::New(env, ControlEnd));
  exports.Set("controlClose", Napi::Function::New(env, ControlClose));
  exports.Set("setAffinity", Napi::Function::New(env, SetAffinity));
  exports.Set("allowedCpus", Napi::Function::New(env, AllowedCpus));
  exports.Set("currentCpu", Napi::Function::New(env, CurrentCpu));
  exports.Set("setHostRlimit", Napi::Function::New(env, SetHostRlimit));
  exports.Set("patchSiginfo", Napi::Function::New(env, PatchSiginfo));
  exports.Set("takeSiginfo", Napi::Function::New(env, TakeSiginfo));
  exports.Set("putSiginfo", Napi::Function::New(env, PutSiginfo));
  exports.Set("allowedSyscalls", Napi::Function::New(env, AllowedSyscalls));
  exports.Set("setOwnRdtscTrap", Napi::Function::New(env, SetOwnRdtscTrap));
  exports.Set("ownRdtscEmulated", Napi::Function::New(env, OwnRdtscEmulated));
  exports.Set("monotonicNs", Napi::Function::New(env, MonotonicNs));
  exports.Set("channelSend", Napi::Function::New(env, ChannelSend));
  exports.Set("channelDrain", Napi::Function::New(env, ChannelDrain));
  exports.Set("readDirectory", Napi::Function::New(env, ReadDirectory));
  exports.Set("hostLstat", Napi::Function::New(env, HostLstat));
  exports.Set("hostFstat", Napi::Function::New(env, HostFstat));
  exports.Set("hostReadlink", Napi::Function::New(env, HostReadlink));
  exports.Set("hostLstatWalk", Napi::Function::New(env, HostLstatWalk));
  exports.Set("hostUtimens", Napi::Function::New(env, HostUtimens));
  exports.Set("hostMknod", Napi::Function::New(env, HostMknod));
  exports.Set("hostGetxattr", Napi::Function::New(env, HostGetxattr));
  exports.Set("hostListxattr", Napi::Function::New(env, HostListxattr));
  exports.Set("hostSetxattr", Napi::Function::New(env, HostSetxattr));
  exports.Set("hostRemovexattr", Napi::Function::New(env, HostRemovexattr));
  exports.Set("hostStatfs", Napi::Function::New(env, HostStatfs));
  exports.Set("openPty", Napi::Function::New(env, OpenPty));
  exports.Set("sendFd", Napi::Function::New(env, SendFd));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsvisor_native, Init)
