import { testRule } from '../../../test/rule-tester.js';
import rule from './check-without-not-valid.js';

testRule(rule, {
  valid: ['ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;', 'CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);', { sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0);', tables: { orders: 100 } }],
  invalid: [
    { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);', tables: { orders: 80_000_000 }, errors: [{ messageId: 'scan', status: 'BLOCK' }] },
    { sql: 'ALTER TABLE orders ADD CHECK (total >= 0);', errors: [{ messageId: 'scan', status: 'FLAG' }] },
  ],
});
