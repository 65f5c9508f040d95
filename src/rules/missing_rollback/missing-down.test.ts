import { testRule } from '../../../test/rule-tester.js';
import rule from './missing-down.js';

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', down: 'ALTER TABLE orders DROP COLUMN note;', expectsDown: true },
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', expectsDown: false, name: 'forward-only framework' },
    { sql: '-- data migrated in code', expectsDown: true, name: 'nothing to undo' },
  ],
  invalid: [
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', expectsDown: true, errors: [{ messageId: 'missing', line: 1 }] },
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', down: '-- Not reversible\n', expectsDown: true, errors: [{ messageId: 'empty' }] },
  ],
});
