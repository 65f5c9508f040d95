import { rangeVarName, statementNode } from '../../sql/ast.js';
import { formatBytes, formatDuration, formatRows } from '../../sql/pgfacts.js';
import { backfillShape, keyColumnsOf } from '../backfill.js';
import { tableStats } from '../../core/impact.js';
import { defineRule } from '../define.js';
import { alterCommands, alteredTable, columnTypeChange } from '../helpers.js';

export default defineRule({
  id: 'long-write-replication-lag',
  category: 'replication_lag',
  pattern: 'batched-backfill',
  docs: {
    summary: 'A backfill or table rewrite whose WAL takes longer than the threshold (60 s) to replay puts replicas behind.',
    problem:
      'Replicas replay WAL in order. A single statement that rewrites or updates tens of millions of rows produces gigabytes of WAL at once; read replicas serve stale data for minutes, and failover targets fall behind. Estimates use the table sizes from the config.',
    instead: 'UPDATE legacy_records SET tenant_id = 1 WHERE tenant_id IS NULL;',
    use: 'UPDATE legacy_records SET tenant_id = 1 WHERE id BETWEEN 1 AND 10000 AND tenant_id IS NULL;',
    exampleTables: { legacy_records: { rows: 23_000_000 } },
  },
  messages: {
    lag: {
      message: '{{what}} on {{table}} ({{size}}) writes ~{{wal}} of WAL in {{duration}}: replicas fall behind by about as long while they replay it.',
      recommendation: 'Spread the write out: batches of ≤ {{batch}} rows with a pause between them (pg_sleep), watching replication lag (alert above 60 s); for rewrites, prefer the expand/contract path that avoids the rewrite.',
    },
  },
  create(ctx) {
    const judge = (table: string, what: string, rowsPerSecond: number, writeFactor: number): void => {
      if (!table || ctx.isNew(table)) return;
      const stats = tableStats(ctx.config, table);
      if (!stats) return; // Without a size there is no estimate; the lock and backfill rules ask for it.
      const seconds = stats.rows / rowsPerSecond;
      const { replicationLagSeconds, replicationLagBlockSeconds } = ctx.config.thresholds;
      if (seconds <= replicationLagSeconds) return;
      const wal = stats.rows * (stats.avgRowBytes ?? ctx.config.estimates.avgRowBytes) * writeFactor;
      ctx.report({
        messageId: 'lag',
        status: seconds > replicationLagBlockSeconds ? 'BLOCK' : 'FLAG',
        table,
        data: { what, table, size: formatRows(stats.rows), wal: formatBytes(wal), duration: formatDuration(seconds), batch: ctx.config.thresholds.batchRows.toLocaleString('en-US') },
      });
    };
    return {
      Statement(statement) {
        const { estimates } = ctx.config;
        const write = statementNode(statement, 'UpdateStmt') ?? statementNode(statement, 'DeleteStmt');
        if (write && backfillShape(statement, keyColumnsOf(ctx.catalog, statement)) === 'whole-table') {
          // An UPDATE writes a new row version plus index entries: about twice the row size.
          judge(rangeVarName(write.relation), statement.type === 'UpdateStmt' ? 'UPDATE' : 'DELETE', estimates.updateRowsPerSecond, statement.type === 'UpdateStmt' ? 2 : 0.3);
        }
        const table = alteredTable(statement);
        // Only a type change that rewrites produces the WAL burst; binary-coercible ones are catalog-only.
        const rewrites = alterCommands(statement).some((cmd) => columnTypeChange(ctx.catalog, table, cmd)?.change.kind === 'rewrite');
        if (table && rewrites) judge(table, 'ALTER COLUMN TYPE', estimates.rewriteRowsPerSecond, 1.2);
      },
    };
  },
});
