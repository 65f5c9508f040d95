import { testRule } from '../tester.js';
import rule from './drop-index-non-concurrently.js';

const schema = 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);';
testRule(rule, {
  valid: [
    { sql: 'DROP INDEX CONCURRENTLY idx_orders_status;', schema },
    { sql: 'CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;', name: 'index on a table new in this change' },
  ],
  invalid: [
    { sql: 'DROP INDEX idx_orders_status;', schema, errors: [{ messageId: 'lock', line: 1, status: 'FLAG', message: /ACCESS EXCLUSIVE lock on orders/ }] },
    { sql: 'DROP INDEX IF EXISTS public.unknown_idx;', errors: [{ messageId: 'lock', message: /its table/ }], name: 'index not in the history' },
  ],
});
