import { testRule } from '../../../test/rule-tester.js';
import rule from './delete-all-rows.js';

testRule(rule, {
  valid: ['DELETE FROM sessions WHERE expires_at < now();', 'CREATE TABLE t (a int);\nDELETE FROM t;'],
  invalid: [{ sql: 'DELETE FROM sessions;', errors: [{ messageId: 'all' }] }],
});
