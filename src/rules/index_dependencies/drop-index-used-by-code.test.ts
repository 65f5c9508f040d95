import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../config/schema.js';
import { review } from '../../review/analyze.js';
import type { MigrationFile } from '../../core/types.js';
import { testRule } from '../../../test/rule-tester.js';
import type { StatsFile } from '../../stats/schema.js';
import rule from './drop-index-used-by-code.js';

const schema = 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);';
const readsOnly = { 'src/orders.ts': "export const list = (db: Db) => db.query('SELECT id, status FROM orders ORDER BY id');" };
// Code that never queries orders: the search ran and found nothing.
const noQueries = { 'src/health.ts': "export const ping = (db: Db) => db.query('SELECT 1');" };
const filters = { 'src/orders.ts': "export const open = (db: Db) => db.query('SELECT id FROM orders WHERE status = $1', ['open']);" };

/** A statistics file whose counters began `days` before collection and saw `scans` scans of `index` (plus whether it is unique). */
function statsWith(index: string, scans: number, days: number, unique = false): StatsFile {
  const collectedAt = '2026-11-28T06:00:00.000Z';
  const countingSince = new Date(Date.parse(collectedAt) - days * 86_400_000).toISOString();
  return {
    schemaVersion: 1,
    collectedAt,
    servers: [{ role: 'primary', postgres: 15, countingSince }],
    sampleSeconds: 10,
    tables: { 'public.orders': { rows: 1_000_000, totalBytes: 2e8, heapBytes: 1e8, liveTuples: 1_000_000, deadTuples: 0, writesPerSecond: 5 } },
    indexes: { [`public.${index}`]: { table: 'public.orders', idxScan: scans, bytes: 3e7, unique } },
  };
}
testRule(rule, {
  valid: [
    'DROP INDEX IF EXISTS nothing_known;',
    {
      sql: 'DROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      code: filters,
      stats: statsWith('idx_orders_status', 0, 10),
      name: 'never scanned in 10 days of counting: the code that mentions the column is served otherwise, or never runs',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      stats: statsWith('idx_orders_status', 0, 10),
      name: 'never scanned in 10 days of counting, and no code to search: the statistics answer what the code could not',
    },
    {
      sql: 'CREATE INDEX CONCURRENTLY idx_orders_status_id ON orders (status, id);\nDROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      stats: statsWith('idx_orders_status', 2_400_000, 12),
      name: 'scanned heavily, but a new index with the same leading column takes its queries',
    },
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
      code: noQueries,
      stats: statsWith('idx_orders_status', 2_400_000, 12),
      errors: [{ messageId: 'heavilyScanned', status: 'BLOCK', message: /scanned 2,400,000 times in the 12 days before 2026-11-28 \(about 200,000 a day.*another service/ }],
      name: 'scanned heavily with no reference in this repository: another service needs it',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      code: noQueries,
      stats: statsWith('idx_orders_status', 40, 30),
      errors: [{ messageId: 'scannedElsewhere', status: 'FLAG', message: /^Verify: who still scans idx_orders_status — .*40 times in the 30 days/ }],
      name: 'scanned now and then with no reference in this repository: verify the caller',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY idx_orders_status;',
      schema,
      code: filters,
      stats: statsWith('idx_orders_status', 0, 3),
      errors: [{ messageId: 'used', status: 'BLOCK' }],
      name: 'zero scans over 3 days of counting prove nothing: the code decides',
    },
    {
      sql: 'DROP INDEX CONCURRENTLY orders_ref_key;',
      schema: 'CREATE TABLE orders (id bigint, ref text);\nCREATE UNIQUE INDEX orders_ref_key ON orders (ref);',
      code: { 'src/orders.ts': "export const byRef = (db: Db) => db.query('SELECT id FROM orders WHERE ref = $1');" },
      stats: statsWith('orders_ref_key', 0, 40, true),
      errors: [{ messageId: 'used', status: 'BLOCK', message: /It is UNIQUE/ }],
      name: 'a unique index enforces uniqueness without counting a scan: zero scans do not make it droppable',
    },
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
