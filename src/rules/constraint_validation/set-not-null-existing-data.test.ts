import { testRule } from '../../../test/rule-tester.js';
import rule from './set-not-null-existing-data.js';

testRule(rule, {
  valid: [
    'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;',
    { sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema: 'CREATE TABLE users (email text);\nALTER TABLE users ADD CONSTRAINT nn CHECK (email IS NOT NULL);', name: 'validated CHECK already proved it' },
  ],
  invalid: [{ sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', errors: [{ messageId: 'nulls', message: /^Verify: no NULLs in users.email/ }] }],
});
