import { as, calledFunctions, columnRefs, rangeVarName } from '../../sql/ast.js';
import { isVolatileFunction } from '../../sql/pgfacts.js';
import { backfillShape, guardedColumns } from '../backfill.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'non-idempotent-backfill',
  category: 'concurrent_write_hazards',
  pattern: 'batched-backfill',
  docs: {
    summary: 'A backfill whose re-run changes the data again (x = x + 1, now(), random()) with no WHERE guard on the column.',
    problem:
      'Backfills fail halfway and get re-run. If the new value depends on the old one (`balance = balance * 100`) or on the clock, and the WHERE clause does not skip rows already done, the rows updated by the first attempt are changed twice.',
    instead: 'UPDATE accounts SET balance_cents = balance_cents * 100;',
    use: 'UPDATE accounts SET balance_cents = balance * 100 WHERE balance_cents IS NULL;',
  },
  messages: {
    rerun: {
      message: 'Re-running this UPDATE of {{table}}.{{column}} changes already-updated rows again ({{why}}) and nothing in its WHERE clause skips them.',
      recommendation: 'Make it idempotent: write into a new column, or guard with `WHERE {{column}} IS NULL` (or a marker column / progress table) so a retry only touches rows not yet done.',
    },
  },
  create(ctx) {
    return {
      UpdateStmt(node, statement) {
        if (statement.node !== node) return;
        const table = rangeVarName(node.relation);
        if (!table || ctx.isNew(table) || backfillShape(statement) === 'targeted') return;
        const guarded = guardedColumns(statement);
        for (const target of node.targetList ?? []) {
          const res = as(target, 'ResTarget');
          const column = res?.name;
          if (!res || !column || guarded.has(column)) continue;
          const selfRef = columnRefs(res.val).includes(column);
          const clock = calledFunctions(res.val).find((f) => isVolatileFunction(f) || ['now', 'current_timestamp', 'clock_timestamp', 'localtimestamp'].includes(f) || f.startsWith('svfop_current'));
          if (!selfRef && !clock) continue;
          ctx.report({ messageId: 'rerun', status: 'FLAG', table, data: { table, column, why: selfRef ? `the new value is computed from ${column} itself` : `the value comes from ${clock}()` } });
          return;
        }
      },
    };
  },
});
