// Build time only (snapshot_entry.ts): compiles, before the snapshot is taken, the functions of
// the bundle that runs compile lazily (src/packaging/build_snapshot.ts finds them by running a
// few commands under a first snapshot). V8 compiles a function the first time it is called;
// a function compiled at build time keeps its bytecode in the snapshot, so a run deserializes
// it instead of parsing and compiling it (~300-500 functions per run: 6-9 ms of CPU; after this,
// python3 -c 'import json' compiles 7 of the bundle's). Node's own modules loaded while node
// bootstraps are not shown to the debugger: their ~150 lazily compiled functions per run stay.
//
// There is no API to compile a function by its place in a script, but the inspector's
// Debugger.getPossibleBreakpoints compiles every function that intersects the range it is
// asked about (it needs their bytecode to list break locations). The debugger is enabled only
// for this and disabled before the snapshot is made, which drops its per-function break data.
import fs from 'node:fs';
import inspector from 'node:inspector';
import { pathToFileURL } from 'node:url';

/** The start offsets of functions in the bundle's source, as build_snapshot.ts wrote them. */
function readOffsets(offsetsPath: string): number[] {
  const parsed: unknown = JSON.parse(fs.readFileSync(offsetsPath, 'utf8'));
  if (!Array.isArray(parsed) || !parsed.every((n) => Number.isInteger(n) && n >= 0)) throw new Error(`${offsetsPath}: not a list of offsets`);
  return parsed as number[];
}

/** Compiles the functions starting at the listed offsets of the script at scriptPath; returns how many could not be. */
export function precompileFunctions(scriptPath: string, offsetsPath: string): number {
  if (!fs.existsSync(offsetsPath)) return 0;
  const offsets = readOffsets(offsetsPath);
  // The protocol takes lines and columns; the log gave offsets.
  const source = fs.readFileSync(scriptPath, 'latin1');
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const url = pathToFileURL(scriptPath).href;
  const session = new inspector.Session();
  session.connect();
  let scriptId: string | undefined;
  session.on('Debugger.scriptParsed', (m) => {
    if (m.params.url === scriptPath || m.params.url === url) scriptId ??= m.params.scriptId;
  });
  // An in-process session answers synchronously: scriptParsed has come for every script by now.
  session.post('Debugger.enable');
  let failed = 0;
  const at = (offset: number): inspector.Debugger.Location => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { scriptId: scriptId!, lineNumber: lo, columnNumber: offset - lineStarts[lo]! };
  };
  if (scriptId === undefined) failed = offsets.length;
  else {
    for (const start of offsets) {
      if (start < 0 || start >= source.length) {
        failed++;
        continue;
      }
      session.post('Debugger.getPossibleBreakpoints', { start: at(start), end: at(start + 1) }, (err) => {
        if (err) failed++;
      });
    }
  }
  session.post('Debugger.disable');
  session.disconnect();
  return failed;
}
