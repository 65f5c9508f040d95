import { testRule } from '../../../test/rule-tester.js';
import rule from './missing-lock-timeout.js';

const orders = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, amount int);\nCREATE TABLE customers (id bigint PRIMARY KEY);';

testRule(rule, {
  valid: [
    {
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
      earlier: "SET lock_timeout = '3s';",
      sql: 'ALTER TABLE orders ADD COLUMN note text;',
      txMode: 'implicit',
      sharedSession: 'golang-migrate runs every pending migration on one connection',
      name: 'an earlier file of the change set it on the shared connection',
    },
    "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
    "SET LOCAL lock_timeout TO '2s';\nALTER TABLE orders ADD COLUMN note text;",
    'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN note text;',
    'CREATE INDEX CONCURRENTLY idx ON orders (status);',
    "UPDATE settings SET value = '1' WHERE key = 'x';",
    { sql: 'CREATE INDEX idx_orders_status ON orders (status);', schema: orders, name: 'an index build takes SHARE, not ACCESS EXCLUSIVE: its own rule judges it' },
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', schema: orders, tables: { orders: 5_000 }, name: 'small table: the lock is brief' },
    { sql: 'CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));', schema: orders, name: "a new table's FK takes SHARE ROW EXCLUSIVE on its parent, not ACCESS EXCLUSIVE" },
    { sql: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;', schema: orders, tables: { orders: 80_000_000 }, name: 'the statement is already a BLOCK (a rewrite): no timeout nag on top' },
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', schema: orders, config: { runner: { setsLockTimeout: true } }, name: 'the runner sets lock_timeout for every migration' },
  ],
  invalid: [
    { sql: 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN tag text;', errors: [{ messageId: 'missing', line: 1, message: /ACCESS EXCLUSIVE on orders/ }], name: 'reported once per file' },
    { sql: "SET lock_timeout = '3s';\nRESET lock_timeout;\nDROP TABLE orders;", errors: [{ messageId: 'missing', line: 3 }] },
    { sql: 'SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;', schema: orders, errors: [{ messageId: 'missing', line: 2 }], name: 'lock_timeout = 0 turns the timeout off' },
    {
      sql: "SET LOCAL lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
      schema: orders,
      txMode: 'none',
      errors: [{ messageId: 'ineffective', line: 2 }],
      name: 'SET LOCAL outside a transaction block is ignored by PostgreSQL',
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;\nALTER TABLE customers ADD COLUMN note text;',
      schema: orders,
      tables: { orders: 80_000_000 },
      errors: [{ messageId: 'missing', line: 2, message: /on customers/ }],
      name: 'the first statement is a BLOCK already: the next one that needs the timeout is reported',
    },
  ],
});
