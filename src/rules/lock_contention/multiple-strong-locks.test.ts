import { testRule } from '../../../test/rule-tester.js';
import rule from './multiple-strong-locks.js';

const big = { orders: 5_000_000, payments: 5_000_000 };
const twoBigWithIndexBuild = 'ALTER TABLE orders ADD COLUMN a text;\nCREATE INDEX idx_payments_b ON payments (b);';
testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;', tables: big },
    { sql: twoBigWithIndexBuild, tables: big, txMode: 'none', name: 'each statement commits on its own' },
    { sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN a text;\nCOMMIT;\nBEGIN;\nCREATE INDEX idx_payments_b ON payments (b);\nCOMMIT;', tables: big },
    { sql: 'CREATE TABLE t (id int);\nALTER TABLE orders ADD COLUMN a text;\nCREATE INDEX t_id ON t (id);', tables: big, name: 'a table new in the change does not count' },
    { sql: twoBigWithIndexBuild, tables: { orders: 5_000_000, payments: 500 }, name: 'a small table does not count' },
    { sql: twoBigWithIndexBuild, name: 'two tables of unknown size are not known to be big' },
    { sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE payments ADD COLUMN b text;', tables: big, name: 'two catalog-only changes hold their locks only briefly' },
    { sql: `SET lock_timeout = '3s';\n${twoBigWithIndexBuild}`, tables: big, name: 'with lock_timeout a blocked lock fails fast instead of queueing' },
  ],
  invalid: [
    { sql: twoBigWithIndexBuild, tables: big, errors: [{ messageId: 'several', line: 2, status: 'FLAG', message: /orders.*payments \(5M rows\)/ }] },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN a TYPE bigint;\nALTER TABLE payments ADD COLUMN b text;',
      schema: 'CREATE TABLE orders (a integer);',
      tables: big,
      errors: [{ messageId: 'several', line: 2 }],
      name: 'a rewrite of the first table keeps it locked too',
    },
    {
      sql: `SET lock_timeout = 0;\n${twoBigWithIndexBuild}`,
      tables: big,
      errors: [{ messageId: 'several', line: 3 }],
      name: 'lock_timeout 0 waits forever',
    },
  ],
});
