import type { Node } from '@pgsql/types';
import { as, nodeType, rangeVarName, statementNode, strings } from '../sql/ast.js';
import type { Catalog } from '../sql/catalog.js';
import type { AstNode, Statement } from '../sql/parse.js';

/**
 * Shapes of data-changing statements, shared by the backfill rules (concurrent writes,
 * idempotency, replication lag): is it a targeted fix of a few rows, one batch of a loop, or one
 * statement over the whole table?
 */

/** The top-level AND-ed conditions of a WHERE clause. */
export function conjuncts(where: Node | undefined): Node[] {
  if (!where) return [];
  const bool = as(where, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).flatMap(conjuncts);
  return [where];
}

/** The WHERE clause of an UPDATE or DELETE. */
function whereClause(statement: Statement): Node | undefined {
  return (statementNode(statement, 'UpdateStmt') ?? statementNode(statement, 'DeleteStmt'))?.whereClause;
}

const isConstant = (node: unknown): boolean => {
  const type = nodeType(node);
  if (type === 'A_Const' || type === 'ParamRef') return true;
  if (type === 'TypeCast') return isConstant(as(node, 'TypeCast')?.arg);
  return false;
};

/**
 * Whether `column` identifies rows one by one. With the schema known (`isKey`), only a primary key
 * or a single-column unique index does: `status = 'new'` can match tens of millions of rows. Without
 * a schema for the table, an equality on a constant is taken as a targeted fix, as before.
 */
export type KeyTest = (column: string) => boolean | undefined;

const columnOf = (node: unknown): string | null => {
  const parts = strings(as(node, 'ColumnRef')?.fields);
  return parts.length ? parts[parts.length - 1]! : null;
};

/** `id = 5`, `key = 'x'`, `id IN (1, 2, 3)`: the statement touches known rows, not a backfill. */
function isPointLookup(condition: Node, isKey?: KeyTest): boolean {
  const expr = as(condition, 'A_Expr');
  if (!expr) return false;
  const op = strings(expr.name)[0];
  const keyed = (side: unknown): boolean => {
    const column = columnOf(side);
    return column === null || isKey?.(column) !== false;
  };
  if (expr.kind === 'AEXPR_OP' && op === '=') return (isConstant(expr.rexpr) && keyed(expr.lexpr)) || (isConstant(expr.lexpr) && keyed(expr.rexpr));
  if (expr.kind === 'AEXPR_IN' && op === '=') {
    // libpg-query 18 wraps the IN list as `{ List: { items } }`, not a bare array.
    const items = as(expr.rexpr, 'List')?.items;
    return !!items?.length && items.every(isConstant) && keyed(expr.lexpr);
  }
  return false;
}

/**
 * `id BETWEEN 1 AND 10000`, `id >= $1 AND id < $2`, `id IN (SELECT … LIMIT n)`: one batch. A range
 * needs both ends on one column, and not a column the schema knows is no key: `occurred_at <
 * '2020-01-01'` can be every row of the table.
 */
function isBatchBound(where: Node[], isKey?: KeyTest): boolean {
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const condition of where) {
    const expr = as(condition, 'A_Expr');
    const column = columnOf(expr?.lexpr);
    if (expr?.kind === 'AEXPR_BETWEEN' && column && isKey?.(column) !== false) return true;
    const op = strings(expr?.name)[0] ?? '';
    if (expr?.kind === 'AEXPR_OP' && column && isConstant(expr.rexpr)) {
      if (op === '>' || op === '>=') lower.add(column);
      if (op === '<' || op === '<=') upper.add(column);
    }
    if (batchLimitOf(condition) !== null) return true;
  }
  // Both ends on one column, or one end on a column the schema knows is a key (`id <= 10000`).
  return [...lower].some((c) => upper.has(c) && isKey?.(c) !== false) || [...lower, ...upper].some((c) => isKey?.(c) === true);
}

/** The n of `… IN (SELECT … LIMIT n)`: how many rows one batch touches. */
function batchLimitOf(condition: Node): number | null {
  const expr = as(condition, 'A_Expr');
  const sublink = as(condition, 'SubLink') ?? as(expr?.rexpr, 'SubLink');
  const limit = as(as(sublink?.subselect, 'SelectStmt')?.limitCount, 'A_Const');
  if (!limit) return null;
  return limit.ival?.ival ?? Number(limit.sval?.sval ?? NaN);
}

/** The batch size a statement's WHERE sets with `IN (SELECT … LIMIT n)`, when it does. */
export function batchSize(statement: Statement): number | null {
  for (const condition of conjuncts(whereClause(statement))) {
    const n = batchLimitOf(condition);
    if (n !== null && Number.isFinite(n)) return n;
  }
  return null;
}

export type BackfillShape = 'targeted' | 'batched' | 'whole-table';

export function backfillShape(statement: Statement, isKey?: KeyTest): BackfillShape {
  const where = conjuncts(whereClause(statement));
  if (where.some((c) => isPointLookup(c, isKey))) return 'targeted';
  if (statement.nested?.inLoop || isBatchBound(where, isKey)) return 'batched';
  return 'whole-table';
}

/** Columns the WHERE clause tests, e.g. `tenant_id` in `WHERE tenant_id IS NULL`. */
export function guardedColumns(statement: Statement): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as AstNode)) {
      if (key === 'ColumnRef') {
        const parts = strings((value as AstNode).fields);
        if (parts.length) out.add(parts[parts.length - 1]!);
      }
      visit(value);
    }
  };
  visit(whereClause(statement));
  return out;
}

/**
 * A KeyTest from the schema model: true for a primary key or single-column unique index of the
 * table the statement writes, false for another column of a table the model knows, undefined when
 * it does not know the table.
 */
export function keyColumnsOf(catalog: Catalog, statement: Statement): KeyTest {
  const write = statementNode(statement, 'UpdateStmt') ?? statementNode(statement, 'DeleteStmt');
  const table = write ? rangeVarName(write.relation) : '';
  return (column) => {
    if (!table || !catalog.table(table)) return undefined;
    return catalog.indexesOn(table).some((i) => i.unique && !i.partial && i.columns.length === 1 && i.columns[0] === column);
  };
}
