// Conformance: POSIX ACLs and inode flags through the real tools (acl's setfacl/getfacl,
// coreutils' cp -p/-a, GNU tar --acls, e2fsprogs' chattr/lsattr), natively in a host ext4
// directory and in the sandbox's overlay. getfacl -R is given its files sorted (readdir order
// differs); lsattr is cut to the flags ext4 and tmpfs share (ext4 adds its extent flag `e`).
// The system calls underneath: test/programs/posix_acl.c, inode_flags.c.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const ACL_TOOLS = ['setfacl', 'getfacl'];
/** getfacl of a tree, file by file in sorted order. */
const TREE = (dir: string): string => `find ${dir} | sort | xargs getfacl`;

const cases: ConformanceCase[] = [
  {
    name: 'setfacl -m/-x/-b/--set and getfacl; chmod moves the mask',
    cmd: 'setfacl -m u:nobody:r,g:daemon:rwx f; getfacl f; ls -l f | cut -c1-11; chmod 640 f; getfacl -c f; setfacl -x u:nobody f; getfacl -c f; setfacl -b f; getfacl -c f; ls -l f | cut -c1-11; setfacl --set u::rw,g::r,o::-,u:bin:rw f; getfacl -n --omit-header f',
    files: { f: 'a\n' },
    needs: ACL_TOOLS,
  },
  {
    name: 'default ACLs: -d, inheritance by files and directories, -k, -R',
    cmd: `mkdir -p t/sub; echo b > t/sub/g; setfacl -d -m u:nobody:rx,g:daemon:r t; getfacl t; echo new > t/new; mkdir t/newdir; mkdir -m 700 t/private; ${TREE('t')}; setfacl -R -m u:bin:rw t/sub; ${TREE('t/sub')}; setfacl -k t; getfacl -c t`,
    needs: ACL_TOOLS,
  },
  {
    name: 'cp -p, cp -a and tar --acls keep ACLs',
    cmd: `mkdir -p t/d; echo a > t/f; setfacl -m u:nobody:rw t/f; setfacl -d -m g:daemon:rx t/d; cp -p t/f fp; getfacl -c fp; cp -a t ta; ${TREE('ta')}; tar --acls -cf a.tar t; mkdir x; tar --acls -xf a.tar -C x; ${TREE('x/t')}`,
    // The archive's bytes hold times and the order tar read the directory in.
    listing: { exclude: ['./a.tar'] },
    needs: [...ACL_TOOLS, 'tar'],
  },
  {
    name: 'chattr +i/+a/+d/+A and lsattr; what immutable and append-only refuse',
    cmd: [
      'echo a > f; mkdir d; chattr +i f; lsattr f | cut -c1-8; echo x >> f; rm -f f; mv f g; chmod 600 f; touch f; ln f h',
      'chattr -i f; chattr +a f; lsattr f | cut -c1-8; echo y >> f; echo z > f; cat f; rm -f f; chattr -a f',
      'chattr +dA d; touch d/in; mkdir d/sub; lsattr -d d d/in d/sub | cut -c1-8; chattr -R -dA d; find d | sort | xargs lsattr -d | cut -c1-8',
    ].join('; '),
    needs: ['chattr', 'lsattr'],
  },
];

conformanceSuite('ACLs and inode flags through the real tools', cases);
