import type { DeleteStmt, UpdateStmt } from '@pgsql/types';
import { rangeVarName, statementNode } from '../../sql/ast.js';
import { formatDuration, formatRows } from '../../sql/pgfacts.js';
import { backfillShape, keyColumnsOf } from '../backfill.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'unbatched-backfill',
  category: 'concurrent_write_hazards',
  alsoCategories: ['replication_lag'],
  pattern: 'batched-backfill',
  docs: {
    summary: 'An UPDATE or DELETE over a whole existing table in one statement locks every row it touches until COMMIT.',
    problem:
      'A single UPDATE/DELETE over millions of rows holds a row lock on each one until the transaction commits: application writes to those rows wait (or deadlock), autovacuum cannot clean up, and the WAL burst delays replicas. The 23M-row `UPDATE legacy_records SET tenant_id = …` case meant minutes of stalled writes.',
    instead: "UPDATE legacy_records SET tenant_id = (SELECT id FROM tenants WHERE name = 'default') WHERE tenant_id IS NULL;",
    use:
      "UPDATE legacy_records SET tenant_id = (SELECT id FROM tenants WHERE name = 'default')\nWHERE id IN (SELECT id FROM legacy_records WHERE tenant_id IS NULL ORDER BY id LIMIT 10000);",
    exampleTables: { legacy_records: { rows: 23_000_000 } },
  },
  messages: {
    unbatched: {
      message:
        '{{verb}} on {{table}} touches every matching row in one transaction ({{size}}, {{duration}}): each changed row stays locked until COMMIT, so application writes to {{table}} wait or deadlock, and replicas fall behind the WAL burst.',
      recommendation:
        'Backfill in batches of ≤ {{batch}} rows, each in its own transaction, keyed on the primary key (`WHERE id IN (SELECT id FROM {{table}} WHERE … ORDER BY id LIMIT {{batchSql}})`), with a short pause (pg_sleep(0.1)) between batches; run it as a job or a no-transaction migration, not inside one transaction.',
    },
  },
  create(ctx) {
    const check = (write: UpdateStmt | DeleteStmt, verb: string): void => {
      const statement = ctx.statement;
      const table = rangeVarName(write.relation);
      if (!table || ctx.isNew(table) || backfillShape(statement, keyColumnsOf(ctx.catalog, statement)) !== 'whole-table') return;
      const impact = ctx.impact(table, 'update');
      const rows = impact.rows;
      if (rows !== null && rows < ctx.config.thresholds.batchRows) return;
      const status = rows === null ? 'FLAG' : rows > ctx.config.thresholds.backfillBlockRows ? 'BLOCK' : 'FLAG';
      ctx.report({
        messageId: 'unbatched',
        status,
        table,
        verify: rows === null ? `size of ${table}` : undefined,
        data: {
          verb: statement.nested ? `${verb} (in a ${statement.nested.container})` : verb,
          table,
          size: rows === null ? 'unknown size' : formatRows(rows),
          duration: rows === null ? impact.duration : formatDuration(impact.seconds ?? 0),
          batch: ctx.config.thresholds.batchRows.toLocaleString('en-US'),
          batchSql: ctx.config.thresholds.batchRows,
        },
      });
    };
    return {
      Statement(statement) {
        const update = statementNode(statement, 'UpdateStmt');
        if (update) check(update, 'UPDATE');
        const del = statementNode(statement, 'DeleteStmt');
        if (del?.whereClause) check(del, 'DELETE');
      },
    };
  },
});
