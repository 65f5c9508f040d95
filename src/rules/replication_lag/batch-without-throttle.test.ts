import { testRule } from '../../../test/rule-tester.js';
import rule from './batch-without-throttle.js';

const loop = (body: string): string => `DO $$\nBEGIN\n  LOOP\n    UPDATE users SET v = false WHERE id IN (SELECT id FROM users WHERE v IS NULL LIMIT 10000);\n    EXIT WHEN NOT FOUND;\n${body}  END LOOP;\nEND $$;`;
testRule(rule, {
  valid: [loop('    COMMIT;\n    PERFORM pg_sleep(0.1);\n'), 'UPDATE users SET v = false WHERE id BETWEEN 1 AND 100;'],
  invalid: [
    { sql: loop(''), errors: [{ messageId: 'noPause', line: 4, message: /one transaction/ }] },
    { sql: loop('    COMMIT;\n'), errors: [{ messageId: 'noPause', line: 4 }], name: 'commits but never pauses' },
  ],
});
