/* A syscall tsvisor does not implement (kexec_load): ENOSYS. */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

int main(void) {
  if (syscall(246, 0L, 1000L, 0L, 0L) < 0) {
    perror("kexec_load");
    return 1;
  }
  return 0;
}
