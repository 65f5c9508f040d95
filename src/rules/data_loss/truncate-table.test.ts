import { testRule } from '../../../test/rule-tester.js';
import rule from './truncate-table.js';

testRule(rule, {
  valid: ['CREATE TABLE t (a int);\nTRUNCATE t;'],
  invalid: [
    {
      sql: 'TRUNCATE orders CASCADE;',
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (order_id bigint REFERENCES orders (id));',
      errors: [{ messageId: 'truncate', message: /and of order_items/ }],
    },
  ],
});
