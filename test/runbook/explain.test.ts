import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { runExplain } from '../../src/cli/explain.js';
import { sqlInCode, type IndexExplain } from '../../src/runbook/explain.js';
import { makeRepo, throwawayDatabase } from '../helpers.js';

/**
 * Index plans against the local PostgreSQL 15 with generated data: the query that filters on the
 * new index's column switches from a sequential scan to the index, and the database is left
 * without the index (it was built in a transaction that rolled back).
 */
const { url: target } = throwawayDatabase(
  'mr_explain',
  `CREATE TABLE orders (id bigint PRIMARY KEY, status text, note text, created_at timestamptz);
   INSERT INTO orders SELECT g, CASE WHEN g % 500 = 0 THEN 'new' ELSE 'done' END, 'n' || g, now() FROM generate_series(1, 50000) g;
   ANALYZE orders;`,
);

describe('explain', () => {
  it('finds SQL in a line of code and neutralises its parameters', () => {
    expect(sqlInCode("  return db.query(`SELECT id FROM orders WHERE status = $1 AND id > ?`, [s]);")).toBe('SELECT id FROM orders WHERE status = NULL AND id > NULL');
    expect(sqlInCode('const x = 1;')).toBeNull();
  });
  it('plans the code\'s queries without and with each new index, and leaves the database as it was', async () => {
    const root = await makeRepo({
      'migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, note text, created_at timestamptz);',
      'migrations/000002_idx.up.sql': 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);',
      'migrations/000003_idx.up.sql': 'CREATE INDEX CONCURRENTLY idx_orders_created ON orders (created_at);',
      'src/orders.ts': "export const fresh = (db: Db) => db.query(\"SELECT id, note FROM orders WHERE status = 'new'\");\n",
    });
    const json = await runExplain({ paths: [`${root}/migrations/000002_idx.up.sql`, `${root}/migrations/000003_idx.up.sql`], root, databaseUrl: target, format: 'json' });
    const results = JSON.parse(json) as IndexExplain[];
    const status = results.find((r) => r.index === 'idx_orders_status')!;
    expect(status.queries).toHaveLength(1);
    expect(status.queries[0]!.before).toMatch(/Seq Scan on orders/);
    expect(status.queries[0]!.after).toMatch(/idx_orders_status/);
    expect(status.queries[0]!.usesIndex).toBe(true);
    expect(results.find((r) => r.index === 'idx_orders_created')!.queries).toEqual([]);
    const db = new pg.Client({ connectionString: target });
    await db.connect();
    const { rows } = await db.query("SELECT indexname FROM pg_indexes WHERE tablename = 'orders' AND indexname LIKE 'idx_%'");
    await db.end();
    expect(rows).toEqual([]);
    const markdown = await runExplain({ paths: [`${root}/migrations/000002_idx.up.sql`], root, databaseUrl: target, format: 'markdown' });
    expect(markdown).toContain('✅ uses the new index');
  });
});
