// Conformance: sqlite3 with a file database, in rollback-journal and WAL mode, with two
// processes on one WAL database: the reader keeps its connection (and its shared mapping of
// the -shm wal-index, and of the database with mmap_size) while another process writes.
// Each run natively and in tsvisor and compared.

import { conformanceSuite, type ConformanceCase } from './harness.js';

/** A bash coprocess as the long-lived reader: each query waits for its answer line. */
const WAL_TWO_PROCESSES = `sqlite3 db 'PRAGMA journal_mode=WAL; CREATE TABLE t(v); INSERT INTO t VALUES(1);'
coproc R { sqlite3 -batch db; }
q() { echo "$1" >&"\${R[1]}"; read -r line <&"\${R[0]}"; echo "reader: $line"; }
q 'PRAGMA mmap_size=1048576;'
q 'SELECT count(*) FROM t;'
sqlite3 db 'PRAGMA mmap_size=1048576; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<500) INSERT INTO t SELECT x FROM c;'
q 'SELECT count(*), sum(v) FROM t;'
q 'INSERT INTO t VALUES (1000); SELECT changes();'
exec {R[1]}>&-; wait
sqlite3 db 'SELECT count(*), sum(v) FROM t; PRAGMA integrity_check; PRAGMA wal_checkpoint(TRUNCATE);'
ls db*
`;

const cases: ConformanceCase[] = [
  {
    name: 'sqlite3 file database: schema, inserts in a transaction, queries, integrity',
    cmd: `sqlite3 db.sqlite 'CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT, n INT); BEGIN; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<2000) INSERT INTO p(name, n) SELECT printf("name%04d", x), x % 7 FROM c; COMMIT; CREATE INDEX pn ON p(n);' && sqlite3 db.sqlite 'SELECT n, count(*) FROM p GROUP BY n; SELECT name FROM p WHERE n = 3 ORDER BY id DESC LIMIT 2; PRAGMA integrity_check; VACUUM;' && sqlite3 -header -csv db.sqlite 'SELECT * FROM p LIMIT 3' && ls`,
    needs: ['sqlite3'],
    // The database file holds the sqlite version that wrote it and change counters: compared by size only.
    listing: { exclude: ['./db.sqlite'] },
  },
  {
    name: 'sqlite3 WAL database: a reader with a connection open sees another process\'s writes',
    cmd: `bash wal.sh`,
    files: { 'wal.sh': WAL_TWO_PROCESSES },
    needs: ['sqlite3', 'bash'],
  },
];

conformanceSuite('sqlite3', cases);
