import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
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

describe('json has no equality operator (json-column)', () => {
  it('SELECT DISTINCT over json fails with SQLSTATE 42883; over jsonb it works', async () => {
    await client.query(`CREATE TABLE docs (j json, jb jsonb); INSERT INTO docs VALUES ('{"a":1}', '{"a":1}'), ('{"a":1}', '{"a":1}')`);
    try {
      await expect(client.query('SELECT DISTINCT j FROM docs')).rejects.toMatchObject({ code: '42883', message: 'could not identify an equality operator for type json' });
      await expect(client.query('SELECT j FROM docs UNION SELECT j FROM docs')).rejects.toMatchObject({ code: '42883' });
      await expect(client.query('SELECT j, count(*) FROM docs GROUP BY j')).rejects.toMatchObject({ code: '42883' });
      expect((await client.query('SELECT DISTINCT jb FROM docs')).rows).toEqual([{ jb: { a: 1 } }]);
    } finally {
      await client.query('DROP TABLE docs');
    }
  });
});

describe('ALTER DOMAIN checks every table that uses the domain (domain-constraint-validation)', () => {
  beforeEach(async () => {
    await client.query(`DROP TABLE IF EXISTS ledger; DROP DOMAIN IF EXISTS cents;
      CREATE DOMAIN cents AS bigint; CREATE TABLE ledger (id bigint, amount cents); INSERT INTO ledger VALUES (1, 5), (2, -1)`);
  });
  it('ADD CONSTRAINT (validated) holds SHARE on every table with a column of the domain, and fails on a bad row', async () => {
    await client.query('DELETE FROM ledger WHERE amount < 0');
    const locks = await locksOf('ALTER DOMAIN cents ADD CONSTRAINT cents_positive CHECK (VALUE > 0)');
    expect(locks.ledger).toEqual(['ShareLock']);
    // No other table is touched: orders has no column of the domain.
    expect(locks.orders).toBeUndefined();
    await client.query('INSERT INTO ledger VALUES (3, -1)');
    await expect(client.query('ALTER DOMAIN cents ADD CONSTRAINT cents_positive CHECK (VALUE > 0)')).rejects.toMatchObject({ code: '23514' });
  });
  it('ADD CONSTRAINT … NOT VALID locks no table; VALIDATE CONSTRAINT then holds SHARE on each (writes wait), unlike a table VALIDATE', async () => {
    expect(await locksOf('ALTER DOMAIN cents ADD CONSTRAINT cents_positive CHECK (VALUE > 0) NOT VALID')).toEqual({});
    await client.query('ALTER DOMAIN cents ADD CONSTRAINT cents_positive CHECK (VALUE > 0) NOT VALID');
    await client.query('DELETE FROM ledger WHERE amount < 0');
    expect((await locksOf('ALTER DOMAIN cents VALIDATE CONSTRAINT cents_positive')).ledger).toEqual(['ShareLock']);
  });
  it('SET NOT NULL on a domain holds SHARE on every table using it too', async () => {
    expect((await locksOf('ALTER DOMAIN cents SET NOT NULL')).ledger).toEqual(['ShareLock']);
  });
});

describe('ADD PRIMARY KEY USING INDEX on a nullable column (primary-key-using-nullable-index)', () => {
  it('scans the table for NULLs ("verifying table") under ACCESS EXCLUSIVE, and fails on one', async () => {
    await client.query('CREATE TABLE archive (id bigint, kind text); INSERT INTO archive SELECT g, g::text FROM generate_series(1, 50) g');
    await client.query('CREATE UNIQUE INDEX archive_id_key ON archive (id)');
    try {
      const notices = await debugNotices('BEGIN; ALTER TABLE archive ADD CONSTRAINT archive_pkey PRIMARY KEY USING INDEX archive_id_key');
      expect(notices).toMatch(/verifying table "archive"/);
      await client.query('ROLLBACK');
      expect((await locksOf('ALTER TABLE archive ADD CONSTRAINT archive_pkey PRIMARY KEY USING INDEX archive_id_key')).archive).toEqual(['AccessExclusiveLock']);
      await client.query('INSERT INTO archive VALUES (NULL, 0)');
      await expect(client.query('ALTER TABLE archive ADD CONSTRAINT archive_pkey PRIMARY KEY USING INDEX archive_id_key')).rejects.toMatchObject({ code: '23502' });
    } finally {
      await client.query('DROP TABLE archive');
    }
  });
});

describe('CREATE INDEX CONCURRENTLY IF NOT EXISTS after a failed build (create-index-concurrently-if-not-exists)', () => {
  it('keeps the INVALID index the failed build left, with only a notice', async () => {
    await client.query(`CREATE TABLE customers (email text); INSERT INTO customers VALUES ('a@x'), ('a@x')`);
    const notices: string[] = [];
    const listener = (n: { message?: string }): void => void notices.push(n.message ?? '');
    try {
      await expect(client.query('CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email)')).rejects.toMatchObject({ code: '23505' });
      client.on('notice', listener);
      await client.query('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_email_key ON customers (email)');
      expect(notices).toContain('relation "customers_email_key" already exists, skipping');
      const { rows } = await client.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = '${schema}.customers_email_key'::regclass`);
      expect(rows).toEqual([{ indisvalid: false }]);
      // The uniqueness it was meant to enforce is not enforced for reads: the planner ignores an INVALID index, and duplicates already exist.
    } finally {
      client.removeListener('notice', listener);
      await client.query('DROP TABLE customers');
    }
  });
});

describe('ADD COLUMN … REFERENCES (foreign-key-locks-both-tables)', () => {
  const rowsRead = async (): Promise<number> => {
    await client.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await client.query<{ n: string }>(`SELECT seq_tup_read AS n FROM pg_stat_user_tables WHERE relid = '${schema}.order_items'::regclass`);
    return Number(rows[0]!.n);
  };
  it('reads no row without a default (every value is NULL), and checks every row with one', async () => {
    const before = await rowsRead();
    await client.query('ALTER TABLE order_items ADD COLUMN order_ref bigint REFERENCES orders (id)');
    expect(await rowsRead()).toBe(before);
    await client.query('ALTER TABLE order_items ADD COLUMN order_ref2 bigint DEFAULT 1 REFERENCES orders (id)');
    expect(await rowsRead()).toBe(before + 100);
  });
});

describe('a foreign key referencing a partitioned table (foreign-key-to-partitioned-table)', () => {
  it('is accepted on PostgreSQL 15 (12+; before 12 it is rejected, per the 12 release notes)', async () => {
    await client.query(`CREATE TABLE pinv (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE pinv_2024 PARTITION OF pinv FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE pnote (id bigint PRIMARY KEY, inv bigint, at date, FOREIGN KEY (inv, at) REFERENCES pinv (id, at))`);
    await client.query('DROP TABLE pnote, pinv');
  });
});

describe('a session lock_timeout and CREATE INDEX CONCURRENTLY (lock-timeout-cancels-concurrent-build)', () => {
  it('a writer open past the timeout cancels the build (55P03) and leaves an INVALID index behind', async () => {
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    try {
      await writer.query(`SET search_path = ${schema}`);
      await writer.query('BEGIN');
      await writer.query("INSERT INTO orders VALUES (1000, 'new', 1)");
      await client.query("SET lock_timeout = '300ms'");
      // The build waits for every transaction that may write the table; the lock_timeout applies to that wait.
      await expect(client.query('CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)')).rejects.toMatchObject({ code: '55P03' });
      const { rows } = await client.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = '${schema}.orders_status_idx'::regclass`);
      expect(rows).toEqual([{ indisvalid: false }]);
    } finally {
      await client.query('RESET lock_timeout');
      await writer.query('ROLLBACK');
      await writer.end();
    }
  });
});

describe('DETACH PARTITION (detach-partition-non-concurrently)', () => {
  beforeEach(async () => {
    await client.query(`DROP TABLE IF EXISTS audit; CREATE TABLE audit (id bigint, at date) PARTITION BY RANGE (at);
      CREATE TABLE audit_2023 PARTITION OF audit FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
      CREATE TABLE audit_2024 PARTITION OF audit FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`);
  });
  it('plain DETACH holds ACCESS EXCLUSIVE on the partition and on the parent', async () => {
    const locks = await locksOf('ALTER TABLE audit DETACH PARTITION audit_2023');
    expect(locks.audit).toEqual(['AccessExclusiveLock']);
    expect(locks.audit_2023).toEqual(['AccessExclusiveLock']);
    expect(locks.audit_2024).toBeUndefined();
  });
  it('DETACH … CONCURRENTLY leaves a CHECK copying the partition bound, which the re-ATTACH keeps', async () => {
    await client.query('ALTER TABLE audit DETACH PARTITION audit_2023 CONCURRENTLY');
    const checks = async (): Promise<string[]> =>
      (await client.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${schema}.audit_2023'::regclass AND contype = 'c'`)).rows.map((r) => r.def);
    expect(await checks()).toEqual([expect.stringMatching(/^CHECK \(\(\(at IS NOT NULL\) AND \(at >= '2023-01-01'::date\) AND \(at < '2024-01-01'::date\)\)\)$/)]);
    await client.query("ALTER TABLE audit ATTACH PARTITION audit_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
    expect(await checks()).toHaveLength(1);
  });
  it('DETACH … CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)', async () => {
    await client.query('BEGIN');
    await expect(client.query('ALTER TABLE audit DETACH PARTITION audit_2023 CONCURRENTLY')).rejects.toMatchObject({ code: '25001' });
    await client.query('ROLLBACK');
  });
  it('DETACH … CONCURRENTLY is refused while the parent has a default partition', async () => {
    await client.query('CREATE TABLE audit_other PARTITION OF audit DEFAULT');
    await expect(client.query('ALTER TABLE audit DETACH PARTITION audit_2023 CONCURRENTLY')).rejects.toMatchObject({
      message: expect.stringMatching(/cannot detach partitions concurrently when a default partition exists/),
    });
  });
  it('DETACH … CONCURRENTLY asks for SHARE UPDATE EXCLUSIVE on the parent and the partition, and writes to the parent go on', async () => {
    const blocker = new pg.Client({ connectionString: url });
    const watcher = new pg.Client({ connectionString: url });
    const detacher = new pg.Client({ connectionString: url });
    await Promise.all([blocker.connect(), watcher.connect(), detacher.connect()]);
    try {
      for (const c of [blocker, watcher, detacher]) await c.query(`SET search_path = ${schema}`);
      // SHARE UPDATE EXCLUSIVE conflicts with itself: holding it on the partition makes the detach wait, showing what it asks for.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE audit_2023 IN SHARE UPDATE EXCLUSIVE MODE');
      const detacherPid = (await detacher.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const detaching = detacher.query('ALTER TABLE audit DETACH PARTITION audit_2023 CONCURRENTLY');
      let requested: { rel: string; mode: string; granted: boolean }[] = [];
      for (let i = 0; i < 100 && requested.length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        requested = (
          await watcher.query<{ rel: string; mode: string; granted: boolean }>(
            `SELECT c.relname AS rel, l.mode, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
             WHERE l.pid = $1 AND c.relkind IN ('r', 'p') AND c.relnamespace = '${schema}'::regnamespace ORDER BY 1`,
            [detacherPid],
          )
        ).rows;
      }
      expect(requested).toEqual([
        { rel: 'audit', mode: 'ShareUpdateExclusiveLock', granted: true },
        { rel: 'audit_2023', mode: 'ShareUpdateExclusiveLock', granted: false },
      ]);
      // The parent's SHARE UPDATE EXCLUSIVE lets writes through: this INSERT does not wait.
      await watcher.query("SET lock_timeout = '2s'");
      await watcher.query("INSERT INTO audit VALUES (1, '2024-06-01')");
      await blocker.query('COMMIT');
      await detaching;
      const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = '${schema}.audit'::regclass`);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all([blocker.end(), watcher.end(), detacher.end()]);
    }
  });
});

describe('COMMIT inside DO (commit-inside-do, PG 11+)', () => {
  it('works when the DO block runs on its own', async () => {
    await client.query('DO $$ BEGIN COMMIT; END $$');
  });
  it('fails with "invalid transaction termination" (SQLSTATE 2D000) inside BEGIN', async () => {
    await client.query('BEGIN');
    await expect(client.query('DO $$ BEGIN COMMIT; END $$')).rejects.toMatchObject({ code: '2D000', message: 'invalid transaction termination' });
    await client.query('ROLLBACK');
  });
  it('fails the same way in a multi-statement query string (an implicit transaction)', async () => {
    await expect(client.query("SET lock_timeout = '1s'; DO $$ BEGIN COMMIT; END $$")).rejects.toMatchObject({ code: '2D000' });
  });
  it('ROLLBACK inside DO and COMMIT in a CALLed procedure fail inside BEGIN too', async () => {
    await client.query(`CREATE OR REPLACE PROCEDURE ${schema}.commits() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$`);
    await client.query('BEGIN');
    await expect(client.query(`CALL ${schema}.commits()`)).rejects.toMatchObject({ code: '2D000' });
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    await expect(client.query('DO $$ BEGIN ROLLBACK; END $$')).rejects.toMatchObject({ code: '2D000' });
    await client.query('ROLLBACK');
  });
});

describe('NOT VALID foreign key on a partitioned table (not-valid-foreign-key-on-partitioned-table)', () => {
  beforeEach(async () => {
    await client.query(`DROP TABLE IF EXISTS readings, sensors; CREATE TABLE sensors (id bigint PRIMARY KEY);
      CREATE TABLE readings (sensor_id bigint, at date) PARTITION BY RANGE (at);
      CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`);
  });
  it('is rejected before PostgreSQL 18 (SQLSTATE 42809); a validated one, and NOT VALID on a single partition, are accepted', async () => {
    const { rows } = await client.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
    const fk = client.query('ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID');
    if (rows[0]!.v < 180000) {
      await expect(fk).rejects.toMatchObject({ code: '42809', message: expect.stringMatching(/cannot add NOT VALID foreign key on partitioned table "readings"/) });
    } else {
      await fk;
    }
    await client.query('ALTER TABLE readings_2024 ADD CONSTRAINT readings_2024_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID');
    await client.query('ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk2 FOREIGN KEY (sensor_id) REFERENCES sensors (id)');
  });
});

describe('NOT VALID foreign key on a partitioned table, on PostgreSQL 18 (PGlite)', () => {
  it('is accepted and VALIDATE works: the restriction ends with 18', async () => {
    const db = new PGlite();
    try {
      const version = (await db.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`)).rows[0]!.v;
      expect(Math.floor(version / 10000)).toBe(18);
      await db.exec(`CREATE TABLE sensors (id bigint PRIMARY KEY); INSERT INTO sensors VALUES (1);
        CREATE TABLE readings (sensor_id bigint, at date) PARTITION BY RANGE (at);
        CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        INSERT INTO readings VALUES (1, '2024-02-01')`);
      await db.exec('ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID');
      const { rows } = await db.query(`SELECT conrelid::regclass::text AS rel, convalidated FROM pg_constraint WHERE conname = 'readings_sensor_fk' ORDER BY 1`);
      expect(rows).toEqual([
        { rel: 'readings', convalidated: false },
        { rel: 'readings_2024', convalidated: false },
      ]);
      await db.exec('ALTER TABLE readings VALIDATE CONSTRAINT readings_sensor_fk');
    } finally {
      await db.close();
    }
  });
});
