import { describe, expect, it } from '@jest/globals';
import { loadParser, parseSql } from '../sql/parse.js';
import foreignKeyWithoutIndex from './foreign_keys/foreign-key-without-index.js';
import { findingsFor } from '../../test/rule-tester.js';

describe('engine: a finding quotes the statement at its line', () => {
  it('quoted a later statement when the rule reported from File:exit (foreign-key-without-index)', async () => {
    const sql = 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));\nCREATE TABLE audit (id bigint);\nALTER TABLE audit ADD COLUMN note text;';
    const [finding] = await findingsFor(foreignKeyWithoutIndex, { sql });
    expect(finding?.line).toBe(1);
    expect(finding?.excerpt).toMatch(/^CREATE TABLE order_items/);
  });

  it('every finding of every rule quotes the statement that starts at its line, or nothing', async () => {
    await loadParser();
    const sql = [
      'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));',
      'ALTER TABLE orders ADD COLUMN a text;',
      'DROP TABLE payments;',
      'ALTER TABLE payments2 ADD COLUMN b text;',
      'UPDATE orders SET a = a || 1;',
      'CREATE INDEX i ON orders (a);',
    ].join('\n');
    const starts = new Map(parseSql(sql).statements.map((s) => [s.line, s.text.trim()]));
    const findings = await findingsFor(null, { sql, down: null, expectsDown: true });
    expect(findings.length).toBeGreaterThan(3);
    for (const finding of findings) {
      const text = starts.get(finding.line);
      if (finding.excerpt === undefined) continue;
      expect(text && text.startsWith(finding.excerpt.replace(/\n…$|…$/, ''))).toBe(true);
    }
  });
});
