import { testRule } from '../tester.js';
import rule from './long-write-replication-lag.js';

testRule(rule, {
  valid: [
    { sql: 'UPDATE legacy_records SET tenant_id = 1 WHERE tenant_id IS NULL;', name: 'no size, no estimate (other rules ask)' },
    { sql: 'UPDATE legacy_records SET tenant_id = 1 WHERE tenant_id IS NULL;', tables: { legacy_records: 1_000_000 }, name: 'about 11 s' },
    { sql: 'UPDATE legacy_records SET tenant_id = 1 WHERE id BETWEEN 1 AND 10000;', tables: { legacy_records: 23_000_000 } },
    {
      name: 'a binary-coercible type change writes no WAL for the rows (the lock trace showed these false alarms)',
      sql: 'ALTER TABLE events ALTER COLUMN name TYPE text;\nALTER TABLE events ALTER COLUMN price TYPE numeric(12,2);',
      schema: 'CREATE TABLE events (id int, name varchar(50), price numeric(10,2));',
      tables: { events: 90_000_000 },
    },
  ],
  invalid: [
    { sql: 'UPDATE legacy_records SET tenant_id = 1 WHERE tenant_id IS NULL;', tables: { legacy_records: 23_000_000 }, errors: [{ messageId: 'lag', status: 'FLAG', message: /GB of WAL in ~4 min/ }] },
    { sql: 'UPDATE events SET kind = 1;', tables: { events: 200_000_000 }, errors: [{ messageId: 'lag', status: 'BLOCK' }] },
    { sql: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;', schema: 'CREATE TABLE events (id int);', tables: { events: 9_000_000 }, errors: [{ messageId: 'lag', message: /ALTER COLUMN TYPE/ }] },
  ],
});
