import { testRule } from '../tester.js';
import rule from './multiple-strong-locks.js';

testRule(rule, {
  valid: [
    'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;',
    { sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE payments ADD COLUMN b text;', txMode: 'none', name: 'each statement commits on its own' },
    'BEGIN;\nALTER TABLE orders ADD COLUMN a text;\nCOMMIT;\nBEGIN;\nALTER TABLE payments ADD COLUMN b text;\nCOMMIT;',
    'CREATE TABLE t (id int);\nALTER TABLE orders ADD COLUMN a text;\nALTER TABLE t ADD COLUMN b text;',
  ],
  invalid: [{ sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE payments ADD COLUMN b text;', errors: [{ messageId: 'several', line: 2, message: /orders/ }] }],
});
