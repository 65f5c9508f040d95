import type { DeleteStmt, UpdateStmt } from '@pgsql/types';
import { rangeVarName, statementNode } from '../../sql/ast.js';
import { formatDuration, formatRows } from '../../sql/pgfacts.js';
import { backfillShape, batchSize, keyColumnsOf } from '../backfill.js';
import { tableStats } from '../../core/impact.js';
import { locksTaken } from '../../sql/locks.js';
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
    loopInTransaction: {
      message:
        '{{verb}} on {{table}} runs in batches, but every batch shares one transaction ({{why}}): nothing is released between batches, so each changed row of {{table}} ({{size}}) stays locked until the end and the WAL reaches replicas as one burst.',
      recommendation:
        'Run the loop where each batch commits: a procedure or DO block that COMMITs after each batch, in a migration that runs outside a transaction (or as a job), with a short pause (pg_sleep(0.1)) between batches.',
    },
    batchTooBig: {
      message: 'Each batch of {{verb}} on {{table}} touches up to {{rows}} rows, above the {{batch}}-row limit: every batch holds that many row locks until it commits, and writes to {{table}} wait behind it.',
      recommendation: 'Use batches of ≤ {{batch}} rows (`LIMIT {{batchSql}}`), each committed, with a short pause between them.',
    },
    unbatchedUnderLock: {
      message:
        '{{verb}} on {{table}} touches every matching row in one transaction ({{size}}, {{duration}}), and the ACCESS EXCLUSIVE lock that line {{lockLine}} took on {{locked}} is held until that transaction commits: every read and write of {{locked}} waits for the whole {{verb}}, each changed row stays locked, and replicas fall behind the WAL burst.',
      recommendation:
        'Commit the schema change first (its own migration, or COMMIT before the backfill), then backfill in batches of ≤ {{batch}} rows, each in its own transaction, keyed on the primary key (`WHERE id IN (SELECT id FROM {{table}} WHERE … ORDER BY id LIMIT {{batchSql}})`), with a short pause between batches.',
    },
    unbatched: {
      message:
        '{{verb}} on {{table}} touches every matching row in one transaction ({{size}}, {{duration}}): each changed row stays locked until COMMIT, so application writes to {{table}} wait or deadlock, and replicas fall behind the WAL burst.',
      recommendation:
        'Backfill in batches of ≤ {{batch}} rows, each in its own transaction, keyed on the primary key (`WHERE id IN (SELECT id FROM {{table}} WHERE … ORDER BY id LIMIT {{batchSql}})`), with a short pause (pg_sleep(0.1)) between batches; run it as a job or a no-transaction migration, not inside one transaction.',
    },
  },
  create(ctx) {
    // ACCESS EXCLUSIVE locks earlier statements of the open transaction hold on existing tables
    // that are not small (table → line): a long write after them keeps those tables blocked.
    const heldLocks = new Map<string, number>();
    const check = (write: UpdateStmt | DeleteStmt, verb: string): void => {
      const statement = ctx.statement;
      const table = rangeVarName(write.relation);
      if (!table || ctx.isNew(table)) return;
      const shape = backfillShape(statement, keyColumnsOf(ctx.catalog, statement));
      if (shape === 'targeted') return;
      const label = statement.nested ? `${verb} (in a ${statement.nested.container})` : verb;
      const { batchRows } = ctx.config.thresholds;
      const batch = { verb: label, table, batch: batchRows.toLocaleString('en-US'), batchSql: batchRows };
      // A loop only releases its batches when each one commits. One that never commits runs every batch in
      // one transaction; one whose COMMIT runs inside the runner's transaction fails instead (commit-inside-do).
      if (statement.nested?.inLoop && statement.nested.loopCommits && ctx.outerInTransaction === true) return;
      const oneTransaction = !!statement.nested?.inLoop && !statement.nested.loopCommits;
      const limit = batchSize(statement);
      if (shape === 'batched' && !oneTransaction) {
        if (limit !== null && limit > batchRows) ctx.report({ messageId: 'batchTooBig', status: 'FLAG', table, categories: ['concurrent_write_hazards'], data: { ...batch, rows: limit.toLocaleString('en-US') } });
        return;
      }
      const impact = ctx.impact(table, 'update');
      const rows = impact.rows;
      // A small table (at or under smallTableRows) or one batch's worth is no backfill risk.
      if (rows !== null && (rows < batchRows || rows <= ctx.config.thresholds.smallTableRows)) return;
      const status = rows === null ? 'FLAG' : rows > ctx.config.thresholds.backfillBlockRows ? 'BLOCK' : 'FLAG';
      const why = 'the loop never commits';
      const [locked, lockLine] = [...heldLocks].find(([t]) => t === table) ?? [...heldLocks][0] ?? [];
      ctx.report({
        messageId: oneTransaction ? 'loopInTransaction' : locked ? 'unbatchedUnderLock' : 'unbatched',
        status,
        table,
        categories: locked && !oneTransaction ? ['concurrent_write_hazards', 'lock_contention', 'replication_lag'] : undefined,
        verify: rows === null ? `size of ${table}` : undefined,
        data: {
          ...batch,
          why,
          size: rows === null ? 'unknown size' : formatRows(rows),
          duration: rows === null ? impact.duration : formatDuration(impact.seconds ?? 0),
          locked: locked ?? '',
          lockLine: lockLine ?? 0,
        },
      });
    };
    return {
      Statement(statement) {
        if (!statement.nested && ctx.inTransaction !== true) heldLocks.clear();
        const update = statementNode(statement, 'UpdateStmt');
        if (update) check(update, 'UPDATE');
        const del = statementNode(statement, 'DeleteStmt');
        if (del?.whereClause) check(del, 'DELETE');
        if (statement.nested || ctx.inTransaction !== true || statement.type === 'TransactionStmt') return;
        for (const lock of locksTaken(statement, ctx.catalog)) {
          if (lock.mode !== 'ACCESS EXCLUSIVE' || ctx.isNew(lock.table) || heldLocks.has(lock.table)) continue;
          const rows = tableStats(ctx.config, lock.table)?.rows;
          if (rows === undefined || rows > ctx.config.thresholds.smallTableRows) heldLocks.set(lock.table, statement.line);
        }
      },
    };
  },
});
