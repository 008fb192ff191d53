// Checkpoint/restore of System V IPC: a parent and its child add to one counter in a shared
// memory segment they attached separately, and count on a semaphore and a message queue; a
// second segment nobody has attached keeps its bytes. After a restore the two must still share
// the segment, a new shmat must see the same memory, and the semaphore and queue must hold
// what they held, and so must a POSIX message queue.
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct message {
  long mtype;
  char mtext[16];
};

static void add(int shmid, int semid, int msqid) {
  long *counter = shmat(shmid, NULL, 0);
  for (int i = 0; i < 200; i++) {
    __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
    struct sembuf up = {0, 1, 0};
    semop(semid, &up, 1);
    if (i % 50 == 0) {
      struct message m = {.mtype = 1 + getpid() % 2, .mtext = "tick"};
      msgsnd(msqid, &m, 4, 0);
    }
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, 0);
  }
}

int main(void) {
  int shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  int spare = shmget(IPC_PRIVATE, 3 * 4096 + 100, IPC_CREAT | 0600);
  int semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  int msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  if (shmid < 0 || spare < 0 || semid < 0 || msqid < 0) return 1;
  char *s = shmat(spare, NULL, 0);
  strcpy(s + 2 * 4096 + 7, "kept while detached");
  shmdt(s);
  mq_unlink("/ckpt-sysv");
  mqd_t mq = mq_open("/ckpt-sysv", O_RDWR | O_CREAT, 0600, NULL);
  mq_send(mq, "low", 3, 1);
  mq_send(mq, "high", 4, 5);
  printf("ready\n");
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    add(shmid, semid, msqid);
    _exit(0);
  }
  add(shmid, semid, msqid);
  int status;
  waitpid(child, &status, 0);
  long *again = shmat(shmid, NULL, SHM_RDONLY);
  s = shmat(spare, NULL, 0);
  struct msqid_ds q;
  msgctl(msqid, IPC_STAT, &q);
  char first[8192] = {0};
  mq_receive(mq, first, sizeof first, NULL);
  printf("counter=%ld semaphore=%d messages=%lu spare=\"%s\" mq=%s\n", *again, semctl(semid, 0, GETVAL), q.msg_qnum, s + 2 * 4096 + 7, first);
  mq_unlink("/ckpt-sysv");
  shmctl(shmid, IPC_RMID, NULL);
  shmctl(spare, IPC_RMID, NULL);
  semctl(semid, 0, IPC_RMID);
  msgctl(msqid, IPC_RMID, NULL);
  return 0;
}
