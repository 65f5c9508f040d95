import { as, rangeVarName, strings } from '../../sql/ast.js';
import type { AstNode, Statement } from '../../sql/parse.js';
import { alterCommands, alteredTable } from '../helpers.js';

/** A foreign key a statement adds: inline in CREATE TABLE / ADD COLUMN, or as ADD CONSTRAINT. */
export interface AddedForeignKey {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  constraint: AstNode;
  name: string;
  viaAlter: boolean;
}

export function foreignKeysAdded(statement: Statement): AddedForeignKey[] {
  const out: AddedForeignKey[] = [];
  const push = (table: string, constraint: AstNode, columns: string[], viaAlter: boolean): void => {
    out.push({
      table,
      columns,
      refTable: rangeVarName(constraint.pktable as AstNode),
      refColumns: strings(constraint.pk_attrs),
      constraint,
      name: (constraint.conname as string | undefined) ?? `${table}_${columns.join('_')}_fkey`,
      viaAlter,
    });
  };
  const fromColumn = (table: string, column: AstNode, viaAlter: boolean): void => {
    for (const c of (column.constraints as AstNode[] | undefined) ?? []) {
      const constraint = as(c, 'Constraint');
      if (constraint?.contype === 'CONSTR_FOREIGN') push(table, constraint, [column.colname as string], viaAlter);
    }
  };
  if (statement.type === 'CreateStmt') {
    const table = rangeVarName(statement.node.relation as AstNode);
    for (const element of (statement.node.tableElts as AstNode[] | undefined) ?? []) {
      const column = as(element, 'ColumnDef');
      if (column) fromColumn(table, column, false);
      const constraint = as(element, 'Constraint');
      if (constraint?.contype === 'CONSTR_FOREIGN') push(table, constraint, strings(constraint.fk_attrs), false);
    }
  }
  const table = alteredTable(statement);
  for (const cmd of table ? alterCommands(statement) : []) {
    const column = as(cmd.def, 'ColumnDef');
    if (cmd.subtype === 'AT_AddColumn' && column) fromColumn(table, column, true);
    const constraint = as(cmd.def, 'Constraint');
    if (cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN') push(table, constraint, strings(constraint.fk_attrs), true);
  }
  return out;
}
