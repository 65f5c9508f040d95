import { testRule } from '../../../test/rule-tester.js';
import rule from './set-not-null-existing-data.js';

testRule(rule, {
  valid: [
    'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;',
    { sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema: 'CREATE TABLE users (email text);\nALTER TABLE users ADD CONSTRAINT nn CHECK (email IS NOT NULL);', name: 'validated CHECK already proved it' },
    { sql: "UPDATE users SET email = '';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", schema: 'CREATE TABLE users (email text);', name: 'an UPDATE of every row to a constant just filled it' },
    { sql: "UPDATE users SET email = '' WHERE email IS NULL;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", schema: 'CREATE TABLE users (email text);', name: 'so did one of every NULL row' },
  ],
  invalid: [
    { sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', errors: [{ messageId: 'nulls', message: /^Verify: no NULLs in users.email/ }] },
    { sql: "UPDATE users SET email = '' WHERE id < 100;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", schema: 'CREATE TABLE users (id int, email text);', errors: [{ messageId: 'nulls', line: 2 }], name: 'a partial UPDATE leaves the other rows as they were' },
    { sql: 'UPDATE users SET email = NULL;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema: 'CREATE TABLE users (email text);', errors: [{ messageId: 'nulls', line: 2 }], name: 'filled with NULL' },
  ],
});
