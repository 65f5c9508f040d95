import { defineFinding } from '../define.js';

/** Raised by the engine when an ack comment cannot be honoured. */
export default defineFinding({
  id: 'invalid-ack',
  category: 'lock_contention',
  source: 'pipeline',
  pattern: 'acknowledge-a-finding',
  docs: {
    summary: 'An ack comment that is malformed, gives no reason, names an unknown rule, or acks a BLOCK where that is not allowed.',
    problem:
      'Acks exist so a reviewer can see why a finding is acceptable. An ack without a reason, or for a rule id that does not exist (a typo), silences nothing and hides the intent; a BLOCK can only be acknowledged where the repository config sets acks.allowBlock.',
    instead: '-- migration-review: ack create-index-non-concurrently\nCREATE INDEX idx_orders_status ON orders (status);',
    use: '-- migration-review: ack create-index-non-concurrently "orders holds 2k rows in every environment"\nCREATE INDEX idx_orders_status ON orders (status);',
  },
  messages: {
    invalid: {
      message: 'The ack `{{ack}}` is not honoured: {{why}}.',
      recommendation: 'Write it as `-- migration-review: ack <rule-id> "<why this is safe>"` on the line before the statement, or fix the migration instead.',
    },
  },
});
