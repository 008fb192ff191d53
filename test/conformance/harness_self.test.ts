// The conformance harness's own mechanics, natively only: the wrapper keeps the case's stdout
// exact (even without a final newline, even if it prints the marker text itself), keeps its
// exit status (also a death by signal), and lists the scratch directory; the diff is readable.

import { expect } from 'chai';
import { rmSync } from 'node:fs';

import {
  LISTING_MARKER,
  firstDifference,
  makeCaseDirs,
  runCaseNative,
  splitListing,
  unifiedDiff,
  type ConformanceCase,
} from './harness.js';

function nativeRun(c: ConformanceCase): ReturnType<typeof runCaseNative> {
  const dirs = makeCaseDirs(c);
  try {
    return runCaseNative(c, dirs.native);
  } finally {
    rmSync(dirs.base, { recursive: true, force: true });
  }
}

describe('conformance harness (self-test, native only)', function () {
  it('keeps stdout without a final newline and the exit status', function () {
    const r = nativeRun({ name: 't', cmd: 'printf abc; exit 3' });
    expect(r.stdout).to.equal('abc');
    expect(r.status).to.equal(3);
    expect(r.listing).to.be.a('string');
  });

  it('keeps a death by signal as 128+N', function () {
    const r = nativeRun({ name: 't', cmd: 'echo before; kill -TERM $$' });
    expect(r.stdout).to.equal('before\n');
    expect(r.status).to.equal(143);
  });

  it('splits at the last marker, so a case printing the marker keeps it', function () {
    const r = nativeRun({ name: 't', cmd: `echo '${LISTING_MARKER}'; echo after` });
    expect(r.stdout).to.equal(`${LISTING_MARKER}\nafter\n`);
    expect(splitListing(`x\n${LISTING_MARKER}\nlisting\n`)).to.deep.equal({ stdout: 'x', listing: 'listing\n' });
  });

  it('lists files with modes, sizes, symlinks, hashes and contents, normalising the scratch path', function () {
    const r = nativeRun({
      name: 't',
      cmd: 'mkdir -p d; printf hi > d/f; chmod 600 d/f; ln -s d/f l; pwd',
      files: { seeded: 'seed\n' },
    });
    expect(r.stdout).to.equal('$SCRATCH\n');
    expect(r.listing).to.contain('./d  dir 755\n');
    expect(r.listing).to.contain('./d/f  file 600 size=2 links=1\n');
    expect(r.listing).to.contain('./l  symlink -> d/f\n');
    expect(r.listing).to.contain('./seeded  file 644 size=5 links=1\n');
    expect(r.listing).to.contain('8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4  ./d/f\n');
  });

  it('excludes listed paths', function () {
    const r = nativeRun({ name: 't', cmd: 'echo x > keep; echo y > drop', listing: { exclude: ['./drop'] } });
    expect(r.listing).to.contain('./keep');
    expect(r.listing).not.to.contain('./drop');
  });

  it('reports the first differing line and a unified diff', function () {
    expect(firstDifference('a\nb\n', 'a\nc\n')).to.equal('line 2: native "b", sandbox "c"');
    expect(firstDifference('a\n', 'a\nb\n')).to.equal('line 2: native <end of output>, sandbox "b"');
    expect(unifiedDiff('a\nb\nc\n', 'a\nc\nd\n')).to.equal('--- native\n+++ sandbox\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d');
  });
});
