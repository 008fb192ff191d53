/* argv and envp as the loader builds them on the initial stack. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv, char **envp) {
  printf("argc %d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d] \"%s\"\n", i, argv[i]);
  printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
  /* The System V ABI stack: envp starts right after argv's terminating NULL. */
  printf("envp follows argv: %s\n", envp == argv + argc + 1 ? "yes" : "no");
  const char *v = getenv("TSVISOR_TEST_VAR");
  printf("TSVISOR_TEST_VAR %s%s%s\n", v ? "\"" : "", v ? v : "(unset)", v ? "\"" : "");
  return 0;
}
