import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { findingsFor, testRule } from '../../../test/rule-tester.js';
import rule from './narrowing-type-change.js';

const schema = 'CREATE TABLE users (id bigint, name varchar(100), seen timestamptz, at timestamp, doc json, body text);';
testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);', schema },
    { sql: 'ALTER TABLE users ALTER COLUMN name TYPE text;', schema },
    { sql: "ALTER TABLE users ALTER COLUMN at TYPE timestamptz USING at AT TIME ZONE 'UTC';", schema, name: 'timestamp → timestamptz with USING was called narrowing' },
    { sql: "ALTER TABLE users ALTER COLUMN seen TYPE timestamp USING seen AT TIME ZONE 'UTC';", schema, name: 'timestamptz → timestamp with USING was called narrowing' },
    { sql: 'ALTER TABLE users ALTER COLUMN doc TYPE jsonb USING doc::jsonb;', schema, name: 'json → jsonb with USING was called narrowing' },
  ],
  invalid: [
    { sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);', schema, errors: [{ messageId: 'narrowing', message: /varchar\(100\)/ }] },
    { sql: 'ALTER TABLE users ALTER COLUMN id TYPE integer;', schema, errors: [{ messageId: 'narrowing' }] },
    { sql: 'ALTER TABLE users ALTER COLUMN seen TYPE date;', schema, errors: [{ messageId: 'narrowing' }] },
    { sql: 'ALTER TABLE users ALTER COLUMN body TYPE jsonb USING body::jsonb;', schema, errors: [{ messageId: 'narrowing' }], name: 'text → jsonb fails on text that is not JSON' },
  ],
});

/**
 * The recommendation's check query must run on a column of the old type. Each case builds the
 * table on PostgreSQL, takes the query from the finding and runs it.
 */
describe('narrowing-type-change: the suggested check query runs on PostgreSQL', () => {
  const url = process.env.MIGRATION_REVIEW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgSchema = `mr_narrowing_${process.pid}`;
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE; CREATE SCHEMA ${pgSchema}; SET search_path = ${pgSchema}`);
    await client.query("CREATE TYPE mood AS ENUM ('ok', 'sad')");
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    await client.end();
  });

  // `flagged`: the rows the query counts. The text-form dry runs count none and raise on a bad value.
  const cases: { from: string; to: string; value: string; flagged: number }[] = [
    { from: 'varchar(100)', to: 'varchar(5)', value: "'longer than five'", flagged: 1 },
    { from: 'text', to: 'varchar(50)', value: "'short'", flagged: 0 },
    { from: 'bigint', to: 'integer', value: '5000000000', flagged: 1 },
    { from: 'integer', to: 'smallint', value: '7', flagged: 0 },
    { from: 'numeric(10,2)', to: 'integer', value: '2.5', flagged: 1 },
    { from: 'double precision', to: 'bigint', value: '3', flagged: 0 },
    { from: 'real', to: 'bigint', value: '1e19', flagged: 1 },
    { from: 'numeric(10,2)', to: 'numeric(6,1)', value: '123456.7', flagged: 1 },
    { from: 'numeric(10,2)', to: 'numeric(6,1)', value: '1.25', flagged: 1 },
    { from: 'numeric(10,2)', to: 'numeric(6,1)', value: '12345.6', flagged: 0 },
    { from: 'timestamptz', to: 'date', value: "'2024-05-01 10:00+00'", flagged: 1 },
    { from: 'timestamp', to: 'date', value: "'2024-05-01'", flagged: 0 },
    { from: 'text', to: 'mood', value: "'ok'", flagged: 0 },
    { from: 'varchar(20)', to: 'text[]', value: "'{a,b}'", flagged: 0 },
    { from: 'text', to: 'jsonb', value: `'{"a": 1}'`, flagged: 0 },
  ];
  for (const c of cases) {
    it(`${c.from} → ${c.to}`, async () => {
      const table = 'Order';
      const column = 'user';
      const findings = await findingsFor(rule, { sql: `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE ${c.to} USING "${column}"::text::${c.to};`, schema: `CREATE TABLE "${table}" ("${column}" ${c.from});` });
      expect(findings).toHaveLength(1);
      const query = /`([^`]+)`/.exec(findings[0]!.recommendation)?.[1];
      expect(query).toBeDefined();
      await client.query(`DROP TABLE IF EXISTS "${table}"; CREATE TABLE "${table}" ("${column}" ${c.from}); INSERT INTO "${table}" VALUES (${c.value})`);
      const { rows } = await client.query<{ count: string }>(query!);
      expect(Number(rows[0]!.count)).toBe(c.flagged);
    });
  }
  it('the text-form dry run raises the error the migration would', async () => {
    const findings = await findingsFor(rule, { sql: 'ALTER TABLE t ALTER COLUMN c TYPE mood USING c::mood;', schema: 'CREATE TABLE t (c text);' });
    const query = /`([^`]+)`/.exec(findings[0]!.recommendation)![1]!;
    await client.query("DROP TABLE IF EXISTS t; CREATE TABLE t (c text); INSERT INTO t VALUES ('angry')");
    await expect(client.query(query)).rejects.toMatchObject({ code: '22P02' });
  });
});
