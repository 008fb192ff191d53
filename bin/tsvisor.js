#!/usr/bin/env node
// One bundled file (npm run build): loading ~60 modules one by one costs ~40 ms of start-up.
import { main } from '../dist/tsvisor.mjs';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tsvisor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(125);
  },
);
