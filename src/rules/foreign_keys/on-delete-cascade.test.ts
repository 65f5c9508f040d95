import { testRule } from '../tester.js';
import rule from './on-delete-cascade.js';

const seed = 'ALTER TABLE order_items\nADD CONSTRAINT fk_orders\nFOREIGN KEY (order_id) REFERENCES orders(id)\nON DELETE CASCADE;';
testRule(rule, {
  valid: ['ALTER TABLE order_items ADD CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT;', 'CREATE TABLE a (id int REFERENCES b (id));'],
  invalid: [
    { sql: seed, errors: [{ messageId: 'cascade', line: 1, status: 'FLAG', message: /^Verify: the cascade is intended — .*DELETE on orders also delete the matching rows of order_items/ }], name: 'seed case 2' },
    {
      sql: 'ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;',
      schema: 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nCREATE TABLE item_notes (item_id bigint REFERENCES order_items (id) ON DELETE CASCADE);',
      errors: [{ messageId: 'cascade', message: /through existing cascades, item_notes/ }],
      name: 'names the tables further down the chain',
    },
    { sql: 'CREATE TABLE notes (id int, order_id bigint REFERENCES orders (id) ON DELETE CASCADE);', errors: [{ messageId: 'cascade' }], name: 'inline in CREATE TABLE' },
  ],
});
