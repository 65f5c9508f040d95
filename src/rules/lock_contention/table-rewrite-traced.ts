import { defineFinding } from '../define.js';

/**
 * Raised by the lock trace: the statement gave an existing table new storage (its relfilenode
 * changed), i.e. PostgreSQL copied every row under ACCESS EXCLUSIVE — and no rule predicted it.
 */
export default defineFinding({
  id: 'table-rewrite-traced',
  category: 'lock_contention',
  alsoCategories: ['replication_lag'],
  source: 'trace',
  pattern: 'change-column-type',
  alsoPatterns: ['volatile-default', 'repack-online'],
  docs: {
    summary: 'The trace saw the statement rewrite an existing table (new relfilenode) where no rule expected it.',
    problem:
      'A rewrite copies every row and rebuilds every index while holding ACCESS EXCLUSIVE: no reads, no writes, for as long as the copy takes. Which statements rewrite depends on types, defaults, collations and the PostgreSQL version; the trace runs the statement and compares pg_class.relfilenode before and after, so it catches the cases no rule lists.',
    schema: 'CREATE UNLOGGED TABLE events (id bigint PRIMARY KEY, payload text);',
    instead: 'ALTER TABLE events SET LOGGED;',
    use: 'ALTER TABLE events ADD COLUMN payload_length int;',
    exampleTables: { events: { rows: 50_000_000 } },
    facts: 'SET LOGGED / SET UNLOGGED write the table anew (relfilenode changes) — and SET LOGGED sends all of it through the WAL. Shown by the trace tests on PGlite.',
  },
  messages: {
    rewrite: {
      message:
        'Traced: this statement rewrote {{table}} ({{size}}) — new storage, every row copied — while holding ACCESS EXCLUSIVE, so every read and write on {{table}} waits for {{duration}}{{queued}}.',
      recommendation:
        'Avoid the rewrite: add a plain nullable column and fill it in batches (then keep it current from the application or a trigger), or expand and contract for a type change.',
    },
  },
});
