import { testRule } from '../../../test/rule-tester.js';
import rule from './unique-on-existing-data.js';

testRule(rule, {
  valid: [
    { sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);', name: 'built concurrently, a duplicate fails the build early and harmlessly' },'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', 'CREATE TABLE t (a int);\nCREATE UNIQUE INDEX t_a ON t (a);', 'ALTER TABLE users ADD CONSTRAINT k UNIQUE USING INDEX users_email_key;'],
  invalid: [
    {
      sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
      schema: 'CREATE TABLE bookings (id bigint PRIMARY KEY, room int, during tstzrange);',
      errors: [{ messageId: 'conflicts', message: /^Verify: no conflicting rows for bookings_no_overlap in bookings/ }],
      name: 'an exclusion constraint fails on existing conflicts, like UNIQUE on duplicates',
    },
    { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', errors: [{ messageId: 'duplicates', message: /^Verify: no duplicate \(email\) in users/ }] },
    { sql: 'CREATE UNIQUE INDEX users_email_key ON users (email);', errors: [{ messageId: 'duplicates' }], name: 'a plain unique build fails late, under its lock' },
    { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email, tenant_id);', errors: [{ messageId: 'duplicates', message: /users\(email, tenant_id\)/ }] },
  ],
});
