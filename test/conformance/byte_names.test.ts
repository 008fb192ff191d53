// Conformance: names that are bytes, not UTF-8 (0x80-0xff, cut and overlong sequences), through
// real tools: ls, find -print0, tar, python3's bytes APIs, shell globbing, mv/ln/cp/rm, and
// argv and the environment. Output goes through od so that every byte is compared as text.

import { conformanceSuite, type ConformanceCase } from './harness.js';

/** Shell code making the names: a\377b, \200\201, cut\342\202x, over\300\257 and café. */
const MAKE = [
  `export LC_ALL=C`,
  `a=$(printf 'a\\377b'); b=$(printf '\\200\\201'); c=$(printf 'cut\\342\\202x'); d=$(printf 'over\\300\\257'); e=$(printf 'caf\\303\\251')`,
  `for n in "$a" "$b" "$c" "$d" "$e"; do printf '%s' "$n" > "$n"; done`,
].join('; ');

const cases: ConformanceCase[] = [
  {
    name: 'ls lists the bytes, sorted bytewise',
    cmd: `${MAKE}; ls | od -An -c; ls -1b; ls -l --time-style=+ "$a" | cut -c1-10`,
  },
  {
    name: 'find -print0 and -printf give the bytes',
    cmd: `${MAKE}; mkdir "d$b"; touch "d$b/in$a"; find . -print0 | sort -z | od -An -tx1; find . -name '*[[:print:]]x' -printf '%f\\n' | od -An -c`,
  },
  {
    name: 'tar c, t and x keep the names',
    cmd: `${MAKE}; mkdir "t$a"; mv -- "$b" "$c" "t$a"/; tar cf n.tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner "t$a"; tar tf n.tar | od -An -c; mkdir out; tar xf n.tar -C out; ls -R out | od -An -c; cmp "out/t$a/$b" "t$a/$b" && echo same`,
    needs: ['tar', 'cmp'],
  },
  {
    name: "python3: os.listdir(b'.'), os.fsencode and surrogateescape round trips",
    cmd: `${MAKE}; python3 -c "
import os, sys
names = sorted(os.listdir(b'.'))
print(names)
print(sorted(os.fsencode(n) for n in os.listdir('.')) == names)
os.rename(b'a\\xffb', b'renamed\\xfe')
os.symlink(b'target\\x80', b'link\\xc3')
print(os.readlink(b'link\\xc3'), os.readlink('link\\udcc3'))
os.mkdir(b'dir\\xfd'); os.chdir(b'dir\\xfd'); print(os.getcwdb().split(b'/')[-1])
print(sys.argv[1:], [os.fsencode(a) for a in sys.argv[1:]])
print(os.environb.get(b'BYTES'))
" "$a" "$c"`,
    env: { BYTES: 'plain' },
    needs: ['python3'],
  },
  {
    name: 'sh globbing, case patterns and the environment',
    cmd: `${MAKE}; for f in *; do printf '%s|' "$f"; done | od -An -c; x=$(printf '\\377'); for f in ?$x?; do echo "one char each side: $f" | od -An -c; done; case "$a" in a?b) echo matches;; *) echo no;; esac; V="$c" sh -c 'printf %s "$V"' | od -An -c; env "K$b=v$d" env | grep '^K' | od -An -c`,
  },
  {
    name: 'mv, ln -s, readlink, cp -r and rm on such names',
    cmd: `${MAKE}; mv -- "$a" "m$b"; ln -s "$c" "l$d"; readlink "l$d" | od -An -c; cat "l$d" | od -An -c; mkdir "s$e"; cp -r -- "m$b" "s$e/"; ls "s$e" | od -An -c; rm -- "$c"; test -L "l$d" && ! test -e "l$d" && echo dangling; rm -r -- "s$e"; ls | od -An -c`,
  },
  {
    name: 'a script and a program run by a name that is not UTF-8, with such arguments',
    cmd: `${MAKE}; s=$(printf 'run\\377.sh'); printf '#!/bin/sh\\nprintf "%%s|" "$0" "$@" | od -An -c\\n' > "$s"; chmod +x "$s"; ./"$s" "$a" "$b"; cp /bin/echo "./e$d"; "./e$d" "$c" | od -An -c`,
  },
];

conformanceSuite('names that are bytes', cases);
