import { defineFinding } from '../define.js';

/**
 * Raised by the engine, not by a handler: a statement PostgreSQL's parser rejects. Nothing else
 * could be checked on it, and the runner will fail on it too.
 */
export default defineFinding({
  id: 'syntax-error',
  category: 'lock_contention',
  source: 'pipeline',
  pattern: 'test-migrations-in-ci',
  docs: {
    summary: 'PostgreSQL cannot parse the statement: it will fail at deploy, and no other check could run on it.',
    problem:
      'The statement is not valid PostgreSQL (a missing semicolon, another database\'s syntax, a stray character). The migration will fail when it runs, and migration-review could not check it for locks or data loss. In a down script it means the rollback fails when you need it.',
    instead: 'ALTER TABLE orders ADD COLUMN note text\nALTER TABLE orders ADD COLUMN tag text;',
    use: 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN tag text;',
  },
  messages: {
    syntax: {
      message: 'PostgreSQL cannot parse this statement ({{error}}) in the {{script}} script: it fails when run, and none of the eight checks could look at it.',
      recommendation: 'Fix the SQL so PostgreSQL parses it (run it against a local database); check for a missing semicolon between statements.',
    },
  },
});
