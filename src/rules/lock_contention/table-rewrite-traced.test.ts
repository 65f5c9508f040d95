import { testRule } from '../../../test/rule-tester.js';
import rule from './table-rewrite-traced.js';

// Raised by the lock trace: each case really runs in PGlite.
const schema = 'CREATE TABLE events (id bigint PRIMARY KEY, payload text, kind varchar(20));';
const big = { events: 50_000_000 };

testRule(rule, {
  valid: [
    { name: 'a plain nullable column is metadata only', schema, tables: big, sql: 'ALTER TABLE events ADD COLUMN note text;' },
    { name: 'varchar growth keeps the storage', schema, tables: big, sql: 'ALTER TABLE events ALTER COLUMN kind TYPE varchar(40);' },
    { name: 'a small table is rewritten in no time', schema, tables: { events: 100 }, sql: 'ALTER TABLE events ADD COLUMN n int GENERATED ALWAYS AS (length(payload)) STORED;' },
    { name: 'a rewrite a rule predicted is confirmed there, not repeated', schema, tables: big, sql: 'ALTER TABLE events ALTER COLUMN id TYPE numeric;' },
    { name: 'a STORED generated column: add-column-volatile-default predicts it', schema, tables: big, sql: 'ALTER TABLE events ADD COLUMN n int GENERATED ALWAYS AS (length(payload)) STORED;' },
  ],
  invalid: [
    {
      name: 'SET LOGGED after a bulk load writes the table anew, through the WAL',
      schema: schema.replace('CREATE TABLE', 'CREATE UNLOGGED TABLE'),
      tables: big,
      sql: 'ALTER TABLE events SET LOGGED;',
      errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /rewrote events \(50M rows\)/ }],
    },
    {
      name: 'SET UNLOGGED writes the table anew',
      schema,
      tables: big,
      sql: 'ALTER TABLE events SET UNLOGGED;',
      errors: [{ messageId: 'rewrite', status: 'BLOCK' }],
    },
  ],
});
