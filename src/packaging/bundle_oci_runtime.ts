// Build step (npm run build): the OCI runtime (src/oci/oci_main.ts) bundled as one CommonJS
// script, dist/bundle/oci_main.cjs, that bin/tsvisor-runc-node.cjs compiles through V8's code
// cache (Node 20 has none for ES modules). Every `import fs from 'node:fs'` of a CommonJS
// bundle becomes esbuild's __toESM(require('node:fs')), a fresh copy of the module's properties
// per importing file (~70 of them: ~15 ms of a sandbox process's start-up): the copy is made
// once per built-in module instead. Without whitespace or comments, and pure ASCII (checked
// here), the launcher reads it as latin1: one non-ASCII character (an em dash in a comment of
// zod's) had made the 1.2 MB source a two-byte string, ~3 ms of decoding at every start-up.
import { build } from 'esbuild';
import fs from 'node:fs';

const OUT = 'dist/bundle/oci_main.cjs';
const HELPER = 'var __toESM=(';
const BUILTIN_IMPORT = '__toESM(require("node:';

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
let text = result.outputFiles[0]!.text;
const at = text.indexOf(HELPER);
// esbuild's output changed shape: fail the build rather than ship the slow path unnoticed.
if (at < 0 || !text.includes(BUILTIN_IMPORT)) throw new Error(`${OUT}: esbuild's __toESM helper or its built-in imports not found`);
const once = [
  'var __builtinsAsESM = new WeakMap();',
  'var __builtinAsESM = (mod, isNodeMode) => {',
  '  let esm = __builtinsAsESM.get(mod);',
  '  if (!esm) __builtinsAsESM.set(mod, (esm = __toESM(mod, isNodeMode)));',
  '  return esm;',
  '};',
  '',
].join('\n');
text = text.slice(0, at) + once + text.slice(at).replaceAll(BUILTIN_IMPORT, '__builtinAsESM(require("node:');
// esbuild escapes non-ASCII in literals (charset ascii) and drops comments when minifying.
const wide = /[^\x00-\x7f]/.exec(text);
if (wide) throw new Error(`${OUT}: non-ASCII character at ${wide.index}: the launcher reads the bundle as latin1`);
fs.writeFileSync(OUT, text);
