import { defineRule } from '../define.js';
import { foreignKeysAdded } from './fk.js';

/** The first PostgreSQL major version whose foreign keys may reference a partitioned table (release notes of 12). */
const ACCEPTED_FROM = 12;

export default defineRule({
  id: 'foreign-key-to-partitioned-table',
  category: 'foreign_keys',
  pattern: 'add-foreign-key-not-valid',
  docs: {
    summary: 'A foreign key that references a partitioned table is rejected before PostgreSQL 12: the deploy fails.',
    problem:
      'Before PostgreSQL 12 a foreign key can only reference a plain table: CREATE TABLE or ALTER TABLE with `REFERENCES <partitioned table>` fails ("cannot reference partitioned table"), the migration stops and its transaction rolls back. It passes on any newer development database.',
    schema:
      "CREATE TABLE invoices (id bigint NOT NULL, issued_at date NOT NULL, PRIMARY KEY (id, issued_at)) PARTITION BY RANGE (issued_at);\nCREATE TABLE invoices_2024 PARTITION OF invoices FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    instead: 'CREATE TABLE invoice_notes (id bigint PRIMARY KEY, invoice_id bigint, issued_at date, FOREIGN KEY (invoice_id, issued_at) REFERENCES invoices (id, issued_at));',
    use: 'CREATE TABLE invoice_notes (id bigint PRIMARY KEY, invoice_id bigint, issued_at date, FOREIGN KEY (invoice_id, issued_at) REFERENCES invoices_2024 (id, issued_at));',
    exampleConfig: { postgres: 11 },
    facts:
      'PostgreSQL 12 release notes: "Allow foreign keys to reference partitioned tables". The PostgreSQL 15 the tests run on accepts it (test/facts), so the failure itself is not reproduced here.',
  },
  messages: {
    rejected: {
      message:
        'Foreign key {{name}} on {{table}} references {{refTable}}, a partitioned table: PostgreSQL {{version}} rejects that (foreign keys may reference partitioned tables from 12 on), so the deploy stops here and its transaction rolls back.',
      recommendation: 'On {{version}}, reference the partitions instead (one foreign key per partition, or a trigger), or upgrade to PostgreSQL 12+ before shipping this.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        if (ctx.config.postgres >= ACCEPTED_FROM) return;
        for (const fk of foreignKeysAdded(statement)) {
          // Principle 6: a deploy that fails is a BLOCK, on a new table as much as on an old one.
          if (!ctx.catalog.table(fk.refTable)?.partitioned) continue;
          ctx.report({ messageId: 'rejected', status: 'BLOCK', table: fk.table, data: { name: fk.name, table: fk.table, refTable: fk.refTable, version: ctx.config.postgres } });
        }
      },
    };
  },
});
