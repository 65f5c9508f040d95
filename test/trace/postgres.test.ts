import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresEngine } from '../../src/trace/engines.js';
import { DEFAULT_LIMITS, traceChange } from '../../src/trace/trace.js';
import { discovered, locksAt } from './helpers.js';
import { asSuperuser, leftoverDatabases, PG_URL, postgresReachable, roleWith } from './postgres-roles.js';

/**
 * The same trace on a real server (the PostgreSQL 15 that .ci/run starts): a throwaway database
 * per trace, dropped afterwards, nothing else touched. It runs as a role with CREATEDB only, as
 * the README says to; a superuser is refused unless the caller insists.
 */
const reachable = await postgresReachable();
if (!reachable) console.warn(`PostgreSQL at ${PG_URL} does not answer: the real-PostgreSQL trace tests are skipped`);
const describeOnServer = reachable ? describe : describe.skip;

const ROLE = 'migration_review_tester';
let url: string;
beforeAll(async () => {
  if (reachable) url = await roleWith(ROLE);
});
afterAll(async () => {
  if (reachable) expect(await leftoverDatabases()).toEqual([]);
});

const base = {
  'migrations/000001_init.up.sql':
    "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nINSERT INTO orders VALUES (1, 'new');",
};
const UP = 'migrations/000002_change.up.sql';

async function traceOnServer(sql: string, limits = DEFAULT_LIMITS, as = url, allowSuperuser = false) {
  const { discovery, change } = await discovered({ ...base, [UP]: sql }, [UP]);
  return traceChange({ discovery, change }, postgresEngine(as, { allowSuperuser }), limits);
}

describeOnServer('trace on a real PostgreSQL', () => {
  it('sees the same locks and rewrites as PGlite, in a database it drops afterwards', async () => {
    const result = await traceOnServer(
      'CREATE INDEX idx_orders_status ON orders (status);\nALTER TABLE order_items ADD CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders (id);\nALTER TABLE orders ADD COLUMN uid uuid DEFAULT gen_random_uuid();',
    );
    expect(result.engine).toBe('postgres');
    expect(locksAt(result, UP, 1)).toEqual(['orders:ShareLock']);
    expect(locksAt(result, UP, 2).sort()).toEqual(['order_items:ShareRowExclusiveLock', 'orders:ShareRowExclusiveLock']);
    expect(result.files[0]!.statements[2]!.rewrites).toEqual(['orders']);
    expect(await leftoverDatabases()).toEqual([]);
  });
  it('refuses COPY … PROGRAM before the server could run it', async () => {
    const result = await traceOnServer("COPY orders TO PROGRAM 'touch /tmp/migration-review-must-not-exist';");
    expect(result.files[0]!.statements[0]).toMatchObject({ status: 'refused' });
    expect(existsSync('/tmp/migration-review-must-not-exist')).toBe(false);
  });
  it('stops a statement at the limit with statement_timeout, and still drops the database', async () => {
    const result = await traceOnServer('DO $$ BEGIN LOOP END LOOP; END $$;', { ...DEFAULT_LIMITS, statementMs: 800 });
    expect(result.files[0]!.statements[0]).toMatchObject({ status: 'killed' });
    expect(await leftoverDatabases()).toEqual([]);
  });
  it('refuses to trace as a superuser: the migration would run with every right on the server', async () => {
    const result = await traceOnServer('CREATE INDEX idx_orders_status ON orders (status);', DEFAULT_LIMITS, PG_URL);
    expect(result.engine).toBe('postgres');
    expect(result.stopped).toMatch(/refusing to trace as postgres: it is a superuser .*--allow-superuser/);
    expect(result.files[0]!.skipped).toBe(result.stopped);
    expect(await leftoverDatabases()).toEqual([]);
  });
  it('traces as a superuser when told to (--allow-superuser)', async () => {
    const result = await traceOnServer('CREATE INDEX idx_orders_status ON orders (status);', DEFAULT_LIMITS, PG_URL, true);
    expect(locksAt(result, UP, 1)).toEqual(['orders:ShareLock']);
  });
  it('refuses a role that can grant itself server rights (CREATEROLE)', async () => {
    const result = await traceOnServer('SELECT 1;', DEFAULT_LIMITS, await roleWith('migration_review_createrole', ['CREATEDB', 'CREATEROLE']));
    expect(result.stopped).toMatch(/refusing to trace as migration_review_createrole: it has CREATEROLE/);
  });
  it('refuses a member of pg_read_server_files: its migrations could read any file the server can', async () => {
    const reader = await roleWith('migration_review_reader');
    await asSuperuser((client) => client.query('GRANT pg_read_server_files TO migration_review_reader'));
    const result = await traceOnServer('SELECT 1;', DEFAULT_LIMITS, reader);
    expect(result.stopped).toMatch(/refusing to trace as migration_review_reader: it is a member of pg_read_server_files/);
  });
});
