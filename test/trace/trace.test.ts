import { describe, expect, it } from '@jest/globals';
import { locksAt, reviewWithTrace, trace } from './helpers.js';

/**
 * The trace on PGlite: the lock facts the rules rely on, seen from pg_locks and relfilenode of a
 * real (embedded) PostgreSQL, with each framework's transaction semantics.
 */
const base = {
  'migrations/000001_init.up.sql':
    "CREATE TABLE orders (id bigint PRIMARY KEY, status text, total int);\nCREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nINSERT INTO orders VALUES (1, 'new', 5);",
  'migrations/000001_init.down.sql': 'DROP TABLE order_items;\nDROP TABLE orders;',
};
const change = (sql: string, down?: string): Record<string, string> => ({
  ...base,
  'migrations/000002_change.up.sql': sql,
  ...(down === undefined ? {} : { 'migrations/000002_change.down.sql': down }),
});
const UP = 'migrations/000002_change.up.sql';

describe('lock facts, traced', () => {
  it('CREATE INDEX holds ShareLock on the table', async () => {
    const result = await trace(change('CREATE INDEX idx_orders_status ON orders (status);'), [UP]);
    expect(locksAt(result, UP, 1)).toContain('orders:ShareLock');
  });
  it('ADD FOREIGN KEY holds ShareRowExclusiveLock on both tables', async () => {
    const result = await trace(change('ALTER TABLE order_items ADD CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders (id);'), [UP]);
    expect(locksAt(result, UP, 1).sort()).toEqual(['order_items:ShareRowExclusiveLock', 'orders:ShareRowExclusiveLock']);
  });
  it('a volatile default rewrites the table; now() and a constant do not', async () => {
    const result = await trace(
      change(
        'ALTER TABLE orders ADD COLUMN uid uuid DEFAULT gen_random_uuid();\nALTER TABLE orders ADD COLUMN at timestamptz DEFAULT now();\nALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false;',
      ),
      [UP],
    );
    const [volatile, stable, constant] = result.files[0]!.statements;
    expect(volatile!.rewrites).toEqual(['orders']);
    expect(stable!.rewrites).toEqual([]);
    expect(constant!.rewrites).toEqual([]);
    expect(locksAt(result, UP, 2)).toEqual([]); // AccessExclusiveLock already held since line 1
  });
  it('locks are held until the transaction ends: per file for goose, per statement with NO TRANSACTION', async () => {
    const goose = (noTx: boolean): Record<string, string> => ({
      'db/20240101000000_init.sql': '-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY, status text);\n-- +goose Down\nDROP TABLE orders;\n',
      'db/20240102000000_change.sql': `${noTx ? '-- +goose NO TRANSACTION\n' : ''}-- +goose Up\nCREATE INDEX idx_a ON orders (status);\nALTER TABLE orders ADD COLUMN note text;\n-- +goose Down\nALTER TABLE orders DROP COLUMN note;\nDROP INDEX idx_a;\n`,
    });
    const wrapped = await trace(goose(false), ['db/20240102000000_change.sql']);
    const [index] = wrapped.files[0]!.statements;
    // Taken at line 2, held through the ALTER at line 3 until goose commits the file.
    expect(index!.locks[0]).toMatchObject({ relation: 'orders', mode: 'ShareLock', heldUntilLine: 3, heldForStatements: 2 });
    const separate = await trace(goose(true), ['db/20240102000000_change.sql']);
    expect(separate.files[0]!.statements[0]!.locks[0]).toMatchObject({ mode: 'ShareLock', heldUntilLine: 3, heldForStatements: 1 });
    expect(separate.files[0]!.statements[1]!.locks[0]).toMatchObject({ mode: 'AccessExclusiveLock', heldUntilLine: 4, heldForStatements: 1 });
    expect(separate.files[0]!.statements[0]!.inTransaction).toBe(false);
  });
  it("a migration that drops prepared statements (DEALLOCATE ALL) does not blind the trace's own reads", async () => {
    const result = await trace(
      change('DEALLOCATE ALL;\nALTER TABLE orders ADD COLUMN note text;\nDEALLOCATE ALL;\nCREATE INDEX idx_status ON orders (status);'),
      [UP],
    );
    expect(result.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(locksAt(result, UP, 2)).toEqual(['orders:AccessExclusiveLock']);
    expect(result.files[0]!.statements[3]!.locks.map((l) => l.relation)).toEqual([]); // AccessExclusiveLock on orders is already held
  });
  it('CREATE INDEX CONCURRENTLY fails inside the implicit transaction of a multi-statement file, and runs alone', async () => {
    const failing = await trace(change("SET lock_timeout = '3s';\nCREATE INDEX CONCURRENTLY idx_total ON orders (total);"), [UP]);
    expect(failing.files[0]!.statements[1]).toMatchObject({ status: 'error', code: '25001' });
    const alone = await trace(change('CREATE INDEX CONCURRENTLY idx_total ON orders (total);'), [UP]);
    expect(alone.files[0]!.statements[0]).toMatchObject({ status: 'ok', inTransaction: false });
  });
  it('a constraint the seed rows violate fails, and the runner stops there', async () => {
    const result = await trace(change("ALTER TABLE orders ADD CONSTRAINT no_new CHECK (status <> 'new');\nALTER TABLE orders ADD COLUMN x int;"), [UP]);
    expect(result.files[0]!.statements.map((s) => s.status)).toEqual(['error', 'skipped']);
    expect(result.files[0]!.statements[0]!.code).toBe('23514');
  });
});

describe('roles', () => {
  it('role statements are skipped and grants to missing roles do not stop the trace or raise findings', async () => {
    const result = await reviewWithTrace(
      change(
        'CREATE ROLE reporting NOLOGIN;\nGRANT SELECT ON orders TO reporting;\nCREATE POLICY own ON orders TO authenticated USING (true);\nALTER TABLE orders ADD COLUMN note text;',
      ),
      [UP],
    );
    expect(result.trace!.files[0]!.statements.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped', 'ok']);
    expect(result.findings.filter((f) => f.source === 'trace')).toEqual([]);
  });
});

describe('rollback check', () => {
  it('a down that undoes the up restores the catalog', async () => {
    const result = await trace(
      change('ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_note ON orders (note);', 'DROP INDEX idx_note;\nALTER TABLE orders DROP COLUMN note;'),
      [UP],
    );
    expect(result.files[0]!.rollback).toMatchObject({ status: 'restored', differences: [] });
    expect(result.files[0]!.rollback!.schemaUnchanged).toBeUndefined();
  });
  it('a data-only up says so instead of claiming the down restored anything', async () => {
    const result = await trace(change("UPDATE orders SET status = 'open' WHERE status = 'new';", '-- nothing to undo'), [UP]);
    expect(result.files[0]!.rollback).toMatchObject({ status: 'restored', differences: [], schemaUnchanged: true });
  });
  it('names what a down leaves behind or does not restore, and a down that fails', async () => {
    const differs = await trace(change('ALTER TABLE orders ALTER COLUMN total TYPE bigint;\nCREATE INDEX idx_status ON orders (status);', 'SELECT 1;'), [UP]);
    expect(differs.files[0]!.rollback!.differences).toEqual([
      'not restored: column orders.total integer',
      'left behind: column orders.total bigint',
      'left behind: index CREATE INDEX idx_status ON public.orders USING btree (status)',
    ]);
    const fails = await trace(change('ALTER TABLE orders ADD COLUMN note text;', 'ALTER TABLE orders DROP COLUMN notes;'), [UP]);
    expect(fails.files[0]!.rollback).toMatchObject({ status: 'failed', reason: expect.stringContaining('"notes"') });
  });
});

describe('snapshots', () => {
  it('the second trace on the same history starts from the cached snapshot with the same base', async () => {
    const files = {
      ...change('ALTER TABLE orders ADD COLUMN note text;'),
      'migrations/000001_init.up.sql': `${base['migrations/000001_init.up.sql']}\n-- ${Date.now()}`,
    };
    const first = await trace(files, [UP]);
    const second = await trace(files, [UP]);
    expect(first.base.snapshot).toBe('built');
    expect(second.base.snapshot).toBe('cached');
    expect(second.base.statements).toBe(first.base.statements);
    expect(second.files[0]!.statements[0]!.locks[0]).toMatchObject({ relation: 'orders', mode: 'AccessExclusiveLock' });
  });
  it('replay skips what fails with a note, and goes on', async () => {
    const result = await trace(
      {
        ...change('ALTER TABLE orders ADD COLUMN note text;'),
        'migrations/000001_init.up.sql': `CREATE EXTENSION IF NOT EXISTS postgis;\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;\n${base['migrations/000001_init.up.sql']}`,
      },
      [UP],
    );
    expect(result.base.skipped.map((s) => s.line)).toEqual([1, 2]);
    expect(result.files[0]!.statements[0]!.status).toBe('ok');
  });
  it('replay leaves out LOCK TABLE, which only lasts until its transaction ends (and fails outside one)', async () => {
    const result = await trace(
      {
        ...change('ALTER TABLE orders ADD COLUMN note text;'),
        'migrations/000001_init.up.sql': `${base['migrations/000001_init.up.sql']}\nLOCK TABLE orders IN ACCESS EXCLUSIVE MODE;\nALTER TABLE orders ADD COLUMN locked_at timestamptz;`,
      },
      [UP],
    );
    expect(result.base.skipped).toEqual([]);
    expect(result.files[0]!.statements[0]!.status).toBe('ok');
  });
  it('contrib extensions PGlite ships load, in the replay and in the change; others (file_fdw) stay out', async () => {
    const result = await trace(
      {
        'migrations/000001_init.up.sql': `CREATE EXTENSION IF NOT EXISTS citext;\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE EXTENSION file_fdw;\nCREATE TABLE users (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email citext NOT NULL);\nINSERT INTO users (email) VALUES ('Ann@Example.com');\n-- ${Date.now()}`,
        [UP]: "CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);\nALTER TABLE users ADD CONSTRAINT users_email_lower CHECK (email = lower(email)) NOT VALID;\nSELECT count(*) FROM users WHERE email = 'ann@example.com';",
      },
      [UP],
    );
    // Only file_fdw was skipped (the sandbox refuses it): the citext table and its uuid default exist.
    expect(result.base.skipped.map((s) => [s.line, s.message])).toEqual([[3, 'not run: extension file_fdw reaches outside the database']]);
    expect(result.files[0]!.statements.map((s) => [s.status, s.reason])).toEqual([
      ['ok', undefined],
      ['ok', undefined],
      ['ok', undefined],
      ['ok', undefined],
    ]);
    expect(locksAt(result, UP, 2)).toEqual(['users:ShareLock']);
  });
});

describe('reconciled with the rules', () => {
  it('confirms a rule with evidence and adds what only the trace saw', async () => {
    const result = await reviewWithTrace(
      change("SET lock_timeout = '3s';\nCREATE INDEX idx_orders_status ON orders (status);\nALTER TABLE orders SET UNLOGGED;"),
      [UP],
      { tables: { orders: { rows: 80_000_000 } } },
    );
    const index = result.findings.find((f) => f.rule === 'create-index-non-concurrently')!;
    expect(index.evidence).toMatch(/^ShareLock on orders, held until line 3/);
    const rewrite = result.findings.find((f) => f.rule === 'table-rewrite-traced')!;
    expect(rewrite).toMatchObject({ source: 'trace', status: 'BLOCK', line: 3 });
    expect(result.trace!.files[0]!.statements).toHaveLength(3);
  });
  it('lowers timestamp → timestamptz to a Verify: the trace ran with TimeZone UTC', async () => {
    const result = await reviewWithTrace(
      {
        ...base,
        'migrations/000001_init.up.sql': 'CREATE TABLE events (id bigint PRIMARY KEY, at timestamp);',
        'migrations/000002_change.up.sql': "SET lock_timeout = '3s';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;",
      },
      [UP],
      { tables: { events: { rows: 80_000_000 } } },
    );
    const finding = result.findings.find((f) => f.rule === 'alter-column-type-rewrite')!;
    expect(finding.status).toBe('FLAG');
    expect(finding.message).toMatch(/^Verify: the session TimeZone is UTC/);
  });
  it('an ack covers a trace finding too', async () => {
    const result = await reviewWithTrace(
      change(
        'SET lock_timeout = \'3s\';\n-- migration-review: ack table-rewrite-traced "bulk load table, no readers until the switch"\nALTER TABLE orders SET UNLOGGED;',
      ),
      [UP],
      { tables: { orders: { rows: 80_000_000 } }, acks: { allowBlock: true } },
    );
    expect(result.findings.find((f) => f.rule === 'table-rewrite-traced')!.acknowledged).toMatchObject({
      reason: 'bulk load table, no readers until the switch',
    });
  });
});

describe('one transaction around all pending migrations (drizzle-orm)', () => {
  const drizzle = (second: string): Record<string, string> => ({
    'drizzle/0000_init.sql': 'CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "status" text);',
    'drizzle/0001_index.sql': 'CREATE INDEX "idx_status" ON "orders" ("status");',
    'drizzle/0002_more.sql': second,
    'drizzle/meta/_journal.json': JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: ['0000_init', '0001_index', '0002_more'].map((tag, idx) => ({ idx, version: '7', when: 1700000000000 + idx, tag, breakpoints: true })),
    }),
  });
  it("holds the first file's locks until the last pending file commits", async () => {
    const result = await trace(drizzle('ALTER TABLE "orders" ADD COLUMN "note" text;'), ['drizzle/0001_index.sql', 'drizzle/0002_more.sql']);
    expect(result.files[0]!.statements[0]!.locks[0]).toMatchObject({
      relation: 'orders',
      mode: 'ShareLock',
      heldUntilFile: 'drizzle/0002_more.sql',
      heldUntilLine: 1,
      heldForStatements: 2,
    });
  });
  it('CONCURRENTLY fails there even alone in its file, and nothing after it runs', async () => {
    const result = await trace(drizzle('CREATE INDEX CONCURRENTLY "idx_id" ON "orders" ("id");'), ['drizzle/0001_index.sql', 'drizzle/0002_more.sql']);
    expect(result.files[1]!.statements[0]).toMatchObject({ status: 'error', code: '25001' });
  });
});
