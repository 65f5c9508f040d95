import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-index-non-concurrently.js';

const schema = 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);';
testRule(rule, {
  valid: [
    { sql: 'DROP INDEX CONCURRENTLY idx_orders_status;', schema },
    { sql: 'CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;', name: 'index on a table new in this change' },
  ],
  invalid: [
    { sql: 'DROP INDEX idx_orders_status;', schema, errors: [{ messageId: 'lock', line: 1, status: 'FLAG', message: /ACCESS EXCLUSIVE lock on orders/ }] },
    {
      sql: 'DROP INDEX orders_status_key;',
      schema: 'CREATE TABLE orders (id bigint, status text);\nCREATE UNIQUE INDEX orders_status_key ON orders (status);',
      errors: [{ messageId: 'lock', message: /It is UNIQUE: once it is gone nothing stops duplicate \(status\) rows/ }],
      name: 'dropping a UNIQUE index did not say it removes a guarantee',
    },
    {
      sql: 'DROP INDEX orders_status_key;\nCREATE UNIQUE INDEX orders_status_uniq ON orders (status);',
      schema: 'CREATE TABLE orders (id bigint, status text);\nCREATE UNIQUE INDEX orders_status_key ON orders (status);',
      errors: [{ messageId: 'lock', message: /wait for the longest running query on the table\.$/ }],
      name: 'a UNIQUE index replaced by another on the same columns keeps the guarantee',
    },
    { sql: 'DROP INDEX IF EXISTS public.unknown_idx;', errors: [{ messageId: 'lock', message: /its table/ }], name: 'index not in the history' },
  ],
});
