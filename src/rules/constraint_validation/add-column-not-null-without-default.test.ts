import { testRule } from '../../../test/rule-tester.js';
import rule from './add-column-not-null-without-default.js';

testRule(rule, {
  valid: [
    'ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;',
    'ALTER TABLE users ADD COLUMN note text;',
    'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int NOT NULL;',
    { sql: 'ALTER TABLE users ADD COLUMN b int NOT NULL;', tables: { users: 0 }, name: 'empty table' },
  ],
  invalid: [
    { sql: 'ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL;', errors: [{ messageId: 'fails', status: 'FLAG', message: /^Verify: users is empty/ }] },
    { sql: 'ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL;', tables: { users: 12_000_000 }, errors: [{ messageId: 'fails', status: 'BLOCK' }] },
  ],
});
