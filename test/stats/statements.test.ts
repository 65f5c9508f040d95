import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadParser } from '../../src/sql/parse.js';
import { relationsIn, safeText } from '../../src/stats/statements.js';

/** What of pg_stat_statements may reach a committed file: normalised DML only, never a literal. */
beforeAll(() => loadParser());

describe('statements from pg_stat_statements', () => {
  it('keeps normalised DML, without its comments', () => {
    expect(safeText('/* app=checkout user=ana@example.com */ SELECT id FROM orders WHERE status = $1 -- hot path')).toBe(
      'SELECT id FROM orders WHERE status = $1',
    );
    expect(safeText('UPDATE orders SET status = $1 WHERE id = $2')).toBe('UPDATE orders SET status = $1 WHERE id = $2');
  });
  it('never keeps utility statements or text with a literal left in it', () => {
    expect(safeText("ALTER ROLE app PASSWORD 'hunter2'")).toBeNull();
    expect(safeText("SET application_name = 'x'")).toBeNull();
    expect(safeText("SELECT id FROM users WHERE email = 'ana@example.com'")).toBeNull();
    expect(safeText('SELECT 1; SELECT 2')).toBeNull();
    expect(safeText('not sql at all')).toBeNull();
  });
  it('finds every table a statement names', () => {
    expect(relationsIn('SELECT o.id FROM orders o JOIN app.order_items i ON i.order_id = o.id WHERE o.id IN (SELECT order_id FROM refunds)').sort()).toEqual([
      'app.order_items',
      'orders',
      'refunds',
    ]);
  });
});
