import { testRule } from '../../../test/rule-tester.js';
import rule from './foreign-key-to-partitioned-table.js';

const schema = "CREATE TABLE invoices (id bigint NOT NULL, issued_at date NOT NULL, PRIMARY KEY (id, issued_at)) PARTITION BY RANGE (issued_at);\nCREATE TABLE invoices_2024 PARTITION OF invoices FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE TABLE notes (id bigint PRIMARY KEY, invoice_id bigint, issued_at date);";
const fk = 'ALTER TABLE notes ADD CONSTRAINT notes_invoice_fk FOREIGN KEY (invoice_id, issued_at) REFERENCES invoices (id, issued_at) NOT VALID;';

testRule(rule, {
  valid: [
    { schema, sql: fk, name: 'PostgreSQL 12+ (the default target, 14) accepts it' },
    { schema, sql: fk.replace('REFERENCES invoices ', 'REFERENCES invoices_2024 '), config: { postgres: 11 }, name: 'a partition is a plain table' },
  ],
  invalid: [
    { schema, sql: fk, config: { postgres: 11 }, errors: [{ messageId: 'rejected', status: 'BLOCK', message: /references invoices, a partitioned table: PostgreSQL 11 rejects that/ }] },
    {
      schema,
      sql: 'CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint, issued_at date, FOREIGN KEY (invoice_id, issued_at) REFERENCES invoices (id, issued_at));',
      config: { postgres: 10 },
      errors: [{ messageId: 'rejected' }],
      name: 'inline in CREATE TABLE, on a new table too (a deploy that fails)',
    },
  ],
});
