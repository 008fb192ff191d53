// build: -pthread
/* Task names (comm) are per thread: PR_SET_NAME renames the calling thread only, a new
 * thread starts with its creator's name, /proc/self/comm is the leader's and
 * /proc/self/task/TID/comm each thread's own. pthread_setname_np of another thread writes
 * its task comm file: the first 15 bytes, a newline kept; another process's comm is EINVAL.
 * A thread's task/TID/stat and status give its tid (stat's first field, Pid), Tgid the pid. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t worker_tid;
static char grandchild_name[16];
static pthread_barrier_t barrier;

static void show(const char *label, const char *path) {
  char buf[64] = {0};
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd >= 0) close(fd);
  if (n < 0) printf("%s: %s\n", label, strerror(errno));
  else printf("%s: \"%.*s\"\n", label, (int)(n > 0 && buf[n - 1] == '\n' ? n - 1 : n), buf);
}

static void *grandchild(void *arg) {
  prctl(PR_GET_NAME, grandchild_name);
  return arg;
}

static void *worker(void *arg) {
  worker_tid = (pid_t)syscall(SYS_gettid);
  prctl(PR_SET_NAME, "worker");
  /* A thread made by the worker starts as "worker". */
  pthread_t t;
  pthread_create(&t, NULL, grandchild, NULL);
  pthread_join(t, NULL);
  pthread_barrier_wait(&barrier);
  pthread_barrier_wait(&barrier);
  return arg;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  prctl(PR_SET_NAME, "leader");
  pthread_barrier_init(&barrier, NULL, 2);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_barrier_wait(&barrier);
  char path[128], name[16];
  show("process comm", "/proc/self/comm");
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", worker_tid);
  show("worker's task comm", path);
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", getpid());
  show("leader's task comm", path);
  prctl(PR_GET_NAME, name);
  printf("PR_GET_NAME in the leader: %s\n", name);
  pthread_getname_np(t, name, sizeof name);
  printf("pthread_getname_np(worker): %s\n", name);
  printf("pthread_setname_np(worker): %d\n", pthread_setname_np(t, "renamed-worker"));
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", worker_tid);
  show("worker after", path);
  show("process comm after", "/proc/self/comm");
  /* The thread's stat and status name the thread (what ps -L lists as LWP). */
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", worker_tid);
  FILE *f = fopen(path, "r");
  int first = 0;
  if (f && fscanf(f, "%d", &first) == 1) printf("worker's stat begins with its tid: %d\n", first == worker_tid);
  if (f) fclose(f);
  snprintf(path, sizeof path, "/proc/self/task/%d/status", worker_tid);
  f = fopen(path, "r");
  char line[256];
  while (f && fgets(line, sizeof line, f)) {
    int v;
    if (sscanf(line, "Pid: %d", &v) == 1) printf("status Pid is the tid: %d\n", v == worker_tid);
    if (sscanf(line, "Tgid: %d", &v) == 1) printf("status Tgid is the pid: %d\n", v == getpid());
  }
  if (f) fclose(f);

  /* Writing comm directly: a newline is kept, 15 bytes at most. */
  int fd = open("/proc/self/comm", O_WRONLY);
  printf("write \"line\\n\": %zd\n", write(fd, "line\n", 5));
  close(fd);
  show("comm with a newline", "/proc/self/comm");
  fd = open("/proc/self/comm", O_WRONLY);
  printf("write 20 bytes: %zd\n", write(fd, "abcdefghijklmnopqrst", 20));
  close(fd);
  show("comm cut to 15", "/proc/self/comm");

  int ready[2];
  if (pipe(ready) < 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    /* Named as the thread that forked (the leader). */
    show("child's comm", "/proc/self/comm");
    if (write(ready[1], "x", 1) != 1) _exit(1);
    pause();
    _exit(0);
  }
  char c;
  if (read(ready[0], &c, 1) != 1) return 1;
  snprintf(path, sizeof path, "/proc/%d/comm", child);
  fd = open(path, O_WRONLY);
  ssize_t w = write(fd, "other", 5);
  printf("write another process's comm: %s\n", w < 0 ? strerror(errno) : "written");
  close(fd);
  kill(child, 9);
  waitpid(child, NULL, 0);
  pthread_barrier_wait(&barrier);
  pthread_join(t, NULL);
  printf("a thread the worker made started as: %s\n", grandchild_name);
  return 0;
}
