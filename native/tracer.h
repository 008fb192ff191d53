// The tracer: every ptrace call of the platform, made from the one thread that spawned
// the sandbox (Node's main thread). It turns waitpid statuses into stop reports, answers
// trapped syscalls, injects syscalls into stopped threads, and reads/writes their memory.
#pragma once
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <deque>
#include <string>
#include <map>
#include <unordered_map>
#include <vector>

// Kinds of stop reported to TypeScript (src/platform/stops.ts mirrors these numbers).
enum StopKind : int {
  kStopTimeout = 1,      // nothing happened before the timeout
  kStopSyscall = 2,      // seccomp trap: a syscall waiting for the kernel's answer
  kStopSyscallExit = 3,  // a syscall the kernel let run on the host has returned
  kStopSignal = 4,       // a signal is about to be delivered
  kStopClone = 5,        // a thread was created (value: new host tid)
  kStopFork = 6,         // a process was forked (value: new host pid)
  kStopVfork = 7,
  kStopExec = 8,         // the stub was exec'd again (a fresh address space)
  kStopExited = 9,       // the thread/process exited (value: status)
  kStopKilled = 10,      // killed by a signal (value: signal, extra: core dumped)
  kStopAttached = 11,    // a new thread or process made its first stop
  kStopGroupStop = 12,   // job-control stop (value: signal)
  kStopNoTracees = 13,   // nothing left to wait for
};

// Not a stop the kernel sees: a stop whose thread was killed before its registers were read (tracer.cc).
constexpr int kStale = -1;

// Layout of the report buffer shared with TypeScript (a Float64Array).
enum ReportSlot : int {
  kSlotKind = 0, kSlotTid = 1, kSlotValue = 2, kSlotArg0 = 3,  // args 0..5 in 3..8
  kSlotRip = 9, kSlotRsp = 10, kSlotExtra = 11, kSlotAddr = 12,
  // Exited and killed: the resources the thread's process used (its getrusage(RUSAGE_BOTH)).
  kSlotUtimeUs = 13, kSlotStimeUs = 14, kSlotMaxRssKb = 15,
  // Syscall: each argument's low 32 bits as an int (in 16..21), exact where the double of a
  // value beyond 2^53 is not (an int parameter with garbage in its upper half).
  kSlotArgLow0 = 16, kReportSlots = 22,
};

enum class TraceeState { kRunning, kSeccompStop, kSyscallExitStop, kOtherStop };

struct Tracee {
  user_regs_struct regs{};   // registers as of the last stop (possibly edited)
  user_regs_struct saved{};  // the program's registers while the kernel injects syscalls
  TraceeState state = TraceeState::kRunning;
  bool injecting = false;
  bool regsDirty = false;
  // The program's own tracer (a debugger in the sandbox) asked for one instruction: each time
  // the thread goes back to its code it single-steps, until the SIGTRAP stop that ends the step
  // (syscalls on the way, trapped to the kernel, do not end it).
  bool stepping = false;
  // Signals that stopped the thread between two injected calls: held back so the kernel's
  // calls go on, and sent to it again when it goes back to its own code.
  std::vector<int> deferredSignals;
};

class Tracer {
 public:
  // Blocks up to timeoutMs (0: poll) for the next stop and writes it into report.
  int waitStop(int timeoutMs, double* report);

  // Answers a trapped syscall (or ends an injection) with a return value and resumes.
  bool answer(pid_t tid, int64_t value);
  // Lets the trapped syscall run on the host; catchExit stops again at its return.
  bool allow(pid_t tid, bool catchExit);
  // Edits an argument (or, with index -1, the syscall number) of a trapped syscall.
  bool setSyscallArg(pid_t tid, int index, uint64_t value);
  // Sets the return value at a syscall-exit stop (used after allow(tid, true)).
  bool setReturn(pid_t tid, int64_t value);
  // Resumes a thread from any stop, delivering sig (0: none); catchExit stops it again at
  // the end of the syscall it is in (to rewrite a host result such as a new thread's tid).
  bool resume(pid_t tid, int sig, bool catchExit);
  // Resumes a thread from any stop for one instruction (PTRACE_SINGLESTEP), delivering sig (0:
  // none). When sig has a handler the host builds its frame and stops the thread at the
  // handler's first instruction (a stop of SIGTRAP, si_code SIGTRAP) before it runs any;
  // otherwise it stops after one instruction (SIGTRAP, TRAP_TRACE).
  bool singleStep(pid_t tid, int sig);
  // Whether the thread's returns to its own code (an answer, an allowed call, a resume) are
  // single steps, until its next SIGTRAP stop; injected calls are not affected.
  bool setStepping(pid_t tid, bool on);
  // Runs one syscall in the thread, which must be at a syscall stop. Returns the raw result
  // (-errno on failure); sets *died when the thread vanished meanwhile.
  int64_t inject(pid_t tid, long nr, const uint64_t args[6], bool* died);
  // Makes n calls (7 words each: number, six arguments) one after another in a freshly exec'd
  // stub stopped at its cue (or between injections made there), through the stub's list runner:
  // an allowed call without a stop, a trapped one with one. The list is written at listAddr in
  // the stub's memory; the runner follows the cue's syscall instruction, which must lie in
  // [stubLo, stubHi). Stops after the first call that fails. The number of calls made (their
  // raw results in results[]), -ESRCH when the thread died, -EINVAL when not at a stub's cue.
  int runList(pid_t tid, uint64_t listAddr, uint64_t stubLo, uint64_t stubHi, const uint64_t* calls, int n,
              int64_t* results);
  // At a seccomp stop (or between injections made there): skips the syscall now and rewinds
  // the thread to execute it again when resumed, so that a signal handler runs first and the
  // call restarts after it.
  bool restartSyscall(pid_t tid);
  // Leaves a thread in its group-stop (job control) while letting SIGCONT wake it.
  bool listen(pid_t tid);
  // Starts the thread at rip/rsp with cleared registers (a fresh program image).
  bool startAt(pid_t tid, uint64_t rip, uint64_t rsp);
  // Moves rip (emulated instructions such as rdtsc) and sets rax/rdx.
  bool setRegsForRdtsc(pid_t tid, uint64_t rax, uint64_t rdx, uint64_t advance);

  // Puts the six syscall-argument registers back (after a rewritten clone), at any stop.
  bool setArgRegs(pid_t tid, const uint64_t args[6]);

  // Checkpoint and restore.
  // Stops a running thread; it reports a PTRACE_EVENT_STOP (a group-stop report of SIGTRAP).
  bool interrupt(pid_t tid);
  // The program's registers at any stop (not those of a syscall the kernel is injecting).
  bool captureRegs(pid_t tid, user_regs_struct* out);
  // The thread's extended FPU state (XSAVE layout); its length, or -errno.
  ssize_t getXstate(pid_t tid, void* buf, size_t len);
  bool setXstate(pid_t tid, const void* buf, size_t len);
  // From a thread at a syscall stop, creates a thread or process (clone with flags, an
  // injected syscall); the new task is left at a seccomp stop on the same syscall
  // instruction, ready for injections. Its host tid, or -errno.
  pid_t spawnTask(pid_t tid, uint64_t flags);
  // Sends a stopped thread through the syscall instruction at syscallInsn to a seccomp stop.
  bool enterTrap(pid_t tid, uint64_t syscallInsn);
  // Sets every register (ending any injection) and lets the thread run from there.
  bool launch(pid_t tid, const user_regs_struct& regs);

  bool getRegs(pid_t tid, user_regs_struct* out);
  bool setRegs(pid_t tid, const user_regs_struct& regs);

  // Memory of the process that tid belongs to. read returns bytes read (short at a fault).
  ssize_t readMemory(pid_t tid, uint64_t addr, void* buf, size_t len);
  ssize_t writeMemory(pid_t tid, uint64_t addr, const void* buf, size_t len);
  // Writes through page protections (the loader filling read-only text), as debuggers do.
  bool pokeMemory(pid_t tid, uint64_t addr, const void* buf, size_t len);
  // Debug register index (0-7) of a stopped thread: read into *value, or written (the host
  // checks addresses and DR7's bits); 0 or -errno.
  int peekDebugReg(pid_t tid, int index, uint64_t* value);
  int pokeDebugReg(pid_t tid, int index, uint64_t value);

  void track(pid_t tid, TraceeState state);
  void forget(pid_t tid);
  // After the sandbox's init was killed: collects, without waiting, the exits of the traced
  // threads (the dying init waits for them) and then init's own. True once init is reaped.
  bool reapEnded(pid_t init);
  size_t count() const { return tracees_.size(); }

 private:
  Tracee* find(pid_t tid);
  // A wait status and the resource usage wait4 gave with it (an exit's).
  struct Collected {
    pid_t tid;
    int status;
    rusage usage;
  };
  // One stop, or kStale for a stop of a thread killed since it was reported (waitStop skips it).
  int nextStop(int timeoutMs, double* report);
  int decode(const Collected& c, double* report);
  // Keeps a status waitFor collected for another stop than the one wanted.
  void keep(pid_t tid, int status) { pending_.push_back({tid, status, lastUsage_}); }
  bool resumeWith(pid_t tid, int request, int sig);
  // PTRACE_CONT, or PTRACE_SINGLESTEP for a thread being stepped.
  static __ptrace_request continueRequest(Tracee* t);
  bool beginInjection(pid_t tid, Tracee* t);
  void sendDeferred(pid_t tid, Tracee* t);
  bool startInjected(pid_t tid, Tracee* t, long nr, const uint64_t args[6]);
  int64_t finishInjected(pid_t tid, Tracee* t, bool* died);
  bool waitFor(pid_t tid, int* status);
  // The stop of the next running thread after sweepCursor_ that has one (fairness, tracer.cc).
  bool sweep(Collected* c);
  std::map<pid_t, Tracee> tracees_;  // ordered by tid, for the sweep's turns
  std::deque<Collected> pending_;    // statuses collected while waiting for one tid
  rusage lastUsage_{};               // waitFor's last wait4 usage
  pid_t lastStopTid_ = 0;            // the thread of the last stop taken from the host
  int stopsSinceSweep_ = 0;          // stops since the last sweep
  bool severalThreads_ = false;      // whether those came from more than one thread
  pid_t sweepCursor_ = 0;            // the thread the last sweep served
};

Tracer& theTracer();
