import type { Node, RangeVar } from '@pgsql/types';
import { as, calledFunctions, rangeVarName, strings } from '../../sql/ast.js';
import { isVolatileFunction } from '../../sql/pgfacts.js';
import { backfillShape, keyColumnsOf, guardedColumns } from '../backfill.js';
import { defineRule } from '../define.js';

/**
 * Whether `value` reads the target table's own `column`. A reference qualified by another table,
 * a FROM item or a CTE (`SET org_id = w.org_id`) reads that row instead; an unqualified one
 * inside a subquery resolves to the subquery's own FROM first, so only qualified ones count there.
 */
function readsOwnColumn(value: unknown, column: string, target: RangeVar, inSubquery = false): boolean {
  if (Array.isArray(value)) return value.some((item) => readsOwnColumn(item, column, target, inSubquery));
  if (!value || typeof value !== 'object') return false;
  const ref = as(value, 'ColumnRef');
  if (ref) {
    const parts = strings(ref.fields);
    if (parts[parts.length - 1] !== column) return false;
    const qualifier = parts[parts.length - 2];
    if (qualifier === undefined) return !inSubquery;
    return qualifier === (target.alias?.aliasname ?? target.relname);
  }
  return Object.entries(value).some(([key, child]) => readsOwnColumn(child, column, target, inSubquery || key === 'SubLink'));
}

/** Functions with f(f(x)) = f(x): applied again to a value they produced, they change nothing. */
const IDEMPOTENT_FUNCTIONS = new Set(['lower', 'upper', 'btrim', 'ltrim', 'rtrim', 'initcap']);

const stringConstant = (node: Node | undefined): string | undefined => as(node, 'A_Const')?.sval?.sval;

/**
 * Whether `value`, computed from the column, gives the same result when run again on its own
 * output: the column itself, `lower(col)`, `coalesce(col, …)`, `replace(col, 'a', 'b')` when `b`
 * does not contain `a` (otherwise each run adds another copy), and compositions of these.
 */
function isIdempotentOf(value: Node | undefined, column: string, target: RangeVar): boolean {
  const ownIn = (nodes: Node[]): boolean => readsOwnColumn(nodes, column, target);
  const ref = as(value, 'ColumnRef');
  if (ref) return readsOwnColumn(value, column, target);
  const coalesce = as(value, 'CoalesceExpr');
  if (coalesce) {
    const [first, ...rest] = coalesce.args ?? [];
    return isIdempotentOf(first, column, target) && !ownIn(rest);
  }
  const call = as(value, 'FuncCall');
  if (!call) return false;
  const name = strings(call.funcname).pop()?.toLowerCase() ?? '';
  const [first, ...rest] = call.args ?? [];
  if (!isIdempotentOf(first, column, target) || ownIn(rest)) return false;
  if (IDEMPOTENT_FUNCTIONS.has(name)) return true;
  if (name === 'replace') {
    const [from, to] = rest.map(stringConstant);
    return from !== undefined && to !== undefined && from !== '' && !to.includes(from);
  }
  return false;
}

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
      recommendation:
        'Make it idempotent: write into a new column, or guard with `WHERE {{column}} IS NULL` (or a marker column / progress table) so a retry only touches rows not yet done.',
    },
  },
  create(ctx) {
    return {
      UpdateStmt(node, statement) {
        if (statement.node !== node) return;
        const updated = node.relation;
        const table = rangeVarName(updated);
        if (!updated || !table || ctx.isNew(table) || backfillShape(statement, keyColumnsOf(ctx.catalog, statement)) === 'targeted') return;
        const guarded = guardedColumns(statement);
        for (const target of node.targetList ?? []) {
          const res = as(target, 'ResTarget');
          const column = res?.name;
          if (!res || !column || guarded.has(column)) continue;
          const selfRef = readsOwnColumn(res.val, column, updated) && !isIdempotentOf(res.val, column, updated);
          const clock = calledFunctions(res.val).find(
            (f) => isVolatileFunction(f) || ['now', 'current_timestamp', 'clock_timestamp', 'localtimestamp'].includes(f) || f.startsWith('svfop_current'),
          );
          if (!selfRef && !clock) continue;
          ctx.report({
            messageId: 'rerun',
            status: 'FLAG',
            table,
            data: { table, column, why: selfRef ? `the new value is computed from ${column} itself` : `the value comes from ${clock}()` },
          });
          return;
        }
      },
    };
  },
});
