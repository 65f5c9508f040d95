import { as, calledFunctions, strings } from './ast.js';
import { doBlockBody, statementsInPlpgsql, type AstNode, type ParsedSql, type Statement } from './parse.js';

/**
 * Adds what DO blocks and called PL/pgSQL functions execute, right after the statement that runs
 * them, so a backfill hidden in `DO $$ … UPDATE … $$` is judged like a top-level UPDATE.
 * A function body is only looked into when the same script calls it (SELECT fn(), PERFORM, CALL):
 * defining a function runs nothing.
 */
export function expandStatements(parsed: ParsedSql): ParsedSql {
  const statements: Statement[] = [];
  const problems = [...parsed.problems];
  const functions = new Map<string, Statement>();
  for (const statement of parsed.statements) {
    statements.push(statement);
    if (statement.type === 'DoStmt') {
      const body = doBlockBody(statement);
      if (body) {
        const inner = statementsInPlpgsql(body.body, body.line, 'DO block');
        statements.push(...inner.statements);
      }
      continue;
    }
    if (statement.type === 'CreateFunctionStmt') {
      const name = strings(statement.node.funcname).pop()?.toLowerCase();
      if (name) functions.set(name, statement);
      continue;
    }
    if (functions.size === 0) continue;
    const called = statement.type === 'CallStmt' ? calledFunctions(statement.node.funccall) : statement.type === 'SelectStmt' ? calledFunctions(statement.node) : [];
    for (const name of new Set(called)) {
      const fn = functions.get(name);
      const body = fn ? functionBody(fn) : null;
      if (!fn || !body) continue;
      const inner = statementsInPlpgsql(body, fn.line, `function ${name}()`);
      // Report at the call: that is where the work happens.
      statements.push(...inner.statements.map((s) => ({ ...s, line: statement.line, endLine: statement.line })));
    }
  }
  return { statements, problems };
}

function functionBody(fn: Statement): string | null {
  let language = 'sql';
  let body: string | null = null;
  for (const option of (fn.node.options as AstNode[] | undefined) ?? []) {
    const def = as(option, 'DefElem');
    if (def?.defname === 'language') language = String(as(def.arg, 'String')?.sval ?? '').toLowerCase();
    if (def?.defname === 'as') body = strings(as(def.arg, 'List')?.items)[0] ?? null;
  }
  return language === 'plpgsql' ? body : null;
}
