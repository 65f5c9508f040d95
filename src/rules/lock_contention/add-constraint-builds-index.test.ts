import { testRule } from '../../../test/rule-tester.js';
import rule from './add-constraint-builds-index.js';

testRule(rule, {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE USING INDEX orders_number_key;',
    'CREATE TABLE t (id int);\nALTER TABLE t ADD PRIMARY KEY (id);',
    { sql: 'ALTER TABLE orders ADD PRIMARY KEY (id);', tables: { orders: 50 } },
  ],
  invalid: [
    { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE (number);', tables: { orders: 80_000_000 }, errors: [{ messageId: 'build', status: 'BLOCK', message: /ADD UNIQUE on orders\(number\)/ }] },
    { sql: 'ALTER TABLE orders ADD PRIMARY KEY (id);', errors: [{ messageId: 'build', status: 'FLAG' }] },
    {
      sql: 'ALTER TABLE import_rows ADD COLUMN id serial PRIMARY KEY;',
      tables: { import_rows: 25_000_000 },
      errors: [{ messageId: 'buildWithColumn', status: 'BLOCK', message: /ADD COLUMN id … PRIMARY KEY builds the PRIMARY KEY index on import_rows \(25M rows\)/ }],
      name: 'an inline PRIMARY KEY on a new column builds its index under the same lock',
    },
  ],
});
