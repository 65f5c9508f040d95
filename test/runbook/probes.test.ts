import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { probesFor, runProbes } from '../../src/runbook/probes.js';
import { expandStatements } from '../../src/sql/expand.js';
import { loadParser, parseSql } from '../../src/sql/parse.js';
import { makeRepo, REPO_ROOT, throwawayDatabase } from '../helpers.js';

/**
 * Data probes against the local PostgreSQL 15 with generated data: each predicts the failure of
 * the statement it guards, counts the offending rows, and cannot write.
 */
const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, code text, n bigint);
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);`;
const data = `
INSERT INTO users SELECT g, 'u' || (g % 90) || '@x.test', CASE WHEN g % 25 = 0 THEN NULL ELSE 'n' END, repeat('c', 1 + g % 5), CASE WHEN g = 7 THEN 5000000000 ELSE g END FROM generate_series(1, 100) g;
INSERT INTO orders SELECT g, CASE WHEN g % 10 = 0 THEN -1 ELSE g END FROM generate_series(1, 50) g;
INSERT INTO items SELECT g, g FROM generate_series(1, 60) g;`;
const change = `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE items ADD CONSTRAINT items_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;
ALTER TABLE users ALTER COLUMN code TYPE varchar(3);
ALTER TABLE users ALTER COLUMN n TYPE integer;
ALTER TABLE orders ADD COLUMN region text NOT NULL;`;
const { url: target } = throwawayDatabase('mr_probes', schema + data);

beforeAll(() => loadParser());

describe('data probes', () => {
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
    const { stdout } = await promisify(execFile)('node', [join(REPO_ROOT, 'bin', 'migration-review.js'), 'runbook', join(root, 'migrations/000002_change.up.sql'), '--root', root, '--database-url', target, '--no-trace']);
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
    const run = promisify(execFile);
    const bin = join(REPO_ROOT, 'bin', 'migration-review.js');
    const { stdout } = await run('node', [bin, 'runbook', join(root, 'migrations/000002_change.up.sql'), '--root', root, '--no-trace', '--staging', join(root, 'staging.json')]);
    expect(stdout).toContain('staging: AccessExclusive on users held 0.4 s');
    await expect(run('node', [bin, 'runbook', join(root, 'migrations/000002_change.up.sql'), '--root', root, '--no-trace', '--staging', join(root, 'migrations/000001_init.up.sql')])).rejects.toMatchObject({ code: 2 });
  });
});
