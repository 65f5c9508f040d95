import { testRule } from '../../../test/rule-tester.js';
import rule from './json-column.js';

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE orders ADD COLUMN metadata jsonb;', name: 'jsonb column' },
    { sql: 'CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb, tags text[]);', name: 'new table with jsonb' },
    { sql: 'ALTER TABLE settings ALTER COLUMN value TYPE jsonb USING value::jsonb;', schema: 'CREATE TABLE settings (key text PRIMARY KEY, value json NOT NULL);', name: 'converting json to jsonb' },
    { sql: "ALTER TABLE orders ADD COLUMN note text DEFAULT '{}';", name: 'a text column is not json' },
  ],
  invalid: [
    { sql: 'ALTER TABLE orders ADD COLUMN metadata json;', errors: [{ messageId: 'json', line: 1, status: 'FLAG', message: /orders the json column metadata json/ }], name: 'json column on an existing table' },
    {
      sql: 'CREATE TABLE events (\n  id bigint PRIMARY KEY,\n  payload json,\n  history json[]\n);',
      errors: [{ messageId: 'json', line: 1, status: 'FLAG', message: /json columns payload json, history json\[\]/ }],
      name: 'new table with json and json[] columns: one finding listing both',
    },
    { sql: 'SET lock_timeout = \'3s\';\nALTER TABLE public.orders ADD COLUMN a json, ADD COLUMN b jsonb;', errors: [{ messageId: 'json', line: 2, message: /column a json: / }], name: 'only the json one of two added columns' },
    { sql: 'ALTER TABLE settings ALTER COLUMN value TYPE json;', schema: 'CREATE TABLE settings (key text PRIMARY KEY, value jsonb NOT NULL);', errors: [{ messageId: 'json', status: 'FLAG' }], name: 'changing a column to json' },
  ],
});
