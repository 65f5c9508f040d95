import { testRule } from '../../../test/rule-tester.js';
import rule from './migration-fails-traced.js';

// Raised by the lock trace: each case really runs in PGlite, after the schema (and its seed rows).
const schema = "CREATE TABLE plans (id bigint PRIMARY KEY, price int, code text);\nINSERT INTO plans VALUES (1, 0, 'a'), (2, 900, 'a');";

testRule(rule, {
  valid: [
    { schema, sql: 'ALTER TABLE plans ADD CONSTRAINT plans_price_not_negative CHECK (price >= 0);' },
    { name: 'a missing table asks (it may come from outside the migrations) instead of blocking', sql: 'ALTER TABLE users ADD COLUMN note text;' },
    { name: 'a failure a rule predicted is confirmed there, not repeated', schema, txMode: 'implicit', sql: "SET lock_timeout = '3s';\nCREATE INDEX CONCURRENTLY idx_plans_code ON plans (code);" },
    { name: 'duplicates: unique-on-existing-data predicts it', schema, sql: 'CREATE UNIQUE INDEX plans_code_key ON plans (code);' },
    { name: 'values that do not fit: narrowing-type-change predicts it', schema, sql: 'ALTER TABLE plans ALTER COLUMN code TYPE int USING code::int;' },
  ],
  invalid: [
    {
      name: 'seed rows violate the new CHECK',
      schema,
      sql: 'ALTER TABLE plans ADD CONSTRAINT plans_price_positive CHECK (price > 0);',
      errors: [{ messageId: 'fails', status: 'BLOCK', message: /violated by some row \(SQLSTATE 23514\)/ }],
    },
    {
      name: 'seed rows have no parent',
      schema: `${schema}\nCREATE TABLE products (id bigint PRIMARY KEY);`,
      sql: 'ALTER TABLE plans ADD CONSTRAINT plans_product_fkey FOREIGN KEY (id) REFERENCES products (id);',
      errors: [{ messageId: 'fails', message: /violates foreign key constraint/ }],
    },
    {
      name: 'a backfill that divides by a zero in the data',
      schema,
      txMode: 'none',
      sql: 'UPDATE plans SET price = 1000 / price WHERE id = 1;',
      errors: [{ messageId: 'fails', message: /division by zero \(SQLSTATE 22012\)/ }],
    },
  ],
});
