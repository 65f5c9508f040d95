import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-column.js';

const schema = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, deprecated_field text);';
const code = { 'src/users.ts': "export const find = (db: Db) => db.query('SELECT id, deprecated_field FROM users');" };

testRule(rule, {
  valid: [
    'CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;',
    'ALTER TABLE users ADD COLUMN note text;',
    { sql: 'ALTER TABLE users ADD COLUMN note text;\nALTER TABLE users DROP COLUMN note;', schema, name: 'a column added earlier in the change holds nothing: PASS (principle 2)' },
  ],
  invalid: [
    { sql: 'ALTER TABLE users DROP COLUMN deprecated_field;', errors: [{ messageId: 'drop', status: 'FLAG', message: /users.deprecated_field/ }] },
    {
      sql: 'ALTER TABLE users DROP COLUMN deprecated_field;',
      schema,
      code,
      errors: [{ messageId: 'drop', status: 'BLOCK', message: /still uses it at src\/users.ts:1/ }],
      name: 'still read by the application code: BLOCK (principle 4)',
    },
    {
      sql: 'ALTER TABLE users DROP COLUMN deprecated_field;',
      schema: `${schema}\nCREATE TABLE vouchers (id bigint, deprecated_field text);`,
      code: { 'internal/store/queries.go': 'const (\n\tq0 = `SELECT id, email FROM users ORDER BY id`\n\tq1 = `SELECT id FROM vouchers WHERE deprecated_field = $1`\n)' },
      errors: [{ messageId: 'drop', status: 'FLAG' }],
      name: 'the same column name in the next query, on another table, is not a use of users.deprecated_field',
    },
    {
      sql: 'ALTER TABLE users DROP COLUMN deprecated_field;',
      schema,
      code: { 'app/users.rb': 'def legacy\n  select_all(<<~SQL)\n    SELECT id, deprecated_field\n    FROM users\n  SQL\nend' },
      errors: [{ messageId: 'drop', status: 'BLOCK' }],
      name: 'a query whose column comes a line before its table is still a use',
    },
  ],
});
