import { testRule } from '../tester.js';
import rule from './missing-lock-timeout.js';

testRule(rule, {
  valid: [
    "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
    "SET LOCAL lock_timeout TO '2s';\nALTER TABLE orders ADD COLUMN note text;",
    'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN note text;',
    'CREATE INDEX CONCURRENTLY idx ON orders (status);',
    "UPDATE settings SET value = '1' WHERE key = 'x';",
  ],
  invalid: [
    { sql: 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN tag text;', errors: [{ messageId: 'missing', line: 1, message: /ACCESS EXCLUSIVE on orders/ }], name: 'reported once per file' },
    { sql: "SET lock_timeout = '3s';\nRESET lock_timeout;\nDROP TABLE orders;", errors: [{ messageId: 'missing', line: 3 }] },
  ],
});
