// A path's components (no empty ones: `a//b/` is a, b), as every walk and lookup splits them.

export function splitPath(path: string): string[] {
  // By hand: split('/') is a call into V8's runtime, and a filter a callback per component.
  const out: string[] = [];
  for (let start = 0; start < path.length; ) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    if (end > start) out.push(path.slice(start, end));
    start = end + 1;
  }
  return out;
}
