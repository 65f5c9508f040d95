import { as, rangeVarName, statementNode } from '../../sql/ast.js';
import type { Statement } from '../../sql/parse.js';
import { formatBytes, formatDuration, formatRows } from '../../sql/pgfacts.js';
import { backfillShape, keyColumnsOf } from '../backfill.js';
import { tableStats } from '../../core/impact.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'long-write-replication-lag',
  category: 'replication_lag',
  pattern: 'batched-backfill',
  docs: {
    summary: 'A bulk copy (INSERT … SELECT, CREATE TABLE … AS) of a big table whose WAL takes longer than the threshold (60 s) to replay puts replicas behind.',
    problem:
      'Replicas replay WAL in order. A single statement that copies tens of millions of rows produces gigabytes of WAL at once; read replicas serve stale data for minutes, and failover targets fall behind. Estimates use the table sizes from the config. (Unbatched UPDATE/DELETE backfills and table rewrites are reported by unbatched-backfill and the rewrite rules, in this category too.)',
    instead: 'INSERT INTO legacy_records_archive SELECT * FROM legacy_records;',
    use: 'INSERT INTO legacy_records_archive SELECT * FROM legacy_records WHERE id BETWEEN 1 AND 10000;',
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
        // One risk, one finding: an unbatched backfill already reported (in concurrent writes and
        // replication lag alike) by unbatched-backfill, which runs on the statement first, is not repeated.
        const reported = ctx.findingsAt(statement.line).some((f) => f.rule === 'unbatched-backfill');
        const write = statementNode(statement, 'UpdateStmt') ?? statementNode(statement, 'DeleteStmt');
        if (write && !reported && backfillShape(statement, keyColumnsOf(ctx.catalog, statement)) === 'whole-table') {
          // An UPDATE writes a new row version plus index entries: about twice the row size.
          judge(rangeVarName(write.relation), statement.type === 'UpdateStmt' ? 'UPDATE' : 'DELETE', estimates.updateRowsPerSecond, statement.type === 'UpdateStmt' ? 2 : 0.3);
        }
        // A bulk copy writes every row it reads, once, plus the new table's indexes later.
        const copy = bulkCopySource(statement);
        if (copy) judge(copy.table, copy.what, estimates.rewriteRowsPerSecond, 1);
      },
    };
  },
});

/** The table an unfiltered INSERT … SELECT or CREATE TABLE … AS SELECT copies from, when it copies a whole table. */
function bulkCopySource(statement: Statement): { table: string; what: string } | null {
  const insert = statementNode(statement, 'InsertStmt');
  const ctas = statementNode(statement, 'CreateTableAsStmt');
  const select = as(insert?.selectStmt, 'SelectStmt') ?? as(ctas?.query, 'SelectStmt');
  if (!select || select.valuesLists || select.limitCount || select.whereClause || (select.fromClause ?? []).length !== 1) return null;
  const from = as(select.fromClause![0], 'RangeVar');
  if (!from) return null;
  return { table: rangeVarName(from), what: insert ? 'INSERT … SELECT' : 'CREATE TABLE … AS SELECT' };
}
