// Conformance: perl one-liners (filters, in-place edits, file tests, fork and pipes), each run
// natively and in tsvisor and compared.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const DATA = 'alice 31 paris\nbob 45 rome\ncarol 27 oslo\ndave 45 lima\n';

const cases: ConformanceCase[] = [
  {
    name: 'perl -ne, -pe, -lane filters',
    cmd: `perl -ne 'print if /o/' data; perl -pe 's/(\\d+)/$1*2/e' data; perl -lane 'print "$F[2]:$F[0]"' data; perl -lne '$s += (split)[1]; END { print $s }' data`,
    files: { data: DATA },
  },
  {
    name: 'perl -i in-place edit with a backup',
    cmd: `perl -i.orig -pe 's/^(\\w)/\\u$1/' data; cat data; ls; cmp -s data data.orig; echo "differ $?"`,
    files: { data: DATA },
    needs: ['cmp'],
  },
  {
    name: 'perl hashes, sort and sprintf',
    cmd: `perl -e 'my %by; while (<>) { my ($n, $a) = split; push @{$by{$a}}, $n } for my $k (sort { $b <=> $a } keys %by) { printf "%-3d %s\\n", $k, join(",", sort @{$by{$k}}) }' data`,
    files: { data: DATA },
  },
  {
    name: 'perl file operations: opendir, stat, rename, unlink, mkdir',
    cmd: `perl -e 'mkdir "d", 0750 or die; open my $f, ">", "d/x" or die; print $f "abc"; close $f; rename "d/x", "d/y" or die; opendir my $dh, "d"; print join(",", sort grep { !/^\\./ } readdir $dh), "\\n"; my @s = stat "d/y"; printf "%o %d\\n", $s[2] & 07777, $s[7]; printf "%o\\n", (stat "d")[2] & 07777; unlink "d/y"; rmdir "d" or die; print -e "d" ? "still\\n" : "gone\\n"'`,
  },
  {
    name: 'perl fork, pipe open and wait status',
    cmd: `perl -e 'open(my $fh, "-|", "seq", "3") or die; my @l = <$fh>; close $fh; print "got ", scalar(@l), " lines, last $l[-1]"; my $pid = fork; if (!$pid) { exit 5 } waitpid($pid, 0); print "child exit ", $? >> 8, "\\n"; open(my $out, "|-", "tr a-z A-Z") or die; print $out "shouted\\n"; close $out; print "system: ", system("sh", "-c", "exit 2") >> 8, "\\n"'`,
  },
  {
    name: 'perl POSIX strftime and sprintf of fixed times',
    cmd: `perl -MPOSIX -e 'print strftime("%Y-%m-%d %H:%M:%S %A", gmtime(0)), "\\n"; print strftime("%j %U", gmtime(1234567890)), "\\n"; printf "%.3f %e %x %o %b\\n", 3.14159, 12345.678, 255, 8, 5'`,
  },
  {
    name: 'perl signals and $SIG handlers',
    cmd: `perl -MTime::HiRes=ualarm -e '$SIG{USR1} = sub { print "got USR1\\n" }; kill "USR1", $$; $SIG{ALRM} = sub { die "alarm\\n" }; eval { ualarm 100_000; select(undef, undef, undef, 5); ualarm 0 }; print "eval: $@"; $SIG{TERM} = "IGNORE"; kill "TERM", $$; print "alive\\n"'`,
  },
  {
    name: 'perl reading stdin in paragraph and slurp modes',
    cmd: `perl -00 -ne 'chomp; print length($_), "\\n"'`,
    stdin: 'para one\nline two\n\npara two\n\n\nthird\n',
  },
];

conformanceSuite('perl', cases.map((c) => ({ ...c, needs: [...(c.needs ?? []), 'perl'] })));
