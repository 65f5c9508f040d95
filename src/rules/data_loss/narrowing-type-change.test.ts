import { testRule } from '../tester.js';
import rule from './narrowing-type-change.js';

const schema = 'CREATE TABLE users (id bigint, name varchar(100), seen timestamptz);';
testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);', schema },
    { sql: 'ALTER TABLE users ALTER COLUMN name TYPE text;', schema },
  ],
  invalid: [
    { sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);', schema, errors: [{ messageId: 'narrowing', message: /varchar\(100\)/ }] },
    { sql: 'ALTER TABLE users ALTER COLUMN id TYPE integer;', schema, errors: [{ messageId: 'narrowing' }] },
    { sql: 'ALTER TABLE users ALTER COLUMN seen TYPE date;', schema, errors: [{ messageId: 'narrowing' }] },
  ],
});
