/* The auxiliary vector the loader builds: entries checked against what they describe. */
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char _start[];
static const char *yes(int c) { return c ? "yes" : "no"; }

static int first_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  *(struct dl_phdr_info *)data = *info;
  return 1; /* the first object is the main program */
}

int main(int argc, char **argv) {
  (void)argc;
  struct dl_phdr_info main_prog;
  dl_iterate_phdr(first_object, &main_prog);
  printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
  printf("AT_PHENT %lu\n", getauxval(AT_PHENT));
  printf("AT_PHDR and AT_PHNUM describe the program: %s\n",
         yes((const void *)getauxval(AT_PHDR) == (const void *)main_prog.dlpi_phdr && getauxval(AT_PHNUM) == main_prog.dlpi_phnum));
  printf("AT_ENTRY is _start: %s\n", yes(getauxval(AT_ENTRY) == (unsigned long)_start));
  printf("AT_BASE set (dynamic program): %s\n", yes(getauxval(AT_BASE) != 0));
  printf("AT_FLAGS %lu\n", getauxval(AT_FLAGS));
  printf("AT_UID/EUID/GID/EGID match the ids: %s\n",
         yes(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
             getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid()));
  printf("AT_SECURE %lu\n", getauxval(AT_SECURE));
  printf("AT_RANDOM set: %s\n", yes(getauxval(AT_RANDOM) != 0));
  const char *platform = (const char *)getauxval(AT_PLATFORM);
  printf("AT_PLATFORM %s\n", platform ? platform : "(none)");
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN is argv[0]: %s\n", yes(execfn && strcmp(execfn, argv[0]) == 0));
  printf("AT_CLKTCK %lu\n", getauxval(AT_CLKTCK));
  printf("AT_HWCAP set: %s\n", yes(getauxval(AT_HWCAP) != 0));
  return 0;
}
