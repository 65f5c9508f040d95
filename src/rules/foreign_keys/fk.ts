import type { ColumnDef, Constraint } from '@pgsql/types';
import { as, rangeVarName, statementNode, strings } from '../../sql/ast.js';
import type { Statement } from '../../sql/parse.js';
import { forEachAlterCommand } from '../helpers.js';

/** A foreign key a statement adds: inline in CREATE TABLE / ADD COLUMN, or as ADD CONSTRAINT. */
export interface AddedForeignKey {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  constraint: Constraint;
  name: string;
  viaAlter: boolean;
  /**
   * On a column this same ADD COLUMN creates without a default: every existing row holds NULL, so
   * PostgreSQL has nothing to check (no row is read; shown in test/facts).
   */
  onNewNullColumn: boolean;
}

export function foreignKeysAdded(statement: Statement): AddedForeignKey[] {
  const out: AddedForeignKey[] = [];
  const push = (table: string, constraint: Constraint, columns: string[], viaAlter: boolean, onNewNullColumn = false): void => {
    out.push({
      table,
      columns,
      refTable: rangeVarName(constraint.pktable),
      refColumns: strings(constraint.pk_attrs),
      constraint,
      name: constraint.conname ?? `${table}_${columns.join('_')}_fkey`,
      viaAlter,
      onNewNullColumn,
    });
  };
  const fromColumn = (table: string, column: ColumnDef, viaAlter: boolean): void => {
    const name = column.colname;
    const constraints = (column.constraints ?? []).map((c) => as(c, 'Constraint'));
    // A DEFAULT NULL is no default; an identity or generated value fills every row.
    const filled = constraints.some((c) => (c?.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)) || c?.contype === 'CONSTR_IDENTITY' || c?.contype === 'CONSTR_GENERATED');
    for (const constraint of constraints) {
      if (constraint?.contype === 'CONSTR_FOREIGN' && name) push(table, constraint, [name], viaAlter, viaAlter && !filled);
    }
  };
  const create = statementNode(statement, 'CreateStmt');
  if (create) {
    const table = rangeVarName(create.relation);
    for (const element of create.tableElts ?? []) {
      const column = as(element, 'ColumnDef');
      if (column) fromColumn(table, column, false);
      const constraint = as(element, 'Constraint');
      if (constraint?.contype === 'CONSTR_FOREIGN') push(table, constraint, strings(constraint.fk_attrs), false);
    }
  }
  forEachAlterCommand(statement, (cmd, table) => {
    const column = as(cmd.def, 'ColumnDef');
    if (cmd.subtype === 'AT_AddColumn' && column) fromColumn(table, column, true);
    const constraint = as(cmd.def, 'Constraint');
    if (cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN') push(table, constraint, strings(constraint.fk_attrs), true);
  });
  return out;
}

function isNullConstant(expr: unknown): boolean {
  return as(expr, 'A_Const')?.isnull === true;
}
