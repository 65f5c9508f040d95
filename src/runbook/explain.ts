import pg from 'pg';
import type { Discovery } from '../discover/index.js';
import type { CodeIndex } from '../repo/code-refs.js';
import { indexColumns, rangeVarName } from '../sql/ast.js';
import { expandStatements } from '../sql/expand.js';
import type { AstNode } from '../sql/parse.js';
import { parseSql } from '../sql/parse.js';
import { changedMigrations } from './runbook.js';

/**
 * `migration-review explain --database-url <staging>`: for each index the change creates, the
 * queries in the repository's code that should use it, planned without and with the index. The
 * index is built inside a transaction that is rolled back, so the database is left as it was.
 */
export interface QueryPlan {
  file: string;
  line: number;
  sql: string;
  before: string;
  after: string;
  usesIndex: boolean;
  error?: string;
}

export interface IndexExplain {
  migration: string;
  line: number;
  index: string;
  table: string;
  columns: string[];
  queries: QueryPlan[];
}

/** A SQL statement inside a line of code: the quoted text that starts with SELECT / UPDATE / DELETE. */
export function sqlInCode(line: string): string | null {
  const match = /(["'`])\s*((?:SELECT|UPDATE|DELETE|WITH)\b[\s\S]*?)\1/i.exec(line);
  if (!match) return null;
  // Bind parameters ($1, ?, :name) become NULL: the plan shape, not the row count, is the point.
  return match[2]!.replace(/\$\d+|\?(?!\|)|(?<![:\w]):[a-z_]\w*/gi, 'NULL').replace(/;\s*$/, '');
}

export async function explainIndexes(discovery: Discovery, change: Set<string> | null, code: CodeIndex, databaseUrl: string, timeoutMs = 30_000): Promise<IndexExplain[]> {
  const targets: (IndexExplain & { create: string })[] = [];
  for (const m of changedMigrations(discovery, change)) {
    for (const s of expandStatements(parseSql(m.upSql, m.upStartLine, m.chunks)).statements) {
      if (s.type !== 'IndexStmt' || s.nested) continue;
      const table = rangeVarName(s.node.relation as AstNode);
      const columns = indexColumns(s.node.indexParams);
      const index = (s.node.idxname as string | undefined) ?? `${table}_${columns.join('_')}_idx`;
      // Built in the rolled-back transaction, so CONCURRENTLY (which refuses transactions) goes.
      const create = s.text.replace(/\bconcurrently\b/i, '').replace(/\bif\s+not\s+exists\b/i, '');
      targets.push({ migration: m.path, line: s.line, index, table, columns, queries: [], create });
    }
  }
  if (!targets.length) return [];
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'migration-review-explain' });
  await client.connect();
  try {
    await client.query(`SET statement_timeout = ${Math.round(timeoutMs)}; SET lock_timeout = '2s'`);
    for (const target of targets) {
      const refs = code.search(target.table, target.columns.slice(0, 1));
      for (const ref of refs) {
        const sql = sqlInCode(ref.text);
        if (!sql) continue;
        const plan: QueryPlan = { file: ref.file, line: ref.line, sql, before: '', after: '', usesIndex: false };
        try {
          await client.query('BEGIN');
          plan.before = await explain(client, sql);
          await client.query(target.create);
          await client.query(`ANALYZE ${target.table}`);
          plan.after = await explain(client, sql);
          plan.usesIndex = plan.after.includes(target.index);
        } catch (error) {
          plan.error = (error as Error).message;
        } finally {
          await client.query('ROLLBACK');
        }
        target.queries.push(plan);
      }
    }
  } finally {
    await client.end();
  }
  return targets.map(({ create: _create, ...rest }) => rest);
}

async function explain(client: pg.Client, sql: string): Promise<string> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

export function explainMarkdown(results: IndexExplain[]): string {
  if (!results.length) return 'The change creates no index.\n';
  const out: string[] = [];
  for (const r of results) {
    out.push(`### \`${r.index}\` on ${r.table} (${r.columns.join(', ')}) — \`${r.migration}:${r.line}\``, '');
    if (!r.queries.length) {
      out.push('No query in the repository filters this table by its leading column: check the index is needed.', '');
      continue;
    }
    for (const q of r.queries) {
      const verdict = q.error ? `⚠️ could not plan: ${q.error}` : q.usesIndex ? '✅ uses the new index' : '⚠️ does not use the new index';
      out.push(`- \`${q.file}:${q.line}\` — ${verdict}`, '', '  ```sql', `  ${q.sql}`, '  ```');
      if (!q.error) out.push('', '  <details><summary>plans</summary>', '', '  ```', `  -- without the index`, ...q.before.split('\n').map((l) => `  ${l}`), `  -- with it`, ...q.after.split('\n').map((l) => `  ${l}`), '  ```', '', '  </details>');
      out.push('');
    }
  }
  return out.join('\n');
}
