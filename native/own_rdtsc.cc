#include "own_rdtsc.h"

#include <atomic>
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

namespace {

struct sigaction gPrevious{};
bool gInstalled = false;
std::atomic<uint64_t> gEmulated{0};

// The length of an rdtsc (0f 31) or rdtscp (0f 01 f9) at ip, or 0.
int counterReadAt(const unsigned char* ip) {
  if (ip[0] == 0x0f && ip[1] == 0x31) return 2;
  if (ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xf9) return 3;
  return 0;
}

// Anything but a faulting counter read goes to the handler that was there before (node's), or
// takes the default action when there was none: the fault happens again once this returns.
void passOn(int sig, siginfo_t* info, void* context) {
  if (gPrevious.sa_flags & SA_SIGINFO) {
    gPrevious.sa_sigaction(sig, info, context);
    return;
  }
  if (gPrevious.sa_handler == SIG_IGN || gPrevious.sa_handler == SIG_DFL) {
    signal(sig, SIG_DFL);
    return;
  }
  gPrevious.sa_handler(sig);
}

// Reading the counter for real costs two CR4 writes (enabling it for one read); in between,
// the counter is extrapolated from the last real read and the syscall clock at the rate the
// reads have shown. A real read pairs the counter with the clock's time, the middle of two
// clock reads around it; only a pair whose two reads lie within kTightNs of each other (no
// preemption between them) is kept as an anchor. Extrapolation starts once the anchors span
// kBaselineNs (the rate is then known to a few parts in 10^5), and a new anchor is taken at
// least every kAnchorNs, which keeps what it gives within a microsecond of the counter. What
// the process is given never goes back.
constexpr int64_t kAnchorNs = 10'000'000;
constexpr int64_t kBaselineNs = 50'000'000;
constexpr int64_t kTightNs = 2'000;
constexpr int kTries = 4;
struct Anchor {
  uint64_t tsc;
  int64_t ns;
};
Anchor gFirst{}, gLast{};
bool gAnchored = false;
double gTscPerNs = 0;
uint64_t gGiven = 0;
std::atomic_flag gBusy = ATOMIC_FLAG_INIT;

int64_t syscallNs() {
  timespec ts{};
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// The counter with the clock's time of the read; *tight: whether the pair may be an anchor.
Anchor realCounter(uint32_t* aux, bool* tight) {
  Anchor best{};
  int64_t bestWindow = INT64_MAX;
  prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0);
  for (int i = 0; i < kTries && bestWindow > kTightNs; i++) {
    uint32_t lo, hi;
    const int64_t before = syscallNs();
    asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(*aux));
    const int64_t after = syscallNs();
    if (after - before < bestWindow) {
      bestWindow = after - before;
      best = {(static_cast<uint64_t>(hi) << 32) | lo, before + (after - before) / 2};
    }
  }
  prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0);
  *tight = bestWindow <= kTightNs;
  return best;
}

uint64_t counterNow(uint32_t* aux) {
  while (gBusy.test_and_set(std::memory_order_acquire)) {
  }
  const int64_t ns = syscallNs();
  uint64_t tsc;
  if (gTscPerNs == 0 || ns - gLast.ns >= kAnchorNs) {
    bool tight = false;
    const Anchor read = realCounter(aux, &tight);
    tsc = read.tsc;
    if (tight) {
      gLast = read;
      if (!gAnchored) {
        gFirst = read;
        gAnchored = true;
      } else if (read.ns - gFirst.ns >= kBaselineNs) {
        gTscPerNs = static_cast<double>(read.tsc - gFirst.tsc) / static_cast<double>(read.ns - gFirst.ns);
      }
    }
  } else {
    tsc = gLast.tsc + static_cast<uint64_t>(static_cast<double>(ns - gLast.ns) * gTscPerNs);
    *aux = 0;
  }
  if (tsc <= gGiven) tsc = gGiven + 1;
  gGiven = tsc;
  gBusy.clear(std::memory_order_release);
  return tsc;
}

void onSegv(int sig, siginfo_t* info, void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
  greg_t* regs = uc->uc_mcontext.gregs;
  // The counter's fault is a general protection fault (SI_KERNEL), at an instruction that was
  // just fetched for execution and so can be read.
  const int length = info->si_code == SI_KERNEL ? counterReadAt(reinterpret_cast<const unsigned char*>(regs[REG_RIP])) : 0;
  if (length == 0) {
    passOn(sig, info, context);
    return;
  }
  const int saved = errno;
  uint32_t aux = 0;
  const uint64_t tsc = counterNow(&aux);
  errno = saved;
  regs[REG_RAX] = static_cast<uint32_t>(tsc);
  regs[REG_RDX] = static_cast<uint32_t>(tsc >> 32);
  if (length == 3) regs[REG_RCX] = aux;
  regs[REG_RIP] += length;
  gEmulated.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

bool setOwnRdtscTrap(bool on) {
  if (on && !gInstalled) {
    struct sigaction sa{};
    sa.sa_sigaction = onSegv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    // No other handler runs inside this one: one reading the clock would fault with SIGSEGV
    // blocked, which the host turns into the default action.
    sigfillset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &gPrevious) != 0) return false;
    gInstalled = true;
  }
  return prctl(PR_SET_TSC, on ? PR_TSC_SIGSEGV : PR_TSC_ENABLE, 0, 0, 0) == 0;
}

uint64_t ownRdtscEmulated() {
  return gEmulated.load(std::memory_order_relaxed);
}

int64_t monotonicNsBySyscall() {
  return syscallNs();
}
