import type { MigrationFile } from '../core/types.js';
import { expandStatements } from '../sql/expand.js';
import { parseSql, type Statement } from '../sql/parse.js';

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

/** Statements PostgreSQL refuses inside a transaction block: run bare, their locks cannot be read. */
export function mustRunAlone(statement: Statement): boolean {
  const { type, node } = statement;
  if (type === 'IndexStmt' || type === 'ReindexStmt') return !!node.concurrent || /\bconcurrently\b/i.test(statement.text);
  if (type === 'DropStmt') return !!node.concurrent;
  if (type === 'VacuumStmt' || type === 'CreatedbStmt' || type === 'AlterSystemStmt') return true;
  // A DO block or CALL that commits between batches needs to own its transactions.
  if ((type === 'DoStmt' || type === 'CallStmt') && /\bcommit\b/i.test(statement.text)) return true;
  return false;
}

/** Whether the runner wraps the whole file in one transaction. */
export function runnerWraps(file: MigrationFile, count: number): boolean {
  return file.txMode === 'per-file' || file.txMode === 'all-pending' || (file.txMode === 'implicit' && count > 1);
}
