import { defineFinding } from '../define.js';

/**
 * Raised by the lock trace: PostgreSQL rejected the statement when it ran against the schema the
 * earlier migrations build (and their seed data), and no rule had predicted the failure.
 */
export default defineFinding({
  id: 'migration-fails-traced',
  category: 'lock_contention',
  source: 'trace',
  pattern: 'test-migrations-in-ci',
  docs: {
    summary: 'The trace ran the migration and PostgreSQL rejected a statement: the deploy will fail there.',
    problem:
      'Some failures only show when the SQL runs: a name that does not exist yet, a type mismatch, a constraint that rows inserted by earlier migrations violate, a statement the runner sends inside a transaction block that refuses one. A runner that wraps the file rolls it back; one that does not leaves it half applied.',
    schema: "CREATE TABLE plans (id bigint PRIMARY KEY, price int);\nINSERT INTO plans VALUES (1, 0), (2, 900);",
    instead: 'ALTER TABLE plans ADD CONSTRAINT plans_price_positive CHECK (price > 0);',
    use: 'ALTER TABLE plans ADD CONSTRAINT plans_price_not_negative CHECK (price >= 0);',
    facts: 'Errors come from PostgreSQL itself (PGlite or the --database-url server) with their SQLSTATE.',
  },
  messages: {
    fails: {
      message: 'Traced: PostgreSQL rejects this statement — {{reason}} (SQLSTATE {{code}}). The deploy stops here{{effect}}.',
      recommendation: 'Fix the statement against the schema and data the earlier migrations leave behind; the trace re-runs it on every push.',
    },
  },
});
