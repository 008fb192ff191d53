#!/usr/bin/env node
'use strict';
// The node side of tsvisor-runc (the native front-end, bin/tsvisor-runc, runs it for the commands
// it leaves to node and for each container's sandbox process): the OCI runtime, bundled as one
// CommonJS script (dist/bundle/oci_main.cjs) and compiled through V8's code cache, which Node 20
// offers to scripts but not to ES modules. Without the cache, compiling the bundle's source is
// most of a sandbox process's start-up. A missing or rejected cache (another node, a rebuilt
// bundle) is made anew when a sandbox process ends.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '..', 'dist', 'bundle', 'oci_main.cjs');
const cacheFile = `${file}.cache`;
// V8 checks a cache against the source's length only: the cache names the bundle it was made
// from (its mtime and size) so that a rebuilt bundle never runs another's code.
const stat = fs.statSync(file);
const stamp = Buffer.from(`${stat.mtimeMs}:${stat.size}\n`);
let cachedData;
try {
  const saved = fs.readFileSync(cacheFile);
  if (saved.subarray(0, stamp.length).equals(stamp)) cachedData = saved.subarray(stamp.length);
} catch {
  // none yet
}
// Pure ASCII (src/packaging/bundle_oci_runtime.ts checks it): latin1 is the cheapest decoding.
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'latin1')), { filename: file, cachedData });
// Made by a sandbox process (the one a container's start-up waits for), whose functions it then holds compiled.
if ((cachedData === undefined || script.cachedDataRejected) && process.argv[2] === '__oci-sandbox') {
  process.once('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, Buffer.concat([stamp, script.createCachedData()]));
      fs.renameSync(tmp, cacheFile);
    } catch {
      // a read-only installation: no cache, only a slower start
    }
  });
}
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, Module.createRequire(file), module_, file, path.dirname(file));
module_.exports.ociMain(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tsvisor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(125);
  },
);
