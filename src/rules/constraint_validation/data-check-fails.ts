import { defineFinding } from '../define.js';

/**
 * Raised by `runbook --database-url`: a read-only data check counted rows that make the statement
 * fail (duplicates under a new unique key, NULLs under SET NOT NULL, orphans under a foreign key,
 * values a narrowed type cannot hold). The count is a fact about that database, not a risk.
 */
export default defineFinding({
  id: 'data-check-fails',
  category: 'constraint_validation',
  source: 'pipeline',
  pattern: 'test-migrations-in-ci',
  docs: {
    summary: 'A data check on the target database counted rows that make the statement fail: the deploy will stop there.',
    problem:
      'Rules can only say that existing rows might violate a new constraint or type. Run against the database (`migration-review runbook --database-url`), the data checks count them: a duplicate group under a new unique index, a NULL under SET NOT NULL, an orphan under a foreign key, a value too long for the narrowed type. Any count above zero means PostgreSQL will reject the statement, and a runner that does not wrap the file leaves it half applied.',
    instead: "-- users has 297 groups of emails equal once lowercased\nCREATE UNIQUE INDEX CONCURRENTLY users_email_lower_key ON users (lower(email));",
    use: "-- merge or fix the 297 groups first (the check's query lists them), then:\nCREATE UNIQUE INDEX CONCURRENTLY users_email_lower_key ON users (lower(email));",
    facts: 'Each check runs read-only (BEGIN READ ONLY, statement and lock timeouts) and counts exactly what the statement checks: the partial index predicate, the expression, the USING expression.',
  },
  messages: {
    fails: {
      message: 'The data check on the database found {{count}} {{unit}} of {{table}} that {{meaning}}.',
      recommendation: 'Fix the data first (the check in the runbook finds the rows), or change the statement so it holds for them; then run the runbook again and ship when every check returns 0.',
    },
  },
});
