/* Linux native AIO through the raw syscalls (as libaio makes them): io_setup's ring (header,
 * its line in /proc/self/maps), PWRITE/PREAD/PWRITEV/PREADV/FSYNC on a file with their events
 * (data, obj, res), the errors of each call, an eventfd signalled per completion, events reaped
 * from the ring by the program itself, how many requests may be unreaped, a pipe read that waits
 * in io_submit, io_cancel, io_destroy, and a fork's child without the context (its ring still mapped).
 * argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ring {
  unsigned id, nr, head, tail, magic, compat_features, incompat_features, header_length;
  struct io_event events[];
};

static long io_setup(unsigned nr, aio_context_t *ctx) { return syscall(SYS_io_setup, nr, ctx); }
static long io_destroy(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static long io_submit(aio_context_t ctx, long nr, struct iocb **list) { return syscall(SYS_io_submit, ctx, nr, list); }
static long io_getevents(aio_context_t ctx, long min, long nr, struct io_event *ev, struct timespec *t) {
  return syscall(SYS_io_getevents, ctx, min, nr, ev, t);
}
static long io_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *ev) { return syscall(SYS_io_cancel, ctx, iocb, ev); }

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static struct iocb make(int op, int fd, void *buf, size_t n, long long off, unsigned long long data) {
  struct iocb cb;
  memset(&cb, 0, sizeof cb);
  cb.aio_lio_opcode = op;
  cb.aio_fildes = fd;
  cb.aio_buf = (unsigned long)buf;
  cb.aio_nbytes = n;
  cb.aio_offset = off;
  cb.aio_data = data;
  return cb;
}

/** Submits one iocb and prints io_submit's result, then the event io_getevents gives. */
static void one(aio_context_t ctx, const char *what, struct iocb *cb) {
  struct iocb *list[1] = {cb};
  char label[96];
  snprintf(label, sizeof label, "%s submit", what);
  long r = io_submit(ctx, 1, list);
  result(label, r);
  if (r != 1) return;
  struct io_event ev;
  struct timespec t = {5, 0};
  long n = io_getevents(ctx, 1, 1, &ev, &t);
  printf("%s: got %ld, data %llx, obj is the iocb %s, res %lld, res2 %lld\n", what, n, (unsigned long long)ev.data,
         ev.obj == (unsigned long)cb ? "yes" : "no", (long long)ev.res, (long long)ev.res2);
}

static void maps_line(const char *when) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    char *name = strstr(line, "/[aio]");
    if (!name) continue;
    char perms[8];
    sscanf(line, "%*s %7s", perms);
    printf("%s: maps has %s %s", when, perms, name);
    found = 1;
  }
  fclose(f);
  if (!found) printf("%s: maps has no aio ring\n", when);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: aio_ring DIR\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  /* One CPU: Linux hands requests out per CPU, and the count of unreaped ones depends on it. */
  cpu_set_t one_cpu;
  CPU_ZERO(&one_cpu);
  CPU_SET(0, &one_cpu);
  sched_setaffinity(0, sizeof one_cpu, &one_cpu);

  aio_context_t ctx = 0;
  result("io_setup(0)", io_setup(0, &ctx));
  ctx = 1;
  result("io_setup with a nonzero id", io_setup(8, &ctx));
  result("io_setup to a bad pointer", io_setup(8, (aio_context_t *)8));
  ctx = 0;
  result("io_setup(0x80000000)", io_setup(0x80000000u, &ctx));
  result("io_setup(0x7fffffff)", io_setup(0x7fffffffu, &ctx));
  result("io_setup(70000)", io_setup(70000, &ctx));
  result("io_setup(1)", io_setup(1, &ctx));
  struct ring *ring = (struct ring *)ctx;
  printf("ring: id %u, magic %x, compat %u, incompat %u, header %u, head %u, tail %u, nr %s\n", ring->id, ring->magic,
         ring->compat_features, ring->incompat_features, ring->header_length, ring->head, ring->tail,
         ring->nr >= 16 ? ">= 16" : "small");
  aio_context_t ctx2 = 0;
  result("a second io_setup(4)", io_setup(4, &ctx2));
  printf("second ring: id %u\n", ((struct ring *)ctx2)->id);
  maps_line("after io_setup");

  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char out[4096], in[4096];
  for (int i = 0; i < 4096; i++) out[i] = 'a' + i % 26;
  struct iocb w = make(IOCB_CMD_PWRITE, fd, out, 4096, 0, 0x1234);
  w.aio_key = 77;
  one(ctx, "pwrite 4096 at 0", &w);
  printf("aio_key after submit: %u\n", w.aio_key);
  struct iocb r = make(IOCB_CMD_PREAD, fd, in, 100, 10, 0x5678);
  one(ctx, "pread 100 at 10", &r);
  printf("bytes read: %.10s...\n", in);
  struct iocb eof = make(IOCB_CMD_PREAD, fd, in, 100, 5000, 1);
  one(ctx, "pread past the end", &eof);
  char a[3], b[5];
  struct iovec iov[2] = {{a, 3}, {b, 5}};
  struct iocb rv = make(IOCB_CMD_PREADV, fd, iov, 2, 26, 2);
  one(ctx, "preadv 3+5 at 26", &rv);
  printf("iovecs: %.3s %.5s\n", a, b);
  char x[2] = {'X', 'Y'}, z[1] = {'Z'};
  struct iovec wiov[2] = {{x, 2}, {z, 1}};
  struct iocb wv = make(IOCB_CMD_PWRITEV, fd, wiov, 2, 4096, 3);
  one(ctx, "pwritev 2+1 at 4096", &wv);
  printf("file size now %ld\n", (long)lseek(fd, 0, SEEK_END));
  struct iocb fs = make(IOCB_CMD_FSYNC, fd, NULL, 0, 0, 4);
  one(ctx, "fsync", &fs);
  struct iocb fds = make(IOCB_CMD_FDSYNC, fd, NULL, 0, 0, 5);
  one(ctx, "fdatasync", &fds);

  /* What io_submit itself refuses. */
  struct iocb bad = make(IOCB_CMD_FSYNC, fd, NULL, 1, 0, 6);
  one(ctx, "fsync with a length", &bad);
  bad = make(IOCB_CMD_PREAD, 999, in, 10, 0, 7);
  one(ctx, "pread of a closed fd", &bad);
  int ro = open("f", O_RDONLY);
  bad = make(IOCB_CMD_PWRITE, ro, out, 10, 0, 8);
  one(ctx, "pwrite to a read-only fd", &bad);
  bad = make(99, fd, in, 10, 0, 9);
  one(ctx, "opcode 99", &bad);
  bad = make(IOCB_CMD_PREAD, fd, in, 10, 0, 10);
  bad.aio_reserved2 = 1;
  one(ctx, "reserved2 set", &bad);
  bad = make(IOCB_CMD_PREAD, fd, in, 10, 0, 11);
  bad.aio_rw_flags = 0x10000;
  one(ctx, "unknown rw_flags", &bad);
  bad = make(IOCB_CMD_PREAD, fd, in, 10, -1, 12);
  one(ctx, "negative offset", &bad);
  bad = make(IOCB_CMD_PREAD, fd, (void *)8, 10, 0, 13);
  one(ctx, "pread into a bad buffer", &bad);
  bad = make(IOCB_CMD_PREAD, fd, in, (size_t)-1, 0, 14);
  one(ctx, "negative length", &bad);
  bad = make(IOCB_CMD_PREADV, fd, (void *)8, 2, 0, 15);
  one(ctx, "preadv of a bad iovec array", &bad);
  int dir = open(".", O_RDONLY | O_DIRECTORY);
  bad = make(IOCB_CMD_PREAD, dir, in, 10, 0, 16);
  one(ctx, "pread of a directory", &bad);
  bad = make(IOCB_CMD_PREAD, fd, in, 10, 0, 17);
  bad.aio_flags = IOCB_FLAG_RESFD;
  bad.aio_resfd = fd;
  one(ctx, "resfd not an eventfd", &bad);
  struct iocb *badlist[1] = {(struct iocb *)8};
  result("io_submit of a bad iocb pointer", io_submit(ctx, 1, badlist));
  result("io_submit of a bad list", io_submit(ctx, 1, (struct iocb **)8));
  result("io_submit nr -1", io_submit(ctx, -1, badlist));
  result("io_submit nr 0", io_submit(ctx, 0, badlist));
  result("io_submit to a bad context", io_submit(12345, 1, badlist));
  struct iocb good = make(IOCB_CMD_PREAD, fd, in, 10, 0, 18);
  bad = make(IOCB_CMD_PREAD, 999, in, 10, 0, 19);
  struct iocb *mixed[2] = {&good, &bad};
  result("io_submit good then bad", io_submit(ctx, 2, mixed));

  /* io_getevents' own errors; then the good one's event. */
  struct io_event evs[8];
  struct timespec zero = {0, 0};
  result("io_getevents min > nr", io_getevents(ctx, 2, 1, evs, &zero));
  result("io_getevents min < 0", io_getevents(ctx, -1, 1, evs, &zero));
  result("io_getevents bad timeout", io_getevents(ctx, 1, 1, evs, (struct timespec *)8));
  result("io_getevents bad context", io_getevents(12345, 1, 1, evs, &zero));
  result("io_getevents into a bad array", io_getevents(ctx, 1, 1, (struct io_event *)8, &zero));
  result("io_getevents", io_getevents(ctx, 1, 8, evs, &zero));
  printf("event data %llx res %lld\n", (unsigned long long)evs[0].data, (long long)evs[0].res);
  result("io_getevents with none, no wait", io_getevents(ctx, 1, 8, evs, &zero));
  struct timespec short_wait = {0, 30 * 1000 * 1000};
  result("io_getevents with none, 30 ms", io_getevents(ctx, 1, 8, evs, &short_wait));

  /* An eventfd counts completions. */
  int efd = eventfd(0, 0);
  struct iocb e1 = make(IOCB_CMD_PREAD, fd, in, 10, 0, 20), e2 = make(IOCB_CMD_PREAD, fd, in, 10, 10, 21);
  e1.aio_flags = e2.aio_flags = IOCB_FLAG_RESFD;
  e1.aio_resfd = e2.aio_resfd = efd;
  struct iocb *two[2] = {&e1, &e2};
  result("io_submit two with an eventfd", io_submit(ctx, 2, two));
  unsigned long long count = 0;
  read(efd, &count, 8);
  printf("eventfd counter: %llu\n", count);

  /* The program reaps from the ring itself, then io_getevents finds nothing. */
  printf("ring head %u tail %u\n", ring->head, ring->tail);
  unsigned taken = 0;
  while (ring->head != ring->tail) {
    struct io_event *ev = &ring->events[ring->head];
    printf("reaped from the ring: data %llx res %lld\n", (unsigned long long)ev->data, (long long)ev->res);
    ring->head = (ring->head + 1) % ring->nr;
    taken++;
  }
  result("io_getevents after reaping", io_getevents(ctx, 0, 8, evs, &zero));

  /* How many requests may be unreaped at once; reaping gives them back. */
  aio_context_t small = 0;
  io_setup(1, &small);
  long submitted = 0;
  for (;;) {
    struct iocb cb = make(IOCB_CMD_PREAD, fd, in, 1, 0, 0);
    struct iocb *l[1] = {&cb};
    long s = io_submit(small, 1, l);
    if (s != 1) {
      printf("io_submit after %ld: -1 %s\n", submitted, strerror(errno));
      break;
    }
    submitted++;
  }
  struct io_event many[512];
  result("reaped", io_getevents(small, 0, 512, many, &zero));
  struct iocb again = make(IOCB_CMD_PREAD, fd, in, 1, 0, 0);
  struct iocb *al[1] = {&again};
  result("io_submit after reaping", io_submit(small, 1, al));
  result("io_destroy of it", io_destroy(small));

  /* A read of an empty pipe waits in io_submit until a child writes. */
  int p[2];
  pipe(p);
  pid_t child = fork();
  if (child == 0) {
    usleep(100 * 1000);
    write(p[1], "late", 4);
    _exit(0);
  }
  struct iocb pr = make(IOCB_CMD_PREAD, p[0], in, 64, 0, 22);
  one(ctx, "pread of an empty pipe", &pr);
  printf("pipe bytes: %.4s\n", in);
  waitpid(child, NULL, 0);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  pr = make(IOCB_CMD_PREAD, p[0], in, 64, 0, 23);
  one(ctx, "pread of an empty non-blocking pipe", &pr);

  /* io_cancel finds nothing in flight. */
  struct io_event cev;
  result("io_cancel of a completed request", io_cancel(ctx, &r, &cev));
  r.aio_key = 5;
  result("io_cancel with a wrong key", io_cancel(ctx, &r, &cev));
  result("io_cancel of a bad iocb pointer", io_cancel(ctx, (struct iocb *)8, &cev));

  /* A fork's child has no context; the ring stays mapped in it (Linux does not mark it VM_DONTCOPY). */
  child = fork();
  if (child == 0) {
    struct iocb cb = make(IOCB_CMD_PREAD, fd, in, 1, 0, 0);
    struct iocb *l[1] = {&cb};
    result("child: io_submit to the parent's context", io_submit(ctx, 1, l));
    maps_line("child");
    _exit(0);
  }
  waitpid(child, NULL, 0);

  result("io_destroy", io_destroy(ctx));
  result("io_destroy again", io_destroy(ctx));
  result("io_destroy of the second", io_destroy(ctx2));
  maps_line("after io_destroy");
  unlink("f");
  return 0;
}
