import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Catalog } from '../../src/sql/catalog.js';
import { loadParser, parseSql } from '../../src/sql/parse.js';

/**
 * Facts before rules: every PostgreSQL behaviour a rule relies on, shown on a real server
 * (PostgreSQL on 127.0.0.1:5432, started by .ci/run). Locks come from pg_locks inside an open
 * transaction; rewrites from pg_class.relfilenode before and after.
 */
const url = process.env.MIGRATION_REVIEW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let client: pg.Client;
const schema = `mr_facts_${process.pid}`;

beforeAll(async () => {
  await loadParser();
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path = ${schema}`);
});
afterAll(async () => {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});
beforeEach(async () => {
  await client.query(`DROP TABLE IF EXISTS order_items, orders, users, events CASCADE`);
  await client.query(`CREATE TABLE orders (id bigint PRIMARY KEY, status text, total int);
    CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);
    CREATE TABLE users (id bigint PRIMARY KEY, email text, name varchar(50), n int);
    INSERT INTO orders SELECT g, 'new', g FROM generate_series(1, 100) g;
    INSERT INTO order_items SELECT g, g FROM generate_series(1, 100) g;
    INSERT INTO users SELECT g, 'u' || g, 'n', g FROM generate_series(1, 100) g;`);
});

/** Runs `sql` in a transaction and returns the table-level locks it holds before COMMIT. */
async function locksOf(sql: string): Promise<Record<string, string[]>> {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    const { rows } = await client.query<{ rel: string; mode: string }>(
      `SELECT c.relname AS rel, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
       WHERE l.pid = pg_backend_pid() AND c.relkind IN ('r', 'p') AND c.relnamespace = '${schema}'::regnamespace`,
    );
    const out: Record<string, string[]> = {};
    for (const row of rows) (out[row.rel] ??= []).push(row.mode);
    return out;
  } finally {
    await client.query('ROLLBACK');
  }
}

async function rewrites(table: string, sql: string): Promise<boolean> {
  const before = await client.query(`SELECT relfilenode FROM pg_class WHERE oid = '${table}'::regclass`);
  await client.query(sql);
  const after = await client.query(`SELECT relfilenode FROM pg_class WHERE oid = '${table}'::regclass`);
  return before.rows[0].relfilenode !== after.rows[0].relfilenode;
}

describe('lock modes (pg_locks)', () => {
  it('CREATE INDEX holds SHARE: blocks writes, not reads', async () => {
    expect((await locksOf('CREATE INDEX i ON orders (status)')).orders).toContain('ShareLock');
  });
  it('DROP INDEX holds ACCESS EXCLUSIVE on the table', async () => {
    await client.query('CREATE INDEX i ON orders (status)');
    expect((await locksOf('DROP INDEX i')).orders).toContain('AccessExclusiveLock');
  });
  it('ADD FOREIGN KEY holds SHARE ROW EXCLUSIVE on both tables', async () => {
    const locks = await locksOf('ALTER TABLE order_items ADD CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders (id)');
    expect(locks.order_items).toContain('ShareRowExclusiveLock');
    expect(locks.orders).toContain('ShareRowExclusiveLock');
  });
  it('VALIDATE CONSTRAINT holds SHARE UPDATE EXCLUSIVE (writes continue)', async () => {
    await client.query('ALTER TABLE order_items ADD CONSTRAINT fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID');
    const locks = await locksOf('ALTER TABLE order_items VALIDATE CONSTRAINT fk');
    expect(locks.order_items).toContain('ShareUpdateExclusiveLock');
    expect(locks.order_items).not.toContain('AccessExclusiveLock');
    expect(locks.orders).toContain('RowShareLock');
  });
  it('ADD COLUMN, SET NOT NULL and ADD CHECK hold ACCESS EXCLUSIVE', async () => {
    expect((await locksOf('ALTER TABLE orders ADD COLUMN note text')).orders).toContain('AccessExclusiveLock');
    expect((await locksOf('ALTER TABLE users ALTER COLUMN email SET NOT NULL')).users).toContain('AccessExclusiveLock');
    expect((await locksOf('ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0)')).orders).toContain('AccessExclusiveLock');
  });
  it('CREATE TRIGGER holds SHARE ROW EXCLUSIVE', async () => {
    await client.query(`CREATE OR REPLACE FUNCTION ${schema}.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`);
    expect((await locksOf(`CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION ${schema}.noop()`)).orders).toContain('ShareRowExclusiveLock');
  });
});

describe('CONCURRENTLY and transactions', () => {
  it('CREATE INDEX CONCURRENTLY fails inside BEGIN with SQLSTATE 25001', async () => {
    await client.query('BEGIN');
    await expect(client.query('CREATE INDEX CONCURRENTLY i ON orders (status)')).rejects.toMatchObject({ code: '25001' });
    await client.query('ROLLBACK');
  });
  it('fails in a multi-statement query string (an implicit transaction)', async () => {
    await expect(client.query("SET lock_timeout = '1s'; CREATE INDEX CONCURRENTLY i ON orders (status)")).rejects.toMatchObject({ code: '25001' });
  });
  it('succeeds alone', async () => {
    await client.query('CREATE INDEX CONCURRENTLY i ON orders (status)');
  });
  it('VACUUM fails inside BEGIN with SQLSTATE 25001; ANALYZE runs there', async () => {
    await client.query('BEGIN');
    try {
      await client.query('ANALYZE orders');
      await expect(client.query('VACUUM orders')).rejects.toMatchObject({ code: '25001' });
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

describe('rewrites (relfilenode)', () => {
  it('ADD COLUMN with a constant or STABLE default does not rewrite (PG 11+)', async () => {
    expect(await rewrites('orders', 'ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false')).toBe(false);
    expect(await rewrites('orders', 'ALTER TABLE orders ADD COLUMN seen timestamptz DEFAULT now()')).toBe(false);
  });
  it('ADD COLUMN with a volatile default, serial or identity rewrites', async () => {
    expect(await rewrites('orders', 'ALTER TABLE orders ADD COLUMN r float8 DEFAULT random()')).toBe(true);
    expect(await rewrites('orders', 'ALTER TABLE orders ADD COLUMN u uuid DEFAULT gen_random_uuid()')).toBe(true);
    expect(await rewrites('orders', 'ALTER TABLE orders ADD COLUMN s bigserial')).toBe(true);
    expect(await rewrites('orders', 'ALTER TABLE orders ADD COLUMN i int GENERATED ALWAYS AS IDENTITY')).toBe(true);
  });
  it('varchar growth, varchar → text and numeric growth are binary-coercible', async () => {
    expect(await rewrites('users', 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200)')).toBe(false);
    expect(await rewrites('users', 'ALTER TABLE users ALTER COLUMN name TYPE text')).toBe(false);
    await client.query('ALTER TABLE orders ADD COLUMN amount numeric(10,2)');
    expect(await rewrites('orders', 'ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2)')).toBe(false);
  });
  it('array element changes rewrite, even varchar(10)[] → varchar(20)[] and → text[]', async () => {
    await client.query("ALTER TABLE users ADD COLUMN tags varchar(10)[], ADD COLUMN labels varchar(10)[]");
    expect(await rewrites('users', 'ALTER TABLE users ALTER COLUMN tags TYPE varchar(20)[]')).toBe(true);
    expect(await rewrites('users', 'ALTER TABLE users ALTER COLUMN labels TYPE text[]')).toBe(true);
  });
  it('integer → bigint rewrites', async () => {
    expect(await rewrites('users', 'ALTER TABLE users ALTER COLUMN n TYPE bigint')).toBe(true);
  });
  it('a varchar shortening fails on values that do not fit', async () => {
    await client.query("UPDATE users SET name = repeat('x', 40) WHERE id = 1");
    await expect(client.query('ALTER TABLE users ALTER COLUMN name TYPE varchar(10)')).rejects.toMatchObject({ code: '22001' });
  });
});

/** The DEBUG1 messages a statement raises: PostgreSQL says there when a validated CHECK spared it a scan. */
async function debugNotices(sql: string): Promise<string> {
  const notices: string[] = [];
  const listener = (n: { message?: string }): void => void notices.push(n.message ?? '');
  client.on('notice', listener);
  try {
    await client.query('SET client_min_messages = debug1');
    await client.query(sql);
  } finally {
    await client.query('RESET client_min_messages');
    client.removeListener('notice', listener);
  }
  return notices.join('\n');
}

describe('SET NOT NULL and a validated CHECK (PG 12+)', () => {
  it('skips the scan when a validated CHECK (col IS NOT NULL) exists', async () => {
    await client.query('ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID');
    await client.query('ALTER TABLE users VALIDATE CONSTRAINT users_email_nn');
    const notices = await debugNotices('ALTER TABLE users ALTER COLUMN email SET NOT NULL');
    expect(notices).toMatch(/existing constraints on column "(users\.)?email" are sufficient to prove that it does not contain nulls/);
  });
  it('ADD PRIMARY KEY USING INDEX on a nullable column sets NOT NULL and, with a validated CHECK, skips the scan', async () => {
    await client.query('CREATE TABLE accounts (id bigint, name text); INSERT INTO accounts SELECT g, g::text FROM generate_series(1, 50) g');
    await client.query('ALTER TABLE accounts ADD CONSTRAINT accounts_id_nn CHECK (id IS NOT NULL) NOT VALID');
    await client.query('ALTER TABLE accounts VALIDATE CONSTRAINT accounts_id_nn');
    await client.query('CREATE UNIQUE INDEX CONCURRENTLY accounts_pkey ON accounts (id)');
    const notices = await debugNotices('ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_pkey');
    expect(notices).toMatch(/existing constraints on column "(accounts\.)?id" are sufficient to prove that it does not contain nulls/);
    const { rows } = await client.query(`SELECT contype FROM pg_constraint WHERE conname = 'accounts_pkey'`);
    expect(rows).toEqual([{ contype: 'p' }]);
    await client.query('DROP TABLE accounts');
  });
  it('ADD COLUMN NOT NULL without default fails on a non-empty table', async () => {
    await expect(client.query('ALTER TABLE users ADD COLUMN flag boolean NOT NULL')).rejects.toMatchObject({ code: '23502' });
  });
});

describe('enum values and transactions (PG 12+)', () => {
  it('ALTER TYPE … ADD VALUE runs inside a transaction block', async () => {
    await client.query(`DROP TYPE IF EXISTS mood; CREATE TYPE mood AS ENUM ('ok')`);
    await client.query('BEGIN');
    await client.query(`ALTER TYPE mood ADD VALUE 'great'`);
    await client.query('COMMIT');
    const { rows } = await client.query(`SELECT 'great'::mood AS m`);
    expect(rows).toEqual([{ m: 'great' }]);
  });
  it('using the new value before COMMIT fails with SQLSTATE 55P04 (unsafe use of new value)', async () => {
    await client.query(`DROP TYPE IF EXISTS mood; CREATE TYPE mood AS ENUM ('ok')`);
    await client.query('BEGIN');
    await client.query(`ALTER TYPE mood ADD VALUE 'great'`);
    await expect(client.query(`SELECT 'great'::mood`)).rejects.toMatchObject({ code: '55P04' });
    await client.query('ROLLBACK');
  });
  it('the same failure in one multi-statement query string (an implicit transaction)', async () => {
    await client.query(`DROP TYPE IF EXISTS mood; CREATE TYPE mood AS ENUM ('ok')`);
    await expect(client.query(`ALTER TYPE mood ADD VALUE 'great'; SELECT 'great'::mood`)).rejects.toMatchObject({ code: '55P04' });
  });
});

describe('backfills that can be re-run (non-idempotent-backfill)', () => {
  /** Runs `set` twice over the same rows and returns the values after each run. */
  async function twice(set: string): Promise<[string[], string[]]> {
    await client.query(`DROP TABLE IF EXISTS words; CREATE TABLE words (id int, w text); INSERT INTO words VALUES (1, '  Git-Lab '), (2, NULL), (3, 'ABC')`);
    const read = async (): Promise<string[]> => (await client.query<{ w: string }>('SELECT w FROM words ORDER BY id')).rows.map((r) => r.w);
    await client.query(`UPDATE words SET w = ${set}`);
    const first = await read();
    await client.query(`UPDATE words SET w = ${set}`);
    return [first, await read()];
  }
  it('lower(trim()), upper, coalesce and replace whose replacement lacks the pattern change nothing on a re-run', async () => {
    for (const set of ['lower(trim(w))', 'upper(w)', "coalesce(w, 'none')", "replace(w, 'Git-Lab', 'gitlab')"]) {
      const [first, second] = await twice(set);
      expect(second).toEqual(first);
    }
  });
  it('replace whose replacement contains the pattern, and concatenation, change the rows again', async () => {
    for (const set of ["replace(w, 'Lab', 'GitLab')", "w || '.old'"]) {
      const [first, second] = await twice(set);
      expect(second).not.toEqual(first);
    }
  });
});

describe('catalog-only type changes still rebuild indexes (relfilenode of the table and each index)', () => {
  /** Runs `sql` and returns the relations of the schema (table and indexes) that got a new relfilenode. */
  async function rebuiltBy(sql: string): Promise<string[]> {
    const snapshot = `SELECT relname, relfilenode FROM pg_class WHERE relnamespace = '${schema}'::regnamespace AND relkind IN ('r', 'i')`;
    const before = new Map((await client.query<{ relname: string; relfilenode: number }>(snapshot)).rows.map((r) => [r.relname, r.relfilenode]));
    await client.query(sql);
    const after = (await client.query<{ relname: string; relfilenode: number }>(snapshot)).rows;
    return after.filter((r) => before.has(r.relname) && before.get(r.relname) !== r.relfilenode).map((r) => r.relname).sort();
  }
  beforeEach(async () => {
    await client.query(`RESET TimeZone; DROP TABLE IF EXISTS ev;
      CREATE TABLE ev (id int, at timestamp(3), seen timestamp, name varchar(50));
      INSERT INTO ev SELECT g, now(), now(), 'n' FROM generate_series(1, 100) g;
      CREATE INDEX ev_at ON ev (at); CREATE INDEX ev_at_recent ON ev (id) WHERE at > '2020-01-01'; CREATE INDEX ev_at_day ON ev ((at::date));
      CREATE INDEX ev_seen ON ev (seen); CREATE INDEX ev_name ON ev (name); CREATE INDEX ev_name_set ON ev (id) WHERE name <> '';`);
  });
  afterEach(async () => {
    await client.query('RESET TimeZone');
  });
  it('timestamp(3) → timestamp keeps the table and plain indexes, rebuilds the partial and expression ones', async () => {
    expect(await rebuiltBy('ALTER TABLE ev ALTER COLUMN at TYPE timestamp')).toEqual(['ev_at_day', 'ev_at_recent']);
  });
  it('a timestamp precision decrease rewrites the table', async () => {
    expect(await rebuiltBy('ALTER TABLE ev ALTER COLUMN at TYPE timestamp(0)')).toContain('ev');
  });
  it('varchar widening and varchar → text rebuild only the partial index on the column', async () => {
    expect(await rebuiltBy('ALTER TABLE ev ALTER COLUMN name TYPE varchar(200)')).toEqual(['ev_name_set']);
    expect(await rebuiltBy('ALTER TABLE ev ALTER COLUMN name TYPE text')).toEqual(['ev_name_set']);
  });
  it('timestamp ↔ timestamptz under a zero-offset TimeZone keeps the table and rebuilds every index on the column', async () => {
    for (const zone of ["'UTC'", "'Etc/UTC'", "'GMT'", '0']) {
      await client.query(`SET TIME ZONE ${zone}`);
      expect(await rebuiltBy('ALTER TABLE ev ALTER COLUMN seen TYPE timestamptz')).toEqual(['ev_seen']);
      expect(await rebuiltBy('ALTER TABLE ev ALTER COLUMN seen TYPE timestamp')).toEqual(['ev_seen']);
    }
  });
  it('timestamp → timestamptz under any other zone rewrites the table', async () => {
    await client.query("SET TimeZone = 'Europe/London'");
    expect(await rebuiltBy('ALTER TABLE ev ALTER COLUMN seen TYPE timestamptz')).toContain('ev');
  });
});

describe('generated index names and partition indexes (src/sql/names.ts, src/sql/catalog.ts)', () => {
  /** Names of the indexes on `tables`, in creation order. */
  const indexNames = async (tables: string[]): Promise<string[]> =>
    (
      await client.query<{ relname: string }>(
        `SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relnamespace = '${schema}'::regnamespace AND t.relname = ANY($1) ORDER BY i.oid`,
        [tables],
      )
    ).rows.map((r) => r.relname);

  it('an unnamed index or constraint gets the name chooseIndexName computes: labels, expressions, numbering, 63-byte truncation', async () => {
    const long = 'a_table_name_that_is_rather_long_and_goes_on_and_on_for_a_while';
    const longColumn = 'a_column_name_that_is_also_quite_long_really';
    const multibyte = 'tàblé_ñame_with_multibyte_characters_éééééééééé';
    await client.query(`DROP TABLE IF EXISTS gen, ${long}, "${multibyte}";
      CREATE TABLE gen (id int PRIMARY KEY, status text, at timestamp, "Mixed" int, UNIQUE (status), UNIQUE (status, id));
      CREATE INDEX ON gen (status); CREATE INDEX ON gen (status); CREATE INDEX ON gen (lower(status)); CREATE INDEX ON gen ((at::date));
      CREATE INDEX ON gen ((id + 1)); CREATE INDEX ON gen (lower(status), upper(status), lower(status)); CREATE INDEX ON gen ("Mixed");
      CREATE TABLE ${long} (${longColumn} int, b int);
      CREATE INDEX ON ${long} (${longColumn}, b); CREATE INDEX ON ${long} (${longColumn}, b);
      CREATE TABLE "${multibyte}" ("cölumn_ñame_ééééééééééééééé" int); CREATE INDEX ON "${multibyte}" ("cölumn_ñame_ééééééééééééééé");`);
    const catalog = new Catalog();
    const sql = [
      'CREATE TABLE gen (id int PRIMARY KEY, status text, at timestamp, "Mixed" int, UNIQUE (status), UNIQUE (status, id));',
      'CREATE INDEX ON gen (status);',
      'CREATE INDEX ON gen (status);',
      'CREATE INDEX ON gen (lower(status));',
      'CREATE INDEX ON gen ((at::date));',
      'CREATE INDEX ON gen ((id + 1));',
      'CREATE INDEX ON gen (lower(status), upper(status), lower(status));',
      'CREATE INDEX ON gen ("Mixed");',
      `CREATE TABLE ${long} (${longColumn} int, b int);`,
      `CREATE INDEX ON ${long} (${longColumn}, b);`,
      `CREATE INDEX ON ${long} (${longColumn}, b);`,
      `CREATE TABLE "${multibyte}" ("cölumn_ñame_ééééééééééééééé" int);`,
      `CREATE INDEX ON "${multibyte}" ("cölumn_ñame_ééééééééééééééé");`,
    ].join('\n');
    for (const statement of parseSql(sql).statements) catalog.apply(statement, 'f.sql');
    expect([...catalog.indexes.keys()]).toEqual(await indexNames(['gen', long, multibyte]));
  });

  it('DROP INDEX of a partitioned index drops the partition indexes attached to it, built or ATTACHed', async () => {
    const setup = `CREATE TABLE pev (id bigint, kind text) PARTITION BY RANGE (id);
      CREATE TABLE pev_a PARTITION OF pev FOR VALUES FROM (0) TO (100);
      CREATE INDEX pev_kind_idx ON pev (kind);
      CREATE INDEX pev_id_idx ON ONLY pev (id);
      CREATE INDEX pev_a_id ON pev_a (id);
      ALTER INDEX pev_id_idx ATTACH PARTITION pev_a_id;`;
    const drop = 'DROP INDEX pev_kind_idx; DROP INDEX pev_id_idx;';
    await client.query(`DROP TABLE IF EXISTS pev; ${setup}`);
    const catalog = new Catalog();
    for (const statement of parseSql(setup).statements) catalog.apply(statement, 'f.sql');
    const built = ['pev_kind_idx', 'pev_a_kind_idx', 'pev_id_idx', 'pev_a_id'];
    expect(await indexNames(['pev', 'pev_a'])).toEqual(built);
    expect([...catalog.indexes.keys()].sort()).toEqual([...built].sort());
    await client.query(drop);
    for (const statement of parseSql(drop).statements) catalog.apply(statement, 'f.sql');
    expect(await indexNames(['pev', 'pev_a'])).toEqual([]);
    expect([...catalog.indexes.keys()]).toEqual([]);
  });

  it('INSERT … ON CONFLICT (col) fails with 42P10 once no unique index on exactly (col) remains', async () => {
    await client.query('CREATE UNIQUE INDEX users_email_key ON users (email)');
    await client.query("INSERT INTO users (id, email) VALUES (1000, 'x') ON CONFLICT (email) DO NOTHING");
    await client.query('DROP INDEX users_email_key');
    await expect(client.query("INSERT INTO users (id, email) VALUES (1001, 'y') ON CONFLICT (email) DO NOTHING")).rejects.toMatchObject({ code: '42P10' });
  });
});
