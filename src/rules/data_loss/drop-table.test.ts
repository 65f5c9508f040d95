import { testRule } from '../tester.js';
import rule from './drop-table.js';

testRule(rule, {
  valid: ['CREATE TABLE tmp (id int);\nDROP TABLE tmp;', 'DROP VIEW report;', 'DROP INDEX CONCURRENTLY idx;'],
  invalid: [
    { sql: 'DROP TABLE legacy_sessions;', errors: [{ messageId: 'drop', status: 'FLAG', message: /^Verify: nothing reads or writes it/ }] },
    { sql: 'DROP TABLE IF EXISTS a, b CASCADE;', errors: [{ messageId: 'drop' }, { messageId: 'drop' }] },
  ],
});
