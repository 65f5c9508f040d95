import { walk, strings } from './ast.js';
import type { AstNode } from './parse.js';
import { parseSql } from './parse.js';

/**
 * Turning a query found in application code into something that may be planned on a production
 * database, and knowing what it filters by. Pure parsing (libpg-query): nothing here talks to a
 * database. The caller must have awaited `loadParser()`.
 *
 * A PR controls the code these queries come from, so the text is parsed and refused unless it is
 * exactly one SELECT (without INTO) or one INSERT / UPDATE / DELETE — the latter only ever go to
 * the server wrapped in EXPLAIN without ANALYZE, which plans and never executes.
 */
export type Plannable = { ok: true; sql: string; kind: 'select' | 'dml'; node: AstNode; type: string } | { ok: false; reason: string };

const DML = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt']);

/** Driver placeholders (`?`, `:name`, `%s`, `%(name)s`) as PostgreSQL's `$n`, so the server can type them. */
export function withDollarParameters(sql: string): string {
  let next = Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const named = new Map<string, number>();
  const number = (name: string | null): string => {
    if (name === null) return `$${++next}`;
    if (!named.has(name)) named.set(name, ++next);
    return `$${named.get(name)}`;
  };
  // Quoted literals and identifiers are kept as they are: a '?' or ':x' inside them is data.
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|%\((\w+)\)s|%s|(?<![:\w]):([a-z_]\w*)|\?(?![|&])/gi, (match, pyName: string | undefined, colonName: string | undefined) => {
    if (match.startsWith("'") || match.startsWith('"')) return match;
    return number(pyName ?? colonName ?? null);
  });
}

/** The one plannable statement in `text`, or why it is refused. */
export function plannableStatement(text: string): Plannable {
  const sql = withDollarParameters(text.trim().replace(/;\s*$/, ''));
  const parsed = parseSql(sql);
  if (parsed.problems.length) return { ok: false, reason: `not valid SQL: ${parsed.problems[0]!.message}` };
  if (parsed.statements.length !== 1) return { ok: false, reason: `${parsed.statements.length} statements in one string: only a single statement is ever planned` };
  const statement = parsed.statements[0]!;
  if (statement.type === 'SelectStmt') {
    if (statement.node.intoClause) return { ok: false, reason: 'SELECT … INTO creates a table: not planned' };
    return { ok: true, sql, kind: 'select', node: statement.node, type: statement.type };
  }
  if (DML.has(statement.type)) return { ok: true, sql, kind: 'dml', node: statement.node, type: statement.type };
  return { ok: false, reason: `${statement.type.replace(/Stmt$/, '')} is not a query: only SELECT, INSERT, UPDATE and DELETE are planned` };
}

/** Names by which `table` is referred to in the statement (its alias, else its name); empty when it is not read. */
function namesOf(node: AstNode, table: string): Set<string> {
  const bare = table.split('.').pop()!.toLowerCase();
  const names = new Set<string>();
  walk(node, (type, fields) => {
    if (type !== 'RangeVar' || String(fields.relname).toLowerCase() !== bare) return;
    const alias = (fields.alias as AstNode | undefined)?.aliasname;
    names.add(String(alias ?? fields.relname).toLowerCase());
  });
  return names;
}

/** Column references in the parts of a statement an index can serve: WHERE, JOIN … ON, ORDER BY, GROUP BY. */
function filterColumnRefs(node: AstNode): string[][] {
  const refs: string[][] = [];
  const collect = (part: unknown): void =>
    walk({ part }, (type, fields) => {
      if (type === 'ColumnRef') refs.push(strings(fields.fields).map((f) => f.toLowerCase()));
    });
  walk({ root: node }, (type, fields) => {
    if (type === 'SelectStmt' || type === 'UpdateStmt' || type === 'DeleteStmt') {
      collect(fields.whereClause);
      collect(fields.sortClause);
      collect(fields.groupClause);
    }
    if (type === 'JoinExpr') collect(fields.quals);
  });
  return refs;
}

/**
 * The columns of `table` the statement filters, joins, orders or groups by. A column that is only
 * selected does not count: an index on it does not serve the query.
 */
export function columnsFilteredOn(statement: { type: string; node: AstNode }, table: string): Set<string> {
  const node = { [statement.type]: statement.node };
  const names = namesOf(node, table);
  const out = new Set<string>();
  if (!names.size) return out;
  for (const ref of filterColumnRefs(node)) {
    const column = ref[ref.length - 1];
    if (!column) continue;
    // Unqualified: assumed to be this table's (the statement reads it); qualified: only by its name or alias.
    if (ref.length === 1 || names.has(ref[ref.length - 2]!)) out.add(column);
  }
  return out;
}
