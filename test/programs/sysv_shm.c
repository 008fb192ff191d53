/* System V shared memory: shmget's errors (size, keys, IPC_CREAT|IPC_EXCL, a bigger size
 * than the segment's), IPC_STAT's fields, shmat (placement errors, SHM_RDONLY faulting on a
 * write), memory really shared with a child that attaches on its own and with one that
 * inherits the attachment (nattch counts both, and drops when they exit), shmdt's errors,
 * IPC_SET, IPC_RMID while attached (the key goes, SHM_DEST shows, shmat by id still works,
 * the segment goes with the last detach), permissions for another user, bad pointers. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static long nattch(int id) {
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) != 0) return -errno;
  return (long)ds.shm_nattch;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  key_t key = 0x5e000000 | (getpid() & 0xffff);
  result("size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
  result("size SIZE_MAX", shmget(IPC_PRIVATE, SIZE_MAX, IPC_CREAT | 0600));
  result("size 2^52", shmget(IPC_PRIVATE, (size_t)1 << 52, IPC_CREAT | 0600));
  result("missing key", shmget(key, 4096, 0600));
  int id = shmget(key, 10000, IPC_CREAT | 0640);
  printf("created: %s\n", id >= 0 ? "yes" : strerrorname_np(errno));
  result("IPC_CREAT|IPC_EXCL again", shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0640));
  result("bigger than the segment", shmget(key, 20000, 0));
  printf("smaller: same id %s\n", shmget(key, 100, 0) == id ? "yes" : "no");

  struct shmid_ds ds;
  result("IPC_STAT", shmctl(id, IPC_STAT, &ds));
  printf("segsz %zu nattch %lu mode %o cpid-is-me %d lpid %d uid %u key-matches %d atime %ld\n", ds.shm_segsz, ds.shm_nattch,
         ds.shm_perm.mode, ds.shm_cpid == getpid(), ds.shm_lpid, ds.shm_perm.uid, ds.shm_perm.__key == key, (long)ds.shm_atime);
  result("IPC_STAT to a bad pointer", shmctl(id, IPC_STAT, (struct shmid_ds *)8));
  result("IPC_SET from a bad pointer", shmctl(id, IPC_SET, (struct shmid_ds *)8));
  result("unknown command", shmctl(id, 99, &ds));
  result("IPC_STAT of id -1", shmctl(-1, IPC_STAT, &ds));

  errno = 0;
  void *bad = shmat(id, (void *)0x10001, 0);
  printf("misaligned address: %s\n", bad == (void *)-1 ? strerrorname_np(errno) : "attached");
  bad = shmat(id, NULL, SHM_REMAP);
  printf("SHM_REMAP without an address: %s\n", bad == (void *)-1 ? strerrorname_np(errno) : "attached");
  bad = shmat(-1, NULL, 0);
  printf("id -1: %s\n", bad == (void *)-1 ? strerrorname_np(errno) : "attached");

  char *p = shmat(id, NULL, 0);
  if (p == (void *)-1) return 1;
  printf("page aligned %d, zero filled %d\n", ((uintptr_t)p & 4095) == 0, p[0] == 0 && p[9999] == 0);
  shmctl(id, IPC_STAT, &ds);
  printf("after shmat: nattch %lu lpid-is-me %d atime set %d\n", ds.shm_nattch, ds.shm_lpid == getpid(), ds.shm_atime != 0);
  char *q = shmat(id, p + 4097, SHM_RND);
  printf("over an attachment without SHM_REMAP: %s\n", q == (void *)-1 ? strerrorname_np(errno) : "attached");
  strcpy(p, "from the parent");

  pid_t child = fork();
  if (child == 0) {
    printf("child: inherited sees \"%s\", nattch %ld\n", p, nattch(id));
    char *own = shmat(id, NULL, 0);
    printf("child: own attachment sees \"%s\", nattch %ld\n", own, nattch(id));
    strcpy(own + 5000, "from the child");
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("parent sees \"%s\", nattch %ld after the child exited\n", p + 5000, nattch(id));

  child = fork();
  if (child == 0) {
    char *ro = shmat(id, NULL, SHM_RDONLY);
    printf("child: read-only attachment reads \"%s\"\n", ro);
    ro[0] = 'X';
    _exit(0);
  }
  waitpid(child, &status, 0);
  printf("writing a SHM_RDONLY attachment: %s\n", WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "no signal");

  child = fork();
  if (child == 0) {
    setgid(1000);
    setuid(1000);
    void *r = shmat(id, NULL, 0);
    printf("other user: shmat %s\n", r == (void *)-1 ? strerrorname_np(errno) : "attached");
    r = shmat(id, NULL, SHM_RDONLY);
    printf("other user: shmat SHM_RDONLY %s\n", r == (void *)-1 ? strerrorname_np(errno) : "attached");
    result("other user: IPC_STAT", shmctl(id, IPC_STAT, &ds));
    result("other user: IPC_RMID", shmctl(id, IPC_RMID, NULL));
    printf("other user: shmget by key, access 0: %s\n", shmget(key, 0, 0) == id ? "the id" : strerrorname_np(errno));
    result("other user: shmget by key, access 0600", shmget(key, 0, 0600));
    _exit(0);
  }
  waitpid(child, &status, 0);

  struct shmid_ds set = ds;
  set.shm_perm.mode = 0604;
  result("IPC_SET", shmctl(id, IPC_SET, &set));
  shmctl(id, IPC_STAT, &ds);
  printf("mode now %o\n", ds.shm_perm.mode);

  result("shmdt misaligned", shmdt(p + 1));
  result("shmdt not attached", shmdt(p + 4096));
  char *second = shmat(id, NULL, 0);
  printf("second attachment shares: %d, nattch %ld\n", strcmp(second, "from the parent") == 0, nattch(id));
  result("IPC_RMID while attached", shmctl(id, IPC_RMID, NULL));
  shmctl(id, IPC_STAT, &ds);
  printf("after IPC_RMID: nattch %lu mode %o key %d\n", ds.shm_nattch, ds.shm_perm.mode, ds.shm_perm.__key);
  result("shmget by the old key", shmget(key, 0, 0));
  char *third = shmat(id, NULL, 0);
  printf("shmat by id after IPC_RMID: %s\n", third == (void *)-1 ? strerrorname_np(errno) : "attached");
  result("shmdt", shmdt(p));
  result("shmdt again", shmdt(p));
  result("shmdt second", shmdt(second));
  printf("nattch %ld\n", nattch(id));
  result("shmdt third", shmdt(third));
  result("IPC_STAT once gone", shmctl(id, IPC_STAT, &ds));

  struct shminfo info;
  long max = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
  printf("IPC_INFO: %s shmmni %lu shmmin %lu shmseg %lu\n", max >= 0 ? "ok" : strerrorname_np(errno), info.shmmni, info.shmmin, info.shmseg);
  return 0;
}
