#include "sandbox_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "seccomp_filter.h"
#include "stub_fd_channel.h"
#include "tracer.h"

namespace {

constexpr int kNamespaceFlags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
                                CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
// The unprivileged host uid/gid that stands for root inside the sandbox's user namespace.
constexpr unsigned kHostNobody = 65534;

constexpr long kTraceOptions = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
                               PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
                               PTRACE_O_TRACESECCOMP;

// Everything the child needs, prepared before clone: after it the child of a
// multithreaded process may only make raw syscalls (no malloc, no locks).
struct ChildPlan {
  int syncRead;
  int syncWrite;  // the parent's end, inherited by the clone: closed at once, so its death is EOF
  int errWrite;
  int stubFd;
  int channelFd;  // the stubs' end of the fd channel (stub_fd_channel.h)
  bool isolated;
  bool trapRdtsc;
  sock_fprog filter;
};

// Reports "step: strerror" to the parent over the error pipe and exits.
[[noreturn]] void childFail(const ChildPlan& plan, const char* step) {
  int err = errno;
  char buf[160];
  size_t n = 0;
  for (const char* p = step; *p && n < 100; p++) buf[n++] = *p;
  buf[n++] = ':';
  buf[n++] = ' ';
  const char* msg = strerrordesc_np(err);
  for (const char* p = msg ? msg : "error"; *p && n < sizeof buf - 1; p++) buf[n++] = *p;
  if (write(plan.errWrite, buf, n) < 0) {
  }
  _exit(126);
}

// Sets every uid and gid of the calling thread: true on success. Raw syscalls, not glibc's
// setresuid/setresgid: those make every thread of the process change ids, and in a child
// cloned from multithreaded node they signal the parent's threads and wait for each; a thread
// that node was creating at the moment of the clone is waited for forever (a futex wait on
// its setxid_futex, seen as a start-up hang). The child has one thread.
bool setAllIds(uid_t uid, gid_t gid) {
  return syscall(SYS_setresgid, gid, gid, gid) == 0 && syscall(SYS_setresuid, uid, uid, uid) == 0;
}

// Drops every capability and makes sure none comes back at exec (uid 0 in the namespace
// would otherwise regain them).
void dropPrivileges(const ChildPlan& plan) {
  if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                   SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                                   SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED) != 0 &&
      plan.isolated) {
    childFail(plan, "securebits");
  }
  for (int cap = 0; cap <= 63; cap++) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capset, &header, data) != 0) childFail(plan, "capset");
}

// Node ignores SIGPIPE and may block signals in its threads; a fork keeps both and exec keeps
// ignored dispositions and the mask. The program must start as from a fresh login.
void resetSignals() {
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] void runStub(const ChildPlan& plan) {
  resetSignals();
  // Without a user namespace, a root host still hands the stub an unprivileged identity.
  if (!plan.isolated && geteuid() == 0 && !setAllIds(kHostNobody, kHostNobody)) childFail(plan, "setresuid");
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  personality(ADDR_NO_RANDOMIZE);
  rlimit noCore{0, 0};
  setrlimit(RLIMIT_CORE, &noCore);
  // rdtsc/rdtscp fault, so the kernel answers them (deterministic replay); kept across exec and
  // fork. Only when recording or replaying: a thread with the flag makes every context switch
  // to or from it rewrite CR4, which on a paravirtualized host is a trap to the hypervisor
  // (~5 us a switch measured on a nested-PVM VM: 40 % of a trapped syscall's round trip).
  if (plan.trapRdtsc) prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0);
  dropPrivileges(plan);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) childFail(plan, "no_new_privs");
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &plan.filter) != 0) childFail(plan, "seccomp");
  char name[] = "tsvisor-stub";
  char* argv[] = {name, nullptr};
  char* envp[] = {nullptr};
  syscall(SYS_execveat, kStubFd, "", argv, envp, AT_EMPTY_PATH);
  childFail(plan, "exec stub");
}

// The sandbox's init: pid 1 of its pid namespace. Its death kills every sandbox process,
// so nothing the program starts can outlive the sandbox. It reaps and waits for the end.
[[noreturn]] void runInit(const ChildPlan& plan) {
  // A tsvisor that dies before letting init go (killed during a create) must not leave it
  // waiting forever: its end of the pipe is then the only one, and EOF ends init.
  close(plan.syncWrite);
  char go;
  ssize_t n;
  while ((n = read(plan.syncRead, &go, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) _exit(1);
  if (plan.isolated) {
    // Become the namespace's root, which is the unprivileged host identity of writeIdMaps.
    if (!setAllIds(0, 0)) childFail(plan, "setresuid");
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) childFail(plan, "mount private");
    if (mount("tsvisor", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555") != 0)
      childFail(plan, "mount tmpfs root");
    if (chdir("/tmp") != 0) childFail(plan, "chdir new root");
    if (syscall(SYS_pivot_root, ".", ".") != 0) childFail(plan, "pivot_root");
    if (umount2(".", MNT_DETACH) != 0) childFail(plan, "umount old root");
    if (chdir("/") != 0) childFail(plan, "chdir /");
    mount(nullptr, "/", nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  }
  // No host fd survives but the stub binary (at kStubFd) and, until exec, the error pipe
  // (at 4). Both are first moved out of the way so the renumbering cannot clobber either.
  int stubHigh = fcntl(plan.stubFd, F_DUPFD, 1000);
  int errHigh = fcntl(plan.errWrite, F_DUPFD_CLOEXEC, 1000);
  int channelHigh = fcntl(plan.channelFd, F_DUPFD, 1000);
  if (stubHigh < 0 || errHigh < 0 || channelHigh < 0) childFail(plan, "dup");
  if (dup2(stubHigh, kStubFd) != kStubFd || dup3(errHigh, 4, O_CLOEXEC) != 4 ||
      dup2(channelHigh, kChannelFd) != kChannelFd)
    _exit(126);
  for (int fd = 0; fd < 3; fd++) close(fd);
  syscall(SYS_close_range, kChannelFd + 1, ~0U, 0);
  ChildPlan moved = plan;
  moved.errWrite = 4;
  prctl(PR_SET_NAME, "tsvisor-init", 0, 0, 0);
  pid_t stub = static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
  if (stub == 0) runStub(moved);
  if (stub < 0) childFail(moved, "fork stub");
  close(4);
  close(kStubFd);
  close(kChannelFd);
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, nullptr);
  for (;;) {
    int status;
    if (waitpid(-1, &status, __WALL) < 0 && errno == ECHILD) _exit(0);
  }
}

bool writeFile(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

// Maps root in the new user namespace to an unprivileged host identity.
bool writeIdMaps(pid_t pid) {
  std::string base = "/proc/" + std::to_string(pid) + "/";
  unsigned uid = geteuid() == 0 ? kHostNobody : geteuid();
  unsigned gid = geteuid() == 0 ? kHostNobody : getegid();
  return writeFile(base + "setgroups", "deny") &&
         writeFile(base + "uid_map", "0 " + std::to_string(uid) + " 1\n") &&
         writeFile(base + "gid_map", "0 " + std::to_string(gid) + " 1\n");
}

std::string readError(int fd) {
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Waits for the next stop of one process; false (with status filled) if it ended.
bool expectStop(pid_t pid, int* status) {
  for (;;) {
    pid_t got = waitpid(pid, status, __WALL);
    if (got == pid) return WIFSTOPPED(*status);
    if (got < 0 && errno != EINTR) return false;
  }
}

SpawnResult fail(SpawnResult r, const std::string& why, pid_t killPid) {
  if (killPid > 0) {
    kill(killPid, SIGKILL);
    int status;
    waitpid(killPid, &status, __WALL);
  }
  if (r.channelFd >= 0) close(r.channelFd);
  if (r.channelStubEnd >= 0) close(r.channelStubEnd);
  r.channelFd = r.channelStubEnd = -1;
  r.ok = false;
  r.error = why;
  return r;
}

}  // namespace

SpawnResult spawnSandbox(const std::string& stubPath, bool isolate, bool trapRdtsc) {
  SpawnResult r;
  static std::vector<sock_filter> filter = buildSeccompFilter();
  int stubFd = open(stubPath.c_str(), O_PATH | O_CLOEXEC);
  if (stubFd < 0) return fail(r, "cannot open stub " + stubPath + ": " + strerror(errno), -1);
  int sync[2], err[2];
  if (pipe2(sync, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
      fcntl(err[0], F_SETFL, O_NONBLOCK) != 0) {
    close(stubFd);
    return fail(r, std::string("pipe: ") + strerror(errno), -1);
  }
  if (!createStubChannel(&r.channelFd, &r.channelStubEnd)) {
    close(stubFd);
    return fail(r, std::string("socketpair: ") + strerror(errno), -1);
  }
  // CLONE_UNTRACED: under a debugger or strace -f, init must still be ours to trace.
  ChildPlan plan{sync[0], sync[1], err[1], stubFd, r.channelStubEnd, isolate, trapRdtsc,
                 {static_cast<unsigned short>(filter.size()), filter.data()}};
  pid_t init = -1;
  if (isolate) {
    init = static_cast<pid_t>(syscall(SYS_clone, kNamespaceFlags | CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0));
    if (init < 0) plan.isolated = false;  // the host refuses namespaces: run without them
  }
  if (init < 0) init = static_cast<pid_t>(syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0));
  if (init == 0) runInit(plan);
  close(sync[0]);
  close(err[1]);
  close(stubFd);
  auto cleanup = [&]() {
    close(sync[1]);
    close(err[0]);
  };
  if (init < 0) {
    cleanup();
    return fail(r, std::string("clone: ") + strerror(errno), -1);
  }
  r.initPid = init;
  r.isolated = plan.isolated;
  if (plan.isolated && !writeIdMaps(init)) {
    cleanup();
    return fail(r, std::string("writing uid/gid maps: ") + strerror(errno), init);
  }
  if (ptrace(PTRACE_SEIZE, init, nullptr, reinterpret_cast<void*>(kTraceOptions)) != 0) {
    cleanup();
    return fail(r, std::string("ptrace seize: ") + strerror(errno), init);
  }
  if (write(sync[1], "g", 1) != 1) {  // lets init go on
    cleanup();
    return fail(r, std::string("sync: ") + strerror(errno), init);
  }
  close(sync[1]);

  int status = 0;
  if (!expectStop(init, &status) || (status >> 16) != PTRACE_EVENT_FORK) {
    std::string why = readError(err[0]);
    close(err[0]);
    return fail(r, "sandbox setup failed: " + (why.empty() ? "init did not fork" : why), init);
  }
  unsigned long stub = 0;
  ptrace(PTRACE_GETEVENTMSG, init, nullptr, &stub);
  ptrace(PTRACE_DETACH, init, nullptr, nullptr);
  r.stubTid = static_cast<pid_t>(stub);

  // The stub's stops before the program: attach, the trapped execveat of the stub, the
  // exec event, then the stub's own first syscall.
  bool atFirstSyscall = false;
  for (int step = 0; step < 8 && !atFirstSyscall; step++) {
    if (!expectStop(r.stubTid, &status)) break;
    int event = status >> 16;
    if (event == PTRACE_EVENT_SECCOMP) {
      user_regs_struct regs;
      ptrace(PTRACE_GETREGS, r.stubTid, nullptr, &regs);
      if (regs.orig_rax == SYS_getpid) {
        atFirstSyscall = true;
        break;
      }
      if (regs.orig_rax != SYS_execveat) break;
    }
    ptrace(PTRACE_CONT, r.stubTid, nullptr, nullptr);
  }
  if (!atFirstSyscall) {
    std::string why = readError(err[0]);
    close(err[0]);
    return fail(r, "sandbox setup failed: " + (why.empty() ? "stub did not start" : why), init);
  }
  close(err[0]);
  theTracer().track(r.stubTid, TraceeState::kSeccompStop);
  r.ok = true;
  return r;
}
