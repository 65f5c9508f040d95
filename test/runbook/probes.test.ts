import { join } from 'node:path';
import { beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { probesFor, runProbes } from '../../src/runbook/probes.js';
import { expandStatements } from '../../src/sql/expand.js';
import { loadParser, parseSql } from '../../src/sql/parse.js';
import { makeRepo, throwawayDatabase } from '../helpers.js';
import { cli, describeWithPostgres, queryOn } from './local-pg.js';

/**
 * Data probes against the local PostgreSQL 15 with generated data: each predicts the failure of
 * the statement it guards, counts the offending rows, and cannot write.
 */
const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, code text, n bigint);
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);
CREATE TABLE members (id bigint PRIMARY KEY, email text, code text, nickname text);`;
const data = `
INSERT INTO users SELECT g, 'u' || (g % 90) || '@x.test', CASE WHEN g % 25 = 0 THEN NULL ELSE 'n' END, repeat('c', 1 + g % 5), CASE WHEN g = 7 THEN 5000000000 ELSE g END FROM generate_series(1, 100) g;
INSERT INTO orders SELECT g, CASE WHEN g % 10 = 0 THEN -1 ELSE g END FROM generate_series(1, 50) g;
INSERT INTO items SELECT g, g FROM generate_series(1, 60) g;
-- 300k members: emails unique as written but 297 groups equal once lowercased, NULL emails; codes
-- duplicated only among the first 594 ids; every tenth nickname 30 characters long.
INSERT INTO members SELECT g,
  CASE WHEN g <= 297 THEN 'dup' || g || '@x.test' WHEN g <= 594 THEN 'DUP' || (g - 297) || '@X.test' WHEN g % 1000 = 0 THEN NULL ELSE 'u' || g || '@x.test' END,
  CASE WHEN g <= 594 THEN 'k' || (g % 297) ELSE 'k' || g END,
  CASE WHEN g % 10 = 0 THEN repeat('n', 30) ELSE 'nick' || g END
FROM generate_series(1, 300000) g;
ANALYZE members;`;
const change = `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE items ADD CONSTRAINT items_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;
ALTER TABLE users ALTER COLUMN code TYPE varchar(3);
ALTER TABLE users ALTER COLUMN n TYPE integer;
ALTER TABLE orders ADD COLUMN region text NOT NULL;`;
const { url: target } = throwawayDatabase('mr_probes', schema + data);

beforeAll(() => loadParser());

describeWithPostgres('data probes', () => {
  it('predict each failure with the number of offending rows', async () => {
    const probes = probesFor('m/2.up.sql', expandStatements(parseSql(change)).statements);
    const results = await runProbes(probes, target);
    expect(results.map((r) => [r.line, r.kind, r.count])).toEqual([
      [1, 'duplicates', 10], // emails u1…u10 appear twice among 100 users with g % 90
      [2, 'nulls', 4],
      [3, 'orphans', 10], // items 51…60 have no order
      [4, 'check', 5],
      [5, 'too-long', 40],
      [6, 'out-of-range', 1],
      [7, 'any-row', 1],
    ]);
    // And they are right: the statements really fail on this data.
    const db = new pg.Client({ connectionString: target });
    await db.connect();
    await expect(db.query('ALTER TABLE users ALTER COLUMN name SET NOT NULL')).rejects.toMatchObject({ code: '23502' });
    await expect(db.query('ALTER TABLE users ALTER COLUMN code TYPE varchar(3)')).rejects.toMatchObject({ code: '22001' });
    await db.end();
  });
  it('run read-only: a probe that tried to write would fail, and the others still run', async () => {
    const results = await runProbes(
      [
        { file: 'x', line: 1, table: 'users', kind: 'check', meaning: 'x', sql: 'DELETE FROM users' },
        { file: 'x', line: 2, table: 'users', kind: 'nulls', meaning: 'x', sql: 'SELECT count(*) FROM users WHERE email IS NULL' },
      ],
      target,
    );
    expect(results[0]).toMatchObject({ count: null, error: expect.stringContaining('read-only transaction') });
    expect(results[1]).toMatchObject({ count: 0 });
  });
  it('the runbook command prints them with their counts when given the database', async () => {
    const root = await makeRepo({ 'migrations/000001_init.up.sql': schema, 'migrations/000002_change.up.sql': 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;' });
    const { stdout } = await cli(['runbook', join(root, 'migrations/000002_change.up.sql'), '--root', root, '--database-url', target, '--no-trace']);
    expect(stdout).toContain('# Runbook — 1 migration file');
    expect(stdout).toContain('line 1, users: rows that have name NULL: SET NOT NULL fails — ⛔ **4** rows');
    expect(stdout).toContain('SELECT count(*) FROM users WHERE name IS NULL');
    expect(stdout).toMatch(/\*\*Rollback:\*\* \nthere is no down migration|golang-migrate has no down/);
  });
  it('a staging monitor report puts measured lock times next to the estimates', async () => {
    const root = await makeRepo({
      'migrations/000001_init.up.sql': schema,
      'migrations/000002_change.up.sql': 'ALTER TABLE users ADD COLUMN note text;',
      'staging.json': JSON.stringify({ command: 'x', exitCode: 0, seconds: 1, samples: 4, thresholdSeconds: 5, tables: [{ table: 'users', longestHold: { seconds: 0.4, mode: 'AccessExclusiveLock', query: 'ALTER TABLE users ADD COLUMN note text' }, longestWait: null }], maxReplicationLagSeconds: null, exceeded: [] }),
    });
    const { stdout } = await cli(['runbook', join(root, 'migrations/000002_change.up.sql'), '--root', root, '--no-trace', '--staging', join(root, 'staging.json')]);
    expect(stdout).toContain('staging: AccessExclusive on users held 0.4 s');
    expect((await cli(['runbook', join(root, 'migrations/000002_change.up.sql'), '--root', root, '--no-trace', '--staging', join(root, 'migrations/000001_init.up.sql')])).code).toBe(2);
  });

  it('count what the statement checks: the partial index predicate, the expression, the USING expression (item 9)', async () => {
    const migration = `CREATE UNIQUE INDEX CONCURRENTLY members_code_key ON members (code) WHERE id > 100000;
CREATE UNIQUE INDEX CONCURRENTLY members_email_lower_key ON members (lower(email));
ALTER TABLE members ALTER COLUMN nickname TYPE varchar(20) USING left(nickname, 20);
ALTER TABLE members ALTER COLUMN email TYPE varchar(12);`;
    const probes = probesFor('m/3.up.sql', expandStatements(parseSql(migration)).statements);
    const results = await runProbes(probes, target);
    expect(results.map((r) => [r.line, r.kind, r.count])).toEqual([
      [1, 'duplicates', 0], // the 297 duplicate codes all have id <= 594: outside the index
      [2, 'duplicates', 297], // dupN@x.test and DUPN@X.test
      [3, 'too-long', 0], // left(nickname, 20) fits
      [4, 'too-long', 290_106], // no USING: the emails themselves, 13 characters and more
    ]);
    expect(results[0]!.meaning).toContain('among the rows where id > 100000');
    expect(results[2]!.meaning).toContain('after USING left(nickname, 20)');
    // And they are right: PostgreSQL agrees, statement by statement (each rolled back).
    const outcome = async (sql: string): Promise<string> => {
      const rows = await queryOn<{ outcome: string }>(target, `DO $$ BEGIN ${sql}; RAISE EXCEPTION 'ok'; END $$`).catch((e: Error) => [{ outcome: e.message }]);
      return rows[0]!.outcome;
    };
    expect(await outcome('CREATE UNIQUE INDEX members_code_key ON members (code) WHERE id > 100000')).toBe('ok');
    expect(await outcome('CREATE UNIQUE INDEX members_email_lower_key ON members (lower(email))')).toMatch(/could not create unique index/);
    expect(await outcome('ALTER TABLE members ALTER COLUMN nickname TYPE varchar(20) USING left(nickname, 20)')).toBe('ok');
    expect(await outcome('ALTER TABLE members ALTER COLUMN email TYPE varchar(12)')).toMatch(/value too long/);
  });

  it('with --database-url, a check that counts offending rows makes the verdict BLOCK (item 10)', async () => {
    const root = await makeRepo({ 'migrations/000001_init.up.sql': schema, 'migrations/000002_change.up.sql': 'CREATE UNIQUE INDEX CONCURRENTLY members_email_lower_key ON members (lower(email));' });
    const file = join(root, 'migrations/000002_change.up.sql');
    const without = await cli(['runbook', file, '--root', root, '--no-trace']);
    expect(without.stdout).not.toContain('Verdict of the review: **BLOCK**');
    const { stdout } = await cli(['runbook', file, '--root', root, '--no-trace', '--database-url', target]);
    expect(stdout).toContain('Verdict of the review: **BLOCK** — Do not ship: The data check on the database found 297 duplicate groups of members that share their lower(email) with another row');
    expect(stdout).toContain('⛔ **297** duplicate groups');
  });

  it("the data check's finding goes through the repository's policy like any other (rules: levels)", async () => {
    const root = await makeRepo({
      '.github/migration-review.yml': 'rules:\n  data-check-fails: FLAG\n',
      'migrations/000001_init.up.sql': schema,
      'migrations/000002_change.up.sql': 'CREATE UNIQUE INDEX CONCURRENTLY members_email_lower_key ON members (lower(email));',
    });
    const { stdout } = await cli(['runbook', join(root, 'migrations/000002_change.up.sql'), '--root', root, '--no-trace', '--database-url', target]);
    expect(stdout).toContain('Verdict of the review: **SAFE WITH MODIFICATIONS**');
    expect(stdout).toContain('⛔ **297** duplicate groups');
  });
});
