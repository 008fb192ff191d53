// Conformance: gcc (compile, link, run), make with a small Makefile, git in a scratch
// repository with fixed names and dates; each run natively and in tsvisor and compared.

import { homedir } from 'node:os';
import { join } from 'node:path';

import { conformanceSuite, type ConformanceCase } from './harness.js';

const HELLO_C = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
    printf("hello from C, argc=%d\\n", argc);
    for (int i = 1; i < argc; i++) printf("arg %d: %s (%zu)\\n", i, argv[i], strlen(argv[i]));
    const char *v = getenv("CONF_VAR");
    printf("CONF_VAR=%s\\n", v ? v : "(unset)");
    return argc == 1 ? 0 : 3;
}
`;

const PROCS_C = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *work(void *arg) {
    for (int i = 0; i < 10000; i++) { pthread_mutex_lock(&mu); counter++; pthread_mutex_unlock(&mu); }
    return arg;
}

int main(void) {
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        execlp("echo", "echo", "exec'd echo", (char *)0);
        _exit(127);
    }
    close(fds[1]);
    char buf[100] = {0};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    int st;
    waitpid(pid, &st, 0);
    printf("read %zd: %s", n, buf);
    printf("child exited=%d status=%d\\n", WIFEXITED(st), WEXITSTATUS(st));

    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, work, 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
    printf("counter=%d\\n", counter);

    int fd = open("out.dat", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dprintf(fd, "written by C\\n");
    close(fd);
    struct stat sb;
    stat("out.dat", &sb);
    printf("size=%lld mode=%o\\n", (long long)sb.st_size, sb.st_mode & 07777);
    errno = 0;
    if (open("no/such/file", O_RDONLY) < 0) printf("open: %s\\n", strerror(errno));
    return 0;
}
`;

const MAKEFILE = `CC = gcc
CFLAGS = -O1 -Wall
OBJS = main.o util.o

all: app

app: $(OBJS)
\t$(CC) -o $@ $(OBJS)

%.o: %.c util.h
\t$(CC) $(CFLAGS) -c $<

check: app
\t./app > check.txt
\t@echo "checked: $$(cat check.txt)"

clean:
\trm -f app $(OBJS) check.txt

.PHONY: all check clean
`;

const MAKE_FILES = {
  Makefile: MAKEFILE,
  'main.c': '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%d\\n", twice(21)); return 0; }\n',
  'util.c': '#include "util.h"\nint twice(int x) { return 2 * x; }\n',
  'util.h': 'int twice(int x);\n',
};

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ada Tester',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Tester',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_AUTHOR_DATE: '2005-04-07T22:13:13+0000',
  GIT_COMMITTER_DATE: '2005-04-07T22:13:13+0000',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_PAGER: 'cat',
  PAGER: 'cat',
};

const GIT_INIT = `git -c init.defaultBranch=main init -q repo && cd repo`;
/** The index holds inode numbers, devices and times: left out of the listing (the objects are compared). */
const GIT_LISTING = { exclude: ['./repo/.git/index'] };

const RUST_PROGRAM = `use std::fs; use std::io::{Read, Write}; use std::process::{Command, Stdio}; use std::sync::{Arc, Mutex, mpsc}; use std::thread;
fn main() {
    let c = Arc::new(Mutex::new(0u64));
    let hs: Vec<_> = (0..4).map(|i| { let c = c.clone(); thread::spawn(move || { for _ in 0..10000 { *c.lock().unwrap() += 1; } i }) }).collect();
    let ids: Vec<i32> = hs.into_iter().map(|h| h.join().unwrap()).collect();
    println!("counter {} {:?}", *c.lock().unwrap(), ids);
    let (tx, rx) = mpsc::channel();
    for i in 0..3 { let tx = tx.clone(); thread::spawn(move || tx.send(i * 10).unwrap()); }
    drop(tx); let mut v: Vec<i32> = rx.iter().collect(); v.sort(); println!("{:?}", v);
    fs::create_dir_all("a/b").unwrap(); fs::write("a/b/f.txt", b"data\\n").unwrap();
    let mut names: Vec<_> = fs::read_dir("a/b").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect(); names.sort(); println!("{:?}", names);
    let m = fs::metadata("a/b/f.txt").unwrap(); println!("len {} file {}", m.len(), m.is_file());
    println!("{:?}", fs::read_to_string("missing").unwrap_err().kind());
    let out = Command::new("sh").arg("-c").arg("echo out; echo err 1>&2; exit 7").output().unwrap();
    println!("{:?} {:?} {:?}", out.status.code(), String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let mut ch = Command::new("tr").arg("a-z").arg("A-Z").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    ch.stdin.take().unwrap().write_all(b"hello rust\\n").unwrap();
    let mut s = String::new(); ch.stdout.take().unwrap().read_to_string(&mut s).unwrap(); println!("{} {:?}", s.trim(), ch.wait().unwrap().code());
    let e = Command::new("/no/such").spawn().unwrap_err(); println!("{:?}", e.kind());
    let mut k = Command::new("sleep").arg("10").spawn().unwrap(); k.kill().unwrap(); let st = k.wait().unwrap(); println!("{:?} {}", st.code(), st);
    std::process::exit(3);
}
`;

/**
 * A program for the sanitizers: with an argument, a heap overflow (ASan) or a signed overflow
 * (UBSan); without, a leak LeakSanitizer finds at exit, with a thread parked in a read (LSan
 * stops every thread with ptrace from a clone sharing the memory, and what their stacks point to
 * is not a leak); tsan.c races on a global. (A thread spinning without syscalls is left out:
 * replay --exec can wait for it forever, see design-notes' Known limits.)
 */
const SANITIZED_C = `#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static int fds[2];
static void *parked(void *a) { char c; void *mine = malloc(64); (void)a; if (read(fds[0], &c, 1) == 1) free(mine); return NULL; }
int main(int argc, char **argv) {
  if (argc > 1 && argv[1][0] == 'o') { char *p = malloc(10); p[10] = 1; free(p); return 0; }
  if (argc > 1 && argv[1][0] == 'u') { volatile int i = INT_MAX; i += argc; printf("%d\\n", i); return 0; }
  pthread_t t;
  if (pipe(fds)) return 2;
  pthread_create(&t, NULL, parked, NULL);
  void *lost = malloc(77);
  memset(lost, 1, 77);
  lost = NULL;
  usleep(50000);
  printf("leaking\\n");
  fflush(stdout);
  exit(0);
}
`;

const TSAN_C = `#include <pthread.h>
#include <stdio.h>
int x;
static void *f(void *a) { (void)a; x++; return 0; }
int main(void) { pthread_t t[2]; for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, f, 0); for (int i = 0; i < 2; i++) pthread_join(t[i], 0); printf("%d\\n", x); return 0; }
`;

/** Sanitizer reports with the pids, tids and addresses (ASLR natively) taken out. */
const SANITIZER_REPORT = "sed -E 's/==[0-9]+==/==PID==/; s/0x[0-9a-f]+/ADDR/g; s/(pid|tid)=[0-9]+/\\1=N/g'";

/** rustup's proxies and toolchains where rustup puts them (the fixed PATH and HOME do not lead there). */
const CARGO_HOME = globalThis.process.env.CARGO_HOME ?? join(homedir(), '.cargo');
const RUSTUP_HOME = globalThis.process.env.RUSTUP_HOME ?? join(homedir(), '.rustup');
const RUSTC = join(CARGO_HOME, 'bin', 'rustc');

const cases: ConformanceCase[] = [
  {
    name: 'gcc compiles, links and runs a C program',
    cmd: `gcc -O1 -Wall -o hello hello.c && ./hello; echo "rc=$?"; CONF_VAR=set ./hello one 'two words'; echo "rc=$?"`,
    files: { 'hello.c': HELLO_C },
    needs: ['gcc'],
    listing: { exclude: ['./hello'] },
  },
  {
    name: 'gcc output is the same binary',
    cmd: `gcc -O2 -o hello hello.c && sha256sum hello | cut -c1-16; gcc -c hello.c -o hello.o && sha256sum hello.o | cut -c1-16`,
    files: { 'hello.c': HELLO_C },
    needs: ['gcc'],
  },
  {
    name: 'gcc separate compilation, a static library and ar',
    cmd: `gcc -c util.c && ar rcs libutil.a util.o && ar t libutil.a && gcc -o app main.c -L. -lutil && ./app && nm util.o | grep twice`,
    files: MAKE_FILES,
    needs: ['gcc', 'ar', 'nm'],
  },
  {
    name: 'C program with fork, exec, pipe, threads and files',
    cmd: `gcc -O1 -pthread -o procs procs.c && ./procs`,
    files: { 'procs.c': PROCS_C },
    needs: ['gcc'],
    listing: { exclude: ['./procs'] },
  },
  {
    name: 'gcc reports errors with status 1',
    cmd: `gcc -c bad.c; echo "rc=$?"; ls`,
    files: { 'bad.c': 'int main(void) { return undefined_thing; }\n' },
    needs: ['gcc'],
  },
  {
    name: 'make builds, is up to date, checks and cleans',
    cmd: `make; echo "rc=$?"; make; touch util.h; make; make check; make clean; ls`,
    files: MAKE_FILES,
    needs: ['make', 'gcc'],
    listing: { exclude: ['./app', './*.o'] },
  },
  {
    name: 'make -n, variables on the command line, and a failing recipe',
    cmd: `make -n app CC=cc; make -s CFLAGS=-O0 && ./app; make -f fail.mk; echo "rc=$?"; make -k -f fail.mk; echo "rc=$?"`,
    files: { ...MAKE_FILES, 'fail.mk': 'all: a b\na:\n\t@echo in a; false\nb:\n\t@echo in b\n' },
    needs: ['make', 'gcc'],
    listing: { exclude: ['./app', './*.o'] },
  },
  {
    name: 'make -j2 with parallel targets',
    cmd: `make -j2 -f par.mk; cat out; make -j2 -f par.mk; echo "rc=$?"`,
    files: {
      'par.mk': 'out: p1 p2 p3 p4\n\tcat p1 p2 p3 p4 > out\np%:\n\t@sleep 0.05; echo $@ > $@\n',
    },
    needs: ['make'],
    stableStderr: true,
  },
  {
    name: 'git init, add, commit, log',
    cmd: `${GIT_INIT} && printf 'hello\\n' > a.txt && mkdir src && printf 'int x;\\n' > src/x.c && git add . && git commit -q -m 'first commit' && git log --format='%H %an <%ae> %ad %s' --date=iso && git ls-files && git rev-parse HEAD^{tree}`,
    env: GIT_ENV,
    needs: ['git'],
    listing: GIT_LISTING,
  },
  {
    name: 'git second commit, diff, status, show',
    cmd: `${GIT_INIT} && seq 5 > n.txt && git add n.txt && git commit -q -m one && seq 6 > n.txt && echo new > b.txt && git status --short && git diff && git add -A && git commit -q -m two && git log --oneline && git show --stat --format='%s' HEAD && git diff HEAD~1 --numstat`,
    env: GIT_ENV,
    needs: ['git'],
    listing: GIT_LISTING,
  },
  {
    name: 'git branches, merge and tags',
    cmd: `${GIT_INIT} && echo base > f && git add f && git commit -q -m base && git checkout -q -b topic && echo topic >> f && git commit -q -am topic && git checkout -q main && echo other > g && git add g && git commit -q -m other && git merge -q --no-edit topic && git tag -a v1 -m 'version 1' && git log --graph --oneline --all && git cat-file -p v1 && git branch --list && cat f`,
    env: GIT_ENV,
    needs: ['git'],
    listing: GIT_LISTING,
  },
  {
    name: 'git rm, mv, stash and reset',
    cmd: `${GIT_INIT} && echo 1 > a && echo 2 > b && git add . && git commit -q -m init && git mv a c && git rm -q b && git commit -q -m moves && echo dirty >> c && git stash -q && cat c && git stash pop -q && git diff --stat && git reset -q --hard HEAD~1 && ls && git reflog --format='%gs'`,
    env: GIT_ENV,
    needs: ['git'],
    listing: { exclude: ['./repo/.git/index', './repo/.git/logs/refs/stash'] },
  },
  {
    name: 'gcc -fsanitize=address, undefined and thread: a leak found at exit, a heap overflow, a signed overflow, a race',
    cmd: `gcc -g -O0 -pthread -fsanitize=address -o asan s.c && gcc -g -pthread -fsanitize=undefined -o ubsan s.c && gcc -g -pthread -fsanitize=thread -o tsan tsan.c
./asan 2>&1 | ${SANITIZER_REPORT}; ./asan > /dev/null 2>&1; echo "leak rc=$?"
./asan o 2>&1 | ${SANITIZER_REPORT} | grep -E '^==PID==ERROR|^(READ|WRITE)|^SUMMARY'; ./asan o > /dev/null 2>&1; echo "overflow rc=$?"
./ubsan u 2>&1 | ${SANITIZER_REPORT}; echo "ubsan rc=$?"
./tsan 2>&1 | grep -cE '^WARNING: ThreadSanitizer: data race'; ./tsan > /dev/null 2>&1; echo "tsan rc=$?"`,
    files: { 's.c': SANITIZED_C, 'tsan.c': TSAN_C },
    needs: ['gcc'],
    listing: { exclude: ['./asan', './ubsan', './tsan'] },
    timeoutMs: 60_000,
    execReplayMayDiverge: "LeakSanitizer's tracer and the threads it stops synchronise through memory",
  },
  {
    // rustc links with lld by default, which writes the executable through a shared mapping.
    name: 'rustc compiles and runs a program with threads, std::fs and std::process',
    cmd: `${RUSTC} -o prog prog.rs && ./prog; echo "rc=$?"`,
    files: { 'prog.rs': RUST_PROGRAM },
    env: { RUSTUP_HOME, CARGO_HOME },
    needs: [RUSTC, 'cc'],
    listing: { exclude: ['./prog'] },
    timeoutMs: 60_000,
    execReplayMayDiverge: "rustc's codegen threads and jobserver synchronise through memory",
  },
];

conformanceSuite('gcc, make, git, rustc', cases);
