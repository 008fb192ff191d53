// The CPU features a checkpoint's registers may depend on: a restore on a CPU without one of
// them could not put the saved XSAVE state back.
import fs from 'node:fs';

/** The features that decide which XSAVE components and instructions a program may be using. */
const RELEVANT = ['sse', 'sse2', 'ssse3', 'sse4_1', 'sse4_2', 'avx', 'avx2', 'avx512f', 'avx512bw', 'avx512vl', 'xsave', 'xsaveopt', 'xsavec', 'fma', 'pku', 'amx_tile'];

export function hostCpu(): { cpuFeatures: string[] } {
  let flags: Set<string>;
  try {
    const line = /^flags\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    flags = new Set(line.split(/\s+/));
  } catch {
    flags = new Set();
  }
  return { cpuFeatures: RELEVANT.filter((f) => flags.has(f)) };
}

/** Features an image needs that this host lacks. */
export function missingCpuFeatures(needed: readonly string[]): string[] {
  const here = new Set(hostCpu().cpuFeatures);
  return needed.filter((f) => !here.has(f));
}
