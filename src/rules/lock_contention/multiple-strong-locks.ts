import { as, calledFunctions, flag, statementNode, typeRef } from '../../sql/ast.js';
import type { Catalog } from '../../sql/catalog.js';
import { locksTaken } from '../../sql/locks.js';
import type { Statement } from '../../sql/parse.js';
import { blocksWrites, isSerialType, isVolatileFunction } from '../../sql/pgfacts.js';
import { backfillShape, keyColumnsOf } from '../backfill.js';
import { defineRule } from '../define.js';
import { alterCommands, alteredTable, columnTypeChange } from '../helpers.js';

/**
 * Whether a statement works through a table's rows (build, rewrite, scan, bulk write) rather than
 * only changing the catalog: while it runs, every lock the transaction took before it stays held.
 */
function worksThroughRows(statement: Statement, catalog: Catalog): boolean {
  switch (statement.type) {
    case 'IndexStmt':
      return !flag(statementNode(statement, 'IndexStmt'), 'concurrent');
    case 'UpdateStmt':
    case 'DeleteStmt':
      return backfillShape(statement, keyColumnsOf(catalog, statement)) !== 'targeted';
    case 'InsertStmt':
      return !!statementNode(statement, 'InsertStmt')?.selectStmt && !as(statementNode(statement, 'InsertStmt')?.selectStmt, 'SelectStmt')?.valuesLists;
    case 'ClusterStmt':
    case 'ReindexStmt':
    case 'RefreshMatViewStmt':
      return true;
    case 'VacuumStmt':
      return (statementNode(statement, 'VacuumStmt')?.options ?? []).some((o) => as(o, 'DefElem')?.defname === 'full');
    case 'AlterTableStmt': {
      const table = alteredTable(statement);
      return alterCommands(statement).some((cmd) => {
        if (cmd.subtype === 'AT_AlterColumnType') return columnTypeChange(catalog, table, cmd)?.change.kind !== 'binary-coercible';
        if (cmd.subtype === 'AT_ValidateConstraint') return true;
        if (cmd.subtype === 'AT_SetNotNull') return !catalog.hasValidNotNullCheck(table, cmd.name ?? '');
        const constraint = as(cmd.def, 'Constraint');
        if (cmd.subtype === 'AT_AddConstraint') return !!constraint && !constraint.skip_validation && !constraint.indexname;
        const column = as(cmd.def, 'ColumnDef');
        if (cmd.subtype === 'AT_AddColumn' && column) {
          const defaults = (column.constraints ?? []).map((c) => as(c, 'Constraint'));
          const volatile = defaults.some((c) => c?.contype === 'CONSTR_IDENTITY' || c?.contype === 'CONSTR_GENERATED' || (c?.contype === 'CONSTR_DEFAULT' && calledFunctions(c.raw_expr).some(isVolatileFunction)));
          return volatile || isSerialType(typeRef(column.typeName).name);
        }
        return false;
      });
    }
    default:
      return false;
  }
}

/** Whether a statement before `at` sets a non-zero lock_timeout: a lock that cannot be had fails fast instead of queueing. */
function setsLockTimeout(statements: readonly Statement[], at: Statement): boolean {
  return statements.slice(0, statements.indexOf(at)).some((statement) => {
    const set = statementNode(statement, 'VariableSetStmt');
    if (set?.name !== 'lock_timeout' || set.kind !== 'VAR_SET_VALUE') return false;
    const value = as(set.args?.[0], 'A_Const');
    return !!(value?.ival?.ival || (value?.sval?.sval && !/^0+\s*(ms|s|min)?$/i.test(value.sval.sval.trim())));
  });
}

/** The statements after `from` up to the end of its transaction (the next COMMIT/ROLLBACK, or the end of the file). */
function laterInTransaction(statements: readonly Statement[], from: Statement): readonly Statement[] {
  const rest = statements.slice(statements.indexOf(from) + 1);
  const end = rest.findIndex((s) => s.type === 'TransactionStmt');
  return end < 0 ? rest : rest.slice(0, end);
}

export default defineRule({
  id: 'multiple-strong-locks',
  category: 'lock_contention',
  pattern: 'one-lock-per-transaction',
  docs: {
    summary: 'One transaction write-locks two big existing tables and holds both while it works through rows, until COMMIT.',
    problem:
      'Locks are released only at commit. A migration that locks orders, then builds an index on or rewrites payments, keeps orders locked for the whole of that work: writes to both big tables stop. Only locks on existing tables above smallTableRows count, and only when some statement of the transaction works through rows (a catalog-only change is over at once); with `SET lock_timeout` a blocked lock fails fast instead of queueing, so the rule stays silent.',
    instead: 'ALTER TABLE orders ADD COLUMN a text;\nCREATE INDEX idx_payments_b ON payments (b);',
    use: 'ALTER TABLE orders ADD COLUMN a text;',
    exampleTables: { orders: { rows: 5_000_000 }, payments: { rows: 5_000_000 } },
  },
  messages: {
    several: {
      message:
        'This transaction holds {{first}} on {{firstTable}} and then takes {{second}} on {{table}} ({{size}}), and works through rows before COMMIT: both big tables stay write-locked for that whole time, and application transactions touching both can deadlock.',
      recommendation: 'Split the changes into one migration (one transaction) per table, each with a short lock_timeout.',
    },
  },
  create(ctx) {
    const held = new Map<string, string>();
    // Whether a statement since the first counted lock worked through rows, judged against the
    // catalog as it stood before that statement (later ones change it: a type is already converted).
    let rowWorkSinceFirstLock = false;
    let reported = false;
    return {
      Statement(statement) {
        if (statement.type === 'TransactionStmt') {
          held.clear();
          rowWorkSinceFirstLock = false;
          reported = false;
          return;
        }
        if (ctx.inTransaction !== true || reported) return;
        const worksRows = worksThroughRows(statement, ctx.catalog);
        for (const lock of locksTaken(statement, ctx.catalog)) {
          if (!blocksWrites(lock.mode) || held.has(lock.table)) continue;
          // New tables are empty and small ones are quick; a table of unknown size is not known to be big.
          const impact = ctx.impact(lock.table, 'scan');
          if (impact.isNew || impact.rows === null || impact.rows < ctx.config.thresholds.smallTableRows) continue;
          const [firstTable, first] = [...held][0] ?? [];
          held.set(lock.table, lock.mode);
          if (!firstTable) continue;
          const heldLong = rowWorkSinceFirstLock || worksRows || laterInTransaction(ctx.statements, statement).some((s) => worksThroughRows(s, ctx.catalog));
          if (!heldLong || setsLockTimeout(ctx.statements, statement)) continue;
          reported = true;
          ctx.report({ messageId: 'several', status: 'FLAG', table: lock.table, data: { first: first!, firstTable, second: lock.mode, table: lock.table, size: impact.size } });
          return;
        }
        if (held.size > 0) rowWorkSinceFirstLock ||= worksRows;
      },
    };
  },
});
