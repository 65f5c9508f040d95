import { testRule } from '../tester.js';
import rule from './drop-index-behind-foreign-key.js';

const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (id bigint, order_id bigint REFERENCES orders (id));\nCREATE INDEX idx_items_order ON order_items (order_id);';
testRule(rule, {
  valid: [
    { sql: 'DROP INDEX CONCURRENTLY idx_items_order;', schema: `${schema}\nCREATE INDEX idx_items_order_id2 ON order_items (order_id, id);`, name: 'another index still covers the key' },
    { sql: 'DROP INDEX CONCURRENTLY orders_pkey_other;', schema },
  ],
  invalid: [{ sql: 'DROP INDEX CONCURRENTLY idx_items_order;', schema, errors: [{ messageId: 'fk', message: /every DELETE or key UPDATE on orders will scan all of order_items/ }] }],
});
