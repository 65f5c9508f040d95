import { testRule } from '../../../test/rule-tester.js';
import rule from './reindex-non-concurrently.js';

testRule(rule, {
  valid: ['REINDEX TABLE CONCURRENTLY orders;', { sql: 'REINDEX TABLE orders;', tables: { orders: 500 } }],
  invalid: [
    { sql: 'REINDEX TABLE orders;', tables: { orders: 80_000_000 }, errors: [{ messageId: 'lock', status: 'BLOCK' }] },
    { sql: 'REINDEX INDEX idx_orders_status;', errors: [{ messageId: 'lock', status: 'FLAG' }] },
    { sql: 'REINDEX DATABASE app;', errors: [{ messageId: 'lock', status: 'BLOCK' }] },
  ],
});
