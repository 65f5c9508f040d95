import { testRule } from '../../../test/rule-tester.js';
import rule from './long-write-replication-lag.js';

testRule(rule, {
  valid: [
    { sql: 'INSERT INTO archive SELECT * FROM legacy_records;', name: 'no size, no estimate (other rules ask)' },
    { sql: 'INSERT INTO archive SELECT * FROM legacy_records;', tables: { legacy_records: 1_000_000 }, name: 'about 17 s' },
    { sql: 'INSERT INTO archive SELECT * FROM legacy_records WHERE id BETWEEN 1 AND 10000;', tables: { legacy_records: 23_000_000 }, name: 'one batch' },
    { sql: 'UPDATE legacy_records SET tenant_id = 1 WHERE tenant_id IS NULL;', tables: { legacy_records: 23_000_000 }, name: 'an unbatched backfill is unbatched-backfill\'s finding, in this category too' },
    {
      name: 'a table rewrite is reported by its lock rule, in this category too',
      sql: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;',
      schema: 'CREATE TABLE events (id int);',
      tables: { events: 9_000_000 },
    },
  ],
  invalid: [
    { sql: 'INSERT INTO archive SELECT * FROM legacy_records;', tables: { legacy_records: 23_000_000 }, errors: [{ messageId: 'lag', status: 'FLAG', message: /GB of WAL in ~6 min/ }] },
    { sql: 'CREATE TABLE events_copy AS SELECT * FROM events;', tables: { events: 200_000_000 }, errors: [{ messageId: 'lag', status: 'BLOCK', message: /CREATE TABLE … AS SELECT/ }] },
  ],
});
