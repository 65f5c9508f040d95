import { testRule } from '../tester.js';
import rule from './non-idempotent-backfill.js';

testRule(rule, {
  valid: [
    'UPDATE accounts SET balance_cents = balance * 100 WHERE balance_cents IS NULL;',
    "UPDATE accounts SET status = 'active' WHERE status IS NULL;",
    'UPDATE accounts SET counter = counter + 1 WHERE id = 7;',
    'UPDATE accounts SET plan = 1;',
  ],
  invalid: [
    { sql: 'UPDATE accounts SET balance_cents = balance_cents * 100;', errors: [{ messageId: 'rerun', message: /computed from balance_cents itself/ }] },
    { sql: 'UPDATE accounts SET migrated_at = now() WHERE plan = 2 OR plan = 3;', errors: [{ messageId: 'rerun', message: /now\(\)/ }] },
  ],
});
