import { testRule } from '../../../test/rule-tester.js';
import rule from './unbatched-backfill.js';

const seed = "UPDATE legacy_records\nSET tenant_id = (SELECT id FROM tenants WHERE name = 'default')\nWHERE tenant_id IS NULL;";
testRule(rule, {
  valid: [
    { sql: "UPDATE legacy_records SET tenant_id = 1 WHERE id BETWEEN 1 AND 10000 AND tenant_id IS NULL;", tables: { legacy_records: 23_000_000 }, name: 'one bounded batch' },
    { sql: 'UPDATE legacy_records SET tenant_id = 1 WHERE id IN (SELECT id FROM legacy_records WHERE tenant_id IS NULL LIMIT 10000);', tables: { legacy_records: 23_000_000 }, name: 'LIMIT subquery batch' },
    { sql: "UPDATE settings SET value = 'on' WHERE key = 'feature_x';", name: 'targeted fix of known rows' },
    { sql: "UPDATE orders SET status = 'void' WHERE id IN (1, 2);", tables: { orders: 23_000_000 }, name: 'IN list of ids was taken for a whole-table backfill (libpg-query wraps the list as List.items)' },
    { sql: "DELETE FROM users WHERE email IN ('a@x.io'::text, 'b@x.io');", tables: { users: 23_000_000 }, name: 'DELETE of an IN list of cast constants is targeted' },
    { sql: 'UPDATE small SET a = 1;', tables: { small: 500 }, name: 'tiny table' },
    'CREATE TABLE t (a int);\nUPDATE t SET a = 1;',
  ],
  invalid: [
    {
      name: 'after ADD COLUMN in the same transaction, the table stays ACCESS EXCLUSIVE-locked through the whole UPDATE',
      schema: 'CREATE TABLE users (id bigint PRIMARY KEY);',
      sql: "SET lock_timeout = '3s';\nALTER TABLE users ADD COLUMN locale text;\nUPDATE users SET locale = 'en';",
      tables: { users: 22_000_000 },
      errors: [{ messageId: 'unbatchedUnderLock', line: 3, status: 'BLOCK', message: /the ACCESS EXCLUSIVE lock that line 2 took on users is held until that transaction commits/ }],
    },
    { sql: seed, tables: { legacy_records: 23_000_000 }, errors: [{ messageId: 'unbatched', line: 1, status: 'BLOCK', message: /23M rows, ~4 min/ }], name: 'seed case 3: 23M rows in one transaction' },
    { sql: seed, errors: [{ messageId: 'unbatched', status: 'FLAG', message: /^Verify: size of legacy_records/ }] },
    { sql: 'UPDATE orders SET total = 0 WHERE id IN (SELECT order_id FROM order_items);', tables: { orders: 23_000_000 }, errors: [{ messageId: 'unbatched', status: 'BLOCK' }], name: 'IN over an unbounded subquery is not a list of known rows' },
    { sql: "DELETE FROM events WHERE created_at < now() - interval '1 year';", tables: { events: 400_000 }, errors: [{ messageId: 'unbatched', status: 'FLAG' }] },
    { sql: 'DO $$\nBEGIN\n  UPDATE legacy_records SET tenant_id = 1 WHERE tenant_id IS NULL;\nEND $$;', tables: { legacy_records: 23_000_000 }, errors: [{ messageId: 'unbatched', line: 3, status: 'BLOCK', message: /DO block/ }], name: 'backfill hidden in a DO block' },
    {
      sql: 'CREATE FUNCTION fill() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE legacy_records SET tenant_id = 1;\nEND $$;\nSELECT fill();',
      tables: { legacy_records: 23_000_000 },
      errors: [{ messageId: 'unbatched', line: 5, message: /function fill/ }],
      name: 'backfill in a function the migration calls',
    },
  ],
});
