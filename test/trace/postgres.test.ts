import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { postgresEngine } from '../../src/trace/engines.js';
import { DEFAULT_LIMITS, traceChange } from '../../src/trace/trace.js';
import { discovered, locksAt } from './helpers.js';

/**
 * The same trace on a real server (the PostgreSQL 15 that .ci/run starts): a throwaway database
 * per trace, dropped afterwards, nothing else touched — and the sandbox still refuses first,
 * which matters more here: this server trusts the connection as a superuser.
 */
const url = process.env.MIGRATION_REVIEW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let admin: pg.Client;
beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(() => admin.end());

const leftovers = async (): Promise<string[]> =>
  (await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'migration_review_trace_${process.pid}_%'`)).rows.map((r) => r.datname);

const base = {
  'migrations/000001_init.up.sql':
    "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nINSERT INTO orders VALUES (1, 'new');",
};
const UP = 'migrations/000002_change.up.sql';

async function traceOnServer(sql: string, limits = DEFAULT_LIMITS) {
  const { discovery, change } = await discovered({ ...base, [UP]: sql }, [UP]);
  return traceChange({ discovery, change }, postgresEngine(url), limits);
}

describe('trace on a real PostgreSQL', () => {
  it('sees the same locks and rewrites as PGlite, in a database it drops afterwards', async () => {
    const result = await traceOnServer(
      'CREATE INDEX idx_orders_status ON orders (status);\nALTER TABLE order_items ADD CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders (id);\nALTER TABLE orders ADD COLUMN uid uuid DEFAULT gen_random_uuid();',
    );
    expect(result.engine).toBe('postgres');
    expect(locksAt(result, UP, 1)).toEqual(['orders:ShareLock']);
    expect(locksAt(result, UP, 2).sort()).toEqual(['order_items:ShareRowExclusiveLock', 'orders:ShareRowExclusiveLock']);
    expect(result.files[0]!.statements[2]!.rewrites).toEqual(['orders']);
    expect(await leftovers()).toEqual([]);
  });
  it('refuses COPY … PROGRAM before the server could run it', async () => {
    const result = await traceOnServer("COPY orders TO PROGRAM 'touch /tmp/migration-review-must-not-exist';");
    expect(result.files[0]!.statements[0]).toMatchObject({ status: 'refused' });
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/migration-review-must-not-exist')).toBe(false);
  });
  it('stops a statement at the limit with statement_timeout, and still drops the database', async () => {
    const result = await traceOnServer('DO $$ BEGIN LOOP END LOOP; END $$;', { ...DEFAULT_LIMITS, statementMs: 800 });
    expect(result.files[0]!.statements[0]).toMatchObject({ status: 'killed' });
    expect(await leftovers()).toEqual([]);
  });
});
