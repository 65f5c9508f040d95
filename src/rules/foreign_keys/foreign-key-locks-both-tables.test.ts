import { testRule } from '../../../test/rule-tester.js';
import rule from './foreign-key-locks-both-tables.js';

const fk = 'ALTER TABLE order_items ADD CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id);';
testRule(rule, {
  valid: [
    fk.replace(';', ' NOT VALID;'),
    `CREATE TABLE order_items (order_id bigint);\n${fk}`,
    { sql: fk, tables: { order_items: 300 } },
    { sql: 'ALTER TABLE order_items ADD COLUMN order_id bigint REFERENCES orders (id);', tables: { order_items: 200_000_000 }, name: 'a new column without a default is all NULL: nothing to check' },
    { sql: 'ALTER TABLE order_items ADD COLUMN order_id bigint DEFAULT NULL REFERENCES orders (id);', tables: { order_items: 200_000_000 }, name: 'DEFAULT NULL is no default' },
  ],
  invalid: [
    { sql: fk, tables: { order_items: 200_000_000 }, errors: [{ messageId: 'validate', status: 'BLOCK', message: /SHARE ROW EXCLUSIVE on both order_items and orders/ }] },
    { sql: fk, errors: [{ messageId: 'validate', status: 'FLAG' }] },
    {
      sql: 'ALTER TABLE order_items ADD COLUMN order_id bigint DEFAULT 1 REFERENCES orders (id);',
      tables: { order_items: 200_000_000 },
      errors: [{ messageId: 'validate', status: 'BLOCK' }],
      name: 'a new column with a default holds a value in every row, and every one is checked',
    },
  ],
});
