#!/usr/bin/env node
// tsvisor as an OCI runtime with runc's command line, for containerd (ctr --runc-binary) and
// Docker (dockerd --add-runtime tsvisor=PATH): every command, run/list/checkpoint/restore
// included, is runc's.
import { ociMain } from '../dist/bundle/oci_main.mjs';

ociMain(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tsvisor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(125);
  },
);
