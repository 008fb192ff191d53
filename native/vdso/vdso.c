// The sandbox's vDSO: clock_gettime, gettimeofday and time without a trap.
//
// The sandbox's clocks are the host's CLOCK_MONOTONIC plus an offset (src/kernel/syscalls/
// time.ts): CLOCK_MONOTONIC and CLOCK_BOOTTIME add the shift a restore gives, the realtime
// clocks the offset fixed when the sandbox first read them. This code reads the host's
// monotonic clock through the host's own vDSO, which tsvisor keeps mapped out of the
// program's way, and adds the offset from the data page tsvisor maps just below this image
// (shared by every process of the sandbox, read-only to them, rewritten by tsvisor at a
// restore). Any other clock, and every call while the data page says so (a recorded run,
// whose clock reads must reach the trace; a host without a usable vDSO), is the real
// syscall, which the kernel traps and answers as before.
//
// Built as a freestanding shared object without relocations (vdso.lds): ld.so takes it as
// it is from the address in AT_SYSINFO_EHDR.
#include <stdint.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11

#define SYS_gettimeofday 96
#define SYS_time 201
#define SYS_clock_gettime 228

#define NS_PER_SECOND 1000000000LL

struct timespec64 {
  int64_t tv_sec;
  int64_t tv_nsec;
};

struct timeval64 {
  int64_t tv_sec;
  int64_t tv_usec;
};

// The data page's layout; src/kernel/loader/vdso.ts writes it.
struct vdso_data {
  // 1: read the clocks here; anything else: make the syscall.
  uint64_t fast;
  // The host vDSO's clock_gettime in this address space.
  uint64_t host_clock_gettime;
  int64_t realtime_offset_ns;
  int64_t monotonic_shift_ns;
};

// The image's first byte (the ELF header): the data page is the page before it.
extern const char __ehdr_start[] __attribute__((visibility("hidden")));

static const volatile struct vdso_data *data(void) {
  // Through a register: the page lies outside any object the compiler knows of.
  uintptr_t base;
  __asm__("" : "=r"(base) : "0"(__ehdr_start));
  return (const volatile struct vdso_data *)(base - 4096);
}

static long syscall2(long nr, long a, long b) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
  return ret;
}

// The sandbox's nanoseconds on the clock, or -1 when this code does not read that clock.
static int64_t sandbox_ns(int clock) {
  const volatile struct vdso_data *d = data();
  if (d->fast != 1) return -1;
  int64_t offset;
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
      offset = d->realtime_offset_ns;
      break;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      offset = d->monotonic_shift_ns;
      break;
    default:
      return -1;
  }
  int (*host_clock_gettime)(int, struct timespec64 *) = (int (*)(int, struct timespec64 *))d->host_clock_gettime;
  struct timespec64 host;
  if (host_clock_gettime(CLOCK_MONOTONIC, &host) != 0) return -1;
  return host.tv_sec * NS_PER_SECOND + host.tv_nsec + offset;
}

int __vdso_clock_gettime(int clock, struct timespec64 *ts) {
  int64_t ns = sandbox_ns(clock);
  if (ns < 0) return (int)syscall2(SYS_clock_gettime, clock, (long)ts);
  ts->tv_sec = ns / NS_PER_SECOND;
  ts->tv_nsec = ns % NS_PER_SECOND;
  return 0;
}

int __vdso_gettimeofday(struct timeval64 *tv, void *tz) {
  int64_t ns = sandbox_ns(CLOCK_REALTIME);
  if (ns < 0 || tz != 0) return (int)syscall2(SYS_gettimeofday, (long)tv, (long)tz);
  if (tv) {
    tv->tv_sec = ns / NS_PER_SECOND;
    tv->tv_usec = ns % NS_PER_SECOND / 1000;
  }
  return 0;
}

long __vdso_time(int64_t *t) {
  int64_t ns = sandbox_ns(CLOCK_REALTIME);
  if (ns < 0) return syscall2(SYS_time, (long)t, 0);
  int64_t seconds = ns / NS_PER_SECOND;
  if (t) *t = seconds;
  return seconds;
}

int clock_gettime(int, struct timespec64 *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval64 *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(int64_t *) __attribute__((weak, alias("__vdso_time")));
