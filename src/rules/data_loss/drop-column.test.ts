import { testRule } from '../tester.js';
import rule from './drop-column.js';

testRule(rule, {
  valid: ['CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;', 'ALTER TABLE users ADD COLUMN note text;'],
  invalid: [{ sql: 'ALTER TABLE users DROP COLUMN deprecated_field;', errors: [{ messageId: 'drop', message: /users.deprecated_field/ }] }],
});
