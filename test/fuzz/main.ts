// `npm run fuzz -- [options]`: a fuzzing campaign (docs/fuzzing.md).
//
//   --seeds A..B        seeds of the syscall fuzzer (default 1..100)
//   --calls N           raw syscalls per seed (default 200)
//   --linkage L         static or dynamic build of the fuzzer (default static)
//   --per-run N         seeds per sandbox run (default 25)
//   --user UID:GID      run the fuzzer as this user in the sandbox (default root)
//   --files N           mutated inputs per file-input target (default 100; 0: none)
//   --syscalls-only, --files-only
//
// Prints progress, then every finding with the command that reproduces it; exits 1 if there
// was any.

import { buildPrograms, type Linkage } from '../support/programs.js';
import { runFileInputCampaign } from './file_inputs.js';
import { runSyscallCampaign, type Finding } from './syscall_campaign.js';

interface Options {
  first: number;
  last: number;
  calls: number;
  linkage: Linkage;
  perRun: number;
  user?: string;
  files: number;
  syscalls: boolean;
  fileInputs: boolean;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { first: 1, last: 100, calls: 200, linkage: 'static', perRun: 25, files: 100, syscalls: true, fileInputs: true };
  const int = (v: string | undefined, what: string): number => {
    if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${what} wants a number`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (a === '--seeds') {
      const m = /^(\d+)(?:\.\.(\d+))?$/.exec(v ?? '');
      if (!m) throw new Error('--seeds wants A..B or N');
      o.first = Number(m[1]);
      o.last = Number(m[2] ?? m[1]);
      i++;
    } else if (a === '--calls') (o.calls = int(v, a)), i++;
    else if (a === '--per-run') (o.perRun = Math.max(1, int(v, a))), i++;
    else if (a === '--files') (o.files = int(v, a)), i++;
    else if (a === '--user' && /^\d+:\d+$/.test(v ?? '')) (o.user = v), i++;
    else if (a === '--linkage' && (v === 'static' || v === 'dynamic')) (o.linkage = v), i++;
    else if (a === '--syscalls-only') o.fileInputs = false;
    else if (a === '--files-only') o.syscalls = false;
    else throw new Error(`unknown option ${a}`);
  }
  if (o.last < o.first) throw new Error('--seeds A..B wants A <= B');
  return o;
}

function report(findings: readonly Finding[]): void {
  for (const f of findings) {
    console.log(`\nFINDING (seeds ${f.seeds}): ${f.what}\n${f.detail}\nreproduce: ${f.reproduce}`);
  }
}

async function main(): Promise<number> {
  const o = parse(globalThis.process.argv.slice(2));
  await buildPrograms();
  let found = 0;
  if (o.syscalls) {
    const r = await runSyscallCampaign({
      first: o.first,
      last: o.last,
      calls: o.calls,
      linkage: o.linkage,
      seedsPerRun: o.perRun,
      ...(o.user ? { user: o.user } : {}),
      progress: (l) => console.log(l),
    });
    const endings = [...r.endings].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`);
    console.log(`syscalls: ${r.seeds} seeds in ${r.runs} runs, ${r.calls} calls; batches ended ${endings.join(', ')}`);
    console.log(`syscalls: ${r.unsupported.size} unsupported numbers reported; tsvisor's largest RSS ${Math.round(r.maxRssKib / 1024)} MiB`);
    report(r.findings);
    found += r.findings.length;
  }
  if (o.fileInputs && o.files > 0) {
    const r = await runFileInputCampaign({ perTarget: o.files, seed: o.first, progress: (l) => console.log(l) });
    report(r.findings);
    found += r.findings.length;
  }
  console.log(`\n${found} findings`);
  return found === 0 ? 0 : 1;
}

main().then(
  (code) => globalThis.process.exit(code),
  (err: unknown) => {
    console.error(`fuzz: ${err instanceof Error ? err.message : String(err)}`);
    globalThis.process.exit(2);
  },
);
