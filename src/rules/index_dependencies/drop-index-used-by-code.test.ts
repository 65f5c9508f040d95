import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../config/schema.js';
import { review } from '../../review/analyze.js';
import type { MigrationFile } from '../../core/types.js';
import { testRule } from '../tester.js';
import rule from './drop-index-used-by-code.js';

const schema = 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);';
// Without a code search (the tester has none) only unknown indexes are reported.
testRule(rule, {
  valid: [{ sql: 'DROP INDEX CONCURRENTLY idx_orders_status;', schema }, 'DROP INDEX IF EXISTS nothing_known;'],
  invalid: [{ sql: 'DROP INDEX CONCURRENTLY mystery_idx;', errors: [{ messageId: 'unknown' }] }],
});

describe('drop-index-used-by-code with the repository code', () => {
  const file = (path: string, sql: string, order: number): MigrationFile => ({
    path, framework: 'golang-migrate', version: String(order), name: 'x', order, set: 'm', upSql: sql, upStartLine: 1, down: null, expectsDown: false, txMode: 'implicit', txReason: '',
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
