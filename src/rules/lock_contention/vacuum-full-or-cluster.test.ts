import { testRule } from '../../../test/rule-tester.js';
import rule from './vacuum-full-or-cluster.js';

testRule(rule, {
  valid: ['VACUUM (ANALYZE) orders;', 'ANALYZE orders;', { sql: 'VACUUM FULL orders;', tables: { orders: 10 } }],
  invalid: [
    { sql: 'VACUUM FULL orders;', tables: { orders: 80_000_000 }, errors: [{ messageId: 'rewrite', status: 'BLOCK' }] },
    { sql: 'CLUSTER orders USING idx_orders_status;', errors: [{ messageId: 'rewrite', status: 'FLAG' }] },
    { sql: 'VACUUM FULL;', errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /every table/ }] },
  ],
});
