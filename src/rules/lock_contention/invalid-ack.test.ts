import { testRule } from '../../../test/rule-tester.js';
import rule from './invalid-ack.js';

testRule(rule, {
  valid: ['-- migration-review: ack create-index-non-concurrently "orders holds 2k rows everywhere"\nCREATE INDEX idx ON orders (status);'],
  invalid: [
    { sql: '-- migration-review: ack create-index-non-concurrently\nCREATE INDEX idx ON orders (status);', errors: [{ messageId: 'invalid', line: 1, message: /no reason/ }] },
    { sql: '-- migration-review: ack create-index-nonconcurrently "typo"\nCREATE INDEX idx ON orders (status);', errors: [{ messageId: 'invalid', message: /no rule with that id/ }] },
    { sql: '-- migration-review: ack !!\nSELECT 1;', errors: [{ messageId: 'invalid', message: /does not follow/ }] },
    {
      sql: '-- migration-review: ack create-index-non-concurrently "we accept it"\nCREATE INDEX idx ON orders (status);',
      tables: { orders: 80_000_000 },
      errors: [{ messageId: 'invalid', message: /acknowledges a BLOCK/ }],
      name: 'BLOCK acks need acks.allowBlock',
    },
  ],
});
