import { testRule } from '../../../test/rule-tester.js';
import rule from './too-large-to-review.js';

const insert = "INSERT INTO products VALUES (1, 'a product name that takes some room');\n";

testRule(rule, {
  valid: [{ sql: insert.repeat(100), config: { thresholds: { maxFileBytes: 100_000 } } }],
  invalid: [
    {
      name: 'over the limit: not parsed, one FLAG',
      sql: insert.repeat(2_000),
      config: { thresholds: { maxFileBytes: 100_000 } },
      errors: [{ messageId: 'tooLarge', status: 'FLAG', line: 1, message: /^Verify: what migrations\/000002_change\.up\.sql does — At 0\.1 MB, .* is over the 0\.1 MB limit/ }],
    },
  ],
});
