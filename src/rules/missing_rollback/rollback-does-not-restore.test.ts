import { testRule } from '../../../test/rule-tester.js';
import rule from './rollback-does-not-restore.js';

// Raised by the lock trace: up, then down, then the catalog is compared with the one before.
const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);';

testRule(rule, {
  valid: [
    { schema, sql: 'ALTER TABLE orders ADD COLUMN note text;', down: 'ALTER TABLE orders DROP COLUMN note;' },
    { schema, sql: 'CREATE TABLE audit (id int);\nCREATE INDEX audit_id ON audit (id);', down: 'DROP TABLE audit;' },
    { name: 'no down at all is missing-down, not this rule', schema, sql: 'ALTER TABLE orders ADD COLUMN note text;' },
    {
      name: 'a down irreversible-down already flags: the trace adds its evidence there instead',
      schema,
      sql: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_orders_status ON orders (status);',
      down: 'ALTER TABLE orders DROP COLUMN note;',
    },
    {
      name: 'the index a USING INDEX constraint took over goes with the constraint: no down can keep it',
      schema: schema + '\nCREATE UNIQUE INDEX orders_status_key ON orders (status);',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_status_key UNIQUE USING INDEX orders_status_key;',
      down: 'ALTER TABLE orders DROP CONSTRAINT orders_status_key;',
    },
    {
      name: 'the CHECK that DETACH … CONCURRENTLY adds (a copy of the partition bound) stays after the re-ATTACH, harmlessly',
      schema: "CREATE TABLE audit (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE audit_2023 PARTITION OF audit FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
      sql: 'ALTER TABLE audit DETACH PARTITION audit_2023 CONCURRENTLY;',
      txMode: 'implicit',
      down: "ALTER TABLE audit ATTACH PARTITION audit_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
    },
  ],
  invalid: [
    {
      name: 'an index the down drops that the constraint never owned',
      schema: schema + '\nCREATE UNIQUE INDEX orders_status_key ON orders (status);\nCREATE INDEX orders_id_status ON orders (id, status);',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_status_key UNIQUE USING INDEX orders_status_key;',
      down: 'ALTER TABLE orders DROP CONSTRAINT orders_status_key;\nDROP INDEX orders_id_status;',
      errors: [{ messageId: 'differs', message: /not restored: index CREATE INDEX orders_id_status ON/ }],
    },
    {
      name: 'a default the down forgets',
      schema,
      sql: "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';",
      down: 'ALTER TABLE orders ALTER COLUMN status TYPE text;',
      errors: [{ messageId: 'differs', message: /left behind: column orders\.status text DEFAULT 'new'::text/ }],
    },
    {
      name: 'a type change the down does not reverse',
      schema,
      sql: 'ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);',
      down: 'SELECT 1;',
      errors: [{ messageId: 'differs', message: /not restored: column orders\.status text/ }],
    },
    { schema, sql: 'ALTER TABLE orders ADD COLUMN note text;', down: 'ALTER TABLE orders DROP COLUMN note;\nDROP INDEX idx_orders_note;', errors: [{ messageId: 'fails', message: /index "idx_orders_note" does not exist/ }] },
  ],
});
