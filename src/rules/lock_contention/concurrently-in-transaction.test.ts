import { testRule } from '../../../test/rule-tester.js';
import rule from './concurrently-in-transaction.js';

const cic = 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);';
testRule(rule, {
  valid: [
    { sql: "ALTER TYPE order_status ADD VALUE 'refunded';", config: { postgres: 12 }, name: 'PostgreSQL 12+ runs ADD VALUE in a transaction block' },
    { sql: cic, txMode: 'none', name: 'goose NO TRANSACTION' },
    { sql: cic, txMode: 'implicit', name: 'alone in a golang-migrate/Prisma file' },
    { sql: `COMMIT;\n${cic}`, txMode: 'all-pending', framework: 'drizzle', name: "drizzle file that ends the migrator's transaction first" },
    { sql: 'CREATE INDEX idx_orders_status ON orders (status);', name: 'not concurrent' },
    { sql: 'BEGIN;\nANALYZE orders;\nCOMMIT;', txMode: 'none', name: 'ANALYZE inside BEGIN was taken for VACUUM (libpg-query omits is_vacuumcmd when false)' },
    { sql: 'ANALYZE VERBOSE orders;', txMode: 'per-file', name: 'ANALYZE in a per-file transaction was taken for VACUUM' },
  ],
  invalid: [
    {
      sql: "ALTER TYPE order_status ADD VALUE 'refunded';",
      config: { postgres: 11 },
      errors: [{ messageId: 'fails', status: 'BLOCK', message: /ALTER TYPE … ADD VALUE \(PostgreSQL 11\) cannot run inside a transaction block/ }],
      name: 'before PostgreSQL 12, ADD VALUE is refused in a transaction block',
    },
    { sql: cic, txMode: 'per-file', errors: [{ messageId: 'fails', status: 'BLOCK' }] },
    { sql: `SET lock_timeout = '1s';\n${cic}`, txMode: 'implicit', errors: [{ messageId: 'fails', line: 2, status: 'BLOCK' }], name: 'several statements sent as one query' },
    { sql: `BEGIN;\n${cic}\nCOMMIT;`, txMode: 'none', errors: [{ messageId: 'fails', line: 2, message: /opens a transaction with BEGIN/ }] },
    { sql: cic, txMode: 'unknown', errors: [{ messageId: 'fails', status: 'FLAG', message: /^Verify:/ }] },
    { sql: 'DROP INDEX CONCURRENTLY idx;\nVACUUM orders;', txMode: 'per-file', errors: [{ messageId: 'fails', line: 1 }, { messageId: 'fails', line: 2 }] },
  ],
});
