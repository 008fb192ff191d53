// build/Release/tsvisor: starts tsvisor's node the fast way, leaving what tsvisor's programs
// are given unchanged.
//
// 1. Without NODE_EXTRA_CA_CERTS in node's own environment. Node 20 reads and parses the file
//    it names before any JavaScript runs: ~45 ms of every start on a host whose environment
//    sets it to the system bundle; tsvisor never uses TLS. The entry NODE_EXTRA_CA_CERTS=V is
//    renamed in place to TSVISOR_HELD_NODE_EXTRA_CA_CERTS=V and the mode argument says so
//    ("held"); src/cli/launched.ts renames it back in the environment the program gets. With
//    nothing to hold (no such variable, or one that cannot be renamed unambiguously) the mode
//    is "plain" and the environment is as given. A launcher has to be native: a shell would
//    reorder the environment and add PWD, and node cannot undo the cost once started.
// 2. From the start-up snapshot (dist/snapshot, src/cli/snapshot_entry.ts) when it was built by
//    this very node binary for this very package (dist/snapshot/node.id); otherwise from
//    bin/tsvisor-launched.js.

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

// V8's tier-up to its optimizing compiler 16x later than its default (67584): a run of a few
// thousand syscalls otherwise spends more CPU compiling handlers than it gets back, on the
// program's CPU when pinned. 4x (270336) took gcc -c 265 -> 218 ms of CPU and find over 20k
// files 376 -> 313; 16x against 4x (docs/performance.md, the pipe's fourth round): find -10 %,
// the pipe and the shell loop -3..-5 %, a 100k-call getppid loop +3..+7 % (its hot path is
// compiled later), python and start-up unchanged.
static const char V8_FLAGS[] = "--interrupt-budget=1048576";
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

// node on PATH, as execvp (and `#!/usr/bin/env node`) would find it, into out: 0 or -1.
static int find_node(char *out, size_t size) {
  const char *path = getenv("PATH");
  if (path == NULL || *path == '\0') path = "/usr/local/bin:/usr/bin:/bin";
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    int len = end == p ? snprintf(out, size, "node") : snprintf(out, size, "%.*s/node", (int)(end - p), p);
    struct stat st;
    if (len > 0 && (size_t)len < size && stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0) return 0;
    if (*end == '\0') return -1;
    p = end;
  }
}

// Whether dist/snapshot holds a snapshot built by this node binary, under V8_FLAGS, for the
// package at root.
static int snapshot_fits(const char *root, const char *node, const char *blob) {
  char id_path[PATH_MAX];
  if (snprintf(id_path, sizeof id_path, "%s/dist/snapshot/node.id", root) >= (int)sizeof id_path) return 0;
  if (access(blob, R_OK) != 0) return 0;
  FILE *f = fopen(id_path, "re");
  if (f == NULL) return 0;
  char built_root[PATH_MAX], flags[256];
  uintmax_t dev, ino, size, mtime_ns;
  int fields = fscanf(f, "%4095[^\n] %ju %ju %ju %ju %255[^\n]", built_root, &dev, &ino, &size, &mtime_ns, flags);
  fclose(f);
  if (fields != 6 || strcmp(built_root, root) != 0 || strcmp(flags, V8_FLAGS) != 0) return 0;
  struct stat st;
  if (stat(node, &st) != 0) return 0;
  uintmax_t ns = (uintmax_t)st.st_mtim.tv_sec * 1000000000u + (uintmax_t)st.st_mtim.tv_nsec;
  return dev == (uintmax_t)st.st_dev && ino == (uintmax_t)st.st_ino && size == (uintmax_t)st.st_size && mtime_ns == ns;
}

int main(int argc, char **argv) {
  // This executable is ROOT/build/Release/tsvisor.
  char root[PATH_MAX];
  if (realpath("/proc/self/exe", root) == NULL) {
    perror("tsvisor: /proc/self/exe");
    return 125;
  }
  for (int up = 0; up < 3; up++) {
    char *slash = strrchr(root, '/');
    if (slash == NULL || slash == root) {
      fputs("tsvisor: the launcher is not in build/Release of its package\n", stderr);
      return 125;
    }
    *slash = '\0';
  }

  char node[PATH_MAX];
  if (find_node(node, sizeof node) != 0) {
    fputs("tsvisor: node not found on PATH\n", stderr);
    return 127;
  }

  long held = entry_to_hold();
  if (held >= 0) {
    const char *value = environ[held] + strlen(HELD_NAME);
    size_t size = strlen(HELD_AS) + strlen(value) + 1;
    char *renamed = malloc(size);
    if (renamed == NULL) return 125;
    snprintf(renamed, size, "%s%s", HELD_AS, value);
    environ[held] = renamed;
  }

  char blob[PATH_MAX], script[PATH_MAX];
  if (snprintf(blob, sizeof blob, "%s/dist/snapshot/tsvisor.blob", root) >= (int)sizeof blob ||
      snprintf(script, sizeof script, "%s/bin/tsvisor-launched.js", root) >= (int)sizeof script) {
    fputs("tsvisor: path of the package too long\n", stderr);
    return 125;
  }
  // node V8_FLAGS [--snapshot-blob BLOB | SCRIPT] MODE ARGS...: with a snapshot, MODE is the first
  // argument that is not an option, so node leaves the ones after it alone.
  char **args = calloc((size_t)argc + 5, sizeof *args);
  if (args == NULL) return 125;
  int n = 0;
  args[n++] = node;
  args[n++] = (char *)V8_FLAGS;
  if (snapshot_fits(root, node, blob)) {
    args[n++] = "--snapshot-blob";
    args[n++] = blob;
  } else {
    args[n++] = script;
  }
  args[n++] = held >= 0 ? "held" : "plain";
  for (int i = 1; i < argc; i++) args[n++] = argv[i];
  execv(node, args);
  fprintf(stderr, "tsvisor: cannot run %s: %s\n", node, strerror(errno));
  return 127;
}
