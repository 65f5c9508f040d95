import { defineFinding } from '../define.js';

/**
 * Raised by the lock trace: after running the up, the trace runs the down and compares the
 * catalog (tables, columns with types and defaults, constraints, indexes, types, functions,
 * triggers) with the one before the up.
 */
export default defineFinding({
  id: 'rollback-does-not-restore',
  category: 'missing_rollback',
  source: 'trace',
  pattern: 'write-the-rollback',
  docs: {
    summary: 'The trace ran the up and then the down: the down fails, or leaves the schema different from before.',
    problem:
      'A down that forgets an index, leaves a column behind or restores the wrong type looks fine in review and fails you mid-incident: the next up then fails too, or the application meets a schema nobody planned. Running both is the only way to know.',
    schema: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);',
    instead: "-- up: … down: ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';",
    use: "-- up: … down: ALTER TABLE orders ALTER COLUMN status DROP DEFAULT; ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';",
  },
  messages: {
    differs: {
      message: 'Traced: after {{down}} runs, the schema is not what it was before this migration — {{differences}}.',
      recommendation: 'Make the down undo exactly what the up does (with IF EXISTS, so it also works after a partial up).',
    },
    fails: {
      message: 'Traced: the down {{down}} fails right after the up — {{reason}}. The rollback path is broken.',
      recommendation: 'Fix the down so it runs against the schema the up leaves behind; test up, down, up in CI.',
    },
  },
});
