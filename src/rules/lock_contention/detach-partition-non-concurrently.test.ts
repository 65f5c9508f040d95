import { testRule } from '../../../test/rule-tester.js';
import rule from './detach-partition-non-concurrently.js';

const schema =
  "CREATE TABLE audit_log (id bigint, logged_at timestamptz) PARTITION BY RANGE (logged_at);\nCREATE TABLE audit_log_2023 PARTITION OF audit_log FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');";
const big = { audit_log: 150_000_000, audit_log_2023: 70_000_000 };

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE audit_log DETACH PARTITION audit_log_2023 CONCURRENTLY;', schema, tables: big, txMode: 'none', name: 'seed case 047: CONCURRENTLY' },
    { sql: 'ALTER TABLE audit_log DETACH PARTITION audit_log_2023;', schema, tables: { audit_log: 150_000_000, audit_log_2023: 3_000 }, name: 'small partition' },
    { sql: `${schema}\nALTER TABLE audit_log DETACH PARTITION audit_log_2023;`, name: 'tables new in the change' },
  ],
  invalid: [
    {
      sql: "SET lock_timeout = '3s';\nALTER TABLE audit_log DETACH PARTITION audit_log_2023;",
      schema,
      tables: big,
      errors: [{ messageId: 'lock', line: 2, status: 'FLAG', message: /audit_log_2023 \(70M rows\) takes ACCESS EXCLUSIVE on audit_log_2023 and on its parent audit_log/ }],
      name: 'seed case 046: big partition, even under lock_timeout',
    },
    { sql: 'ALTER TABLE audit_log DETACH PARTITION audit_log_2023;', schema, errors: [{ messageId: 'lock', status: 'FLAG', message: /^Verify: size of audit_log_2023/ }], name: 'unknown size asks to verify' },
    {
      sql: 'ALTER TABLE audit_log DETACH PARTITION audit_log_2023;',
      schema,
      tables: big,
      config: { postgres: 13 },
      errors: [{ messageId: 'lock', status: 'FLAG' }],
      name: 'PostgreSQL 13 has no CONCURRENTLY: still a FLAG, with the lock_timeout fix',
    },
  ],
});
