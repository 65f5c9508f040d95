import { testRule } from '../../../test/rule-tester.js';
import rule from './create-index-concurrently-if-not-exists.js';

testRule(rule, {
  valid: [
    { sql: 'CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);', name: 'without IF NOT EXISTS a leftover fails the migration loudly' },
    { sql: 'CREATE INDEX IF NOT EXISTS orders_status_idx ON orders (status);', name: 'a plain build is transactional: a failure leaves nothing' },
    { sql: 'CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON t (a);', txMode: 'none', name: 'table created in the same change' },
  ],
  invalid: [
    {
      sql: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_email_key ON customers (email);',
      txMode: 'none',
      errors: [{ messageId: 'keepsInvalid', line: 1, status: 'FLAG', message: /customers accepts duplicates/ }],
      name: 'seed case 017: unique build',
    },
    {
      sql: '\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);',
      txMode: 'none',
      errors: [{ messageId: 'keepsInvalid', line: 2, status: 'FLAG', message: /no query can use the index/ }],
      name: 'non-unique build',
    },
  ],
});
