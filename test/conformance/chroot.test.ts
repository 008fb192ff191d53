// Conformance: chroot(1) into trees the case builds in its scratch directory: a static busybox
// alone, a dynamically linked program with the libraries ldd names (its PT_INTERP and
// libraries are found in the jail), the same program without them (ENOENT), and a chroot
// inside a chroot. Each run natively (as root) and in tsvisor and compared.

import { conformanceSuite, type ConformanceCase } from './harness.js';

/** A jail j/ holding a static busybox, run as `$B` (no applet links). */
const BUSYBOX_JAIL = `mkdir -p j/bin j/etc j/sub/bin && cp /bin/busybox j/bin/ && cp /bin/busybox j/sub/bin/ && echo jailed > j/etc/motd && echo in-sub > j/sub/motd && ln -s /etc/motd j/link && ln -s ../../../../.. j/sub/up`;

const cases: ConformanceCase[] = [
  {
    name: 'busybox sh in a jail: absolute paths, symlinks and .. stay in it, files are made in it',
    cmd: `${BUSYBOX_JAIL} && chroot j /bin/busybox sh -c '
      B=/bin/busybox
      $B cat /etc/motd /link /sub/up/etc/motd /../../etc/motd
      cd /; cd ../..; $B pwd
      cd /sub/up/sub && $B pwd
      $B ls -a / | $B sort
      $B readlink /link
      $B mkdir /made && echo made-in-jail > /made/file && $B cat /made/file
      $B ln -s /made/file /made/abs && $B cat /made/abs
      $B test -e /proc/self || echo "no /proc in the jail"
      $B ls /usr 2>&1; echo "ls /usr: $?"
    '; echo "status $?"; cat j/made/file`,
    needs: ['chroot', '/bin/busybox'],
  },
  {
    name: 'a chroot inside a chroot (busybox chroot)',
    cmd: `${BUSYBOX_JAIL} && chroot j /bin/busybox chroot /sub /bin/busybox sh -c '/bin/busybox cat /motd /up/motd; cd ..; /bin/busybox pwd'; echo "status $?"`,
    needs: ['chroot', '/bin/busybox'],
  },
  {
    name: 'a dynamically linked program finds its interpreter and libraries in the jail',
    cmd: `mkdir -p j/bin && cp /bin/echo j/bin/ && for lib in $(ldd /bin/echo | grep -o '/[^ ]*'); do mkdir -p "j$(dirname "$lib")" && cp "$lib" "j$lib"; done && chroot j /bin/echo from the jail; echo "status $?"`,
    needs: ['chroot', 'ldd'],
  },
  {
    name: 'without its interpreter in the jail, exec fails with ENOENT',
    cmd: `mkdir -p k/bin && cp /bin/echo k/bin/ && chroot k /bin/echo not printed; echo "status $?"; chroot k /bin/missing; echo "status $?"; chroot k/bin/echo /bin/echo; echo "status $?"; chroot missing-dir /bin/echo; echo "status $?"`,
    needs: ['chroot'],
  },
];

conformanceSuite('chroot', cases);
