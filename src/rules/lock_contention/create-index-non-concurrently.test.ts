import { testRule } from '../../../test/rule-tester.js';
import rule from './create-index-non-concurrently.js';

testRule(rule, {
  valid: [
    'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);',
    { sql: 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);', name: 'table created in the same file is empty' },
    { sql: 'CREATE INDEX idx_orders_status ON orders (status);', tables: { orders: 2_000 }, name: 'small table' },
    { sql: 'CREATE INDEX idx_orders_status ON orders (status);', tables: { orders: 100_000 }, name: 'build shorter than lockSeconds' },
  ],
  invalid: [
    { sql: 'CREATE INDEX idx_orders_status ON orders (status);', tables: { orders: 80_000_000 }, errors: [{ messageId: 'lock', line: 1, status: 'BLOCK', message: /~25 min/ }], name: 'seed case 1: 80M rows' },
    { sql: '\n\nCREATE INDEX idx_orders_status ON orders (status);', errors: [{ messageId: 'lock', line: 3, status: 'FLAG', message: /^Verify: size of orders/ }], name: 'unknown size asks to verify' },
    { sql: 'CREATE UNIQUE INDEX idx ON public.orders USING btree (lower(email));', tables: { orders: 5_000_000 }, errors: [{ messageId: 'lock', status: 'BLOCK' }], name: 'schema-qualified expression index' },
  ],
});
