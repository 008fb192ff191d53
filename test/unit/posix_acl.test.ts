// POSIX ACLs as data (src/kernel/vfs/posix_acl.ts): the xattr format both ways, Linux's
// validation, the permission check (permission.ts) with its quirks, and what chmod and
// creation in a directory with a default ACL make of an ACL. The same against Linux is
// test/programs/posix_acl.c.
import { expect } from 'chai';

import type { Credentials } from '../../src/kernel/state.js';
import { permits } from '../../src/kernel/vfs/permission.js';
import {
  ACL_GROUP, ACL_GROUP_OBJ, ACL_MASK, ACL_OTHER, ACL_USER, ACL_USER_OBJ,
  aclMode, chmodAcl, decodeAcl, encodeAcl, inheritedAcl, storedAcl, validAcl, type Acl,
} from '../../src/kernel/vfs/posix_acl.js';

const e = (tag: number, perm: number, id = 0xffffffff) => ({ tag, perm, id });
/** u::rw-, u:1000:rwx, g::r--, g:2000:rw-, m::r-x, o::--- */
const ACL: Acl = [e(ACL_USER_OBJ, 6), e(ACL_USER, 7, 1000), e(ACL_GROUP_OBJ, 4), e(ACL_GROUP, 6, 2000), e(ACL_MASK, 5), e(ACL_OTHER, 0)];

function creds(euid: number, egid: number, groups: number[] = []): Credentials {
  // Not uid 0: no capabilities.
  return { uid: euid, euid, suid: euid, gid: egid, egid, sgid: egid, groups };
}

describe('POSIX ACLs', () => {
  it('encode and decode are each other\'s inverse; unnamed entries carry id -1', () => {
    const bytes = encodeAcl(ACL);
    expect(bytes.length).to.equal(4 + 8 * ACL.length);
    expect(Buffer.from(bytes).readUInt32LE(0)).to.equal(2);
    expect(Buffer.from(bytes).readUInt32LE(8)).to.equal(0xffffffff);
    expect(decodeAcl(bytes)).to.deep.equal(ACL);
    expect(storedAcl(bytes)).to.equal(storedAcl(bytes)); // decoded once
  });

  it('refuses malformed values as Linux does', () => {
    expect(decodeAcl(new Uint8Array(3))).to.equal(-22);
    const v1 = encodeAcl(ACL);
    v1[0] = 1;
    expect(decodeAcl(v1)).to.equal(-95);
    expect(decodeAcl(encodeAcl(ACL).subarray(0, 11))).to.equal(-22);
    expect(decodeAcl(new Uint8Array([2, 0, 0, 0]))).to.deep.equal([]);
    expect(decodeAcl(new Uint8Array(0))).to.deep.equal([]);
  });

  it('validates the order, the mask a named entry needs, and the perms', () => {
    expect(validAcl(ACL)).to.equal(true);
    expect(validAcl([e(ACL_USER_OBJ, 6), e(ACL_GROUP_OBJ, 4), e(ACL_OTHER, 4)])).to.equal(true);
    expect(validAcl([e(ACL_USER_OBJ, 6), e(ACL_USER, 4, 5), e(ACL_GROUP_OBJ, 4), e(ACL_OTHER, 4)])).to.equal(false);
    expect(validAcl([e(ACL_GROUP_OBJ, 4), e(ACL_USER_OBJ, 6), e(ACL_OTHER, 4)])).to.equal(false);
    expect(validAcl([e(ACL_USER_OBJ, 8), e(ACL_GROUP_OBJ, 4), e(ACL_OTHER, 4)])).to.equal(false);
    expect(validAcl([e(ACL_USER_OBJ, 6), e(ACL_GROUP_OBJ, 4)])).to.equal(false);
    // Unsorted, repeated named ids: Linux does not look.
    expect(validAcl([e(ACL_USER_OBJ, 6), e(ACL_USER, 4, 9), e(ACL_USER, 4, 9), e(ACL_GROUP_OBJ, 4), e(ACL_MASK, 4), e(ACL_OTHER, 4)])).to.equal(true);
  });

  it('checks named users and groups through the mask; a matching group class denies', () => {
    const st = { mode: 0o100650n, uid: 0n, gid: 0n, acl: ACL };
    expect(permits(creds(1000, 1000), st, 4)).to.equal(true);
    expect(permits(creds(1000, 1000), st, 2)).to.equal(false); // rwx masked by r-x
    expect(permits(creds(1001, 1001, [2000]), st, 4)).to.equal(true);
    expect(permits(creds(1001, 1001, [2000]), st, 2)).to.equal(false);
    expect(permits(creds(1001, 1001), st, 4)).to.equal(false); // other ---
    // A group entry matches but grants less: denied even where other would grant.
    const deny: Acl = [e(ACL_USER_OBJ, 6), e(ACL_GROUP_OBJ, 0), e(ACL_GROUP, 4, 2000), e(ACL_MASK, 6), e(ACL_OTHER, 6)];
    expect(permits(creds(1001, 1001, [2000]), { mode: 0o100666n, uid: 0n, gid: 0n, acl: deny }, 2)).to.equal(false);
    // Group bits (the mask) all clear: the ACL is not consulted, the other bits decide.
    const masked: Acl = [e(ACL_USER_OBJ, 6), e(ACL_USER, 6, 1000), e(ACL_GROUP_OBJ, 6), e(ACL_MASK, 0), e(ACL_OTHER, 4)];
    expect(permits(creds(1000, 1000), { mode: 0o100604n, uid: 0n, gid: 0n, acl: masked }, 4)).to.equal(true);
  });

  it('says when the mode holds an ACL, rewrites it at chmod, and inherits a default one', () => {
    expect(aclMode([e(ACL_USER_OBJ, 7), e(ACL_GROUP_OBJ, 5), e(ACL_OTHER, 4)], 0o100000)).to.deep.equal({ mode: 0o100754, equivalent: true });
    expect(aclMode(ACL, 0o100777)).to.deep.equal({ mode: 0o100650, equivalent: false });
    expect(chmodAcl(ACL, 0o604).map((x) => x.perm)).to.deep.equal([6, 7, 4, 6, 0, 4]);
    const def: Acl = [e(ACL_USER_OBJ, 7), e(ACL_USER, 5, 1000), e(ACL_GROUP_OBJ, 5), e(ACL_MASK, 7), e(ACL_OTHER, 0)];
    const file = inheritedAcl(def, 0o666);
    expect(file.mode).to.equal(0o660);
    expect(file.access?.map((x) => x.perm)).to.deep.equal([6, 5, 5, 6, 0]);
    expect(inheritedAcl([e(ACL_USER_OBJ, 7), e(ACL_GROUP_OBJ, 5), e(ACL_OTHER, 1)], 0o666)).to.deep.equal({ mode: 0o640 });
  });
});
