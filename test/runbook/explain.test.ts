import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { runExplain } from '../../src/cli/explain.js';
import type { ExplainReport, IndexExplain, QueryPlan } from '../../src/runbook/explain.js';
import { queriesInCode } from '../../src/runbook/code-queries.js';
import { loadParser } from '../../src/sql/parse.js';
import { plannableStatement, withDollarParameters } from '../../src/sql/plannable.js';
import { makeRepo, throwawayDatabase } from '../helpers.js';
import { cli, describeWithPostgres, hypopgAvailable, queryOn } from './local-pg.js';

/**
 * `explain` against the local PostgreSQL 15 with 300k generated orders (skewed statuses, NULL
 * customers, an existing composite index): it must plan the code's queries without ever changing
 * or blocking the database, and answer right. Run with HypoPG (when the server has the package)
 * and without it.
 */
const SCHEMA = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, customer_id bigint, email text, note text, created_at timestamptz);';
const DATA = `${SCHEMA}
  INSERT INTO orders SELECT g, CASE WHEN g % 500 = 0 THEN 'refunded' ELSE 'done' END, CASE WHEN g % 50 = 0 THEN NULL ELSE g % 20000 END,
    'u' || (g % 100000) || '@x.test', 'n' || g, now() - g * interval '1 minute' FROM generate_series(1, 300000) g;
  CREATE INDEX idx_orders_customer_created ON orders (customer_id, created_at);
  ANALYZE orders;`;
const reader = `mr_explain_reader_${process.pid}`;
let hypopg = false;

const MIGRATIONS = {
  'migrations/000001_init.up.sql': SCHEMA,
  'migrations/000002_status.up.sql': 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);',
  'migrations/000003_customer.up.sql': "CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id) WHERE status = 'refunded';",
  'migrations/000004_email.up.sql': 'CREATE INDEX CONCURRENTLY idx_orders_email ON orders (lower(email));',
};
const CODE = `
export const refunded = (db: Db) => db.query("SELECT count(*) FROM orders WHERE status = 'refunded'; COMMIT; CREATE TABLE side_effect (id int)");
export const byStatus = (db: Db, status: string) => db.query(\`
  SELECT id, note
  FROM orders
  WHERE status = $1
\`, [status]);
export const statuses = (db: Db) => db.query('SELECT id, status FROM orders LIMIT 10');
export const ofCustomer = (db: Db, c: number) => db.query('SELECT id FROM orders WHERE customer_id = ?', [c]);
export const byEmail = (db: Db, e: string) => db.query('SELECT id FROM orders WHERE lower(email) = :email', { email: e });
`;

async function explainOn(url: string, files: string[]): Promise<{ report: ExplainReport; exitCode: number }> {
  const root = await makeRepo({ ...MIGRATIONS, 'src/orders.ts': CODE });
  const { output, exitCode } = await runExplain({ paths: files.map((f) => join(root, f)), root, databaseUrl: url, format: 'json' });
  return { report: JSON.parse(output) as ExplainReport, exitCode };
}
const index = (report: ExplainReport, name: string): IndexExplain => report.indexes.find((i) => i.index === name)!;
const query = (i: IndexExplain, line: number): QueryPlan | undefined => i.queries.find((q) => q.line === line);

/** What explain must leave untouched: row counters, ANALYZE counts, the table's storage and its indexes. */
async function footprint(url: string): Promise<unknown> {
  return queryOn(
    url,
    `SELECT s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.analyze_count, c.relfilenode, (SELECT array_agg(indexrelid::regclass::text ORDER BY 1) FROM pg_index WHERE indrelid = c.oid) AS indexes,
            to_regclass('side_effect') AS side_effect
     FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'orders'`,
  );
}


it('refuses anything but one query, and turns driver placeholders into $n (item 1)', async () => {
  await loadParser();
  expect(plannableStatement("SELECT count(*) FROM orders WHERE status = 'refunded'; COMMIT; CREATE TABLE side_effect (id int)")).toMatchObject({ ok: false, reason: expect.stringContaining('3 statements') });
  expect(plannableStatement('CREATE TABLE t (id int)')).toMatchObject({ ok: false });
  expect(plannableStatement('SELECT * INTO t FROM orders')).toMatchObject({ ok: false, reason: expect.stringContaining('INTO') });
  expect(plannableStatement('UPDATE orders SET note = $1 WHERE id = $2')).toMatchObject({ ok: true, kind: 'dml' });
  expect(withDollarParameters("SELECT * FROM t WHERE a = ? AND b = :b AND c = '?' AND d = :b::int AND e = %s")).toBe("SELECT * FROM t WHERE a = $1 AND b = $2 AND c = '?' AND d = $2::int AND e = $3");
  expect(queriesInCode([{ path: 'a.ts', lines: CODE.split('\n') }]).map((q) => q.line)).toEqual([2, 4, 8, 9, 10]);
});

describeWithPostgres('explain on PostgreSQL', () => {
  // Registered before the databases' own hooks: afterAll hooks run in order, and the role's grants must go before the databases do.
  afterAll(async () => {
    await queryOn(withHypopg.url, `DROP OWNED BY ${reader}`);
    await queryOn(plain.url, `DROP OWNED BY ${reader}; DROP ROLE IF EXISTS ${reader}`);
  });
  // Created inside this block: without a server, its hooks are skipped with its tests.
  const withHypopg = throwawayDatabase('mr_explain_hypo', '');
  const plain = throwawayDatabase('mr_explain_plain', DATA);
  const empty = throwawayDatabase('mr_explain_empty', '');
  beforeAll(async () => {
    await loadParser();
    hypopg = await hypopgAvailable();
    if (!hypopg) console.warn('SKIPPED (HypoPG case): the server has no hypopg extension (apt-get install postgresql-15-hypopg); the plans with the index are not tested');
    if (hypopg) await withHypopg.run(`CREATE EXTENSION hypopg; ${DATA}`);
    else await withHypopg.run(DATA);
    await queryOn(plain.url, `DROP ROLE IF EXISTS ${reader}; CREATE ROLE ${reader} LOGIN; ALTER ROLE ${reader} SET default_transaction_read_only = on; GRANT SELECT ON orders TO ${reader}`);
    await queryOn(withHypopg.url, `GRANT SELECT ON orders TO ${reader}`);
  });

  it('never runs a second statement from the code: the side_effect table is not created (item 1)', async () => {
    const { report } = await explainOn(plain.url, ['migrations/000002_status.up.sql']);
    expect(query(index(report, 'idx_orders_status'), 2)).toMatchObject({ refused: expect.stringContaining('3 statements'), before: '' });
    expect(await queryOn(plain.url, "SELECT to_regclass('side_effect') AS t")).toEqual([{ t: null }]);
  });

  it('takes no lock stronger than AccessShareLock and writes nothing, while a session holds EXCLUSIVE on orders (item 2)', async () => {
    for (const target of [withHypopg.url, plain.url]) {
      const before = await footprint(target);
      const holder = new pg.Client({ connectionString: target });
      await holder.connect();
      // EXCLUSIVE conflicts with every lock but ACCESS SHARE: a CREATE INDEX (SHARE) or ANALYZE would wait out the 2 s lock timeout.
      await holder.query('BEGIN; LOCK TABLE orders IN EXCLUSIVE MODE');
      try {
        const { report } = await explainOn(target, ['migrations/000002_status.up.sql', 'migrations/000003_customer.up.sql']);
        const planned = report.indexes.flatMap((i) => i.queries).filter((q) => !q.refused);
        expect(planned.length).toBeGreaterThan(0);
        expect(planned.filter((q) => q.error)).toEqual([]);
        expect(planned.every((q) => /Scan/.test(q.before))).toBe(true);
        // The server's own word: no transaction id was assigned, so nothing was written.
        expect(report.indexes.map((i) => i.wroteNothing)).toEqual([true, true]);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      expect(await footprint(target)).toEqual(before);
    }
  });

  it('plans a parameter as the application runs it (generic plan), not as NULL (item 3)', async () => {
    const { report } = await explainOn(withHypopg.url, ['migrations/000004_email.up.sql']);
    const byEmail = query(index(report, 'idx_orders_email'), 10)!;
    expect(byEmail.before).toMatch(/Filter: \(lower\(email\) = \$1\)/);
    expect(byEmail.before).not.toMatch(/One-Time Filter: false/);
    if (!hypopg) return;
    expect(byEmail.after).toMatch(/Index Cond: \(lower\(email\) = \$1\)/);
    expect(byEmail.usesIndex).toBe(true);
  });

  it('finds multi-line queries, skips a query that only selects the column, compares indexes by OID (item 4)', async () => {
    const { report } = await explainOn(withHypopg.url, ['migrations/000002_status.up.sql', 'migrations/000003_customer.up.sql']);
    const status = index(report, 'idx_orders_status');
    expect(status.queries.map((q) => q.line)).toEqual([2, 4]); // not line 8, which only selects status
    // The partial index cannot serve customer_id = ? without the status condition: the plan scans the
    // existing idx_orders_customer_created, whose name contains the new index's name.
    const ofCustomer = query(index(report, 'idx_orders_customer'), 9)!;
    expect(ofCustomer.before).toMatch(/idx_orders_customer_created/);
    expect(ofCustomer.usesIndex).not.toBe(true);
    if (hypopg) expect(ofCustomer.usesIndex).toBe(false);
  });

  it('works on a read-only connection, and exits 1 saying why when nothing could be planned (item 5)', async () => {
    const readOnly = new URL(plain.url);
    readOnly.username = reader;
    const { report, exitCode: withoutHypopg } = await explainOn(readOnly.toString(), ['migrations/000002_status.up.sql']);
    // No HypoPG in this database: the plans without the index, and exit 1 saying a plan with it needs HypoPG or a scratch copy.
    expect(index(report, 'idx_orders_status').withIndex).toMatch(/^no plan with the index: HypoPG .*scratch copy/);
    expect(withoutHypopg).toBe(1);
    const byStatus = query(index(report, 'idx_orders_status'), 4)!;
    expect(byStatus.error).toBeUndefined();
    expect(byStatus.before).toMatch(/Seq Scan on orders/);
    if (hypopg) {
      const readOnlyHypo = new URL(withHypopg.url);
      readOnlyHypo.username = reader;
      const { report: hypothetical, exitCode } = await explainOn(readOnlyHypo.toString(), ['migrations/000004_email.up.sql']);
      expect(query(index(hypothetical, 'idx_orders_email'), 10)).toMatchObject({ usesIndex: true });
      expect(exitCode).toBe(0);
    }
    // A database without the table: every query fails to plan; the command says so and exits 1.
    const root = await makeRepo({ ...MIGRATIONS, 'src/orders.ts': CODE });
    const { code, stdout } = await cli(['explain', join(root, 'migrations/000002_status.up.sql'), '--root', root, '--database-url', empty.url]);
    expect(code).toBe(1);
    expect(stdout).toContain('explain could not answer:** no query could be planned: relation "orders" does not exist');
    // Named files that are no migrations: a usage error (exit 2), not an empty success.
    expect((await cli(['explain', join(root, 'src/orders.ts'), '--root', root, '--database-url', empty.url])).code).toBe(2);
  });
});
