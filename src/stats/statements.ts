import type pg from 'pg';
import { loadParser, parseSql, type AstNode } from '../sql/parse.js';
import { STATEMENTS_EXTENSION_SQL, statementsSql } from './queries.js';
import type { StatsFile } from './schema.js';

/**
 * The most-called statements per table from pg_stat_statements. Only SELECT, INSERT, UPDATE and
 * DELETE are kept: their constants are already `$n` in the normalised text. Utility statements
 * (SET, ALTER ROLE … PASSWORD) keep their literal text there, so they are never read into the
 * file; comments are dropped (they can carry anything), and so is any text with a quote left in it.
 */

const DML = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);
const MAX_QUERY_CHARS = 500;

export async function topStatements(
  client: pg.Client,
  tables: string[],
  perTable: number,
  warnings: string[],
): Promise<NonNullable<StatsFile['statements']> | undefined> {
  const extension = (await client.query(STATEMENTS_EXTENSION_SQL)).rows[0] as { schema: string } | undefined;
  if (!extension) return undefined;
  let rows: { query: string; calls: string; mean_ms: number | null }[];
  // Installed but not in shared_preload_libraries, reading the view raises an error: keep the
  // transaction (and the rest of the statistics) alive.
  await client.query('SAVEPOINT statements');
  try {
    rows = (await client.query(statementsSql(extension.schema))).rows as typeof rows;
    await client.query('RELEASE SAVEPOINT statements');
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT statements');
    warnings.push(`pg_stat_statements is installed but cannot be read (${(error as Error).message}): no top statements`);
    return undefined;
  }
  await loadParser();
  const resolve = resolverOf(tables);
  const out: NonNullable<StatsFile['statements']> = {};
  for (const row of rows) {
    const query = safeText(row.query);
    if (!query) continue;
    for (const table of new Set(
      relationsIn(query)
        .map(resolve)
        .filter((t): t is string => !!t),
    )) {
      (out[table] ??= []).push({ query, calls: Number(row.calls), meanMs: Math.round((row.mean_ms ?? 0) * 1000) / 1000 });
    }
  }
  for (const table of Object.keys(out)) out[table] = out[table]!.sort((a, b) => b.calls - a.calls).slice(0, perTable);
  return out;
}

/** The statement's text when it is one normalised DML statement with no literal left; else null. */
export function safeText(query: string): string | null {
  const parsed = parseSql(query);
  if (parsed.problems.length || parsed.statements.length !== 1 || !DML.has(parsed.statements[0]!.type)) return null;
  const text = query
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.includes("'")) return null;
  return text.length > MAX_QUERY_CHARS ? `${text.slice(0, MAX_QUERY_CHARS - 1)}…` : text;
}

/** Every relation a statement names (`schema.table` or `table`), lower-cased. */
export function relationsIn(query: string): string[] {
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const rangeVar = (node as { RangeVar?: AstNode }).RangeVar;
    if (rangeVar && typeof rangeVar.relname === 'string') {
      names.push((typeof rangeVar.schemaname === 'string' ? `${rangeVar.schemaname}.${rangeVar.relname}` : rangeVar.relname).toLowerCase());
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(parseSql(query).statements[0]?.node);
  return names;
}

/** Maps a name as a query writes it to the file's `schema.table`: exact, or the only schema with that bare name. */
function resolverOf(tables: string[]): (name: string) => string | undefined {
  const exact = new Map(tables.map((t) => [t.toLowerCase(), t]));
  const bare = new Map<string, string | null>();
  for (const t of tables) {
    const key = t.slice(t.indexOf('.') + 1).toLowerCase();
    bare.set(key, bare.has(key) ? null : t);
  }
  return (name) => exact.get(name) ?? (name.includes('.') ? undefined : (bare.get(name) ?? undefined));
}
