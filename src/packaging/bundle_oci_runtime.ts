// Build step (npm run build): the OCI runtime (src/oci/oci_main.ts) bundled as one CommonJS
// script, dist/bundle/oci_main.cjs, that bin/tsvisor-runc-node.cjs compiles through V8's code
// cache (Node 20 has none for ES modules). Its built-in imports are shared
// (shared_builtin_imports.ts). Without whitespace or comments, and pure ASCII (checked there),
// the launcher reads it as latin1: one non-ASCII character (an em dash in a comment of zod's)
// had made the 1.2 MB source a two-byte string, ~3 ms of decoding at every start-up.
import { build } from 'esbuild';
import fs from 'node:fs';

import { shareBuiltinImports } from './shared_builtin_imports.js';

const OUT = 'dist/bundle/oci_main.cjs';

const result = await build({
  entryPoints: ['dist/src/oci/oci_main.js'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  outfile: OUT,
  // import.meta.url (the native addon's path is found from it) as the bundle's own URL.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifyWhitespace: true,
  logLevel: 'warning',
});
fs.writeFileSync(OUT, shareBuiltinImports(result.outputFiles[0]!.text, OUT));
