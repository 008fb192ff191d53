// build/Release/tsvisor: starts tsvisor's node without NODE_EXTRA_CA_CERTS in node's own
// environment, and passes the variable on, unchanged and in its place, to what tsvisor runs.
//
// Node 20 reads and parses the file NODE_EXTRA_CA_CERTS names (with its own root store)
// before any JavaScript runs: ~45 ms of every start on a host whose environment sets it to
// the system bundle. tsvisor never uses TLS. A launcher has to be native: a shell would
// reorder the environment and add PWD, and node cannot undo the cost once started.
//
// The entry NODE_EXTRA_CA_CERTS=V is renamed in place to TSVISOR_HELD_NODE_EXTRA_CA_CERTS=V
// and node runs bin/tsvisor-held-env.js, which renames it back in the environment tsvisor
// gives its programs. Only that entry script undoes the rename, so a variable of that name
// set by the user is never mistaken for the launcher's. Nothing to hold (no such variable,
// or one that cannot be renamed unambiguously): node runs bin/tsvisor.js, environment as given.

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char HELD_NAME[] = "NODE_EXTRA_CA_CERTS=";
static const char HELD_AS[] = "TSVISOR_HELD_NODE_EXTRA_CA_CERTS=";

static int starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

// The index of the one entry to hold, or -1: none, more than one, or the held name already taken.
static long entry_to_hold(void) {
  long found = -1;
  for (long i = 0; environ[i] != NULL; i++) {
    if (starts_with(environ[i], HELD_AS)) return -1;
    if (starts_with(environ[i], HELD_NAME)) {
      if (found >= 0) return -1;
      found = i;
    }
  }
  return found;
}

int main(int argc, char **argv) {
  // This executable is build/Release/tsvisor; the entry scripts are in bin/ two levels up.
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    perror("tsvisor: /proc/self/exe");
    return 125;
  }
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (slash == NULL) return 125;
  *slash = '\0';

  long held = entry_to_hold();
  char script[PATH_MAX];
  int len = snprintf(script, sizeof script, "%s/../../bin/%s", self, held >= 0 ? "tsvisor-held-env.js" : "tsvisor.js");
  if (len < 0 || (size_t)len >= sizeof script) {
    fputs("tsvisor: path of the launcher too long\n", stderr);
    return 125;
  }
  if (held >= 0) {
    const char *value = environ[held] + strlen(HELD_NAME);
    size_t size = strlen(HELD_AS) + strlen(value) + 1;
    char *renamed = malloc(size);
    if (renamed == NULL) return 125;
    snprintf(renamed, size, "%s%s", HELD_AS, value);
    environ[held] = renamed;
  }

  char **args = calloc((size_t)argc + 2, sizeof *args);
  if (args == NULL) return 125;
  args[0] = "node";
  args[1] = script;
  for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
  // Found on PATH, as `#!/usr/bin/env node` in bin/tsvisor.js would find it.
  execvp("node", args);
  fprintf(stderr, "tsvisor: cannot run node: %s\n", strerror(errno));
  return 127;
}
