// Conformance: sed, grep (-r over a tree) and awk, each run natively and in tsvisor and compared.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const POEM = 'The quick brown fox\njumps over\nthe lazy dog.\n\nNumbers: 3 14 15 92\nEnd of text\n';

const TREE = {
  'src/main.c': 'int main(void) { return needle(); }\n',
  'src/lib/util.c': '/* needle helper */\nint needle(void) { return 0; }\n',
  'src/lib/util.h': 'int needle(void);\n',
  'docs/readme.txt': 'No match here.\nBut a NEEDLE in caps.\n',
  'docs/notes.txt': 'haystack\nneedle\nhaystack\n',
  'bin/blob.bin': Buffer.from([0, 1, 2, 110, 101, 101, 100, 108, 101, 0, 255]),
};

const cases: ConformanceCase[] = [
  {
    name: 'sed substitution, addresses and -n p',
    cmd: `sed 's/o/0/g' poem; sed -n '2,3p' poem; sed '/^$/d; s/^\\(.\\)/[\\1]/' poem; sed -n '/quick/,/lazy/{=;p}' poem; sed '$!d' poem`,
    files: { poem: POEM },
  },
  {
    name: 'sed -i edits in place (temporary file and rename)',
    cmd: `sed -i 's/lazy/sleepy/; 1i\\
first line' poem; cat poem; chmod 600 poem; sed -i.bak -e '$a\\
appended' poem; stat -c '%n %a' poem poem.bak; tail -n 1 poem`,
    files: { poem: POEM },
  },
  {
    name: 'sed with hold space and -E',
    cmd: `printf 'a\\nb\\nc\\n' | sed -n '1!G;h;$p'; echo 'key=value; k2=v2' | sed -E 's/([a-z0-9]+)=([a-z0-9]+)/\\2:\\1/g'; seq 10 | sed -n '0~3p'`,
  },
  {
    name: 'sed reading a script file and writing with w',
    cmd: `sed -f script.sed poem > out.txt; cat out.txt; cat matches.txt`,
    files: { poem: POEM, 'script.sed': 's/the/THE/gi\n/fox/w matches.txt\n/^$/c\\\n(blank)\n' },
  },
  {
    name: 'grep -r over a tree',
    cmd: `grep -r needle . | sort; echo --; grep -rn needle src | sort; echo --; grep -rl needle . | sort; echo --; grep -rc needle docs | sort`,
    files: TREE,
  },
  {
    name: 'grep -ri, --include, -w, -v, -L',
    cmd: `grep -ri needle docs | sort; grep -r --include='*.h' needle .; grep -rw needle src | sort; grep -v haystack docs/notes.txt; grep -rL needle . | sort`,
    files: TREE,
  },
  {
    name: 'grep exit statuses and binary files',
    cmd: `grep needle docs/readme.txt; echo "none $?"; grep needle nosuchfile; echo "missing $?"; grep -q needle docs/notes.txt; echo "quiet $?"; grep -c needle bin/blob.bin; grep -a -o needle bin/blob.bin`,
    files: TREE,
  },
  {
    name: 'grep -E, -o, -A/-B context, from stdin',
    cmd: `grep -E -o '[0-9]+' poem; grep -B1 -A1 lazy poem; printf 'a1\\nb22\\nc\\n' | grep -E '^[a-z][0-9]{2}$'`,
    files: { poem: POEM },
  },
  {
    name: 'awk sums and averages columns',
    cmd: `awk '{ s += $2; n++ } END { printf "sum=%d avg=%.2f n=%d\\n", s, s / n, n }' data; awk -F, 'NR > 1 { print $3, $1 }' csv`,
    files: { data: 'a 10\nb 20\nc 33\n', csv: 'name,age,city\nann,31,paris\nbob,45,rome\n' },
    needs: ['awk'],
  },
  {
    name: 'awk associative arrays, sorted output through a pipe',
    cmd: `awk '{ for (i = 1; i <= NF; i++) count[tolower($i)]++ } END { for (w in count) print count[w], w | "sort -k1,1nr -k2"; close("sort -k1,1nr -k2"); print "done" }' poem`,
    files: { poem: 'the cat and the dog\nThe end and the start\n' },
    needs: ['awk'],
  },
  {
    name: 'awk getline from a command and system()',
    cmd: `awk 'BEGIN { while (("seq 3" | getline line) > 0) s += line; print "sum", s; r = system("exit 3"); print "system", r; printf "x\\n" > "out.txt"; close("out.txt"); while ((getline l < "out.txt") > 0) print "read", l }'`,
    needs: ['awk'],
  },
  {
    name: 'awk string functions and printf',
    cmd: `echo 'Hello, World' | awk '{ print length($0), toupper($1), substr($2, 2, 3), index($0, "W"); n = split("a:b:c", parts, ":"); print n, parts[3]; s = $0; gsub(/l/, "L", s); print s; printf "%5.1f|%-4s|%03d\\n", 3.14159, "ab", 7 }'`,
    needs: ['awk'],
  },
  {
    name: 'mawk by name',
    cmd: `seq 1 10 | mawk 'NR % 2 == 0 { s += $1 } END { print s }'`,
    needs: ['mawk'],
  },
  {
    name: 'gawk by name',
    cmd: `seq 1 10 | gawk '{ a[NR] = $1 } END { n = asort(a); print n, a[n] }'`,
    needs: ['gawk'],
  },
];

conformanceSuite('sed, grep, awk', cases.map((c) => ({ ...c, needs: [...(c.needs ?? []), 'sed', 'grep'] })));
