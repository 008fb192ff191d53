/* System V semaphores: semget's errors, SETVAL/GETVAL/SETALL/GETALL/GETPID and their range
 * checks, semop's errors (nsops, a semaphore past the set, a bad pointer, ERANGE, EAGAIN with
 * IPC_NOWAIT, all-or-nothing), semtimedop timing out, a waiter seen by GETNCNT and GETZCNT and
 * woken by semop, SEM_UNDO undone at exit (and cancelled by SETVAL), EINTR with SA_RESTART
 * (System V IPC is never restarted), EIDRM for a waiter when the set is removed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

union semun {
  int val;
  struct semid_ds *buf;
  unsigned short *array;
};

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static int op(int id, unsigned short num, short delta, short flags) {
  struct sembuf b = {num, delta, flags};
  return semop(id, &b, 1);
}

/* Waits until `count` waiters of the kind (GETNCNT, GETZCNT) wait on semaphore num. */
static void await_waiters(int id, int num, int cmd, int count) {
  struct timespec pause = {0, 1000000};
  while (semctl(id, num, cmd) != count) nanosleep(&pause, NULL);
}

static void on_signal(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  key_t key = 0x5e100000 | (getpid() & 0xffff);
  result("nsems -1", semget(IPC_PRIVATE, -1, IPC_CREAT | 0600));
  result("nsems 0, new", semget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
  result("nsems 32001", semget(IPC_PRIVATE, 32001, IPC_CREAT | 0600));
  int id = semget(key, 3, IPC_CREAT | 0600);
  printf("created: %s\n", id >= 0 ? "yes" : strerrorname_np(errno));
  result("more semaphores than the set", semget(key, 4, 0));
  printf("nsems 0 finds it: %s\n", semget(key, 0, 0) == id ? "yes" : "no");

  result("GETVAL", semctl(id, 0, GETVAL));
  result("SETVAL 5", semctl(id, 0, SETVAL, (union semun){.val = 5}));
  result("GETVAL", semctl(id, 0, GETVAL));
  printf("GETPID is me: %d\n", semctl(id, 0, GETPID) == getpid());
  result("SETVAL -1", semctl(id, 0, SETVAL, (union semun){.val = -1}));
  result("SETVAL 32768", semctl(id, 0, SETVAL, (union semun){.val = 32768}));
  result("SETVAL semnum 3", semctl(id, 3, SETVAL, (union semun){.val = 1}));
  result("GETVAL semnum -1", semctl(id, -1, GETVAL));
  unsigned short all[3] = {1, 2, 3};
  result("SETALL", semctl(id, 0, SETALL, (union semun){.array = all}));
  unsigned short got[3] = {0};
  result("GETALL", semctl(id, 0, GETALL, (union semun){.array = got}));
  printf("values %u %u %u\n", got[0], got[1], got[2]);
  result("GETALL to a bad pointer", semctl(id, 0, GETALL, (union semun){.array = (unsigned short *)8}));
  unsigned short big[3] = {1, 40000, 1};
  result("SETALL with 40000", semctl(id, 0, SETALL, (union semun){.array = big}));
  result("unknown command", semctl(id, 0, 99));

  struct sembuf ops[2] = {{0, 1, 0}, {1, -10, IPC_NOWAIT}};
  result("nsops 0", semop(id, ops, 0));
  result("nsops 501", semop(id, ops, 501));
  result("a bad pointer", semop(id, (struct sembuf *)8, 1));
  struct sembuf past = {3, 1, 0};
  result("semaphore 3", semop(id, &past, 1));
  result("all or nothing (EAGAIN)", semop(id, ops, 2));
  printf("semaphore 0 unchanged: %d\n", semctl(id, 0, GETVAL));
  result("past 32767", op(id, 0, 32767, 0));
  result("wait for zero, IPC_NOWAIT", op(id, 0, 0, IPC_NOWAIT));
  struct timespec short_wait = {0, 1000000};
  struct sembuf down = {1, -5, 0};
  result("semtimedop times out", semtimedop(id, &down, 1, &short_wait));
  struct timespec bad_ns = {0, 1000000000};
  result("semtimedop bad timeout", semtimedop(id, &down, 1, &bad_ns));
  result("semtimedop timeout pointer bad", semtimedop(id, &down, 1, (struct timespec *)8));

  result("semop +1", op(id, 0, 1, 0));
  struct semid_ds ds;
  result("IPC_STAT", semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}));
  printf("nsems %lu mode %o otime set %d\n", ds.sem_nsems, ds.sem_perm.mode, ds.sem_otime != 0);

  /* A waiter for the semaphore to grow, then one for it to reach zero. */
  semctl(id, 1, SETVAL, (union semun){.val = 0});
  pid_t child = fork();
  if (child == 0) _exit(op(id, 1, -1, 0) == 0 ? 10 : errno);
  await_waiters(id, 1, GETNCNT, 1);
  printf("GETNCNT 1, GETZCNT %d\n", semctl(id, 1, GETZCNT));
  result("wake it", op(id, 1, 1, 0));
  int status;
  waitpid(child, &status, 0);
  printf("waiter: %d, value %d, GETNCNT %d\n", WEXITSTATUS(status), semctl(id, 1, GETVAL), semctl(id, 1, GETNCNT));
  semctl(id, 2, SETVAL, (union semun){.val = 2});
  child = fork();
  if (child == 0) _exit(op(id, 2, 0, 0) == 0 ? 10 : errno);
  await_waiters(id, 2, GETZCNT, 1);
  op(id, 2, -1, 0);
  printf("still waiting: GETZCNT %d\n", semctl(id, 2, GETZCNT));
  op(id, 2, -1, 0);
  waitpid(child, &status, 0);
  printf("zero waiter: %d\n", WEXITSTATUS(status));

  /* SEM_UNDO: undone at exit; SETVAL cancels it. */
  semctl(id, 0, SETVAL, (union semun){.val = 5});
  child = fork();
  if (child == 0) {
    op(id, 0, 2, SEM_UNDO);
    op(id, 0, -4, SEM_UNDO);
    _exit(semctl(id, 0, GETVAL));
  }
  waitpid(child, &status, 0);
  printf("SEM_UNDO: child saw %d, after its exit %d\n", WEXITSTATUS(status), semctl(id, 0, GETVAL));
  child = fork();
  if (child == 0) {
    op(id, 0, 3, SEM_UNDO);
    semctl(id, 0, SETVAL, (union semun){.val = 9});
    _exit(0);
  }
  waitpid(child, &status, 0);
  printf("SEM_UNDO then SETVAL: after exit %d\n", semctl(id, 0, GETVAL));

  /* EINTR even with SA_RESTART. */
  child = fork();
  if (child == 0) {
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    _exit(op(id, 1, -1, 0) == 0 ? 10 : errno);
  }
  await_waiters(id, 1, GETNCNT, 1);
  kill(child, SIGUSR1);
  waitpid(child, &status, 0);
  printf("signal with SA_RESTART: %s, GETNCNT %d\n", strerrorname_np(WEXITSTATUS(status)), semctl(id, 1, GETNCNT));

  /* A waiter when the set goes. */
  child = fork();
  if (child == 0) _exit(op(id, 1, -1, 0) == 0 ? 10 : errno);
  await_waiters(id, 1, GETNCNT, 1);
  result("IPC_RMID", semctl(id, 0, IPC_RMID));
  waitpid(child, &status, 0);
  printf("waiter after IPC_RMID: %s\n", strerrorname_np(WEXITSTATUS(status)));
  result("IPC_RMID again", semctl(id, 0, IPC_RMID));
  result("semop on the removed set", op(id, 0, 1, 0));
  return 0;
}
