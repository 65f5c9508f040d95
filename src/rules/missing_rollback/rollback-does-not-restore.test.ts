import { testRule } from '../tester.js';
import rule from './rollback-does-not-restore.js';

// Raised by the lock trace: up, then down, then the catalog is compared with the one before.
const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);';

testRule(rule, {
  valid: [
    { schema, sql: 'ALTER TABLE orders ADD COLUMN note text;', down: 'ALTER TABLE orders DROP COLUMN note;' },
    { schema, sql: 'CREATE TABLE audit (id int);\nCREATE INDEX audit_id ON audit (id);', down: 'DROP TABLE audit;' },
    { name: 'no down at all is missing-down, not this rule', schema, sql: 'ALTER TABLE orders ADD COLUMN note text;' },
  ],
  invalid: [
    {
      schema,
      sql: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_orders_status ON orders (status);',
      down: 'ALTER TABLE orders DROP COLUMN note;',
      errors: [{ messageId: 'differs', message: /left behind: index CREATE INDEX idx_orders_status ON public\.orders USING btree \(status\)/ }],
    },
    {
      name: 'a type change the down does not reverse',
      schema,
      sql: 'ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);',
      down: 'SELECT 1;',
      errors: [{ messageId: 'differs', message: /not restored: column orders\.status text/ }],
    },
    { schema, sql: 'ALTER TABLE orders ADD COLUMN note text;', down: 'ALTER TABLE orders DROP COLUMN notes;', errors: [{ messageId: 'fails', message: /column "notes" of relation "orders" does not exist/ }] },
  ],
});
