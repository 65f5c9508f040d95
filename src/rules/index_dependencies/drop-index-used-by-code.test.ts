import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../config/schema.js';
import { review } from '../../review/analyze.js';
import type { MigrationFile } from '../../core/types.js';
import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-index-used-by-code.js';

const schema = 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);';
const readsOnly = { 'src/orders.ts': "export const list = (db: Db) => db.query('SELECT id, status FROM orders ORDER BY id');" };
// Code that never queries orders: the search ran and found nothing.
const noQueries = { 'src/health.ts': "export const ping = (db: Db) => db.query('SELECT 1');" };
const filters = { 'src/orders.ts': "export const open = (db: Db) => db.query('SELECT id FROM orders WHERE status = $1', ['open']);" };
testRule(rule, {
  valid: [
    'DROP INDEX IF EXISTS nothing_known;',
    { sql: 'DROP INDEX CONCURRENTLY idx_orders_status;', schema, code: readsOnly, name: 'the code only reads the column: no query needs the index' },
    {
      sql: 'CREATE INDEX CONCURRENTLY idx_orders_status_id ON orders (status, id);\nDROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      code: filters,
      name: 'another index with the same leading column, created in the same change, serves the queries',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY orders_lower_idx;',
      schema: 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX ON orders (lower(status));',
      code: noQueries,
      name: "an unnamed expression index was not found by PostgreSQL's generated name",
    },
    {
      sql: 'DROP INDEX CONCURRENTLY orders_status_idx1;',
      schema: 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX ON orders (status);\nCREATE INDEX ON orders (status);',
      code: noQueries,
      name: "a second unnamed index on the same columns was not found by PostgreSQL's numbered name",
    },
    {
      sql: 'DROP INDEX CONCURRENTLY a_table_name_that_is_rather_l_a_column_name_that_is_also_qu_idx;',
      schema:
        'CREATE TABLE a_table_name_that_is_rather_long_and_goes_on_and_on_for_a_while (a_column_name_that_is_also_quite_long_really int, b int);\nCREATE INDEX ON a_table_name_that_is_rather_long_and_goes_on_and_on_for_a_while (a_column_name_that_is_also_quite_long_really, b);',
      code: noQueries,
      name: 'an unnamed index on long names was not found by its name truncated to 63 bytes',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY events_2024_kind_idx;',
      schema:
        'CREATE TABLE events (id bigint, kind text) PARTITION BY RANGE (id);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM (0) TO (100);\nCREATE INDEX events_kind_idx ON events (kind);',
      code: noQueries,
      name: 'the index CREATE INDEX builds on each partition was unknown',
    },
  ],
  invalid: [
    { sql: 'DROP INDEX CONCURRENTLY mystery_idx;', errors: [{ messageId: 'unknown' }] },
    {
      sql: 'DROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      errors: [{ messageId: 'noCode', status: 'FLAG' }],
      name: 'no application code to check: FLAG',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      code: filters,
      errors: [{ messageId: 'used', status: 'BLOCK', message: /src\/orders.ts:1/ }],
      name: 'the code filters by it and nothing else covers it: BLOCK',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY orders_ref_key;',
      schema: 'CREATE TABLE orders (id bigint, ref text);\nCREATE UNIQUE INDEX orders_ref_key ON orders (ref);\nCREATE INDEX orders_ref_idx ON orders (ref);',
      code: { 'src/import.ts': "export const up = (db: Db) => db.query('INSERT INTO orders (id, ref) VALUES ($1, $2) ON CONFLICT (ref) DO NOTHING');" },
      errors: [{ messageId: 'onConflict', status: 'BLOCK' }],
      name: 'ON CONFLICT (ref) needs a plain unique index on exactly (ref): a plain index on ref does not serve it',
    },
    {
      sql: 'DROP INDEX events_2024_kind_idx;',
      schema:
        'CREATE TABLE events (id bigint, kind text) PARTITION BY RANGE (id);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM (0) TO (100);\nCREATE INDEX events_kind_idx ON events (kind);\nDROP INDEX events_kind_idx;',
      errors: [{ messageId: 'unknown' }],
      name: 'a partition index was thought to survive the DROP INDEX of the index it is attached to',
    },
    {
      sql: 'DROP INDEX events_2024_kind;',
      schema:
        'CREATE TABLE events (id bigint, kind text) PARTITION BY RANGE (id);\nCREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM (0) TO (100);\nCREATE INDEX events_kind_idx ON ONLY events (kind);\nCREATE INDEX events_2024_kind ON events_2024 (kind);\nALTER INDEX events_kind_idx ATTACH PARTITION events_2024_kind;\nDROP INDEX events_kind_idx;',
      errors: [{ messageId: 'unknown' }],
      name: 'an index attached with ALTER INDEX … ATTACH PARTITION was thought to survive its parent',
    },
  ],
});

describe('drop-index-used-by-code with the repository code', () => {
  const file = (path: string, sql: string, order: number): MigrationFile => ({
    path,
    framework: 'golang-migrate',
    version: String(order),
    name: 'x',
    order,
    set: 'm',
    upSql: sql,
    upStartLine: 1,
    down: null,
    expectsDown: false,
    txMode: 'implicit',
    txReason: '',
  });
  it('names the file and line of the query that still needs the index', async () => {
    const result = await review({
      discovery: { migrations: [file('m/1.up.sql', schema, 0), file('m/2.up.sql', 'DROP INDEX CONCURRENTLY idx_orders_status;', 1)], extras: [] },
      change: new Set(['m/2.up.sql']),
      config: resolveConfig({}),
      codeRefs: (table, columns) => (table === 'orders' && columns[0] === 'status' ? [{ file: 'src/orders.ts', line: 12, text: 'WHERE status = $1' }] : []),
    });
    const finding = result.findings.find((f) => f.rule === rule.id);
    expect(finding?.message).toContain('src/orders.ts:12');
    expect(finding?.category).toBe('index_dependencies');
  });
});
