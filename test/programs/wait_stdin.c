/* Says "ready", then blocks in read(0) until stdin has data or is closed: the tests inspect
 * the sandbox from the host while it waits. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("ready\n");
  fflush(stdout);
  char buf[64];
  ssize_t n = read(0, buf, sizeof buf);
  printf("read %zd\n", n);
  return 0;
}
