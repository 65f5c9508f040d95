import { testRule } from '../../../test/rule-tester.js';
import rule from './rollback-does-not-restore.js';

// Raised by the lock trace: up, then down, then the catalog is compared with the one before.
const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);';

testRule(rule, {
  valid: [
    { schema, sql: 'ALTER TABLE orders ADD COLUMN note text;', down: 'ALTER TABLE orders DROP COLUMN note;' },
    { schema, sql: 'CREATE TABLE audit (id int);\nCREATE INDEX audit_id ON audit (id);', down: 'DROP TABLE audit;' },
    { name: 'no down at all is missing-down, not this rule', schema, sql: 'ALTER TABLE orders ADD COLUMN note text;' },
    {
      name: 'a down irreversible-down already flags: the trace adds its evidence there instead',
      schema,
      sql: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_orders_status ON orders (status);',
      down: 'ALTER TABLE orders DROP COLUMN note;',
    },
  ],
  invalid: [
    {
      name: 'a default the down forgets',
      schema,
      sql: "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';",
      down: 'ALTER TABLE orders ALTER COLUMN status TYPE text;',
      errors: [{ messageId: 'differs', message: /left behind: column orders\.status text DEFAULT 'new'::text/ }],
    },
    {
      name: 'a type change the down does not reverse',
      schema,
      sql: 'ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);',
      down: 'SELECT 1;',
      errors: [{ messageId: 'differs', message: /not restored: column orders\.status text/ }],
    },
    { schema, sql: 'ALTER TABLE orders ADD COLUMN note text;', down: 'ALTER TABLE orders DROP COLUMN note;\nDROP INDEX idx_orders_note;', errors: [{ messageId: 'fails', message: /index "idx_orders_note" does not exist/ }] },
  ],
});
