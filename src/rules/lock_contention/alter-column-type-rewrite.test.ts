import { testRule } from '../../../test/rule-tester.js';
import rule from './alter-column-type-rewrite.js';

const schema = 'CREATE TABLE events (id integer PRIMARY KEY, name varchar(50), amount numeric(10,2), body text);';
const timestamps = 'CREATE TABLE events (id bigint PRIMARY KEY, at timestamp(3), seen timestamp);\nCREATE INDEX events_id_idx ON events (id);';
const big = { events: 30_000_000 };
testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE events ALTER COLUMN name TYPE varchar(200);', schema, tables: { events: 9_000_000 }, name: 'varchar growth is catalog-only' },
    { sql: 'ALTER TABLE events ALTER COLUMN name TYPE text;', schema, tables: { events: 9_000_000 }, name: 'varchar to text is binary-coercible' },
    { sql: 'ALTER TABLE events ALTER COLUMN amount TYPE numeric(12,2);', schema, tables: { events: 9_000_000 }, name: 'numeric precision growth' },
    { sql: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;', schema, tables: { events: 100 }, name: 'small table' },
    { sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamp;', schema: timestamps, tables: big, name: 'timestamp(3) → timestamp was taken for a rewrite (a precision increase keeps every value)' },
    { sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamp(6);', schema: timestamps, tables: big, name: 'timestamp(3) → timestamp(6) keeps every value' },
    { sql: "SET TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN seen TYPE timestamptz;", schema: timestamps, tables: big, name: 'timestamp → timestamptz under SET TimeZone UTC was taken for a rewrite' },
    { sql: "SET timezone TO 'Etc/UTC';\nALTER TABLE events ALTER COLUMN seen TYPE timestamp with time zone;", schema: timestamps, tables: big, name: 'SET timezone TO Etc/UTC, type spelled out' },
    {
      sql: "SET TIME ZONE 'UTC';\nALTER TABLE events ALTER COLUMN seen TYPE timestamptz;\nALTER TABLE events ALTER COLUMN seen TYPE timestamp;",
      schema: timestamps,
      tables: big,
      name: 'timestamptz → timestamp under UTC keeps the table too',
    },
    {
      sql: 'ALTER TABLE events ALTER COLUMN name TYPE varchar(200);',
      schema: `${schema}\nCREATE INDEX events_name_idx ON events (name);`,
      tables: big,
      name: 'a plain index survives a widening',
    },
  ],
  invalid: [
    { sql: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;', schema, tables: { events: 9_000_000 }, errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /integer → bigint/ }] },
    { sql: 'ALTER TABLE events ALTER COLUMN body TYPE jsonb USING body::jsonb;', schema, errors: [{ messageId: 'rewrite', status: 'FLAG' }] },
    {
      sql: 'ALTER TABLE events ALTER COLUMN seen TYPE timestamptz;',
      schema: timestamps,
      tables: big,
      errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /timestamp → timestamptz/ }],
      name: 'timestamp → timestamptz without a UTC session rewrites',
    },
    {
      sql: "SET TimeZone = 'UTC';\nRESET TimeZone;\nALTER TABLE events ALTER COLUMN seen TYPE timestamptz;",
      schema: timestamps,
      tables: big,
      errors: [{ messageId: 'rewrite', line: 3 }],
      name: 'a RESET undoes the earlier SET TimeZone',
    },
    {
      sql: "SET TimeZone = 'Europe/London';\nALTER TABLE events ALTER COLUMN seen TYPE timestamptz;",
      schema: timestamps,
      tables: big,
      errors: [{ messageId: 'rewrite', line: 2 }],
      name: 'a zone that is UTC only in winter still rewrites',
    },
    {
      sql: "SET TimeZone = 'UTC';\nALTER TABLE events ALTER COLUMN seen TYPE timestamptz;",
      schema: `${timestamps}\nCREATE INDEX events_seen_idx ON events (seen);`,
      tables: big,
      errors: [{ messageId: 'rebuildsIndexes', line: 2, status: 'BLOCK', message: /every index on seen .*events_seen_idx/ }],
      name: 'timestamp → timestamptz under UTC still rebuilds every index on the column',
    },
    {
      sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamp;',
      schema: `${timestamps}\nCREATE INDEX events_at_idx ON events (at);\nCREATE INDEX events_recent_idx ON events (id) WHERE at > '2024-01-01';\nCREATE INDEX events_day_idx ON events ((at::date));`,
      tables: big,
      errors: [{ messageId: 'rebuildsIndexes', status: 'BLOCK', message: /events_recent_idx, events_day_idx/ }],
      name: 'a precision increase rebuilds the partial and expression indexes on the column, not the plain one',
    },
    {
      sql: 'ALTER TABLE events ALTER COLUMN name TYPE text;',
      schema: `${schema}\nCREATE INDEX events_named_idx ON events (id) WHERE name <> '';`,
      errors: [{ messageId: 'rebuildsIndexes', status: 'FLAG', message: /^Verify: size of events/ }],
      name: 'varchar → text rebuilds a partial index that reads the column (unknown size)',
    },
    { sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamp(0);', schema: timestamps, tables: big, errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /rounds every value/ }], name: 'a precision decrease rewrites' },
    { sql: 'ALTER TABLE other ALTER COLUMN x TYPE bigint;', errors: [{ messageId: 'unknownType', message: /^Verify: current type of other.x/ }] },
  ],
});
