import { defineFinding } from '../define.js';

/**
 * Claude's findings (`source: "llm"`), merged by src/llm/merge.ts: what rules cannot see — intent,
 * context, consequences across files. Each carries the category Claude chose; the rule exists so
 * such findings have an id to acknowledge and a docs page.
 */
export default defineFinding({
  id: 'claude-review',
  category: 'lock_contention',
  source: 'llm',
  pattern: 'acknowledge-a-finding',
  docs: {
    summary: "A finding from Claude's review (check --llm, or the app with an API key): intent and context the rules cannot see.",
    problem:
      'Rules are exact but narrow. Claude reads the whole change with the deterministic findings, the lock trace, the PR description and the application code that uses the tables, and reports what they miss: an unintended cascade, a backfill that is not idempotent, code that still reads a column being dropped, context the reviewer must confirm. It can add findings, never lower or remove a rule finding.',
    instead: '-- a backfill whose WHERE clause re-selects rows it already changed\nUPDATE accounts SET balance = balance * 100 WHERE currency = $$USD$$;',
    use: '-- idempotent: rows already converted are skipped\nUPDATE accounts SET balance_cents = balance * 100 WHERE currency = $$USD$$ AND balance_cents IS NULL;',
  },
  messages: {
    finding: {
      message: '{{title}}: {{message}}',
      recommendation: '{{recommendation}}',
    },
  },
});
