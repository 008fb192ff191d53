// build/Release/tsvisor, the launcher (native/launcher/launcher.c): tsvisor's own node starts
// without NODE_EXTRA_CA_CERTS, and the program still gets exactly the environment it was
// given (same entries, same order), compared with the program run natively.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { REPO_ROOT } from '../support/programs.js';
import { runNative, summarize, testEnv, type RunResult } from '../support/run.js';

const LAUNCHER = join(REPO_ROOT, 'build', 'Release', 'tsvisor');
const HELD = 'TSVISOR_HELD_NODE_EXTRA_CA_CERTS';
/** A CA file that does not exist: a node that loads it warns on stderr. */
const MISSING_CA = '/nonexistent/tsvisor-test-ca.pem';

function launch(args: readonly string[], env: NodeJS.ProcessEnv): RunResult {
  const r = spawnSync(LAUNCHER, args, { env, input: '', encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error } : {}) };
}

/** An environment whose key order is the given one (spawn passes keys in insertion order). */
function envOf(entries: readonly [string, string][]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of entries) env[k] = v;
  return env;
}

describe('the launcher (build/Release/tsvisor)', function () {
  const base = Object.entries(testEnv()) as [string, string][];

  const cases: { name: string; env: NodeJS.ProcessEnv }[] = [
    { name: 'NODE_EXTRA_CA_CERTS between other variables', env: envOf([['B', '1'], ['NODE_EXTRA_CA_CERTS', MISSING_CA], ...base, ['A', 'x=y']]) },
    { name: 'NODE_EXTRA_CA_CERTS first, empty', env: envOf([['NODE_EXTRA_CA_CERTS', ''], ...base]) },
    { name: 'no NODE_EXTRA_CA_CERTS', env: envOf([...base, ['Z', '1']]) },
    {
      name: 'the held name already set by the user',
      env: envOf([[HELD, 'mine'], ...base, ['NODE_EXTRA_CA_CERTS', MISSING_CA]]),
    },
    { name: 'only the held name set by the user', env: envOf([...base, [HELD, 'mine']]) },
  ];
  for (const c of cases) {
    it(`gives the program the environment it was given: ${c.name}`, function () {
      const native = runNative(['/usr/bin/env'], { env: c.env });
      const sandboxed = launch(['run', '--', '/usr/bin/env'], c.env);
      expect(native.status, summarize(native)).to.equal(0);
      expect(sandboxed.status, summarize(sandboxed)).to.equal(0);
      expect(sandboxed.stdout).to.equal(native.stdout);
    });
  }

  it("keeps NODE_EXTRA_CA_CERTS from tsvisor's own node", function () {
    const env = envOf([...base, ['NODE_EXTRA_CA_CERTS', MISSING_CA]]);
    const direct = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'tsvisor.js'), 'run', '--', '/bin/true'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    // The check is meaningful only if node does report a CA file it cannot load.
    expect(direct.stderr).to.include(MISSING_CA);
    const launched = launch(['run', '--', '/bin/true'], env);
    expect(launched.status, summarize(launched)).to.equal(0);
    expect(launched.stderr).to.equal('');
  });

  it("passes the arguments and the program's exit status through", function () {
    const r = launch(['run', '--', '/bin/sh', '-c', 'echo "$1|$2"; exit 7', 'sh', 'a b', ''], testEnv());
    expect(r.status, summarize(r)).to.equal(7);
    expect(r.stdout).to.equal('a b|\n');
  });
});

describe('bin/tsvisor-launched.js (the launcher without a start-up snapshot)', function () {
  it('renames the held entry back, in its place, in the environment the program gets', function () {
    const given = envOf([['B', '1'], ['NODE_EXTRA_CA_CERTS', '/x.pem'], ...(Object.entries(testEnv()) as [string, string][])]);
    const asLaunched = envOf(Object.entries(given).map(([k, v]) => [k === 'NODE_EXTRA_CA_CERTS' ? HELD : k, v!]));
    const native = runNative(['/usr/bin/env'], { env: given });
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'tsvisor-launched.js'), 'held', 'run', '--', '/usr/bin/env'], {
      env: asLaunched,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(native.stdout);
  });

  it('leaves the environment alone in plain mode, a variable of the held name included', function () {
    const given = envOf([...(Object.entries(testEnv()) as [string, string][]), [HELD, 'mine']]);
    const native = runNative(['/usr/bin/env'], { env: given });
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'tsvisor-launched.js'), 'plain', 'run', '--', '/usr/bin/env'], {
      env: given,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(native.stdout);
  });
});
