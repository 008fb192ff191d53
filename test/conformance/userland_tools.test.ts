// Conformance: more of the machine's userland, each run natively and in tsvisor and compared:
// git beyond commits (a local clone, rebase, stash, gc, fsck, worktree, bisect run, archive),
// parallel builds (make -j4 with gcc -flto, g++ with <thread> and <filesystem>), archivers
// (tar with xz, bzip2 and zstd, cpio, zip), perl's sockets and IPC::Open3, the less
// common coreutils and findutils, procps and util-linux tools that read /proc (vmstat, ps,
// lslocks) or make a pty (script), busybox's applets, the tcl, lua, node, ruby and java
// runtimes, files past 4 GiB, a FIFO opened read-write, and lsof of a shell.
// rsync runs as natively too, but its recorded runs sometimes hang (docs/design-notes.md, Known
// limits): it is not a case here, as every case is recorded.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ada Tester',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Tester',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
};

const GIT_WORKFLOW = `set -e
git init -q -b main src && cd src
for i in 1 2 3 4 5 6 7 8; do echo line$i >> f.txt; git add f.txt; git commit -qm "c$i"; done
cd .. && git clone -q src dst && cd dst
git checkout -qb feat; echo feat > g.txt; git add g.txt; git commit -qm feat
git checkout -q main; echo x >> f.txt; git commit -qam mainx
git merge -q --no-edit feat; git log --graph --oneline --all
git checkout -qb rb HEAD~1; echo r > r.txt; git add r.txt; git commit -qm r; git rebase -q main; git log --oneline -3
echo dirty >> f.txt; git stash -q; git stash list; git status --short; git stash pop -q; git status --short
git gc -q; git count-objects -v | grep -E '^(count|in-pack|packs)'; git fsck --no-progress 2>&1 | sort
git worktree add -q ../wt2 main~2; ls ../wt2; git worktree list --porcelain | grep -c worktree
cd ../src
git bisect start HEAD HEAD~7 >/dev/null; git bisect run sh -c '! grep -q line4 f.txt' | grep 'is the first bad commit'; git bisect reset >/dev/null 2>&1
git archive --format=tar --prefix=p/ HEAD | tar tvf -
git archive --format=tar.gz HEAD | tar xzf - -O f.txt | wc -l
git tag -a -m v1 v1; git describe; git blame -s f.txt | head -2; git diff --stat HEAD~3
cd .. && rm -rf src dst wt2
`;

const C_MODULE = (i: number): string => `#include "h.h"\nint f${i}(int x) { return x * ${i}; }\n`;
const MAKEFILE = `CFLAGS = -O2 -flto
OBJS = main.o f1.o f2.o f3.o f4.o f5.o f6.o
prog: $(OBJS)
\t$(CC) $(CFLAGS) -o $@ $(OBJS)
%.o: %.c h.h
\t$(CC) $(CFLAGS) -c $<
clean:
\trm -f prog *.o
`;

const CXX_THREADS_FS = `#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>
namespace fs = std::filesystem;
int main() {
  std::atomic<int> n{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; i++) ts.emplace_back([&] { for (int j = 0; j < 10000; j++) n++; });
  for (auto &t : ts) t.join();
  std::cout << n << "\\n";
  auto f = std::async(std::launch::async, [] { return 42; });
  std::cout << f.get() << "\\n";
  fs::create_directories("a/b/c");
  std::ofstream("a/b/c/x.txt") << "x";
  std::ofstream("a/y.txt") << "hello";
  fs::copy("a", "z", fs::copy_options::recursive);
  std::vector<std::string> v;
  for (auto &e : fs::recursive_directory_iterator("z")) v.push_back(e.path().string() + " " + std::to_string(e.is_directory()));
  std::sort(v.begin(), v.end());
  for (auto &s : v) std::cout << s << "\\n";
  fs::rename("z/y.txt", "z/w.txt");
  std::cout << fs::file_size("z/w.txt") << " " << fs::remove_all("a") << " " << fs::canonical("z/../z").filename() << "\\n";
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread t([&] { std::lock_guard<std::mutex> l(m); ready = true; cv.notify_one(); });
  { std::unique_lock<std::mutex> l(m); cv.wait(l, [&] { return ready; }); }
  t.join();
  std::cout << "cv ok\\n";
}
`;

const ARCHIVERS = `mkdir -p d/sub; seq 1 20000 > d/a; seq 5 9000 > d/sub/b; ln -s a d/l; touch -d @0 d/a d/sub/b d/sub d; touch -h -d @0 d/l
R='--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner'
tar $R -cJf t.xz d && tar tvJf t.xz
tar $R -cjf t.bz2 d && tar tjf t.bz2
tar $R --zstd -cf t.zst d && tar --zstd -tf t.zst
xz -9 -T2 -k d/a && xz -l d/a.xz | tail -1; xz -dc d/a.xz | md5sum; rm d/a.xz
zstd -q -T2 -19 d/sub/b -o b.zst && zstd -qdc b.zst | md5sum
bzip2 -k d/sub/b && bzip2 -t d/sub/b.bz2 && echo bzip2 ok && rm d/sub/b.bz2
mkdir x && tar -C x -xJf t.xz && diff -r d x/d && echo xz extract same
find d | LC_ALL=C sort | cpio -o -H newc --reproducible 2>/dev/null > c.cpio; cpio -it < c.cpio 2>&1
mkdir y && (cd y && cpio -idm < ../c.cpio 2>&1) && diff -r d y/d && echo cpio extract same
zip -qrX z.zip d && unzip -Z1 z.zip | LC_ALL=C sort; mkdir u && unzip -q z.zip -d u && diff -r d u/d && echo unzip same; zip -T z.zip
rm -rf x y u t.* b.zst c.cpio z.zip
`;


const PERL_IPC = `use strict; use warnings;
use File::Find; use POSIX qw(:sys_wait_h strftime floor _exit); use IPC::Open3; use IO::Socket::INET;
use IO::Socket::UNIX; use Socket; use Symbol 'gensym'; use Fcntl qw(:flock); use File::Temp qw(tempdir);
$| = 1;
mkdir "t"; mkdir "t/x"; open my $f, '>', "t/x/a" or die; print $f "abc\\n"; close $f; symlink "a", "t/x/l";
my @found; find(sub { push @found, $File::Find::name }, "t"); print join(",", sort @found), "\\n";
my @kids; for my $i (1..5) { my $p = fork; if (!$p) { _exit($i) } push @kids, $p }
my @st; for (@kids) { waitpid($_, 0); push @st, $? >> 8 } print "statuses @st\\n";
my $pid = open3(my $in, my $out, my $err = gensym, 'sh', '-c', 'cat; echo E >&2; exit 7');
print $in "to-child\\n"; close $in; my @o = <$out>; my @e = <$err>; waitpid($pid, 0); print "open3: @o @e ", $? >> 8, "\\n";
my $srv = IO::Socket::INET->new(Listen => 5, LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp') or die "listen $!";
my $port = $srv->sockport;
if (my $c = fork) { my $s = $srv->accept; my $l = <$s>; print "server got $l"; print $s "pong\\n"; close $s; waitpid($c, 0); print "client status ", $? >> 8, "\\n" }
else { my $cl = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port") or die "conn $!"; print $cl "ping\\n"; my $r = <$cl>; _exit($r eq "pong\\n" ? 3 : 4) }
socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, PF_UNSPEC) or die; syswrite $a, "sp"; sysread $b, my $buf, 10; print "socketpair $buf\\n";
my $us = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "u.sock") or die "unix $!";
my $uc = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Peer => "u.sock") or die; $uc->send("dg"); $us->recv(my $d, 10); print "dgram $d\\n"; unlink "u.sock";
print strftime("%Y-%m-%d %H:%M", gmtime(86400 * 365)), " ", floor(-3.5), "\\n";
open my $lk, '>', "lock" or die; flock($lk, LOCK_EX | LOCK_NB) or die;
if (!fork) { open my $l2, '>', "lock"; _exit(flock($l2, LOCK_EX | LOCK_NB) ? 0 : 9) } wait; print "child flock status ", $? >> 8, "\\n";
$SIG{USR1} = sub { print "usr1\\n" }; kill 'USR1', $$;
pipe(my $r, my $w); if (!fork) { close $r; print $w "via pipe\\n"; close $w; _exit 0 } close $w; print scalar <$r>; wait;
my $dir = tempdir(CLEANUP => 1); print -d $dir ? "tempdir ok\\n" : "no tempdir\\n";
`;

const COREUTILS_MORE = `seq 1 1000 > n; split -l 300 n part_; ls part_*; split -n 3 n chunk_; wc -c chunk_*; split -b 1k -d --additional-suffix=.x n s_; ls s_*
printf 'a\\n--\\nb\\n--\\nc\\n' > cs; csplit -s cs '/--/' '{*}'; head xx*
seq 10 | shuf --random-source=n | head -3; shuf -i 1-5 -n 2 --random-source=n
seq 100000 | sort -R --random-source=n | sort -n --parallel=4 -S 1M | md5sum
seq 1 3 | stdbuf -oL cat; nice -n 5 nice
install -m 750 -D n dest/sub/n2; stat -c '%a %s %n' dest/sub/n2; install -d -m 700 dd1; stat -c '%a %n' dd1
t=$(mktemp -p . tmp.XXXX); test -f "$t" && echo mktemp ok && rm "$t"; t2=$(mktemp -d); test -d "$t2" && echo mktemp -d ok
mkdir -p r/s; ln -s r/s rl; realpath rl | sed "s#$PWD#.#"; realpath -m a/../b/c | sed "s#$PWD#.#"; realpath --relative-to=r rl/x
df -P . >/dev/null && echo df ok; du -s r dest; du -sh n
stat -f -c '%n %l' .; sync; sync -f n; echo sync ok
truncate -s 10M big; stat -c %s big; truncate -s -5M big; stat -c '%s %b' big; rm big
dd if=n of=dn bs=100 skip=2 count=3 conv=ucase,notrunc status=none; wc -c dn
dd if=n of=dn2 iflag=skip_bytes,count_bytes skip=10 count=25 status=none; od -c dn2 | head -2
dd if=n of=ds bs=512 conv=fsync oflag=sync status=none; cmp n ds && echo dd sync same
printf 'hello!' | dd conv=swab status=none; echo
`;

const FINDUTILS_MORE = `mkdir -p t/a t/b; for i in $(seq 20); do echo $i > t/a/f$i; done
touch -d @100 t/a/f1 ref; touch -d @50 t/a/f2; touch -d @200 t/a/f3 t/b t/a t
find t -newer ref | LC_ALL=C sort; find t -type f -printf '%f %s %m\\n' | LC_ALL=C sort | head -3; find t -name 'f1*' -printf '%p %d %y\\n' | LC_ALL=C sort
seq 20 | xargs -P 4 -n 2 sh -c 'echo $(($1 + $2))' sh | sort -n | tr '\\n' ' '; echo
find t -type f -print0 | xargs -0 -P3 -n5 cat | sort -n | tail -1
find t -maxdepth 1 -type d | LC_ALL=C sort; find t -path '*a/f1?' | wc -l; find t -type f -name 'f2*' -delete; ls t/a | wc -l
`;

/** util-linux and procps: a pty by script(1), sessions, ps and vmstat from /proc, lslocks from /proc/locks. */
const PROCESS_TOOLS = `script -qc 'tty >/dev/null && echo in a pty; stty size' /dev/null < /dev/null | tr -d '\\r'
script -q -c 'echo logged; exit 4' typescript < /dev/null > /dev/null; echo script=$?; grep -c logged typescript; rm typescript
setsid -w sh -c 'test "$(ps -o sid= -p $$)" -eq $$ && echo session leader; exit 3'; echo setsid=$?
ps -o comm= -p $$; ps -e -o comm= | grep -c '^ps$'
vmstat | head -1; vmstat 1 1 | tail -1 | wc -w; free | head -1 | wc -w
flock lockfile -c 'lslocks -n -o COMMAND,TYPE,MODE,PATH' | grep lockfile | awk -v d="$PWD" '{ sub(d, ".", $4); print $1, $2, $3, $4 }'
kill -l 9; kill -l | wc -w; pgrep -x nonexistent; echo pgrep=$?
`;

const BUSYBOX = `busybox sh -c 'for i in 1 2 3; do echo $i; done | busybox wc -l; x=$(busybox echo sub); echo $x; busybox sleep 0.1 & wait; echo bg $?'
busybox ps -o comm | head -1; busybox top -b -n1 | grep -c 'Mem:'; busybox free | head -1 | wc -w
busybox seq 5 | busybox sort -r | busybox head -2; busybox tar cf - -C / etc/hostname | busybox tar tf -
busybox ash -c 'trap "echo trapped" USR1; kill -USR1 $$; echo after'
busybox timeout 1 busybox sleep 0.1; echo timeout=$?; busybox nproc > /dev/null && echo nproc ok; busybox id -u
`;

const TCL = `set f [open "x.txt" w]; puts $f "tcl line"; close $f
set f [open "x.txt"]; puts [gets $f]; close $f
puts [exec sh -c "echo sub; exit 0"]
set p [open "|cat" r+]; puts $p "through pipe"; flush $p; puts [gets $p]; close $p
catch {exec sh -c "exit 4"} r o; puts [lindex [dict get $o -errorcode] 0]
file mkdir a/b; puts [file isdirectory a/b]; puts [clock format 0 -gmt 1]
after 100 {set done 1}; vwait done; puts vwait-ok
set s [socket -server acc -myaddr 127.0.0.1 0]; proc acc {c a p} { puts $c "hi-sock"; close $c }
set port [lindex [fconfigure $s -sockname] 2]; set c [socket 127.0.0.1 $port]; vwait forever_not; 
`;

const LUA = `local f = io.open("x.txt", "w"); f:write("lua\\n"); f:close(); print(io.open("x.txt"):read("l"))
local p = io.popen("echo popen; exit 2"); print(p:read("a")); print(p:close())
print(os.execute("exit 3")); print(os.rename("x.txt", "y.txt"), os.remove("y.txt"))
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end); print(co(), co(), co())
`;

const NODE = `const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const fs = require('fs'), cp = require('child_process'), net = require('net');
if (!isMainThread) { parentPort.postMessage(workerData * 2); return; }
(async () => {
  const rs = await Promise.all([1, 2, 3].map((n) => new Promise((res, rej) => { const w = new Worker(__filename, { workerData: n }); w.on('message', res); w.on('error', rej); })));
  console.log('workers', rs);
  console.log(cp.execSync('echo hi').toString().trim(), cp.spawnSync('sh', ['-c', 'exit 3']).status);
  await new Promise((res) => { const c = cp.spawn('cat'); let out = ''; c.stdout.on('data', (d) => (out += d)); c.on('close', (code) => { console.log('spawn cat', out, code); res(); }); c.stdin.end('piped'); });
  fs.mkdirSync('w');
  const events = new Set();
  const watcher = fs.watch('w', (ev, f) => events.add(ev + ':' + f));
  fs.writeFileSync('w/a.txt', 'x');
  await new Promise((r) => { const t = setInterval(() => { if (events.size >= 2) { clearInterval(t); r(); } }, 20); });
  watcher.close();
  console.log('watch', [...events].sort().join(','));
  const srv = net.createServer((s) => s.end('hello')).listen(0, '127.0.0.1');
  await new Promise((r) => srv.on('listening', r));
  await new Promise((res) => net.connect(srv.address().port, '127.0.0.1').on('data', (d) => { console.log('tcp', d.toString()); res(); }));
  srv.close();
  const sab = new SharedArrayBuffer(4); const ia = new Int32Array(sab);
  const w = new Worker('const {workerData}=require("worker_threads"); const a=new Int32Array(workerData); Atomics.store(a,0,7); Atomics.notify(a,0);', { eval: true, workerData: sab });
  Atomics.wait(ia, 0, 0, 10000); console.log('atomics', ia[0]); await new Promise((r) => w.on('exit', r));
  const child = cp.fork('child.js'); child.on('message', (m) => { console.log('fork msg', m); child.kill(); });
  await new Promise((r) => child.on('exit', (c, s) => { console.log('fork exit', c, s); r(); }));
})().catch((e) => { console.error('FAIL', e); process.exit(1); });
`;

const JAVA = `import java.util.*; import java.util.concurrent.*; import java.nio.file.*; import java.io.*; import java.net.*;
public class Main { public static void main(String[] a) throws Exception {
  ExecutorService ex = Executors.newFixedThreadPool(4); List<Future<Integer>> fs = new ArrayList<>();
  for (int i = 0; i < 8; i++) { final int n = i; fs.add(ex.submit(() -> n * n)); }
  int s = 0; for (Future<Integer> f : fs) s += f.get(); ex.shutdown(); System.out.println("sum " + s);
  Files.createDirectories(Paths.get("jd/sub")); Files.write(Paths.get("jd/sub/f.txt"), "hello\\n".getBytes());
  try (var st = Files.walk(Paths.get("jd"))) { st.sorted().forEach(System.out::println); }
  Process p = new ProcessBuilder("sh", "-c", "echo from-sh; exit 3").start();
  System.out.println(new String(p.getInputStream().readAllBytes()).trim() + " " + p.waitFor());
  ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress()); int port = ss.getLocalPort();
  Thread t = new Thread(() -> { try (Socket c = ss.accept()) { c.getOutputStream().write("pong\\n".getBytes()); } catch (Exception e) { e.printStackTrace(); } }); t.start();
  try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) { System.out.println(new BufferedReader(new InputStreamReader(c.getInputStream())).readLine()); }
  t.join();
  WatchService ws = FileSystems.getDefault().newWatchService(); Paths.get("jd").register(ws, StandardWatchEventKinds.ENTRY_CREATE);
  Files.write(Paths.get("jd/new.txt"), new byte[1]); WatchKey k = ws.poll(10, TimeUnit.SECONDS);
  System.out.println("watch " + (k != null ? k.pollEvents().get(0).context() : "none"));
}}
`;

const RUBY = `require 'socket'; require 'open3'; require 'fileutils'; require 'json'; require 'digest'; require 'zlib'; require 'tempfile'; require 'etc'
$stdout.sync = true
q = Queue.new; 4.times.map { |i| Thread.new { q << i * i } }.each(&:join); p 4.times.map { q.pop }.sort
o, e, s = Open3.capture3("sh -c 'echo out; echo err >&2; exit 4'"); p [o, e, s.exitstatus]
pid = fork { exit 7 }; Process.wait(pid); p $?.exitstatus
r, w = IO.pipe; if fork then w.close; p r.read; Process.wait else r.close; w.write "from child"; exit! end
srv = TCPServer.new('127.0.0.1', 0); th = Thread.new { c = srv.accept; c.puts c.gets.upcase; c.close }
c = TCPSocket.new('127.0.0.1', srv.addr[1]); c.puts "hello"; p c.gets; th.join
UNIXServer.open("s.sock") { |us| cl = UNIXSocket.new("s.sock"); a = us.accept; cl.write "u"; p a.read(1) }; File.unlink("s.sock")
FileUtils.mkdir_p("a/b"); File.write("a/b/x", "data"); File.symlink("b/x", "a/l"); p Dir.glob("a/**/*").sort, File.readlink("a/l")
Tempfile.create("x", ".") { |f| f.write("t"); f.flush; p File.size(f.path) }
p JSON.parse('{"a":[1,2]}'), Digest::SHA256.hexdigest("abc")[0, 16], Zlib.crc32("abc")
Signal.trap("USR1") { puts "usr1" }; Process.kill("USR1", Process.pid); sleep 0.1
p IO.select([STDIN], nil, nil, 0.01).nil?, \`echo backtick\`.chomp, $?.success?, Etc.getpwuid(0).name
FileUtils.rm_rf("a")
`;

/** Files far larger than their bytes, past 4 GiB, through the tools that make and copy them (each removed: the listing reads every byte). */
const LARGE_FILES = `truncate -s 4100M big; dd if=/dev/zero of=big bs=1 count=4 seek=4294967296 conv=notrunc status=none
printf 'past 4 GiB' | dd of=big bs=1 seek=4299000000 conv=notrunc status=none; stat -c '%s %b' big; du -k big
dd if=big bs=1 skip=4299000000 count=10 status=none; echo; tail -c 1 big | od -An -tx1
python3 -c "import os; f = os.open('big', os.O_RDONLY); d = os.lseek(f, 0, os.SEEK_DATA); print(d, os.lseek(f, d, os.SEEK_HOLE), os.lseek(f, 4294971392, os.SEEK_DATA))"
cp --sparse=always big copy; du -k copy; cmp -i 4294967296 big copy && echo copy same; rm copy
tar -cSf t.tar big; stat -c %s t.tar; mkdir x; tar -xSf t.tar -C x; du -k x/big; cmp -i 4294967296 big x/big && echo tar same; rm -r x t.tar
fallocate -p -o 4298997760 -l 8192 big; du -k big; dd if=big bs=1 skip=4299000000 count=10 status=none | od -An -c
dd if=/dev/zero of=big2 bs=1M count=1 seek=6000 status=none; stat -c '%s %b' big2; truncate -s 1M big2; stat -c '%s %b' big2
rm big big2
`;

/** A FIFO opened read-write is both of its ends: bash's read -t waits on it with select. */
const FIFO_RDWR = `mkfifo f; exec 5<>f; echo one >&5; echo two >&5; read -t 5 a <&5; read -t 5 b <&5; echo "$a $b"
read -t 0.2 c <&5; echo "timed out: $?"; (sleep 0.2; echo late > f) & read -t 5 d <&5; echo "$d"; wait; exec 5>&-; rm f
`;

/** lsof of the shell itself: its program, libraries and locale files by device and inode, and its fds with their access modes. */
const LSOF = `exec 3<f 4>>f 5<>f; lsof -w -p $$ | awk '$4 == "mem" || $4 == "txt" { print $4, $5, $6, $8, $9 } $4 ~ /^[3-5][rwu]$/ { print $4, $5, $9 }' | sed "s#$PWD#.#"
`;

/** The sandboxed (recorded) run's limit: several programs start many processes, and the machine is shared. */
const LOADED_MACHINE_TIMEOUT_MS = 30_000;

const THREADS_MAY_DIVERGE = 'its threads synchronise through memory, which is not recorded';

const cases: ConformanceCase[] = [
  {
    name: 'git: local clone, branch, merge, rebase, stash, gc, fsck, worktree, bisect run, archive | tar',
    cmd: 'sh workflow.sh',
    files: { 'workflow.sh': GIT_WORKFLOW },
    env: GIT_ENV,
    needs: ['git', 'tar'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
    // The script removes its repositories at the end; were it to stop early, their .git would hold scratch paths.
    listing: { exclude: ['./*/.git/*', './wt2/.git'] },
  },
  {
    name: 'make -j4 of a multi-file C project with gcc -O2 -flto',
    cmd: 'make -s -j4 && ./prog && make -s -q prog; echo up-to-date=$?; make -s clean && ls',
    files: {
      'Makefile': MAKEFILE,
      'h.h': 'int f1(int); int f2(int); int f3(int); int f4(int); int f5(int); int f6(int);\n',
      'main.c': '#include <stdio.h>\n#include "h.h"\nint main(void) { printf("%d\\n", f1(1) + f2(2) + f3(3) + f4(4) + f5(5) + f6(6)); return 0; }\n',
      ...Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`f${i}.c`, C_MODULE(i)])),
    },
    needs: ['make', 'gcc'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
    execReplayMayDiverge: 'gcc -flto runs its link-time jobs in threads',
  },
  {
    name: 'g++ with <thread>, <future> and <filesystem>',
    cmd: 'g++ -O2 -std=c++17 -pthread -o p main.cc && ./p && rm p',
    files: { 'main.cc': CXX_THREADS_FS },
    needs: ['g++'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
    execReplayMayDiverge: THREADS_MAY_DIVERGE,
  },
  {
    name: 'tar with xz, bzip2 and zstd, xz -T2 and zstd -T2, cpio, zip and unzip',
    cmd: 'sh archivers.sh',
    files: { 'archivers.sh': ARCHIVERS },
    needs: ['tar', 'xz', 'bzip2', 'zstd', 'cpio', 'zip', 'unzip', 'diff'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
    execReplayMayDiverge: 'xz -T2 and zstd -T2 compress in threads',
  },
  {
    name: 'perl File::Find, fork and wait, IPC::Open3, TCP and unix sockets, flock, signals',
    cmd: 'perl ipc.pl',
    files: { 'ipc.pl': PERL_IPC },
    needs: ['perl'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: 'coreutils: split, csplit, shuf, sort --parallel, stdbuf, nice, install, mktemp, realpath, du, stat -f, truncate, dd',
    cmd: 'bash more.sh',
    files: { 'more.sh': COREUTILS_MORE },
    needs: ['bash', 'csplit', 'shuf', 'stdbuf', 'truncate', 'od'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: 'findutils: find -newer and -printf, xargs -P',
    cmd: 'sh find.sh',
    files: { 'find.sh': FINDUTILS_MORE },
    needs: ['find', 'xargs'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: 'util-linux and procps: script(1) on a pty, setsid -w, ps, vmstat, free, lslocks, kill -l',
    cmd: 'bash tools.sh',
    files: { 'tools.sh': PROCESS_TOOLS },
    needs: ['bash', 'script', 'setsid', 'ps', 'vmstat', 'free', 'lslocks', 'flock', 'pgrep'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: 'busybox applets: sh, ps, top, free, sort, tar, ash traps, timeout',
    cmd: 'sh bb.sh',
    files: { 'bb.sh': BUSYBOX },
    needs: ['/bin/busybox'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: 'tclsh: files, exec, pipes, error codes, event loop, sockets',
    cmd: 'tclsh t.tcl',
    files: { 't.tcl': TCL.replace('vwait forever_not; ', 'after 50; update; puts [gets $c]; close $c') },
    needs: ['tclsh'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
    execReplayMayDiverge: "tcl's event loop waits in a notifier thread with timeouts from the clock",
  },
  {
    name: 'lua: files, popen, os.execute, coroutines',
    cmd: 'lua5.4 t.lua',
    files: { 't.lua': LUA },
    needs: ['lua5.4'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: 'node: worker_threads, child_process, fs.watch, net, Atomics.wait, fork with IPC',
    cmd: 'node main.js',
    files: { 'main.js': NODE, 'child.js': "process.send('hello-from-child'); setInterval(() => {}, 1000);\n" },
    needs: ['node'],
    timeoutMs: 60_000,
    execReplayMayDiverge: THREADS_MAY_DIVERGE,
  },
  {
    name: 'ruby: threads and a queue, Open3, fork and pipes, TCP and unix sockets, files, signals',
    cmd: 'ruby t.rb',
    files: { 't.rb': RUBY },
    needs: ['ruby'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
    execReplayMayDiverge: THREADS_MAY_DIVERGE,
  },
  {
    name: 'files past 4 GiB: truncate, dd seek, SEEK_DATA, cp --sparse, tar -S, fallocate -p',
    cmd: 'sh large.sh',
    files: { 'large.sh': LARGE_FILES },
    needs: ['truncate', 'dd', 'python3', 'tar', 'fallocate', 'cmp', 'od'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: "bash read -t on a FIFO opened with <> (both ends at once)",
    cmd: 'bash fifo.sh',
    files: { 'fifo.sh': FIFO_RDWR },
    needs: ['bash'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
    execReplayMayDiverge: 'read -t and the late writer race with timeouts from the clock',
  },
  {
    name: 'lsof -p of the shell: mapped files by device and inode, fds with their access modes',
    cmd: 'bash lsof.sh',
    files: { 'lsof.sh': LSOF, f: 'x\n' },
    needs: ['bash', 'lsof'],
    timeoutMs: LOADED_MACHINE_TIMEOUT_MS,
  },
  {
    name: 'java: a thread pool, Files.walk, ProcessBuilder, sockets, WatchService',
    cmd: 'java Main.java',
    files: { 'Main.java': JAVA },
    needs: ['java'],
    timeoutMs: 90_000,
    execReplayMayDiverge: THREADS_MAY_DIVERGE,
  },
];

conformanceSuite('more userland tools', cases);
