import { testRule } from '../../../test/rule-tester.js';
import rule from './syntax-error.js';

testRule(rule, {
  valid: ['ALTER TABLE orders ADD COLUMN note text;', '-- only a comment', ''],
  invalid: [
    { sql: 'ALTER TABLE orders ADD COLUMN note text;\nw\nALTER TABLE orders ADD COLUMN tag text;', errors: [{ messageId: 'syntax', line: 2 }], name: 'a stray character (Hasura console output)' },
    { sql: 'SELECT 1;\n\nDROP INDEX x ON jobs;\nSELECT 2;', errors: [{ messageId: 'syntax', line: 3 }], name: 'MySQL syntax, other statements still parsed' },
    { sql: 'SELECT 1;', down: 'DROP TABLE a\nDROP TABLE b;', errors: [{ messageId: 'syntax', line: 2 }], name: 'missing semicolon in the down script' },
  ],
});
