import pg from 'pg';
import type { Discovery } from '../discover/index.js';
import { readCatalog } from './catalog-snapshot.js';
import type { Executor } from './executor.js';
import { pgliteEngine } from './engines.js';
import { replayHistory } from './replay.js';
import { DEFAULT_LIMITS, type ReplayNote } from './trace.js';

/**
 * Schema drift: the schema the repository's migrations describe (replayed in PGlite, cached like
 * the trace's base) against a live database's catalog, read in a read-only transaction. What the
 * migrations have and the database lacks is `missing`; what the database has beyond them is
 * `extra` (a hotfix applied by hand, an index added from a console).
 */
export interface DriftReport {
  drift: boolean;
  database: string;
  migrations: number;
  /** In the migrations, not in the database. */
  missing: string[];
  /** In the database, not in the migrations. */
  extra: string[];
  /** Migration statements the replay could not run (extensions PGlite lacks, roles…). */
  replaySkipped: ReplayNote[];
}

/** Bookkeeping tables of migration runners: in every database, in no migration. */
const RUNNER_TABLES =
  /^(schema_migrations|goose_db_version|flyway_schema_history|_sqlx_migrations|__diesel_schema_migrations|_prisma_migrations|__drizzle_migrations|drizzle\.__drizzle_migrations|hdb_catalog\..*|sqitch\..*|schema_version|migrations|knex_migrations(_lock)?|ar_internal_metadata)$/;

function isRunnerItem(item: string): boolean {
  const match = /^(?:table|view|column|constraint \S+ on|index CREATE (?:UNIQUE )?INDEX \S+ ON|trigger \S+ on) ([^\s.(:]+(?:\.[^\s.(:]+)?)/.exec(item);
  let name = match?.[1]?.replace(/^public\./, '');
  // `column orders.status …` names a table and a column: the table is what counts.
  if (name && item.startsWith('column ')) name = name.slice(0, name.lastIndexOf('.'));
  return !!name && RUNNER_TABLES.test(name);
}

export async function detectDrift(discovery: Discovery, databaseUrl: string, options: { cacheDir?: string; statementMs?: number } = {}): Promise<DriftReport> {
  const migrations = [...discovery.migrations].sort((a, b) => (a.set === b.set ? a.order - b.order : a.set.localeCompare(b.set)));
  const limits = { ...DEFAULT_LIMITS, statementMs: options.statementMs ?? DEFAULT_LIMITS.statementMs };
  const { executor, base } = await pgliteEngine({ cacheDir: options.cacheDir }).open(migrations, (e) => replayHistory(e, migrations, limits));
  let expected: string[];
  try {
    expected = await readCatalog(executor);
  } finally {
    await executor.close();
  }
  const live = await readLiveCatalog(databaseUrl, limits.statementMs);
  const expectedSet = new Set(expected);
  const liveSet = new Set(live);
  const missing = expected.filter((item) => !liveSet.has(item) && !isRunnerItem(item));
  const extra = live.filter((item) => !expectedSet.has(item) && !isRunnerItem(item));
  const url = new URL(databaseUrl);
  return {
    drift: missing.length + extra.length > 0,
    database: `${url.hostname}:${url.port || 5432}${url.pathname}`,
    migrations: migrations.length,
    missing,
    extra,
    replaySkipped: base.skipped,
  };
}

/** The live catalog, read-only, with a time limit: drift never writes to the database it inspects. */
async function readLiveCatalog(url: string, timeoutMs: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(1000, timeoutMs * 6)}`);
    const executor: Pick<Executor, 'query'> = { query: async <T extends Record<string, unknown>>(sql: string) => (await client.query(sql)).rows as T[] };
    const items = await readCatalog(executor as Executor);
    await client.query('ROLLBACK');
    return items;
  } finally {
    await client.end();
  }
}

export function driftText(report: DriftReport): string {
  if (!report.drift) return `No drift: ${report.database} matches the schema of ${report.migrations} migrations.\n`;
  const lines = [`Drift between ${report.database} and the schema of ${report.migrations} migrations:`];
  if (report.missing.length)
    lines.push(`  In the migrations, missing from the database (${report.missing.length}):`, ...report.missing.map((i) => `    - ${i}`));
  if (report.extra.length) lines.push(`  In the database, in no migration (${report.extra.length}):`, ...report.extra.map((i) => `    + ${i}`));
  if (report.replaySkipped.length)
    lines.push(`  (${report.replaySkipped.length} migration statements could not be replayed; what they create is not compared)`);
  return `${lines.join('\n')}\n`;
}

export function driftMarkdown(report: DriftReport): string {
  if (!report.drift) return `✅ No schema drift: \`${report.database}\` matches the schema of ${report.migrations} migrations.\n`;
  const list = (items: string[]): string => items.map((i) => `- \`${i.replace(/`/g, "'")}\``).join('\n');
  return [
    `<!-- migration-review:drift -->`,
    `## ⚠️ Schema drift in \`${report.database}\``,
    '',
    `The database does not match the schema that the repository's ${report.migrations} migrations build.`,
    report.missing.length ? `\n### In the migrations, missing from the database (${report.missing.length})\n\n${list(report.missing)}` : '',
    report.extra.length ? `\n### In the database, in no migration (${report.extra.length})\n\n${list(report.extra)}` : '',
    '',
    'Bring them back together with a migration (for changes made by hand) or by applying the pending migrations.',
    '',
  ].join('\n');
}
