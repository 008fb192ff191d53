// The support table as a product: `tsvisor syscalls`, docs/syscalls.md, and the seccomp
// filter's allowlist all agree with src/kernel/syscalls/table.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

import {
  SUPPORT_LEVELS,
  type SyscallRow,
  renderSyscallsMarkdown,
  seccompAllowedSyscalls,
  syscallRows,
  tableEntries,
} from '../../src/cli/syscalls_command.js';
import { SYSCALL_TABLE } from '../../src/kernel/syscalls/table.js';
import { REPO_ROOT } from '../support/programs.js';
import { TSVISOR_BIN } from '../support/run.js';

const DOC_PATH = join(REPO_ROOT, 'docs', 'syscalls.md');

/**
 * Where the table and the filter knowingly disagree, and why. The agreement test fails both on
 * a new disagreement and on an entry here that no longer disagrees (then delete it).
 */
/**
 * Filter-allowed syscalls that are not plain 'host' entries. mmap: the filter lets anonymous
 * mappings through; file mappings are trapped and emulated, so the entry is 'partial'.
 * ('host' entries the filter traps are DESIGN.md's kind (b): checked by the kernel, then run
 * by the host; the next test checks the CLI says so.)
 */
const ALLOWED_BUT_NOT_HOST: Readonly<Record<string, string>> = {
  mmap: 'partial',
};

function tsvisor(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TSVISOR_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tsvisor syscalls', () => {
  it('docs/syscalls.md is what `npm run docs:syscalls` generates from the table', () => {
    const expected = renderSyscallsMarkdown(syscallRows(null));
    let actual: string;
    try {
      actual = readFileSync(DOC_PATH, 'utf8');
    } catch {
      expect.fail('docs/syscalls.md is missing: run `npm run docs:syscalls`');
    }
    const stale = 'docs/syscalls.md is out of date with the syscall table: run `npm run docs:syscalls`';
    expect(actual === expected, stale).to.be.true;
  });

  it('prints every syscall number 0..max in order, and counts that add up', () => {
    const r = tsvisor('syscalls');
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^\s*NR\s+NAME\s+LEVEL\s+SECCOMP\s+NOTE$/);

    const rowPattern = /^\s*(\d+)\s+(\S+)\s+(full|partial|host|unsupported)\b/;
    const rows = lines.slice(1).map((l) => rowPattern.exec(l)).filter((m) => m !== null);
    const printed = rows.map((m) => Number(m[1]));
    const defined = tableEntries().map((e) => e.nr);
    expect(printed).to.deep.equal(defined);
    expect(printed[0]).to.equal(0);
    expect(printed.at(-1)).to.equal(SYSCALL_TABLE.length - 1);
    // The only numbers left out are those x86-64 does not define.
    for (let nr = 0; nr < SYSCALL_TABLE.length; nr++) {
      if (!printed.includes(nr)) expect(SYSCALL_TABLE[nr], `syscall ${nr} not printed`).to.equal(undefined);
    }
    for (const m of rows) {
      const entry = SYSCALL_TABLE[Number(m[1])]!;
      expect([m[2], m[3]], `row for ${entry.nr}`).to.deep.equal([entry.name, entry.support]);
    }

    const counts = new Map<string, number>();
    for (const l of lines) {
      const m = /^(full|partial|host|unsupported|total)\s+(\d+)\b/.exec(l);
      if (m) counts.set(m[1]!, Number(m[2]));
    }
    expect([...counts.keys()]).to.deep.equal([...SUPPORT_LEVELS, 'total']);
    const sum = SUPPORT_LEVELS.reduce((s, level) => s + counts.get(level)!, 0);
    expect(sum).to.equal(counts.get('total'));
    expect(counts.get('total')).to.equal(printed.length);
    for (const level of SUPPORT_LEVELS) {
      expect(counts.get(level), level).to.equal(rows.filter((m) => m[3] === level).length);
    }
  });

  it('--json prints the table as a JSON array; --level filters it', () => {
    const r = tsvisor('syscalls', '--json');
    expect(r.status, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as SyscallRow[];
    expect(rows).to.be.an('array');
    expect(rows.map((row) => [row.nr, row.name, row.support, row.note])).to.deep.equal(
      tableEntries().map((e) => [e.nr, e.name, e.support, e.note ?? null]),
    );

    const host = JSON.parse(tsvisor('syscalls', '--json', '--level', 'host').stdout) as SyscallRow[];
    expect(host.length).to.be.greaterThan(0);
    expect(host.every((row) => row.support === 'host')).to.be.true;

    const bad = tsvisor('syscalls', '--level', 'most');
    expect(bad.status).to.equal(125);
    expect(bad.stderr).to.match(/^tsvisor: --level wants one of/);
  });

  it('every syscall the seccomp filter lets through is a host entry of the table', () => {
    const allowed = seccompAllowedSyscalls();
    expect(allowed, 'the native addon did not load (npm ci builds it)').to.not.equal(null);
    const notHost: Record<string, string> = {};
    for (const nr of allowed!) {
      const e = SYSCALL_TABLE[nr];
      if (e === undefined) notHost[`syscall_${nr}`] = 'not in the table';
      else if (e.support !== 'host') notHost[e.name] = e.support;
    }
    expect(notHost, 'seccomp allowlist (native/seccomp_filter.cc) vs table').to.deep.equal(ALLOWED_BUT_NOT_HOST);
  });

  it('the CLI shows, for host entries, whether the filter lets them through', () => {
    const allowed = seccompAllowedSyscalls();
    expect(allowed).to.not.equal(null);
    const lines = tsvisor('syscalls', '--level', 'host').stdout.split('\n');
    for (const e of tableEntries().filter((entry) => entry.support === 'host')) {
      const line = lines.find((l) => new RegExp(`^\\s*${e.nr}\\s+${e.name}\\s`).test(l));
      expect(line, e.name).to.not.equal(undefined);
      expect(line).to.match(new RegExp(`\\shost\\s+${allowed!.has(e.nr) ? 'allows' : 'traps'}\\b`));
    }
  });
});
