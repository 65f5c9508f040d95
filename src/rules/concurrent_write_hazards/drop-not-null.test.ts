import { testRule } from '../../../test/rule-tester.js';
import rule from './drop-not-null.js';

const schema = "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new');";

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;', schema, name: 'SET NOT NULL is another rule' },
    { sql: 'CREATE TABLE t (a int NOT NULL);\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;', name: 'table created in the same change' },
    { sql: "ALTER TABLE orders ADD COLUMN source text NOT NULL DEFAULT 'web';\nALTER TABLE orders ALTER COLUMN source DROP NOT NULL;", schema, name: 'column added in the same change' },
  ],
  invalid: [
    { sql: "SET lock_timeout = '3s';\nALTER TABLE orders ALTER COLUMN status DROP NOT NULL;", schema, errors: [{ messageId: 'nullable', line: 2, status: 'FLAG', message: /orders\.status/ }], name: 'seed case 48: existing column' },
    { sql: 'ALTER TABLE legacy ALTER COLUMN ref DROP NOT NULL;', errors: [{ messageId: 'nullable', status: 'FLAG' }], name: 'table from before the visible history' },
  ],
});
