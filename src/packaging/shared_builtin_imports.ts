// A build step shared by the two CommonJS bundles (the OCI runtime's, the start-up snapshot's).
// Every `import fs from 'node:fs'` of a CommonJS bundle becomes esbuild's
// __toESM(require('node:fs')): a fresh copy of the module's properties per importing file, one
// getter closure, its context and an accessor pair per property (~80 files import node:fs).
// The copy is made once per built-in module instead. In the OCI runtime that was ~15 ms of a
// sandbox process's start-up; in the snapshot, ~14 000 heap objects (0.8 MB) that every start
// reads and deserializes (~2.7 ms of CPU).

const HELPER = 'var __toESM=(';
const BUILTIN_IMPORT = '__toESM(require("node:';

const ONCE = [
  'var __builtinsAsESM = new WeakMap();',
  'var __builtinAsESM = (mod, isNodeMode) => {',
  '  let esm = __builtinsAsESM.get(mod);',
  '  if (!esm) __builtinsAsESM.set(mod, (esm = __toESM(mod, isNodeMode)));',
  '  return esm;',
  '};',
  '',
].join('\n');

/**
 * The bundle's text with its built-in imports shared (as given when they already are); throws
 * when esbuild's output changed shape or is not pure ASCII.
 */
export function shareBuiltinImports(text: string, name: string): string {
  if (text.includes(ONCE)) return text;
  const at = text.indexOf(HELPER);
  // esbuild's output changed shape: fail the build rather than ship the slow path unnoticed.
  if (at < 0 || !text.includes(BUILTIN_IMPORT)) throw new Error(`${name}: esbuild's __toESM helper or its built-in imports not found`);
  const shared = text.slice(0, at) + ONCE + text.slice(at).replaceAll(BUILTIN_IMPORT, '__builtinAsESM(require("node:');
  // esbuild escapes non-ASCII in literals (charset ascii) and drops comments when minifying. One
  // non-ASCII character would make the whole source a two-byte string in V8's heap.
  const wide = /[^\x00-\x7f]/.exec(shared);
  if (wide) throw new Error(`${name}: non-ASCII character at ${wide.index}: the source would be a two-byte string`);
  return shared;
}
