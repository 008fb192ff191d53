// Conformance: coreutils and findutils on trees the cases create, each run natively and in
// tsvisor and compared (output, status, and the files left in the scratch directory).

import { conformanceSuite, type ConformanceCase } from './harness.js';

/** Makes a small fixed tree under ./tree, every entry dated 2001-02-03 04:05:06 UTC. */
const MAKE_TREE = [
  'mkdir -p tree/a/b tree/c',
  "printf 'x' > tree/a/f1",
  "printf 'hello\\n' > tree/a/b/f2",
  "printf '#!/bin/sh\\necho run\\n' > tree/c/run.sh",
  'chmod 640 tree/a/f1; chmod 755 tree/c/run.sh; chmod 700 tree/c',
  'ln -s a/b/f2 tree/link',
  "find tree -depth -exec touch -h -d '2001-02-03 04:05:06' {} +",
  "touch -d '2001-02-03 04:05:06' .",
].join('; ');

const cases: ConformanceCase[] = [
  {
    name: 'ls -la on a fixed tree',
    cmd: `${MAKE_TREE}; ls -la --time-style=long-iso tree tree/a tree/a/b tree/c`,
  },
  {
    name: 'ls -R, -1, -F, -S, -t, -r, -d',
    cmd: `${MAKE_TREE}; printf 'longer content\\n' > tree/a/big; ls -R tree; ls -1F tree/a tree/c; ls -S -1 tree/a/f1 tree/a/big tree/a/b/f2; ls -t -1 tree; ls -r -1 tree; ls -d tree/*; ls -lo --time-style=+%s tree/a/f1 tree/link`,
  },
  {
    name: 'cp -a keeps modes, times and symlinks',
    cmd: `${MAKE_TREE}; cp -a tree copy; find copy | sort | xargs stat -c '%n %F %a %U %G %y %N'; cat copy/link`,
  },
  {
    name: 'cp of files, into directories, cp -r and -p',
    cmd: `printf 'one\\n' > f; cp f g; mkdir d; cp f g d/; cp -r d e; touch -d @1000 f; cp -p f h; stat -c '%n %a %Y' f h; stat -c '%n %a' g d/f e/g`,
  },
  {
    name: 'mv renames files and directories',
    cmd: `mkdir d; echo x > a; mv a d/b; mv d e; echo y > c; mv -f c e/b; ls -R; cat e/b; mv e/b . ; ls e | wc -l`,
  },
  {
    name: 'rm -r and rm -f',
    cmd: `mkdir -p x/y/z; touch x/y/z/f x/g x/.h; rm -r x/y; find x | sort; rm -f x/nonexistent; echo "rc=$?"; rm x/none; echo "rc=$?"; rm -rf x; ls`,
  },
  {
    name: 'rmdir refuses a non-empty directory',
    cmd: `mkdir -p p/q; touch p/q/f; rmdir p/q; echo "rc=$?"; rm p/q/f; rmdir -p p/q; echo "rc=$?"; ls`,
  },
  {
    name: 'mkdir -p and -m',
    cmd: `mkdir -p -m 700 p/q/r; mkdir -p p/q/r; echo "again $?"; mkdir p; echo "exists $?"; mkdir -m 1777 sticky; stat -c '%n %a %F' p p/q p/q/r sticky`,
  },
  {
    name: 'ln -s, ln, readlink',
    cmd: `echo hi > target; ln -s target l1; ln -s l1 l2; ln -s nowhere dangling; readlink l2; readlink -f l2 | sed "s|$PWD|.|"; cat l2; ln target hard; stat -c '%n %h' target hard; cat dangling; echo "rc=$?"; ln -sf target l1; ls -l l1 | cut -d' ' -f1,9-`,
  },
  {
    name: 'stat formats on a file, a directory and a symlink',
    cmd: `printf 'abc' > f; chmod 754 f; touch -d '2020-01-02 03:04:05' f; mkdir d; ln -s f l; stat -c '%n|%s|%a|%A|%F|%U|%G|%u|%g|%h|%Y|%y' f; stat -c '%n %F %a' d; stat -c '%n %F %N' l; stat -L -c '%n %F %s' l`,
  },
  {
    name: 'touch -d and find -newer',
    cmd: `touch -d '2000-01-01 00:00:00' old; touch -d '2010-06-15 12:00:00' new; touch -r old copytime; touch -m -d @86400 mtime-only; find . -type f -newer old | sort; ls -t; stat -c '%n %Y' old new copytime mtime-only`,
  },
  {
    name: 'sort: numeric, by key, unique, reverse',
    cmd: `sort data; echo --; sort -n -t, -k2 data; echo --; sort -u -t, -k3,3 data; echo --; sort -rn data | head -n 2; sort -c data; echo "sorted? $?"`,
    files: { data: 'b,10,x\na,2,y\nc,33,x\nb,10,x\nd,-4,z\n' },
  },
  {
    name: 'uniq -c -d -u',
    cmd: `sort words | uniq -c; sort words | uniq -d; sort words | uniq -u`,
    files: { words: 'cat\ndog\ncat\nbird\ndog\ncat\nfish\n' },
  },
  {
    name: 'wc on files and stdin',
    cmd: `wc text; wc -l text; wc -w < text; wc -c text empty; printf 'no newline' | wc`,
    files: { text: 'one two three\nfour five\n\nsix\n', empty: '' },
  },
  {
    name: 'head and tail',
    cmd: `seq 20 > n; head -n 3 n; tail -n 2 n; tail -c 6 n; head -c 4 n; echo; tail -n +18 n; head -n -17 n`,
  },
  {
    name: 'cut by fields and characters',
    cmd: `cut -d: -f1,3 passwd; cut -c2-4 passwd; cut -d: -f2- --output-delimiter=' ' passwd`,
    files: { passwd: 'root:x:0:0:root:/root:/bin/sh\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n' },
  },
  {
    name: 'tr translate, squeeze, delete',
    cmd: `echo 'Hello World' | tr -s 'lo' | tr 'a-z' 'A-Z'; echo abcabc | tr -d b; echo 'a  b   c' | tr -s ' ' '\\n'; printf 'x\\0y' | tr '\\0' '-'; echo`,
  },
  {
    name: 'tee to files and append',
    cmd: `seq 3 | tee t1 t2 | wc -l; echo more | tee -a t1 > /dev/null; cat t1 t2`,
  },
  {
    name: 'seq forms',
    cmd: `seq 5; seq -s, 1 2 9; seq -w 8 11; seq 3 -1 1; seq -f '%.2f' 0 0.5 1.5`,
  },
  {
    name: 'date of fixed instants',
    cmd: `date -u -d @0; date -u -d @86400 +%F; date -d @1234567890 '+%Y-%m-%d %H:%M:%S %s %a %j'; date -u -d '2020-02-29 12:00' +%s; TZ=Asia/Tokyo date -d @0 '+%H:%M %Z'`,
  },
  {
    name: 'env: listing, -i, -u',
    cmd: `env | sort | grep -v '^_='; env -i FOO=bar /usr/bin/env; env -u HOME sh -c 'echo "\${HOME-unset}"'; FOO=1 env | grep '^FOO='`,
  },
  {
    name: 'id and whoami',
    cmd: `id; id -u; id -g; id -un; id -gn; whoami; groups`,
  },
  {
    name: 'sleep and timeout',
    cmd: `sleep 0.1; echo slept; timeout 5 sleep 0.1; echo "rc=$?"; timeout 0.2 sleep 5; echo "timed out rc=$?"`,
  },
  {
    name: 'xargs batching and -I',
    cmd: `printf '%s\\n' a b c d e | xargs -n 2 echo; printf 'x y\\nz\\n' | xargs -I{} echo '[{}]'; printf 'a\\0b c\\0' | xargs -0 -n1 echo; echo 1 2 3 | xargs sh -c 'echo $#'`,
  },
  {
    name: 'find with -name, -type, -exec and -delete',
    cmd: `mkdir -p f/a f/b/c; touch f/a/1.c f/b/2.c f/b/3.h f/b/c/4.c; find f -name '*.c' -exec echo found {} \\; | sort; find f -type f -exec ls {} + | sort; find f -type d | sort; find f -name '*.h' -delete; find f -name '*.h' | wc -l; find f -maxdepth 1 -mindepth 1 -printf '%f %y\\n' | sort`,
  },
  {
    name: 'dd between files and /dev/zero',
    cmd: `dd if=/dev/zero of=zeros bs=1k count=4 status=none; wc -c zeros; seq 1000 > n; dd if=n of=part bs=10 skip=2 count=3 status=none; cat part; echo; dd if=n bs=1 count=5 status=none | od -c | head -n 1`,
  },
  {
    name: 'checksums',
    cmd: `printf abc | sha256sum; printf abc | md5sum; seq 100 > n; cksum n; sha1sum n; sha256sum n > sums; sha256sum -c sums`,
  },
  {
    name: 'chmod symbolic, octal and recursive',
    cmd: `touch f g; mkdir -p d/e; touch d/e/h; chmod u=rwx,g=rx,o= f; chmod 4755 g; chmod -R go-rwx d; chmod a+X d/e/h; stat -c '%n %a %A' f g d d/e d/e/h`,
  },
  {
    name: 'truncate and sparse sizes',
    cmd: `truncate -s 1M big; truncate -s 10 small; echo abc > t; truncate -s -1 t; stat -c '%n %s' big small t; od -c t; tail -c 3 small | od -An -tx1`,
  },
  {
    name: 'od, paste, join, comm, nl, tac, rev, fold',
    cmd: `printf '\\001\\002abc' | od -An -tx1; paste a b; join a b; comm a b; nl -ba a; tac a; echo hello | rev; echo abcdefghij | fold -w 3`,
    files: { a: '1 one\n2 two\n3 three\n', b: '1 eins\n3 drei\n4 vier\n' },
  },
  {
    name: 'split and cat back',
    cmd: `seq 10 | split -l 3 - part_; ls part_*; cat part_ab; cat part_* | md5sum; seq 10 | md5sum`,
  },
  {
    name: 'basename, dirname, realpath, pwd',
    cmd: `basename /a/b/c.txt .txt; dirname /a/b/c.txt; mkdir -p x/y; cd x/y; pwd | sed "s|$HOME|~|"; realpath ../../x/./y | sed "s|$HOME|~|"; realpath -m ../nope/../z | sed "s|$HOME|~|"`,
  },
  {
    name: 'mktemp in the scratch directory',
    cmd: `d=$(mktemp -d ./tmp.XXXXXX) && echo "dir ok"; f=$(mktemp "$d/f.XXXX") && echo "file ok"; stat -c '%a' "$d" "$f"; rm -r "$d"; ls`,
  },
  {
    name: 'devices: /dev/null, /dev/zero, /dev/full',
    cmd: `cat /dev/null; echo "null $?"; head -c 8 /dev/zero | od -An -tx1; echo x > /dev/null; echo "rc=$?"; echo x > /dev/full; echo "full rc=$?"`,
  },
  {
    name: 'expr, factor, numfmt, true and false',
    cmd: `expr 6 \\* 7; expr length hello; factor 360; numfmt --to=iec 1048576; true; echo $?; false; echo $?`,
  },
  {
    name: 'du-free disk questions: test -s, cmp, diff',
    cmd: `printf 'a\\nb\\nc\\n' > x; printf 'a\\nB\\nc\\n' > y; cmp x y; echo "cmp $?"; diff x y; echo "diff $?"; diff -u x x; echo "same $?"; [ -s x ] && echo nonempty`,
  },
];

conformanceSuite('coreutils and findutils', cases);
