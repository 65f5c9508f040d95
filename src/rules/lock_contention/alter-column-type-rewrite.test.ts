import { testRule } from '../tester.js';
import rule from './alter-column-type-rewrite.js';

const schema = 'CREATE TABLE events (id integer PRIMARY KEY, name varchar(50), amount numeric(10,2), body text);';
testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE events ALTER COLUMN name TYPE varchar(200);', schema, tables: { events: 9_000_000 }, name: 'varchar growth is catalog-only' },
    { sql: 'ALTER TABLE events ALTER COLUMN name TYPE text;', schema, tables: { events: 9_000_000 }, name: 'varchar to text is binary-coercible' },
    { sql: 'ALTER TABLE events ALTER COLUMN amount TYPE numeric(12,2);', schema, tables: { events: 9_000_000 }, name: 'numeric precision growth' },
    { sql: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;', schema, tables: { events: 100 }, name: 'small table' },
  ],
  invalid: [
    { sql: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;', schema, tables: { events: 9_000_000 }, errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /integer → bigint/ }] },
    { sql: 'ALTER TABLE events ALTER COLUMN body TYPE jsonb USING body::jsonb;', schema, errors: [{ messageId: 'rewrite', status: 'FLAG' }] },
    { sql: 'ALTER TABLE other ALTER COLUMN x TYPE bigint;', errors: [{ messageId: 'unknownType', message: /^Verify: current type of other.x/ }] },
  ],
});
