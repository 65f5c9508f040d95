import { testRule } from '../../../test/rule-tester.js';
import rule from './foreign-key-without-index.js';

testRule(rule, {
  valid: [
    'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));\nCREATE INDEX idx ON order_items (order_id);',
    { sql: 'ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders (id);', schema: 'CREATE TABLE order_items (order_id bigint);\nCREATE INDEX i ON order_items (order_id, id);' },
    'CREATE TABLE x (order_id bigint PRIMARY KEY REFERENCES orders (id));',
    {
      sql: 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));',
      later: 'CREATE INDEX order_items_order_id_idx ON order_items (order_id);',
      name: 'the index comes in a later file of the same change',
    },
  ],
  invalid: [
    { sql: 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));', errors: [{ messageId: 'noIndex', line: 1, message: /order_items\(order_id\)/ }] },
    {
      sql: 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));',
      later: 'CREATE INDEX order_items_id_order_id_idx ON order_items (id, order_id);',
      errors: [{ messageId: 'noIndex', line: 1 }],
      name: 'a later index that does not lead with the column does not serve the lookups',
    },
  ],
});
