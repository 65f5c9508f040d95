import { as, rangeVarName } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { forEachAlterCommand, outsideTransactionHint } from '../helpers.js';

export default defineRule({
  id: 'detach-partition-non-concurrently',
  category: 'lock_contention',
  pattern: 'create-index-concurrently',
  docs: {
    summary: 'DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partition and on the parent.',
    problem:
      'A plain DETACH PARTITION is quick, but it takes ACCESS EXCLUSIVE on the partition and on the partitioned parent: it first waits for every running query on the parent (any partition), and every read and write of the whole table queues behind it meanwhile. DETACH … CONCURRENTLY (PostgreSQL 14+) takes SHARE UPDATE EXCLUSIVE instead, and traffic continues.',
    schema:
      "CREATE TABLE audit_log (id bigint, logged_at timestamptz) PARTITION BY RANGE (logged_at);\nCREATE TABLE audit_log_2023 PARTITION OF audit_log FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
    instead: 'ALTER TABLE audit_log DETACH PARTITION audit_log_2023;',
    use: 'ALTER TABLE audit_log DETACH PARTITION audit_log_2023 CONCURRENTLY;',
    runner: 'none',
    facts:
      'Plain DETACH PARTITION holds ACCESS EXCLUSIVE on the partition and the parent; DETACH … CONCURRENTLY asks for SHARE UPDATE EXCLUSIVE on both (writes to the parent go on), cannot run inside a transaction block (25001) and not while the parent has a default partition (shown on PostgreSQL 15; CONCURRENTLY since 14).',
    exampleTables: { audit_log_2023: { rows: 70_000_000 } },
  },
  messages: {
    lock: {
      message:
        'DETACH PARTITION {{partition}} ({{size}}) takes ACCESS EXCLUSIVE on {{partition}} and on its parent {{table}}: it waits for every running query on {{table}}, and all reads and writes of {{table}} queue behind it for as long as that wait lasts.',
      recommendation:
        '{{fix}}',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommand(statement, (cmd, table) => {
          const partitionCmd = as(cmd.def, 'PartitionCmd');
          if (cmd.subtype !== 'AT_DetachPartition' || !partitionCmd || partitionCmd.concurrent === true) return;
          const partition = rangeVarName(partitionCmd.name);
          if (ctx.isNew(table)) return;
          // Sized by the partition: its queries are the ones the lock waits for, its rows what the parent loses.
          const impact = ctx.impact(partition, 'scan');
          if (impact.isNew || (impact.rows !== null && impact.rows <= ctx.config.thresholds.smallTableRows)) return;
          const fix =
            ctx.config.postgres >= 14
              ? `\`ALTER TABLE ${table} DETACH PARTITION ${partition} CONCURRENTLY;\` takes SHARE UPDATE EXCLUSIVE: reads and writes go on. It cannot run inside a transaction block — ${outsideTransactionHint(ctx.file)} — and not while ${table} has a default partition.`
              : `PostgreSQL ${ctx.config.postgres} has no DETACH … CONCURRENTLY (14+): run it off-peak with \`SET lock_timeout = '3s'\` and retry on timeout.`;
          ctx.report({
            messageId: 'lock',
            status: 'FLAG',
            table: partition,
            verify: impact.rows === null ? `size of ${partition}` : undefined,
            data: { table, partition, size: impact.size, fix },
          });
        });
      },
    };
  },
});
