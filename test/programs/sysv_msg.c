/* System V message queues: msgget's errors, msgsnd's (mtype, size, bad pointers), msgrcv by
 * type (any, exact, MSG_EXCEPT, the lowest up to |msgtyp|), E2BIG and MSG_NOERROR, ENOMSG
 * with IPC_NOWAIT, MSG_COPY, IPC_STAT's counts, a full queue (EAGAIN, then a blocked sender
 * that goes on once a message is taken), a blocked receiver woken by its type, EINTR with
 * SA_RESTART, IPC_SET's msg_qbytes, IPC_RMID. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct message {
  long mtype;
  char mtext[8200];
};

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static int send(int id, long type, const char *text, int flags) {
  struct message m = {.mtype = type};
  strcpy(m.mtext, text);
  return msgsnd(id, &m, strlen(text), flags);
}

static void receive(const char *what, int id, size_t size, long type, int flags) {
  struct message m;
  memset(&m, 0, sizeof m);
  ssize_t n = msgrcv(id, &m, size, type, flags);
  if (n < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd type %ld \"%.*s\"\n", what, n, m.mtype, (int)n, m.mtext);
}

static void on_signal(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  key_t key = 0x5e200000 | (getpid() & 0xffff);
  result("missing key", msgget(key, 0600));
  int id = msgget(key, IPC_CREAT | 0600);
  printf("created: %s\n", id >= 0 ? "yes" : strerrorname_np(errno));
  result("IPC_CREAT|IPC_EXCL again", msgget(key, IPC_CREAT | IPC_EXCL | 0600));

  struct message m = {.mtype = 0};
  result("mtype 0", msgsnd(id, &m, 1, 0));
  m.mtype = 1;
  result("8193 bytes", msgsnd(id, &m, 8193, 0));
  result("size -1", msgsnd(id, &m, (size_t)-1, 0));
  result("a bad pointer", msgsnd(id, (void *)8, 1, 0));
  char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(page + 4096, 4096);
  *(long *)(page + 4096 - 8) = 1;
  result("text past the mapping", msgsnd(id, page + 4096 - 8, 100, 0));
  result("8192 bytes", msgsnd(id, &m, 8192, 0));
  receive("take it", id, 8192, 0, 0);

  send(id, 3, "three", 0);
  send(id, 1, "one-a", 0);
  send(id, 2, "two", 0);
  send(id, 1, "one-b", 0);
  send(id, 5, "five", 0);
  struct msqid_ds ds;
  msgctl(id, IPC_STAT, &ds);
  printf("qnum %lu cbytes %lu qbytes %lu lspid-is-me %d lrpid-is-me %d\n", ds.msg_qnum, ds.__msg_cbytes, ds.msg_qbytes,
         ds.msg_lspid == getpid(), ds.msg_lrpid == getpid());
  receive("MSG_COPY without IPC_NOWAIT", id, 100, 0, MSG_COPY);
  receive("MSG_COPY of message 2", id, 100, 2, MSG_COPY | IPC_NOWAIT);
  receive("MSG_COPY of message 9", id, 100, 9, MSG_COPY | IPC_NOWAIT);
  receive("type 1", id, 100, 1, 0);
  receive("lowest up to 4", id, 100, -4, 0);
  receive("not type 3", id, 100, 3, MSG_EXCEPT);
  receive("too small", id, 2, 0, 0);
  receive("too small, MSG_NOERROR", id, 2, 0, MSG_NOERROR);
  receive("type 3 again, IPC_NOWAIT", id, 100, 3, IPC_NOWAIT);
  receive("any", id, 100, 0, IPC_NOWAIT);
  receive("empty, IPC_NOWAIT", id, 100, 0, IPC_NOWAIT);
  receive("size -1", id, (size_t)-1, 0, IPC_NOWAIT);
  send(id, 4, "four", 0);
  result("receive to a bad pointer", msgrcv(id, (void *)8, 100, 0, 0));
  msgctl(id, IPC_STAT, &ds);
  printf("the message went anyway: qnum %lu\n", ds.msg_qnum);

  /* A full queue. */
  ds.msg_qbytes = 100;
  result("IPC_SET qbytes 100", msgctl(id, IPC_SET, &ds));
  char sixty[61];
  memset(sixty, 'x', 60);
  sixty[60] = 0;
  result("60 bytes", send(id, 1, sixty, 0));
  result("60 more, IPC_NOWAIT", send(id, 1, sixty, IPC_NOWAIT));
  pid_t child = fork();
  if (child == 0) _exit(send(id, 2, sixty, 0) == 0 ? 0 : errno);
  struct timespec pause = {0, 200000000};
  nanosleep(&pause, NULL);
  receive("make room", id, 100, 1, 0);
  int status;
  waitpid(child, &status, 0);
  printf("blocked sender: %d\n", WEXITSTATUS(status));
  receive("its message", id, 100, 0, 0);

  /* A receiver waiting for its type. */
  child = fork();
  if (child == 0) {
    struct message got;
    ssize_t n = msgrcv(id, &got, 100, 7, 0);
    _exit(n == 5 && got.mtype == 7 ? 0 : 1);
  }
  nanosleep(&pause, NULL);
  send(id, 6, "other", 0);
  send(id, 7, "seven", 0);
  waitpid(child, &status, 0);
  printf("receiver of type 7: %d\n", WEXITSTATUS(status));
  receive("type 6 is left", id, 100, 0, IPC_NOWAIT);

  child = fork();
  if (child == 0) {
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    struct message got;
    _exit(msgrcv(id, &got, 100, 0, 0) < 0 ? errno : 0);
  }
  waitpid(child, &status, 0);
  printf("signal with SA_RESTART: %s\n", strerrorname_np(WEXITSTATUS(status)));

  ds.msg_qbytes = 32768;
  result("IPC_SET qbytes past msgmnb", msgctl(id, IPC_SET, &ds));
  msgctl(id, IPC_STAT, &ds);
  printf("qbytes %lu mode %o\n", ds.msg_qbytes, ds.msg_perm.mode);
  result("unknown command", msgctl(id, 99, &ds));
  result("IPC_STAT to a bad pointer", msgctl(id, IPC_STAT, (struct msqid_ds *)8));
  result("IPC_RMID", msgctl(id, IPC_RMID, NULL));
  result("IPC_RMID again", msgctl(id, IPC_RMID, NULL));
  result("send to the removed queue", send(id, 1, "x", 0));
  return 0;
}
