// Conformance: tar (create, list, extract) with gzip, gzip alone, and rsync between local trees,
// each run natively and in tsvisor and compared. Archives are made reproducible: fixed mtimes,
// owners and order.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const TREE = {
  'proj/README': 'A project.\n',
  'proj/src/main.c': 'int main(void) { return 0; }\n',
  'proj/src/data.txt': 'line\n'.repeat(500),
  'proj/bin/tool': { content: '#!/bin/sh\necho tool\n', mode: 0o755 },
  'proj/empty': '',
};

const REPRO = `--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu`;

const cases: ConformanceCase[] = [
  {
    name: 'tar czf then tar tzvf',
    cmd: `ln -s src/main.c proj/link; tar czf proj.tar.gz ${REPRO} proj; tar tzf proj.tar.gz; tar tzvf proj.tar.gz --utc`,
    files: TREE,
  },
  {
    name: 'tar czf is reproducible (same bytes)',
    cmd: `tar cf - ${REPRO} proj | gzip -n > a.tar.gz; tar czf b.tar.gz ${REPRO} proj; sha256sum a.tar.gz; cmp a.tar.gz b.tar.gz && echo identical`,
    files: TREE,
    needs: ['cmp'],
  },
  {
    name: 'tar xzf extracts modes, times and links',
    cmd: `ln -s src/main.c proj/link; tar czf p.tgz ${REPRO} proj; mkdir out; tar xzf p.tgz -C out; find out | sort; stat -c '%n %a %Y %F' out/proj/bin/tool out/proj/src/main.c out/proj/link; diff -r proj out/proj && echo same`,
    files: TREE,
    needs: ['diff'],
  },
  {
    name: 'tar through a pipe between two tars',
    cmd: `mkdir copy; tar cf - proj | (cd copy && tar xf -); diff -r proj copy/proj && echo same; tar cf - proj | tar tf - | sort`,
    files: TREE,
    needs: ['diff'],
  },
  {
    name: 'tar -x of one member, to stdout, and a failing member',
    cmd: `tar czf p.tgz ${REPRO} proj; tar xzOf p.tgz proj/README; tar xzf p.tgz proj/src/main.c; stat -c '%n %Y %a' proj/src/main.c; tar xzf p.tgz proj/nosuch; echo "rc=$?"`,
    files: TREE,
    stableStderr: true,
  },
  {
    name: 'gzip and gunzip files',
    cmd: `seq 1000 > n; touch -d @1000000 n; gzip -9 n; ls; gzip -l n.gz | tail -n 1 | awk '{print $1, $2}'; gzip -t n.gz && echo ok; sha256sum n.gz; gunzip n.gz; tail -n 1 n; gzip -c n | gzip -dc | wc -l; zcat < /dev/null; echo "empty $?"`,
  },
  {
    name: 'gzip -k, -f, -r on a tree',
    cmd: `gzip -rk proj; find proj | sort; gzip -f proj/README; ls proj; rm proj/src/main.c proj/src/data.txt proj/bin/tool proj/empty; gunzip -r proj; find proj | sort; cat proj/README`,
    files: TREE,
  },
  {
    // A file with holes: du and st_blocks count only what was written; tar --sparse stores the
    // data and the map (a 10 KiB archive, not 5 MiB); cp finds the holes with SEEK_DATA/SEEK_HOLE.
    name: 'a sparse file: du, tar --sparse, cp --sparse',
    cmd: `truncate -s 5M big; printf middle | dd of=big bs=1 seek=2000000 conv=notrunc status=none; printf end >> big; touch -d @1000000 big; du -k big; stat -c '%s %b' big; tar --sparse ${REPRO} -cf s.tar big; stat -c '%s' s.tar; sha256sum s.tar; mkdir out; tar -xf s.tar -C out; cmp big out/big && du -k out/big; cp --sparse=auto big copy; du -k copy; cat big > dense; du -k dense; cp --sparse=always dense again; du -k again`,
    needs: ['truncate', 'dd', 'du', 'cmp'],
  },
  {
    // rsync's generator ends its receiver with SIGUSR2 while the receiver computes between a
    // write and a 60 s poll: under --record the signal must not be lost there (it was, about 1
    // run in 20), and its processes' 20 ms sleeps between wait4 polls must end as recorded in the
    // replay (by their time, or by a child's SIGCHLD).
    name: 'rsync -a, --delete and --exclude between local trees',
    cmd: `rsync -a proj/ copy/; diff -r proj copy && echo same; echo more >> proj/README; rm proj/empty; rsync -a --delete proj/ copy/; find copy | sort; rsync -a --exclude='*.txt' proj/ other/; find other | sort; rsync -a proj/ copy/; echo "rc=$?"`,
    files: TREE,
    needs: ['rsync', 'diff'],
  },
];

conformanceSuite('tar and gzip', cases.map((c) => ({ ...c, needs: [...(c.needs ?? []), 'tar', 'gzip'] })));
