import pg from 'pg';
import type { Discovery } from '../discover/index.js';
import type { CodeFile } from '../repo/code-refs.js';
import { as, columnRefs, indexColumns, rangeVarName } from '../sql/ast.js';
import { expandStatements } from '../sql/expand.js';
import type { AstNode } from '../sql/parse.js';
import { parseSql } from '../sql/parse.js';
import { columnsFilteredOn, plannableStatement } from '../sql/plannable.js';
import { queriesInCode, type CodeQuery } from './code-queries.js';
import { changedMigrations } from './runbook.js';

/**
 * `migration-review explain --database-url <db>`: for each index the change creates, the queries in
 * the repository's code that filter, join or order its table by the index's leading column,
 * planned without and with the index.
 *
 * Safe to point at production: nothing is built and nothing is written. Each query is parsed first
 * and planned only if it is one SELECT / INSERT / UPDATE / DELETE; it reaches the server through
 * the extended protocol (one statement per message, by construction) as a PREPARE, and is planned
 * with EXPLAIN EXECUTE — never executed — inside BEGIN READ ONLY with a lock timeout. The index
 * exists only as a HypoPG hypothetical index (backend memory, created once per index); without
 * HypoPG only the plan without it is shown. Plans are generic (`plan_cache_mode =
 * force_generic_plan`): what the application gets for `$1`, not a plan for NULL.
 */
export interface QueryPlan {
  file: string;
  line: number;
  sql: string;
  before: string;
  after: string;
  /** Whether the plan with the index scans it (compared by OID); null when there is no plan with it. */
  usesIndex: boolean | null;
  error?: string;
  /** Set when the text was refused and never sent to the database. */
  refused?: string;
}

export interface IndexExplain {
  migration: string;
  line: number;
  index: string;
  table: string;
  columns: string[];
  /** How the plan with the index was made, or why it could not be. */
  withIndex: string;
  /**
   * Whether its transaction ended without a transaction id: PostgreSQL assigns one at the first
   * write, so this is the server's own word that nothing was written. Null when nothing was planned.
   */
  wroteNothing: boolean | null;
  queries: QueryPlan[];
}

export interface ExplainReport {
  indexes: IndexExplain[];
  /** Why nothing could be answered (the command then exits 1); null when something could. */
  failure: string | null;
}

interface IndexTarget extends IndexExplain {
  definition: string;
  /** Columns whose use in a filter makes a query a candidate (the leading element's). */
  leading: string[];
}

export interface ExplainOptions {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

const STATEMENT = 'migration_review_explain';

/** Runs a statement through the extended protocol: the server refuses more than one statement in it. */
async function one<R extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[] = []): Promise<R[]> {
  const result = await client.query<R>({ text, values, queryMode: 'extended' } as pg.QueryConfig);
  return result.rows;
}

export function indexTargets(discovery: Discovery, change: Set<string> | null): IndexTarget[] {
  const targets: IndexTarget[] = [];
  for (const m of changedMigrations(discovery, change)) {
    for (const s of expandStatements(parseSql(m.upSql, m.upStartLine, m.chunks)).statements) {
      if (s.type !== 'IndexStmt' || s.nested) continue;
      const table = rangeVarName(s.node.relation as AstNode);
      const columns = indexColumns(s.node.indexParams);
      const first = as((s.node.indexParams as unknown[] | undefined)?.[0], 'IndexElem');
      const leading = first ? (typeof first.name === 'string' ? [first.name] : columnRefs(first.expr)) : [];
      const index = (s.node.idxname as string | undefined) ?? `${table}_${columns.join('_')}_idx`;
      targets.push({ migration: m.path, line: s.line, index, table, columns, leading, definition: s.text, withIndex: '', wroteNothing: null, queries: [] });
    }
  }
  return targets;
}

/** The code's queries that an index on `target` could serve, and the refused texts that name its table. */
function candidatesFor(target: IndexTarget, queries: CodeQuery[]): QueryPlan[] {
  const bare = target.table.split('.').pop()!;
  const mentions = new RegExp(`\\b${bare.replace(/[^\w$]/g, '.')}\\b`, 'i');
  const out: QueryPlan[] = [];
  for (const q of queries) {
    if (!mentions.test(q.text)) continue;
    const plannable = plannableStatement(q.text);
    const base = { file: q.file, line: q.line, sql: q.text, before: '', after: '', usesIndex: null };
    if (!plannable.ok) out.push({ ...base, refused: plannable.reason });
    else if (target.leading.some((c) => columnsFilteredOn(plannable, target.table).has(c.toLowerCase()))) out.push({ ...base, sql: plannable.sql });
  }
  return out;
}

export async function explainIndexes(discovery: Discovery, change: Set<string> | null, code: CodeFile[], databaseUrl: string, options: ExplainOptions = {}): Promise<ExplainReport> {
  const targets = indexTargets(discovery, change);
  if (!targets.length) return { indexes: [], failure: null };
  const queries = queriesInCode(code);
  for (const target of targets) target.queries = candidatesFor(target, queries);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'migration-review-explain' });
  // A session ended under us emits 'error' on the idle client; the query in flight fails and is reported instead.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const hypothetical = await hypopgStatus(client);
    for (const target of targets) {
      target.withIndex = hypothetical.ready ? 'hypothetical index (HypoPG): nothing was built' : hypothetical.reason;
      if (target.queries.some((q) => !q.refused)) await planTarget(client, target, hypothetical.ready, options);
    }
  } finally {
    await client.end();
  }
  const indexes = targets.map(({ definition: _d, leading: _l, ...rest }) => rest);
  return { indexes, failure: failureOf(indexes) };
}

/** Whether HypoPG can be used here; it is never created by us (that would be a write on the target). */
async function hypopgStatus(client: pg.Client): Promise<{ ready: true } | { ready: false; reason: string }> {
  const [row] = await one<{ created: boolean; available: boolean }>(
    client,
    "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg') AS created, EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') AS available",
  );
  if (row?.created) return { ready: true };
  const scratch = 'or plan it on a scratch copy or staging where the index is built; it was not built here';
  return row?.available
    ? { ready: false, reason: `no plan with the index: HypoPG is installed on the server but not created in this database (CREATE EXTENSION hypopg, by its owner) ${scratch}` }
    : { ready: false, reason: `no plan with the index: HypoPG is not installed (package postgresql-<major>-hypopg, then CREATE EXTENSION hypopg) ${scratch}` };
}

/** One read-only transaction per index: every candidate planned without it, the hypothetical index made once, then every candidate with it. */
async function planTarget(client: pg.Client, target: IndexTarget, hypothetical: boolean, options: ExplainOptions): Promise<void> {
  const planned = target.queries.filter((q) => !q.refused);
  await one(client, 'BEGIN READ ONLY');
  try {
    await one(client, `SET LOCAL statement_timeout = ${Math.round(options.statementTimeoutMs ?? 30_000)}`);
    await one(client, `SET LOCAL lock_timeout = ${Math.round(options.lockTimeoutMs ?? 2_000)}`);
    await one(client, 'SET LOCAL plan_cache_mode = force_generic_plan');
    for (const q of planned) await planInto(client, q, 'before');
    if (hypothetical) await planWithHypotheticalIndex(client, target, planned);
    const [xact] = await one<{ none: boolean }>(client, 'SELECT txid_current_if_assigned() IS NULL AS none');
    target.wroteNothing = xact!.none;
  } finally {
    await one(client, 'ROLLBACK');
  }
}

/** The hypothetical index made once, every candidate planned with it, and the index dropped (it lives in the session, not the transaction). */
async function planWithHypotheticalIndex(client: pg.Client, target: IndexTarget, planned: QueryPlan[]): Promise<void> {
  const [index] = await one<{ indexrelid: number }>(client, 'SELECT indexrelid FROM hypopg_create_index($1)', [target.definition]);
  try {
    for (const q of planned.filter((p) => !p.error)) {
      const oids = await planInto(client, q, 'after');
      if (oids) q.usesIndex = oids.includes(index!.indexrelid);
    }
  } finally {
    await one(client, 'SELECT hypopg_drop_index($1)', [index!.indexrelid]);
  }
}

/**
 * Plans one query (generic plan, never executed) into `q[which]`; returns the OIDs of the indexes
 * the plan scans, or null on error. A savepoint keeps one failure from aborting the others.
 */
async function planInto(client: pg.Client, q: QueryPlan, which: 'before' | 'after'): Promise<number[] | null> {
  await one(client, 'SAVEPOINT migration_review_query');
  try {
    await one(client, `PREPARE ${STATEMENT} AS ${q.sql}`);
    const [statement] = await one<{ n: number }>(client, 'SELECT cardinality(parameter_types) AS n FROM pg_prepared_statements WHERE name = $1', [STATEMENT]);
    const execute = `EXECUTE ${STATEMENT}${statement?.n ? `(${Array(statement.n).fill('NULL').join(', ')})` : ''}`;
    q[which] = (await one<{ 'QUERY PLAN': string }>(client, `EXPLAIN ${execute}`)).map((r) => r['QUERY PLAN']).join('\n');
    const [json] = await one<{ 'QUERY PLAN': unknown }>(client, `EXPLAIN (FORMAT JSON) ${execute}`);
    return indexOidsIn(json?.['QUERY PLAN']);
  } catch (error) {
    await one(client, 'ROLLBACK TO SAVEPOINT migration_review_query');
    q.error = (error as Error).message;
    return null;
  } finally {
    // Prepared statements outlive savepoints and transactions.
    await one(client, 'DEALLOCATE ALL');
  }
}

/** The OIDs of the indexes a JSON plan scans: HypoPG names carry theirs (`<13557>btree_orders_status`). */
function indexOidsIn(plan: unknown): number[] {
  const oids: number[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const name = (node as Record<string, unknown>)['Index Name'];
    const oid = typeof name === 'string' ? /^<(\d+)>/.exec(name)?.[1] : undefined;
    if (oid) oids.push(Number(oid));
    Object.values(node).forEach(visit);
  };
  visit(plan);
  return oids;
}

/** Why the command could not answer, when it could not: no query planned, or none with the index. */
function failureOf(indexes: IndexExplain[]): string | null {
  const candidates = indexes.flatMap((i) => i.queries.filter((q) => !q.refused));
  if (!candidates.length) return null;
  const planned = candidates.filter((q) => !q.error);
  if (!planned.length) return `no query could be planned: ${candidates[0]!.error}`;
  if (planned.every((q) => q.usesIndex === null)) return indexes.find((i) => i.queries.length)!.withIndex;
  return null;
}

const VERDICT = (q: QueryPlan): string =>
  q.refused
    ? `⛔ not planned — ${q.refused}`
    : q.error
      ? `⚠️ could not plan: ${q.error}`
      : q.usesIndex === null
        ? 'ℹ️ planned without the index only'
        : q.usesIndex
          ? '✅ uses the new index'
          : '⚠️ does not use the new index (generic plan)';

const indented = (text: string): string[] => text.split('\n').map((l) => `  ${l}`);

export function explainMarkdown(report: ExplainReport): string {
  if (!report.indexes.length) return 'The change creates no index.\n';
  const out: string[] = report.failure ? [`⛔ **explain could not answer:** ${report.failure}.`, ''] : [];
  for (const r of report.indexes) {
    out.push(`### \`${r.index}\` on ${r.table} (${r.columns.join(', ')}) — \`${r.migration}:${r.line}\``, '');
    if (!r.queries.length) {
      out.push('No query in the repository filters, joins or orders this table by the index\'s leading column: check the index is needed.', '');
      continue;
    }
    out.push(`With the index: ${r.withIndex}.`, '');
    if (r.wroteNothing === false) out.push('⛔ PostgreSQL assigned the planning transaction a transaction id — something in it wrote; it was rolled back. Report this as a bug.', '');
    for (const q of r.queries) {
      out.push(`- \`${q.file}:${q.line}\` — ${VERDICT(q)}`, '', '  ```sql', ...indented(q.sql), '  ```');
      if (q.before) {
        const plans = ['  -- without the index', ...indented(q.before), ...(q.after ? ['  -- with it', ...indented(q.after)] : [])];
        out.push('', '  <details><summary>plans</summary>', '', '  ```', ...plans, '  ```', '', '  </details>');
      }
      out.push('');
    }
  }
  return out.join('\n');
}
