import { testRule } from '../../../test/rule-tester.js';
import rule from './on-delete-cascade.js';

const seed = 'ALTER TABLE order_items\nADD CONSTRAINT fk_orders\nFOREIGN KEY (order_id) REFERENCES orders(id)\nON DELETE CASCADE;';
testRule(rule, {
  valid: [
    'ALTER TABLE order_items ADD CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT;',
    'CREATE TABLE a (id int REFERENCES b (id));',
    { sql: 'CREATE TABLE notes (id int, order_id bigint REFERENCES orders (id) ON DELETE CASCADE);', name: 'a new child table owned by its parent: an intended cascade' },
  ],
  invalid: [
    { sql: seed, errors: [{ messageId: 'cascade', line: 1, status: 'FLAG', message: /^Verify: the cascade is intended — .*DELETE on orders also delete the matching rows of order_items/ }], name: 'seed case 2' },
    {
      sql: 'ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;',
      schema: 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nCREATE TABLE item_notes (item_id bigint REFERENCES order_items (id) ON DELETE CASCADE);',
      errors: [{ messageId: 'cascade', message: /through existing cascades, item_notes/ }],
      name: 'names the tables further down the chain',
    },
    {
      sql: seed,
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);',
      tables: { orders: 60_000_000, order_items: 240_000_000 },
      code: { 'src/orders.ts': "export const remove = (db: Db, id: number) => db.query('DELETE FROM orders WHERE id = $1', [id]);" },
      errors: [{ messageId: 'hugeChild', status: 'BLOCK', message: /order_items \(240M rows\).*src\/orders.ts:1/ }],
      name: 'onto a huge child from a parent the application deletes from',
    },
    {
      sql: 'ALTER TABLE items ADD FOREIGN KEY (order_id) REFERENCES "ord(ers" (id) ON DELETE CASCADE;',
      code: { 'src/orders.ts': "export const remove = () => db.query('DELETE FROM orders');" },
      errors: [{ messageId: 'cascade', status: 'FLAG' }],
      name: 'a parent name with regex characters (from the PR) is matched literally, not as a pattern',
    },
  ],
});
