import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-foreign-key.js';

const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (order_id bigint, CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE);';
testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE order_items DROP CONSTRAINT some_check;', schema },
    {
      name: 'replaced: the new constraint was added first',
      schema: `${schema}\nALTER TABLE order_items ADD CONSTRAINT fk_orders_v2 FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT NOT VALID;`,
      sql: 'ALTER TABLE order_items DROP CONSTRAINT fk_orders;',
    },
    {
      name: 'the migration then drops the table itself, so no orphan can remain',
      schema,
      sql: 'ALTER TABLE order_items DROP CONSTRAINT fk_orders;\nDROP TABLE public.order_items;',
    },
  ],
  invalid: [
    { sql: 'ALTER TABLE order_items DROP CONSTRAINT fk_orders;', schema, errors: [{ messageId: 'drop', message: /no longer deletes them/ }] },
    {
      name: 'a foreign key on another column is no replacement',
      schema: `${schema.replace('order_id bigint,', 'order_id bigint, parent_id bigint,')}\nALTER TABLE order_items ADD CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES orders (id);`,
      sql: 'ALTER TABLE order_items DROP CONSTRAINT fk_orders;',
      errors: [{ messageId: 'drop' }],
    },
    {
      name: 'dropping the referenced table later is not dropping the child',
      schema,
      sql: 'ALTER TABLE order_items DROP CONSTRAINT fk_orders;\nDROP TABLE orders;',
      errors: [{ messageId: 'drop', line: 1 }],
    },
  ],
});
