import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-schema.js';

testRule(rule, {
  valid: ['CREATE SCHEMA scratch;\nDROP SCHEMA scratch;', 'DROP TABLE IF EXISTS x;'],
  invalid: [{ sql: 'DROP SCHEMA analytics CASCADE;', errors: [{ messageId: 'drop', message: /analytics CASCADE/ }] }],
});
