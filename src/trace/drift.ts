import pg from 'pg';
import type { MigrationFile } from '../core/types.js';
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
  /**
   * Migrations the runner's own table says are not applied yet (a branch ahead of the database):
   * not drift, and left out of the expected schema. Absent when no runner table was recognised,
   * and then every migration is expected.
   */
  pending?: string[];
  /** The runner table that told which migrations the database has, e.g. "schema_migrations (golang-migrate)". */
  appliedFrom?: string;
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
  const all = [...discovery.migrations].sort((a, b) => (a.set === b.set ? a.order - b.order : a.set.localeCompare(b.set)));
  const limits = { ...DEFAULT_LIMITS, statementMs: options.statementMs ?? DEFAULT_LIMITS.statementMs };
  const { items: live, applied } = await readLiveCatalog(databaseUrl, limits.statementMs, all);
  // Compare with what the database says it has applied: a migration still pending on this branch is not drift.
  const migrations = applied ? all.filter((m) => applied.has(m)) : all;
  const { executor, base } = await pgliteEngine({ cacheDir: options.cacheDir }).open(migrations, (e) => replayHistory(e, migrations, limits));
  let expected: string[];
  try {
    expected = await readCatalog(executor);
  } finally {
    await executor.close();
  }
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
    ...(applied ? { pending: all.filter((m) => !applied.has(m)).map((m) => m.path), appliedFrom: applied.from } : {}),
  };
}

/** The live catalog and the applied migrations, read-only, with a time limit: drift never writes to the database it inspects. */
async function readLiveCatalog(url: string, timeoutMs: number, migrations: MigrationFile[]): Promise<{ items: string[]; applied: AppliedSet | null }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // a dropped connection surfaces as the failed query below
  await client.connect();
  try {
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(1000, timeoutMs * 6)}`);
    const executor: Pick<Executor, 'query'> = { query: async <T extends Record<string, unknown>>(sql: string) => (await client.query(sql)).rows as T[] };
    const items = await readCatalog(executor as Executor);
    const applied = await appliedMigrations(client, migrations);
    await client.query('ROLLBACK');
    return { items, applied };
  } finally {
    await client.end();
  }
}

interface AppliedSet {
  has(migration: MigrationFile): boolean;
  from: string;
}

/**
 * Which migrations the database has, from the runner's own bookkeeping (each shape from the
 * runner's source): golang-migrate keeps one row, the current version and a dirty flag; dbmate a
 * row per applied version; goose a row per up (and, in older versions, per down) in
 * goose_db_version; Flyway, sqlx and Prisma a row per migration with its success. Other runners:
 * null, and every migration is expected.
 */
async function appliedMigrations(client: pg.Client, migrations: MigrationFile[]): Promise<AppliedSet | null> {
  const frameworks = new Set(migrations.map((m) => m.framework));
  const columns = async (table: string): Promise<string[]> =>
    (await client.query<{ c: string }>('SELECT attname AS c FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass($1) AND attnum > 0 AND NOT attisdropped', [table])).rows.map((r) => r.c);
  const ofFramework = (framework: string, versions: (m: MigrationFile) => boolean, from: string): AppliedSet => ({ has: (m) => m.framework !== framework || versions(m), from });
  if (frameworks.has('golang-migrate') && (await columns('schema_migrations')).includes('dirty')) {
    const row = (await client.query<{ version: string }>('SELECT version::text FROM schema_migrations LIMIT 1')).rows[0];
    const current = row ? BigInt(row.version) : -1n;
    return ofFramework('golang-migrate', (m) => /^\d+$/.test(m.version) && BigInt(m.version) <= current, 'schema_migrations (golang-migrate)');
  }
  if (frameworks.has('dbmate') && (await columns('schema_migrations')).includes('version')) {
    const versions = new Set((await client.query<{ version: string }>('SELECT version::text FROM schema_migrations')).rows.map((r) => r.version));
    return ofFramework('dbmate', (m) => versions.has(m.version), 'schema_migrations (dbmate)');
  }
  if (frameworks.has('goose') && (await columns('goose_db_version')).includes('version_id')) {
    const rows = (await client.query<{ version: string; applied: boolean }>('SELECT version_id::text AS version, is_applied AS applied FROM goose_db_version ORDER BY id')).rows;
    const state = new Map(rows.map((r) => [r.version, r.applied]));
    return ofFramework('goose', (m) => state.get(String(BigInt(m.version))) === true, 'goose_db_version (goose)');
  }
  if (frameworks.has('flyway') && (await columns('flyway_schema_history')).includes('success')) {
    // Flyway records `V1_2__x.sql` as version "1.2"; repeatable scripts have no version.
    const versions = new Set((await client.query<{ version: string }>('SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL')).rows.map((r) => r.version));
    return ofFramework('flyway', (m) => versions.has(m.version.replace(/_/g, '.')), 'flyway_schema_history (Flyway)');
  }
  if (frameworks.has('sqlx') && (await columns('_sqlx_migrations')).includes('success')) {
    const versions = new Set((await client.query<{ version: string }>('SELECT version::text FROM _sqlx_migrations WHERE success')).rows.map((r) => r.version));
    return ofFramework('sqlx', (m) => /^\d+$/.test(m.version) && versions.has(String(BigInt(m.version))), '_sqlx_migrations (sqlx)');
  }
  if (frameworks.has('prisma') && (await columns('_prisma_migrations')).includes('migration_name')) {
    // One row per migration folder; a rolled-back or unfinished one is not applied.
    const names = new Set((await client.query<{ name: string }>('SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')).rows.map((r) => r.name));
    return ofFramework('prisma', (m) => names.has(m.path.split('/').slice(-2, -1)[0] ?? ''), '_prisma_migrations (Prisma)');
  }
  return null;
}

export function driftText(report: DriftReport): string {
  const pending = report.pending?.length ? `${report.pending.length} migration${report.pending.length === 1 ? ' is' : 's are'} not applied yet (${report.appliedFrom}): ${report.pending.join(', ')}\n` : '';
  if (!report.drift) return `No drift: ${report.database} matches the schema of ${report.migrations - (report.pending?.length ?? 0)} applied migrations.\n${pending}`;
  const lines = [`Drift between ${report.database} and the schema of ${report.migrations} migrations:`];
  if (report.missing.length)
    lines.push(`  In the migrations, missing from the database (${report.missing.length}):`, ...report.missing.map((i) => `    - ${i}`));
  if (report.extra.length) lines.push(`  In the database, in no migration (${report.extra.length}):`, ...report.extra.map((i) => `    + ${i}`));
  if (report.replaySkipped.length)
    lines.push(`  (${report.replaySkipped.length} migration statements could not be replayed; what they create is not compared)`);
  return `${lines.join('\n')}\n${pending}`;
}

export function driftMarkdown(report: DriftReport): string {
  const pending = report.pending?.length ? `\n${report.pending.length} migration${report.pending.length === 1 ? ' is' : 's are'} not applied yet (${report.appliedFrom}), so not compared: ${report.pending.map((p) => `\`${p.replace(/`/g, "'")}\``).join(', ')}\n` : '';
  if (!report.drift) return `✅ No schema drift: \`${report.database}\` matches the schema of ${report.migrations - (report.pending?.length ?? 0)} applied migrations.\n${pending}`;
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
    pending,
  ].join('\n');
}
