/* The vDSO, as libc and programs find and use it: AT_SYSINFO_EHDR points at an ELF image that
 * /proc/self/maps names [vdso], with [vvar] right below it; its dynamic symbols include
 * __vdso_clock_gettime, __vdso_gettimeofday and __vdso_time (version LINUX_2.6), and each
 * clock they read agrees with the syscall's (read between two vDSO reads, in order, within a
 * short time); an unknown clock is EINVAL; a bad pointer kills the caller with SIGSEGV (the
 * vDSO writes it in the caller's own code); a forked child and an exec'd program have it too. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

/* A dynamic symbol of the image at base, through its dynamic section (DT_HASH gives the count). */
static void *vdso_symbol(uintptr_t base, const char *name) {
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
  const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
  uintptr_t load = 0;
  const Elf64_Dyn *dyn = NULL;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD && load == 0) load = base + ph[i].p_offset - ph[i].p_vaddr;
    if (ph[i].p_type == PT_DYNAMIC) dyn = (const Elf64_Dyn *)(base + ph[i].p_offset);
  }
  if (!dyn) return NULL;
  const Elf64_Sym *syms = NULL;
  const char *strs = NULL;
  const Elf32_Word *hash = NULL;
  for (; dyn->d_tag != DT_NULL; dyn++) {
    if (dyn->d_tag == DT_SYMTAB) syms = (const Elf64_Sym *)(load + dyn->d_un.d_ptr);
    if (dyn->d_tag == DT_STRTAB) strs = (const char *)(load + dyn->d_un.d_ptr);
    if (dyn->d_tag == DT_HASH) hash = (const Elf32_Word *)(load + dyn->d_un.d_ptr);
  }
  if (!syms || !strs || !hash) return NULL;
  for (Elf32_Word i = 0; i < hash[1]; i++) {
    if (syms[i].st_shndx != SHN_UNDEF && strcmp(strs + syms[i].st_name, name) == 0) return (void *)(load + syms[i].st_value);
  }
  return NULL;
}

static int maps_line(uintptr_t addr, const char *name, uintptr_t *start, uintptr_t *end) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  int found = 0;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long s, e;
    if (sscanf(line, "%lx-%lx", &s, &e) != 2 || !strstr(line, name)) continue;
    if (addr == 0 || s == addr) {
      *start = s;
      *end = e;
      found = 1;
    }
  }
  if (f) fclose(f);
  return found;
}

static void check_clocks(const char *who) {
  uintptr_t base = getauxval(AT_SYSINFO_EHDR);
  printf("%s: AT_SYSINFO_EHDR %s, ELF %s\n", who, base ? "set" : "absent", base && memcmp((void *)base, ELFMAG, SELFMAG) == 0 ? "yes" : "no");
  if (!base) return;
  uintptr_t vs = 0, ve = 0, rs = 0, re = 0;
  int vdso_found = maps_line(base, "[vdso]", &vs, &ve);
  int vvar_found = maps_line(0, "[vvar]", &rs, &re);
  printf("%s: [vdso] at it %d, [vvar] just below %d\n", who, vdso_found, vvar_found && re <= vs && re + 0x10000 > vs);
  clock_gettime_fn cg = (clock_gettime_fn)vdso_symbol(base, "__vdso_clock_gettime");
  gettimeofday_fn gtod = (gettimeofday_fn)vdso_symbol(base, "__vdso_gettimeofday");
  time_fn tm = (time_fn)vdso_symbol(base, "__vdso_time");
  printf("%s: symbols clock_gettime %d gettimeofday %d time %d\n", who, cg != NULL, gtod != NULL, tm != NULL);
  if (!cg || !gtod || !tm) return;
  static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
  for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    struct timespec a, b, c;
    int ra = cg(clocks[i], &a);
    long rb = syscall(SYS_clock_gettime, clocks[i], &b);
    int rc = cg(clocks[i], &c);
    long long d1 = ns(b) - ns(a), d2 = ns(c) - ns(b);
    printf("%s: clock %d: %d %ld %d, in order %d, within 1 s %d\n", who, (int)clocks[i], ra, rb, rc, d1 >= 0 && d2 >= 0, d1 < 1000000000LL && d2 < 1000000000LL);
  }
  struct timespec coarse, fine;
  cg(CLOCK_REALTIME_COARSE, &coarse);
  cg(CLOCK_REALTIME, &fine);
  printf("%s: coarse realtime within 1 s of fine %d\n", who, ns(fine) - ns(coarse) < 1000000000LL && ns(coarse) - ns(fine) < 1000000000LL);
  struct timeval tv;
  struct timespec now;
  /* time() reads the coarse clock, which may lag the fine one by a tick across a second boundary (Linux too). */
  time_t t0 = tm(NULL), t1;
  int rt = gtod(&tv, NULL);
  cg(CLOCK_REALTIME, &now);
  tm(&t1);
  printf("%s: gettimeofday %d, time agrees %d, usec in range %d, NULL tv %d\n", who, rt, t0 <= tv.tv_sec && tv.tv_sec <= now.tv_sec && now.tv_sec <= t1 + 1, tv.tv_usec >= 0 && tv.tv_usec < 1000000, gtod(NULL, NULL));
  struct timespec unused;
  errno = 0;
  int bad = cg(12345, &unused);
  printf("%s: unknown clock %d %s\n", who, bad, bad < 0 ? (bad == -EINVAL || errno == EINVAL ? "EINVAL" : "other") : "");
}

int main(int argc, char **argv) {
  if (argc > 1) {
    check_clocks("exec'd");
    return 0;
  }
  check_clocks("main");
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    check_clocks("child");
    fflush(stdout);
    /* The vDSO writes the result itself: a bad pointer is the caller's fault. */
    clock_gettime_fn cg = (clock_gettime_fn)vdso_symbol(getauxval(AT_SYSINFO_EHDR), "__vdso_clock_gettime");
    if (cg) cg(CLOCK_MONOTONIC, (struct timespec *)8);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child with a bad pointer: %s %d\n", WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
  fflush(stdout);
  execl("/proc/self/exe", argv[0], "again", (char *)NULL);
  perror("execl");
  return 1;
}
