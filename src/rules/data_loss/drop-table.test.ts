import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-table.js';

const code = { 'src/sessions.ts': "export const load = (db: Db, id: string) => db.query('SELECT data FROM legacy_sessions WHERE id = $1', [id]);" };
const unrelated = { 'src/orders.ts': "export const list = (db: Db) => db.query('SELECT id FROM orders');" };

testRule(rule, {
  valid: ['CREATE TABLE tmp (id int);\nDROP TABLE tmp;', 'DROP VIEW report;', 'DROP INDEX CONCURRENTLY idx;'],
  invalid: [
    {
      sql: 'DROP TABLE legacy_sessions;',
      errors: [{ messageId: 'drop', status: 'FLAG', message: /^Verify: nothing reads or writes legacy_sessions \(this repository has no application code to search\)/ }],
      name: 'no application code to search: FLAG, verify',
    },
    { sql: 'DROP TABLE IF EXISTS a, b CASCADE;', errors: [{ messageId: 'drop' }, { messageId: 'drop' }] },
    {
      sql: 'DROP TABLE legacy_sessions;',
      code,
      errors: [{ messageId: 'drop', status: 'BLOCK', message: /still uses it at src\/sessions.ts:1/ }],
      name: 'still referenced by the application code: BLOCK (principle 4)',
    },
    {
      sql: 'DROP TABLE legacy_sessions;',
      code: unrelated,
      errors: [{ messageId: 'drop', status: 'FLAG', message: /^Verify: nothing reads or writes legacy_sessions outside this repository, and a backup exists/ }],
      name: 'not referenced by the application code: FLAG, a deliberate contract step',
    },
  ],
});
