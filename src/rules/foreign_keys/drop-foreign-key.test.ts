import { testRule } from '../tester.js';
import rule from './drop-foreign-key.js';

const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (order_id bigint, CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE);';
testRule(rule, {
  valid: [{ sql: 'ALTER TABLE order_items DROP CONSTRAINT some_check;', schema }],
  invalid: [{ sql: 'ALTER TABLE order_items DROP CONSTRAINT fk_orders;', schema, errors: [{ messageId: 'drop', message: /no longer deletes them/ }] }],
});
