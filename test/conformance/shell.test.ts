// Conformance: dash scripts (pipelines, redirections, subshells, here-documents, traps,
// background jobs and wait, set -e), each run natively and in tsvisor and compared.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const cases: ConformanceCase[] = [
  {
    name: 'pipeline of three programs',
    cmd: `printf 'pear\\napple\\nfig\\napple\\n' | sort | uniq -c | tr 'a-z' 'A-Z'`,
  },
  {
    name: 'long pipeline with large data',
    cmd: `seq 1 20000 | sed 's/$/x/' | grep -c 1 | cat | cat`,
  },
  {
    name: 'SIGPIPE ends the writer of a closed pipe quietly',
    cmd: `seq 1 200000 | head -n 2; yes abc | head -n 3; echo "status $?"`,
  },
  {
    name: 'pipeline status is the last command and ! inverts it',
    cmd: `false | true; echo "a $?"; true | false; echo "b $?"; ! true; echo "c $?"; ! false; echo "d $?"`,
  },
  {
    name: 'output redirections: truncate, append, read back',
    cmd: `echo one > out.txt; echo two >> out.txt; cat < out.txt; wc -l < out.txt; : > empty.txt`,
  },
  {
    name: 'stderr redirection to a file and 2>&1 into a pipe',
    cmd: `ls missing-file 2> err.txt; echo "rc=$?"; cat err.txt; { echo out; echo err >&2; } 2>&1 | sed 's/^/> /'`,
  },
  {
    name: 'exec opens, duplicates and closes descriptors',
    cmd: `exec 3> fd3.txt; echo to-three >&3; echo again 1>&3; exec 3>&-; cat fd3.txt; exec 4< fd3.txt; read first <&4; read second <&4; echo "[$first][$second]"; exec 4<&-`,
  },
  {
    name: 'noclobber refuses to overwrite',
    cmd: `set -C; echo a > f; echo b > f; echo "rc=$?"; echo c >| f; cat f`,
  },
  {
    name: 'subshells do not change the parent',
    cmd: `x=1; (x=2; echo "inner $x"); echo "outer $x"; mkdir -p d/e; (cd d/e && echo "in $(basename "$PWD")"); [ "$PWD" = "$HOME" ] && echo "back home"; (exit 3); echo "subshell status $?"`,
  },
  {
    name: 'command substitution, nested',
    cmd: `a=$(echo hello | tr h H); echo "$a"; echo "lines: $(seq 5 | wc -l)"; echo "$(echo "$(echo deep)")"; n=$(printf 'x\\n\\n\\n'); echo "[$n]"`,
  },
  {
    name: 'here-documents: expanded, quoted, tab-stripped',
    cmd: `name=world\ncat <<EOF\nhello $name\n$(echo substituted)\n\\$literal\nEOF\ncat <<'EOF'\nno $expansion here\nEOF\ncat <<-EOF\n\tstripped tabs\nEOF\nwc -c <<EOF > count.txt\n0123456789\nEOF\ncat count.txt`,
  },
  {
    name: 'while read over stdin',
    cmd: `while read a b; do echo "[$a][$b]"; done; echo end`,
    stdin: 'alpha beta gamma\none\n\nlast line without newline',
  },
  {
    name: 'loops, arithmetic, case and functions',
    cmd: `i=0; while [ $i -lt 5 ]; do i=$((i + 1)); printf '%d ' $((i * i)); done; echo
for f in a b c; do printf '%s-' "$f"; done; echo
f() { case $1 in a*) echo "A:$1";; [0-9]*) echo "digit:$1";; *) echo "other:$1";; esac; return 3; }
f abc; f 42; f zzz; echo "ret $?"`,
  },
  {
    name: 'positional parameters and IFS splitting',
    cmd: `set -- a 'b c' d; echo "$#"; for x in "$@"; do echo "<$x>"; done; shift; echo "$*"; IFS=:; v='p:q:r'; set -- $v; echo "$# $2"`,
  },
  {
    name: 'globbing in a fixed tree',
    cmd: `echo *.txt; echo sub/*; echo nomatch*; echo [ab]*.txt; echo .h*`,
    files: { 'a.txt': 'a', 'b.txt': 'b', 'c.log': 'c', 'sub/x': 'x', 'sub/y': 'y', '.hidden': 'h' },
  },
  {
    name: 'trap on EXIT runs after exit',
    cmd: `trap 'echo "bye $?"' EXIT; echo hi; exit 4`,
  },
  {
    name: 'trap on a signal sent to itself',
    cmd: `trap 'echo got USR1' USR1; kill -USR1 $$; echo after; trap - USR1; trap 'echo term' TERM; kill -TERM $$; echo end`,
  },
  {
    name: 'trap in a child shell that exits from the handler',
    cmd: `sh -c 'trap "echo caught; exit 7" TERM; kill -TERM $$; echo not-reached'; echo "rc=$?"`,
  },
  {
    name: 'death by signal gives status 128+N',
    cmd: `sh -c 'kill -KILL $$'; echo "killed: $?"; sh -c 'kill -TERM $$'; echo "terminated: $?"; sh -c 'kill -INT $$'; echo "interrupted: $?"`,
  },
  {
    name: 'background jobs and wait',
    cmd: `(sleep 0.1; echo slow > slow.txt) & p=$!; (exit 5) & q=$!; echo started; wait $q; echo "q exited $?"; wait $p; echo "p exited $?"; cat slow.txt`,
  },
  {
    name: 'several background jobs writing files, then wait for all',
    cmd: `for i in 1 2 3 4; do (seq $i > job$i.txt) & done; wait; cat job1.txt job2.txt job3.txt job4.txt | wc -l`,
  },
  {
    // Around 128 KiB the new stack reaches down to where the loader puts its list of calls, and past it.
    name: 'exec with an argument of 100-130 KB: each arrives whole',
    cmd: `for n in 100000 $(seq 118000 1300 131000); do x=$(head -c $n /dev/zero | tr '\\0' a); printf '%s ' $(/bin/echo "$x" | wc -c); done; echo`,
  },
  {
    name: 'kill a background job and wait for its status',
    cmd: `sleep 10 & p=$!; kill $p; wait $p; echo "status $?"`,
  },
  {
    name: 'set -e stops at the first failure',
    cmd: `set -e; echo one; true; false; echo not-reached`,
  },
  {
    name: 'set -e spares conditions and ||',
    cmd: `set -e; if false; then echo no; fi; false || echo "or-branch"; ! false; while false; do :; done; echo reached; exit 0`,
  },
  {
    name: 'set -u and parameter expansion forms',
    cmd: `v=value; echo "\${v#va} \${v%ue} \${#v} \${u:-default} \${w:=assigned} $w"; set -u; (echo "$nosuch") 2>/dev/null; echo "unset status $?"`,
  },
  {
    name: 'command not found is status 127 with a message',
    cmd: `nosuchcommand-xyz; echo "rc=$?"; ./missing.sh; echo "rc=$?"`,
  },
  {
    name: 'a script file with a #! line and exit status',
    cmd: `chmod +x run.sh; ./run.sh one two; echo "rc=$?"; sh run.sh three; echo "rc=$?"`,
    files: { 'run.sh': '#!/bin/sh\necho "args: $# $1 $2"\necho "name: $(basename "$0")"\nexit 9\n' },
  },
  {
    name: 'exit status of the case itself',
    cmd: `echo partial; exit 42`,
  },
  {
    name: 'read -r and printf formats',
    cmd: `printf '%s\\n' 'back\\slash' | { read -r l; echo "$l"; }; printf '%5s|%-5s|%05d|%x|%o|%c\\n' ab cd 42 255 8 xyz; printf '%b\\n' 'tab\\there'`,
  },
  {
    name: 'test and [ on files',
    cmd: `for p in f d l missing; do [ -e $p ] && e=y || e=n; [ -f $p ] && f=y || f=n; [ -d $p ] && d=y || d=n; [ -L $p ] && l=y || l=n; [ -x $p ] && x=y || x=n; echo "$p e=$e f=$f d=$d l=$l x=$x"; done; [ f -nt d ] && echo newer || echo "not newer"`,
    files: { f: { content: 'data', mode: 0o755 } },
    dirs: ['d'],
    symlinks: { l: 'f' },
  },
];

conformanceSuite('dash scripts', cases);
