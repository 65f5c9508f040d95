import type { MigrationFile } from '../core/types.js';
import { expandStatements } from '../sql/expand.js';
import { as } from '../sql/ast.js';
import { parseSql, type AstNode, type Statement } from '../sql/parse.js';

/** The statements a migration runner sends, and how it sends them (in a transaction or alone). */

/** A statement the runner sends, with the nested ones (DO bodies) it contains. */
export interface TopLevelStatement {
  statement: Statement;
  nested: Statement[];
}

/** The statements a runner sends, each with the nested ones (DO bodies) it contains. */
export function topLevel(file: MigrationFile, script: 'up' | 'down'): { statements: TopLevelStatement[]; problem?: string } {
  const sql = script === 'up' ? file.upSql : file.down!.sql;
  const parsed = expandStatements(parseSql(sql, script === 'up' ? file.upStartLine : file.down!.startLine, script === 'up' ? file.chunks : undefined));
  if (parsed.problems.length) return { statements: [], problem: `line ${parsed.problems[0]!.line} does not parse` };
  const out: TopLevelStatement[] = [];
  for (const statement of parsed.statements) {
    if (statement.nested) out[out.length - 1]?.nested.push(statement);
    else out.push({ statement, nested: [] });
  }
  return { statements: out };
}

/**
 * Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock), the
 * implicit one of a multi-statement query string included: run bare, their locks cannot be read.
 */
export function mustRunAlone(statement: Statement): boolean {
  const { type, node } = statement;
  if (type === 'IndexStmt' || type === 'DropStmt') return !!node.concurrent;
  // REINDEX (CONCURRENTLY) and, since PostgreSQL 14, REINDEX (CONCURRENTLY true): an option.
  if (type === 'ReindexStmt') return optionOn(node.params, 'concurrently');
  if (type === 'AlterTableStmt') return ((node.cmds as AstNode[] | undefined) ?? []).some(detachesConcurrently);
  // VACUUM, not ANALYZE (the same node), which runs in a transaction like any statement.
  if (type === 'VacuumStmt') return !!node.is_vacuumcmd;
  if (type === 'CreatedbStmt' || type === 'AlterSystemStmt') return true;
  // A DO block or CALL that commits between batches needs to own its transactions.
  if ((type === 'DoStmt' || type === 'CallStmt') && /\bcommit\b/i.test(statement.text)) return true;
  return false;
}

/** ALTER TABLE … DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+). */
function detachesConcurrently(command: AstNode): boolean {
  const cmd = as(command, 'AlterTableCmd');
  return cmd?.subtype === 'AT_DetachPartition' && !!as(cmd.def, 'PartitionCmd')?.concurrent;
}

/**
 * A `(name [value])` option that is on: present with no value, or with one PostgreSQL reads as
 * true (libpg-query: a word is a String, a number an Integer whose ival is left out when 0).
 */
function optionOn(params: unknown, name: string): boolean {
  const option = ((params as AstNode[] | undefined) ?? []).map((p) => as(p, 'DefElem')).find((d) => d?.defname === name);
  if (!option) return false;
  if (option.arg === undefined) return true;
  const integer = as(option.arg, 'Integer');
  if (integer) return !!integer.ival;
  return !/^(false|off|no|0)$/i.test(String(as(option.arg, 'String')?.sval ?? ''));
}

/** Whether the runner wraps the whole file in one transaction. */
export function runnerWraps(file: MigrationFile, count: number): boolean {
  return file.txMode === 'per-file' || file.txMode === 'all-pending' || (file.txMode === 'implicit' && count > 1);
}
