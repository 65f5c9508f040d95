import { testRule } from '../../../test/rule-tester.js';
import rule from './enum-value-used-before-commit.js';

const schema = "CREATE TYPE order_status AS ENUM ('new', 'paid');\nCREATE TABLE orders (id bigint PRIMARY KEY, status order_status);";

testRule(rule, {
  valid: [
    { schema, sql: "ALTER TYPE order_status ADD VALUE 'refunded';" },
    { name: 'used by a later migration', schema: `${schema}\nALTER TYPE order_status ADD VALUE 'refunded';`, sql: "UPDATE orders SET status = 'refunded' WHERE id = 1;" },
    { name: 'runner without a transaction (goose NO TRANSACTION)', schema, txMode: 'none', sql: "ALTER TYPE order_status ADD VALUE 'refunded';\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'refunded';" },
    { name: 'committed in between', schema, txMode: 'none', sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'refunded';" },
    { name: 'renaming a value is not adding one', schema, sql: "ALTER TYPE order_status RENAME VALUE 'paid' TO 'settled';\nUPDATE orders SET status = 'settled' WHERE id = 1;" },
  ],
  invalid: [
    {
      schema,
      sql: "ALTER TYPE order_status ADD VALUE 'refunded';\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'refunded';",
      errors: [{ messageId: 'used', line: 2, status: 'BLOCK', message: /'refunded' is added to order_status at line 1/ }],
    },
    {
      name: 'one query string (golang-migrate)',
      schema,
      txMode: 'implicit',
      sql: "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';\nUPDATE orders SET status = 'refunded'::order_status WHERE id = 7;",
      errors: [{ messageId: 'used', line: 2 }],
    },
  ],
});
