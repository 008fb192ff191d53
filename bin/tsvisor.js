#!/usr/bin/env node
// The bundle (npm run build): loading ~80 modules one by one costs ~40 ms of start-up; the
// commands other than `run` are split into chunks loaded on demand.
import { main } from '../dist/bundle/main.mjs';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tsvisor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(125);
  },
);
