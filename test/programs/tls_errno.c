/* Thread-local storage set up from PT_TLS (.tdata, .tbss, alignment) and errno in it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__thread int counter = 5;
__thread char greeting[16] = "tls-init";
__thread long zeroed[4];
__thread _Alignas(64) char aligned[64];

int main(void) {
  printf("counter %d\n", counter);
  counter += 10;
  printf("counter after += 10: %d\n", counter);
  printf("greeting \"%s\"\n", greeting);
  printf("zeroed sum %ld\n", zeroed[0] + zeroed[1] + zeroed[2] + zeroed[3]);
  printf("64-byte aligned: %s\n", (uintptr_t)aligned % 64 == 0 ? "yes" : "no");
  errno = 0;
  close(-1);
  printf("errno after close(-1): %s\n", strerrorname_np(errno));
  open("/nonexistent-tsvisor-test", O_RDONLY);
  printf("errno after open(missing): %s\n", strerrorname_np(errno));
  errno = 0;
  printf("errno cleared: %d\n", errno);
  return 0;
}
