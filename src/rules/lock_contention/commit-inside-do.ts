import { createRequire } from 'node:module';
import type * as PgQuery from 'libpg-query';
import { as, rangeVarName, strings } from '../../sql/ast.js';
import { doBlockBody, type AstNode, type Statement } from '../../sql/parse.js';
import { defineRule } from '../define.js';
import { outsideTransactionHint } from '../helpers.js';

// The CommonJS entry, as src/sql/parse.ts loads it: the same instance, already initialised by loadParser().
const pg = createRequire(import.meta.url)('libpg-query') as typeof PgQuery;

/** 'COMMIT' or 'ROLLBACK' when the PL/pgSQL body ends a transaction anywhere in it, else null. */
function transactionControlIn(body: string): 'COMMIT' | 'ROLLBACK' | null {
  let tag = '$mr$';
  for (let i = 0; body.includes(tag); i++) tag = `$mr${i}$`;
  let tree: string;
  try {
    tree = JSON.stringify(pg.parsePlPgSQLSync(`CREATE FUNCTION migration_review_do() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`));
  } catch {
    return null;
  }
  if (tree.includes('"PLpgSQL_stmt_commit"')) return 'COMMIT';
  return tree.includes('"PLpgSQL_stmt_rollback"') ? 'ROLLBACK' : null;
}

/** The PL/pgSQL body of a procedure created earlier in the file, by name. */
function procedureBody(statements: readonly Statement[], before: Statement, name: string): string | null {
  let body: string | null = null;
  for (const statement of statements) {
    if (statement === before) break;
    if (statement.type !== 'CreateFunctionStmt' || strings(statement.node.funcname).pop()?.toLowerCase() !== name) continue;
    let language = 'sql';
    let text: string | null = null;
    for (const option of (statement.node.options as AstNode[] | undefined) ?? []) {
      const def = as(option, 'DefElem');
      if (def?.defname === 'language') language = String(as(def.arg, 'String')?.sval ?? '').toLowerCase();
      if (def?.defname === 'as') text = strings(as(def.arg, 'List')?.items)[0] ?? null;
    }
    body = language === 'plpgsql' ? text : null;
  }
  return body;
}

/** Tables the DO block writes: its nested statements follow it in the statement list. */
function tablesWrittenAfter(statements: readonly Statement[], container: Statement): string[] {
  const out = new Set<string>();
  for (let i = statements.indexOf(container) + 1; i < statements.length && statements[i]!.nested; i++) {
    const inner = statements[i]!;
    if (inner.type === 'UpdateStmt' || inner.type === 'DeleteStmt' || inner.type === 'InsertStmt') out.add(rangeVarName(inner.node.relation as never));
  }
  return [...out];
}

export default defineRule({
  id: 'commit-inside-do',
  category: 'lock_contention',
  pattern: 'batched-backfill',
  docs: {
    summary: 'COMMIT or ROLLBACK inside a DO block (or a called procedure) fails when the runner wraps the migration in a transaction.',
    problem:
      'Transaction control inside DO and procedures (PostgreSQL 11+) only works when the block is sent on its own, outside any transaction block. When the runner wraps the file in a transaction — or sends several statements as one query string — the first COMMIT raises "invalid transaction termination": the deploy fails and everything the block did so far is rolled back.',
    schema: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);',
    instead:
      "DO $$\nBEGIN\n  LOOP\n    UPDATE orders SET status = 'open' WHERE id IN (SELECT id FROM orders WHERE status = 'new' LIMIT 5000);\n    EXIT WHEN NOT FOUND;\n    COMMIT;\n  END LOOP;\nEND\n$$;",
    use: "DO $$\nBEGIN\n  UPDATE orders SET status = 'open' WHERE id IN (SELECT id FROM orders WHERE status = 'new' LIMIT 5000);\nEND\n$$;",
    facts:
      'COMMIT or ROLLBACK in a DO block or a CALLed procedure works when it is sent alone, and fails with "invalid transaction termination" (SQLSTATE 2D000) inside BEGIN and in a multi-statement query string (shown on PostgreSQL 15; transaction control in DO since 11).',
  },
  messages: {
    fails: {
      message:
        '{{container}} runs {{control}}, but this migration runs inside a transaction ({{reason}}): PostgreSQL raises "invalid transaction termination" at the first {{control}}, the deploy fails, and the work done so far{{tables}} is rolled back after holding its row locks.',
      recommendation:
        'Run it outside a transaction, sent on its own: {{hint}} Then each COMMIT ends a batch and releases its row locks. If it has to stay inside the transaction, remove the {{control}} — and then the whole backfill is one transaction, so keep it small.',
    },
    unknownRunner: {
      message: '{{container}} runs {{control}}, which fails with "invalid transaction termination" if the runner wraps this migration in a transaction or sends it with other statements in one query string.',
      recommendation: 'Make sure it is sent alone, outside any transaction: {{hint}}',
    },
  },
  create(ctx) {
    const check = (statement: Statement, container: string, body: string | null): void => {
      const control = body ? transactionControlIn(body) : null;
      if (!control || ctx.inTransaction === false) return;
      const written = tablesWrittenAfter(ctx.statements, statement);
      const data = { container, control, reason: ctx.file.txReason, hint: outsideTransactionHint(ctx.file), tables: written.length ? ` on ${written.join(', ')}` : '' };
      if (ctx.inTransaction === null) ctx.report({ messageId: 'unknownRunner', status: 'FLAG', verify: 'that the runner sends this migration alone, outside a transaction', data });
      else ctx.report({ messageId: 'fails', status: 'BLOCK', table: written[0], data });
    };
    return {
      Statement(statement) {
        // Statements nested in a DO are judged with their container, which is the one sent to the server.
        if (statement.nested) return;
        if (statement.type === 'DoStmt') check(statement, 'The DO block', doBlockBody(statement)?.body ?? null);
        if (statement.type === 'CallStmt') {
          const name = strings(as({ FuncCall: statement.node.funccall }, 'FuncCall')?.funcname).pop()?.toLowerCase();
          if (name) check(statement, `CALL ${name}()`, procedureBody(ctx.statements, statement, name));
        }
      },
    };
  },
});
