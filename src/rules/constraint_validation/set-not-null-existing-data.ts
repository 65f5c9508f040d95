import { as, rangeVarName, statementNode, strings } from '../../sql/ast.js';
import type { Statement } from '../../sql/parse.js';
import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'set-not-null-existing-data',
  category: 'constraint_validation',
  pattern: 'set-not-null-with-check',
  docs: {
    summary: 'SET NOT NULL on an existing column fails if any row still holds NULL.',
    problem: 'SET NOT NULL checks existing rows; a single NULL left by an incomplete backfill aborts the migration (after it waited for its lock).',
    schema: 'CREATE TABLE users (id bigint, email text);',
    instead: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    use: "UPDATE users SET email = '' WHERE email IS NULL AND id = 1;",
  },
  messages: {
    nulls: {
      message: 'SET NOT NULL on {{table}}.{{column}} fails if any existing row has NULL in {{column}}.',
      recommendation: 'Check first: `SELECT count(*) FROM {{table}} WHERE {{column}} IS NULL;` must be 0 in production; finish the backfill in an earlier migration.',
    },
  },
  create(ctx) {
    // `table.column` an earlier UPDATE of this file set, in every row (no WHERE, or WHERE column IS NULL), to a constant.
    const filled = new Set<string>();
    return {
      Statement(statement) {
        for (const key of columnsFilledWithConstants(statement)) filled.add(key);
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const column = cmd.name;
          if (cmd.subtype !== 'AT_SetNotNull' || !column) return;
          // A validated CHECK (column IS NOT NULL) already proved there are none; so did a backfill of every row.
          if (ctx.catalog.hasValidNotNullCheck(table, column) || filled.has(`${table}.${column}`)) return;
          ctx.report({ messageId: 'nulls', status: 'FLAG', table, verify: `no NULLs in ${table}.${column}`, data: { table, column } });
        });
      },
    };
  },
});

/** The columns an UPDATE sets in every row it could leave NULL (no WHERE, or `WHERE column IS NULL`) to a non-NULL constant. */
function columnsFilledWithConstants(statement: Statement): string[] {
  const update = statementNode(statement, 'UpdateStmt');
  if (!update) return [];
  const table = rangeVarName(update.relation);
  const nullTest = as(update.whereClause, 'NullTest');
  const onlyNulls = nullTest?.nulltesttype === 'IS_NULL' ? strings(as(nullTest.arg, 'ColumnRef')?.fields).pop() : undefined;
  if (update.whereClause && !onlyNulls) return [];
  return (update.targetList ?? []).flatMap((t) => {
    const target = as(t, 'ResTarget');
    const value = as(target?.val, 'A_Const');
    const constant = !!value && value.isnull !== true;
    return target?.name && constant && (!onlyNulls || onlyNulls === target.name) ? [`${table}.${target.name}`] : [];
  });
}
