import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-index-behind-foreign-key.js';

const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (id bigint, order_id bigint REFERENCES orders (id));\nCREATE INDEX idx_items_order ON order_items (order_id);';
testRule(rule, {
  valid: [
    { sql: 'DROP INDEX CONCURRENTLY idx_items_order;', schema: `${schema}\nCREATE INDEX idx_items_order_id2 ON order_items (order_id, id);`, name: 'another index still covers the key' },
    { sql: 'DROP INDEX CONCURRENTLY orders_pkey_other;', schema },
    {
      sql: 'DROP INDEX idx_items_order;\nCREATE UNIQUE INDEX idx_items_order_id ON order_items (order_id, id);',
      schema,
      name: 'replacement index created later in the same migration was not seen',
    },
    {
      sql: 'DROP INDEX idx_items_order;\nALTER TABLE order_items ADD CONSTRAINT order_items_order_id_key UNIQUE (order_id);',
      schema,
      name: 'replacement unique constraint added later in the same migration was not seen',
    },
  ],
  invalid: [
    {
      sql: 'DROP INDEX idx_items_order;\nCREATE INDEX idx_items_id_order ON order_items (id, order_id);',
      schema,
      errors: [{ messageId: 'fk', line: 1 }],
      name: 'a later index that does not lead with the key does not replace it',
    },
    {
      sql: 'DROP INDEX idx_items_order;\nCREATE INDEX idx_items_open_order ON order_items (order_id) WHERE id > 0;',
      schema,
      errors: [{ messageId: 'fk', line: 1 }],
      name: 'a later partial index does not replace it',
    },{ sql: 'DROP INDEX CONCURRENTLY idx_items_order;', schema, errors: [{ messageId: 'fk', message: /every DELETE or key UPDATE on orders will scan all of order_items/ }] }],
});
