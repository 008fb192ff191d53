#include "tracer.h"

#include <elf.h>
#include <stddef.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <unordered_set>
#include <vector>

namespace {

// waitpid has no timeout; a periodic per-thread timer signal interrupts it instead. The
// timer is armed only around the blocking wait, so no other syscall of Node sees EINTR.
volatile sig_atomic_t gTick = 0;
void onTick(int) { gTick = 1; }

class WaitTimer {
 public:
  bool arm(int timeoutMs) {
    if (!ready_ && !init()) return false;
    gTick = 0;
    itimerspec spec{};
    spec.it_value.tv_sec = timeoutMs / 1000;
    spec.it_value.tv_nsec = (timeoutMs % 1000) * 1000000L;
    spec.it_interval = spec.it_value;  // re-fires if the first tick lands before waitpid
    return timer_settime(timer_, 0, &spec, nullptr) == 0;
  }
  void disarm() {
    itimerspec zero{};
    timer_settime(timer_, 0, &zero, nullptr);
  }

 private:
  bool init() {
    int signo = SIGRTMIN + 6;
    struct sigaction sa{};
    sa.sa_handler = onTick;  // no SA_RESTART: the wait must return EINTR
    sigemptyset(&sa.sa_mask);
    if (sigaction(signo, &sa, nullptr) != 0) return false;
    sigevent sev{};
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = signo;
    sev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer_) != 0) return false;
    ready_ = true;
    return true;
  }
  timer_t timer_{};
  bool ready_ = false;
};

WaitTimer gTimer;

void fillSyscall(const user_regs_struct& r, double* report) {
  // Linux dispatches on the low 32 bits of rax, as an int (2^32 + 3 is close), and so does
  // seccomp; the full 64 bits would also lose precision as a double.
  report[kSlotValue] = static_cast<double>(static_cast<int32_t>(r.orig_rax));
  const unsigned long long args[6] = {r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9};
  for (int i = 0; i < 6; i++) {
    report[kSlotArg0 + i] = static_cast<double>(static_cast<int64_t>(args[i]));
    report[kSlotArgLow0 + i] = static_cast<double>(static_cast<int32_t>(args[i]));
  }
  report[kSlotRip] = static_cast<double>(r.rip);
  report[kSlotRsp] = static_cast<double>(r.rsp);
}

}  // namespace

Tracer& theTracer() {
  static Tracer tracer;
  return tracer;
}

Tracee* Tracer::find(pid_t tid) {
  auto it = tracees_.find(tid);
  return it == tracees_.end() ? nullptr : &it->second;
}

void Tracer::track(pid_t tid, TraceeState state) {
  Tracee& t = tracees_[tid];
  t.state = state;
  if (state != TraceeState::kRunning) ptrace(PTRACE_GETREGS, tid, nullptr, &t.regs);
}

void Tracer::forget(pid_t tid) { tracees_.erase(tid); }

bool Tracer::reapEnded(pid_t init) {
  std::unordered_set<pid_t> gone;
  for (auto it = tracees_.begin(); it != tracees_.end();) {
    // Only a peek (WNOWAIT): another sandbox of this process may be running, and its threads'
    // stops must stay for its waitStop. What has ended is collected; what is not ours any
    // more (ECHILD) is forgotten.
    siginfo_t info{};
    if (waitid(P_PID, it->first, &info, WEXITED | WNOHANG | WNOWAIT | __WALL) != 0) {
      gone.insert(it->first);
      it = tracees_.erase(it);
      continue;
    }
    const bool ended = info.si_pid == it->first &&
                       (info.si_code == CLD_EXITED || info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED);
    if (!ended) {
      ++it;
      continue;
    }
    int status;
    waitpid(it->first, &status, WNOHANG | __WALL);
    gone.insert(it->first);
    it = tracees_.erase(it);
  }
  for (auto it = pending_.begin(); it != pending_.end();) it = gone.count(it->tid) ? pending_.erase(it) : it + 1;
  int status;
  pid_t r = waitpid(init, &status, WNOHANG | __WALL);
  return r == init || (r < 0 && errno == ECHILD);
}

// The sweep's period and reach (see sweep).
constexpr int kSweepEvery = 8;
constexpr int kSweepLooks = 64;

int Tracer::waitStop(int timeoutMs, double* report) {
  for (;;) {
    int kind = nextStop(timeoutMs, report);
    if (kind != kStale) return kind;
  }
}

int Tracer::nextStop(int timeoutMs, double* report) {
  for (int i = 0; i < kReportSlots; i++) report[i] = 0;
  if (!pending_.empty()) {
    Collected c = pending_.front();
    pending_.pop_front();
    return decode(c, report);
  }
  Collected c{};
  pid_t& tid = c.tid;
  if (severalThreads_ && stopsSinceSweep_ >= kSweepEvery && sweep(&c)) return decode(c, report);
  if (timeoutMs <= 0) {
    tid = wait4(-1, &c.status, __WALL | WNOHANG, &c.usage);
    if (tid == 0) return report[kSlotKind] = kStopTimeout;
  } else if ((tid = wait4(-1, &c.status, __WALL | WNOHANG, &c.usage)) != 0) {
    // A stop already there (the program ran to its next trap while the tracer handled the
    // last one): no timer to arm and disarm.
  } else if (sched_yield() == 0 && (tid = wait4(-1, &c.status, __WALL | WNOHANG, &c.usage)) != 0) {
    // The thread it resumed shares its CPU (the CPU placement) and was waiting for it: it ran
    // to its next trap in the switch the blocking wait would have made, without the timer's
    // two calls (~1.4 us on a paravirtualized host).
  } else {
    if (!gTimer.arm(timeoutMs)) return report[kSlotKind] = kStopTimeout;
    do {
      tid = wait4(-1, &c.status, __WALL, &c.usage);
    } while (tid < 0 && errno == EINTR && !gTick);
    int saved = errno;
    gTimer.disarm();
    errno = saved;
  }
  if (tid < 0) {
    if (errno == EINTR) return report[kSlotKind] = kStopTimeout;
    return report[kSlotKind] = kStopNoTracees;
  }
  stopsSinceSweep_++;
  severalThreads_ = severalThreads_ || (lastStopTid_ != 0 && tid != lastStopTid_);
  lastStopTid_ = tid;
  return decode(c, report);
}

// wait4(-1) reports the stopped tracee that was attached last first, so threads that trap
// without pause (newer ones) could starve an older one for good: a thread making a syscall now
// and then beside ten busy ones got 3 calls in 2 s. So, while stops come from more than one
// thread, every kSweepEvery-th stop is taken by turns instead: the next thread, in tid order
// after the one served by the last turn, that the tracer let run and that has a stop waiting.
// Each waiting thread gets a turn within kSweepEvery stops per waiting thread; a sweep looks at
// kSweepLooks threads at most (one that finds none leaves the stop to wait4(-1)), and one
// thread trapping alone never sweeps. Every status is decoded when it is taken, as ever.
bool Tracer::sweep(Collected* c) {
  stopsSinceSweep_ = 0;
  severalThreads_ = false;
  if (tracees_.empty()) return false;
  auto it = tracees_.upper_bound(sweepCursor_);
  for (int looks = 0; looks < kSweepLooks && looks < static_cast<int>(tracees_.size()); looks++, ++it) {
    if (it == tracees_.end()) it = tracees_.begin();
    if (it->second.state != TraceeState::kRunning) continue;
    const pid_t tid = it->first;
    sweepCursor_ = tid;
    if (wait4(tid, &c->status, __WALL | WNOHANG, &c->usage) == tid) {
      c->tid = tid;
      lastStopTid_ = tid;
      return true;
    }
  }
  return false;
}

// An exit's resource usage into the report (microseconds of CPU, KiB of peak resident memory).
static void reportUsage(const rusage& u, double* report) {
  report[kSlotUtimeUs] = static_cast<double>(u.ru_utime.tv_sec) * 1e6 + static_cast<double>(u.ru_utime.tv_usec);
  report[kSlotStimeUs] = static_cast<double>(u.ru_stime.tv_sec) * 1e6 + static_cast<double>(u.ru_stime.tv_usec);
  report[kSlotMaxRssKb] = static_cast<double>(u.ru_maxrss);
}

int Tracer::decode(const Collected& c, double* report) {
  const pid_t tid = c.tid;
  const int status = c.status;
  report[kSlotTid] = tid;
  if (WIFEXITED(status)) {
    forget(tid);
    report[kSlotValue] = WEXITSTATUS(status);
    reportUsage(c.usage, report);
    return report[kSlotKind] = kStopExited;
  }
  if (WIFSIGNALED(status)) {
    forget(tid);
    report[kSlotValue] = WTERMSIG(status);
    report[kSlotExtra] = WCOREDUMP(status) ? 1 : 0;
    reportUsage(c.usage, report);
    return report[kSlotKind] = kStopKilled;
  }
  if (!WIFSTOPPED(status)) return report[kSlotKind] = kStopTimeout;

  const bool known = tracees_.count(tid) != 0;
  Tracee& t = tracees_[tid];
  const int sig = WSTOPSIG(status);
  const int event = status >> 16;
  t.state = TraceeState::kOtherStop;
  t.regsDirty = false;
  unsigned long msg = 0;

  switch (event) {
    case PTRACE_EVENT_SECCOMP:
      t.state = TraceeState::kSeccompStop;
      if (ptrace(PTRACE_GETREGS, tid, nullptr, &t.regs) != 0) return kStale;
      fillSyscall(t.regs, report);
      return report[kSlotKind] = kStopSyscall;
    case PTRACE_EVENT_CLONE:
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg);
      report[kSlotValue] = static_cast<double>(msg);
      return report[kSlotKind] = event == PTRACE_EVENT_CLONE  ? kStopClone
                                 : event == PTRACE_EVENT_FORK ? kStopFork
                                                              : kStopVfork;
    case PTRACE_EVENT_EXEC:
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg);
      // A thread other than the leader exec'd: it has the leader's tid now (the leader is gone,
      // without a report of its death), and its own record goes with it.
      if (static_cast<pid_t>(msg) != tid && tracees_.count(static_cast<pid_t>(msg)) != 0) {
        t = std::move(tracees_[static_cast<pid_t>(msg)]);
        tracees_.erase(static_cast<pid_t>(msg));
        t.state = TraceeState::kOtherStop;
        t.regsDirty = false;
      }
      report[kSlotValue] = static_cast<double>(msg);
      return report[kSlotKind] = kStopExec;
    case PTRACE_EVENT_STOP:
      report[kSlotValue] = sig;
      if (!known) return report[kSlotKind] = kStopAttached;
      return report[kSlotKind] = kStopGroupStop;
    default:
      break;
  }
  if (sig == (SIGTRAP | 0x80)) {
    t.state = TraceeState::kSyscallExitStop;
    if (ptrace(PTRACE_GETREGS, tid, nullptr, &t.regs) != 0) return kStale;
    fillSyscall(t.regs, report);
    report[kSlotExtra] = static_cast<double>(static_cast<int64_t>(t.regs.rax));
    return report[kSlotKind] = kStopSyscallExit;
  }
  // A signal-delivery stop: the siginfo tells a fault from a sent signal. A SIGTRAP ends a
  // debugger's single step (its own, or a breakpoint or another trap that came first).
  if (sig == SIGTRAP) t.stepping = false;
  siginfo_t info{};
  ptrace(PTRACE_GETSIGINFO, tid, nullptr, &info);
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &t.regs) != 0) return kStale;
  report[kSlotValue] = sig;
  report[kSlotExtra] = info.si_code;
  report[kSlotAddr] = static_cast<double>(reinterpret_cast<uintptr_t>(info.si_addr));
  report[kSlotRip] = static_cast<double>(t.regs.rip);
  report[kSlotRsp] = static_cast<double>(t.regs.rsp);
  // -1 when the signal interrupted the program's code (or a syscall the tracer answered), else
  // the syscall the thread is returning from.
  report[kSlotArg0] = static_cast<double>(static_cast<int64_t>(t.regs.orig_rax));
  return report[kSlotKind] = kStopSignal;
}

// The signals held back during an injection go to the thread again, pending until it goes back
// to its own code (as if they had come just after its syscall), or until the next injection
// holds them back again.
void Tracer::sendDeferred(pid_t tid, Tracee* t) {
  for (int sig : t->deferredSignals) syscall(SYS_tkill, tid, sig);
  t->deferredSignals.clear();
}

bool Tracer::waitFor(pid_t tid, int* status) {
  for (;;) {
    pid_t got = wait4(tid, status, __WALL, &lastUsage_);
    if (got == tid) return true;
    if (got < 0 && errno == EINTR) continue;
    return false;
  }
}

bool Tracer::answer(pid_t tid, int64_t value) {
  Tracee* t = find(tid);
  if (!t) return false;
  if (t->injecting) {
    t->regs = t->saved;
    t->injecting = false;
  }
  // At a seccomp stop (the program's call, or the list runner's report): skip the host syscall.
  if (t->state == TraceeState::kSeccompStop) t->regs.orig_rax = static_cast<unsigned long long>(-1);
  t->regs.rax = static_cast<unsigned long long>(value);
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &t->regs) != 0) return false;
  sendDeferred(tid, t);
  t->state = TraceeState::kRunning;
  return ptrace(continueRequest(t), tid, nullptr, nullptr) == 0;
}

bool Tracer::allow(pid_t tid, bool catchExit) {
  Tracee* t = find(tid);
  if (!t) return false;
  if (t->regsDirty && ptrace(PTRACE_SETREGS, tid, nullptr, &t->regs) != 0) return false;
  t->regsDirty = false;
  sendDeferred(tid, t);
  t->state = TraceeState::kRunning;
  return ptrace(catchExit ? PTRACE_SYSCALL : continueRequest(t), tid, nullptr, nullptr) == 0;
}

bool Tracer::setSyscallArg(pid_t tid, int index, uint64_t value) {
  Tracee* t = find(tid);
  if (!t || t->state != TraceeState::kSeccompStop) return false;
  unsigned long long* slots[6] = {&t->regs.rdi, &t->regs.rsi, &t->regs.rdx,
                                  &t->regs.r10, &t->regs.r8,  &t->regs.r9};
  if (index == -1) {
    t->regs.orig_rax = value;
  } else if (index >= 0 && index < 6) {
    *slots[index] = value;
  } else {
    return false;
  }
  t->regsDirty = true;
  return true;
}

bool Tracer::setReturn(pid_t tid, int64_t value) {
  Tracee* t = find(tid);
  if (!t || t->state != TraceeState::kSyscallExitStop) return false;
  t->regs.rax = static_cast<unsigned long long>(value);
  t->regsDirty = true;
  return true;
}

bool Tracer::resume(pid_t tid, int sig, bool catchExit) {
  return resumeWith(tid, catchExit ? PTRACE_SYSCALL : PTRACE_CONT, sig);
}

bool Tracer::singleStep(pid_t tid, int sig) { return resumeWith(tid, PTRACE_SINGLESTEP, sig); }

bool Tracer::setStepping(pid_t tid, bool on) {
  Tracee* t = find(tid);
  if (!t) return false;
  t->stepping = on;
  return true;
}

__ptrace_request Tracer::continueRequest(Tracee* t) { return t->stepping ? PTRACE_SINGLESTEP : PTRACE_CONT; }

bool Tracer::resumeWith(pid_t tid, int request, int sig) {
  Tracee* t = find(tid);
  if (t) {
    if (t->regsDirty && ptrace(PTRACE_SETREGS, tid, nullptr, &t->regs) != 0) return false;
    t->regsDirty = false;
    sendDeferred(tid, t);
    t->state = TraceeState::kRunning;
    if (request == PTRACE_CONT) request = continueRequest(t);
  }
  return ptrace(static_cast<__ptrace_request>(request), tid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig))) == 0;
}

// Brings a thread at a seccomp stop (or between two injections) to the point where an
// injected call can be loaded into its registers; false when it died meanwhile.
bool Tracer::beginInjection(pid_t tid, Tracee* t) {
  if (!t->injecting) {
    if (t->state != TraceeState::kSeccompStop) return false;
    t->saved = t->regs;
    t->injecting = true;
    return true;
  }
  // After a list (runList), the thread is at the runner's trapped report: a call can be loaded.
  if (t->state == TraceeState::kSeccompStop) return true;
  if (t->state != TraceeState::kSyscallExitStop) return false;
  // Re-enter the trap: execute the program's own syscall instruction again with a
  // trapped number, which brings the thread back to a seccomp stop.
  user_regs_struct again = t->saved;
  again.rip = t->saved.rip - 2;
  again.rax = t->saved.orig_rax;
  int status = 0;
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &again) != 0) return false;
  if (ptrace(PTRACE_CONT, tid, nullptr, nullptr) != 0 || !waitFor(tid, &status)) return false;
  // A signal that came meanwhile stops the thread before its syscall instruction: it is held
  // back (sent again when the thread returns to its own code) and the instruction goes on.
  while (WIFSTOPPED(status) && (status >> 16) == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80)) {
    t->deferredSignals.push_back(WSTOPSIG(status));
    if (ptrace(PTRACE_CONT, tid, nullptr, nullptr) != 0 || !waitFor(tid, &status)) return false;
  }
  if (!WIFSTOPPED(status) || (status >> 16) != PTRACE_EVENT_SECCOMP) {
    keep(tid, status);
    return false;
  }
  return true;
}

// Loads syscall nr with its arguments and lets the host run it (up to its exit, or up to a
// clone/fork event stop on the way).
bool Tracer::startInjected(pid_t tid, Tracee* t, long nr, const uint64_t args[6]) {
  user_regs_struct call = t->saved;
  call.orig_rax = nr;
  call.rax = nr;
  call.rdi = args[0];
  call.rsi = args[1];
  call.rdx = args[2];
  call.r10 = args[3];
  call.r8 = args[4];
  call.r9 = args[5];
  return ptrace(PTRACE_SETREGS, tid, nullptr, &call) == 0 && ptrace(PTRACE_SYSCALL, tid, nullptr, nullptr) == 0;
}

// Waits for the injected call's exit stop; its raw result, or -ESRCH when the thread died.
int64_t Tracer::finishInjected(pid_t tid, Tracee* t, bool* died) {
  int status = 0;
  if (!waitFor(tid, &status)) {
    *died = true;
    return -ESRCH;
  }
  if (!WIFSTOPPED(status) || WSTOPSIG(status) != (SIGTRAP | 0x80)) {
    keep(tid, status);
    *died = true;
    return -ESRCH;
  }
  ptrace(PTRACE_GETREGS, tid, nullptr, &t->regs);
  t->state = TraceeState::kSyscallExitStop;
  // Signals held back while the call was loaded are pending again at once: the thread may now
  // park in an emulated call, where only a signal pending on the host interrupts it.
  sendDeferred(tid, t);
  return static_cast<int64_t>(t->regs.rax);
}

int64_t Tracer::inject(pid_t tid, long nr, const uint64_t args[6], bool* died) {
  *died = false;
  Tracee* t = find(tid);
  if (!t) {
    *died = true;
    return -ESRCH;
  }
  if (!t->injecting && t->state != TraceeState::kSeccompStop) return -EINVAL;
  if (t->injecting && t->state != TraceeState::kSyscallExitStop && t->state != TraceeState::kSeccompStop) return -EINVAL;
  if (!beginInjection(tid, t) || !startInjected(tid, t, nr, args)) {
    *died = true;
    return -ESRCH;
  }
  return finishInjected(tid, t, died);
}

int Tracer::runList(pid_t tid, uint64_t listAddr, uint64_t stubLo, uint64_t stubHi, const uint64_t* calls, int n,
                    int64_t* results) {
  constexpr int kWords = 8;  // a list entry: number, six arguments, result
  Tracee* t = find(tid);
  if (!t || n <= 0) return t ? 0 : -ESRCH;
  const bool ready = t->injecting ? t->state == TraceeState::kSyscallExitStop || t->state == TraceeState::kSeccompStop
                                  : t->state == TraceeState::kSeccompStop;
  // The runner follows the cue's syscall instruction: where the thread returns from its trap.
  const user_regs_struct& cue = t->injecting ? t->saved : t->regs;
  if (!ready || cue.orig_rax != SYS_getpid || cue.rip < stubLo || cue.rip >= stubHi) return -EINVAL;
  std::vector<uint64_t> list(static_cast<size_t>(n) * kWords + 1);
  for (int i = 0; i < n; i++) {
    // getpid is the runner's report: a list may not hold it.
    if (calls[i * 7] == SYS_getpid) return -EINVAL;
    for (int w = 0; w < 7; w++) list[static_cast<size_t>(i) * kWords + w] = calls[i * 7 + w];
  }
  list.back() = static_cast<uint64_t>(-1);
  const size_t bytes = list.size() * sizeof(uint64_t);
  if (writeMemory(tid, listAddr, list.data(), bytes) != static_cast<ssize_t>(bytes)) return -EFAULT;
  if (!t->injecting) {
    t->saved = t->regs;
    t->injecting = true;
  }
  // From the cue's trap (or an injected call's exit) to the runner; no host syscall on the way.
  user_regs_struct run = t->saved;
  run.rbx = listAddr;
  run.orig_rax = static_cast<unsigned long long>(-1);
  int status = 0;
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &run) != 0 || ptrace(PTRACE_CONT, tid, nullptr, nullptr) != 0) return -ESRCH;
  t->state = TraceeState::kRunning;
  for (;;) {
    if (!waitFor(tid, &status)) return -ESRCH;
    if (!WIFSTOPPED(status)) {
      keep(tid, status);
      return -ESRCH;
    }
    const int event = status >> 16;
    if (event == PTRACE_EVENT_SECCOMP) {
      errno = 0;
      long nr = ptrace(PTRACE_PEEKUSER, tid, reinterpret_cast<void*>(offsetof(user_regs_struct, orig_rax)), nullptr);
      if (errno != 0) return -ESRCH;
      if (nr == SYS_getpid) break;
      // A trapped call of the list: the kernel asked for it, so it runs on the host as it is.
    } else if (event == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80)) {
      // A signal: held back like one that comes between two injections.
      t->deferredSignals.push_back(WSTOPSIG(status));
    } else if (event != PTRACE_EVENT_STOP) {
      keep(tid, status);
      return -ESRCH;
    }
    if (ptrace(PTRACE_CONT, tid, nullptr, nullptr) != 0) return -ESRCH;
  }
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &t->regs) != 0) return -ESRCH;
  t->state = TraceeState::kSeccompStop;
  const uint64_t end = t->regs.rbx;
  if (end < listAddr || end > listAddr + static_cast<uint64_t>(n) * kWords * sizeof(uint64_t)) return -EFAULT;
  const int made = static_cast<int>((end - listAddr) / (kWords * sizeof(uint64_t)));
  if (made > 0 && readMemory(tid, listAddr, list.data(), static_cast<size_t>(made) * kWords * sizeof(uint64_t)) < 0) {
    return -EFAULT;
  }
  for (int i = 0; i < made; i++) results[i] = static_cast<int64_t>(list[static_cast<size_t>(i) * kWords + 7]);
  sendDeferred(tid, t);
  return made;
}

pid_t Tracer::spawnTask(pid_t tid, uint64_t flags) {
  Tracee* t = find(tid);
  if (!t) return -ESRCH;
  const uint64_t args[6] = {flags, 0, 0, 0, 0, 0};
  if (!beginInjection(tid, t) || !startInjected(tid, t, SYS_clone, args)) return -ESRCH;
  int status = 0;
  if (!waitFor(tid, &status) || !WIFSTOPPED(status)) return -ESRCH;
  const int event = status >> 16;
  if (event != PTRACE_EVENT_CLONE && event != PTRACE_EVENT_FORK) {
    // No event: the clone failed, and this is already its exit stop.
    if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
      keep(tid, status);
      return -ESRCH;
    }
    ptrace(PTRACE_GETREGS, tid, nullptr, &t->regs);
    t->state = TraceeState::kSyscallExitStop;
    return static_cast<pid_t>(static_cast<int64_t>(t->regs.rax));
  }
  unsigned long child = 0;
  ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child);
  bool died = false;
  if (ptrace(PTRACE_SYSCALL, tid, nullptr, nullptr) != 0) return -ESRCH;
  finishInjected(tid, t, &died);
  if (died) return -ESRCH;
  // The new task's first stop (auto-attached), then into a trap like its creator's.
  const pid_t c = static_cast<pid_t>(child);
  if (!waitFor(c, &status) || !WIFSTOPPED(status)) return -ESRCH;
  tracees_[c].state = TraceeState::kOtherStop;
  return enterTrap(c, t->saved.rip - 2) ? c : -ESRCH;
}

bool Tracer::enterTrap(pid_t tid, uint64_t syscallInsn) {
  Tracee* t = find(tid);
  if (!t) return false;
  user_regs_struct r{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &r) != 0) return false;
  r.rip = syscallInsn;
  r.rax = SYS_getpid;  // any trapped call
  r.orig_rax = static_cast<unsigned long long>(-1);
  int status = 0;
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &r) != 0 || ptrace(PTRACE_CONT, tid, nullptr, nullptr) != 0 ||
      !waitFor(tid, &status)) {
    return false;
  }
  // An interrupt still pending for the thread (PTRACE_INTERRUPT) stops it on the way: go on.
  while (WIFSTOPPED(status) && (status >> 16) == PTRACE_EVENT_STOP) {
    if (ptrace(PTRACE_CONT, tid, nullptr, nullptr) != 0 || !waitFor(tid, &status)) return false;
  }
  if (!WIFSTOPPED(status) || (status >> 16) != PTRACE_EVENT_SECCOMP) {
    keep(tid, status);
    return false;
  }
  ptrace(PTRACE_GETREGS, tid, nullptr, &t->regs);
  t->state = TraceeState::kSeccompStop;
  t->injecting = false;
  t->regsDirty = false;
  return true;
}

bool Tracer::interrupt(pid_t tid) { return ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr) == 0; }

bool Tracer::captureRegs(pid_t tid, user_regs_struct* out) {
  Tracee* t = find(tid);
  if (!t) return false;
  if (t->injecting) {
    *out = t->saved;
    return true;
  }
  if (t->regsDirty) {
    *out = t->regs;
    return true;
  }
  return ptrace(PTRACE_GETREGS, tid, nullptr, out) == 0;
}

ssize_t Tracer::getXstate(pid_t tid, void* buf, size_t len) {
  iovec iov{buf, len};
  if (ptrace(PTRACE_GETREGSET, tid, reinterpret_cast<void*>(NT_X86_XSTATE), &iov) != 0) return -errno;
  return static_cast<ssize_t>(iov.iov_len);
}

bool Tracer::setXstate(pid_t tid, const void* buf, size_t len) {
  iovec iov{const_cast<void*>(buf), len};
  return ptrace(PTRACE_SETREGSET, tid, reinterpret_cast<void*>(NT_X86_XSTATE), &iov) == 0;
}

bool Tracer::launch(pid_t tid, const user_regs_struct& regs) {
  Tracee* t = find(tid);
  if (!t) return false;
  user_regs_struct r = regs;
  // Not a syscall: the host must neither run one nor restart one on the way out.
  r.orig_rax = static_cast<unsigned long long>(-1);
  t->injecting = false;
  t->regsDirty = false;
  t->regs = r;
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &r) != 0) return false;
  sendDeferred(tid, t);
  t->state = TraceeState::kRunning;
  return ptrace(continueRequest(t), tid, nullptr, nullptr) == 0;
}

bool Tracer::restartSyscall(pid_t tid) {
  Tracee* t = find(tid);
  if (!t) return false;
  if (t->injecting) {
    // Between injections (at an injected call's exit): the program's own registers come back.
    t->regs = t->saved;
    t->injecting = false;
  } else if (t->state != TraceeState::kSeccompStop) {
    return false;
  }
  t->regs.rax = t->regs.orig_rax;
  t->regs.rip -= 2;
  t->regs.orig_rax = static_cast<unsigned long long>(-1);
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &t->regs) != 0) return false;
  sendDeferred(tid, t);
  t->state = TraceeState::kRunning;
  return ptrace(continueRequest(t), tid, nullptr, nullptr) == 0;
}

bool Tracer::listen(pid_t tid) {
  Tracee* t = find(tid);
  if (t) t->state = TraceeState::kRunning;
  return ptrace(PTRACE_LISTEN, tid, nullptr, nullptr) == 0;
}

bool Tracer::startAt(pid_t tid, uint64_t rip, uint64_t rsp) {
  Tracee* t = find(tid);
  if (!t) return false;
  user_regs_struct base = t->injecting ? t->saved : t->regs;
  user_regs_struct fresh{};
  fresh.cs = base.cs;
  fresh.ss = base.ss;
  fresh.ds = base.ds;
  fresh.es = base.es;
  fresh.eflags = 0x202;
  fresh.rip = rip;
  fresh.rsp = rsp;
  fresh.orig_rax = static_cast<unsigned long long>(-1);
  t->injecting = false;
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &fresh) != 0) return false;
  t->regs = fresh;
  sendDeferred(tid, t);
  t->state = TraceeState::kRunning;
  return ptrace(continueRequest(t), tid, nullptr, nullptr) == 0;
}

bool Tracer::setRegsForRdtsc(pid_t tid, uint64_t rax, uint64_t rdx, uint64_t advance) {
  Tracee* t = find(tid);
  if (!t) return false;
  t->regs.rax = rax;
  t->regs.rdx = rdx;
  t->regs.rip += advance;
  t->regsDirty = true;
  return true;
}

bool Tracer::setArgRegs(pid_t tid, const uint64_t args[6]) {
  Tracee& t = tracees_[tid];
  const bool cached = t.state == TraceeState::kSeccompStop || t.state == TraceeState::kSyscallExitStop;
  if (!cached && ptrace(PTRACE_GETREGS, tid, nullptr, &t.regs) != 0) return false;
  t.regs.rdi = args[0];
  t.regs.rsi = args[1];
  t.regs.rdx = args[2];
  t.regs.r10 = args[3];
  t.regs.r8 = args[4];
  t.regs.r9 = args[5];
  if (cached) {
    t.regsDirty = true;
    return true;
  }
  return ptrace(PTRACE_SETREGS, tid, nullptr, &t.regs) == 0;
}

bool Tracer::getRegs(pid_t tid, user_regs_struct* out) {
  Tracee* t = find(tid);
  if (!t) return false;
  *out = t->injecting ? t->saved : t->regs;
  return true;
}

bool Tracer::setRegs(pid_t tid, const user_regs_struct& regs) {
  Tracee* t = find(tid);
  if (!t) return false;
  if (t->injecting) {
    t->saved = regs;
  } else {
    t->regs = regs;
    t->regsDirty = true;
  }
  return true;
}

ssize_t Tracer::readMemory(pid_t tid, uint64_t addr, void* buf, size_t len) {
  iovec local{buf, len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
  return n < 0 ? -errno : n;
}

ssize_t Tracer::writeMemory(pid_t tid, uint64_t addr, const void* buf, size_t len) {
  iovec local{const_cast<void*>(buf), len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  ssize_t n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
  return n < 0 ? -errno : n;
}

static void* debugRegOffset(int index) {
  return reinterpret_cast<void*>(offsetof(struct user, u_debugreg) + sizeof(unsigned long) * static_cast<size_t>(index));
}

int Tracer::peekDebugReg(pid_t tid, int index, uint64_t* value) {
  if (index < 0 || index > 7) return -EIO;
  errno = 0;
  long v = ptrace(PTRACE_PEEKUSER, tid, debugRegOffset(index), nullptr);
  if (errno != 0) return -errno;
  *value = static_cast<uint64_t>(v);
  return 0;
}

int Tracer::pokeDebugReg(pid_t tid, int index, uint64_t value) {
  if (index < 0 || index > 7) return -EIO;
  return ptrace(PTRACE_POKEUSER, tid, debugRegOffset(index), reinterpret_cast<void*>(value)) == 0 ? 0 : -errno;
}

bool Tracer::pokeMemory(pid_t tid, uint64_t addr, const void* buf, size_t len) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", tid);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < len) {
    ssize_t n = pwrite(fd, static_cast<const char*>(buf) + done, len - done,
                       static_cast<off_t>(addr + done));
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(fd);
  return done == len;
}
