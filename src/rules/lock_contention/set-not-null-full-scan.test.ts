import { testRule } from '../../../test/rule-tester.js';
import rule from './set-not-null-full-scan.js';

const schema = 'CREATE TABLE users (id bigint, email text);';
testRule(rule, {
  valid: [
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      schema: `${schema}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;`,
      tables: { users: 12_000_000 },
      name: 'validated CHECK proves it (PG 12+)',
    },
    { sql: 'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;', name: 'new table' },
  ],
  invalid: [
    { sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema, tables: { users: 12_000_000 }, errors: [{ messageId: 'scan', status: 'BLOCK', message: /ACCESS EXCLUSIVE/ }] },
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      schema: `${schema}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;`,
      name: 'a NOT VALID check does not prove anything yet',
      errors: [{ messageId: 'scan', status: 'FLAG' }],
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      schema: `${schema}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);`,
      config: { postgres: 11 },
      name: 'before PG 12 the check does not help',
      errors: [{ messageId: 'scan', message: /Verify: size of users/ }],
    },
  ],
});
