// Conformance: a PostgreSQL server in the sandbox, run as its own user (setpriv drops root:
// keep-caps, setresuid, capabilities), with the processes it forks sharing memory (System V
// and POSIX shared memory, semaphores and latches in it), signalling each other and talking
// over a unix socket: initdb, start, queries from psql, pgbench with four clients, stop.
// Each run natively and in tsvisor and compared.

import { conformanceSuite, type ConformanceCase } from './harness.js';

const BIN = '/usr/lib/postgresql/15/bin';

/** Runs as the postgres user, in ./pg (its socket directory and data directory). */
const SERVER_SESSION = `set -e
export PATH=${BIN}:$PATH
initdb -N -D pg/data -A trust -U postgres --locale=C -E UTF8 >/dev/null
pg_ctl -D pg/data -o "-k $PWD/pg -c listen_addresses= -c fsync=off" -l pg/log -w start >/dev/null
q() { psql -h "$PWD/pg" -U postgres -XAt "$@"; }
q -c "create table t(a int primary key, b text)" -c "insert into t select g, md5(g::text) from generate_series(1, 5000) g" -c "select count(*), sum(a), max(b) from t"
pgbench -h "$PWD/pg" -U postgres -q -i -s 1 postgres >/dev/null 2>&1
pgbench -h "$PWD/pg" -U postgres -c 4 -j 2 -t 25 postgres 2>&1 | grep -E '^number of (transactions actually processed|failed)'
q -c "select count(*) from pgbench_history" -c "select (select sum(abalance) from pgbench_accounts) = (select sum(delta) from pgbench_history)"
pg_ctl -D pg/data -m fast -w stop >/dev/null
echo stopped
`;

const cases: ConformanceCase[] = [
  {
    name: 'PostgreSQL: initdb, server, psql and pgbench as the postgres user',
    cmd: 'mkdir pg && chown postgres:postgres pg && setpriv --reuid=postgres --regid=postgres --init-groups sh session.sh',
    files: { 'session.sh': SERVER_SESSION },
    needs: [`${BIN}/postgres`, `${BIN}/initdb`, `${BIN}/pg_ctl`, `${BIN}/pgbench`, 'psql', 'setpriv'],
    listing: { exclude: ['./pg', './pg/*'] },
    timeoutMs: 90_000,
    execReplayMayDiverge: 'the server processes synchronise through shared memory (spinlocks, latches), which is not recorded',
  },
];

conformanceSuite('PostgreSQL', cases);
