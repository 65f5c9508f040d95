import { testRule } from '../../../test/rule-tester.js';
import rule from './lock-timeout-cancels-concurrent-build.js';

const SHARED = 'golang-migrate runs every pending migration on one connection';
const SCHEMA = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);';
const BUILD = 'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);';

testRule(rule, {
  valid: [
    { schema: SCHEMA, earlier: "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;", sql: BUILD, txMode: 'implicit', name: 'each file on its own connection: the setting ends with its file' },
    {
      schema: SCHEMA,
      earlier: "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;\nRESET lock_timeout;",
      sql: BUILD,
      txMode: 'implicit',
      sharedSession: SHARED,
      name: 'the earlier file resets it',
    },
    {
      schema: SCHEMA,
      earlier: "SET LOCAL lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
      sql: BUILD,
      txMode: 'implicit',
      sharedSession: SHARED,
      name: 'SET LOCAL ends with the transaction',
    },
    { schema: SCHEMA, earlier: "SET lock_timeout = '3s';", sql: 'SET lock_timeout = 0;\n' + BUILD, txMode: 'none', sharedSession: SHARED, name: 'this file turns it off before the build' },
    { schema: SCHEMA, earlier: "SET lock_timeout = '0';", sql: BUILD, txMode: 'implicit', sharedSession: SHARED, name: 'a timeout of 0 is no timeout' },
    { earlier: "SET lock_timeout = '3s';\nCREATE TABLE audit (id bigint, at date);", sql: 'CREATE INDEX CONCURRENTLY audit_at_idx ON audit (at);', txMode: 'implicit', sharedSession: SHARED, name: 'a table created in the change has no writers to wait for' },
    { schema: SCHEMA, earlier: "SET lock_timeout = '3s';", sql: 'ALTER TABLE orders ADD COLUMN note text;', txMode: 'implicit', sharedSession: SHARED, name: 'an ACCESS EXCLUSIVE statement is what the timeout is for' },
  ],
  invalid: [
    {
      schema: SCHEMA,
      earlier: "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN gift_wrap boolean;",
      sql: BUILD,
      txMode: 'implicit',
      sharedSession: SHARED,
      errors: [{ messageId: 'carried', line: 1, status: 'FLAG', message: /lock_timeout = '3s', set at migrations\/000002_earlier\.up\.sql:1 .* leaves the INVALID index orders_status_idx behind/ }],
      name: 'a session lock_timeout carried into a later CONCURRENTLY build',
    },
    {
      schema: SCHEMA + '\nCREATE INDEX orders_status_idx ON orders (status);',
      earlier: "SET lock_timeout TO '2s';",
      sql: 'REINDEX INDEX CONCURRENTLY orders_status_idx;',
      txMode: 'implicit',
      sharedSession: SHARED,
      errors: [{ messageId: 'carried', message: /REINDEX INDEX CONCURRENTLY orders_status_idx runs with lock_timeout = '2s'.*orders_status_idx_ccnew/ }],
      name: 'REINDEX CONCURRENTLY leaves a _ccnew index',
    },
  ],
});
