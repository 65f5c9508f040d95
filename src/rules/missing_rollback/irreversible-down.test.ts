import { testRule } from '../tester.js';
import rule from './irreversible-down.js';

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE users ADD COLUMN note text;', down: 'ALTER TABLE users DROP COLUMN note;' },
    { sql: 'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);', down: 'DROP TABLE t;', name: 'dropping the table undoes its index' },
    { sql: 'ALTER TABLE users DROP COLUMN legacy_id;', name: 'no down at all is missing-down, not this rule' },
  ],
  invalid: [
    { sql: 'ALTER TABLE users DROP COLUMN legacy_id;', down: 'ALTER TABLE users ADD COLUMN legacy_id bigint;', errors: [{ messageId: 'dataLost', message: /drops column users.legacy_id/ }] },
    { sql: 'CREATE TABLE audit (id int);', down: 'SELECT 1;', errors: [{ messageId: 'leftBehind', message: /table audit/ }] },
  ],
});
