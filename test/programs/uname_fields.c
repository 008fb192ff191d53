/* uname: the fields a program may rely on, and EFAULT for a bad buffer. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static struct utsname *volatile bad = (struct utsname *)1;

int main(void) {
  struct utsname u;
  if (uname(&u) != 0) return printf("uname: %s\n", strerrorname_np(errno)), 1;
  printf("sysname %s\n", u.sysname);
  printf("machine %s\n", u.machine);
  printf("release starts with a digit: %s\n", isdigit((unsigned char)u.release[0]) ? "yes" : "no");
  printf("nodename non-empty: %s\n", u.nodename[0] ? "yes" : "no");
  printf("version non-empty: %s\n", u.version[0] ? "yes" : "no");
  int r = uname(bad);
  printf("uname(bad pointer): %d %s\n", r, r ? strerrorname_np(errno) : "");
  return 0;
}
